"""The Overview's tables: every scanner side by side, the fleet's totals, counts per type.

Pure functions over ``vision_api`` models and the fetched activity (``overview/activity.py``);
nothing here renders or fetches, so everything the table says can be tested without a browser.

- "Success rate" is ``status_counts.success_rate``: succeeded / (succeeded + failed) over the
  scanner's observations, as the server computes it.
- Estimated volume and credits come from the scanner object (the server's cached estimate) and
  count only for enabled scanners: a disabled scanner has no schedule, so no monthly cost.
- Types are labelled by ``vision_console.scanner_types``; a type it does not know keeps its row,
  labelled by its own name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pandas as pd

from vision_console import models_catalog, scanner_types, spend
from vision_console.overview.activity import RECENT_DAYS

if TYPE_CHECKING:
    from vision_api import Observation, ObservationStats, Scanner, ScannerStats


def scanner_monthly_estimate(scanner: Scanner) -> tuple[int | None, int | None]:
    """(observations, credits) per month the server expects from ``scanner``'s schedule, by the
    console's one rule (``spend.monthly``): ``(0, 0)`` when it is disabled, ``(None, None)``
    while the server has not estimated it yet."""
    estimate = spend.monthly(scanner)
    return estimate.observations, estimate.credits


FLEET_COLUMNS: tuple[str, ...] = (
    "id",
    "name",
    "scanner_type",
    "type",
    "enabled",
    "sampling_rate",
    "est_observations",
    "est_credits",
    "credits_this_month",
    "observations_this_month",
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
                "type": scanner_types.label(scanner.scanner_type),
                "enabled": scanner.enabled,
                "sampling_rate": scanner.sampling_rate,
                "model": models_catalog.model_label(scanner.model),
                "est_observations": est_observations,
                "est_credits": est_credits,
                "credits_this_month": scanner.credits_this_month,
                "observations_this_month": scanner.observations_this_month,
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
        "credits_this_month",
        "observations_this_month",
        "observations_recent",
        "observations_total",
        "success_rate",
    ):
        frame[column] = frame[column].astype("Int64")
    frame["last_observation"] = pd.to_datetime(frame["last_observation"], utc=True)
    return frame


def list_totals(scanners: Sequence[Scanner]) -> dict[str, int | None]:
    """The fleet's month from the scanner list alone (no per-scanner request): estimated
    observations and credits of the enabled scanners, and this billing period's credits and
    observations (None when the list does not carry them, as before the credit era)."""
    estimates = [scanner_monthly_estimate(scanner) for scanner in scanners]

    def period_sum(values: list[int | None]) -> int | None:
        known = [value for value in values if value is not None]
        return sum(known) if known else None

    return {
        "est_observations": sum(obs or 0 for obs, _ in estimates),
        "est_credits": sum(credits or 0 for _, credits in estimates),
        "credits_this_month": period_sum([s.credits_this_month for s in scanners]),
        "observations_this_month": period_sum([s.observations_this_month for s in scanners]),
    }


def monthly_cost_frame(fleet: pd.DataFrame) -> pd.DataFrame:
    """Enabled scanners with a known estimate, most expensive first, for the cost chart.

    Columns: ``name``, ``scanner_type``, ``type`` (its label), ``est_observations``,
    ``est_credits``, ``est_dollars``, ``share`` (of the fleet's estimated credits).
    """
    known = fleet[fleet["enabled"] & fleet["est_credits"].notna()]
    frame = known[["name", "scanner_type", "type", "est_observations", "est_credits"]].copy()
    frame["est_credits"] = frame["est_credits"].astype(int)
    frame["est_observations"] = frame["est_observations"].fillna(0).astype(int)
    frame["est_dollars"] = frame["est_credits"].map(models_catalog.credits_to_usd)
    total = int(frame["est_credits"].sum())
    frame["share"] = frame["est_credits"] / total if total else 0.0
    return frame.sort_values(["est_credits", "name"], ascending=[False, True]).reset_index(
        drop=True
    )


CHART_SCANNERS = 12
"""Scanners a fleet chart names; the rest are summed into one "other" entry, so a fleet of
thousands stays readable and far below Altair's 5,000-row limit."""


def _other_name(count: int) -> str:
    return f"{count:,} other scanner" + ("" if count == 1 else "s")


def top_costs(costs: pd.DataFrame, n: int = CHART_SCANNERS) -> pd.DataFrame:
    """``monthly_cost_frame`` output with its ``n`` most expensive scanners kept and the rest
    summed into one row (type "Other")."""
    if len(costs) <= n:
        return costs
    rest = costs.iloc[n:]
    other = {
        "name": _other_name(len(rest)),
        "scanner_type": "other",
        "type": "Other",
        **{c: rest[c].sum() for c in ("est_observations", "est_credits", "est_dollars", "share")},
    }
    return pd.concat([costs.iloc[:n], pd.DataFrame([other])], ignore_index=True)


def top_daily(daily: pd.DataFrame, n: int = CHART_SCANNERS) -> pd.DataFrame:
    """``daily_observations`` output with its ``n`` busiest scanners kept and the rest summed
    per day into one "other scanners" series."""
    totals = daily.groupby("scanner")["observations"].sum().sort_values(ascending=False)
    if len(totals) <= n:
        return daily
    kept = daily["scanner"].isin(set(totals.index[:n]))
    other = daily[~kept].groupby("date", as_index=False)["observations"].sum()
    other["scanner"] = _other_name(len(totals) - n)
    return pd.concat([daily[kept], other[list(daily.columns)]], ignore_index=True)


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


@dataclass(frozen=True)
class TypeCount:
    """Enabled and total scanners of one type, as the metrics strip shows them."""

    kind: str
    label: str
    enabled: int
    total: int
    known: bool
    """False for a type this console does not know (a newer server)."""


def type_counts(stats: ScannerStats) -> list[TypeCount]:
    """Scanners per type: every type of the registry first (zeros kept), then any new ones."""
    kinds = [
        *scanner_types.KNOWN_TYPES,
        *sorted(set(stats.by_type) - set(scanner_types.KNOWN_TYPES)),
    ]
    counts = []
    for kind in kinds:
        found = stats.by_type.get(kind)
        counts.append(
            TypeCount(
                kind=kind,
                label=scanner_types.label(kind),
                enabled=found.enabled if found else 0,
                total=found.total if found else 0,
                known=scanner_types.is_known(kind),
            )
        )
    return counts
