"""vision_console.observations.query: URL parameters <-> the explorer's view, with fallback
notices."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vision_console.observations import query as oq

SCANNER = "7d0c2f0e-1111-4a4a-9b9b-0123456789ab"
OBS = "00000000-0000-4000-8000-000000000001"


def test_no_params_is_the_default_view() -> None:
    query, notices = oq.parse_params({})
    assert query == oq.ObservationQuery()
    assert notices == []
    assert query.to_params() == {}


def test_every_field_round_trips_through_the_url() -> None:
    query = oq.ObservationQuery(
        scanner_id=SCANNER,
        status=("failed", "ineligible"),
        verdict=("yes",),
        tags=("bug",),
        triggered_by=("on_demand",),
        session_id="sess-1",
        recent_days=30,
        order_by="result_score",
        page=3,
        page_size=100,
        bucket="5–9",
        observation_id=OBS,
    )
    parsed, notices = oq.parse_params(query.to_params())
    assert parsed == query
    assert notices == []


@pytest.mark.parametrize("order_by", oq.ORDER_BY_CHOICES)
def test_every_order_by_key_is_accepted(order_by: str) -> None:
    query, notices = oq.parse_params({"sort": order_by})
    assert query.order_by == order_by and notices == []


def test_order_by_choices_cover_each_contract_key_both_ways() -> None:
    assert set(oq.ORDER_BY_CHOICES) == {
        f"{sign}{key}"
        for key in (
            "created_at",
            "started_at",
            "completed_at",
            "status",
            "result_score",
            "result_verdict",
            "scanner_version",
        )
        for sign in ("", "-")
    }


def test_csv_values_are_trimmed_lowercased_and_deduplicated() -> None:
    query, notices = oq.parse_params({"status": " Failed, failed,,running ", "tags": "a, b,a"})
    assert query.status == ("failed", "running")
    assert query.tags == ("a", "b")
    assert notices == []


@pytest.mark.parametrize(
    ("params", "param", "field", "fallback"),
    [
        ({"status": "failed,bogus"}, "status", "status", ("failed",)),
        ({"verdict": "maybe"}, "verdict", "verdict", ()),
        ({"trigger": "cron"}, "trigger", "triggered_by", ()),
        ({"days": "0"}, "days", "recent_days", 14),
        ({"days": "366"}, "days", "recent_days", 14),
        ({"days": "ten"}, "days", "recent_days", 14),
        ({"sort": "name"}, "sort", "order_by", "-created_at"),
        ({"page": "-2"}, "page", "page", 1),
        ({"page": "1e9"}, "page", "page", 1),
        ({"size": "33"}, "size", "page_size", 50),
        ({"scanner": "x" * 256}, "scanner", "scanner_id", None),
        ({"obs": "1 OR 1=1"}, "obs", "observation_id", None),
        ({"session": "x" * 129}, "session", "session_id", ""),
        ({"tags": "ok," + "t" * 101}, "tags", "tags", ("ok",)),
    ],
)
def test_invalid_values_fall_back_with_a_notice_naming_the_param(
    params: dict[str, str], param: str, field: str, fallback: object
) -> None:
    query, notices = oq.parse_params(params)
    assert getattr(query, field) == fallback
    assert [notice.param for notice in notices] == [param]
    assert str(notices[0]).startswith(f"URL parameter '{param}'")


def test_a_scanner_may_be_named_instead_of_identified() -> None:
    query, notices = oq.parse_params({"scanner": " UX quality "})
    assert (query.scanner_id, notices) == ("UX quality", [])
    by_id, _ = oq.parse_params({"scanner": SCANNER.upper()})
    assert by_id.scanner_id == SCANNER


def test_repeated_params_use_the_last_value() -> None:
    query, _ = oq.parse_params({"days": ["7", "30"]})
    assert query.recent_days == 30


def test_api_filters_leave_out_empty_ones() -> None:
    query = oq.ObservationQuery(scanner_id=SCANNER, status=("failed",), session_id="s1")
    assert query.api_filters() == {"status": ["failed"], "session_id": "s1"}
    assert oq.ObservationQuery().api_filters() == {}


def test_filter_key_ignores_sort_page_and_selection() -> None:
    base = oq.ObservationQuery(scanner_id=SCANNER, verdict=("yes",))
    moved = oq.ObservationQuery(
        scanner_id=SCANNER, verdict=("yes",), order_by="status", page=4, observation_id=OBS
    )
    assert base.filter_key() == moved.filter_key()
    assert base.filter_key() != oq.ObservationQuery(scanner_id=SCANNER).filter_key()


def test_changing_filters_resets_page_and_closes_the_detail() -> None:
    query = oq.ObservationQuery(scanner_id=SCANNER, page=5, observation_id=OBS)
    changed = query.with_filters(verdict=("no",))
    assert (changed.page, changed.observation_id, changed.verdict) == (1, None, ("no",))


@pytest.mark.parametrize(
    ("scanner_type", "kept"),
    [
        ("monitor", {"verdict"}),
        ("classifier", {"tags"}),
        ("scorer", {"bucket"}),
        ("summarizer", set()),
    ],
)
def test_type_specific_filters_only_survive_on_their_type(
    scanner_type: str, kept: set[str]
) -> None:
    query = oq.ObservationQuery(verdict=("yes",), tags=("bug",), bucket="3")
    restricted, notices = oq.restrict_to_scanner_type(query, scanner_type)
    survivors = {name for name in ("verdict", "tags", "bucket") if getattr(restricted, name)}
    assert survivors == kept
    assert {notice.param for notice in notices} == {"verdict", "tags", "bucket"} - kept


def test_sort_labels_are_readable() -> None:
    assert oq.sort_label("-completed_at") == "Completed (newest first)"
    assert oq.sort_label("result_score") == "Score (lowest first)"


@given(st.dictionaries(st.sampled_from(oq.URL_PARAMS), st.text(max_size=60), max_size=8))
def test_parsing_never_raises_and_its_output_round_trips(raw: dict[str, str]) -> None:
    query, _notices = oq.parse_params(raw)
    again, notices = oq.parse_params(query.to_params())
    assert again == query
    assert notices == []
