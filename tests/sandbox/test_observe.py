"""On-demand observation over HTTP: 202, lifecycle, eligibility, per-type results, quota."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import pytest

from vision_sandbox import Sandbox

from .conftest import Api, add_recording, assert_error, insert_observations


def _terminal(obs: dict[str, Any]) -> bool:
    return obs["status"] in ("succeeded", "failed", "ineligible")


def test_observe_returns_the_deterministic_workflow_id(api: Api) -> None:
    scanner = api.create()
    session = api.sb.sample_sessions("eligible", 1)[0]
    response = api.post(f"{scanner['id']}/observe/", {"session_id": session})
    assert response.status_code == 202
    assert response.json() == {
        "workflow_id": f"replay-vision-apply-scanner-{scanner['id']}-{session}"
    }


def test_lifecycle_pending_running_succeeded() -> None:
    with Sandbox.start(seed="empty", scan_delay=1.5) as sb:
        api = Api(sb)
        scanner = api.create()
        session = add_recording(sb, 1, session_id="lifecycle")
        assert api.post(f"{scanner['id']}/observe/", {"session_id": session}).status_code == 202
        assert api.get(f"{scanner['id']}/observations/", session_id=session).json()["count"] == 0
        seen: list[str] = []
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and (not seen or seen[-1] != "succeeded"):
            page = api.get(f"{scanner['id']}/observations/", session_id=session).json()
            if page["results"] and (not seen or seen[-1] != page["results"][0]["status"]):
                seen.append(page["results"][0]["status"])
            time.sleep(0.05)
        assert seen == ["pending", "running", "succeeded"]
        done = api.get(f"{scanner['id']}/observations/", session_id=session).json()["results"][0]
        assert done["triggered_by"] == "on_demand"
        assert done["triggered_by_user"]["email"] == "ada@example.com"
        assert done["started_at"] <= done["completed_at"]
        assert done["workflow_id"] == f"replay-vision-apply-scanner-{scanner['id']}-{session}"
        assert done["scanner_snapshot"]["scanner_version"] == 1
        assert done["scanner_snapshot"]["scanner_config"] == scanner["scanner_config"]
        assert done["distinct_id"] == "person-1"
        assert done["recording_subject_email"] == "someone@example.org"


def test_reposting_coalesces_and_terminal_rows_stick(any_api: Api) -> None:
    api = any_api
    scanner = api.create()
    session = api.sb.sample_sessions("eligible", 2)[1]
    first = api.post(f"{scanner['id']}/observe/", {"session_id": session}).json()
    again = api.post(f"{scanner['id']}/observe/", {"session_id": session}).json()
    assert first == again
    done = api.wait_for_observation(scanner["id"], session, _terminal)
    after = api.post(f"{scanner['id']}/observe/", {"session_id": session})
    if api.sb.era == "seed":
        assert after.status_code == 202 and after.json() == first
    else:
        assert after.status_code == 200 and after.json() == {"observation_id": done["id"]}
    time.sleep(0.3)
    page = api.get(f"{scanner['id']}/observations/", session_id=session).json()
    assert page["count"] == 1
    assert page["results"][0] == done


@pytest.mark.parametrize("kind", ["too_short", "too_inactive", "too_long", "no_events"])
def test_ineligible_recordings(api: Api, kind: str) -> None:
    scanner = api.create()
    session = api.sb.sample_sessions(kind, 1)[0]
    api.post(f"{scanner['id']}/observe/", {"session_id": session})
    done = api.wait_for_observation(scanner["id"], session, _terminal)
    assert done["status"] == "ineligible"
    assert done["error_reason"].startswith(f"{kind}:")
    assert len(done["error_reason"]) > len(kind) + 5
    assert done["scanner_result"] is None
    assert done["completed_at"] is not None


def test_unknown_session_is_no_recording(api: Api) -> None:
    scanner = api.create()
    api.post(f"{scanner['id']}/observe/", {"session_id": "no-such-session"})
    done = api.wait_for_observation(scanner["id"], "no-such-session", _terminal)
    assert done["status"] == "ineligible"
    assert done["error_reason"].startswith("no_recording:")
    assert done["distinct_id"] is None


def test_failing_recording(api: Api) -> None:
    scanner = api.create()
    session = api.sb.sample_sessions("failing", 1)[0]
    api.post(f"{scanner['id']}/observe/", {"session_id": session})
    done = api.wait_for_observation(scanner["id"], session, _terminal)
    assert done["status"] == "failed"
    kind = done["error_reason"].split(":")[0]
    assert kind in {
        "provider_transient",
        "provider_rejected",
        "rasterization_failed",
        "validation_failed",
        "internal_error",
    }
    assert done["scanner_result"] is None


def _observe_many(api: Api, scanner: dict[str, Any], n: int) -> list[dict[str, Any]]:
    sessions = api.sb.sample_sessions("eligible", n)
    for session in sessions:
        assert api.post(f"{scanner['id']}/observe/", {"session_id": session}).status_code == 202
    return [api.wait_for_observation(scanner["id"], s, _terminal) for s in sessions]


def test_monitor_results(api: Api) -> None:
    scanner = api.create(scanner_config={"prompt": "Any errors?"})
    for obs in _observe_many(api, scanner, 6):
        output = obs["scanner_result"]["model_output"]
        assert output["scanner_type"] == "monitor"
        assert output["verdict"] in ("yes", "no")
        assert output["reasoning"]
        assert 0 <= output["confidence"] <= 1
        assert {seg["kind"] for seg in output["reasoning_segments"]} <= {"text", "chip"}
        assert obs["scanner_result"]["signals_count"] >= 0


def test_classifier_results(api: Api) -> None:
    vocabulary = ["Browsing", "checkout", "Support request"]
    multi = api.create(
        scanner_type="classifier",
        scanner_config={"prompt": "Why?", "tags": vocabulary, "allow_freeform_tags": True},
    )
    single = api.create(
        scanner_type="classifier",
        scanner_config={"prompt": "Why?", "tags": vocabulary, "multi_label": False},
    )
    for obs in _observe_many(api, multi, 6):
        output = obs["scanner_result"]["model_output"]
        assert output["tags"] and set(output["tags"]) <= set(vocabulary)
        assert len(output["tags_freeform"]) <= 5
        assert not {t.lower() for t in output["tags_freeform"]} & {"browsing", "checkout"}
        assert all(t == t.lower() and " " not in t for t in output["tags_freeform"])
    for obs in _observe_many(api, single, 6):
        output = obs["scanner_result"]["model_output"]
        assert len(output["tags"]) == 1
        assert output["tags_freeform"] == []


def test_scorer_results_stay_in_scale(api: Api) -> None:
    scanner = api.create(
        scanner_type="scorer",
        scanner_config={"prompt": "How?", "scale": {"min": -5, "max": 5, "label": "Mood"}},
    )
    for obs in _observe_many(api, scanner, 8):
        output = obs["scanner_result"]["model_output"]
        assert -5 <= output["score"] <= 5
        assert output["label"] == "Mood"


def test_summarizer_results(api: Api) -> None:
    scanner = api.create(scanner_type="summarizer")
    for obs in _observe_many(api, scanner, 4):
        output = obs["scanner_result"]["model_output"]
        assert 0 < len(output["title"]) <= 120
        assert output["summary"]
        assert output["summary_segments"]


def test_results_are_deterministic_for_the_same_config_and_session(api: Api) -> None:
    config = {"prompt": "Same prompt for both", "allow_inconclusive": True}
    first = api.create(scanner_config=config)
    second = api.create(scanner_config=config)
    a = _observe_many(api, first, 3)
    b = _observe_many(api, second, 3)
    assert [o["scanner_result"] for o in a] == [o["scanner_result"] for o in b]


def test_observe_works_on_a_disabled_scanner(api: Api) -> None:
    scanner = api.create(enabled=False)
    (obs,) = _observe_many(api, scanner, 1)
    assert obs["status"] == "succeeded"


@pytest.mark.parametrize(
    ("body", "detail", "code"),
    [
        ({}, "This field is required.", "required"),
        ({"session_id": ""}, "This field may not be blank.", "blank"),
        ({"session_id": None}, "This field may not be null.", "null"),
        (
            {"session_id": "s" * 129},
            "Ensure this field has no more than 128 characters.",
            "max_length",
        ),
    ],
)
def test_observe_body_validation(api: Api, body: dict[str, Any], detail: str, code: str) -> None:
    scanner = api.create()
    response = api.post(f"{scanner['id']}/observe/", body)
    assert_error(response, 400, detail=detail, attr="session_id", code=code)


def test_observe_unknown_scanner_is_404(api: Api) -> None:
    response = api.post("00000000-0000-0000-0000-000000000000/observe/", {"session_id": "s"})
    assert_error(response, 404)


def _next_period() -> str:
    now = datetime.now(UTC)
    month = 1 if now.month == 12 else now.month + 1
    return f"{datetime(2000, month, 1).strftime('%b')} 1"


def test_seed_monthly_quota_gives_402_before_body_validation() -> None:
    # A long scan delay keeps both accepted runs in flight, where they count against the quota.
    with Sandbox.start(seed="empty", monthly_quota=2, scan_delay=60, era="seed") as sb:
        api = Api(sb)
        scanner = api.create()
        for session in ("a", "b"):
            assert api.post(f"{scanner['id']}/observe/", {"session_id": session}).status_code == 202
        detail = f"Monthly Replay Vision quota of 2 observations reached. Resets {_next_period()}."
        for body in ({"session_id": "c"}, {}, {"session_id": 5 * "x" * 200}):
            assert_error(
                api.post(f"{scanner['id']}/observe/", body),
                402,
                detail=detail,
                code="quota_limit_exceeded",
                attr=None,
            )
        assert_error(api.post("00000000-0000-0000-0000-000000000000/observe/", {}), 404)


def test_seed_quota_counts_this_months_observations_and_formats_thousands() -> None:
    with Sandbox.start(seed="empty", monthly_quota=1200, scan_delay=0.05, era="seed") as sb:
        api = Api(sb)
        scanner = api.create()
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000000Z")
        insert_observations(sb, scanner["id"], [{"created_at": now}] * 1199)
        insert_observations(sb, scanner["id"], [{"created_at": now, "status": "failed"}] * 5)
        assert api.post(f"{scanner['id']}/observe/", {"session_id": "last"}).status_code == 202
        response = api.post(f"{scanner['id']}/observe/", {"session_id": "one-more"})
        assert_error(response, 402, code="quota_limit_exceeded")
        assert "quota of 1,200 observations reached" in response.json()["detail"]


def test_demo_leaves_quota_headroom(api: Api) -> None:
    scanner = api.create()
    session = api.sb.sample_sessions("eligible", 7)[6]
    assert api.post(f"{scanner['id']}/observe/", {"session_id": session}).status_code == 202
