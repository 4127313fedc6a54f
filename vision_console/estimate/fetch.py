"""The Estimate page's one estimate request per set of inputs, and its 429 handling.

- ``EstimateRequest`` names what an estimate depends on (query, scanner, model, session
  coverage); the sampling rate is deliberately not part of it, because observations scale
  linearly with the rate. PostHog allows 20 estimates a minute per project: one per distinct
  request, cached, keeps normal use far below that.
- ``resolve_estimate`` fetches at most one estimate per request, remembers the last good one in
  the viewer's session, and honours a 429's Retry-After by not calling again before it passes,
  showing the last good estimate marked stale meanwhile.
- ``current`` is that, for the page's inputs, through ``vision_console.cache.estimate``.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import streamlit as st

from vision_api import Estimate, RateLimitError, VisionAPIError
from vision_console import cache
from vision_console import format as fmt
from vision_console.estimate.inputs import Inputs

DEFAULT_RETRY_SECONDS = 10.0
"""How long to hold off after a 429 that did not say how long to wait."""

MEMORY_KEY = "estimate:memory"
"""The session key of this viewer's ``EstimateMemory``."""


@dataclass(frozen=True)
class EstimateRequest:
    """The inputs one estimate call depends on; every sampling rate is served from its answer."""

    query: Mapping[str, Any]
    scanner_id: str | None
    model: str
    sampling_mode: str | None = None

    @property
    def key(self) -> str:
        """Canonical JSON of the inputs: equal requests have equal keys."""
        return json.dumps(
            {
                "query": self.query,
                "scanner_id": self.scanner_id,
                "model": self.model,
                "sampling_mode": self.sampling_mode,
            },
            sort_keys=True,
        )


@dataclass
class EstimateMemory:
    """What one viewer's session remembers between reruns (kept in ``st.session_state``)."""

    last_key: str | None = None
    last_estimate: Estimate | None = None
    last_model: str | None = None
    """The model ``last_estimate`` priced (its ``credits_per_observation`` is for that model)."""
    retry_at: float | None = None
    """Monotonic time before which no estimate request is sent (from a 429's Retry-After)."""
    throttle: RateLimitError | None = None


@dataclass(frozen=True)
class EstimateOutcome:
    """The estimate to show, whether it belongs to other inputs (stale), and what went wrong."""

    estimate: Estimate | None
    stale: bool
    model: str | None = None
    """The model the shown estimate was made for (another one when it is stale)."""
    error: VisionAPIError | None = None
    retry_at: float | None = None
    requested: bool = False

    @property
    def throttled(self) -> bool:
        return isinstance(self.error, RateLimitError)


def resolve_estimate(
    request: EstimateRequest,
    fetch: Callable[[EstimateRequest], Estimate],
    memory: EstimateMemory,
    clock: Callable[[], float],
) -> EstimateOutcome:
    """The estimate for ``request``: fetched (``fetch`` may be cached), or the last good one.

    While a 429's Retry-After is running no request is sent at all: the estimate of the same
    inputs is still current, any other one is shown stale. A failed fetch keeps the last good
    estimate on screen, stale, beside the error. ``clock`` is monotonic seconds; it is read
    again after a failed call, since the client may have spent a while retrying first.
    """
    same_inputs = memory.last_key == request.key
    if memory.retry_at is not None and clock() < memory.retry_at:
        if same_inputs:
            return EstimateOutcome(memory.last_estimate, stale=False, model=memory.last_model)
        return EstimateOutcome(
            memory.last_estimate,
            stale=True,
            model=memory.last_model,
            error=memory.throttle,
            retry_at=memory.retry_at,
        )
    try:
        estimate = fetch(request)
    except RateLimitError as error:
        wait = error.retry_after if error.retry_after and error.retry_after > 0 else None
        memory.retry_at = clock() + (wait or DEFAULT_RETRY_SECONDS)
        memory.throttle = error
        return EstimateOutcome(
            memory.last_estimate,
            stale=memory.last_estimate is not None,
            model=memory.last_model,
            error=error,
            retry_at=memory.retry_at,
            requested=True,
        )
    except VisionAPIError as error:
        return EstimateOutcome(
            memory.last_estimate,
            stale=memory.last_estimate is not None,
            model=memory.last_model,
            error=error,
            requested=True,
        )
    memory.last_key, memory.last_estimate, memory.last_model = request.key, estimate, request.model
    memory.retry_at, memory.throttle = None, None
    return EstimateOutcome(estimate, stale=False, model=request.model, requested=True)


def current(chosen: Inputs) -> EstimateOutcome:
    """The estimate for the page's inputs: one request per query, scanner, model and coverage."""
    memory = st.session_state.setdefault(MEMORY_KEY, EstimateMemory())
    request = EstimateRequest(
        query=chosen.query,
        scanner_id=chosen.scanner.id if chosen.scanner else None,
        model=chosen.model,
        sampling_mode=chosen.sampling_mode,
    )
    return resolve_estimate(
        request,
        lambda r: cache.estimate(
            dict(r.query),
            scanner_id=r.scanner_id,
            model=r.model,
            sampling_mode=r.sampling_mode,
        ),
        memory,
        time.monotonic,
    )


def retry_countdown(retry_at: float) -> None:
    """After a 429: count down the Retry-After, then rerun the page, which retries the call."""

    @st.fragment(run_every=1)
    def countdown() -> None:
        left = retry_at - time.monotonic()
        if left <= 0:
            st.rerun()
        st.caption(f"Too many estimates: retrying automatically in {fmt.count(math.ceil(left))} s.")

    countdown()
