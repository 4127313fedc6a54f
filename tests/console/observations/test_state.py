"""vision_console.observations.state: the explorer's parameters (one name per concept), the
URL values they accept with fallback notices, the View the page reads, and what the
scanner's type drops."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import streamlit as st
from hypothesis import given
from hypothesis import strategies as hs

from vision_console import scanner_types
from vision_console.observations import state, stats_charts
from vision_console.url_state import encode_params, parse_params

SCANNER = "7d0c2f0e-1111-4a4a-9b9b-0123456789ab"
OBS = "00000000-0000-4000-8000-000000000001"
NAMES = [param.name for param in state.PARAMS]


@pytest.fixture(autouse=True)
def fresh_session() -> Iterator[None]:
    st.session_state.clear()
    yield
    st.session_state.clear()


def parse(raw: dict[str, str]) -> tuple[state.View, list[str]]:
    values, notices = parse_params(raw, state.PARAMS)
    return state.View(**values), notices


def test_one_name_per_concept() -> None:
    """The URL parameter, the state key and the View field are the same word."""
    assert list(state.View.__dataclass_fields__) == NAMES
    assert all(state.STATE.key(name) == f"observations.{name}" for name in NAMES)
    assert "triggered_by" in NAMES and "trigger" not in NAMES
    assert set(state.TYPE_FILTERS) <= set(NAMES)  # the registry's filter kinds are params


def test_no_params_is_the_default_view() -> None:
    view, notices = parse({})
    assert view == state.View()
    assert notices == []
    assert encode_params(vars(view), state.PARAMS) == {}


def test_every_field_round_trips_through_the_url() -> None:
    view = state.View(
        scanner=SCANNER,
        status=("failed", "ineligible"),
        verdict=("yes",),
        tags=("bug",),
        bucket="5–9",
        triggered_by=("on_demand",),
        session="sess-1",
        days=30,
        sort="result_score",
        page=3,
        size=100,
        obs=OBS,
    )
    parsed, notices = parse(encode_params(vars(view), state.PARAMS))
    assert parsed == view
    assert notices == []


@pytest.mark.parametrize("sort", state.ALL_SORTS)
def test_every_sort_key_is_accepted(sort: str) -> None:
    view, notices = parse({"sort": sort})
    assert view.sort == sort and notices == []


def test_sorts_cover_each_contract_key_both_ways() -> None:
    assert set(state.ALL_SORTS) == {
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


@pytest.mark.parametrize(
    ("kind", "own"),
    [
        ("monitor", {"result_verdict"}),
        ("scorer", {"result_score"}),
        ("classifier", set()),
        ("summarizer", set()),
        ("indexer", set()),
    ],
)
def test_each_type_sorts_by_the_common_keys_and_its_own(kind: str, own: set[str]) -> None:
    keys = {choice.lstrip("-") for choice in state.sort_choices(kind)}
    assert keys == set(state.COMMON_SORT_KEYS) | own


def test_csv_values_are_trimmed_lowercased_and_deduplicated() -> None:
    view, notices = parse({"status": " Failed, failed,,running ", "tags": "a, b,a"})
    assert view.status == ("failed", "running")
    assert view.tags == ("a", "b")
    assert notices == []


@pytest.mark.parametrize(
    ("params", "param", "fallback"),
    [
        ({"status": "failed,bogus"}, "status", ("failed",)),
        ({"verdict": "maybe"}, "verdict", ()),
        ({"triggered_by": "cron"}, "triggered_by", ()),
        ({"days": "0"}, "days", 14),
        ({"days": "366"}, "days", 14),
        ({"days": "ten"}, "days", 14),
        ({"sort": "name"}, "sort", "-created_at"),
        ({"page": "-2"}, "page", 1),
        ({"page": "1e9"}, "page", 1),
        ({"size": "33"}, "size", 50),
        ({"scanner": "x" * 256}, "scanner", ""),
        ({"obs": "1 OR 1=1"}, "obs", None),
        ({"session": "x" * 129}, "session", ""),
        ({"tags": "ok," + "t" * 101}, "tags", ("ok",)),
    ],
)
def test_invalid_values_fall_back_with_a_notice_naming_the_param(
    params: dict[str, str], param: str, fallback: object
) -> None:
    view, notices = parse(params)
    assert getattr(view, param) == fallback
    assert len(notices) == 1
    assert notices[0].startswith(f"Link parameter {param}=")


def test_a_scanner_may_be_named_instead_of_identified() -> None:
    view, notices = parse({"scanner": " UX quality "})
    assert (view.scanner, notices) == ("UX quality", [])
    by_id, _ = parse({"scanner": SCANNER.upper()})
    assert by_id.scanner == SCANNER


def test_api_filters_leave_out_empty_ones_and_use_the_apis_names() -> None:
    view = state.View(scanner=SCANNER, status=("failed",), session="s1")
    assert view.api_filters() == {"status": ["failed"], "session_id": "s1"}
    assert state.View().api_filters() == {}


def test_filter_key_ignores_bucket_sort_page_and_selection() -> None:
    base = state.View(scanner=SCANNER, verdict=("yes",))
    moved = state.View(
        scanner=SCANNER, verdict=("yes",), sort="status", page=4, obs=OBS, bucket="3"
    )
    assert base.filter_key() == moved.filter_key()
    assert base.filter_key() != state.View(scanner=SCANNER).filter_key()


def test_changing_filters_resets_page_and_closes_the_detail() -> None:
    state.STATE.set(scanner=SCANNER, page=5, obs=OBS)
    state.on_filters_changed()
    assert (state.view().page, state.view().obs, state.pending()) == (1, None, None)


@pytest.mark.parametrize(
    ("scanner_type", "kept"),
    [
        ("monitor", {"verdict"}),
        ("classifier", {"tags"}),
        ("scorer", {"bucket"}),
        ("summarizer", set()),
        ("indexer", set()),
    ],
)
def test_type_specific_filters_only_survive_on_their_type(
    scanner_type: str, kept: set[str]
) -> None:
    state.STATE.set(verdict=("yes",), tags=("bug",), bucket="3")
    state.restrict_to_type(scanner_type)
    view = state.view()
    survivors = {name for name in ("verdict", "tags", "bucket") if getattr(view, name)}
    assert survivors == kept
    assert scanner_types.facts(scanner_type).observation_filter in kept | {None}
    dropped = {"verdict", "tags", "bucket"} - kept
    notices = state.STATE.notices()
    assert {n.split("=")[0].removeprefix("Link parameter ") for n in notices} == dropped


def test_a_sort_the_type_lacks_falls_back_with_a_notice() -> None:
    state.STATE.set(sort="-result_score")
    state.restrict_to_type("scorer")
    assert state.view().sort == "-result_score" and state.STATE.notices() == []
    state.restrict_to_type("monitor")
    assert state.view().sort == state.DEFAULT_SORT
    assert state.STATE.notices()[0].startswith("Link parameter sort='-result_score'")


def test_a_page_past_the_end_clamps_with_a_notice() -> None:
    state.STATE.set(page=9)
    state.clamp_page(3)
    assert state.view().page == 3
    assert "past the end; showing page 3" in state.STATE.notices()[0]


def test_an_unknown_bucket_falls_back_with_a_notice() -> None:
    state.STATE.set(bucket="42")
    state.drop_unknown_bucket(("1", "2"))
    assert state.view().bucket is None
    assert state.STATE.notices()[0].startswith("Link parameter bucket='42'")


def test_a_new_scanner_drops_type_specific_filters_and_sorts() -> None:
    state.STATE.set(verdict=("no",), sort="-result_verdict", status=("failed",), page=4)
    state.on_scanner_changed()
    view = state.view()
    assert (view.verdict, view.sort, view.status, view.page) == ((), "-created_at", ("failed",), 1)


def test_sort_labels_are_readable() -> None:
    assert state.sort_label("-completed_at") == "Completed (newest first)"
    assert state.sort_label("result_score") == "Score (lowest first)"


@given(hs.dictionaries(hs.sampled_from(NAMES), hs.text(max_size=60), max_size=8))
def test_parsing_never_raises_and_its_output_round_trips(raw: dict[str, str]) -> None:
    view, _notices = parse(raw)
    again, notices = parse(encode_params(vars(view), state.PARAMS))
    assert again == view
    assert notices == []


# -- the current era's filters (issue 13) ------------------------------------------------------


def test_the_current_eras_filters_round_trip_and_reach_the_api_by_its_names() -> None:
    raw = {
        "min_score": "2.5",
        "max_score": "8",
        "date_from": "2026-03-01",
        "date_to": "2026-03-14",
        "subject": "ada@",
        "labeled": "unlabeled",
    }
    view, notices = parse(raw)
    assert notices == []
    assert encode_params(vars(view), state.PARAMS) == raw
    assert view.api_filters() == {
        "extra_params": {
            "min_score": "2.5",
            "max_score": "8",
            "date_from": "2026-03-01",
            "date_to": "2026-03-14",
            "recording_subject": "ada@",
            "labeled": "false",
        }
    }
    assert view.filter_key() != state.View().filter_key()
    assert view.has_filters()


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"min_score": "high"}, "min_score"),
        ({"max_score": "inf"}, "max_score"),
        ({"date_from": "yesterday"}, "date_from"),
        ({"date_to": "2026-02-30"}, "date_to"),
        ({"labeled": "maybe"}, "labeled"),
    ],
)
def test_bad_current_era_values_fall_back_with_a_notice(params: dict[str, str], param: str) -> None:
    view, notices = parse(params)
    assert getattr(view, param) == getattr(state.View(), param)
    assert notices[0].startswith(f"Link parameter {param}=")


def test_on_a_seed_era_server_the_current_eras_filters_are_dropped_with_a_notice() -> None:
    """A seed-era server ignores unknown query parameters: sending them would show the whole
    set as if it were filtered."""
    state.STATE.set(subject="ada@", labeled="labeled", status=("failed",))
    state.restrict_to_era(current_era=True)
    assert state.view().subject == "ada@" and state.STATE.notices() == []
    state.restrict_to_era(current_era=False)
    view = state.view()
    assert (view.subject, view.labeled, view.status) == ("", "all", ("failed",))
    named = {n.split("=")[0].removeprefix("Link parameter ") for n in state.STATE.notices()}
    assert named == {"subject", "labeled"}
    assert view.era_filters() == {}


def test_score_bounds_only_survive_on_scorers() -> None:
    state.STATE.set(min_score=3.0)
    state.restrict_to_type("scorer")
    assert state.view().min_score == 3.0
    state.restrict_to_type("monitor")
    assert state.view().min_score is None
    assert state.STATE.notices()[-1].startswith("Link parameter min_score=")


def test_clear_filters_clears_the_current_eras_filters_too() -> None:
    state.STATE.set(subject="ada@", date_from=None, labeled="labeled", max_score=4.0)
    state.clear_filters()
    assert not state.view().has_filters()


def test_inside_a_score_bucket_the_sort_box_offers_and_shows_the_score_order() -> None:
    """Issue 15 item 7: the table was sorted by score inside a bucket while the sort box kept
    saying "Created (newest first)"."""
    assert state.sort_choices("scorer", "3") == ("result_score", "-result_score")
    state.STATE.set(bucket="3", sort="-created_at")
    state.sort_for_bucket()
    assert state.view().sort == "result_score"
    state.STATE.set(sort="-result_score")
    state.sort_for_bucket()
    assert state.view().sort == "-result_score"
    state.STATE.set(bucket=None, sort="-created_at")
    state.sort_for_bucket()
    assert state.view().sort == "-created_at"


# -- a clickable chart's widget generation ---------------------------------------------------


def click(selection: str, points: list[dict[str, str]]) -> None:
    """What Streamlit does on a chart click: the widget's state, then its callback."""
    chart_key = f"observations.chart:{selection}"
    st.session_state[chart_key] = {"selection": {selection: points}}
    state.on_chart_select(chart_key, selection)


def generation() -> int:
    return state.chart_generation(stats_charts.VERDICT_SELECTION, state.view())


def test_a_chart_keeps_its_widget_through_its_own_clicks_and_other_filters() -> None:
    """The browser keeps the chart it drew and swaps the data in (issue 14: click latency)."""
    first = generation()
    click(stats_charts.VERDICT_SELECTION, [{"verdict": "no"}])
    assert state.view().verdict == ("no",)
    assert generation() == first
    state.STATE.set(status=("succeeded",))
    assert generation() == first
    click(stats_charts.VERDICT_SELECTION, [])  # a click on the picked bar clears it
    assert state.view().verdict == ()
    assert generation() == first


def test_a_chart_starts_over_when_its_filter_changes_elsewhere() -> None:
    """The filter bar, Clear filters or a link change the filter: the chart's selection must
    not keep showing a pick the filter no longer has, so it gets a new widget."""
    first = generation()
    click(stats_charts.VERDICT_SELECTION, [{"verdict": "no"}])
    assert generation() == first
    state.STATE.set(verdict=())  # Clear filters
    cleared = generation()
    assert cleared == first + 1
    assert generation() == cleared  # a rerun with nothing changed keeps it


def test_a_chart_with_nothing_picked_keeps_its_widget_when_its_filter_changes_elsewhere() -> None:
    """No pick to clear, so no new widget: the browser swaps the data into the chart it drew
    instead of building it again (issue 14: a status filter rebuilt the status chart)."""
    first = generation()
    state.STATE.set(verdict=("no",))  # the filter bar, on a chart never clicked
    assert generation() == first
    click(stats_charts.VERDICT_SELECTION, [{"verdict": "no"}])
    click(stats_charts.VERDICT_SELECTION, [])  # the pick is cleared on the chart itself
    assert state.view().verdict == ()
    assert generation() == first
    state.STATE.set(verdict=("yes",))
    assert generation() == first
