"""What a scanner costs: its monthly estimate under one rule, and its spend this period (pure).

**The rule** (issue 15 item 9: a disabled scanner showed 0 on Overview, "—" in the list and
"298 cr" on its card): a scanner's monthly cost is what its schedule will spend. An enabled
scanner costs its estimate (the server's ``estimated_monthly_credits``, else estimated
observations × price; unknown, "—", while the server has none). **A disabled scanner costs 0**,
and what it would cost is shown beside it as "N if enabled", because enabling it is the one
action that changes the figure. Every page applies the same rule through ``monthly``.

Spend this period (current era) is the server's: ``credits_this_month`` and
``observations_this_month`` over the billing period, and the scanner's own ``credit_limit``
measured by ``credits_used_against_limit``; a seed-era scanner has none of these.
"""

from __future__ import annotations

from dataclasses import dataclass

from vision_api import Quota, Scanner
from vision_console import cost, models_catalog, quota
from vision_console import format as fmt


@dataclass(frozen=True)
class MonthlyEstimate:
    """A scanner's monthly figures under the rule: what it costs now, and enabled."""

    enabled: bool
    credits: int | None
    """Credits a month as it is: 0 when disabled, None when enabled but not estimated yet."""
    observations: int | None
    if_enabled_credits: int | None
    """Credits a month it would cost enabled (its estimate whatever its state), or None."""
    if_enabled_observations: int | None

    @property
    def enable_delta(self) -> int | None:
        """Credits a month that enabling adds (0 when it is already enabled)."""
        return 0 if self.enabled else self.if_enabled_credits


def monthly(scanner: Scanner) -> MonthlyEstimate:
    """The rule applied to one scanner."""
    would_credits = models_catalog.scanner_monthly_credits(scanner)
    would_observations = scanner.estimated_monthly_observations
    if scanner.enabled:
        return MonthlyEstimate(
            True, would_credits, would_observations, would_credits, would_observations
        )
    return MonthlyEstimate(False, 0, 0, would_credits, would_observations)


def credits_text(estimate: MonthlyEstimate) -> str:
    """``2,240 credits``; disabled ``0 credits (2,240 if enabled)``; unknown ``—``."""
    if estimate.enabled:
        return fmt.credits(estimate.credits)
    if estimate.if_enabled_credits is None:
        return f"{fmt.credits(0)} (disabled)"
    return f"{fmt.credits(0)} ({fmt.count(estimate.if_enabled_credits)} if enabled)"


def observations_text(estimate: MonthlyEstimate) -> str:
    """``1,120``; disabled ``0 (1,120 if enabled)``; unknown ``—``."""
    if estimate.enabled:
        return fmt.count(estimate.observations)
    if estimate.if_enabled_observations is None:
        return "0 (disabled)"
    return f"0 ({fmt.count(estimate.if_enabled_observations)} if enabled)"


def enable_delta_text(credits: int | None) -> str:
    """What enabling adds, for the confirmation: credits and dollars a month."""
    if credits is None:
        return "The server has no estimate for this scanner yet, so what it will cost is unknown."
    return f"Enabling adds about {fmt.credits_and_money(credits)} a month at its sampling rate."


def disable_delta_text(credits: int | None) -> str:
    """What disabling saves, for the confirmation."""
    if credits is None:
        return "It stops scanning on schedule; scanning a recording on demand still works."
    return (
        f"It stops scanning on schedule, about {fmt.credits_and_money(credits)} a month less; "
        "scanning a recording on demand still works."
    )


def quota_delta(the_quota: Quota, scanner: Scanner, enable: bool) -> int:
    """What switching ``scanner`` on (or off) changes in the quota's monthly projection, in the
    quota's unit (credits, or observations in the seed era)."""
    if not enable:
        return -quota.stored_contribution(scanner, the_quota.unit)
    estimate = monthly(scanner)
    if the_quota.unit == "observations":
        return estimate.if_enabled_observations or 0
    return estimate.if_enabled_credits or 0


def quota_delta_text(the_quota: Quota, delta: int) -> str | None:
    """``Projected use of the quota by the period's end: 62% → 87% (Nearing limit).``; None
    when the quota has no meter (no limit) or nothing changes."""
    before = quota.project(the_quota)
    after = quota.project(the_quota, delta_monthly=delta)
    if not after.metered or delta == 0:
        return None
    return (
        f"Projected use of the {quota.amount(the_quota.limit, the_quota.unit)} limit by the "
        f"period's end: {before.percent_label} → {after.percent_label} ({after.pill})."
    )


@dataclass(frozen=True)
class PeriodSpend:
    """The scanner's spend this billing period, as the server reports it (current era)."""

    credits: int | None
    observations: int | None
    limit: int | None
    used_against_limit: int | None
    limit_reached: bool

    @property
    def reported(self) -> bool:
        """True when the server sends period figures (current era)."""
        return self.credits is not None or self.observations is not None

    @property
    def limit_share(self) -> float | None:
        """Share of the scanner's limit used (0..1+), or None without a limit."""
        if not self.limit or self.used_against_limit is None:
            return None
        return self.used_against_limit / self.limit


def period_spend(scanner: Scanner) -> PeriodSpend:
    return PeriodSpend(
        scanner.credits_this_month,
        scanner.observations_this_month,
        scanner.credit_limit,
        scanner.credits_used_against_limit,
        bool(scanner.limit_reached),
    )


def limit_text(spend: PeriodSpend) -> str:
    """``No limit``; ``1,200 of 5,000 credits (24%)``; ``Limit reached: 5,000 of 5,000 credits``."""
    if spend.limit is None:
        return "No limit"
    used = spend.used_against_limit
    share = spend.limit_share
    figure = (
        f"{fmt.count(used)} of {fmt.credits(spend.limit)}"
        if used is not None
        else f"{fmt.credits(spend.limit)} a period"
    )
    if spend.limit_reached:
        return f"Limit reached: {figure}"
    return figure if share is None else f"{figure} ({fmt.percent(share)})"


def dollars(credits: int | None) -> str:
    """Credits as money, or the missing mark."""
    return fmt.MISSING if credits is None else fmt.money(cost.dollars_for(credits))
