"""What a scanner form would cost a month, before saving it: paced estimates, scaled locally.

One estimate request per distinct (query, sampling mode, scanner), through ``cache.estimate`` (the
same cache the Estimate page fills, so a query estimated there costs nothing here): observations
scale linearly with the sampling rate and credits with the model's price, so moving the rate or
picking another model sends nothing (``vision_console.cost``).

PostHog allows 20 estimates a minute per project. A form is edited field by field, each change a
rerun, so ``resolve`` also paces this viewer: at most one new estimate every ``MIN_INTERVAL``
seconds. While it waits, or after a 429, the last figures stay on screen marked as belonging to
earlier inputs, and the page asks again once the wait is over. Pure Python: the Streamlit side
is ``vision_console.scanners.form_panel``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from vision_api import Estimate, Quota, RateLimitError, Scanner, VisionAPIError
from vision_console import cost, models_catalog, quota

if TYPE_CHECKING:
    from vision_api.models import QuotaUnit

MIN_INTERVAL = 6.0
"""Seconds between two new estimates from one viewer's form: at most 10 a minute, half of
PostHog's per-project allowance, leaving the rest to the Estimate page and other viewers."""

DEFAULT_RETRY_SECONDS = 10.0
"""How long to hold off after a 429 that did not say how long to wait."""

MAX_KEPT = 32
"""Estimates one viewer keeps (one per distinct set of inputs, oldest dropped first)."""


@dataclass(frozen=True)
class PreviewRequest:
    """What one estimate depends on; the sampling rate and the model are applied locally."""

    query: Mapping[str, Any]
    sampling_mode: str | None
    scanner_id: str | None

    @property
    def key(self) -> str:
        return json.dumps(
            {"query": self.query, "mode": self.sampling_mode, "scanner": self.scanner_id},
            sort_keys=True,
        )


@dataclass
class PreviewMemory:
    """One viewer's estimates by request key, when the last new one was sent, and any hold."""

    estimates: dict[str, Estimate] = field(default_factory=dict)
    last_key: str | None = None
    last_sent: float | None = None
    hold_until: float | None = None
    """Monotonic time before which nothing is sent (a 429's Retry-After)."""


@dataclass(frozen=True)
class Preview:
    """The estimate to show and whether it is for the inputs as typed now."""

    estimate: Estimate | None
    current: bool
    wait_until: float | None = None
    """When a request for the current inputs will be allowed (None: not waiting)."""
    error: VisionAPIError | None = None


def resolve(
    request: PreviewRequest,
    fetch: Callable[[PreviewRequest], Estimate],
    memory: PreviewMemory,
    clock: Callable[[], float],
) -> Preview:
    """The estimate for ``request``: already held, fetched now, or the last one while waiting.

    A new request goes out only when no 429 hold is running and ``MIN_INTERVAL`` has passed
    since this viewer's last one; ``clock`` is monotonic seconds.
    """
    held = memory.estimates.get(request.key)
    if held is not None:
        memory.last_key = request.key
        return Preview(held, current=True)
    last = memory.estimates.get(memory.last_key or "")
    now = clock()
    ready = memory.last_sent + MIN_INTERVAL if memory.last_sent is not None else now
    if memory.hold_until is not None:
        ready = max(ready, memory.hold_until)
    if now < ready:
        return Preview(last, current=False, wait_until=ready)
    memory.last_sent = now
    try:
        estimate = fetch(request)
    except RateLimitError as error:
        wait = error.retry_after if error.retry_after and error.retry_after > 0 else None
        memory.hold_until = clock() + (wait or DEFAULT_RETRY_SECONDS)
        return Preview(last, current=False, wait_until=memory.hold_until, error=error)
    except VisionAPIError as error:
        return Preview(last, current=False, error=error)
    memory.hold_until = None
    memory.estimates[request.key] = estimate
    while len(memory.estimates) > MAX_KEPT:
        memory.estimates.pop(next(iter(memory.estimates)))
    memory.last_key = request.key
    return Preview(estimate, current=True)


@dataclass(frozen=True)
class MonthFigures:
    """A draft's month at its rate and model, and what it would add to the quota."""

    observations: int
    credits: int
    price: int
    """Credits per observation of the model the figures are for."""
    delta: int
    """Monthly change to the quota's projection, in the quota's unit."""


def month_figures(
    estimate: Estimate,
    rate: float,
    model: str | None,
    *,
    enabled: bool,
    unit: QuotaUnit,
    original: Scanner | None,
) -> MonthFigures:
    """The draft's observations and credits a month, and its change to the quota's projection.

    ``rate`` must be a valid sampling rate (0..1). A disabled draft adds nothing: the change is
    minus what the stored scanner contributes today (``quota.stored_contribution``).
    """
    basis = cost.VolumeBasis.from_estimate(estimate)
    observations = cost.observations_at(basis, rate)
    price = models_catalog.credits_per_observation(model)
    credits = cost.credits_for(observations, price)
    proposed = (credits if unit == "credits" else observations) if enabled else 0
    stored = quota.stored_contribution(original, unit)
    return MonthFigures(observations, credits, price, proposed - stored)


def project_quota(found: Quota, figures: MonthFigures, now: datetime) -> quota.Projection:
    """The quota's projection to the period's end with this draft saved."""
    return quota.project(found, delta_monthly=figures.delta, now=now)
