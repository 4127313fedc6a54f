"""Handlers for ``/vision/scanners/{id}/observations/`` (contract §4.7-§4.9) and, in the current
era, labels and retries, both under a scanner and on ``/vision/observations/{id}/``.

Each handler takes the era's :class:`~.eras.EraRules` first (bound by :mod:`.app`).
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from . import filters, labels, observations, observe, pagination, quota, scanners, stats
from .eras import EraRules
from .errors import not_found, validation_error
from .timeutil import utcnow
from .web import Context

ONLY_FAILED = "Only failed observations can be retried."


def list_observations(rules: EraRules, ctx: Context) -> tuple[int, Any]:
    """GET a filtered, ordered page of a scanner's observations."""
    conn = ctx.db.conn()
    scanner = scanners.get_row(conn, ctx.project_id, ctx.path["scanner_id"])
    flt = observations.build_filter(scanner["id"], ctx.params, rules)
    key, descending = observations.order_of(ctx.params, rules)
    win = pagination.window(ctx.params)
    with ctx.db.snapshot():  # the count sizes the page's walk (from the end when nearer)
        total = observations.count(conn, flt)
        rows = observations.page_rows(
            conn, flt, key, descending, win.limit, win.offset, rules, total
        )
        results = observations.serialize_rows(conn, rows, rules)
    return 200, pagination.page(ctx.url, win, total, results)


def retrieve_observation(rules: EraRules, ctx: Context) -> tuple[int, Any]:
    """GET one observation, with neighbours in the order/filters given on the URL."""
    conn = ctx.db.conn()
    scanner = scanners.get_row(conn, ctx.project_id, ctx.path["scanner_id"])
    row = observations.get_row(conn, scanner["id"], ctx.path["observation_id"])
    flt = observations.build_filter(scanner["id"], ctx.params, rules)
    key, descending = observations.order_of(ctx.params, rules)
    body = observations.serialize_rows(conn, [row], rules)[0]
    previous, following = observations.neighbours(conn, flt, key, descending, row["id"], rules)
    body["previous_observation_id"] = previous
    body["next_observation_id"] = following
    return 200, body


def observation_stats(rules: EraRules, ctx: Context) -> tuple[int, Any]:
    """GET aggregate stats over the filtered set (a bad ``order_by`` is still a 400)."""
    conn = ctx.db.conn()
    scanner = scanners.get_row(conn, ctx.project_id, ctx.path["scanner_id"])
    flt = observations.build_filter(scanner["id"], ctx.params, rules)
    observations.order_of(ctx.params, rules)
    recent = filters.recent_days(ctx.params.get("recent_days"))
    config = json.loads(scanner["scanner_config"])
    body = stats.compute(conn, flt, scanner["scanner_type"], config, recent, rules, scanner)
    return 200, body


def _target(ctx: Context) -> sqlite3.Row:
    """The observation a label or retry route names: under its scanner, or in the project."""
    conn = ctx.db.conn()
    if "scanner_id" in ctx.path:
        scanner = scanners.get_row(conn, ctx.project_id, ctx.path["scanner_id"])
        found = observations.get_row(conn, scanner["id"], ctx.path["observation_id"])
    else:
        canonical = scanners.parse_uuid(ctx.path["observation_id"])
        row = None
        if canonical is not None:
            row = conn.execute(
                "SELECT scanner_id FROM observations WHERE id = ? AND project_id = ?",
                (canonical, ctx.project_id),
            ).fetchone()
        if row is None:
            raise not_found()
        found = observations.get_row(conn, row["scanner_id"], ctx.path["observation_id"])
    full: sqlite3.Row = conn.execute(
        "SELECT * FROM observations WHERE pk = ?", (found["pk"],)
    ).fetchone()
    return full


def set_label(_rules: EraRules, ctx: Context) -> tuple[int, Any]:
    """POST a label: create or replace it; 200 with the label."""
    target = _target(ctx)
    is_correct, feedback = labels.parse_label(ctx.body())
    with ctx.db.write() as conn:
        labels.set_label(conn, target["pk"], is_correct, feedback)
    return 200, {"is_correct": is_correct, "feedback": feedback}


def clear_label(_rules: EraRules, ctx: Context) -> tuple[int, Any]:
    """DELETE the label: 204 whether or not there was one."""
    target = _target(ctx)
    with ctx.db.write() as conn:
        labels.clear_label(conn, target["pk"])
    return 204, None


def retry(_rules: EraRules, ctx: Context) -> tuple[int, Any]:
    """POST retry of a failed observation: delete it and scan the session again (202)."""
    target = _target(ctx)
    if target["status"] != "failed":
        raise validation_error(ONLY_FAILED, None)
    conn = ctx.db.conn()
    scanner = scanners.get_row(conn, ctx.project_id, target["scanner_id"])
    quota.check_observe(conn, ctx.project_id, scanner, utcnow(), credit_era=True)
    with ctx.db.write() as wconn:
        wconn.execute("DELETE FROM observations WHERE pk = ?", (target["pk"],))
        wconn.execute("DELETE FROM jobs WHERE workflow_id = ?", (target["workflow_id"],))
        workflow_id = observe.enqueue(
            wconn,
            ctx.project_id,
            target["scanner_id"],
            target["session_id"],
            ctx.caller.user_id,
            triggered_by="retry",
        )
    ctx.notify()
    return 202, {"workflow_id": workflow_id}
