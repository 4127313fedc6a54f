"""vision_console.observations.trends: each type's headline per day or week, and the change
against last week said in one sentence (issue 15, trends per scanner)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd
import pytest

from vision_console.observations import trends

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)


def rows(*specs: dict[str, Any]) -> pd.DataFrame:
    """Record rows (the columns trends read), created ``days_ago`` before NOW."""
    frame = pd.DataFrame(
        [
            {
                "created_at": NOW - timedelta(days=spec.get("days_ago", 1)),
                "status": spec.get("status", "succeeded"),
                "verdict": spec.get("verdict"),
                "score": spec.get("score"),
                "tags": tuple(spec.get("tags", ())),
                "tags_freeform": tuple(spec.get("free", ())),
            }
            for spec in specs
        ]
    )
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True)
    frame["score"] = frame["score"].astype("float64")
    return frame


def monitor_weeks() -> pd.DataFrame:
    """Last week 2 yes of 5 verdicts (40%), this week 3 of 5 (60%), plus a failure."""
    last = [{"days_ago": 9, "verdict": v} for v in ("yes", "yes", "no", "no", "inconclusive")]
    this = [{"days_ago": 2, "verdict": v} for v in ("yes", "yes", "yes", "no", "no")]
    return rows(*last, *this, {"days_ago": 2, "status": "failed"})


def test_monitor_yes_rate_week_over_week_is_said_in_points() -> None:
    (change,) = trends.week_over_week(monitor_weeks(), "verdict_mix", NOW)
    assert (change.before, change.after) == (pytest.approx(0.4), pytest.approx(0.6))
    assert change.text == "Yes-rate 40% → 60%, +20 pts vs last week"


def test_monitor_yes_rate_per_day_counts_only_verdicts() -> None:
    frame = trends.trend_frame(monitor_weeks(), "verdict_mix", "day")
    assert list(frame["value"]) == [pytest.approx(0.4), pytest.approx(0.6)]
    assert list(frame["rows"]) == [5, 5]
    assert set(frame["series"]) == {"Yes-rate"}


def test_weeks_start_on_monday() -> None:
    frame = trends.trend_frame(monitor_weeks(), "verdict_mix", "week")
    assert all(pd.Timestamp(p).weekday() == 0 for p in frame["period"])
    assert frame["rows"].sum() == 10


def test_scorer_median_week_over_week() -> None:
    data = rows(
        *({"days_ago": 10, "score": s} for s in (4.0, 5.0, 6.0)),
        *({"days_ago": 1, "score": s} for s in (6.0, 7.0, 9.0)),
    )
    (change,) = trends.week_over_week(data, "score_by_version", NOW)
    assert change.text == "Median score 5.0 → 7.0, +2.0 vs last week"
    frame = trends.trend_frame(data, "score_by_version", "day")
    assert list(frame["value"]) == [5.0, 7.0]


def test_classifier_tag_mix_calls_out_the_tags_that_moved_most() -> None:
    data = rows(
        {"days_ago": 9, "tags": ["bug"]},
        {"days_ago": 9, "tags": ["checkout"]},
        {"days_ago": 2, "tags": ["checkout"], "free": ["rage"]},
        {"days_ago": 2, "tags": ["checkout"]},
    )
    changes = trends.week_over_week(data, "tag_mix", NOW)
    assert [c.series for c in changes] == ["bug", "checkout", "rage"]  # ties by name
    assert changes[0].text == "bug 50% → 0%, -50 pts vs last week"
    assert changes[1].text == "checkout 50% → 100%, +50 pts vs last week"
    assert changes[2].text == "rage 0% → 50%, +50 pts vs last week"
    mix = trends.trend_frame(data, "tag_mix", "day")
    assert mix[mix["series"] == "checkout"]["value"].tolist() == [0.5, 1.0]


def test_a_week_without_results_says_it_cannot_compare() -> None:
    data = rows({"days_ago": 2, "verdict": "yes"})
    (change,) = trends.week_over_week(data, "verdict_mix", NOW)
    assert change.before is None
    assert "not enough observations" in change.text


def test_summarizers_have_no_headline_trend() -> None:
    assert trends.build(rows({"days_ago": 1}), "summarizer", "day") is None
    built = trends.build(monitor_weeks(), "monitor", "week")
    assert built is not None and built.spec is not None
