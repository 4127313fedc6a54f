"""The console's one formatter: how every page writes numbers, money, rates, dates and types.

One place decides the house style so the same figure reads the same everywhere
(issue 15: "15%" beside "15.0%" beside "5.00%", "2240" beside "2,240", "monitor" beside
"Monitor"). The rules:

* counts always have thousands separators: ``2,240``; with a noun, singular at exactly one;
* percentages have no space before ``%``; a share or ratio is whole (``42%``, ``<1%`` for a tiny
  non-zero part, ``142%`` past a cap), a sampling rate keeps up to two decimals with trailing
  zeros dropped (``15%``, ``5.25%``, ``0.01%``) and 0 reads ``0% (paused)``;
* credits are whole and named (``2,240 credits``), money is dollars with cents (``$22.40``),
  1 credit = $0.01;
* dates are ``Dec 4, 2026``; timestamps are UTC to the second (``2026-12-04 14:03:12 UTC``);
* a missing value is an em dash.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from fractions import Fraction

from . import cost, scanner_types

MISSING = "—"


def count(value: int | None, noun: str | None = None, plural: str | None = None) -> str:
    """``2,240`` or, with a noun, ``2,240 observations`` / ``1 observation``."""
    if value is None:
        return MISSING
    text = f"{value:,}"
    if noun is None:
        return text
    return f"{text} {noun if value == 1 else (plural or noun + 's')}"


def percent(ratio: float | Fraction | None) -> str:
    """A share or ratio as a whole percentage: ``0.42`` -> ``42%``, ``0.003`` -> ``<1%``."""
    if ratio is None or (isinstance(ratio, float) and math.isnan(ratio)):
        return MISSING
    value = float(ratio) * 100
    if 0 < value < 1:
        return "<1%"
    if 99 < value < 100:
        return ">99%"
    return f"{round(value):,}%"


def sampling_rate(rate: float | None) -> str:
    """A sampling rate: up to two decimals, trailing zeros dropped; 0 is paused."""
    if rate is None or math.isnan(rate):
        return MISSING
    if rate == 0:
        return "0% (paused)"
    text = f"{rate * 100:.2f}".rstrip("0").rstrip(".")
    return f"{text}%"


def credits(value: int | float | Fraction | None) -> str:
    """Whole credits, named: ``2,240 credits`` (``1 credit``)."""
    if value is None:
        return MISSING
    whole = round(value)
    return f"{whole:,} credit" + ("" if whole == 1 else "s")


def money(dollars: float | None) -> str:
    """Dollars with cents and separators: ``$1,234.50``."""
    if dollars is None or math.isnan(dollars):
        return MISSING
    sign = "-" if dollars < 0 else ""
    return f"{sign}${abs(dollars):,.2f}"


def credits_and_money(value: int | float | Fraction | None) -> str:
    """``2,240 credits ($22.40)``: the unit PostHog bills in, and what it costs."""
    if value is None:
        return MISSING
    return f"{credits(value)} ({money(cost.dollars_for(value))})"


def day(value: date | datetime | None) -> str:
    """A calendar date: ``Dec 4, 2026``."""
    if value is None:
        return MISSING
    return f"{value:%b} {value.day}, {value.year}"


def timestamp(value: datetime | None) -> str:
    """A moment in UTC to the second: ``2026-12-04 14:03:12 UTC``."""
    if value is None:
        return MISSING
    stamp = value if value.tzinfo is None else value.astimezone(UTC)
    return stamp.strftime("%Y-%m-%d %H:%M:%S UTC")


def duration(seconds: float | None) -> str:
    """A run time: ``850 ms``, ``12.4 s``, ``3m 05s``."""
    if seconds is None or math.isnan(seconds) or seconds < 0:
        return MISSING
    if seconds < 1:
        return f"{round(seconds * 1000)} ms"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes}m {secs:02d}s"


def last_days(days: int) -> str:
    """A trailing window, worded the same on every page: ``last 14 days`` / ``last day``."""
    return "last day" if days == 1 else f"last {days:,} days"


def type_label(kind: str) -> str:
    """A scanner type as the registry names it: ``monitor`` -> ``Monitor``."""
    return scanner_types.label(kind)
