"""Observation storage and reads: filters, nulls-last ordering, neighbours, serialization."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from typing import Any

import orjson

from . import filters
from .catalog import OBSERVATION_STATUSES, VERDICTS
from .eras import EraRules
from .errors import not_found
from .scanners import parse_uuid
from .users import users_by_id

_NULLABLE = {
    "started_at",
    "completed_at",
    "result_score",
    "result_verdict",
    "scanner_version",
    "recording_subject_email",
    "result_confidence",
}
_COLUMNS = (
    "o.pk, o.id, o.scanner_id, o.session_id, o.status, o.error_reason, o.workflow_id, "
    "o.scanner_result, o.triggered_by, o.triggered_by_user, o.started_at, o.completed_at, "
    "o.created_at, o.distinct_id, o.recording_subject_email, o.snapshot_id, o.backfill_id, "
    "o.label_is_correct, o.label_feedback"
)


@dataclass(frozen=True)
class Filter:
    """A validated observation filter as SQL over ``observations o``."""

    where: str
    args: tuple[Any, ...]


def build_filter(scanner_id: str, params: dict[str, str], rules: EraRules) -> Filter:
    """The era's list/stats filters; raises the contract's 400 on a bad value."""
    clauses = ["o.scanner_id = ?"]
    args: list[Any] = [scanner_id]
    for attr, column, allowed in (
        ("status", "o.status", OBSERVATION_STATUSES),
        ("triggered_by", "o.triggered_by", rules.triggers),
        ("verdict", "o.result_verdict", VERDICTS),
    ):
        values = filters.choice_list(params.get(attr), attr, allowed)
        if values:
            clauses.append(f"{column} IN ({', '.join('?' * len(values))})")
            args.extend(values)
    tags = filters.csv_values(params.get("tags"))
    if tags:
        clauses.append(
            "o.pk IN (SELECT t.obs_pk FROM observation_tags t WHERE t.scanner_id = ? "
            f"AND t.tag IN ({', '.join('?' * len(tags))}))"
        )
        args.extend([scanner_id, *tags])
    if not rules.credit_era:
        session_id = params.get("session_id")
        if session_id:
            clauses.append("o.session_id = ?")
            args.append(session_id)
        return Filter(" AND ".join(clauses), tuple(args))
    for clause, clause_args in filters.current_observation_filters(params):
        clauses.append(clause)
        args.extend(clause_args)
    return Filter(" AND ".join(clauses), tuple(args))


def order_of(params: dict[str, str], rules: EraRules) -> tuple[str, bool]:
    """(column, descending) from ``order_by``; default ``-created_at``."""
    return filters.order_by(params.get("order_by"), rules.observation_order_keys, "-created_at")


def count(conn: sqlite3.Connection, flt: Filter, extra: str = "1") -> int:
    """Rows matching ``flt`` and ``extra``."""
    sql = f"SELECT COUNT(*) FROM observations o WHERE {flt.where} AND {extra}"
    return int(conn.execute(sql, flt.args).fetchone()[0])


@dataclass(frozen=True)
class _Part:
    """One run of the order that an index walks alone: the rows matching ``condition`` in
    ``order`` (``(expression, descending)`` terms)."""

    condition: str
    order: tuple[tuple[str, bool], ...]
    holds_nulls: bool = False
    """The run of rows without a value for the sort key."""

    def reversed(self) -> _Part:
        order = tuple((term, not desc) for term, desc in self.order)
        return _Part(self.condition, order, self.holds_nulls)

    def order_by(self) -> str:
        terms = ", ".join(f"{term} {'DESC' if desc else 'ASC'}" for term, desc in self.order)
        return f"ORDER BY {terms}"


def _parts(key: str, descending: bool, rules: EraRules) -> list[_Part]:
    """The order ``key`` then id, as the runs an index walks: the rows with a value and, for
    a nullable key, those without (last, or first where the era sorts them so)."""
    if key not in _NULLABLE:
        return [_Part("1", ((f"o.{key}", descending), ("o.id", False)))]
    valued = _Part(f"o.{key} IS NOT NULL", ((f"o.{key}", descending), ("o.id", False)))
    empty = _Part(f"o.{key} IS NULL", (("o.id", False),), holds_nulls=True)
    nulls_first = descending and key in rules.nulls_first_descending
    return [empty, valued] if nulls_first else [valued, empty]


_WALKED_FROM_THE_END = frozenset(
    {"created_at", "status", "started_at", "completed_at", "result_verdict"}
)
"""Orders whose reverse SQLite walks on an index at a million rows (``bench/explorer_pages.py``).
Walked backwards, a nullable key's run of rows without a value comes first. Times have an index
that finds that run, and the verdict's is the status index's own column; the score's indexes
hold only rows with a score, and with a version's two or three values SQLite (no statistics of
NULLs) looks for the run through the status index: both read every row to find it (1-3 s a
page, against 20-50 ms walked forward)."""


def page_rows(
    conn: sqlite3.Connection,
    flt: Filter,
    key: str,
    descending: bool,
    limit: int,
    offset: int,
    rules: EraRules,
    total: int | None = None,
) -> list[sqlite3.Row]:
    """One page in (key, id) order; NULL keys last, or first where the era sorts them so.

    With ``total`` (the filter's count, read in the same snapshot), a page nearer the end is
    walked from the end, in the reverse order, and turned round: a walk costs its offset, so
    the last page of a million rows is as cheap as the first (the middle is the dearest); a
    page past the end reads nothing.
    """
    if total is not None and offset >= total:
        return []  # past the end: nothing to walk to
    parts = _parts(key, descending, rules)
    if total is None or key not in _WALKED_FROM_THE_END or offset <= total - offset - limit:
        return _walk(conn, flt, parts, limit, offset)
    taken = min(limit, total - offset)
    backwards = [part.reversed() for part in reversed(parts)]
    return _walk(conn, flt, backwards, taken, max(0, total - offset - limit))[::-1]


def _walk(
    conn: sqlite3.Connection, flt: Filter, parts: list[_Part], limit: int, offset: int
) -> list[sqlite3.Row]:
    """``limit`` rows from ``offset`` of ``parts`` read one after another; each is read
    separately so each can walk an index."""
    rows: list[sqlite3.Row] = []
    for index, part in enumerate(parts):
        found = _ordered_page(conn, flt, part.condition, part.order_by(), limit - len(rows), offset)
        rows += found
        if len(rows) >= limit or index + 1 == len(parts):
            break
        # The next part starts at offset 0 unless the page lies beyond this one.
        offset = 0 if found else max(0, offset - count(conn, flt, part.condition))
    return rows


def _ordered_page(
    conn: sqlite3.Connection, flt: Filter, extra: str, order: str, limit: int, offset: int
) -> list[sqlite3.Row]:
    """Rows ``offset`` to ``offset + limit`` of ``flt`` and ``extra`` in ``order``.

    The offset is walked over row keys alone (an index holds them, with the row's pk), and
    only the page's rows are read in full: skipping half a million rows cost 2–26 s when every
    skipped row was read whole (a cold cache, or a sort the index only partly gives).
    """
    keys = f"SELECT o.pk FROM observations o WHERE {flt.where} AND {extra} {order} LIMIT ? OFFSET ?"
    sql = f"SELECT {_COLUMNS} FROM observations o WHERE o.pk IN ({keys}) {order}"
    return conn.execute(sql, (*flt.args, limit, offset)).fetchall()


def neighbours(
    conn: sqlite3.Connection,
    flt: Filter,
    key: str,
    descending: bool,
    obs_id: str,
    rules: EraRules,
) -> tuple[str | None, str | None]:
    """(previous, next) ids around ``obs_id`` in the filtered order; both None if outside it.

    Each is one index seek in the run holding the row, or the nearest row of the run beside
    it: never a read of the whole set (the seed's NULLs-first order read every id).
    """
    current = conn.execute(
        f"SELECT o.id, o.{key} AS k FROM observations o WHERE {flt.where} AND o.id = ?",
        (*flt.args, obs_id),
    ).fetchone()
    if current is None:
        return None, None
    parts = _parts(key, descending, rules)
    at = next(i for i, part in enumerate(parts) if part.holds_nulls == (current["k"] is None))
    values = {f"o.{key}": current["k"], "o.id": obs_id}
    previous = _first_after(conn, flt, parts[at].reversed(), values)
    if previous is None and at > 0:
        previous = _first_after(conn, flt, parts[at - 1].reversed())
    following = _first_after(conn, flt, parts[at], values)
    if following is None and at + 1 < len(parts):
        following = _first_after(conn, flt, parts[at + 1])
    return previous, following


def _first_after(
    conn: sqlite3.Connection, flt: Filter, part: _Part, values: dict[str, Any] | None = None
) -> str | None:
    """The id of the first row of ``part``, after the row with ``values`` when given.

    After a row: first among the rows tied with it on every term but the last, then on one
    term fewer, and so on; each is a plain range on the index (one condition joined with OR
    made SQLite walk the index from its start: 0.3 s at a million rows).
    """
    if values is None:
        return _first_where(conn, flt, part, part.condition, [])
    for depth in reversed(range(len(part.order))):
        term, desc = part.order[depth]
        ties = [f"{earlier} = ?" for earlier, _ in part.order[:depth]]
        condition = " AND ".join([part.condition, *ties, f"{term} {'<' if desc else '>'} ?"])
        args = [values[earlier] for earlier, _ in part.order[:depth]] + [values[term]]
        found = _first_where(conn, flt, part, condition, args)
        if found is not None:
            return found
    return None


def _first_where(
    conn: sqlite3.Connection, flt: Filter, part: _Part, condition: str, args: list[Any]
) -> str | None:
    """The id of the first row matching ``flt`` and ``condition`` in ``part``'s order."""
    found = conn.execute(
        f"SELECT o.id FROM observations o WHERE {flt.where} AND {condition} "
        f"{part.order_by()} LIMIT 1",
        (*flt.args, *args),
    ).fetchone()
    return None if found is None else str(found[0])


def get_row(conn: sqlite3.Connection, scanner_id: str, obs_id: str) -> sqlite3.Row:
    """The observation under ``scanner_id``, or 404."""
    canonical = parse_uuid(obs_id)
    row: sqlite3.Row | None = None
    if canonical is not None:
        row = conn.execute(
            f"SELECT {_COLUMNS} FROM observations o WHERE o.id = ? AND o.scanner_id = ?",
            (canonical, scanner_id),
        ).fetchone()
    if row is None:
        raise not_found()
    return row


def snapshot_id(conn: sqlite3.Connection, snapshot: dict[str, Any]) -> int:
    """Store a scanner snapshot once per distinct content; return its id."""
    body = json.dumps(snapshot, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(body.encode()).hexdigest()
    conn.execute("INSERT OR IGNORE INTO snapshots (digest, body) VALUES (?, ?)", (digest, body))
    return int(conn.execute("SELECT id FROM snapshots WHERE digest = ?", (digest,)).fetchone()[0])


def serialize_rows(
    conn: sqlite3.Connection, rows: list[sqlite3.Row], rules: EraRules
) -> list[dict[str, Any]]:
    """The era's observation objects for ``rows`` (snapshots and users fetched in batches)."""
    snapshot_ids = sorted({row["snapshot_id"] for row in rows if row["snapshot_id"] is not None})
    snapshots: dict[int, Any] = {}
    if snapshot_ids:
        marks = ", ".join("?" * len(snapshot_ids))
        for snap in conn.execute(
            f"SELECT id, body FROM snapshots WHERE id IN ({marks})", snapshot_ids
        ):
            snapshots[snap["id"]] = orjson.loads(snap["body"])
    users = users_by_id(conn, (row["triggered_by_user"] for row in rows))
    results = []
    for row in rows:
        body: dict[str, Any] = {
            "id": row["id"],
            "scanner_id": row["scanner_id"],
            "session_id": row["session_id"],
            "status": row["status"],
            "error_reason": row["error_reason"],
            "workflow_id": row["workflow_id"],
            "scanner_snapshot": snapshots.get(row["snapshot_id"]),
            "scanner_result": (
                orjson.loads(row["scanner_result"])
                if row["status"] == "succeeded" and row["scanner_result"]
                else None
            ),
            "triggered_by": row["triggered_by"],
            "triggered_by_user": users.get(row["triggered_by_user"]),
        }
        if rules.credit_era:
            body["backfill_id"] = row["backfill_id"]
        body |= {
            "distinct_id": row["distinct_id"],
            "recording_subject_email": row["recording_subject_email"],
            "previous_observation_id": None,
            "next_observation_id": None,
        }
        if rules.credit_era:
            body["label"] = label_of(row)
        body |= {
            "started_at": row["started_at"],
            "completed_at": row["completed_at"],
            "created_at": row["created_at"],
        }
        results.append(body)
    return results


def label_of(row: sqlite3.Row) -> dict[str, Any] | None:
    """The observation's shared label, or None when nobody rated it."""
    if row["label_is_correct"] is None:
        return None
    return {"is_correct": bool(row["label_is_correct"]), "feedback": row["label_feedback"] or ""}
