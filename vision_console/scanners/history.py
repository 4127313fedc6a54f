"""A scanner's version history and recent observations as table rows (pure).

Where the era has them, versions come from the stats ``labels.version_markers`` (current era:
all-time, one per version, with what it was and how its results were rated). A seed-era server
has no markers, so the history is rebuilt from the recent observations' scanner snapshots: each
version seen, the model it ran, when it was first and last seen and how many of those rows it
wrote; an honest subset, and the table says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from vision_api import Observation, ObservationStats
from vision_console import format as fmt
from vision_console import models_catalog, observation_text


@dataclass(frozen=True)
class History:
    """Version rows, newest first, and where they came from."""

    rows: list[dict[str, Any]]
    from_markers: bool


def versions(stats: ObservationStats | None, recent: Sequence[Observation]) -> History:
    """The stats' version markers when sent, else versions seen in ``recent`` observations."""
    markers = stats.labels.version_markers if stats and stats.labels else ()
    if markers:
        rows = [
            {
                "Version": marker.version,
                "Since": fmt.day(marker.date),
                "Model": models_catalog.model_label(marker.model) if marker.model else fmt.MISSING,
                "Sampling": fmt.sampling_rate(marker.sampling_rate),
                "Observations": fmt.count(marker.total),
                "Rated right": _rated(marker.up, marker.down),
            }
            for marker in sorted(markers, key=lambda m: m.version, reverse=True)
        ]
        return History(rows, True)
    seen: dict[int, dict[str, Any]] = {}
    for observation in recent:
        snapshot = observation.scanner_snapshot
        if snapshot is None or snapshot.scanner_version is None:
            continue
        row = seen.setdefault(
            snapshot.scanner_version,
            {
                "model": snapshot.model,
                "first": observation.created_at,
                "last": observation.created_at,
                "n": 0,
            },
        )
        row["first"] = min(row["first"], observation.created_at)
        row["last"] = max(row["last"], observation.created_at)
        row["n"] += 1
    return History(
        [
            {
                "Version": version,
                "Model": models_catalog.model_label(row["model"]),
                "First seen": fmt.day(row["first"]),
                "Last seen": fmt.day(row["last"]),
                "Recent observations": fmt.count(row["n"]),
            }
            for version, row in sorted(seen.items(), reverse=True)
        ],
        False,
    )


def _rated(up: int, down: int) -> str:
    """``80% of 10`` ratings right, or ``—`` with none."""
    rated = up + down
    if not rated:
        return fmt.MISSING
    return f"{fmt.percent(up / rated)} of {fmt.count(rated)}"


def recent_rows(observations: Sequence[Observation], scanner_type: str) -> list[dict[str, Any]]:
    """The latest observations as rows: when, status, result in a few words, session."""
    rows = []
    for observation in observations:
        head = observation_text.headline(observation, scanner_type)
        rows.append(
            {
                "Created (UTC)": fmt.timestamp(observation.created_at),
                "Status": observation.status,
                "Result": f"{head.label}: {head.value}",
                "Version": observation.scanner_version,
                "Session": observation.session_id,
            }
        )
    return rows
