"""Fault injection, the request log and their HTTP controls."""

from __future__ import annotations

import pytest
import requests

from vision_sandbox import Sandbox
from vision_sandbox.bulk import add_bulk_observations

from .conftest import Api, add_recording, assert_error


def test_fail_next_fails_exactly_n_matching_requests(api: Api) -> None:
    api.sb.faults.fail_next(2, status=503, path_contains="/creators")
    assert api.get().status_code == 200
    for _ in range(2):
        assert_error(
            api.get("creators/"), 503, code="service_unavailable", error_type="server_error"
        )
    assert api.get("creators/").status_code == 200


def test_fail_next_by_method_with_retry_after(api: Api) -> None:
    api.sb.faults.fail_next(1, status=429, method="post", retry_after=7)
    assert api.get().status_code == 200
    response = api.post("estimate/", {})
    body = assert_error(response, 429, code="throttled", error_type="throttled_error")
    assert body["detail"] == "Request was throttled. Expected available in 7 seconds."
    assert response.headers["Retry-After"] == "7"
    assert api.post("estimate/", {}).status_code == 200


def test_random_rates_are_seeded(api: Api) -> None:
    def run() -> list[int]:
        api.sb.faults.configure(rate_429=0.3, rate_503=0.3, retry_after=2, seed=42)
        return [api.get("stats/").status_code for _ in range(30)]

    first, second = run(), run()
    assert first == second
    assert {429, 503, 200} <= set(first)
    api.sb.faults.reset()
    assert {api.get("stats/").status_code for _ in range(10)} == {200}


def test_throttle_fault_carries_retry_after(api: Api) -> None:
    api.sb.faults.configure(rate_429=1.0, retry_after=1)
    response = api.get()
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "1"
    assert response.json()["detail"] == "Request was throttled. Expected available in 1 second."


def test_bad_fault_settings_are_refused(sandbox: Sandbox) -> None:
    with pytest.raises(ValueError):
        sandbox.faults.configure(rate_429=1.5)
    with pytest.raises(ValueError):
        sandbox.faults.fail_next(1, status=200)


def test_request_log_counts_api_calls_without_query_strings(api: Api) -> None:
    api.sb.requests.clear()
    api.get(search="secret-search")
    api.get("stats/")
    api.post("estimate/", {})
    api.get("nope/")
    assert api.sb.requests.count() == 4
    assert api.sb.requests.count(method="get") == 3
    assert api.sb.requests.count(path_contains="/stats") == 1
    entries = api.sb.requests.entries
    assert [e.status for e in entries] == [200, 200, 200, 404]
    assert all("secret" not in e.path for e in entries)
    api.sb.requests.clear()
    assert api.sb.requests.count() == 0


def test_http_controls(api: Api) -> None:
    root = api.sb.base_url
    assert requests.post(f"{root}/_sandbox/requests/reset", timeout=5).json() == {"ok": True}
    api.get()
    log = requests.get(f"{root}/_sandbox/requests", timeout=5).json()
    assert log["count"] == 1
    assert log["entries"][0]["method"] == "GET" and log["entries"][0]["status"] == 200
    body = {"n": 1, "status": 502, "path_contains": "/vision/"}
    assert requests.post(f"{root}/_sandbox/fail_next", json=body, timeout=5).status_code == 200
    assert api.get().status_code == 502
    assert api.get().status_code == 200
    faults = {"rate_503": 1.0}
    assert requests.post(f"{root}/_sandbox/faults", json=faults, timeout=5).status_code == 200
    assert api.get().status_code == 503
    assert requests.post(f"{root}/_sandbox/reset-faults", timeout=5).status_code == 200
    assert api.get().status_code == 200
    bad = requests.post(f"{root}/_sandbox/faults", json={"rate_503": 3}, timeout=5)
    assert_error(bad, 400, error_type="validation_error")
    unknown = requests.post(f"{root}/_sandbox/faults", json={"bogus": 1}, timeout=5)
    assert_error(unknown, 400)
    assert requests.get(f"{root}/_sandbox/requests", timeout=5).json()["count"] == 5


def test_faults_do_not_touch_controls(api: Api) -> None:
    api.sb.faults.configure(rate_503=1.0)
    assert requests.get(f"{api.sb.base_url}/_sandbox/requests", timeout=5).status_code == 200


def test_state_survives_a_restart_without_reseeding(tmp_path: object) -> None:
    path = f"{tmp_path}/sandbox.sqlite3"
    with Sandbox.start(db_path=path, seed="empty", scan_delay=0.05) as first:
        api = Api(first)
        created = api.create()
    with Sandbox.start(db_path=path, seed="demo", scan_delay=0.05) as second:
        api = Api(second)
        assert api.get().json()["count"] == 1
        assert api.get(created["id"]).json() == created


def test_accepted_jobs_finish_after_a_restart(tmp_path: object) -> None:
    path = f"{tmp_path}/sandbox.sqlite3"
    with Sandbox.start(db_path=path, seed="empty", scan_delay=30) as first:
        api = Api(first)
        scanner = api.create()
        session = add_recording(first, 1, session_id="resumed")
        assert api.post(f"{scanner['id']}/observe/", {"session_id": session}).status_code == 202
    with Sandbox.start(db_path=path, scan_delay=0) as second:
        api = Api(second)
        done = api.wait_for_observation(
            scanner["id"], session, lambda o: o["completed_at"] is not None
        )
        assert done["status"] in ("succeeded", "failed")
        assert done["workflow_id"].endswith(session)


def test_bulk_observations_for_scale(tmp_path: object) -> None:
    with Sandbox.start(db_path=f"{tmp_path}/bulk.sqlite3", observations=5000) as sb:
        api = Api(sb)
        scorer = api.get(search="UX quality").json()["results"][0]
        page = api.get(f"{scorer['id']}/observations/", order_by="-result_score", limit=3).json()
        assert page["count"] >= 5000
        assert [o["scanner_result"]["model_output"]["score"] for o in page["results"]] == [
            10,
            10,
            10,
        ]
        stats = api.get(f"{scorer['id']}/observations/stats/").json()
        assert stats["scorer"]["summary"]["count"] > 4000


def test_bulk_observations_on_a_monitor_carry_verdicts(tmp_path: object) -> None:
    """The million-row monitor of the explorer's benchmarks: every succeeded row a verdict,
    about three in ten "no", and none made for a type without a charted result."""
    with Sandbox.start(db_path=f"{tmp_path}/bulk.sqlite3") as sb:
        api = Api(sb)
        monitor = api.get(search="Checkout friction").json()["results"][0]
        before = api.get(f"{monitor['id']}/observations/stats/").json()["monitor"]
        add_bulk_observations(sb.db, sb.project_id, 3000, "Checkout friction")
        after = api.get(f"{monitor['id']}/observations/stats/").json()["monitor"]
        added = {key: after[key] - before[key] for key in after}
        assert added["inconclusive_total"] == 0
        assert 2700 < added["yes_total"] + added["no_total"] < 3000  # the rest failed or skipped
        assert 0.25 < added["no_total"] / (added["yes_total"] + added["no_total"]) < 0.35
        page = api.get(f"{monitor['id']}/observations/", verdict="no", limit=2).json()
        assert [o["scanner_result"]["model_output"]["verdict"] for o in page["results"]] == [
            "no",
            "no",
        ]
        with pytest.raises(ValueError, match="not a classifier"):
            add_bulk_observations(sb.db, sb.project_id, 10, "Session intent")


@pytest.mark.parametrize(
    ("era_api", "body"),
    [
        ("seed_api", {"error": "Failed to start observation workflow"}),
        ("api", {"detail": "Failed to start the observation. Try again in a moment."}),
    ],
)
def test_observe_start_failure_uses_the_era_s_body(
    request: pytest.FixtureRequest, era_api: str, body: dict[str, str]
) -> None:
    """The seed hand-built ``{"error": ...}``; today's server answers ``{"detail": ...}``."""
    api: Api = request.getfixturevalue(era_api)
    scanner = api.create()
    api.sb.faults.fail_next(1, status=503, path_contains="/observe")
    try:
        response = api.post(f"{scanner['id']}/observe/", {"session_id": "s"})
    finally:
        api.sb.faults.reset()
    assert response.status_code == 503
    assert response.json() == body
    assert api.get(f"{scanner['id']}/observations/", session_id="s").json()["count"] == 0


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (400, "invalid_input"),
        (401, "authentication_failed"),
        (402, "quota_limit_exceeded"),
        (403, "permission_denied"),
        (404, "not_found"),
        (500, "error"),
        (504, "error"),
    ],
)
def test_injected_statuses_answer_like_the_api(api: Api, status: int, code: str) -> None:
    api.sb.faults.fail_next(1, status=status, path_contains="/scanners")
    assert_error(api.get(), status, code=code)


def test_the_controls_judge_the_peer_address_not_forwarding_headers(sandbox: Sandbox) -> None:
    """A forwarding header never changes who the controls think is asking (F13): a request
    claiming to come from elsewhere is still judged by its real (loopback) peer, and a
    request claiming loopback gains nothing it did not have."""
    root = sandbox.base_url
    for header in ("X-Forwarded-For", "X-Real-IP", "Forwarded"):
        value = "for=203.0.113.9" if header == "Forwarded" else "203.0.113.9"
        reply = requests.get(f"{root}/_sandbox/requests", headers={header: value}, timeout=5)
        assert reply.status_code == 200, header
