"""Current-era calls over HTTP against a scripted stub: what is sent, and how the answers parse.

Quota in both units, spend series, bulk scans, labels, retries, the new filters and write
fields. The sandbox checks of the same calls live in test_current_era.py.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from vision_api import (
    BulkObserveResult,
    ConfigurationError,
    ConflictError,
    Label,
    ObserveResult,
    Quota,
    SpendSeries,
)

from .conftest import Reply, StubAPI

OBSERVATION_PAGE = {"count": 0, "next": None, "previous": None, "results": []}
STATS = {
    "status_counts": {"total": 3, "succeeded": 2, "failed": 1, "success_rate": 67},
    "coverage": {"recent_sessions": 1, "total_sessions": 3, "recent_days": 14},
    "available_tags": [],
    "monitor": {"yes_total": 1, "no_total": 1, "inconclusive_total": 0},
    "classifier": None,
    "scorer": None,
    "labels": {
        "up_total": 3,
        "down_total": 1,
        "by_day": [{"date": "2026-03-02", "up": 2, "down": 1}],
        "by_rating_day": [{"date": "2026-03-03", "up": 3, "down": 1}],
        "version_markers": [
            {
                "date": "2026-02-01T10:00:00Z",
                "version": 1,
                "prompt": "Did they struggle?",
                "scanner_config": {"prompt": "Did they struggle?"},
                "scanner_type": "monitor",
                "model": "gemini-3-flash-preview",
                "provider": "google",
                "emits_signals": False,
                "query": None,
                "sampling_rate": 0.5,
                "sampling_mode": "balanced",
                "up": 3,
                "down": 1,
                "total": 4,
            },
            {"date": "2026-03-01", "version": 2},
        ],
    },
    "summarizer": None,
}


def _query(stub: StubAPI, index: int = -1) -> dict[str, list[str]]:
    return parse_qs(urlsplit(stub.seen[index].path).query)


def _body(stub: StubAPI, index: int = -1) -> object:
    return json.loads(stub.seen[index].body or b"null")


# Quota --------------------------------------------------------------------------------------


def test_current_quota_is_in_credits(stub_api: StubAPI) -> None:
    stub_api.reply(
        "/quota/",
        Reply(
            200,
            {
                "credit_limit": 10000,
                "credits_used": 9000,
                "credits_settled": 8800,
                "credits_reserved": 200,
                "remaining": 1000,
                "exhausted": False,
                "period_start": "2026-03-01T00:00:00Z",
                "period_end": "2026-04-01T00:00:00Z",
                "projected_monthly_credits": 12000,
                "scanners_monthly_credits": 11000,
                "backfills_committed_credits": 1000,
                "free_monthly_credits": 2500,
            },
        ),
    )
    quota = stub_api.client().quota.retrieve()
    assert isinstance(quota, Quota)
    assert (quota.unit, quota.limit, quota.used, quota.remaining) == ("credits", 10000, 9000, 1000)
    assert (quota.projected_monthly, quota.exhausted, quota.capped) == (12000, False, True)
    assert (quota.scanners_monthly_credits, quota.backfills_committed_credits) == (11000, 1000)
    assert (quota.credits_settled, quota.credits_reserved, quota.free_monthly_credits) == (
        8800,
        200,
        2500,
    )
    assert quota.period_end == datetime(2026, 4, 1, tzinfo=UTC)


def test_an_uncapped_and_a_blocked_credit_quota(stub_api: StubAPI) -> None:
    uncapped = {"credit_limit": None, "credits_used": 50, "remaining": None, "exhausted": False}
    blocked = {"credit_limit": 0, "credits_used": 0, "remaining": 0, "exhausted": True}
    stub_api.reply("/quota/", Reply(200, uncapped), Reply(200, blocked))
    client = stub_api.client()
    first = client.quota.retrieve()
    assert (first.limit, first.remaining, first.capped, first.exhausted) == (
        None,
        None,
        False,
        False,
    )
    assert first.period_start is None and first.projected_monthly is None
    second = client.quota.retrieve()
    assert (second.limit, second.remaining, second.capped, second.exhausted) == (0, 0, True, True)


def test_seed_quota_is_in_observations(stub_api: StubAPI) -> None:
    stub_api.reply(
        "/quota/",
        Reply(
            200,
            {
                "monthly_quota": 3000,
                "usage_this_month": 3000,
                "remaining": 0,
                "exhausted": True,
                "period_start": "2026-03-01T00:00:00+00:00",
                "period_end": "2026-04-01T00:00:00+00:00",
                "projected_monthly_observations": 4100,
            },
        ),
    )
    quota = stub_api.client().quota.retrieve()
    assert (quota.unit, quota.limit, quota.used, quota.remaining) == ("observations", 3000, 3000, 0)
    assert (quota.exhausted, quota.projected_monthly) == (True, 4100)
    assert quota.scanners_monthly_credits is None and quota.credits_settled is None


def test_spend_series(stub_api: StubAPI) -> None:
    stub_api.reply(
        "/quota/spend_series/",
        Reply(
            200,
            {
                "period_start": "2026-03-01T00:00:00Z",
                "period_end": "2026-04-01T00:00:00Z",
                "days": [
                    {"date": "2026-03-01", "credits": 15},
                    {"date": "2026-03-02", "credits": 0},
                ],
            },
        ),
    )
    series = stub_api.client().quota.spend_series()
    assert isinstance(series, SpendSeries)
    assert [(day.date, day.credits) for day in series.days] == [
        (date(2026, 3, 1), 15),
        (date(2026, 3, 2), 0),
    ]
    assert series.total == 15
    assert stub_api.seen[0].path == "/api/projects/1/vision/quota/spend_series/"


# Observe, bulk observe, retry -----------------------------------------------------------------


def test_observe_on_an_already_scanned_session_says_so(stub_api: StubAPI) -> None:
    stub_api.reply("/observe/", Reply(200, {"observation_id": "obs-1"}))
    result = stub_api.client().scanners.observe("s1", "sess-1")
    assert result.already_scanned and result.observation_id == "obs-1"


def test_bulk_observe_sends_distinct_ids_in_order_and_parses_outcomes(stub_api: StubAPI) -> None:
    answer = {
        "started": 1,
        "results": [
            {"session_id": "a", "scan_outcome": "started"},
            {"session_id": "b", "scan_outcome": "already_scanned"},
            {"session_id": "c", "scan_outcome": "skipped_quota"},
            {"session_id": "d", "scan_outcome": "queued_for_tomorrow"},
        ],
    }
    stub_api.reply("/s1/bulk_observe/", Reply(202, answer))
    result = stub_api.client().scanners.bulk_observe("s1", ["a", " b ", "a", "c", "d"])
    assert isinstance(result, BulkObserveResult)
    seen = stub_api.seen[0]
    assert (seen.method, seen.path) == ("POST", "/api/projects/1/vision/scanners/s1/bulk_observe/")
    assert _body(stub_api) == {"session_ids": ["a", "b", "c", "d"]}
    assert result.started == 1 and result.results[0].started
    assert result.by_outcome() == {
        "started": ("a",),
        "already_scanned": ("b",),
        "skipped_quota": ("c",),
        "queued_for_tomorrow": ("d",),
    }


@pytest.mark.parametrize(
    ("session_ids", "message"),
    [
        ([], "at least one"),
        (["  "], "non-empty"),
        ([None], "non-empty"),
        (["x" * 129], "128"),
        ([f"s{i}" for i in range(201)], "at most 200"),
        ("one-string", "list"),
    ],
    ids=["empty", "blank", "none", "too-long", "too-many", "a-string"],
)
def test_bulk_observe_refuses_bad_ids_before_sending(
    stub_api: StubAPI, session_ids: object, message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message) as caught:
        stub_api.client().scanners.bulk_observe("s1", session_ids)  # type: ignore[arg-type]
    assert caught.value.field == "session_ids" and isinstance(caught.value, ValueError)
    assert stub_api.seen == []


def test_bulk_observe_takes_200_ids_and_duplicates_beyond(stub_api: StubAPI) -> None:
    stub_api.reply("/bulk_observe/", Reply(202, {"started": 0, "results": []}))
    ids = [f"s{i}" for i in range(200)]
    stub_api.client().scanners.bulk_observe("s1", ids + ids[:50])
    body = _body(stub_api)
    assert isinstance(body, dict) and body["session_ids"] == ids


def test_bulk_observe_is_never_retried(stub_api: StubAPI) -> None:
    stub_api.reply("/bulk_observe/", Reply(503, {"detail": "Try again."}))
    with pytest.raises(Exception, match="503"):
        stub_api.client().scanners.bulk_observe("s1", ["a"])
    assert len(stub_api.seen) == 1


def test_retry_posts_to_the_observation_and_returns_the_workflow(stub_api: StubAPI) -> None:
    stub_api.reply("/observations/o1/retry/", Reply(202, {"workflow_id": "wf-9"}))
    result = stub_api.client().observations.retry("s1", "o1")
    assert isinstance(result, ObserveResult) and result.workflow_id == "wf-9"
    assert not result.already_scanned
    seen = stub_api.seen[0]
    assert (seen.method, seen.path) == (
        "POST",
        "/api/projects/1/vision/scanners/s1/observations/o1/retry/",
    )


def test_retry_conflict_is_not_repeated(stub_api: StubAPI) -> None:
    busy = {"detail": "The previous run is still finishing. Scan the recording again in a moment."}
    stub_api.reply("/retry/", Reply(409, busy))
    with pytest.raises(ConflictError, match="still finishing"):
        stub_api.client().observations.retry("s1", "o1")
    assert len(stub_api.seen) == 1


# Labels ---------------------------------------------------------------------------------------


def test_label_posts_the_rating_and_returns_it(stub_api: StubAPI) -> None:
    stub_api.reply("/label/", Reply(200, {"is_correct": False, "feedback": "missed the error"}))
    label = stub_api.client().observations.label(
        "s1", "o1", is_correct=False, feedback="missed the error"
    )
    assert label == Label(is_correct=False, feedback="missed the error")
    seen = stub_api.seen[0]
    assert (seen.method, seen.path) == (
        "POST",
        "/api/projects/1/vision/scanners/s1/observations/o1/label/",
    )
    assert _body(stub_api) == {"is_correct": False, "feedback": "missed the error"}


def test_unlabel_deletes_the_rating(stub_api: StubAPI) -> None:
    stub_api.reply("/label/", Reply(204))
    assert stub_api.client().observations.unlabel("s1", "o1") is None
    assert stub_api.seen[0].method == "DELETE"


@pytest.mark.parametrize(
    ("is_correct", "feedback", "message"),
    [(1, "", "True or False"), (True, "x" * 5001, "5,000"), (True, None, "string")],
)
def test_label_refuses_bad_input_before_sending(
    stub_api: StubAPI, is_correct: object, feedback: object, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        stub_api.client().observations.label(
            "s1",
            "o1",
            is_correct=is_correct,  # type: ignore[arg-type]
            feedback=feedback,  # type: ignore[arg-type]
        )
    assert stub_api.seen == []


def test_labels_and_version_markers_in_stats(stub_api: StubAPI) -> None:
    stub_api.reply("/observations/stats/", Reply(200, STATS))
    stats = stub_api.client().observations.stats("s1")
    labels = stats.labels
    assert labels is not None and (labels.up_total, labels.down_total, labels.total) == (3, 1, 4)
    assert [(d.date, d.up, d.down) for d in labels.by_day] == [(date(2026, 3, 2), 2, 1)]
    assert labels.by_rating_day[0].date == date(2026, 3, 3)
    first, second = labels.version_markers
    assert (first.version, first.up, first.down, first.total) == (1, 3, 1, 4)
    assert (first.model, first.sampling_rate, first.sampling_mode) == (
        "gemini-3-flash-preview",
        0.5,
        "balanced",
    )
    assert first.date == datetime(2026, 2, 1, 10, tzinfo=UTC)
    assert (second.version, second.prompt, second.total) == (2, None, 0)
    assert second.date == datetime(2026, 3, 1, tzinfo=UTC)
    assert stats.summarizer is None


# Filters and write fields -------------------------------------------------------------------


def test_observation_filters_of_the_current_era(stub_api: StubAPI) -> None:
    stub_api.reply("/observations/", Reply(200, OBSERVATION_PAGE))
    stub_api.client().observations.list(
        "s1",
        min_score=2,
        max_score=7.5,
        date_from=datetime(2026, 3, 1, 8, 30, tzinfo=UTC),
        date_to=date(2026, 3, 31),
        labeled=False,
        recording_subject=" @example.com ",
        session_id=["a", "b"],
        backfill_id="bf-1",
        order_by="-result_score",
    )
    query = _query(stub_api)
    assert query["min_score"] == ["2"] and query["max_score"] == ["7.5"]
    assert query["date_from"] == ["2026-03-01T08:30:00+00:00"]
    assert query["date_to"] == ["2026-03-31"]
    assert query["labeled"] == ["false"] and query["recording_subject"] == ["@example.com"]
    assert query["session_id"] == ["a,b"] and query["backfill_id"] == ["bf-1"]
    assert query["order_by"] == ["-result_score"]


def test_relative_dates_and_labeled_true_go_as_given(stub_api: StubAPI) -> None:
    stub_api.reply("/observations/stats/", Reply(200, STATS))
    stub_api.client().observations.stats("s1", date_from="-7d", date_to="now", labeled=True)
    query = _query(stub_api)
    assert (query["date_from"], query["date_to"], query["labeled"]) == (["-7d"], ["now"], ["true"])
    assert query["recent_days"] == ["14"]


def test_iter_and_fetch_all_send_the_same_filters(stub_api: StubAPI) -> None:
    stub_api.reply("/observations/", Reply(200, OBSERVATION_PAGE))
    client = stub_api.client()
    list(client.observations.iter("s1", min_score=1, labeled=True))
    client.observations.fetch_all("s1", min_score=1, labeled=True)
    for index in (0, 1):
        query = _query(stub_api, index)
        assert (query["min_score"], query["labeled"]) == (["1"], ["true"])


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"min_score": "high"}, "min_score"),
        ({"max_score": True}, "max_score"),
        ({"max_score": float("nan")}, "max_score"),
        ({"date_from": 20260301}, "date_from"),
    ],
)
def test_bad_filter_values_are_refused_before_sending(
    stub_api: StubAPI, options: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        stub_api.client().observations.list("s1", **options)  # type: ignore[arg-type]
    assert stub_api.seen == []


def test_scanner_list_by_tags_and_credits_this_month(stub_api: StubAPI) -> None:
    stub_api.reply("/scanners/", Reply(200, OBSERVATION_PAGE))
    stub_api.client().scanners.list(tags=["growth", "checkout"], order_by="-credits_this_month")
    query = _query(stub_api)
    assert query["tags"] == ["growth,checkout"] and query["order_by"] == ["-credits_this_month"]


def test_create_update_and_estimate_send_the_current_era_fields(stub_api: StubAPI) -> None:
    scanner = {
        "id": "s1",
        "name": "n",
        "scanner_type": "monitor",
        "scanner_config": {"prompt": "p"},
        "sampling_rate": 1.0,
        "model": "gemini-3.5-flash-lite",
        "enabled": True,
        "scanner_version": 1,
        "created_at": "2026-03-01T00:00:00Z",
    }
    stub_api.reply("/scanners/", Reply(201, scanner))
    stub_api.reply("/scanners/s1/", Reply(200, scanner))
    stub_api.reply(
        "/scanners/estimate/",
        Reply(
            200,
            {
                "matched_sessions_in_window": 70,
                "window_days": 7,
                "estimated_observations_per_month": 300,
                "credits_per_observation": 2,
                "estimated_credits_per_month": 600,
                "other_enabled_scanners_monthly_credits": 100,
                "active_backfill_credits": 0,
                "sampling_rate": 1.0,
            },
        ),
    )
    client = stub_api.client()
    client.scanners.create(
        name="n",
        scanner_type="monitor",
        scanner_config={"prompt": "p"},
        model="gemini-3.5-flash-lite",
        sampling_mode="focused",
        tags=("growth",),
        credit_limit=500,
    )
    client.scanners.update("s1", tags=("a", "b"))
    client.scanners.update("s1", sampling_mode="balanced")
    estimate = client.scanners.estimate(sampling_mode="focused", model="gemini-3.8-flash")
    created, tagged, moded, estimated = (_body(stub_api, i) for i in range(4))
    assert isinstance(created, dict)
    assert (created["sampling_mode"], created["tags"], created["credit_limit"]) == (
        "focused",
        ["growth"],
        500,
    )
    assert tagged == {"tags": ["a", "b"]} and moded == {"sampling_mode": "balanced"}
    assert estimated == {
        "sampling_rate": 1.0,
        "model": "gemini-3.8-flash",
        "sampling_mode": "focused",
    }
    assert estimate.other_enabled_scanners_monthly_credits == 100
    assert estimate.other_enabled_scanners_monthly is None


def test_one_tag_string_is_one_tag(stub_api: StubAPI) -> None:
    stub_api.reply("/scanners/s1/", Reply(200, {}))
    with pytest.raises(Exception):  # noqa: B017 - the stub's {} is not a scanner
        stub_api.client().scanners.update("s1", tags="growth")
    assert _body(stub_api) == {"tags": ["growth"]}
