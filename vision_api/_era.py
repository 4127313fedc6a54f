"""Which era a server speaks, told from the keys of its answers (never from a version string).

The rule (vision-api-current-era.md §1): `GET /vision/quota/` with a `credit_limit` key, even
null, is the current era; with `monthly_quota` it is the seed era. When the quota endpoint
answers 404 (seed servers gated it behind a feature flag) or has neither key, the first
scanner of the list decides: `credits_per_observation` present means current, else seed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from ._catalog import Era


def era_from_quota(body: object) -> Era | None:
    """The era a quota body proves, or None when it proves neither."""
    if not isinstance(body, dict):
        return None
    if "credit_limit" in body:
        return "current"
    if "monthly_quota" in body:
        return "seed"
    return None


def era_from_scanner_page(body: object) -> Era:
    """The era shown by the first scanner of a list page; "seed" when there is none to look at."""
    results = body.get("results") if isinstance(body, dict) else None
    first = results[0] if isinstance(results, list) and results else None
    if isinstance(first, dict) and "credits_per_observation" in first:
        return "current"
    return "seed"


class EraMemo:
    """The era of one server, detected at most once and shared by a client and its copies.

    The lock is held while detecting, so threads asking at the same moment wait for the one
    detection instead of each sending their own probes. A failed detection is not remembered.
    """

    __slots__ = ("_era", "_lock")

    def __init__(self) -> None:
        self._era: Era | None = None
        self._lock = threading.Lock()

    def get(self, detect: Callable[[], Era]) -> Era:
        era = self._era
        if era is not None:
            return era
        with self._lock:
            if self._era is None:
                self._era = detect()
            return self._era

    @property
    def known(self) -> Era | None:
        """The era if already detected, without sending anything."""
        return self._era
