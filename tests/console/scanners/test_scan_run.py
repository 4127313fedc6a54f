"""Applying a scanner to one session: following the observation, messages (input parsing is
tests/console/scanners/test_session_input.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from vision_api import (
    BadRequestError,
    NotFoundError,
    Observation,
    QuotaExceededError,
    RateLimitError,
    ServerError,
)
from vision_console.scanners import scan_run

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def observation(status: str, created: datetime, **extra: Any) -> Observation:
    data = {
        "id": "obs-1",
        "scanner_id": "sc-1",
        "session_id": "s-1",
        "status": status,
        "created_at": created.isoformat(),
        "completed_at": None if status in ("pending", "running") else created.isoformat(),
        **extra,
    }
    return Observation.from_dict(data)


def test_a_scan_is_followed_from_request_to_result():
    tracking = scan_run.start("sc-1", "monitor", "s-1", "wf-1", now=NOW)
    assert (tracking.status, tracking.done, tracking.progress[0]) == ("requested", False, 0.1)
    tracking = scan_run.advance(tracking, [])
    assert tracking.status == "requested" and tracking.polls == 1
    later = NOW + timedelta(seconds=1)
    tracking = scan_run.advance(tracking, [observation("pending", later)])
    assert tracking.progress == scan_run.PROGRESS["pending"]
    tracking = scan_run.advance(tracking, [observation("running", later)])
    assert not tracking.done
    done = scan_run.advance(tracking, [observation("succeeded", later)])
    assert (
        done.done
        and not done.already_scanned
        and done.observation is not None
        and done.observation.id == "obs-1"
    )
    assert done.progress[0] == 1.0


def test_an_earlier_result_for_the_same_session_is_reported_as_such():
    tracking = scan_run.start("sc-1", "monitor", "s-1", None, now=NOW)
    earlier = scan_run.advance(tracking, [observation("failed", NOW - timedelta(days=2))])
    assert earlier.done and earlier.already_scanned


def test_observe_answering_already_scanned_is_tracked_as_such_from_the_start():
    """Observe's 200 (current era): the session's existing observation, nothing charged."""
    tracking = scan_run.start("sc-1", "monitor", "s-1", None, now=NOW, already_scanned=True)
    assert tracking.already_scanned and "no charge" in tracking.progress[1]
    later = NOW + timedelta(seconds=1)  # even a row dated after the request keeps the flag
    done = scan_run.advance(tracking, [observation("succeeded", later)])
    assert done.done and done.already_scanned


def test_other_sessions_are_ignored_and_following_stops_eventually():
    tracking = scan_run.start("sc-1", "monitor", "s-2", None, now=NOW)
    for _ in range(scan_run.MAX_POLLS):
        tracking = scan_run.advance(tracking, [observation("succeeded", NOW)])
    assert tracking.status == "requested" and tracking.gave_up


def _error(cls: type, status: int, **extra: Any) -> Exception:
    return cls(status, detail="Server detail.", **extra)


@pytest.mark.parametrize(
    ("error", "why", "level"),
    [
        (_error(QuotaExceededError, 402), "The monthly Replay Vision quota is used up.", "warning"),
        (_error(RateLimitError, 429, retry_after=30), "Too many scans or requests", "warning"),
        (_error(ServerError, 503), "did not start the workflow (503)", "warning"),
        (_error(BadRequestError, 400), "The session id was refused.", "error"),
        (_error(NotFoundError, 404), "The scanner no longer exists", "error"),
    ],
)
def test_observe_failures_name_their_cause(error, why, level):
    problem = scan_run.observe_problem(error)
    assert problem.what == "Could not start the scan."
    assert why in problem.why and problem.level == level
    if not isinstance(error, NotFoundError):
        assert problem.detail == "Server says: Server detail."
    if isinstance(error, RateLimitError):
        assert problem.todo == "Nothing was started. Try again in 30 seconds."
