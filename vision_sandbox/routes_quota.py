"""Handlers for ``/vision/quota/`` (both eras, each in its own unit) and ``spend_series/``."""

from __future__ import annotations

from typing import Any

from . import credits, quota
from .eras import EraRules
from .timeutil import utcnow
from .web import Context


def quota_status(rules: EraRules, ctx: Context) -> tuple[int, Any]:
    """GET the organisation's quota: observations (seed) or credits (current era)."""
    conn = ctx.db.conn()
    if rules.credit_era:
        return 200, quota.current_body(conn, ctx.project_id, utcnow())
    return 200, quota.seed_body(conn, ctx.project_id, utcnow())


def spend_series(_rules: EraRules, ctx: Context) -> tuple[int, Any]:
    """GET settled credits per day this period (current era)."""
    return 200, credits.spend_series(ctx.db.conn(), ctx.project_id, utcnow())
