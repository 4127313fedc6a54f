"""A bulk scan's outcomes (an open enum) and following the started sessions (issue 13)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from vision_api import BulkObserveResult, Observation
from vision_console.scanners import bulk_run

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def result(*pairs: tuple[str, str]) -> BulkObserveResult:
    return BulkObserveResult.from_dict(
        {
            "started": sum(1 for _, outcome in pairs if outcome == "started"),
            "results": [{"session_id": s, "scan_outcome": o} for s, o in pairs],
        }
    )


def observation(session_id: str, status: str, created: datetime, oid: str = "o1") -> Observation:
    return Observation.from_dict(
        {
            "id": oid,
            "scanner_id": "sc",
            "session_id": session_id,
            "status": status,
            "created_at": created.isoformat(),
        }
    )


def test_every_outcome_is_worded_and_an_unknown_one_is_shown_as_sent() -> None:
    tracking = bulk_run.start(
        "sc",
        result(
            ("a", "started"),
            ("b", "already_scanned"),
            ("c", "skipped_quota"),
            ("d", "skipped_scanner_limit"),
            ("e", "queued_for_tomorrow"),
        ),
        NOW,
    )
    rows = bulk_run.table_rows(tracking)
    assert [r["Outcome"] for r in rows] == [
        "Started",
        "Already scanned (no charge)",
        "Skipped: the monthly quota is used up",
        "Skipped: this scanner's credit limit is reached",
        "queued_for_tomorrow",
    ]
    assert [r["Scan"] for r in rows] == ["waiting…", "—", "—", "—", "—"]
    assert tracking.started == 1


def test_started_and_running_sessions_are_followed_until_they_settle() -> None:
    tracking = bulk_run.start(
        "sc", result(("a", "started"), ("b", "already_running"), ("c", "failed"))
    )
    assert tracking.pending_ids == ("a", "b") and not tracking.done
    tracking = bulk_run.advance(tracking, [observation("a", "running", NOW)])
    assert tracking.pending_ids == ("a", "b") and tracking.progress() == (0, 2)
    tracking = bulk_run.advance(
        tracking,
        [
            observation("a", "succeeded", NOW, "oa"),
            observation("b", "failed", NOW - timedelta(days=3), "old"),
            observation("b", "ineligible", NOW, "ob"),
        ],
    )
    assert tracking.done and tracking.progress() == (2, 2) and tracking.rounds == 2
    assert [(r.status, r.observation_id) for r in tracking.rows[:2]] == [
        ("succeeded", "oa"),
        ("ineligible", "ob"),
    ]


def test_following_is_bounded_and_reads_in_chunks() -> None:
    tracking = bulk_run.start("sc", result(("a", "started")))
    for _ in range(bulk_run.MAX_ROUNDS):
        tracking = bulk_run.advance(tracking, [])
    assert tracking.gave_up and not tracking.done
    ids = [str(n) for n in range(120)]
    assert [len(c) for c in bulk_run.chunks(ids)] == [50, 50, 20]
