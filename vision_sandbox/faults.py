"""Fault injection and the request log: the sandbox's test and benchmark instruments.

Faults are off by default. ``configure`` sets added latency and seeded random 429/503 rates;
``fail_next`` makes the next N matching requests fail with a chosen status. The request log
records every API request (method, path, status) so tests can count HTTP calls per interaction.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestEntry:
    """One API request as the log records it (the query string is never kept)."""

    method: str
    path: str
    status: int


@dataclass(frozen=True)
class InjectedFault:
    """What a request should suffer: a delay and perhaps a forced status."""

    latency_s: float
    status: int | None
    retry_after: int | None


@dataclass
class _FailRule:
    remaining: int
    status: int
    path_contains: str | None
    method: str | None
    retry_after: int | None


class Faults:
    """Thread-safe fault settings consulted by the middleware for each API request."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """Turn every fault off."""
        with self._lock:
            self._latency_ms = 0.0
            self._rate_429 = 0.0
            self._rate_503 = 0.0
            self._retry_after = 1
            self._rng = random.Random(0)
            self._rules: list[_FailRule] = []

    def configure(
        self,
        latency_ms: float = 0,
        rate_429: float = 0.0,
        rate_503: float = 0.0,
        retry_after: int = 1,
        seed: int = 0,
    ) -> None:
        """Set added latency and seeded random 429 (with Retry-After) and 503 rates."""
        for name, rate in (("rate_429", rate_429), ("rate_503", rate_503)):
            if not 0.0 <= rate <= 1.0:
                raise ValueError(f"{name} must be within [0, 1], got {rate!r}")
        if latency_ms < 0 or retry_after < 0:
            raise ValueError("latency_ms and retry_after must not be negative")
        with self._lock:
            self._latency_ms = float(latency_ms)
            self._rate_429 = float(rate_429)
            self._rate_503 = float(rate_503)
            self._retry_after = int(retry_after)
            self._rng = random.Random(seed)

    def fail_next(
        self,
        n: int,
        status: int = 503,
        path_contains: str | None = None,
        method: str | None = None,
        retry_after: int | None = None,
    ) -> None:
        """Make the next ``n`` requests matching path/method fail with ``status``."""
        if n < 0 or not 400 <= status <= 599:
            raise ValueError("n must be >= 0 and status an HTTP error code (400-599)")
        with self._lock:
            self._rules.append(
                _FailRule(n, status, path_contains, method.upper() if method else None, retry_after)
            )

    def decide(self, method: str, path: str) -> InjectedFault:
        """The fault (if any) for one request; consumes ``fail_next`` budgets."""
        with self._lock:
            latency = self._latency_ms / 1000
            for rule in self._rules:
                if rule.remaining <= 0:
                    continue
                if rule.path_contains is not None and rule.path_contains not in path:
                    continue
                if rule.method is not None and rule.method != method.upper():
                    continue
                rule.remaining -= 1
                self._rules = [r for r in self._rules if r.remaining > 0]
                return InjectedFault(latency, rule.status, rule.retry_after)
            if self._rate_429 or self._rate_503:
                draw = self._rng.random()
                if draw < self._rate_429:
                    return InjectedFault(latency, 429, self._retry_after)
                if draw < self._rate_429 + self._rate_503:
                    return InjectedFault(latency, 503, None)
            return InjectedFault(latency, None, None)


class RequestLog:
    """Every API request the sandbox answered, in order."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[RequestEntry] = []

    def record(self, method: str, path: str, status: int) -> None:
        """Append one request."""
        with self._lock:
            self._entries.append(RequestEntry(method, path, status))

    @property
    def entries(self) -> list[RequestEntry]:
        """A copy of the log."""
        with self._lock:
            return list(self._entries)

    def count(self, method: str | None = None, path_contains: str | None = None) -> int:
        """Requests matching ``method`` (any case) and containing ``path_contains``."""
        wanted = method.upper() if method else None
        return sum(
            1
            for e in self.entries
            if (wanted is None or e.method == wanted)
            and (path_contains is None or path_contains in e.path)
        )

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._entries.clear()
