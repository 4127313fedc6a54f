"""Handlers for ``/vision/scanners/`` and its actions (contract §4.1-§4.6, §4.10-§4.12).

Each handler takes the era's :class:`~.eras.EraRules` first (bound by :mod:`.app`).
"""

from __future__ import annotations

from typing import Any

from . import bulk_scan, credits, fields, observe, pagination, quota, scanners
from .catalog import DEFAULT_MODEL, DEFAULT_SAMPLING_MODE, SAMPLING_MODES
from .eras import EraRules
from .errors import method_not_allowed, validation_error
from .estimate import (
    current_response,
    estimate_volume,
    other_enabled_observations,
    seed_response,
)
from .recordings_query import strip_dates, validate_query
from .scanner_write import require_object, validate_write
from .timeutil import utcnow
from .web import Context

SESSION_ID_MAX = 128
NO_SUCH_SCANNER = "No scanner with this id exists in this project."


def list_scanners(rules: EraRules, ctx: Context) -> tuple[int, Any]:
    """GET the filtered, ordered, paginated list."""
    win = pagination.window(ctx.params)
    conn = ctx.db.conn()
    total, results = scanners.list_page(
        conn, ctx.project_id, ctx.params, win.limit, win.offset, rules
    )
    return 200, pagination.page(ctx.url, win, total, results)


def create_scanner(rules: EraRules, ctx: Context) -> tuple[int, Any]:
    """POST a new scanner."""
    body = ctx.body()
    with ctx.db.write() as conn:
        values = validate_write(conn, ctx.project_id, body, None, rules)
        scanner_id = scanners.create(conn, ctx.project_id, ctx.caller.user_id, values, rules)
        row = scanners.get_row(conn, ctx.project_id, scanner_id)
    return 201, scanners.serialize_one(ctx.db.conn(), row, rules)


def retrieve_scanner(rules: EraRules, ctx: Context) -> tuple[int, Any]:
    """GET one scanner."""
    conn = ctx.db.conn()
    row = scanners.get_row(conn, ctx.project_id, ctx.path["scanner_id"])
    return 200, scanners.serialize_one(conn, row, rules)


def update_scanner(rules: EraRules, ctx: Context) -> tuple[int, Any]:
    """PATCH changed fields."""
    row = scanners.get_row(ctx.db.conn(), ctx.project_id, ctx.path["scanner_id"])
    body = ctx.body()
    with ctx.db.write() as conn:
        row = scanners.get_row(conn, ctx.project_id, row["id"])
        values = validate_write(conn, ctx.project_id, body, row, rules)
        scanners.update(conn, row, values, rules)
        row = scanners.get_row(conn, ctx.project_id, row["id"])
    return 200, scanners.serialize_one(ctx.db.conn(), row, rules)


def delete_scanner(_rules: EraRules, ctx: Context) -> tuple[int, Any]:
    """DELETE a scanner and its observations."""
    with ctx.db.write() as conn:
        row = scanners.get_row(conn, ctx.project_id, ctx.path["scanner_id"])
        scanners.delete(conn, row["id"])
    return 204, None


def not_allowed(method: str) -> Any:
    """A handler answering 405 for ``method`` on a route that does not serve it."""

    def handler(_rules: EraRules, _ctx: Context) -> tuple[int, Any]:
        raise method_not_allowed(method)

    return handler


def observe_scanner(rules: EraRules, ctx: Context) -> tuple[int, Any]:
    """POST observe: 404 -> 402 quota -> 400 body -> 200 already scanned / 202 workflow id.

    The credit era checks the project's credit limit, then the scanner's own, and answers 200
    ``{observation_id}`` (nothing started or charged) when the session is already scanned.
    """
    conn = ctx.db.conn()
    row = scanners.get_row(conn, ctx.project_id, ctx.path["scanner_id"])
    now = utcnow()
    quota.check_observe(conn, ctx.project_id, row, now, rules.credit_era)
    if rules.credit_era:
        bulk_scan.check_in_flight_cap(conn, ctx.project_id)
    body = require_object(ctx.body())
    if "session_id" not in body:
        raise fields.required("session_id")
    session_id = fields.char(body["session_id"], "session_id", max_length=SESSION_ID_MAX)
    with ctx.db.write() as wconn:
        found = observe.existing(wconn, row["id"], session_id)
        if rules.credit_era and found is not None and found["status"] not in ("pending", "running"):
            return 200, {"observation_id": found["id"]}
        workflow_id = observe.enqueue(
            wconn, ctx.project_id, row["id"], session_id, ctx.caller.user_id
        )
    ctx.notify()
    return 202, {"workflow_id": workflow_id}


def bulk_observe(_rules: EraRules, ctx: Context) -> tuple[int, Any]:
    """POST bulk_observe: scan up to 200 sessions, each with its own outcome (never 402/429)."""
    row = scanners.get_row(ctx.db.conn(), ctx.project_id, ctx.path["scanner_id"])
    session_ids = bulk_scan.parse_session_ids(ctx.body())
    with ctx.db.write() as conn:
        result = bulk_scan.start(conn, ctx.project_id, row, session_ids, ctx.caller.user_id)
    if result["started"]:
        ctx.notify()
    return 202, result


def creators(_rules: EraRules, ctx: Context) -> tuple[int, Any]:
    """GET distinct creators."""
    return 200, {"creators": scanners.creators(ctx.db.conn(), ctx.project_id)}


def scanner_stats(_rules: EraRules, ctx: Context) -> tuple[int, Any]:
    """GET team-wide counts."""
    return 200, scanners.counts(ctx.db.conn(), ctx.project_id)


def estimate(rules: EraRules, ctx: Context) -> tuple[int, Any]:
    """POST a volume estimate (seed) or a volume and credit estimate (current era)."""
    body = require_object(ctx.body())
    query: dict[str, Any] = {}
    if body.get("query") is not None:
        query = strip_dates(validate_query(body["query"]))
    rate = 1.0
    if "sampling_rate" in body:
        rate = fields.number(body["sampling_rate"], "sampling_rate", minimum=0.0, maximum=1.0)
    mode, model = DEFAULT_SAMPLING_MODE, DEFAULT_MODEL
    if rules.credit_era:
        if "sampling_mode" in body:
            mode = fields.choice(body["sampling_mode"], "sampling_mode", SAMPLING_MODES)
        if "model" in body:
            model = fields.choice(body["model"], "model", rules.models)
    scanner_id = fields.optional_uuid(body.get("scanner_id"), "scanner_id")
    conn = ctx.db.conn()
    if scanner_id is not None:
        found = conn.execute(
            "SELECT 1 FROM scanners WHERE id = ? AND project_id = ?",
            (scanner_id, ctx.project_id),
        ).fetchone()
        if found is None:
            raise validation_error(NO_SUCH_SCANNER, "scanner_id")
    volume = estimate_volume(
        conn,
        ctx.project_id,
        query,
        rate,
        window_days=scanners.window_for(rules, query),
        sampling_mode=mode,
    )
    if not rules.credit_era:
        others = other_enabled_observations(conn, ctx.project_id, scanner_id)
        return 200, seed_response(volume, others, rate)
    others_credits = credits.scanners_monthly_credits(conn, ctx.project_id, utcnow(), scanner_id)
    return 200, current_response(
        volume, model, others_credits, quota.BACKFILLS_COMMITTED_CREDITS, rate
    )
