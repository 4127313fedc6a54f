"""Scanner storage: create, read, PATCH with version bumps, delete, list, creators, counts."""

from __future__ import annotations

import json
import sqlite3
import uuid
from datetime import timedelta
from typing import Any

from . import credits, filters
from .catalog import DEFAULT_MODEL, DEFAULT_SAMPLING_MODE, SCANNER_TYPES, credits_per_observation
from .eras import EraRules
from .errors import ApiError, not_found, validation_error
from .estimate import estimate_volume
from .recordings_query import validate_query
from .scanner_write import NAME_TAKEN, tracked_changed
from .timeutil import from_iso, now_iso, to_iso, utcnow
from .users import users_by_id

SWEEP_LAG = timedelta(minutes=35)
ESTIMATE_STALE_AFTER = timedelta(hours=24)
_ORDER_SQL = {
    "name": "s.name COLLATE NOCASE",
    "created_at": "s.created_at",
    "updated_at": "s.updated_at",
    "scanner_type": "s.scanner_type",
    "enabled": "s.enabled",
    "sampling_rate": "s.sampling_rate",
    "created_by": "COALESCE(NULLIF(u.first_name, ''), NULLIF(u.last_name, ''), u.email)",
}
_VOLUME_FIELDS = ("query", "sampling_rate", "sampling_mode")


def parse_uuid(text: str) -> str | None:
    """The canonical form of a uuid path segment, or None when it is not one."""
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return None


def get_row(conn: sqlite3.Connection, project_id: int, scanner_id: str) -> sqlite3.Row:
    """The scanner row, or 404 (malformed id, unknown, other project)."""
    canonical = parse_uuid(scanner_id)
    row: sqlite3.Row | None = None
    if canonical is not None:
        row = conn.execute(
            "SELECT * FROM scanners WHERE id = ? AND project_id = ?", (canonical, project_id)
        ).fetchone()
    if row is None:
        raise not_found()
    return row


def serialize(
    row: sqlite3.Row,
    users: dict[int, dict[str, Any]],
    rules: EraRules,
    spent: credits.Usage | None = None,
) -> dict[str, Any]:
    """The scanner object of the era (contract §3.1; current era §5 adds credits and limits)."""
    query: Any = json.loads(row["query"])
    try:
        validate_query(query)
    except ApiError:
        query = None
    estimate = row["estimated_monthly_observations"]
    creator = users.get(row["created_by"]) if row["created_by"] is not None else None
    if not rules.credit_era:
        return {
            "id": row["id"],
            "name": row["name"],
            "description": row["description"],
            "scanner_type": row["scanner_type"],
            "scanner_config": json.loads(row["scanner_config"]),
            "query": query,
            "sampling_rate": row["sampling_rate"],
            "provider": row["provider"],
            "model": row["model"],
            "enabled": bool(row["enabled"]),
            "emits_signals": bool(row["emits_signals"]),
            "scanner_version": row["scanner_version"],
            "estimated_monthly_observations": estimate,
            "last_swept_at": row["last_swept_at"],
            "created_at": row["created_at"],
            "updated_at": row["updated_at"],
            "created_by": creator,
        }
    price = credits_per_observation(row["model"])
    spent = spent or credits.Usage()
    return {
        "id": row["id"],
        "name": row["name"],
        "description": row["description"],
        "tags": json.loads(row["tags"]),
        "scanner_type": row["scanner_type"],
        "scanner_config": json.loads(row["scanner_config"]),
        "query": query,
        "sampling_rate": row["sampling_rate"],
        "sampling_mode": row["sampling_mode"],
        "credit_limit": row["credit_limit"],
        "provider": row["provider"],
        "model": row["model"],
        "enabled": bool(row["enabled"]),
        "emits_signals": bool(row["emits_signals"]),
        "experiment_targeting": None,
        "scanner_version": row["scanner_version"],
        "estimated_monthly_observations": estimate,
        "credits_per_observation": price,
        "estimated_monthly_credits": None if estimate is None else estimate * price,
        "credits_this_month": spent.settled,
        "observations_this_month": spent.observations,
        "credits_used_against_limit": spent.against_limit,
        "limit_reached": credits.limit_reached(row, spent),
        "last_swept_at": row["last_swept_at"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "created_by": creator,
        "feedback_themes": None,
        "user_access_level": "editor",
    }


def serialize_many(
    conn: sqlite3.Connection, rows: list[sqlite3.Row], rules: EraRules
) -> list[dict[str, Any]]:
    """Scanner objects for ``rows`` (creators and, in the credit era, spend in batches)."""
    users = users_by_id(conn, (row["created_by"] for row in rows))
    spent: dict[str, credits.Usage] = {}
    if rules.credit_era:
        spent = credits.usage(conn, utcnow(), scanner_ids=[row["id"] for row in rows])
    return [serialize(row, users, rules, spent.get(row["id"])) for row in rows]


def serialize_one(conn: sqlite3.Connection, row: sqlite3.Row, rules: EraRules) -> dict[str, Any]:
    """Serialize one scanner."""
    return serialize_many(conn, [row], rules)[0]


def _estimate(
    conn: sqlite3.Connection,
    project_id: int,
    query: dict[str, Any],
    rate: float,
    mode: str,
    rules: EraRules,
) -> int | None:
    """Inline estimate refresh; failures are swallowed (the save still succeeds)."""
    try:
        volume = estimate_volume(
            conn,
            project_id,
            query,
            rate,
            window_days=window_for(rules, query),
            sampling_mode=mode,
        )
    except (ApiError, sqlite3.Error):
        return None
    return volume.per_month


def window_for(rules: EraRules, query: dict[str, Any]) -> int:
    """The era's estimate window for ``query`` (shorter when its operand is OR)."""
    if query.get("operand") == "OR":
        return rules.estimate_or_window_days
    return rules.estimate_window_days


def create(
    conn: sqlite3.Connection,
    project_id: int,
    user_id: int | None,
    values: dict[str, Any],
    rules: EraRules,
) -> str:
    """Insert a validated scanner; returns its id."""
    now = utcnow()
    query = values.get("query", {})
    rate = values.get("sampling_rate", 1.0)
    mode = values.get("sampling_mode", DEFAULT_SAMPLING_MODE)
    scanner_id = str(uuid.uuid4())
    try:
        conn.execute(
            "INSERT INTO scanners (id, project_id, name, description, scanner_type, "
            "scanner_config, query, sampling_rate, provider, model, enabled, emits_signals, "
            "scanner_version, estimated_monthly_observations, estimated_at, last_swept_at, "
            "created_at, updated_at, created_by, sampling_mode, tags, credit_limit) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                scanner_id,
                project_id,
                values["name"],
                values.get("description", ""),
                values["scanner_type"],
                json.dumps(values["scanner_config"]),
                json.dumps(query),
                rate,
                values.get("provider", "google"),
                values.get("model", DEFAULT_MODEL),
                int(values.get("enabled", True)),
                int(values.get("emits_signals", False)),
                _estimate(conn, project_id, query, rate, mode, rules),
                to_iso(now),
                to_iso(now - SWEEP_LAG),
                to_iso(now),
                to_iso(now),
                user_id,
                mode,
                json.dumps(values.get("tags", [])),
                values.get("credit_limit"),
            ),
        )
    except sqlite3.IntegrityError:
        raise validation_error(NAME_TAKEN, "name") from None
    return scanner_id


def update(
    conn: sqlite3.Connection, row: sqlite3.Row, values: dict[str, Any], rules: EraRules
) -> None:
    """Apply a validated PATCH: version bump by value, estimate refresh, sweep reset."""
    now = utcnow()
    changes: dict[str, Any] = {}
    for name, value in values.items():
        json_column = name in ("scanner_config", "query", "tags")
        changes[name] = json.dumps(value) if json_column else value
    if tracked_changed(values, row):
        changes["scanner_version"] = row["scanner_version"] + 1
    reenabled = values.get("enabled") is True and not row["enabled"]
    if reenabled:
        changes["last_swept_at"] = to_iso(now - SWEEP_LAG)
    stale = (
        row["estimated_at"] is None or now - from_iso(row["estimated_at"]) > ESTIMATE_STALE_AFTER
    )
    volume_changed = any(name in values and changes[name] != row[name] for name in _VOLUME_FIELDS)
    if volume_changed or row["estimated_monthly_observations"] is None or (reenabled and stale):
        query = values.get("query", json.loads(row["query"]))
        rate = values.get("sampling_rate", row["sampling_rate"])
        mode = values.get("sampling_mode", row["sampling_mode"])
        changes["estimated_monthly_observations"] = _estimate(
            conn, row["project_id"], query, rate, mode, rules
        )
        changes["estimated_at"] = to_iso(now)
    changes["updated_at"] = now_iso()
    assignments = ", ".join(f"{name} = ?" for name in changes)
    try:
        conn.execute(
            f"UPDATE scanners SET {assignments} WHERE id = ?", [*changes.values(), row["id"]]
        )
    except sqlite3.IntegrityError:
        raise validation_error(NAME_TAKEN, "name") from None


def delete(conn: sqlite3.Connection, scanner_id: str) -> None:
    """Delete a scanner and, by cascade, its observations and their tags."""
    conn.execute("DELETE FROM jobs WHERE scanner_id = ?", (scanner_id,))
    conn.execute("DELETE FROM scanners WHERE id = ?", (scanner_id,))


def list_where(
    project_id: int, params: dict[str, str], rules: EraRules
) -> tuple[str, list[Any], str]:
    """WHERE clause, its parameters and ORDER BY for the era's list filters; raises on bad ones."""
    clauses = ["s.project_id = ?"]
    args: list[Any] = [project_id]
    enabled = filters.enabled_filter(params.get("enabled"))
    if enabled is not None:
        clauses.append("s.enabled = ?")
        args.append(int(enabled))
    types = filters.choice_list(params.get("scanner_type"), "scanner_type", SCANNER_TYPES)
    if types:
        clauses.append(f"s.scanner_type IN ({', '.join('?' * len(types))})")
        args.extend(types)
    signals = filters.boolean_filter(params.get("emits_signals"))
    if signals is not None:
        clauses.append("s.emits_signals = ?")
        args.append(int(signals))
    creators = filters.user_ids(params.get("created_by"))
    if creators:
        clauses.append(f"s.created_by IN ({', '.join('?' * len(creators))})")
        args.extend(creators)
    search = (params.get("search") or "").strip()
    if search:
        clauses.append(
            "(instr(lower(s.name), lower(?)) > 0 OR instr(lower(s.description), lower(?)) > 0 "
            "OR instr(lower(COALESCE(json_extract(s.scanner_config, '$.prompt'), '')), "
            "lower(?)) > 0)"
        )
        args.extend([search] * 3)
    tags = [tag.lower() for tag in filters.csv_values(params.get("tags"))]
    if rules.credit_era and tags:
        clauses.append(
            "EXISTS (SELECT 1 FROM json_each(s.tags) t "
            f"WHERE t.value IN ({', '.join('?' * len(tags))}))"
        )
        args.extend(tags)
    key, descending = filters.order_by(params.get("order_by"), rules.scanner_order_keys, "name")
    direction = "DESC" if descending else "ASC"
    nulls = "(u.id IS NULL) ASC, " if key == "created_by" else ""
    order = f"{nulls}{_ORDER_SQL.get(key, 'spend.credits')} {direction}, s.id ASC"
    return " AND ".join(clauses), args, order


def list_page(
    conn: sqlite3.Connection,
    project_id: int,
    params: dict[str, str],
    limit: int,
    offset: int,
    rules: EraRules,
) -> tuple[int, list[dict[str, Any]]]:
    """(count, serialized scanners) for one page of the filtered list."""
    where, args, order = list_where(project_id, params, rules)
    base = f"FROM scanners s LEFT JOIN users u ON u.id = s.created_by WHERE {where}"
    count = int(conn.execute(f"SELECT COUNT(*) {base}", args).fetchone()[0])
    if "spend.credits" in order:
        rows = _page_by_spend(conn, base, args, order, limit, offset)
    else:
        rows = conn.execute(
            f"SELECT s.* {base} ORDER BY {order} LIMIT ? OFFSET ?", [*args, limit, offset]
        ).fetchall()
    return count, serialize_many(conn, rows, rules)


def _page_by_spend(
    conn: sqlite3.Connection, base: str, args: list[Any], order: str, limit: int, offset: int
) -> list[sqlite3.Row]:
    """A page ordered by ``credits_this_month``, from the ledger joined in as a temp table."""
    rows = conn.execute(f"SELECT s.* {base}", args).fetchall()
    spent = credits.usage(conn, utcnow(), scanner_ids=[row["id"] for row in rows])
    descending = " DESC" in order.split(",")[0]
    rows.sort(key=lambda row: row["id"])
    rows.sort(key=lambda row: spent.get(row["id"], credits.Usage()).settled, reverse=descending)
    return rows[offset : offset + limit]


def creators(conn: sqlite3.Connection, project_id: int) -> list[dict[str, Any]]:
    """Distinct creators of the project's scanners, by first, last name, email, id."""
    rows = conn.execute(
        "SELECT DISTINCT created_by FROM scanners WHERE project_id = ? AND created_by IS NOT NULL",
        (project_id,),
    ).fetchall()
    users = list(users_by_id(conn, (row[0] for row in rows)).values())
    users.sort(key=lambda u: (u["first_name"], u["last_name"], u["email"], u["id"]))
    return users


def counts(conn: sqlite3.Connection, project_id: int) -> dict[str, Any]:
    """Team-wide counts by type, independent of list filters."""
    by_type = {t: {"enabled": 0, "total": 0} for t in SCANNER_TYPES}
    rows = conn.execute(
        "SELECT scanner_type, COUNT(*) AS total, SUM(enabled) AS enabled FROM scanners "
        "WHERE project_id = ? GROUP BY scanner_type",
        (project_id,),
    )
    for row in rows:
        bucket = by_type.setdefault(row["scanner_type"], {"enabled": 0, "total": 0})
        bucket["enabled"] = int(row["enabled"] or 0)
        bucket["total"] = int(row["total"])
    return {
        "total": sum(b["total"] for b in by_type.values()),
        "enabled": sum(b["enabled"] for b in by_type.values()),
        "by_type": by_type,
    }
