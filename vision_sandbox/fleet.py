"""A fleet of generated scanners, so the Overview can be measured at 100, 1,000 or 5,000 of them.

Everything is generated inside SQLite (like :mod:`.bulk`): scanners of all four types cycling
through configs, models, sampling rates, creators and ages, about one in four disabled, each with
a snapshot and a few observations on real recordings (succeeded with a per-type result, about
one in twelve failed or ineligible). Ids cannot collide with real ones, and names are numbered so
a fleet can be grown again later.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from .catalog import DEFAULT_MODEL, MODELS
from .db import Database
from .estimate import estimate_volume
from .scan_model import FAILURE_REASONS, INELIGIBLE_REASONS
from .timeutil import now_iso, utcnow

NAME_PREFIX = "Fleet scanner"
DEFAULT_OBSERVATIONS_EACH = 4
SAMPLING_RATES = (1.0, 0.5, 0.25, 0.1, 0.05, 0.02, 0.01)
_CONFIGS = {
    "monitor": {"prompt": "Did the user hit a problem worth a look?"},
    "classifier": {
        "prompt": "What was the user trying to do?",
        "tags": ["browsing", "checkout", "support", "account"],
        "multi_label": True,
    },
    "scorer": {
        "prompt": "How smooth did the session feel?",
        "scale": {"min": 1, "max": 10, "label": "Smoothness"},
    },
    "summarizer": {"prompt": "Summarise the session.", "length": "short"},
}
_TYPES = tuple(_CONFIGS)


def grow_fleet(
    db: Database,
    project_id: int,
    total: int,
    observations_each: int = DEFAULT_OBSERVATIONS_EACH,
    models: Sequence[str] = MODELS,
) -> int:
    """Add generated scanners until ``project_id`` has ``total``; return how many were added.

    ``models`` are the ids the fleet cycles through (the era's own, so none is retired).
    """
    with db.write() as conn:
        have = int(
            conn.execute(
                "SELECT COUNT(*) FROM scanners WHERE project_id = ?", (project_id,)
            ).fetchone()[0]
        )
        count = total - have
        if count <= 0:
            return 0
        first = int(
            conn.execute(
                "SELECT COUNT(*) FROM scanners WHERE project_id = ? AND name LIKE ?",
                (project_id, NAME_PREFIX + " %"),
            ).fetchone()[0]
        )
        matched = estimate_volume(conn, project_id, {}, 1.0).per_month
        params = {
            "pid": project_id,
            "first": first,
            "count": count,
            "now": int(utcnow().timestamp()),
            "now_iso": now_iso(),
            "prefix": NAME_PREFIX,
            "matched": matched,
            "types": json.dumps(_TYPES),
            "configs": json.dumps(_CONFIGS),
            "models": json.dumps(list(models) or [DEFAULT_MODEL]),
            "rates": json.dumps(SAMPLING_RATES),
            "each": max(0, observations_each),
            "failed": FAILURE_REASONS[0],
            "ineligible": INELIGIBLE_REASONS["too_short"],
        }
        conn.execute("DROP TABLE IF EXISTS temp.fleet")
        conn.execute(_FLEET_SQL, params)
        conn.execute(_SCANNERS_SQL, params)
        conn.execute(_SNAPSHOTS_SQL, params)
        if params["each"]:
            conn.execute(_OBSERVATIONS_SQL, params)
            conn.execute(_TAGS_SQL, params)
        conn.execute("DROP TABLE temp.fleet")
    db.conn().execute("ANALYZE")
    return count


# One row per new scanner: its number n, type, id and the fields that vary with n.
_FLEET_SQL = """
CREATE TEMP TABLE fleet AS
WITH RECURSIVE seq(n) AS (
    SELECT :first + 1 UNION ALL SELECT n + 1 FROM seq WHERE n < :first + :count
)
SELECT n,
    printf('f1ee7000-0000-4000-8000-%012x', :pid * 1000000 + n) AS id,
    json_extract(:types, '$[' || (n % 4) || ']') AS scanner_type,
    json_extract(:models, '$[' || ((n / 4) % json_array_length(:models)) || ']') AS model,
    json_extract(:rates, '$[' || ((n * 3) % json_array_length(:rates)) || ']') AS rate,
    CASE WHEN n % 4 = 3 THEN 0 ELSE 1 END AS enabled,
    1 + (n % 4) AS creator,
    :now - 86400 * (1 + (n * 7919) % 89) - (n * 104729) % 86400 AS created
FROM seq
"""

_SCANNERS_SQL = """
INSERT INTO scanners (id, project_id, name, description, scanner_type, scanner_config, query,
    sampling_rate, provider, model, enabled, emits_signals, scanner_version,
    estimated_monthly_observations, estimated_at, last_swept_at, created_at, updated_at,
    created_by)
SELECT id, :pid, printf('%s %05d', :prefix, n), printf('Generated %s #%d.', scanner_type, n),
    scanner_type, json_extract(:configs, '$.' || scanner_type), '{}', rate, 'google', model,
    enabled, CASE WHEN n % 10 = 0 THEN 1 ELSE 0 END, 1, CAST(round(:matched * rate) AS INTEGER),
    :now_iso,
    strftime('%Y-%m-%dT%H:%M:%S', :now - 2100, 'unixepoch') || '.000000Z',
    strftime('%Y-%m-%dT%H:%M:%S', created, 'unixepoch') || '.000000Z',
    strftime('%Y-%m-%dT%H:%M:%S', created, 'unixepoch') || '.000000Z',
    creator
FROM fleet
"""

# The snapshot every observation of a fleet scanner records (contract 5.2), one per scanner.
_SNAPSHOTS_SQL = """
INSERT OR IGNORE INTO snapshots (digest, body)
SELECT 'fleet:' || id, json_object('emits_signals', json(CASE WHEN n % 10 = 0 THEN 'true'
        ELSE 'false' END),
    'model', model, 'name', printf('%s %05d', :prefix, n), 'provider', 'google',
    'scanner_config', json_extract(:configs, '$.' || scanner_type),
    'scanner_type', scanner_type, 'scanner_version', 1)
FROM fleet
"""

# Observation j of scanner n scans recording ((n * 37 + j) mod R): distinct per scanner.
_OBSERVATIONS_SQL = """
INSERT INTO observations (id, project_id, scanner_id, session_id, status, error_reason,
    workflow_id, snapshot_id, scanner_result, triggered_by, started_at, completed_at,
    created_at, result_verdict, result_score, scanner_version, distinct_id,
    recording_subject_email)
WITH RECURSIVE
recs AS (
    SELECT session_id, distinct_id, person_email,
        row_number() OVER (ORDER BY session_id) - 1 AS k
    FROM recordings WHERE project_id = :pid
),
total(r) AS (SELECT COUNT(*) FROM recs),
js(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM js WHERE j + 1 < :each),
shaped AS (
    SELECT f.n, f.id AS scanner_id, f.scanner_type, js.j, rec.session_id, rec.distinct_id,
        rec.person_email,
        CASE WHEN (f.n + js.j) % 25 = 0 THEN 'failed'
             WHEN (f.n + js.j) % 13 = 0 THEN 'ineligible' ELSE 'succeeded' END AS status,
        1 + ((f.n * 7919 + js.j * 31) % 97) % 10 AS score,
        CASE WHEN (f.n * 3 + js.j) % 5 < 2 THEN 'yes' ELSE 'no' END AS verdict,
        json_extract(:configs, '$.classifier.tags[' || ((f.n + js.j) % 4) || ']') AS tag,
        :now - 600 - (f.n * 104729 + js.j * 7211) % MAX(1, MIN(2419200, :now - f.created - 600))
            AS at
    FROM fleet f CROSS JOIN js CROSS JOIN total
    JOIN recs rec ON rec.k = (f.n * 37 + js.j) % total.r
    WHERE js.j < total.r
)
SELECT printf('f1ee7000-%04x-4000-9000-%012x', j, :pid * 1000000 + n), :pid, scanner_id,
    session_id, status,
    CASE status WHEN 'failed' THEN :failed WHEN 'ineligible' THEN :ineligible ELSE '' END,
    'replay-vision-apply-scanner-' || scanner_id || '-' || session_id,
    (SELECT id FROM snapshots WHERE digest = 'fleet:' || scanner_id),
    CASE WHEN status = 'succeeded' THEN json_object('model_output',
        CASE scanner_type
            WHEN 'monitor' THEN json_object('scanner_type', 'monitor', 'confidence', 0.8,
                'verdict', verdict, 'reasoning', 'Generated fleet observation.',
                'reasoning_segments', json('[]'))
            WHEN 'scorer' THEN json_object('scanner_type', 'scorer', 'confidence', 0.8,
                'score', score, 'label', 'Smoothness',
                'reasoning', 'Generated fleet observation.', 'reasoning_segments', json('[]'))
            WHEN 'classifier' THEN json_object('scanner_type', 'classifier', 'confidence', 0.8,
                'tags', json_array(tag), 'tags_freeform', json('[]'),
                'reasoning', 'Generated fleet observation.', 'reasoning_segments', json('[]'))
            ELSE json_object('scanner_type', 'summarizer', 'confidence', 0.8,
                'title', 'A generated session', 'summary', 'Generated fleet observation.',
                'summary_segments', json('[]'))
        END, 'signals_count', 0) END,
    'schedule',
    strftime('%Y-%m-%dT%H:%M:%S', at + 5, 'unixepoch') || '.000000Z',
    strftime('%Y-%m-%dT%H:%M:%S', at + 40, 'unixepoch') || '.000000Z',
    strftime('%Y-%m-%dT%H:%M:%S', at, 'unixepoch') || '.000000Z',
    CASE WHEN status = 'succeeded' AND scanner_type = 'monitor' THEN verdict END,
    CASE WHEN status = 'succeeded' AND scanner_type = 'scorer' THEN score END,
    1, distinct_id, person_email
FROM shaped
"""

_TAGS_SQL = """
INSERT OR IGNORE INTO observation_tags (scanner_id, tag, obs_pk, freeform)
SELECT o.scanner_id, json_extract(o.scanner_result, '$.model_output.tags[0]'), o.pk, 0
FROM observations o JOIN fleet f ON f.id = o.scanner_id
WHERE f.scanner_type = 'classifier' AND o.status = 'succeeded'
"""
