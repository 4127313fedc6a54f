"""``GET /vision/quota/`` in each era, ``spend_series/``, and the quota gates on scans.

Seed era: an observation quota (``monthly_quota`` a month, succeeded + in-flight rows count).
Current era: a credit quota (``credit_limit`` null = uncapped, 0 = blocked), plus each scanner's
own ``credit_limit``. Each project is its own organisation; the period is the UTC calendar month.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

from . import credits
from .catalog import credits_per_observation
from .errors import quota_exceeded
from .observe import check_quota, observation_usage
from .timeutil import month_bounds, to_iso

FREE_MONTHLY_CREDITS = 2_500
BACKFILLS_COMMITTED_CREDITS = 0


def _resets(end: datetime) -> str:
    return f"Resets {end.strftime('%b')} {end.day}."


def seed_body(conn: sqlite3.Connection, project_id: int, now: datetime) -> dict[str, Any]:
    """The seed era's observation quota."""
    quota = int(
        conn.execute("SELECT monthly_quota FROM projects WHERE id = ?", (project_id,)).fetchone()[0]
    )
    start, end = month_bounds(now)
    used = observation_usage(conn, project_id, now)
    projected = conn.execute(
        "SELECT COALESCE(SUM(estimated_monthly_observations), 0) FROM scanners "
        "WHERE project_id = ? AND enabled = 1",
        (project_id,),
    ).fetchone()[0]
    return {
        "monthly_quota": quota,
        "usage_this_month": used,
        "remaining": max(0, quota - used),
        "exhausted": used >= quota,
        "period_start": to_iso(start),
        "period_end": to_iso(end),
        "projected_monthly_observations": int(projected),
    }


def current_body(conn: sqlite3.Connection, project_id: int, now: datetime) -> dict[str, Any]:
    """The current era's credit quota."""
    limit = credits.credit_limit(conn, project_id)
    spent = credits.project_totals(conn, project_id, now)
    used = spent.settled + spent.reserved
    start, end = credits.period(now)
    scanners_monthly = credits.scanners_monthly_credits(conn, project_id, now)
    return {
        "credit_limit": limit,
        "credits_used": used,
        "credits_settled": spent.settled,
        "credits_reserved": spent.reserved,
        "remaining": None if limit is None else max(0, limit - used),
        "exhausted": limit is not None and used >= limit,
        "period_start": to_iso(start),
        "period_end": to_iso(end),
        "projected_monthly_credits": scanners_monthly + BACKFILLS_COMMITTED_CREDITS,
        "scanners_monthly_credits": scanners_monthly,
        "backfills_committed_credits": BACKFILLS_COMMITTED_CREDITS,
        "free_monthly_credits": FREE_MONTHLY_CREDITS,
    }


def org_room(conn: sqlite3.Connection, project_id: int, now: datetime) -> int | None:
    """Credits the project can still commit this period (None = uncapped)."""
    limit = credits.credit_limit(conn, project_id)
    if limit is None:
        return None
    spent = credits.project_totals(conn, project_id, now)
    return limit - spent.settled - spent.reserved


def org_exceeded(conn: sqlite3.Connection, project_id: int, now: datetime) -> Exception:
    """The 402 for a scan the project's credit limit cannot take."""
    limit = credits.credit_limit(conn, project_id) or 0
    _, end = credits.period(now)
    return quota_exceeded(
        "Starting this observation would exceed your monthly Replay vision limit of "
        f"${limit / 100:,.2f}. {_resets(end)}"
    )


def scanner_room(conn: sqlite3.Connection, scanner: sqlite3.Row, now: datetime) -> int | None:
    """Credits the scanner's own limit can still take this period (None = no limit)."""
    if scanner["credit_limit"] is None:
        return None
    spent = credits.usage(conn, now, scanner_ids=[scanner["id"]]).get(scanner["id"])
    return int(scanner["credit_limit"]) - (spent.against_limit if spent else 0)


def scanner_exceeded(scanner: sqlite3.Row, now: datetime) -> Exception:
    """The 402 for a scan the scanner's own credit limit cannot take (wording is ours)."""
    _, end = credits.period(now)
    limit = int(scanner["credit_limit"])
    return quota_exceeded(
        "Starting this observation would exceed this scanner's credit limit of "
        f"{limit:,} credits (${limit / 100:,.2f}). {_resets(end)}"
    )


def check_observe(
    conn: sqlite3.Connection, project_id: int, scanner: sqlite3.Row, now: datetime, credit_era: bool
) -> None:
    """Raise the era's 402 when one more scan by ``scanner`` is not admitted."""
    if not credit_era:
        check_quota(conn, project_id)
        return
    cost = credits_per_observation(scanner["model"])
    room = org_room(conn, project_id, now)
    if room is not None and cost > room:
        raise org_exceeded(conn, project_id, now)
    own = scanner_room(conn, scanner, now)
    if own is not None and cost > own:
        raise scanner_exceeded(scanner, now)
