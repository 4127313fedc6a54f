"""The background thread that runs accepted scans through their lifecycle.

Each job's observation is created as ``pending``, moves to ``running`` and then to
``succeeded``/``failed``/``ineligible`` over ``scan_delay`` seconds. Jobs live in SQLite, so a
restarted sandbox finishes the runs it had accepted.

A job names its trigger when the jobs table has a ``triggered_by`` column and the job set it;
otherwise a job with a user is an on-demand scan (``POST /observe/``) and a job without one was
scheduled by the :mod:`.sweeper`.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import uuid
from datetime import datetime

from .db import Database
from .observations import snapshot_id
from .observe import recording_features, snapshot_of, store_outcome
from .timeutil import from_iso, now_iso, utcnow

_log = logging.getLogger(__name__)
INTERNAL_ERROR = "internal_error:An unexpected error stopped this scan."
PENDING_AT = 0.2
RUNNING_AT = 0.5


def _trigger(job: sqlite3.Row) -> str:
    """The observation's ``triggered_by`` for this job."""
    columns = job.keys()  # a Row's own ``in`` looks at values, not column names
    named = job["triggered_by"] if "triggered_by" in columns else None
    if named:
        return str(named)
    return "schedule" if job["user_id"] is None else "on_demand"


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

    def adopt_in_flight(self) -> int:
        """Queue a job for every pending/running observation that has none; return how many.

        The demo seeds observations already in flight without jobs behind them; adopted, they
        move on from their current status and finish like any other scan.
        """
        with self._db.write() as conn:
            cursor = conn.execute(
                "INSERT OR IGNORE INTO jobs (workflow_id, project_id, scanner_id, session_id, "
                "user_id, created_at) "
                "SELECT o.workflow_id, o.project_id, o.scanner_id, o.session_id, "
                "o.triggered_by_user, ? FROM observations o "
                "WHERE o.status IN ('pending', 'running') AND o.workflow_id != '' "
                "AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.workflow_id = o.workflow_id)",
                (now_iso(),),
            )
            adopted = cursor.rowcount
        self.wake()
        return adopted

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
            "VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                str(uuid.uuid4()),
                job["project_id"],
                job["scanner_id"],
                job["session_id"],
                job["workflow_id"],
                snapshot_id(conn, snapshot),
                _trigger(job),
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
