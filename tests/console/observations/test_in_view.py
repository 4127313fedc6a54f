"""vision_console.observations.in_view: a score bucket narrows the metrics and status counts,
not only the table (issue 15 item 7)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pandas as pd

from vision_api import ObservationStats
from vision_console.observations import in_view, stats_charts

NOW = datetime(2026, 11, 30, tzinfo=UTC)


def bucket_rows(*rows: tuple[str, str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["session_id", "created_at"])
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True)
    return frame


def test_without_a_bucket_nothing_is_narrowed(stats: Callable[..., ObservationStats]) -> None:
    assert in_view.narrow(stats("scorer"), None, None, 14, NOW) is None
    assert in_view.narrow(stats("monitor"), "3", None, 14, NOW) is None
    assert in_view.narrow(stats("scorer"), "42", None, 14, NOW) is None


def test_a_bucket_narrows_the_metric_strip_to_its_rows(
    stats: Callable[..., ObservationStats],
) -> None:
    answer = stats("scorer")  # bucket "8" holds 4 of 40 observations
    rows = bucket_rows(
        ("s1", "2026-11-29T10:00:00Z"),
        ("s1", "2026-11-28T10:00:00Z"),
        ("s2", "2026-11-01T10:00:00Z"),
        ("s3", "2026-11-25T10:00:00Z"),
    )
    narrowed = in_view.narrow(answer, "8", rows, 14, NOW)
    assert narrowed is not None and narrowed.sessions_known
    cells = {label: value for label, value, _ in stats_charts.metric_cells(narrowed.stats)}
    assert cells == {
        "Observations": "4",
        "Success rate": "100%",
        "Failed": "0",
        "Ineligible": "0",
        "In flight": "0",
        "Sessions, last 14 days": "2",
    }
    assert narrowed.stats.coverage.total_sessions == 3
    assert narrowed.stats.scorer == answer.scorer  # the histogram still offers every bucket


def test_a_bucket_too_large_to_hold_says_its_sessions_are_unknown(
    stats: Callable[..., ObservationStats],
) -> None:
    narrowed = in_view.narrow(stats("scorer"), "8", None, 14, NOW)
    assert narrowed is not None and not narrowed.sessions_known
    cells = stats_charts.metric_cells(narrowed.stats, narrowed.sessions_known)
    label, value, help_text = cells[-1]
    assert (label, value) == ("Sessions, last 14 days", "—")
    assert help_text and "loaded" in help_text
    assert cells[0][1] == "4"
