"""The organisation's quota projected to the end of its period: PostHog's rule, pure Python.

PostHog's frontend (``utils/quotaProjection.ts``, ``quotaContributions.ts``, ``spendVerdict.ts``;
vision-api-current-era.md §3.3) projects the period like this, and so does every page here:

* no limit (the current era's ``credit_limit: null``, or a seed-era quota of 0 or less) means no
  meter at all, status ``safe``; a credit limit of 0 blocks every scan: ``danger``, 100%;
* the enabled scanners' monthly rate (plus ``delta_monthly``: what an edited, new or re-enabled
  scanner would add, its proposed monthly amount minus its stored contribution) is spread over the
  period's days and the days left are added to what is used; committed backfill credits are a
  one-off amount, added whole, never pro-rated;
* ``ratio`` = (used + that) / limit; the cap is reached ``(limit - used - one-off) / daily`` days
  from now, if at all;
* ``danger`` when exhausted, when the cap date falls before the period's end, or at 100% or more;
  ``warning`` at 85% or more; ``safe`` otherwise.

Both eras go through the same rule: ``vision_api.Quota`` counts credits (current era) or
observations (seed era), and every amount here is in that unit. No Streamlit: the meter that draws
a ``Projection`` is ``vision_console.quota_meter``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Literal

from vision_console import format as fmt

if TYPE_CHECKING:
    from vision_api import Scanner
    from vision_api.models import Quota, QuotaUnit

Status = Literal["safe", "warning", "danger"]
"""PostHog's names: green, amber, red."""

WARNING_RATIO = 0.85
"""PostHog turns amber at 85% of the limit."""

DEFAULT_PERIOD_DAYS = 30.0
"""The length PostHog assumes when the quota has no period."""

SECONDS_PER_DAY = 86_400.0

PILLS = {
    "on_track": "On track",
    "nearing": "Nearing limit",
    "over": "Over limit",
    "reached": "Limit reached",
    "no_limit": "No spend limit",
    "no_quota": "No quota",
}
"""PostHog's verdict wording (``spendVerdict.ts``); "Limit by <date>" is built from the date."""


@dataclass(frozen=True)
class Segment:
    """One part of the meter: an amount in the quota's unit and its share of the limit (0..)."""

    name: str
    amount: float
    share: float


@dataclass(frozen=True)
class Projection:
    """Where the quota will stand at the end of its period, and how to say it.

    Amounts are in ``unit`` (credits or observations). Without a meter (``metered`` False) the
    ratios are None and the status is ``safe``.
    """

    unit: QuotaUnit
    metered: bool
    status: Status
    limit: int | None
    used: int
    exhausted: bool
    monthly_rate: float
    """The enabled scanners' monthly amount with ``delta_monthly`` applied (never below 0)."""
    delta_monthly: int
    one_off: int
    """Committed backfill credits still to spend: added whole, not spread over the period."""
    additional: float
    """What the rest of the period adds: the rate over the days left, plus the one-off amount."""
    ratio: float | None
    """(used + additional) / limit; None without a meter."""
    used_pct: float | None
    projected_pct: float | None
    """``additional`` as a percentage of the limit (used_pct + projected_pct = ratio × 100)."""
    cap_reach_date: datetime | None
    period_end: datetime | None
    segments: tuple[Segment, ...]
    """Spent, backfills, scanners, and this change (when it adds): the meter's bars in order."""

    @property
    def percent_label(self) -> str:
        """The projected share of the limit at the period's end: ``87%``, ``142%``; — without."""
        return fmt.percent(self.ratio)

    @property
    def pill(self) -> str:
        """PostHog's one-phrase verdict: "On track", "Nearing limit", "Limit by Dec 4, 2026"…"""
        if not self.metered:
            return PILLS["no_limit"] if self.unit == "credits" else PILLS["no_quota"]
        if self.exhausted:
            assert self.limit is not None
            return PILLS["over"] if self.used > self.limit > 0 else PILLS["reached"]
        if self.cap_reach_date is not None and self.status == "danger":
            return f"Limit by {fmt.day(self.cap_reach_date)}"
        if self.status == "danger":
            return PILLS["over"]
        if self.status == "warning":
            return PILLS["nearing"]
        return PILLS["on_track"]

    @property
    def status_line(self) -> str | None:
        """The sentence PostHog shows under a red or amber meter; None when all is well."""
        if not self.metered or self.status == "safe":
            return None
        resets = f" Resets {fmt.day(self.period_end)}." if self.period_end else ""
        if self.exhausted:
            if self.unit == "credits":
                return f"Monthly Replay Vision spend limit reached.{resets}"
            used, limit = fmt.count(self.used), fmt.count(self.limit)
            return f"Monthly observation quota reached ({used} / {limit}).{resets}"
        if self.cap_reach_date is not None and self.status == "danger":
            return f"Quota projected to run out on {fmt.day(self.cap_reach_date)}."
        if self.status == "danger":
            return "Projected to exceed the monthly quota."
        return f"Projected to reach {self.percent_label} of the monthly quota by the period's end."


def amount(value: float | None, unit: QuotaUnit) -> str:
    """An amount in the quota's unit: ``2,240 credits`` or ``2,240 observations``."""
    if value is None:
        return fmt.MISSING
    if unit == "credits":
        return fmt.credits(value)
    return fmt.count(round(value), "observation")


def period_bounds(quota: Quota, now: datetime) -> tuple[datetime, datetime]:
    """The quota's period ``[start, end)``; the UTC calendar month of ``now`` when it has none.

    The server falls back to the calendar month when billing has no period, so does this.
    """
    if quota.period_start is not None and quota.period_end is not None:
        return quota.period_start, quota.period_end
    month_start = now.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    next_month = (month_start + timedelta(days=32)).replace(day=1)
    return quota.period_start or month_start, quota.period_end or next_month


def _days(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / SECONDS_PER_DAY


def has_meter(quota: Quota) -> bool:
    """Whether the quota has a limit to measure against.

    A credit limit of 0 is a meter (fully blocked); a seed-era quota of 0 or less is none.
    """
    if quota.limit is None:
        return False
    return quota.unit == "credits" or quota.limit > 0


def _base_rate(quota: Quota, one_off: int) -> float:
    """The enabled scanners' monthly amount as the quota states it, without backfills."""
    if quota.unit == "credits" and quota.scanners_monthly_credits is not None:
        return float(quota.scanners_monthly_credits)
    return float(max(0, (quota.projected_monthly or 0) - one_off))


def _one_off(quota: Quota) -> int:
    return (quota.backfills_committed_credits or 0) if quota.unit == "credits" else 0


def monthly_room(quota: Quota, stored: int = 0, *, now: datetime | None = None) -> float | None:
    """The most a scanner may propose a month and keep the period's projection within the limit.

    ``stored`` is what the scanner already contributes (``stored_contribution``): the others
    keep their rate, committed backfills their one-off amount. None without a meter; 0 when
    nothing is left; infinite once the period has no days left to spread a rate over.
    """
    if not has_meter(quota) or quota.limit is None:
        return None
    now = now or datetime.now(UTC)
    one_off = _one_off(quota)
    start, end = period_bounds(quota, now)
    spread = max(0.0, _days(now, end)) / max(1.0, _days(start, end))
    left = quota.limit - quota.used - one_off
    if left <= 0:
        return 0.0
    if spread == 0:
        return math.inf
    others = max(0.0, _base_rate(quota, one_off) - stored)
    return max(0.0, left / spread - others)


def project(quota: Quota, *, delta_monthly: int = 0, now: datetime | None = None) -> Projection:
    """Project ``quota`` to the end of its period with ``delta_monthly`` more a month.

    ``delta_monthly`` is an edited, new or enabled scanner's proposed monthly amount minus what
    it already contributes (in the quota's unit); 0 projects the fleet as it stands.
    """
    now = now or datetime.now(UTC)
    one_off = _one_off(quota)
    rate = max(0.0, _base_rate(quota, one_off) + delta_monthly)
    start, end = period_bounds(quota, now)
    period_days = max(1.0, _days(start, end))
    days_left = max(0.0, _days(now, end))
    spread = days_left / period_days
    additional = rate * spread + one_off
    if not has_meter(quota):
        return Projection(
            unit=quota.unit,
            metered=False,
            status="safe",
            limit=quota.limit,
            used=quota.used,
            exhausted=False,
            monthly_rate=rate,
            delta_monthly=delta_monthly,
            one_off=one_off,
            additional=additional,
            ratio=None,
            used_pct=None,
            projected_pct=None,
            cap_reach_date=None,
            period_end=end,
            segments=(),
        )
    limit = quota.limit
    assert limit is not None
    if limit == 0:
        return Projection(
            unit=quota.unit,
            metered=True,
            status="danger",
            limit=0,
            used=quota.used,
            exhausted=True,
            monthly_rate=rate,
            delta_monthly=delta_monthly,
            one_off=one_off,
            additional=additional,
            ratio=1.0,
            used_pct=100.0,
            projected_pct=0.0,
            cap_reach_date=None,
            period_end=end,
            segments=(Segment("Blocked", 0.0, 1.0),),
        )
    used = quota.used
    exhausted = quota.exhausted or used >= limit
    ratio = (used + additional) / limit
    daily = rate / period_days
    cap_reach_date = None
    room = limit - used - one_off
    if daily > 0 and used < limit and room > 0:
        cap_reach_date = now + timedelta(days=room / daily)
    reaches_cap = cap_reach_date is not None and cap_reach_date < end
    status: Status
    if exhausted or reaches_cap or ratio >= 1:
        status = "danger"
    elif ratio >= WARNING_RATIO:
        status = "warning"
    else:
        status = "safe"
    change = max(0.0, float(delta_monthly)) * spread if rate > 0 else 0.0
    fleet = rate * spread - change
    parts = (
        ("Spent", float(used)),
        ("Backfills", float(one_off)),
        ("Scanners", fleet),
        ("This change", change),
    )
    segments = tuple(Segment(name, value, value / limit) for name, value in parts if value > 0)
    return Projection(
        unit=quota.unit,
        metered=True,
        status=status,
        limit=limit,
        used=used,
        exhausted=exhausted,
        monthly_rate=rate,
        delta_monthly=delta_monthly,
        one_off=one_off,
        additional=additional,
        ratio=ratio,
        used_pct=used / limit * 100,
        projected_pct=additional / limit * 100,
        cap_reach_date=cap_reach_date if reaches_cap else None,
        period_end=end,
        segments=segments,
    )


def stored_contribution(scanner: Scanner | None, unit: QuotaUnit) -> int:
    """What a saved scanner already counts for in the quota's projection, in ``unit``.

    Only enabled scanners count; a scanner without an estimate yet counts 0, as on the server.
    Subtract it from the scanner's proposed monthly amount to get ``delta_monthly``.
    """
    if scanner is None or not scanner.enabled:
        return 0
    if unit == "observations":
        return scanner.estimated_monthly_observations or 0
    if scanner.estimated_monthly_credits is not None:
        return scanner.estimated_monthly_credits
    observations = scanner.estimated_monthly_observations or 0
    return observations * (scanner.credits_per_observation or 0)
