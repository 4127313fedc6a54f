"""Seeding: the ``empty`` and ``demo`` datasets.

The demo is deterministic for its seed (ids, features and results; timestamps are relative to the
moment of seeding): eight scanners over all four types from three creators, about 2,400 scheduled
and on-demand observations over 30 days in every status, a monitor whose prompt changed twice so
its observations span versions 1-3, and a second project with its own key, recordings and data.
It stays well under the default monthly quota so observe works out of the box.
"""

from __future__ import annotations

import json
import random
import sqlite3
import uuid
from datetime import datetime, timedelta
from typing import Any

from . import recordings
from .auth import store_key
from .catalog import SCOPES
from .db import Database
from .demo_specs import DemoScanner, demo_scanners, other_scanners
from .estimate import estimate_volume
from .observations import snapshot_id
from .observe import snapshot_of, workflow_id
from .scan_model import scan
from .scanners import SWEEP_LAG
from .timeutil import from_iso, to_iso, utcnow
from .users import insert_user

DEMO_API_KEY = "phx_sandbox_demo_key_do_not_use_in_production"
OTHER_API_KEY = "phx_sandbox_other_project_key_do_not_use"
SEED_MARKER = "seeded"


def seed_base(
    db: Database, project_id: int, other_project_id: int, quota: int, api_key: str
) -> None:
    """Projects, users and keys: everything both seeds share."""
    with db.write() as conn:
        for pid, name in ((project_id, "Demo project"), (other_project_id, "Other project")):
            conn.execute(
                "INSERT OR IGNORE INTO projects (id, name, monthly_quota) VALUES (?, ?, ?)",
                (pid, name, quota),
            )
        insert_user(conn, 1, "Ada", "Lovelace", "ada@example.com", "engineering")
        insert_user(conn, 2, "Grace", "Hopper", "grace@example.com", "product")
        insert_user(conn, 3, "Alan", "Turing", "alan@example.com", None)
        insert_user(conn, 4, "Katherine", "Johnson", "katherine@example.com", "data")
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('project_id', ?)", (str(project_id),))
        conn.execute(
            "INSERT OR REPLACE INTO meta VALUES ('other_project_id', ?)", (str(other_project_id),)
        )
    store_key(db, api_key, 1, SCOPES, [project_id])
    store_key(db, OTHER_API_KEY, 4, SCOPES, [other_project_id])


def seed_demo(db: Database, project_id: int, other_project_id: int) -> None:
    """Recordings, scanners and observations for both projects."""
    now = utcnow()
    with db.write() as conn:
        recordings.generate(
            conn, project_id, now=now, days=35, per_day=110, seed=1, host="shop.example.com"
        )
        recordings.generate(
            conn, other_project_id, now=now, days=20, per_day=30, seed=2, host="app.example.net"
        )
        rng = random.Random(7)
        for pid, specs in ((project_id, demo_scanners()), (other_project_id, other_scanners())):
            rows = conn.execute(
                "SELECT * FROM recordings WHERE project_id = ? ORDER BY session_id", (pid,)
            )
            by_start = [dict(row) for row in rows]
            for spec in specs:
                _seed_scanner(conn, pid, spec, now, rng, by_start)


def _seed_scanner(
    conn: sqlite3.Connection,
    project_id: int,
    spec: DemoScanner,
    now: datetime,
    rng: random.Random,
    recordings_by_start: list[dict[str, Any]],
) -> None:
    scanner_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    created = now - timedelta(days=spec.age_days, hours=rng.uniform(0, 5))
    versions = len(spec.configs)
    # Version k (1-based) took effect at an even split of the scanner's life.
    changes = [created + (now - created) * (k / versions) for k in range(versions)]
    estimate = estimate_volume(conn, project_id, spec.query, spec.sampling_rate).per_month
    conn.execute(
        "INSERT INTO scanners (id, project_id, name, description, scanner_type, scanner_config, "
        "query, sampling_rate, provider, model, enabled, emits_signals, scanner_version, "
        "estimated_monthly_observations, estimated_at, last_swept_at, created_at, updated_at, "
        "created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'google', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            scanner_id,
            project_id,
            spec.name,
            spec.description,
            spec.scanner_type,
            json.dumps(spec.configs[-1]),
            json.dumps(spec.query),
            spec.sampling_rate,
            spec.model,
            int(spec.enabled),
            int(spec.emits_signals),
            versions,
            estimate,
            to_iso(now),
            to_iso(now - SWEEP_LAG),
            to_iso(created),
            to_iso(changes[-1]),
            spec.creator,
        ),
    )
    scanner = conn.execute("SELECT * FROM scanners WHERE id = ?", (scanner_id,)).fetchone()
    snapshots = []
    for k, config in enumerate(spec.configs, start=1):
        snap = snapshot_of(scanner) | {"scanner_version": k, "scanner_config": config}
        snapshots.append((snap, snapshot_id(conn, snap)))
    end = to_iso((now if spec.enabled else now - timedelta(days=6)) - timedelta(minutes=40))
    first = to_iso(created)
    candidates = [r for r in recordings_by_start if first <= r["start_time"] <= end]
    chosen = rng.sample(candidates, min(spec.observations, len(candidates)))
    chosen.sort(key=lambda r: r["start_time"])
    pk = int(conn.execute("SELECT COALESCE(MAX(pk), 0) FROM observations").fetchone()[0])
    rows: list[tuple[Any, ...]] = []
    tags: list[tuple[str, str, int, int]] = []
    for index, recording in enumerate(chosen):
        pk += 1
        in_flight = spec.enabled and index >= len(chosen) - 3
        row, row_tags = _observation_row(
            pk, project_id, scanner_id, recording, snapshots, changes, rng, in_flight, now
        )
        rows.append(row)
        tags.extend(row_tags)
    conn.executemany(
        "INSERT INTO observations (pk, id, project_id, scanner_id, session_id, status, "
        "error_reason, workflow_id, snapshot_id, scanner_result, triggered_by, triggered_by_user, "
        "started_at, completed_at, created_at, result_verdict, result_score, scanner_version, "
        "distinct_id, recording_subject_email) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    conn.executemany("INSERT INTO observation_tags VALUES (?, ?, ?, ?)", tags)


def _observation_row(
    pk: int,
    project_id: int,
    scanner_id: str,
    recording: dict[str, Any],
    snapshots: list[tuple[dict[str, Any], int]],
    changes: list[datetime],
    rng: random.Random,
    in_flight: bool,
    now: datetime,
) -> tuple[tuple[Any, ...], list[tuple[str, str, int, int]]]:
    """One demo observation row (scanned unless in flight) and its tag rows."""
    start = from_iso(recording["start_time"])
    created = start + timedelta(seconds=recording["duration"] + rng.uniform(300, 2100))
    on_demand = rng.random() < 0.06
    if in_flight:
        created = now - timedelta(minutes=rng.uniform(1, 9))
    created = min(created, now - timedelta(seconds=30))
    version = sum(1 for change in changes if change <= created) or 1
    snapshot, snap_id = snapshots[version - 1]
    session_id = recording["session_id"]
    started = created + timedelta(seconds=rng.uniform(2, 60))
    obs_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    user = 1 + int(rng.random() * 3) if on_demand else None
    status, reason, result, verdict, score, completed = "running", "", None, None, None, None
    tags: list[tuple[str, str, int, int]] = []
    if in_flight:
        status = "pending" if rng.random() < 0.5 else "running"
    else:
        outcome = scan(snapshot, recording, session_id)
        status, reason, verdict, score = (
            outcome.status,
            outcome.error_reason,
            outcome.verdict,
            outcome.score,
        )
        result = None if outcome.result is None else json.dumps(outcome.result)
        completed = to_iso(min(started + timedelta(seconds=rng.uniform(8, 95)), now))
        tags = [(scanner_id, tag, pk, int(free)) for tag, free in outcome.tags]
    row = (
        pk,
        obs_id,
        project_id,
        scanner_id,
        session_id,
        status,
        reason,
        workflow_id(scanner_id, session_id),
        snap_id,
        result,
        "on_demand" if on_demand else "schedule",
        user,
        None if status == "pending" else to_iso(started),
        completed,
        to_iso(created),
        verdict,
        score,
        version,
        recording["distinct_id"],
        recording["person_email"],
    )
    return row, tags
