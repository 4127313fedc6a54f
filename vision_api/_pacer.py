"""A client-side request budget that keeps every client of one API key inside PostHog's limits.

PostHog throttles a personal API key to 480 requests a minute and 4,800 an hour, and the
scanner estimate to 20 a minute and 200 an hour per project (an action's own throttles
replace the defaults, so estimates count only against the project's estimate buckets).
Bursting past a limit earns 429s that stall every viewer of the key for up to a minute; the
pacer instead delays the request that would cross a limit until the window has room again.

Budgets live in a registry shared by the whole process: every client with the same API key
on the same host (origin) shares one key budget, and every client of one project on one
host shares its estimate budget. The registry keys a budget by a SHA-256 digest of the key,
never the key itself. Each budget is a sliding-window log, the way the server counts (DRF's
SimpleRateThrottle keeps the timestamps of the last window and refuses the request that
would make them `rate`): a request may go when fewer than `limit` requests were sent in the
last `period` seconds, plus a small margin for the time a request takes to reach the server.

A 429 with Retry-After holds the budget it counted against until then, for every client
sharing it. Every client records its requests in the shared budget, paced or not, so the
figures are true; only clients created with `pacer=True` (or a registry) wait.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from ._exceptions import RequestBudgetError

logger = logging.getLogger("vision_api")

Clock = Callable[[], float]
Sleep = Callable[[float], None]
WaitCallback = Callable[[float], None]


@dataclass(frozen=True, slots=True)
class PacerLimits:
    """Request limits per window. The defaults are PostHog's (`posthog/rate_limit.py`).

    `margin` widens every window by that many seconds, since the server stamps a request when
    it arrives, a little after the client sent it.
    """

    per_minute: int = 480
    per_hour: int = 4800
    estimate_per_minute: int = 20
    estimate_per_hour: int = 200
    margin: float = 1.0

    def __post_init__(self) -> None:
        for name in ("per_minute", "per_hour", "estimate_per_minute", "estimate_per_hour"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise ValueError(f"{name} must be a positive integer, got {value!r}.")
        if not isinstance(self.margin, int | float) or self.margin < 0:
            raise ValueError(f"margin must be a non-negative number, got {self.margin!r}.")


class _Window:
    """Send times of the requests within the last `period` seconds (a sliding-window log)."""

    __slots__ = ("limit", "period", "sent")

    def __init__(self, limit: int, period: float) -> None:
        self.limit = limit
        self.period = period
        self.sent: deque[float] = deque()

    def prune(self, now: float) -> None:
        while self.sent and self.sent[0] <= now - self.period:
            self.sent.popleft()

    def wait(self, now: float) -> float:
        """Seconds until one more request fits (0 when it fits now). Call after prune()."""
        if len(self.sent) < self.limit:
            return 0.0
        return max(0.0, self.sent[len(self.sent) - self.limit] + self.period - now)


class Budget:
    """One shared budget: a minute and an hour window, a server-imposed hold, and waiters."""

    __slots__ = ("_clock", "_held_until", "_lock", "_tickets", "_waiters", "_windows", "name")

    def __init__(self, name: str, per_minute: int, per_hour: int, margin: float, clock: Clock):
        self.name = name
        self._clock = clock
        self._windows = (_Window(per_minute, 60.0 + margin), _Window(per_hour, 3600.0 + margin))
        self._held_until = float("-inf")
        self._lock = threading.Lock()
        self._waiters: dict[int, float] = {}
        self._tickets = itertools.count()

    def try_take(self) -> float:
        """Record a request sent now and return 0, or return the seconds to wait first."""
        with self._lock:
            now = self._clock()
            wait = self._wait(now)
            if wait <= 0:
                for window in self._windows:
                    window.sent.append(now)
            return wait

    def record(self) -> None:
        """Count a request sent now, without waiting for room (unpaced clients)."""
        with self._lock:
            now = self._clock()
            for window in self._windows:
                window.prune(now)
                window.sent.append(now)

    def hold(self, seconds: float) -> None:
        """Let no paced request through for `seconds` from now (the server's Retry-After)."""
        with self._lock:
            self._held_until = max(self._held_until, self._clock() + seconds)

    def waiting(self, until: float) -> int:
        """Register a caller sleeping until `until`; returns a ticket for `done_waiting`."""
        with self._lock:
            ticket = next(self._tickets)
            self._waiters[ticket] = until
            return ticket

    def done_waiting(self, ticket: int) -> None:
        with self._lock:
            self._waiters.pop(ticket, None)

    def snapshot(self) -> tuple[int, int, float, float | None, int]:
        """(used in the last minute, used in the last hour, wait now, waiting until, waiters)."""
        with self._lock:
            now = self._clock()
            wait = self._wait(now)
            minute, hour = self._windows
            until = max(self._waiters.values()) if self._waiters else None
            return len(minute.sent), len(hour.sent), wait, until, len(self._waiters)

    def _wait(self, now: float) -> float:
        for window in self._windows:
            window.prune(now)
        return max(self._held_until - now, *(window.wait(now) for window in self._windows), 0.0)

    @property
    def limits(self) -> tuple[int, int]:
        return self._windows[0].limit, self._windows[1].limit


class RequestBudgets:
    """The process-wide registry of budgets, by (host origin, key digest) and (origin, project).

    `pacer=True` on a client uses the module's shared registry; pass your own (with other
    limits, or a fake clock in tests) to `VisionClient(pacer=...)` to keep its budgets apart.
    """

    def __init__(self, limits: PacerLimits | None = None, *, clock: Clock = time.monotonic):
        self.limits = limits or PacerLimits()
        self.clock = clock
        self._budgets: dict[tuple[str, str, str], Budget] = {}
        self._lock = threading.Lock()

    def key_budget(self, origin: str, api_key: str) -> Budget:
        """The budget of every request made with `api_key` on `origin` (estimates excepted)."""
        digest = hashlib.sha256(api_key.encode()).hexdigest()[:32]
        return self._get(
            (origin, "key", digest),
            "API key",
            self.limits.per_minute,
            self.limits.per_hour,
        )

    def estimate_budget(self, origin: str, project_id: int) -> Budget:
        """The budget of the scanner estimate in one project on `origin`, whatever the key."""
        return self._get(
            (origin, "estimate", str(project_id)),
            "estimates",
            self.limits.estimate_per_minute,
            self.limits.estimate_per_hour,
        )

    def _get(
        self, where: tuple[str, str, str], name: str, per_minute: int, per_hour: int
    ) -> Budget:
        with self._lock:
            budget = self._budgets.get(where)
            if budget is None:
                budget = Budget(name, per_minute, per_hour, self.limits.margin, self.clock)
                self._budgets[where] = budget
            return budget

    def __repr__(self) -> str:
        return f"RequestBudgets(limits={self.limits!r}, budgets={len(self._budgets)})"


SHARED_BUDGETS = RequestBudgets()
"""The registry every `VisionClient(pacer=True)` in this process shares."""


@dataclass(frozen=True, slots=True)
class PacerStatus:
    """What one client's budgets look like now (for "waiting for the API budget (n s)").

    `waiting_until` is in the pacer's clock (time.monotonic by default): the latest time a
    request of this key or project is currently sleeping until, None when none is waiting;
    `wait_seconds` is how long a request sent now would wait (0 when it would go at once).
    """

    enabled: bool
    waiting: int
    waiting_until: float | None
    wait_seconds: float
    used_last_minute: int
    used_last_hour: int
    limit_per_minute: int
    limit_per_hour: int
    estimate_waiting_until: float | None
    estimate_wait_seconds: float
    estimate_used_last_minute: int
    estimate_used_last_hour: int
    estimate_limit_per_minute: int
    estimate_limit_per_hour: int

    @property
    def is_waiting(self) -> bool:
        """True while some request of this key or project sleeps on the budget."""
        return self.waiting > 0


class Pacer:
    """One client's view of the shared budgets: pace its requests, report waits, show status.

    Created by VisionClient; `client.pacer` exposes it. `on_wait(seconds)` is called on the
    requesting thread (a worker thread, during fetch_all) each time a request waits.
    """

    __slots__ = ("_enabled", "_estimate", "_key", "_on_wait", "_registry", "_sleep")

    def __init__(
        self,
        registry: RequestBudgets,
        *,
        origin: str,
        api_key: str,
        project_id: int,
        enabled: bool,
        sleep: Sleep,
        on_wait: WaitCallback | None = None,
    ) -> None:
        self._registry = registry
        self._key = registry.key_budget(origin, api_key)
        self._estimate = registry.estimate_budget(origin, project_id)
        self._enabled = enabled
        self._sleep = sleep
        self._on_wait = on_wait

    @property
    def enabled(self) -> bool:
        """True when this client waits for room in the budget before sending."""
        return self._enabled

    @property
    def registry(self) -> RequestBudgets:
        return self._registry

    def _budget(self, estimate: bool) -> Budget:
        return self._estimate if estimate else self._key

    def acquire(self, *, estimate: bool, max_wait: float) -> float:
        """Wait until the request fits its budget, record it, and return the seconds waited.

        Raises:
            RequestBudgetError: the wait would take longer than `max_wait` seconds (the
                client's deadline); nothing was sent and no sleep past it happened.
        """
        budget = self._budget(estimate)
        if not self._enabled:
            budget.record()
            return 0.0
        clock = self._registry.clock
        started = clock()
        slept = 0.0
        while True:
            wait = budget.try_take()
            # The sum of the sleeps asked for bounds the wait even if `sleep` returns early.
            waited = max(clock() - started, slept)
            if wait <= 0:
                return waited
            if waited + wait > max_wait:
                raise RequestBudgetError(
                    f"The {budget.name} request budget is used up for the next {wait:.0f} s "
                    f"(PostHog allows {_describe(budget)}); waiting would take longer than "
                    f"the {max_wait:g} s the request may take. Try again in a moment.",
                    retry_after=wait,
                    budget=budget.name,
                )
            logger.debug("Waiting %.2f s for room in the %s request budget", wait, budget.name)
            ticket = budget.waiting(clock() + wait)
            try:
                if self._on_wait is not None:
                    self._on_wait(wait)
                self._sleep(wait)
                slept += wait
            finally:
                budget.done_waiting(ticket)

    def hold(self, seconds: float, *, estimate: bool) -> None:
        """Hold the shared budget for `seconds` (the server's Retry-After on a 429)."""
        if seconds > 0:
            self._budget(estimate).hold(seconds)

    def status(self) -> PacerStatus:
        """The budgets this client counts against, as of now."""
        used_m, used_h, wait, until, waiters = self._key.snapshot()
        e_used_m, e_used_h, e_wait, e_until, e_waiters = self._estimate.snapshot()
        key_limits, estimate_limits = self._key.limits, self._estimate.limits
        return PacerStatus(
            enabled=self._enabled,
            waiting=waiters + e_waiters,
            waiting_until=until,
            wait_seconds=wait,
            used_last_minute=used_m,
            used_last_hour=used_h,
            limit_per_minute=key_limits[0],
            limit_per_hour=key_limits[1],
            estimate_waiting_until=e_until,
            estimate_wait_seconds=e_wait,
            estimate_used_last_minute=e_used_m,
            estimate_used_last_hour=e_used_h,
            estimate_limit_per_minute=estimate_limits[0],
            estimate_limit_per_hour=estimate_limits[1],
        )

    def __repr__(self) -> str:
        return f"Pacer(enabled={self._enabled})"


def _describe(budget: Budget) -> str:
    per_minute, per_hour = budget.limits
    return f"{per_minute:,} a minute and {per_hour:,} an hour"
