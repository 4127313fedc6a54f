"""Behaviour both eras share, found against PostHog's source: scopes, strict recording filters,
sorted error lists, success-rate rounding, prompt type, 405s. Each test runs once per era."""

from __future__ import annotations

import pytest

from .conftest import Api, assert_error, insert_observations, scanner_body


def test_write_scope_grants_read(any_api: Api) -> None:
    writer = Api(
        any_api.sb,
        key=any_api.sb.add_api_key(scopes=["replay_scanner:write", "session_recording:write"]),
    )
    scanner = writer.create()
    assert writer.get().status_code == 200
    assert writer.get(f"{scanner['id']}/observations/").status_code == 200
    assert writer.post("estimate/", {}).status_code == 200


def test_key_without_scopes_is_not_scope_limited(any_api: Api) -> None:
    legacy = Api(any_api.sb, key=any_api.sb.add_api_key(scopes=[]))
    assert legacy.create()["id"]
    assert legacy.get("stats/").status_code == 200


def test_read_scope_still_does_not_grant_write(any_api: Api) -> None:
    reader = Api(any_api.sb, key=any_api.sb.add_api_key(scopes=["replay_scanner:read"]))
    assert_error(
        reader.post("", scanner_body()),
        403,
        detail="API key missing required scope 'replay_scanner:write'",
    )


def test_stats_rejects_a_bad_order_by(any_api: Api) -> None:
    scanner = any_api.create()
    body = assert_error(
        any_api.get(f"{scanner['id']}/observations/stats/", order_by="nope"), 400, attr="order_by"
    )
    assert body["detail"].startswith("Invalid order_by 'nope'.")
    assert any_api.get(f"{scanner['id']}/observations/stats/", order_by="-status").ok


@pytest.mark.parametrize(
    "query",
    [
        {"properties": [{"key": "$browser", "type": "event", "value": "x", "extra": 1}]},
        {"properties": [{"key": "$browser", "type": "planet", "value": "x"}]},
        {"properties": [{"key": "$browser", "type": ["event"], "value": "x"}]},
        {"order": "loudness"},
        {"order": ["start_time"]},
        {"having_predicates": [{"key": "duration", "type": "recording", "bogus": True}]},
    ],
)
def test_recordings_query_is_strict(any_api: Api, query: dict[str, object]) -> None:
    for response in (
        any_api.post("", scanner_body(query=query)),
        any_api.post("estimate/", {"query": query}),
    ):
        assert_error(response, 400, detail="Recording filter is invalid.", attr="query")


def test_recordings_query_accepts_known_order_and_types(any_api: Api) -> None:
    query = {
        "order": "start_time",
        "properties": [{"key": "email", "type": "person", "operator": "icontains", "value": "a"}],
    }
    assert any_api.post("", scanner_body(query=query)).status_code == 201


def test_invalid_value_lists_are_sorted_and_deduplicated(any_api: Api) -> None:
    scanner = any_api.create()
    assert_error(
        any_api.get(f"{scanner['id']}/observations/", status="zeta,alpha,zeta,running"),
        400,
        detail="Invalid value(s) ['alpha', 'zeta']; allowed: "
        "['failed', 'ineligible', 'pending', 'running', 'succeeded'].",
        attr="status",
    )


def test_success_rate_divides_before_multiplying(any_api: Api) -> None:
    # 23 / 40 * 100 is 57.49999999999999 in floating point (57); 100 * 23 / 40 is 57.5 (58).
    scanner = any_api.create()
    rows = [{"status": "succeeded"}] * 23 + [{"status": "failed"}] * 17
    insert_observations(any_api.sb, scanner["id"], rows)
    stats = any_api.get(f"{scanner['id']}/observations/stats/").json()
    assert stats["status_counts"]["success_rate"] == 57


@pytest.mark.parametrize("prompt", [5, ["x"], {"a": 1}, True])
def test_non_string_prompt_is_prompt_required(any_api: Api, prompt: object) -> None:
    body = scanner_body(scanner_config={"prompt": prompt})
    assert_error(any_api.post("", body), 400, detail="Prompt is required.", attr="scanner_config")


def test_patch_on_stats_is_405(any_api: Api) -> None:
    assert_error(any_api.patch("stats/", {}), 405, code="method_not_allowed")
    assert any_api.get("stats/").status_code == 200
