"""Applying a scanner to one session: progress and error messages (pure logic).

``POST /observe/`` answers 202 before any observation exists; the observation then appears as
``pending``, turns ``running`` and settles as ``succeeded``, ``failed`` or ``ineligible``. A
current server may instead answer 200 with the ``observation_id`` it already has for that
session: nothing was started or charged, and the tracking starts as "already scanned". The page
polls the scanner's observations for that session and feeds each answer to ``advance``, which
says how far the scan is and when to stop polling. What was typed is read by
``session_input``. No Streamlit calls here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from vision_api import (
    BadRequestError,
    NotFoundError,
    Observation,
    QuotaExceededError,
    RateLimitError,
    ServerError,
)
from vision_console.render import ErrorMessage, explain

MAX_POLLS = 180
"""Polls (about one a second) before the page stops following and says so."""

TERMINAL = ("succeeded", "failed", "ineligible")
PROGRESS: dict[str, tuple[float, str]] = {
    "requested": (0.1, "Scan requested; waiting for it to be queued…"),
    "pending": (0.3, "Queued: waiting for a worker…"),
    "running": (0.65, "Running: the model is watching the recording…"),
    "succeeded": (1.0, "Done."),
    "failed": (1.0, "The scan failed."),
    "ineligible": (1.0, "The recording can't be scanned."),
}


@dataclass(frozen=True)
class ScanTracking:
    """A scan being followed: what was asked, and the latest state of its observation."""

    scanner_id: str
    scanner_type: str
    session_id: str
    requested_at: datetime
    workflow_id: str | None = None
    status: str = "requested"
    polls: int = 0
    observation: Observation | None = None
    already_scanned: bool = False

    @property
    def done(self) -> bool:
        return self.status in TERMINAL

    @property
    def gave_up(self) -> bool:
        """Still not settled after MAX_POLLS polls: stop polling and say so."""
        return not self.done and self.polls >= MAX_POLLS

    @property
    def progress(self) -> tuple[float, str]:
        if self.already_scanned and self.status == "requested":
            return (0.5, "Already scanned (no charge): reading that result…")
        return PROGRESS.get(self.status, (0.5, f"Status: {self.status}"))


def start(
    scanner_id: str,
    scanner_type: str,
    session_id: str,
    workflow_id: str | None,
    now: datetime | None = None,
    *,
    already_scanned: bool = False,
) -> ScanTracking:
    """Tracking for a scan the API just accepted, or (``already_scanned``, observe's 200) for
    the observation it already had: one poll then reads that result."""
    return ScanTracking(
        scanner_id=scanner_id,
        scanner_type=scanner_type,
        session_id=session_id,
        requested_at=now or datetime.now(UTC),
        workflow_id=workflow_id,
        already_scanned=already_scanned,
    )


def advance(tracking: ScanTracking, observations: Sequence[Observation]) -> ScanTracking:
    """The tracking after one poll of the session's observations.

    There is one observation per (scanner, session); when it already existed before the
    request (an earlier scan of the same session), it is reported as already scanned.
    """
    polls = tracking.polls + 1
    mine = [obs for obs in observations if obs.session_id == tracking.session_id]
    if not mine:
        return replace(tracking, polls=polls)
    observation = mine[0]
    earlier = observation.created_at < tracking.requested_at and not observation.in_flight
    return replace(
        tracking,
        polls=polls,
        status=observation.status,
        observation=observation,
        already_scanned=tracking.already_scanned or earlier,
    )


def observe_problem(error: Exception) -> ErrorMessage:
    """A message for a failed observe request that names the cause and what to do."""
    what = "Could not start the scan."
    detail = getattr(error, "detail", None)
    server = f"Server says: {detail}" if detail else None
    if isinstance(error, QuotaExceededError):
        return ErrorMessage(
            what,
            "The monthly Replay Vision quota is used up.",
            "Nothing was charged. Scans work again when the quota resets (or after it is raised).",
            "warning",
            server,
        )
    if isinstance(error, RateLimitError):
        wait = error.retry_after
        when = f"in {wait:g} seconds" if isinstance(wait, int | float) else "in a few minutes"
        return ErrorMessage(
            what,
            "Too many scans or requests are in flight for this project right now.",
            f"Nothing was started. Try again {when}.",
            "warning",
            server,
        )
    if isinstance(error, ServerError) and error.status_code == 503:
        return ErrorMessage(
            what,
            "The scan service did not start the workflow (503).",
            "Nothing was started or charged. Try again in a moment.",
            "warning",
            server,
        )
    if isinstance(error, BadRequestError):
        return ErrorMessage(what, "The session id was refused.", "Check the id.", "error", server)
    if isinstance(error, NotFoundError):
        return ErrorMessage(
            what,
            "The scanner no longer exists (or the key can't see it).",
            "Refresh the list.",
        )
    return explain(error, "start the scan")
