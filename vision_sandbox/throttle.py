"""PostHog's request throttles (``rate_limits="posthog"``), with an injectable clock.

Like DRF's ``SimpleRateThrottle``: each bucket keeps the times of its recent requests; a request
is refused when a bucket already holds its number of requests within its duration, and the wait
is that duration minus the age of the oldest kept request, spread over the requests still to come
(DRF's ``wait()``). Every bucket a request passes records it, even when another bucket refuses.

* Defaults on every endpoint: 480/minute and 4,800/hour per personal API key.
* The current era's estimate: only 20/minute and 200/hour per project (an action's own throttles
  replace the defaults).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from .errors import throttled

RateLimits = Literal["posthog"]
Clock = Callable[[], float]


@dataclass(frozen=True)
class Rate:
    """``requests`` per ``seconds`` in one bucket family."""

    name: str
    requests: int
    seconds: int


BURST = Rate("burst", 480, 60)
SUSTAINED = Rate("sustained", 4800, 3600)
ESTIMATE_BURST = Rate("estimate_burst", 20, 60)
ESTIMATE_SUSTAINED = Rate("estimate_sustained", 200, 3600)
PER_KEY = (BURST, SUSTAINED)
PER_PROJECT_ESTIMATE = (ESTIMATE_BURST, ESTIMATE_SUSTAINED)


class Throttles:
    """The buckets of one sandbox: ``check`` records a request or raises the 429."""

    def __init__(self, clock: Clock | None = None) -> None:
        self._clock = clock or time.monotonic
        self._lock = threading.Lock()
        self._history: dict[tuple[str, str], list[float]] = {}

    def check(self, rates: tuple[Rate, ...], ident: str) -> None:
        """Admit one request under ``rates`` for ``ident``, or raise 429 with Retry-After."""
        now = self._clock()
        waits: list[float] = []
        with self._lock:
            for rate in rates:
                history = self._history.setdefault((rate.name, ident), [])
                while history and history[-1] <= now - rate.seconds:
                    history.pop()
                if len(history) >= rate.requests:
                    remaining = rate.seconds - (now - history[-1]) if history else rate.seconds
                    available = rate.requests - len(history) + 1
                    waits.append(remaining / available if available > 0 else remaining)
                else:
                    history.insert(0, now)
        if waits:
            raise throttled(max(1, math.ceil(max(waits))))
