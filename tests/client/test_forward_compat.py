"""Responses from newer API versions (contract §10) parse over HTTP, keeping what is unknown.

A scripted stub plays a server newer than either of the sandbox's eras (N2 fields, new
scanner types, unknown blocks).
"""

from __future__ import annotations

from typing import Any

from .conftest import Reply, StubAPI

NEWER_SCANNER: dict[str, Any] = {
    "id": "0190-new",
    "name": "Variant B frustration",
    "description": "",
    "scanner_type": "experiment",
    "scanner_config": {"prompt": "Compare", "experiment_id": 12, "variants": None},
    "query": None,
    "sampling_rate": 0.1,
    "sampling_mode": "balanced",
    "provider": "google",
    "model": "gemini-3.8-flash",
    "enabled": True,
    "emits_signals": False,
    "scanner_version": 4,
    "estimated_monthly_observations": None,
    "estimated_monthly_credits": None,
    "credits_per_observation": 15,
    "credits_this_month": 45,
    "observations_this_month": 3,
    "tags": ["growth"],
    "credit_limit": 5000,
    "credits_used_against_limit": 45,
    "limit_reached": False,
    "feedback_themes": None,
    "user_access_level": "editor",
    "last_swept_at": None,
    "created_at": "2026-01-01T00:00:00Z",
    "updated_at": "2026-01-02T00:00:00Z",
    "created_by": {"id": 1, "uuid": "u", "email": "a@example.com", "hedgehog_config": {"x": 1}},
}


def test_newer_scanner_list_parses_and_keeps_unknown_fields(stub_api: StubAPI) -> None:
    body = {"count": 1, "next": None, "previous": None, "results": [NEWER_SCANNER], "cursor": "x"}
    stub_api.reply("/scanners/", Reply(200, body))
    page = stub_api.client().scanners.list(extra_params={"tags": ["growth"], "experiment_id": 12})
    (scanner,) = page.items
    assert (scanner.scanner_type, scanner.model, scanner.sampling_mode) == (
        "experiment",
        "gemini-3.8-flash",
        "balanced",
    )
    assert (scanner.credit_limit, scanner.limit_reached, scanner.tags) == (5000, False, ("growth",))
    assert scanner.raw["feedback_themes"] is None and "user_access_level" in scanner.raw
    assert "tags=growth" in stub_api.seen[0].path and "experiment_id=12" in stub_api.seen[0].path


def test_newer_write_fields_pass_through_create_and_update(stub_api: StubAPI) -> None:
    stub_api.reply("/scanners/", Reply(201, NEWER_SCANNER))
    stub_api.reply("/scanners/0190-new/", Reply(200, NEWER_SCANNER))
    client = stub_api.client()
    client.scanners.create(
        name="n",
        scanner_type="experiment",
        scanner_config={"prompt": "p", "experiment_id": 12},
        model="gemini-3.8-flash",
        sampling_mode="balanced",
        credit_limit=5000,
    )
    client.scanners.update("0190-new", credit_limit=None, tags=["growth"])
    created, updated = stub_api.seen
    assert (
        b'"sampling_mode": "balanced"' in created.body and b'"credit_limit": 5000' in created.body
    )
    assert updated.method == "PATCH"
    assert updated.body == b'{"credit_limit": null, "tags": ["growth"]}'


def test_observe_on_an_already_scanned_session(stub_api: StubAPI) -> None:
    stub_api.reply("/observe/", Reply(200, {"observation_id": "0190-obs"}))
    result = stub_api.client().scanners.observe("0190-new", "sess-1")
    assert result.already_scanned and result.observation_id == "0190-obs"


def test_newer_estimate_with_credits(stub_api: StubAPI) -> None:
    body = {
        "matched_sessions_in_window": 70,
        "window_days": 7,
        "estimated_observations_per_month": 30,
        "sampling_rate": 0.1,
        "credits_per_observation": 15,
        "estimated_credits_per_month": 450,
        "other_enabled_scanners_monthly_credits": 1200,
        "active_backfill_credits": 0,
    }
    stub_api.reply("/estimate/", Reply(200, body))
    estimate = stub_api.client().scanners.estimate(
        sampling_rate=0.1, model="gemini-3.8-flash", sampling_mode="focused"
    )
    assert (estimate.estimated_credits_per_month, estimate.other_enabled_scanners_monthly) == (
        450,
        None,
    )
    assert b'"sampling_mode": "focused"' in stub_api.seen[0].body


def test_stats_of_an_unknown_scanner_type(stub_api: StubAPI) -> None:
    body = {
        "status_counts": {"total": 3, "succeeded": 3, "failed": 0, "ineligible": 0, "in_flight": 0},
        "coverage": {"recent_sessions": 3, "total_sessions": 3, "recent_days": 14},
        "available_tags": [],
        "monitor": None,
        "classifier": None,
        "scorer": None,
        "summarizer": {"friction_ranked": [{"term": "login", "count": 2}]},
        "experiment": {"variants": []},
    }
    stub_api.reply("/observations/stats/", Reply(200, body))
    stats = stub_api.client().observations.stats("0190-new", recent_days=30)
    assert stats.status_counts.success_rate is None
    assert stats.summarizer is not None
    assert [(t.term, t.count) for t in stats.summarizer.friction_ranked] == [("login", 2)]
    assert stats.raw["experiment"] == {"variants": []}
    assert "recent_days=30" in stub_api.seen[0].path


def test_retrieve_passes_list_context_for_previous_and_next(stub_api: StubAPI) -> None:
    observation = {
        "id": "o2",
        "scanner_id": "s1",
        "session_id": "sess",
        "status": "succeeded",
        "created_at": "2026-01-01T00:00:00Z",
        "previous_observation_id": "o1",
        "next_observation_id": "o3",
    }
    stub_api.reply("/observations/o2/", Reply(200, observation))
    obs = stub_api.client().observations.retrieve(
        "s1", "o2", status=["succeeded"], order_by="-score"
    )
    assert (obs.previous_observation_id, obs.next_observation_id) == ("o1", "o3")
    assert (
        "status=succeeded" in stub_api.seen[0].path and "order_by=-score" in stub_api.seen[0].path
    )
