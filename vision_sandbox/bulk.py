"""Bulk observations for scale tests and benchmarks, generated inside SQLite."""

from __future__ import annotations

import json

from .db import Database
from .observations import snapshot_id
from .observe import snapshot_of
from .scan_model import FAILURE_REASONS, INELIGIBLE_REASONS
from .timeutil import utcnow

BULK_TYPES = ("scorer", "monitor")
"""The scanner types bulk rows are made for: a score or a verdict, the two charted results."""


def add_bulk_observations(
    db: Database, project_id: int, count: int, scanner_name: str = "UX quality"
) -> None:
    """Add ``count`` synthetic observations to one scorer or monitor, generated inside SQLite.

    Rows have status succeeded (with a 1-10 score, or a verdict: "no" about 3 in 10),
    failed (1 in 50) or ineligible (1 in 17), are spread over the last 30 days, and use ids
    that cannot collide with real ones.
    """
    if count <= 0:
        return
    with db.write() as conn:
        scanner = conn.execute(
            "SELECT * FROM scanners WHERE project_id = ? AND name = ?", (project_id, scanner_name)
        ).fetchone()
        if scanner is None:
            return
        kind = scanner["scanner_type"]
        if kind not in BULK_TYPES:
            raise ValueError(f"bulk observations are made for {BULK_TYPES}, not a {kind}")
        snap_id = snapshot_id(conn, snapshot_of(scanner))
        start = int(conn.execute("SELECT COALESCE(MAX(pk), 0) FROM observations").fetchone()[0])
        epoch = int(utcnow().timestamp())
        conn.execute(
            """
            WITH RECURSIVE seq(n) AS (
                SELECT ?1 + 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ?1 + ?2
            ),
            shaped AS (
                SELECT n,
                    CASE WHEN n % 50 = 0 THEN 'failed' WHEN n % 17 = 0 THEN 'ineligible'
                         ELSE 'succeeded' END AS status,
                    1 + ((n * 7919) % 97) % 10 AS score,
                    CASE WHEN (n * 7919) % 97 < 30 THEN 'no' ELSE 'yes' END AS verdict,
                    ?3 - ((n * 104729) % 2592000) AS at
                FROM seq
            )
            INSERT INTO observations (id, project_id, scanner_id, session_id, status, error_reason,
                workflow_id, snapshot_id, scanner_result, triggered_by, started_at, completed_at,
                created_at, result_score, result_verdict, scanner_version)
            SELECT printf('b0000000-0000-4000-8000-%012x', n), ?4, ?5, printf('bulk-%012d', n),
                status,
                CASE status WHEN 'failed' THEN ?9 WHEN 'ineligible' THEN ?10 ELSE '' END,
                '', ?6,
                CASE WHEN status = 'succeeded' THEN json_object('model_output', CASE ?11
                    WHEN 'scorer' THEN json_object(
                        'scanner_type', 'scorer', 'confidence', 0.8, 'score', score, 'label', ?7,
                        'reasoning', 'Bulk observation for scale tests.',
                        'reasoning_segments', json('[]'))
                    ELSE json_object(
                        'scanner_type', 'monitor', 'confidence', 0.8, 'verdict', verdict,
                        'reasoning', 'Bulk observation for scale tests.',
                        'reasoning_segments', json('[]')) END,
                    'signals_count', 0) END,
                'schedule',
                strftime('%Y-%m-%dT%H:%M:%S', at + 5, 'unixepoch') || '.000000Z',
                strftime('%Y-%m-%dT%H:%M:%S', at + 40, 'unixepoch') || '.000000Z',
                strftime('%Y-%m-%dT%H:%M:%S', at, 'unixepoch') || printf('.%06dZ', n % 1000000),
                CASE WHEN status = 'succeeded' AND ?11 = 'scorer' THEN score END,
                CASE WHEN status = 'succeeded' AND ?11 = 'monitor' THEN verdict END,
                ?8
            FROM shaped
            """,
            (
                start,
                count,
                epoch,
                project_id,
                scanner["id"],
                snap_id,
                json.loads(scanner["scanner_config"]).get("scale", {}).get("label"),
                scanner["scanner_version"],
                FAILURE_REASONS[0],
                INELIGIBLE_REASONS["too_short"],
                kind,
            ),
        )
    db.conn().execute("ANALYZE")
