"""The Estimate page's quota: the organisation's meter with this scanner's month on it.

The quota is read from the API (``cache.quota``), in the era's unit, and projected with
PostHog's rule (``vision_console.quota``): the fleet as it stands, plus the change this scanner
would make, its proposed month minus what it already counts for. ``room`` is the most this
scanner may spend a month and keep the projection within the limit, which the budget calculator
turns into a rate and the cost curve draws as a line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import streamlit as st

from vision_api import Scanner, VisionAPIError
from vision_api.models import Quota
from vision_console import cache, cost, quota, quota_meter, render
from vision_console.quota import Projection


@dataclass(frozen=True)
class QuotaView:
    """The quota read (or why not), and this scanner's place in it."""

    quota: Quota | None
    error: VisionAPIError | None = None
    proposed: int = 0
    """This scanner's month at the chosen inputs, in the quota's unit."""
    stored: int = 0
    """What the saved scanner already counts for in the quota's projection."""
    projection: Projection | None = None
    room: float | None = None
    """The most this scanner may count for a month within the limit (quota's unit)."""

    @property
    def delta(self) -> int:
        return self.proposed - self.stored


def read() -> tuple[Quota | None, VisionAPIError | None]:
    """The organisation's quota, or the error that kept it from being read."""
    try:
        return cache.quota(), None
    except VisionAPIError as error:
        return None, error


def build(
    found: Quota | None,
    scanner: Scanner | None,
    month: cost.MonthlyCost,
    now: datetime | None = None,
) -> QuotaView:
    """Project ``found`` with ``month`` in place of what ``scanner`` counts for today."""
    if found is None:
        return QuotaView(None)
    now = now or datetime.now(UTC)
    proposed = month.credits if found.unit == "credits" else month.observations
    stored = quota.stored_contribution(scanner, found.unit)
    return QuotaView(
        quota=found,
        proposed=proposed,
        stored=stored,
        projection=quota.project(found, delta_monthly=proposed - stored, now=now),
        room=quota.monthly_room(found, stored, now=now),
    )


def current(scanner: Scanner | None, month: cost.MonthlyCost) -> QuotaView:
    """The quota view for the page's inputs (the quota is a cached read).

    Projected from the start of the current hour, so reruns within it give an equal
    projection and the meter's kept chart (and the curve bounded by its room) is drawn again
    rather than rebuilt. A month's projection moves by well under a percent in an hour; by
    the minute, a rerun across a minute's turn rebuilt three charts for nothing.
    """
    found, error = read()
    if error is not None:
        return QuotaView(None, error=error)
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    return build(found, scanner, month, now)


def describe_change(view: QuotaView, scanner: Scanner | None) -> str:
    """What saving these inputs changes in the projection: ``+1,200 credits a month``."""
    assert view.quota is not None
    unit = view.quota.unit
    sign = "+" if view.delta > 0 else ("−" if view.delta < 0 else "±")
    change = f"{sign}{quota.amount(abs(view.delta), unit)} a month"
    if scanner is None:
        return f"This new scanner adds {change} to the projection."
    if not scanner.enabled:
        return f"Enabling this scanner with these settings adds {change} to the projection."
    counted = quota.amount(view.stored, unit)
    return f"Saving these settings changes the projection by {change} (it counts for {counted})."


def section(view: QuotaView, scanner: Scanner | None) -> None:
    """The meter with this scanner's change on it, or why there is none."""
    if view.error is not None:
        message = render.explain(view.error, "read the organisation's quota").as_text()
        st.caption(f"Quota unavailable: {render.escape_markdown(message)}")
        return
    if view.projection is None:
        return
    quota_meter.draw_meter(view.projection, title="Quota by the period's end")
    st.caption(describe_change(view, scanner) + " Quota figures span the whole organisation.")
