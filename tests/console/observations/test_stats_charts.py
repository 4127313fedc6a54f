"""vision_console.observations.stats_charts: a typed stats answer -> frames, charts, specs
(marks, encodings, selections, tooltips), and the type's distribution from the registry."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import altair as alt
import pytest

from vision_api import Histogram, ObservationStats, Scanner
from vision_console.observations import stats_charts as charts

from .conftest import build_stats

Factory = Callable[..., ObservationStats]


def units(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Every single-view (mark-bearing) spec inside a possibly layered/concatenated spec."""
    found = [spec] if "mark" in spec else []
    for key in ("layer", "hconcat", "vconcat", "concat"):
        for child in spec.get(key, []):
            found += units(child)
    return found


def mark_types(spec: dict[str, Any]) -> list[str]:
    marks = [unit["mark"] for unit in units(spec)]
    return [mark if isinstance(mark, str) else mark["type"] for mark in marks]


def selection(spec: dict[str, Any], name: str) -> dict[str, Any]:
    params = [param for param in spec.get("params", []) if param.get("name") == name]
    assert params, f"no selection named {name}"
    return params[0]


def data_rows(spec: dict[str, Any], unit: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows a mark draws: its own dataset, or the one its layer shares."""
    return spec["datasets"][(unit.get("data") or spec["data"])["name"]]


def assert_tooltip_on_every_mark(spec: dict[str, Any]) -> None:
    for unit in units(spec):
        assert unit["encoding"].get("tooltip"), f"{unit['mark']} has no tooltip"


def scanner(scanner_type: str, config: dict[str, Any] | None = None) -> Scanner:
    return Scanner.from_dict(
        {
            "id": "7d0c2f0e-1111-4a4a-9b9b-0123456789ab",
            "name": "s",
            "description": "",
            "scanner_type": scanner_type,
            "scanner_config": config or {"prompt": "p"},
            "query": None,
            "sampling_rate": 1.0,
            "provider": "google",
            "model": "m",
            "enabled": True,
            "emits_signals": False,
            "scanner_version": 1,
            "estimated_monthly_observations": None,
            "last_swept_at": None,
            "created_at": "2026-11-20T00:00:00Z",
            "updated_at": None,
            "created_by": None,
        }
    )


NO_RATE = {
    "total": 2,
    "succeeded": 0,
    "failed": 0,
    "ineligible": 0,
    "in_flight": 2,
    "success_rate": None,
}


# --- status, coverage, metrics ----------------------------------------------------------------


def test_status_frame_shares_add_up_to_the_total(stats: Factory) -> None:
    frame = charts.status_frame(stats("classifier").status_counts)
    assert list(frame["outcome"]) == list(charts.OUTCOME_ORDER)
    assert frame["count"].sum() == 40
    assert frame["share"].sum() == pytest.approx(1.0)


def test_empty_stats_give_zero_rows(stats: Factory) -> None:
    empty = stats("monitor", status_counts={**NO_RATE, "total": 0, "in_flight": 0})
    assert charts.status_frame(empty.status_counts)["share"].tolist() == [0.0, 0.0, 0.0, 0.0]


def test_status_chart_is_titled_with_what_it_shows(stats: Factory) -> None:
    spec = charts.status_chart(stats("monitor").status_counts).to_dict()
    assert spec["title"]["text"] == "Status"
    assert mark_types(spec) == ["bar", "text"]
    assert_tooltip_on_every_mark(spec)


@pytest.mark.parametrize("scanner_type", ["monitor", "scorer"])
def test_a_filtered_answer_changes_only_the_charts_data(stats: Factory, scanner_type: str) -> None:
    """Same spec, other datasets: the browser swaps the data into the chart it drew instead of
    building it again (issue 14: click latency); the moving figures are in captions."""
    scorer = build_stats("scorer")["scorer"]
    narrower = {
        "monitor": {"monitor": {"yes_total": 0, "no_total": 5, "inconclusive_total": 1}},
        "scorer": {
            "scorer": {
                "summary": {**scorer["summary"], "median": 4.0, "count": 4},
                "histogram": {**scorer["histogram"], "counts": [0, 0, 2, 0, 2] + [0] * 6},
            }
        },
    }[scanner_type]
    full = charts.specs(stats(scanner_type), scanner(scanner_type))
    narrowed = charts.specs(
        stats(
            scanner_type,
            status_counts={**NO_RATE, "total": 7, "in_flight": 1},
            coverage={"recent_sessions": 2, "total_sessions": 5, "recent_days": 14},
            **narrower,
        ),
        scanner(scanner_type),
    )

    def drawn(spec: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        rest = dict(spec)
        return rest, rest.pop("datasets")

    assert full.distribution is not None and narrowed.distribution is not None
    pairs = [
        (full.status, narrowed.status),
        (full.coverage, narrowed.coverage),
        (full.distribution.spec, narrowed.distribution.spec),
    ]
    for before, after in pairs:
        (spec_before, data_before), (spec_after, data_after) = drawn(before), drawn(after)
        assert spec_after == spec_before
        assert data_after != data_before
    assert full.distribution.caption != narrowed.distribution.caption


def test_status_chart_selects_outcomes_with_fixed_colours(stats: Factory) -> None:
    spec = charts.status_chart(stats("monitor").status_counts).to_dict()
    assert selection(spec, charts.STATUS_SELECTION)["select"] == {
        "type": "point",
        "fields": ["outcome"],
    }
    bars = units(spec)[0]
    scale = bars["encoding"]["color"]["scale"]
    assert scale["domain"] == list(charts.OUTCOME_ORDER)
    assert scale["range"] == [charts.OUTCOME_COLORS[key] for key in charts.OUTCOME_ORDER]
    assert [row["count"] for row in data_rows(spec, bars)] == [30, 4, 3, 3]


def test_coverage_frame_labels_the_recent_window(stats: Factory) -> None:
    answer = stats(
        "monitor", coverage={"recent_sessions": 5, "total_sessions": 20, "recent_days": 30}
    )
    assert charts.coverage_frame(answer.coverage).to_dict("records") == [
        {"window": "Last 30 days", "sessions": 5, "share": 0.25},
        {"window": "All time", "sessions": 20, "share": 1.0},
    ]


def test_coverage_chart_compares_recent_and_total_sessions(stats: Factory) -> None:
    spec = charts.coverage_chart(stats("scorer").coverage).to_dict()
    bars = units(spec)[0]
    assert bars["encoding"]["x"]["field"] == "sessions"
    assert {row["window"]: row["sessions"] for row in data_rows(spec, bars)} == {
        "Last 14 days": 25,
        "All time": 38,
    }
    assert "last 14 days" in spec["title"]["subtitle"]
    assert_tooltip_on_every_mark(spec)


def test_metric_cells_match_the_status_counts(stats: Factory) -> None:
    cells = {label: value for label, value, _help in charts.metric_cells(stats("monitor"))}
    assert cells == {
        "Observations": "40",
        "Success rate": "88%",
        "Failed": "4",
        "Ineligible": "3",
        "In flight": "3",
        "Sessions, last 14 days": "25",
    }


def test_metric_cells_without_a_rate_show_a_dash(stats: Factory) -> None:
    counts = {**NO_RATE, "total": 1, "in_flight": 0, "ineligible": 1}
    cells = {
        label: value
        for label, value, _ in charts.metric_cells(stats("scorer", status_counts=counts))
    }
    assert cells["Success rate"] == "—"


# --- monitor ----------------------------------------------------------------------------------


def test_verdict_frame_counts_and_shares(stats: Factory) -> None:
    monitor = stats("monitor").monitor
    assert monitor is not None
    frame = charts.verdict_frame(monitor)
    assert dict(zip(frame["verdict"], frame["count"], strict=True)) == {
        "yes": 18,
        "no": 9,
        "inconclusive": 3,
    }
    assert frame["share"].sum() == pytest.approx(1.0)


def test_verdict_chart_has_a_named_point_selection_on_verdict(stats: Factory) -> None:
    spec = charts.verdict_chart(stats("monitor").monitor).to_dict()  # type: ignore[arg-type]
    assert selection(spec, charts.VERDICT_SELECTION)["select"] == {
        "type": "point",
        "fields": ["verdict"],
    }
    assert mark_types(spec) == ["bar", "text"]
    assert_tooltip_on_every_mark(spec)


def test_verdict_chart_colours_each_verdict_with_the_shared_constant(stats: Factory) -> None:
    spec = charts.verdict_chart(stats("monitor").monitor).to_dict()  # type: ignore[arg-type]
    color = units(spec)[0]["encoding"]["color"]
    assert color["field"] == "verdict"
    assert dict(zip(color["scale"]["domain"], color["scale"]["range"], strict=True)) == dict(
        charts.VERDICT_COLORS
    )


def test_verdict_chart_keeps_yes_no_inconclusive_order_and_counts(stats: Factory) -> None:
    spec = charts.verdict_chart(stats("monitor").monitor).to_dict()  # type: ignore[arg-type]
    bars = units(spec)[0]
    assert bars["encoding"]["x"]["sort"] == ["yes", "no", "inconclusive"]
    assert {row["verdict"]: row["count"] for row in data_rows(spec, bars)} == {
        "yes": 18,
        "no": 9,
        "inconclusive": 3,
    }
    built = charts.specs(stats("monitor"), scanner("monitor")).distribution
    assert built is not None and built.caption == "30 verdicts"


# --- scorer -----------------------------------------------------------------------------------


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
    assert charts.parse_bucket_label(label) == bounds


def test_histogram_edges_straddle_rounded_scores() -> None:
    frame = charts.histogram_frame(Histogram(("0–4", "5–9", "10"), (1, 2, 3)))
    assert frame[["start", "end"]].values.tolist() == [[-0.5, 4.5], [4.5, 9.5], [9.5, 10.5]]
    assert frame["share"].tolist() == pytest.approx([1 / 6, 2 / 6, 3 / 6])


def test_histogram_with_unreadable_labels_falls_back_to_slots() -> None:
    frame = charts.histogram_frame(Histogram(("low", "high"), (1, 1)))
    assert frame[["start", "end"]].values.tolist() == [[0, 1], [1, 2]]


def test_scorer_without_scores_has_no_histogram_chart(stats: Factory) -> None:
    answer = stats("scorer", scorer={"summary": None, "histogram": None})
    assert charts.histogram_of(answer) is None
    assert charts.distribution("score_histogram", answer, scanner("scorer")) is None
    assert charts.summary_frame(None).empty
    assert charts.summary_caption(None) == ""


def test_summary_frame_keeps_the_six_markers_in_order(stats: Factory) -> None:
    scorer = stats("scorer").scorer
    assert scorer is not None
    frame = charts.summary_frame(scorer.summary)
    assert list(frame["stat"]) == ["min", "p25", "median", "mean", "p75", "max"]
    assert charts.summary_caption(scorer.summary).startswith("min 1.00 · p25 3.25")


def histogram_spec(stats: Factory, label: str | None = None) -> dict[str, Any]:
    scorer = stats("scorer").scorer
    assert scorer is not None and scorer.histogram is not None
    return charts.score_histogram(scorer.histogram, scorer.summary, label).to_dict()


def test_score_histogram_marks_every_summary_statistic(stats: Factory) -> None:
    spec = histogram_spec(stats, "Ease")
    bars, rules = units(spec)
    assert (bars["mark"]["type"], rules["mark"]["type"]) == ("bar", "rule")
    assert {row["stat"]: row["value"] for row in data_rows(spec, rules)} == {
        "min": 1.0,
        "p25": 3.25,
        "median": 5.5,
        "mean": 5.6,
        "p75": 8.0,
        "max": 10.0,
    }
    assert rules["encoding"]["x"]["field"] == "value"
    assert bars["encoding"]["x"]["title"] == "Ease"
    assert_tooltip_on_every_mark(spec)


def test_score_histogram_buckets_are_clickable_by_label(stats: Factory) -> None:
    spec = histogram_spec(stats)
    assert selection(spec, charts.BUCKET_SELECTION)["select"] == {
        "type": "point",
        "fields": ["bucket"],
    }
    bars = units(spec)[0]
    assert [row["count"] for row in data_rows(spec, bars)] == [0, 2, 3, 3, 3, 4, 3, 3, 4, 3, 2]
    assert bars["encoding"]["x2"]["field"] == "end"


def test_histogram_bars_rise_from_zero(stats: Factory) -> None:
    assert units(histogram_spec(stats))[0]["encoding"]["y2"] == {"datum": 0}


def test_bucket_window_ascending_and_descending(stats: Factory) -> None:
    histogram = charts.histogram_of(stats("scorer"))
    assert histogram is not None
    counts = list(histogram.counts)
    assert charts.bucket_window(histogram, "5", descending=False) == (sum(counts[:5]), counts[5])
    assert charts.bucket_window(histogram, "5", descending=True) == (sum(counts[6:]), counts[5])
    assert charts.bucket_window(histogram, "42", descending=False) is None


# --- classifier -------------------------------------------------------------------------------


def test_tag_frame_marks_kinds_and_shares_of_tagged(stats: Factory) -> None:
    answer = stats("classifier")
    assert answer.classifier is not None
    frame = charts.tag_frame(answer.classifier)
    assert frame.loc[frame["tag"] == "bug", "share"].item() == pytest.approx(14 / 28)
    assert frame.loc[frame["tag"] == "rage-click", "kind"].item() == "freeform"
    assert answer.available_tags == ("bug", "checkout", "confusion", "rage-click")


def test_tag_ranking_separates_fixed_and_freeform_and_selects_tags(stats: Factory) -> None:
    spec = charts.tag_ranking_chart(stats("classifier").classifier).to_dict()  # type: ignore[arg-type]
    assert selection(spec, charts.TAG_SELECTION)["select"] == {"type": "point", "fields": ["tag"]}
    bars = units(spec)[0]
    assert bars["encoding"]["color"]["scale"]["domain"] == ["fixed", "freeform"]
    assert bars["encoding"]["y"]["sort"] == ["bug", "checkout", "confusion", "rage-click"]
    kinds = {row["tag"]: row["kind"] for row in data_rows(spec, bars)}
    assert kinds == {
        "bug": "fixed",
        "checkout": "fixed",
        "confusion": "fixed",
        "rage-click": "freeform",
    }
    built = charts.specs(stats("classifier"), scanner("classifier")).distribution
    assert built is not None and built.caption == "28 tagged observations"
    assert_tooltip_on_every_mark(spec)


def test_tag_ranking_orders_by_count_then_name_explicitly(stats: Factory) -> None:
    tied = {
        "fixed_ranked": [{"tag": "zeta", "count": 3}, {"tag": "alpha", "count": 3}],
        "freeform_ranked": [{"tag": "mid", "count": 5}],
        "total_with_tags": 6,
    }
    classifier = stats("classifier", classifier=tied).classifier
    spec = charts.tag_ranking_chart(classifier).to_dict()  # type: ignore[arg-type]
    # A field-based sort would be dropped by Vega-Lite in a layered chart.
    assert units(spec)[0]["encoding"]["y"]["sort"] == ["mid", "alpha", "zeta"]


def test_tag_ranking_grows_with_the_number_of_tags(stats: Factory) -> None:
    few = charts.tag_ranking_chart(stats("classifier").classifier).to_dict()  # type: ignore[arg-type]
    many_tags = {
        "fixed_ranked": [{"tag": f"t{i}", "count": 10 - i} for i in range(10)],
        "freeform_ranked": [],
        "total_with_tags": 10,
    }
    many_block = stats("classifier", classifier=many_tags).classifier
    many = charts.tag_ranking_chart(many_block).to_dict()  # type: ignore[arg-type]
    assert many["height"] > few["height"]


# --- the registry decides the distribution ---------------------------------------------------


@pytest.mark.parametrize(
    ("scanner_type", "kind", "picked"),
    [
        ("monitor", "verdicts", charts.VERDICT_SELECTION),
        ("scorer", "score_histogram", charts.BUCKET_SELECTION),
        ("classifier", "tag_ranking", charts.TAG_SELECTION),
    ],
)
def test_each_type_gets_its_registered_distribution(
    stats: Factory, scanner_type: str, kind: str, picked: str
) -> None:
    built = charts.specs(stats(scanner_type), scanner(scanner_type))
    assert built.distribution is not None
    assert (built.distribution.kind, built.distribution.selection) == (kind, picked)
    assert built.status["title"]["text"].startswith("Status")
    assert isinstance(built.coverage["datasets"], dict)


@pytest.mark.parametrize("scanner_type", ["summarizer", "indexer"])
def test_types_without_a_distribution_get_status_and_coverage_only(
    stats: Factory, scanner_type: str
) -> None:
    built = charts.specs(stats("monitor"), scanner(scanner_type))
    assert built.distribution is None


def test_the_histogram_axis_names_what_the_scale_measures(stats: Factory) -> None:
    labelled = scanner("scorer", {"prompt": "p", "scale": {"min": 0, "max": 10, "label": "Ease"}})
    built = charts.specs(stats("scorer"), labelled)
    assert built.distribution is not None and "Ease" in str(built.distribution.spec)
    assert built.distribution.caption.startswith("30 scored · min 1.00")


@pytest.mark.parametrize(
    "builder",
    [
        lambda stats: charts.verdict_chart(
            stats(
                "monitor", monitor={"yes_total": 0, "no_total": 0, "inconclusive_total": 0}
            ).monitor
        ),
        lambda stats: charts.tag_ranking_chart(
            stats(
                "classifier",
                classifier={"fixed_ranked": [], "freeform_ranked": [], "total_with_tags": 0},
            ).classifier
        ),
        lambda stats: charts.score_histogram(Histogram((), ()), None),
    ],
)
def test_builders_accept_empty_data(stats: Factory, builder: Any) -> None:
    chart = builder(stats)
    assert isinstance(chart, alt.TopLevelMixin)
    assert chart.to_dict()["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
