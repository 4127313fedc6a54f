"""Handlers for ``/vision/scanners/{id}/observations/`` (contract §4.7-§4.9)."""

from __future__ import annotations

import json
from typing import Any

from . import filters, observations, pagination, scanners, stats
from .web import Context


def list_observations(ctx: Context) -> tuple[int, Any]:
    """GET a filtered, ordered page of a scanner's observations."""
    conn = ctx.db.conn()
    scanner = scanners.get_row(conn, ctx.project_id, ctx.path["scanner_id"])
    flt = observations.build_filter(scanner["id"], ctx.params)
    key, descending = observations.order_of(ctx.params)
    win = pagination.window(ctx.params)
    total = observations.count(conn, flt)
    rows = observations.page_rows(conn, flt, key, descending, win.limit, win.offset)
    results = observations.serialize_rows(conn, rows)
    return 200, pagination.page(ctx.url, win, total, results)


def retrieve_observation(ctx: Context) -> tuple[int, Any]:
    """GET one observation, with neighbours in the order/filters given on the URL."""
    conn = ctx.db.conn()
    scanner = scanners.get_row(conn, ctx.project_id, ctx.path["scanner_id"])
    row = observations.get_row(conn, scanner["id"], ctx.path["observation_id"])
    flt = observations.build_filter(scanner["id"], ctx.params)
    key, descending = observations.order_of(ctx.params)
    body = observations.serialize_rows(conn, [row])[0]
    previous, following = observations.neighbours(conn, flt, key, descending, row["id"])
    body["previous_observation_id"] = previous
    body["next_observation_id"] = following
    return 200, body


def observation_stats(ctx: Context) -> tuple[int, Any]:
    """GET aggregate stats over the filtered set."""
    conn = ctx.db.conn()
    scanner = scanners.get_row(conn, ctx.project_id, ctx.path["scanner_id"])
    flt = observations.build_filter(scanner["id"], ctx.params)
    recent = filters.recent_days(ctx.params.get("recent_days"))
    config = json.loads(scanner["scanner_config"])
    return 200, stats.compute(conn, flt, scanner["scanner_type"], config, recent)
