"""The team Overview's data: every scanner side by side, assembled from the API's answers.

Pure functions over ``vision_api`` models plus one bounded, concurrent fetch helper. Nothing here
renders; the page (``app_pages/overview.py``) fetches through ``vision_console.cache`` and shows
what these functions build, so everything the table says can be tested without a browser.

Where the numbers come from (Era S has no per-scanner date filter on stats):
- "Observations, 14 d" is the stats endpoint's ``coverage.recent_sessions`` with
  ``recent_days=14``: each scanner observes a session at most once, so sessions observed in the
  window are observations made in the window.
- "Success rate" is ``status_counts.success_rate``: succeeded / (succeeded + failed) over the
  scanner's observations, as the server computes it.
- "Last observation" and the daily chart come from each scanner's newest observations.
- Estimated volume and credits come from the scanner object (the server's cached estimate) and
  count only for enabled scanners: a disabled scanner has no schedule, so no monthly cost.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Generic, TypeVar

import pandas as pd

from vision_api import APIConnectionError
from vision_console import models_catalog

if TYPE_CHECKING:
    from vision_api import Observation, ObservationStats, Scanner, ScannerStats

RECENT_DAYS = 14
"""The window the table and the activity chart look back over (the stats endpoint's default)."""

MAX_WORKERS = 8
"""At most this many per-scanner requests in flight at once: fast, and polite to the API."""

RECENT_OBSERVATIONS_CAP = 1000
"""At most this many newest observations per scanner feed "last observation" and the chart."""

RECENT_OBSERVATIONS_FALLBACK = 100
"""Observations fetched for a scanner whose stats failed (so its size is unknown)."""

SCANNER_TYPE_ORDER: tuple[str, ...] = ("monitor", "classifier", "scorer", "summarizer")

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


def scanner_monthly_estimate(scanner: Scanner) -> tuple[int | None, int | None]:
    """(observations, credits) per month the server expects from ``scanner``'s schedule.

    ``(None, None)`` while the server has not estimated it yet; ``(0, 0)`` when it is disabled.
    """
    if not scanner.enabled:
        return 0, 0
    observations = scanner.estimated_monthly_observations
    credits = models_catalog.estimated_monthly_credits(scanner.raw)
    return observations, credits


def last_observation_at(observations: Sequence[Observation]) -> datetime | None:
    """When the newest of ``observations`` was created, or None when there are none."""
    return max((obs.created_at for obs in observations), default=None)


def covers_window(observations: Sequence[Observation], limit: int, since: datetime) -> bool:
    """Whether a newest-first fetch capped at ``limit`` saw every observation since ``since``."""
    if len(observations) < limit:
        return True
    oldest = min(obs.created_at for obs in observations)
    return oldest < since


FLEET_COLUMNS: tuple[str, ...] = (
    "id",
    "name",
    "scanner_type",
    "enabled",
    "sampling_rate",
    "est_observations",
    "est_credits",
    "observations_recent",
    "observations_total",
    "success_rate",
    "last_observation",
    "model",
    "observations_link",
)


def fleet_frame(
    scanners: Sequence[Scanner],
    stats: Mapping[str, ObservationStats | None],
    last_seen: Mapping[str, datetime | None],
    observations_link: Callable[[str], str],
) -> pd.DataFrame:
    """One row per scanner, in the order given, with the columns of ``FLEET_COLUMNS``.

    A scanner whose stats could not be fetched keeps its row with empty stats cells, so one
    failure never hides the rest of the fleet. ``observations_link(id)`` builds the URL of the
    Observations page filtered to that scanner.
    """
    rows = []
    for scanner in scanners:
        scanner_stats = stats.get(scanner.id)
        est_observations, est_credits = scanner_monthly_estimate(scanner)
        rows.append(
            {
                "id": scanner.id,
                "name": scanner.name,
                "scanner_type": scanner.scanner_type,
                "enabled": scanner.enabled,
                "sampling_rate": scanner.sampling_rate,
                "model": models_catalog.model_label(scanner.model),
                "est_observations": est_observations,
                "est_credits": est_credits,
                "observations_recent": (
                    scanner_stats.coverage.recent_sessions if scanner_stats else None
                ),
                "observations_total": scanner_stats.status_counts.total if scanner_stats else None,
                "success_rate": scanner_stats.status_counts.success_rate if scanner_stats else None,
                "last_observation": last_seen.get(scanner.id),
                "observations_link": observations_link(scanner.id),
            }
        )
    frame = pd.DataFrame(rows, columns=list(FLEET_COLUMNS))
    for column in (
        "est_observations",
        "est_credits",
        "observations_recent",
        "observations_total",
        "success_rate",
    ):
        frame[column] = frame[column].astype("Int64")
    frame["last_observation"] = pd.to_datetime(frame["last_observation"], utc=True)
    return frame


def fleet_totals(fleet: pd.DataFrame) -> dict[str, int]:
    """Sums across the fleet table: estimated monthly volume and credits, recent observations."""
    return {
        "est_observations": int(fleet["est_observations"].sum()),
        "est_credits": int(fleet["est_credits"].sum()),
        "observations_recent": int(fleet["observations_recent"].sum()),
    }


def monthly_cost_frame(fleet: pd.DataFrame) -> pd.DataFrame:
    """Enabled scanners with a known estimate, most expensive first, for the cost chart.

    Columns: ``name``, ``scanner_type``, ``est_observations``, ``est_credits``, ``est_dollars``,
    ``share`` (of the fleet's estimated credits).
    """
    known = fleet[fleet["enabled"] & fleet["est_credits"].notna()]
    frame = known[["name", "scanner_type", "est_observations", "est_credits"]].copy()
    frame["est_credits"] = frame["est_credits"].astype(int)
    frame["est_observations"] = frame["est_observations"].fillna(0).astype(int)
    frame["est_dollars"] = frame["est_credits"].map(models_catalog.credits_to_usd)
    total = int(frame["est_credits"].sum())
    frame["share"] = frame["est_credits"] / total if total else 0.0
    return frame.sort_values(["est_credits", "name"], ascending=[False, True]).reset_index(
        drop=True
    )


def daily_observations(
    recent: Mapping[str, Sequence[Observation]],
    names: Mapping[str, str],
    *,
    now: datetime,
    days: int = RECENT_DAYS,
) -> pd.DataFrame:
    """Observations created per UTC day and scanner over the last ``days`` days.

    Columns ``date`` (midnight UTC), ``scanner`` (name), ``observations``; every day of the
    window appears for every scanner that has at least one observation in it, zeros included,
    so lines and stacked areas do not interpolate across quiet days.
    """
    today = pd.Timestamp(now.astimezone(UTC)).normalize()
    start = today - pd.Timedelta(days=days - 1)
    counts: dict[tuple[str, pd.Timestamp], int] = {}
    for scanner_id, observations in recent.items():
        name = names.get(scanner_id, scanner_id)
        for obs in observations:
            day = pd.Timestamp(obs.created_at.astimezone(UTC)).normalize()
            if start <= day <= today:
                counts[(name, day)] = counts.get((name, day), 0) + 1
    active = sorted({name for name, _ in counts})
    calendar = pd.date_range(start, today, freq="D")
    rows = [
        {"date": day, "scanner": name, "observations": counts.get((name, day), 0)}
        for name in active
        for day in calendar
    ]
    frame = pd.DataFrame(rows, columns=["date", "scanner", "observations"])
    frame["observations"] = frame["observations"].astype(int)
    return frame


def window_start(now: datetime, days: int = RECENT_DAYS) -> datetime:
    """The instant ``days`` days before ``now``: the stats endpoint's ``recent_days`` cut-off."""
    return now - timedelta(days=days)


def type_summary_frame(stats: ScannerStats) -> pd.DataFrame:
    """Enabled and total scanners per type, documented types first (zeros kept), then any new ones.

    Columns: ``scanner_type``, ``enabled``, ``total``.
    """
    extra = sorted(set(stats.by_type) - set(SCANNER_TYPE_ORDER))
    rows = []
    for scanner_type in (*SCANNER_TYPE_ORDER, *extra):
        counts = stats.by_type.get(scanner_type)
        rows.append(
            {
                "scanner_type": scanner_type,
                "enabled": counts.enabled if counts else 0,
                "total": counts.total if counts else 0,
            }
        )
    return pd.DataFrame(rows, columns=["scanner_type", "enabled", "total"])
