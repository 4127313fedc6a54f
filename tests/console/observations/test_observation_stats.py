"""vision_console.observations.stats_frames: the stats response reshaped into chart frames."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from vision_console.observations import charts, stats_frames

Factory = Callable[..., dict[str, Any]]


# --- stats -> frames --------------------------------------------------------------------------


def test_status_metrics_read_the_stats_counts(stats: Factory) -> None:
    assert stats_frames.status_metrics(stats("monitor")) == {
        "total": 40,
        "succeeded": 30,
        "failed": 4,
        "ineligible": 3,
        "in_flight": 3,
        "success_rate": 88,
    }


def test_status_frame_shares_add_up_to_the_total(stats: Factory) -> None:
    frame = stats_frames.status_frame(stats("classifier"))
    assert list(frame["outcome"]) == list(charts.OUTCOME_ORDER)
    assert frame["count"].sum() == 40
    assert frame["share"].sum() == pytest.approx(1.0)


def test_empty_stats_give_zero_rows_and_no_success_rate(stats: Factory) -> None:
    empty = stats(
        "monitor",
        status_counts={
            "total": 0,
            "succeeded": 0,
            "failed": 0,
            "ineligible": 0,
            "in_flight": 0,
            "success_rate": None,
        },
    )
    assert stats_frames.status_metrics(empty)["success_rate"] is None
    assert stats_frames.status_frame(empty)["share"].tolist() == [0.0, 0.0, 0.0, 0.0]


def test_models_with_raw_are_read_like_dicts(stats: Factory) -> None:
    class Model:
        raw = stats("monitor")

    assert stats_frames.status_metrics(Model())["total"] == 40


def test_coverage_frame_labels_the_recent_window(stats: Factory) -> None:
    payload = stats(
        "monitor", coverage={"recent_sessions": 5, "total_sessions": 20, "recent_days": 30}
    )
    frame = stats_frames.coverage_frame(payload)
    assert frame.to_dict("records") == [
        {"window": "Last 30 days", "sessions": 5, "share": 0.25},
        {"window": "All time", "sessions": 20, "share": 1.0},
    ]


def test_verdict_frame_only_for_monitors(stats: Factory) -> None:
    assert stats_frames.verdict_frame(stats("scorer")) is None
    frame = stats_frames.verdict_frame(stats("monitor"))
    assert frame is not None
    assert dict(zip(frame["verdict"], frame["count"], strict=True)) == {
        "yes": 18,
        "no": 9,
        "inconclusive": 3,
    }
    assert frame["share"].sum() == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("label", "bounds"),
    [
        ("7", (7, 7)),
        ("0–4", (0, 4)),
        ("-5–-1", (-5, -1)),
        ("10-19", (10, 19)),
        ("x", None),
        ("5–1", None),
    ],
)
def test_bucket_labels_parse_to_integer_bounds(label: str, bounds: Any) -> None:
    assert stats_frames.parse_bucket_label(label) == bounds


def test_histogram_edges_straddle_rounded_scores(stats: Factory) -> None:
    payload = stats(
        "scorer",
        scorer={
            "summary": None,
            "histogram": {"labels": ["0–4", "5–9", "10"], "counts": [1, 2, 3]},
        },
    )
    frame = stats_frames.histogram_frame(payload)
    assert frame is not None
    assert frame[["start", "end"]].values.tolist() == [[-0.5, 4.5], [4.5, 9.5], [9.5, 10.5]]
    assert frame["share"].tolist() == pytest.approx([1 / 6, 2 / 6, 3 / 6])


def test_histogram_with_unreadable_labels_falls_back_to_slots(stats: Factory) -> None:
    payload = stats(
        "scorer",
        scorer={"summary": None, "histogram": {"labels": ["low", "high"], "counts": [1, 1]}},
    )
    frame = stats_frames.histogram_frame(payload)
    assert frame is not None
    assert frame[["start", "end"]].values.tolist() == [[0, 1], [1, 2]]


def test_scorer_without_scores_has_no_histogram_or_summary(stats: Factory) -> None:
    payload = stats("scorer", scorer={"summary": None, "histogram": None})
    assert stats_frames.histogram_frame(payload) is None
    assert stats_frames.summary_frame(payload) is None
    assert stats_frames.scored_count(payload) == 0


def test_summary_frame_keeps_the_six_markers_in_order(stats: Factory) -> None:
    frame = stats_frames.summary_frame(stats("scorer"))
    assert frame is not None
    assert list(frame["stat"]) == ["min", "p25", "median", "mean", "p75", "max"]
    assert stats_frames.scored_count(stats("scorer")) == 30


def test_tag_frame_marks_kinds_and_shares_of_tagged(stats: Factory) -> None:
    frame = stats_frames.tag_frame(stats("classifier"))
    assert frame is not None
    assert frame.loc[frame["tag"] == "bug", "share"].item() == pytest.approx(14 / 28)
    assert frame.loc[frame["tag"] == "rage-click", "kind"].item() == "freeform"
    assert stats_frames.tagged_count(stats("classifier")) == 28
    assert stats_frames.available_tags(stats("classifier")) == [
        "bug",
        "checkout",
        "confusion",
        "rage-click",
    ]
    assert stats_frames.tag_frame(stats("monitor")) is None


def test_summary_holds_what_the_page_reads_on_every_run(stats: Factory) -> None:
    payload = stats(
        "scorer",
        scorer={"summary": None, "histogram": {"labels": ["0–4", "5–9"], "counts": [3, 5]}},
    )
    summary = stats_frames.summarise(payload)
    assert summary.labels == ("0–4", "5–9")
    assert summary.buckets is not None and summary.buckets["count"].tolist() == [3, 5]
    assert (summary.total, summary.tags) == (40, ())
    tagged = stats_frames.summarise(stats("classifier"))
    assert (tagged.buckets, tagged.labels) == (None, ())
    assert tagged.tags == ("bug", "checkout", "confusion", "rage-click")


def test_bucket_window_ascending_and_descending(stats: Factory) -> None:
    buckets = stats_frames.histogram_frame(stats("scorer"))
    assert buckets is not None
    counts = buckets["count"].tolist()
    assert stats_frames.bucket_window(buckets, "5", descending=False) == (
        sum(counts[:5]),
        counts[5],
    )
    assert stats_frames.bucket_window(buckets, "5", descending=True) == (sum(counts[6:]), counts[5])
    assert stats_frames.bucket_window(buckets, "42", descending=False) is None


def test_metric_cells_match_the_status_counts(stats: Factory) -> None:
    cells = {label: value for label, value, _help in stats_frames.metric_cells(stats("monitor"))}
    assert cells == {
        "Observations": "40",
        "Success rate": "88%",
        "Failed": "4",
        "Ineligible": "3",
        "In flight": "3",
        "Sessions, last 14 days": "25",
    }


def test_metric_cells_without_a_rate_show_a_dash(stats: Factory) -> None:
    counts = {
        "total": 1,
        "succeeded": 0,
        "failed": 0,
        "ineligible": 1,
        "in_flight": 0,
        "success_rate": None,
    }
    cells = dict(
        (label, value)
        for label, value, _ in stats_frames.metric_cells(stats("scorer", status_counts=counts))
    )
    assert cells["Success rate"] == "—"
