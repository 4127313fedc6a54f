"""Handlers for ``/vision/scanners/`` and its actions (contract §4.1-§4.6, §4.10-§4.12)."""

from __future__ import annotations

from typing import Any

from . import fields, observe, pagination, scanners
from .catalog import DEFAULT_MODEL
from .errors import method_not_allowed, validation_error
from .estimate import estimate_response
from .recordings_query import strip_dates, validate_query
from .scanner_write import require_object, validate_write
from .web import Context

SESSION_ID_MAX = 128
NO_SUCH_SCANNER = "No scanner with this id exists in this project."


def list_scanners(ctx: Context) -> tuple[int, Any]:
    """GET the filtered, ordered, paginated list."""
    win = pagination.window(ctx.params)
    conn = ctx.db.conn()
    total, results = scanners.list_page(conn, ctx.project_id, ctx.params, win.limit, win.offset)
    return 200, pagination.page(ctx.url, win, total, results)


def create_scanner(ctx: Context) -> tuple[int, Any]:
    """POST a new scanner."""
    body = ctx.body()
    with ctx.db.write() as conn:
        values = validate_write(conn, ctx.project_id, body, None)
        scanner_id = scanners.create(conn, ctx.project_id, ctx.caller.user_id, values)
        row = scanners.get_row(conn, ctx.project_id, scanner_id)
    return 201, scanners.serialize_one(ctx.db.conn(), row)


def retrieve_scanner(ctx: Context) -> tuple[int, Any]:
    """GET one scanner."""
    conn = ctx.db.conn()
    return 200, scanners.serialize_one(
        conn, scanners.get_row(conn, ctx.project_id, ctx.path["scanner_id"])
    )


def update_scanner(ctx: Context) -> tuple[int, Any]:
    """PATCH changed fields."""
    row = scanners.get_row(ctx.db.conn(), ctx.project_id, ctx.path["scanner_id"])
    body = ctx.body()
    with ctx.db.write() as conn:
        row = scanners.get_row(conn, ctx.project_id, row["id"])
        values = validate_write(conn, ctx.project_id, body, row)
        scanners.update(conn, row, values)
        row = scanners.get_row(conn, ctx.project_id, row["id"])
    return 200, scanners.serialize_one(ctx.db.conn(), row)


def delete_scanner(ctx: Context) -> tuple[int, Any]:
    """DELETE a scanner and its observations."""
    with ctx.db.write() as conn:
        row = scanners.get_row(conn, ctx.project_id, ctx.path["scanner_id"])
        scanners.delete(conn, row["id"])
    return 204, None


def put_scanner(_ctx: Context) -> tuple[int, Any]:
    """PUT is not allowed on scanners."""
    raise method_not_allowed("PUT")


def observe_scanner(ctx: Context) -> tuple[int, Any]:
    """POST observe: 404 -> 402 quota -> 400 body -> 202 workflow id."""
    conn = ctx.db.conn()
    row = scanners.get_row(conn, ctx.project_id, ctx.path["scanner_id"])
    observe.check_quota(conn, ctx.project_id)
    body = require_object(ctx.body())
    if "session_id" not in body:
        raise fields.required("session_id")
    session_id = fields.char(body["session_id"], "session_id", max_length=SESSION_ID_MAX)
    with ctx.db.write() as wconn:
        workflow_id = observe.enqueue(
            wconn, ctx.project_id, row["id"], session_id, ctx.caller.user_id
        )
    ctx.notify()
    return 202, {"workflow_id": workflow_id}


def creators(ctx: Context) -> tuple[int, Any]:
    """GET distinct creators."""
    return 200, {"creators": scanners.creators(ctx.db.conn(), ctx.project_id)}


def scanner_stats(ctx: Context) -> tuple[int, Any]:
    """GET team-wide counts."""
    return 200, scanners.counts(ctx.db.conn(), ctx.project_id)


def estimate(ctx: Context) -> tuple[int, Any]:
    """POST a volume and cost estimate for a proposed query and sampling rate."""
    body = require_object(ctx.body())
    query: dict[str, Any] = {}
    if body.get("query") is not None:
        query = strip_dates(validate_query(body["query"]))
    rate = 1.0
    if "sampling_rate" in body:
        rate = fields.number(body["sampling_rate"], "sampling_rate", minimum=0.0, maximum=1.0)
    scanner_id = fields.optional_uuid(body.get("scanner_id"), "scanner_id")
    model: str | None = None
    if body.get("model") is not None:
        model = fields.char(body["model"], "model", max_length=255)
    conn = ctx.db.conn()
    if scanner_id is not None:
        found = conn.execute(
            "SELECT model FROM scanners WHERE id = ? AND project_id = ?",
            (scanner_id, ctx.project_id),
        ).fetchone()
        if found is None:
            raise validation_error(NO_SUCH_SCANNER, "scanner_id")
        model = model or str(found["model"])
    return 200, estimate_response(
        conn, ctx.project_id, query, rate, scanner_id, model or DEFAULT_MODEL
    )
