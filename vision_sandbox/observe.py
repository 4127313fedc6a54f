"""On-demand observation: the quota gate, the job queue, snapshots and storing outcomes.

``POST /observe/`` only records a job (the response never waits for a row, as in PostHog); the
:mod:`.worker` thread turns jobs into observations.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import Any

from .errors import quota_exceeded
from .scan_model import scan
from .timeutil import month_bounds, now_iso, to_iso, utcnow


def workflow_id(scanner_id: str, session_id: str) -> str:
    """The deterministic workflow id for (scanner, session)."""
    return f"replay-vision-apply-scanner-{scanner_id}-{session_id}"


def observation_usage(conn: sqlite3.Connection, project_id: int, now: datetime) -> int:
    """Seed-era quota usage: succeeded and in-flight observations this month, plus queued scans."""
    start, _ = month_bounds(now)
    used = conn.execute(
        "SELECT COUNT(*) FROM observations WHERE project_id = ? AND created_at >= ? "
        "AND status IN ('succeeded', 'pending', 'running')",
        (project_id, to_iso(start)),
    ).fetchone()[0]
    return int(used) + queued_scans(conn, project_id)


def queued_scans(conn: sqlite3.Connection, project_id: int) -> int:
    """Scans accepted but not started yet: jobs whose observation row does not exist."""
    return int(
        conn.execute(
            "SELECT COUNT(*) FROM jobs j WHERE j.project_id = ? AND NOT EXISTS (SELECT 1 FROM "
            "observations o WHERE o.scanner_id = j.scanner_id AND o.session_id = j.session_id)",
            (project_id,),
        ).fetchone()[0]
    )


def check_quota(conn: sqlite3.Connection, project_id: int) -> None:
    """Seed era: 402 when succeeded + in-flight observations this month reach the quota."""
    quota = int(
        conn.execute("SELECT monthly_quota FROM projects WHERE id = ?", (project_id,)).fetchone()[0]
    )
    now = utcnow()
    _, end = month_bounds(now)
    if observation_usage(conn, project_id, now) >= quota:
        raise quota_exceeded(
            f"Monthly Replay Vision quota of {quota:,} observations reached. "
            f"Resets {end.strftime('%b')} {end.day}."
        )


def enqueue(
    conn: sqlite3.Connection,
    project_id: int,
    scanner_id: str,
    session_id: str,
    user_id: int | None,
    triggered_by: str | None = None,
) -> str:
    """Record the job unless a run for (scanner, session) exists; return the workflow id.

    ``triggered_by`` overrides what the worker would otherwise write (``retry`` for retries).
    """
    wf = workflow_id(scanner_id, session_id)
    if existing(conn, scanner_id, session_id) is None:
        conn.execute(
            "INSERT OR IGNORE INTO jobs (workflow_id, project_id, scanner_id, session_id, "
            "user_id, created_at, triggered_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (wf, project_id, scanner_id, session_id, user_id, now_iso(), triggered_by),
        )
    return wf


def existing(conn: sqlite3.Connection, scanner_id: str, session_id: str) -> sqlite3.Row | None:
    """The scanner's observation of ``session_id`` (id and status), if there is one."""
    row: sqlite3.Row | None = conn.execute(
        "SELECT id, status FROM observations WHERE scanner_id = ? AND session_id = ?",
        (scanner_id, session_id),
    ).fetchone()
    return row


def queued(conn: sqlite3.Connection, scanner_id: str, session_id: str) -> bool:
    """Whether a scan of ``session_id`` by the scanner is accepted but has no row yet."""
    row = conn.execute(
        "SELECT 1 FROM jobs WHERE scanner_id = ? AND session_id = ?", (scanner_id, session_id)
    ).fetchone()
    return row is not None


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
        "result_verdict = ?, result_score = ?, result_confidence = ?, completed_at = ?, "
        "started_at = COALESCE(started_at, ?) WHERE pk = ?",
        (
            outcome.status,
            outcome.error_reason,
            None if outcome.result is None else json.dumps(outcome.result),
            outcome.verdict,
            outcome.score,
            confidence_of(outcome.result),
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


def confidence_of(result: dict[str, Any] | None) -> float | None:
    """``model_output.confidence`` of a stored result, when it is a number."""
    output = (result or {}).get("model_output")
    value = output.get("confidence") if isinstance(output, dict) else None
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
