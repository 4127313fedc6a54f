"""Observation list and retrieve over HTTP: filters, nulls-last ordering, neighbours."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import Api, assert_error, insert_observations


def _ids(api: Api, scanner_id: str, **params: Any) -> list[str]:
    page = api.get(f"{scanner_id}/observations/", limit=1000, **params).json()
    return [o["id"] for o in page["results"]]


@pytest.fixture
def scored(api: Api) -> tuple[Api, str, list[dict[str, Any]]]:
    """A scorer with five hand-built rows: three scores, one failure, one pending."""
    scanner = api.create(scanner_type="scorer")
    rows = [
        {"score": 5, "created_at": "2030-01-01T00:00:05.000000Z", "session_id": "s5"},
        {"score": 2, "created_at": "2030-01-01T00:00:04.000000Z", "session_id": "s2"},
        {"status": "failed", "created_at": "2030-01-01T00:00:03.000000Z", "session_id": "sf"},
        {
            "score": 9,
            "created_at": "2030-01-01T00:00:02.000000Z",
            "session_id": "s9",
            "triggered_by": "on_demand",
        },
        {"status": "pending", "created_at": "2030-01-01T00:00:01.000000Z", "session_id": "sp"},
    ]
    insert_observations(api.sb, scanner["id"], rows)
    page = api.get(f"{scanner['id']}/observations/").json()
    return api, scanner["id"], page["results"]


def _sessions(api: Api, scanner_id: str, **params: Any) -> list[str]:
    params.setdefault("limit", 1000)
    page = api.get(f"{scanner_id}/observations/", **params).json()
    return [o["session_id"] for o in page["results"]]


def test_default_order_is_newest_first(scored: tuple[Api, str, list[dict[str, Any]]]) -> None:
    _api, _sid, results = scored
    assert [o["session_id"] for o in results] == ["s5", "s2", "sf", "s9", "sp"]
    assert results[0]["scanner_result"]["model_output"]["score"] == 5
    assert results[2]["scanner_result"] is None


@pytest.mark.parametrize(
    ("order_by", "expected"),
    [
        ("result_score", ["s2", "s5", "s9", "sf", "sp"]),
        ("-result_score", ["s9", "s5", "s2", "sf", "sp"]),
        ("created_at", ["sp", "s9", "sf", "s2", "s5"]),
        ("status", ["sf", "sp", "s2", "s5", "s9"]),
    ],
)
def test_order_by_sorts_nulls_last(
    scored: tuple[Api, str, list[dict[str, Any]]], order_by: str, expected: list[str]
) -> None:
    api, sid, _ = scored
    sessions = _sessions(api, sid, order_by=order_by)
    if order_by == "status":
        assert sessions[:2] == expected[:2] and sorted(sessions[2:]) == sorted(expected[2:])
    elif order_by.endswith("result_score"):
        assert sessions[:3] == expected[:3] and sorted(sessions[3:]) == sorted(expected[3:])
    else:
        assert sessions == expected


def test_nulls_last_pagination_crosses_the_null_boundary(
    scored: tuple[Api, str, list[dict[str, Any]]],
) -> None:
    api, sid, _ = scored
    pages = [
        _sessions(api, sid, order_by="-result_score", limit=2, offset=offset)
        for offset in (0, 2, 4)
    ]
    flat = [s for page in pages for s in page]
    assert flat[:3] == ["s9", "s5", "s2"]
    assert sorted(flat[3:]) == ["sf", "sp"]


def test_filters(scored: tuple[Api, str, list[dict[str, Any]]]) -> None:
    api, sid, _ = scored
    assert _sessions(api, sid, status="failed,pending") == ["sf", "sp"]
    assert _sessions(api, sid, triggered_by="on_demand") == ["s9"]
    assert _sessions(api, sid, session_id="s2") == ["s2"]
    assert _sessions(api, sid, session_id="nope") == []
    assert _sessions(api, sid, verdict="yes") == []


@pytest.mark.parametrize(
    ("params", "attr", "detail"),
    [
        (
            {"status": "bogus"},
            "status",
            "Invalid value(s) ['bogus']; allowed: "
            "['failed', 'ineligible', 'pending', 'running', 'succeeded'].",
        ),
        (
            {"triggered_by": "cron,cron,at"},
            "triggered_by",
            "Invalid value(s) ['at', 'cron']; allowed: "
            "['backfill', 'on_demand', 'retry', 'schedule'].",
        ),
        (
            {"verdict": "yes,maybe"},
            "verdict",
            "Invalid value(s) ['maybe']; allowed: ['inconclusive', 'no', 'yes'].",
        ),
        (
            {"order_by": "garbage"},
            "order_by",
            "Invalid order_by 'garbage'. Allowed keys: ['completed_at', 'created_at', "
            "'recording_subject_email', 'result_confidence', 'result_score', "
            "'result_verdict', 'scanner_version', 'started_at', 'status'].",
        ),
    ],
)
def test_filter_errors(
    scored: tuple[Api, str, list[dict[str, Any]]], params: dict[str, str], attr: str, detail: str
) -> None:
    api, sid, _ = scored
    assert_error(api.get(f"{sid}/observations/", **params), 400, detail=detail, attr=attr)


def test_retrieve_fills_neighbours_in_default_order(
    scored: tuple[Api, str, list[dict[str, Any]]],
) -> None:
    api, sid, results = scored
    ids = [o["id"] for o in results]
    middle = api.get(f"{sid}/observations/{ids[2]}/").json()
    assert middle["previous_observation_id"] == ids[1]
    assert middle["next_observation_id"] == ids[3]
    first = api.get(f"{sid}/observations/{ids[0]}/").json()
    assert first["previous_observation_id"] is None
    last = api.get(f"{sid}/observations/{ids[-1]}/").json()
    assert last["next_observation_id"] is None
    assert {k: v for k, v in middle.items() if not k.endswith("observation_id")} == {
        k: v for k, v in results[2].items() if not k.endswith("observation_id")
    }


def test_retrieve_neighbours_honour_filters_and_order(
    scored: tuple[Api, str, list[dict[str, Any]]],
) -> None:
    api, sid, _ = scored
    ordered = _ids(api, sid, order_by="-result_score")
    for index, obs_id in enumerate(ordered):
        got = api.get(f"{sid}/observations/{obs_id}/", order_by="-result_score").json()
        assert got["previous_observation_id"] == (ordered[index - 1] if index else None)
        assert got["next_observation_id"] == (
            ordered[index + 1] if index + 1 < len(ordered) else None
        )
    succeeded = _ids(api, sid, status="succeeded")
    got = api.get(f"{sid}/observations/{succeeded[1]}/", status="succeeded").json()
    assert got["previous_observation_id"] == succeeded[0]
    assert got["next_observation_id"] == succeeded[2]
    failed = _ids(api, sid, status="failed")[0]
    outside = api.get(f"{sid}/observations/{failed}/", status="succeeded").json()
    assert outside["previous_observation_id"] is None and outside["next_observation_id"] is None


def test_retrieve_404s(scored: tuple[Api, str, list[dict[str, Any]]]) -> None:
    api, sid, results = scored
    assert_error(api.get(f"{sid}/observations/not-a-uuid/"), 404)
    assert_error(api.get(f"{sid}/observations/00000000-0000-0000-0000-000000000000/"), 404)
    other = api.create(scanner_type="scorer")
    assert_error(api.get(f"{other['id']}/observations/{results[0]['id']}/"), 404)


def test_demo_observations_carry_every_status_and_trigger(api: Api) -> None:
    statuses: set[str] = set()
    triggers: set[str] = set()
    reasons: set[str] = set()
    for scanner in api.get().json()["results"]:
        stats = api.get(f"{scanner['id']}/observations/stats/").json()["status_counts"]
        if stats["in_flight"]:
            statuses.add("in_flight")
        for status in ("succeeded", "failed", "ineligible"):
            if stats[status]:
                statuses.add(status)
        for trigger in ("schedule", "on_demand"):
            if api.get(f"{scanner['id']}/observations/", triggered_by=trigger, limit=1).json()[
                "count"
            ]:
                triggers.add(trigger)
        for obs in api.get(f"{scanner['id']}/observations/", status="failed,ineligible").json()[
            "results"
        ]:
            reasons.add(obs["error_reason"].split(":")[0])
    assert statuses == {"succeeded", "failed", "ineligible", "in_flight"}
    assert triggers == {"schedule", "on_demand"}
    assert {"too_short", "too_inactive"} <= reasons
    assert len(reasons) >= 4


def test_concurrent_page_fetches_and_writes(api: Api) -> None:
    """The client fetches pages concurrently while others write: every request succeeds."""
    from concurrent.futures import ThreadPoolExecutor

    scanner = api.create(scanner_type="scorer")
    insert_observations(api.sb, scanner["id"], [{"score": i % 10 + 1} for i in range(500)])

    def page(offset: int) -> list[str]:
        client = Api(api.sb)
        response = client.get(
            f"{scanner['id']}/observations/", order_by="-result_score", limit=50, offset=offset
        )
        assert response.status_code == 200, response.text
        return [o["id"] for o in response.json()["results"]]

    def write(i: int) -> int:
        return Api(api.sb).patch(scanner["id"], {"description": f"edit {i}"}).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        pages = list(pool.map(page, range(0, 500, 50)))
        writes = list(pool.map(write, range(8)))
    ids = [obs_id for chunk in pages for obs_id in chunk]
    assert len(ids) == len(set(ids)) == 500
    assert writes == [200] * 8
