"""The Overview's fleet activity: every scanner's stats and newest observations, fetched once.

``fetch_fleet_activity`` runs one task per scanner on a bounded thread pool (each worker on its
own client): the scanner's stats, then its newest observations sized by them. One scanner's
failure never sinks the others, and an unreachable API stops the calls not yet started.
``shared_activity`` keeps the result for every viewer of the same credentials
(``vision_console.cache.shared``).

Where the numbers come from (Era S has no per-scanner date filter on stats): "observations in the
last 14 days" is the stats endpoint's ``coverage.recent_sessions`` with ``recent_days=14`` (each
scanner observes a session at most once); "last observation" and the daily chart come from each
scanner's newest observations.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Generic, TypeVar

from vision_api import APIConnectionError, VisionClient
from vision_console import cache, connection

if TYPE_CHECKING:
    from vision_api import Observation, ObservationStats, Scanner

RECENT_DAYS = 14
"""The window the table and the activity chart look back over (the stats endpoint's default)."""

MAX_WORKERS = 8
"""At most this many per-scanner requests in flight at once: fast, and polite to the API."""

RECENT_OBSERVATIONS_CAP = 1000
"""At most this many newest observations per scanner feed "last observation" and the chart."""

RECENT_OBSERVATIONS_FALLBACK = 100
"""Observations fetched for a scanner whose stats failed (so its size is unknown)."""

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")


@dataclass(frozen=True)
class Fetched(Generic[T]):
    """One key's outcome from ``fetch_concurrently``: its value, or the error that replaced it."""

    value: T | None = None
    error: Exception | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def fetch_concurrently(
    keys: Iterable[K],
    fetch: Callable[[K], T],
    *,
    max_workers: int = MAX_WORKERS,
    initializer: Callable[[], object] | None = None,
) -> dict[K, Fetched[T]]:
    """Call ``fetch(key)`` for every distinct key on a bounded thread pool.

    One failing key does not sink the others: its ``Fetched`` carries the exception instead.
    The result keeps the keys' first-seen order. ``initializer`` runs once in each worker
    thread (the page uses it to attach Streamlit's script context so cached reads work there).
    """
    unique = list(dict.fromkeys(keys))
    if not unique:
        return {}

    def attempt(key: K) -> Fetched[T]:
        try:
            return Fetched(value=fetch(key))
        except Exception as error:  # one scanner's failure is reported, not raised
            return Fetched(error=error)

    workers = max(1, min(max_workers, len(unique)))
    with ThreadPoolExecutor(max_workers=workers, initializer=initializer) as pool:
        outcomes = list(pool.map(attempt, unique))
    return dict(zip(unique, outcomes, strict=True))


@dataclass(frozen=True)
class FleetActivity:
    """Per-scanner observation stats and newest observations, and which fetches failed."""

    stats: dict[str, ObservationStats]
    recent: dict[str, Sequence[Observation]]
    limits: dict[str, int]
    """How many newest observations were asked for, per scanner (to tell a capped fetch)."""
    errors: dict[str, Exception]
    """Scanner id -> the first error met fetching its stats or observations."""


def recent_limit(stats: ObservationStats | None) -> int:
    """How many newest observations to fetch: those of the stats window, within a cap.

    The stats say how many sessions were observed in the window (one observation each), so
    the fetch is sized to the chart's needs, plus one row from before the window that proves
    it complete: a quiet scanner costs one row (its last observation), a busy one at most
    ``RECENT_OBSERVATIONS_CAP`` rows.
    """
    if stats is None:
        return RECENT_OBSERVATIONS_FALLBACK
    return min(RECENT_OBSERVATIONS_CAP, stats.coverage.recent_sessions + 1)


def fetch_fleet_activity(
    scanner_ids: Sequence[str],
    stats: Callable[[str], ObservationStats],
    recent: Callable[[str, int], Sequence[Observation]],
    *,
    max_workers: int = MAX_WORKERS,
    initializer: Callable[[], object] | None = None,
) -> FleetActivity:
    """Every scanner's stats, then its newest observations sized by them, on one bounded pool.

    One task per scanner: ``stats(id)``, then ``recent(id, limit)`` with ``recent_limit``. A
    scanner whose stats count no observation at all gets an empty list without a request. A
    failed stats call still fetches the observations (with a fallback size), and the other way
    round, so one failure costs as little as possible. Once a call cannot reach the API at all,
    the calls not yet started are skipped, each reporting so, instead of each retrying a
    dead host. ``stats``/``recent`` are called from worker threads.
    """
    unreachable = threading.Event()

    def call(read: Callable[[], T]) -> T:
        if unreachable.is_set():
            raise APIConnectionError(
                "Skipped: the API was unreachable earlier in this load.",
                may_have_reached_server=False,
            )
        try:
            return read()
        except APIConnectionError as error:
            if not error.may_have_reached_server:  # refused, DNS: not a slow answer
                unreachable.set()
            raise

    def fetch(
        scanner_id: str,
    ) -> tuple[ObservationStats | None, Sequence[Observation] | None, int, Exception | None]:
        found, error = None, None
        try:
            found = call(lambda: stats(scanner_id))
        except Exception as exc:  # reported per scanner, never raised
            error = exc
        limit = recent_limit(found)
        if found is not None and found.status_counts.total == 0:
            return found, (), limit, None
        try:
            observations: Sequence[Observation] | None = call(lambda: recent(scanner_id, limit))
        except Exception as exc:
            observations, error = None, error or exc
        return found, observations, limit, error

    results = fetch_concurrently(
        scanner_ids, fetch, max_workers=max_workers, initializer=initializer
    )
    activity = FleetActivity(stats={}, recent={}, limits={}, errors={})
    for scanner_id, outcome in results.items():
        if outcome.value is None:  # fetch() catches its own errors; kept for the type checker
            continue
        found, observations, limit, error = outcome.value
        activity.limits[scanner_id] = limit
        if found is not None:
            activity.stats[scanner_id] = found
        if observations is not None:
            activity.recent[scanner_id] = observations
        if error is not None:
            activity.errors[scanner_id] = error
    return activity


def load_activity(
    client: VisionClient, scanner_ids: Sequence[str], days: int = RECENT_DAYS
) -> FleetActivity:
    """Every scanner's stats and newest observations, each worker thread on its own client."""
    with connection.per_thread(client) as own_client:
        return fetch_fleet_activity(
            scanner_ids,
            stats=lambda scanner_id: own_client().observations.stats(scanner_id, recent_days=days),
            recent=lambda scanner_id, limit: (
                own_client()
                .observations.list(scanner_id, order_by="-created_at", limit=limit)
                .items
            ),
        )


def shared_activity(scanners: Sequence[Scanner], days: int = RECENT_DAYS) -> FleetActivity:
    """This viewer's fleet activity, shared with every viewer of the same credentials.

    Kept by ``vision_console.cache.shared`` under the scanners' ids and versions (so a scanner
    list read afresh gets activity to match), fetched with this viewer's own client. A load in
    which any scanner failed is returned to this viewer but not shared: a failed scanner is
    usually a passing fault, and the next viewer should try it again.
    """
    versions = tuple((scanner.id, scanner.scanner_version) for scanner in scanners)
    client = connection.client()

    def load() -> FleetActivity:
        activity = load_activity(client, [scanner_id for scanner_id, _ in versions], days)
        if activity.errors:
            raise cache.Incomplete(activity)
        return activity

    return cache.shared("overview:activity", (versions, days), load)


def last_observation_at(observations: Sequence[Observation]) -> datetime | None:
    """When the newest of ``observations`` was created, or None when there are none."""
    return max((obs.created_at for obs in observations), default=None)


def covers_window(observations: Sequence[Observation], limit: int, since: datetime) -> bool:
    """Whether a newest-first fetch capped at ``limit`` saw every observation since ``since``."""
    if len(observations) < limit:
        return True
    oldest = min(obs.created_at for obs in observations)
    return oldest < since


def window_start(now: datetime, days: int = RECENT_DAYS) -> datetime:
    """The instant ``days`` days before ``now``: the stats endpoint's ``recent_days`` cut-off."""
    return now - timedelta(days=days)
