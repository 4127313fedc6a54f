"""On-demand observation: quota gate, job queue and the worker that runs the scan lifecycle.

``POST /observe/`` only records a job (the response never waits for a row, as in PostHog). The
worker thread then creates the observation as ``pending``, moves it to ``running`` and finally to
``succeeded``/``failed``/``ineligible`` over ``scan_delay`` seconds. Jobs live in SQLite, so a
restarted sandbox finishes the runs it had accepted.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import uuid
from datetime import datetime
from typing import Any

from .db import Database
from .errors import quota_exceeded
from .observations import snapshot_id
from .scan_model import scan
from .timeutil import from_iso, month_bounds, now_iso, to_iso, utcnow

_log = logging.getLogger(__name__)
INTERNAL_ERROR = "internal_error:An unexpected error stopped this scan."
PENDING_AT = 0.2
RUNNING_AT = 0.5


def workflow_id(scanner_id: str, session_id: str) -> str:
    """The deterministic workflow id for (scanner, session)."""
    return f"replay-vision-apply-scanner-{scanner_id}-{session_id}"


def check_quota(conn: sqlite3.Connection, project_id: int) -> None:
    """402 when succeeded + in-flight observations this calendar month reach the quota."""
    quota = int(
        conn.execute("SELECT monthly_quota FROM projects WHERE id = ?", (project_id,)).fetchone()[0]
    )
    start, end = month_bounds(utcnow())
    used = conn.execute(
        "SELECT COUNT(*) FROM observations WHERE project_id = ? AND created_at >= ? "
        "AND status IN ('succeeded', 'pending', 'running')",
        (project_id, to_iso(start)),
    ).fetchone()[0]
    queued = conn.execute(
        "SELECT COUNT(*) FROM jobs j WHERE j.project_id = ? AND NOT EXISTS (SELECT 1 FROM "
        "observations o WHERE o.scanner_id = j.scanner_id AND o.session_id = j.session_id)",
        (project_id,),
    ).fetchone()[0]
    if used + queued >= quota:
        raise quota_exceeded(
            f"Monthly Replay Vision quota of {quota:,} observations reached. "
            f"Resets {end.strftime('%b')} {end.day}."
        )


def enqueue(
    conn: sqlite3.Connection, project_id: int, scanner_id: str, session_id: str, user_id: int
) -> str:
    """Record the job unless a run for (scanner, session) exists; return the workflow id."""
    wf = workflow_id(scanner_id, session_id)
    exists = conn.execute(
        "SELECT 1 FROM observations WHERE scanner_id = ? AND session_id = ?",
        (scanner_id, session_id),
    ).fetchone()
    if exists is None:
        conn.execute(
            "INSERT OR IGNORE INTO jobs (workflow_id, project_id, scanner_id, session_id, "
            "user_id, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (wf, project_id, scanner_id, session_id, user_id, now_iso()),
        )
    return wf


def snapshot_of(scanner: sqlite3.Row) -> dict[str, Any]:
    """The frozen scanner an observation records (contract §5.2)."""
    return {
        "name": scanner["name"],
        "scanner_type": scanner["scanner_type"],
        "scanner_version": scanner["scanner_version"],
        "model": scanner["model"],
        "provider": scanner["provider"],
        "emits_signals": bool(scanner["emits_signals"]),
        "scanner_config": json.loads(scanner["scanner_config"]),
    }


def recording_features(
    conn: sqlite3.Connection, project_id: int, session_id: str
) -> dict[str, Any] | None:
    """The synthetic recording behind ``session_id`` in this project, if any."""
    row = conn.execute(
        "SELECT * FROM recordings WHERE session_id = ? AND project_id = ?", (session_id, project_id)
    ).fetchone()
    return None if row is None else dict(row)


def store_outcome(
    conn: sqlite3.Connection,
    obs_pk: int,
    scanner_id: str,
    snapshot: dict[str, Any],
    session_id: str,
    recording: dict[str, Any] | None,
    now: str,
) -> None:
    """Run the scan model and write its outcome onto the observation row."""
    outcome = scan(snapshot, recording, session_id)
    conn.execute(
        "UPDATE observations SET status = ?, error_reason = ?, scanner_result = ?, "
        "result_verdict = ?, result_score = ?, completed_at = ?, "
        "started_at = COALESCE(started_at, ?) WHERE pk = ?",
        (
            outcome.status,
            outcome.error_reason,
            None if outcome.result is None else json.dumps(outcome.result),
            outcome.verdict,
            outcome.score,
            now,
            now,
            obs_pk,
        ),
    )
    conn.executemany(
        "INSERT OR IGNORE INTO observation_tags (scanner_id, tag, obs_pk, freeform) "
        "VALUES (?, ?, ?, ?)",
        [(scanner_id, tag, obs_pk, int(freeform)) for tag, freeform in outcome.tags],
    )


class Worker:
    """A background thread that advances queued jobs through the observation lifecycle."""

    def __init__(self, db: Database, scan_delay: float) -> None:
        self._db = db
        self._delay = max(0.0, scan_delay)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sandbox-scan-worker", daemon=True)

    def start(self) -> None:
        """Start processing jobs."""
        self._thread.start()

    def wake(self) -> None:
        """Look at the queue now (a job was just added)."""
        self._wake.set()

    def stop(self) -> None:
        """Stop the thread and wait for it."""
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def _run(self) -> None:
        tick = min(0.05, self._delay / 10) if self._delay else 0.02
        while not self._stop.is_set():
            busy = False
            try:
                busy = self._step()
            except sqlite3.Error:
                busy = True
            self._wake.wait(timeout=tick if busy else 0.5)
            self._wake.clear()

    def _step(self) -> bool:
        """Advance every job as far as its age allows; True while jobs remain."""
        jobs = self._db.conn().execute("SELECT * FROM jobs ORDER BY created_at").fetchall()
        now = utcnow()
        for job in jobs:
            try:
                self._advance(job, now)
            except Exception:
                _log.exception("scan job %s failed; marking it failed", job["workflow_id"])
                self._give_up(job)
        return bool(jobs)

    def _give_up(self, job: sqlite3.Row) -> None:
        """A job the worker cannot finish ends as a failed observation, never a stuck one."""
        with self._db.write() as conn:
            conn.execute(
                "UPDATE observations SET status = 'failed', error_reason = ?, completed_at = ? "
                "WHERE workflow_id = ? AND status IN ('pending', 'running')",
                (INTERNAL_ERROR, now_iso(), job["workflow_id"]),
            )
            conn.execute("DELETE FROM jobs WHERE workflow_id = ?", (job["workflow_id"],))

    def _advance(self, job: sqlite3.Row, now: datetime) -> None:
        age = (now - from_iso(job["created_at"])).total_seconds()
        with self._db.write() as conn:
            row = conn.execute(
                "SELECT pk, status, workflow_id FROM observations "
                "WHERE scanner_id = ? AND session_id = ?",
                (job["scanner_id"], job["session_id"]),
            ).fetchone()
            scanner = conn.execute(
                "SELECT * FROM scanners WHERE id = ?", (job["scanner_id"],)
            ).fetchone()
            if scanner is None or (row is not None and row["workflow_id"] != job["workflow_id"]):
                conn.execute("DELETE FROM jobs WHERE workflow_id = ?", (job["workflow_id"],))
                return
            if age < self._delay * PENDING_AT:
                return
            if row is None:
                row = self._create_pending(conn, job, scanner)
            if row["status"] == "pending" and age >= self._delay * RUNNING_AT:
                conn.execute(
                    "UPDATE observations SET status = 'running', started_at = ? WHERE pk = ?",
                    (now_iso(), row["pk"]),
                )
            if age >= self._delay:
                snap = json.loads(
                    conn.execute(
                        "SELECT s.body FROM snapshots s "
                        "JOIN observations o ON o.snapshot_id = s.id "
                        "WHERE o.pk = ?",
                        (row["pk"],),
                    ).fetchone()[0]
                )
                recording = recording_features(conn, job["project_id"], job["session_id"])
                store_outcome(
                    conn,
                    row["pk"],
                    job["scanner_id"],
                    snap,
                    job["session_id"],
                    recording,
                    now_iso(),
                )
                conn.execute("DELETE FROM jobs WHERE workflow_id = ?", (job["workflow_id"],))

    def _create_pending(
        self, conn: sqlite3.Connection, job: sqlite3.Row, scanner: sqlite3.Row
    ) -> sqlite3.Row:
        snapshot = snapshot_of(scanner)
        recording = recording_features(conn, job["project_id"], job["session_id"])
        conn.execute(
            "INSERT INTO observations (id, project_id, scanner_id, session_id, status, "
            "workflow_id, snapshot_id, triggered_by, triggered_by_user, created_at, "
            "scanner_version, distinct_id, recording_subject_email) "
            "VALUES (?, ?, ?, ?, 'pending', ?, ?, 'on_demand', ?, ?, ?, ?, ?)",
            (
                str(uuid.uuid4()),
                job["project_id"],
                job["scanner_id"],
                job["session_id"],
                job["workflow_id"],
                snapshot_id(conn, snapshot),
                job["user_id"],
                now_iso(),
                scanner["scanner_version"],
                recording["distinct_id"] if recording else None,
                recording["person_email"] if recording else None,
            ),
        )
        found: sqlite3.Row = conn.execute(
            "SELECT pk, status, workflow_id FROM observations "
            "WHERE scanner_id = ? AND session_id = ?",
            (job["scanner_id"], job["session_id"]),
        ).fetchone()
        return found
