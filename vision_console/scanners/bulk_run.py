"""A bulk scan: each session's outcome, and following the started ones to their result (pure).

``POST /bulk_observe/`` (current era) answers at once with one ``scan_outcome`` per distinct
session: quota and limits never fail the whole call, they show up per session. The outcome set
is open: an outcome this console does not know is shown as the server wrote it. Sessions whose
scan was started (or was already running) are then followed: the page reads their observations
a chunk of ids per request, at a polite interval, for a bounded number of rounds, and feeds
each answer to ``advance``. No Streamlit calls here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from vision_api import BulkObserveResult, Observation

OUTCOMES: dict[str, str] = {
    "started": "Started",
    "already_running": "Already running",
    "already_scanned": "Already scanned (no charge)",
    "skipped_limit": "Skipped: too many scans in flight, try again in a few minutes",
    "skipped_quota": "Skipped: the monthly quota is used up",
    "skipped_scanner_limit": "Skipped: this scanner's credit limit is reached",
    "failed": "Failed to start",
}
"""Known ``scan_outcome`` values in words; anything else is shown as the server sent it."""
FOLLOWED = ("started", "already_running")
"""Outcomes with a scan in flight, followed to their result."""
TERMINAL = ("succeeded", "failed", "ineligible")

POLL_SECONDS = 3.0
"""Between rounds of reads: a 200-session bulk scan costs at most 4 requests a round."""
MAX_ROUNDS = 100
"""Rounds (about five minutes) before the page stops following and says where to look."""
IDS_PER_READ = 50
"""Session ids per observations read (the filter is a comma-separated list in the URL)."""


def outcome_label(outcome: str) -> str:
    """A ``scan_outcome`` in words; an unknown one as it came (the enum is open)."""
    return OUTCOMES.get(outcome, outcome)


@dataclass(frozen=True)
class BulkRow:
    """One session of the bulk scan: what the server did with it and, when followed, where its
    observation is now."""

    session_id: str
    outcome: str
    status: str | None = None
    observation_id: str | None = None

    @property
    def followed(self) -> bool:
        return self.outcome in FOLLOWED

    @property
    def settled(self) -> bool:
        return self.status in TERMINAL


@dataclass(frozen=True)
class BulkTracking:
    """A bulk scan being followed: its rows in the order sent, and how many rounds were read."""

    scanner_id: str
    requested_at: datetime
    rows: tuple[BulkRow, ...]
    started: int
    rounds: int = 0

    @property
    def pending_ids(self) -> tuple[str, ...]:
        """Followed sessions not settled yet: what the next round reads."""
        return tuple(row.session_id for row in self.rows if row.followed and not row.settled)

    @property
    def done(self) -> bool:
        return not self.pending_ids

    @property
    def gave_up(self) -> bool:
        return not self.done and self.rounds >= MAX_ROUNDS

    def counts(self) -> dict[str, int]:
        """Sessions per outcome label, in the order outcomes first appear."""
        counts: dict[str, int] = {}
        for row in self.rows:
            label = outcome_label(row.outcome)
            counts[label] = counts.get(label, 0) + 1
        return counts

    def progress(self) -> tuple[int, int]:
        """(settled, followed): how many of the followed scans have finished."""
        followed = [row for row in self.rows if row.followed]
        return sum(1 for row in followed if row.settled), len(followed)


def start(scanner_id: str, result: BulkObserveResult, now: datetime | None = None) -> BulkTracking:
    """Tracking for the server's answer to a bulk scan."""
    rows = tuple(BulkRow(o.session_id, o.scan_outcome) for o in result.results)
    return BulkTracking(scanner_id, now or datetime.now(UTC), rows, result.started)


def chunks(session_ids: Sequence[str]) -> list[tuple[str, ...]]:
    """The ids of one round, ``IDS_PER_READ`` per request."""
    return [
        tuple(session_ids[i : i + IDS_PER_READ]) for i in range(0, len(session_ids), IDS_PER_READ)
    ]


def advance(tracking: BulkTracking, observations: Sequence[Observation]) -> BulkTracking:
    """The tracking after one round of reads: each followed session takes its observation's
    status (the newest one, when a session was scanned again)."""
    latest: dict[str, Observation] = {}
    for observation in observations:
        held = latest.get(observation.session_id)
        if held is None or observation.created_at > held.created_at:
            latest[observation.session_id] = observation
    rows = tuple(
        replace(row, status=latest[row.session_id].status, observation_id=latest[row.session_id].id)
        if row.followed and row.session_id in latest
        else row
        for row in tracking.rows
    )
    return replace(tracking, rows=rows, rounds=tracking.rounds + 1)


def table_rows(tracking: BulkTracking) -> list[dict[str, str]]:
    """One row per session for the results grid: session, outcome in words, scan status."""
    return [
        {
            "Session": row.session_id,
            "Outcome": outcome_label(row.outcome),
            "Scan": (row.status or "waiting…") if row.followed else "—",
        }
        for row in tracking.rows
    ]
