"""``POST /{id}/bulk_observe/`` (current era): scan up to 200 sessions with one request.

Session ids are de-duplicated in order and each gets a ``scan_outcome``: ``already_scanned`` (a
settled observation exists), ``already_running`` (in flight or queued), ``skipped_limit`` (the
team's in-flight cap is full), ``skipped_quota`` (the project's credits cannot cover it),
``skipped_scanner_limit`` (the scanner's own limit cannot) or ``started``. Limits never turn the
request into a 402 or 429; each scan started holds its credits, so later ones see less room.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from . import fields, observe, quota
from .catalog import credits_per_observation
from .errors import ApiError
from .scanner_write import require_object
from .timeutil import utcnow

MAX_SESSIONS = 200
SESSION_ID_MAX = 128
TEAM_IN_FLIGHT_CAP = 300
IN_FLIGHT_FULL = "This team is at its in-flight observation limit. Try again in a few minutes."


def parse_session_ids(body: Any) -> list[str]:
    """The body's ``session_ids``: 1-200 strings of at most 128 characters, de-duplicated."""
    body = require_object(body)
    if "session_ids" not in body:
        raise fields.required("session_ids")
    items = fields.string_list(
        body["session_ids"], "session_ids", max_items=MAX_SESSIONS, min_items=1
    )
    unique: list[str] = []
    for index, item in enumerate(items):
        text = fields.char(item, f"session_ids__{index}", max_length=SESSION_ID_MAX)
        if text not in unique:
            unique.append(text)
    return unique


def in_flight(conn: sqlite3.Connection, project_id: int) -> int:
    """The project's observations in flight plus scans accepted but not yet started."""
    rows = conn.execute(
        "SELECT COUNT(*) FROM observations "
        "WHERE project_id = ? AND status IN ('pending', 'running')",
        (project_id,),
    ).fetchone()[0]
    return int(rows) + observe.queued_scans(conn, project_id)


def check_in_flight_cap(conn: sqlite3.Connection, project_id: int) -> None:
    """429 (no Retry-After) when the team's in-flight cap is full."""
    if in_flight(conn, project_id) >= TEAM_IN_FLIGHT_CAP:
        raise ApiError(429, "throttled_error", "throttled", IN_FLIGHT_FULL)


def start(
    conn: sqlite3.Connection,
    project_id: int,
    scanner: sqlite3.Row,
    session_ids: list[str],
    user_id: int,
) -> dict[str, Any]:
    """Queue what can be queued; return ``{started, results}``."""
    now = utcnow()
    cost = credits_per_observation(scanner["model"])
    org_room = quota.org_room(conn, project_id, now)
    own_room = quota.scanner_room(conn, scanner, now)
    slots = TEAM_IN_FLIGHT_CAP - in_flight(conn, project_id)
    results = []
    started = 0
    for session_id in session_ids:
        found = observe.existing(conn, scanner["id"], session_id)
        if found is not None:
            running = found["status"] in ("pending", "running")
            outcome = "already_running" if running else "already_scanned"
        elif observe.queued(conn, scanner["id"], session_id):
            outcome = "already_running"
        elif slots <= 0:
            outcome = "skipped_limit"
        elif org_room is not None and cost > org_room:
            outcome = "skipped_quota"
        elif own_room is not None and cost > own_room:
            outcome = "skipped_scanner_limit"
        else:
            observe.enqueue(conn, project_id, scanner["id"], session_id, user_id)
            outcome = "started"
            started += 1
            slots -= 1
            org_room = None if org_room is None else org_room - cost
            own_room = None if own_room is None else own_room - cost
        results.append({"session_id": session_id, "scan_outcome": outcome})
    return {"started": started, "results": results}
