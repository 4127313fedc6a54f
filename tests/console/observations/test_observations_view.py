"""console.observations_view: stats -> frames, rows -> records/table, detail text, clicks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest

from console import charts
from console import observations_view as view

Factory = Callable[..., dict[str, Any]]
MIXED = ["succeeded"] * 6 + ["failed", "ineligible", "pending", "running"]


def records(observation: Factory, scanner_type: str, statuses: list[str]) -> pd.DataFrame:
    rows = [observation(scanner_type, index, status) for index, status in enumerate(statuses)]
    return view.observation_records(rows, link)


def link(session_id: str) -> str:
    return f"https://eu.posthog.com/project/2/replay/{session_id}"


# --- stats -> frames --------------------------------------------------------------------------


def test_status_metrics_read_the_stats_counts(stats: Factory) -> None:
    assert view.status_metrics(stats("monitor")) == {
        "total": 40,
        "succeeded": 30,
        "failed": 4,
        "ineligible": 3,
        "in_flight": 3,
        "success_rate": 88,
    }


def test_status_frame_shares_add_up_to_the_total(stats: Factory) -> None:
    frame = view.status_frame(stats("classifier"))
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
    assert view.status_metrics(empty)["success_rate"] is None
    assert view.status_frame(empty)["share"].tolist() == [0.0, 0.0, 0.0, 0.0]


def test_models_with_raw_are_read_like_dicts(stats: Factory) -> None:
    class Model:
        raw = stats("monitor")

    assert view.status_metrics(Model())["total"] == 40


def test_coverage_frame_labels_the_recent_window(stats: Factory) -> None:
    payload = stats(
        "monitor", coverage={"recent_sessions": 5, "total_sessions": 20, "recent_days": 30}
    )
    frame = view.coverage_frame(payload)
    assert frame.to_dict("records") == [
        {"window": "Last 30 days", "sessions": 5, "share": 0.25},
        {"window": "All time", "sessions": 20, "share": 1.0},
    ]


def test_verdict_frame_only_for_monitors(stats: Factory) -> None:
    assert view.verdict_frame(stats("scorer")) is None
    frame = view.verdict_frame(stats("monitor"))
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
    assert view.parse_bucket_label(label) == bounds


def test_histogram_edges_straddle_rounded_scores(stats: Factory) -> None:
    payload = stats(
        "scorer",
        scorer={
            "summary": None,
            "histogram": {"labels": ["0–4", "5–9", "10"], "counts": [1, 2, 3]},
        },
    )
    frame = view.histogram_frame(payload)
    assert frame is not None
    assert frame[["start", "end"]].values.tolist() == [[-0.5, 4.5], [4.5, 9.5], [9.5, 10.5]]
    assert frame["share"].tolist() == pytest.approx([1 / 6, 2 / 6, 3 / 6])


def test_histogram_with_unreadable_labels_falls_back_to_slots(stats: Factory) -> None:
    payload = stats(
        "scorer",
        scorer={"summary": None, "histogram": {"labels": ["low", "high"], "counts": [1, 1]}},
    )
    frame = view.histogram_frame(payload)
    assert frame is not None
    assert frame[["start", "end"]].values.tolist() == [[0, 1], [1, 2]]


def test_scorer_without_scores_has_no_histogram_or_summary(stats: Factory) -> None:
    payload = stats("scorer", scorer={"summary": None, "histogram": None})
    assert view.histogram_frame(payload) is None
    assert view.summary_frame(payload) is None
    assert view.scored_count(payload) == 0


def test_summary_frame_keeps_the_six_markers_in_order(stats: Factory) -> None:
    frame = view.summary_frame(stats("scorer"))
    assert frame is not None
    assert list(frame["stat"]) == ["min", "p25", "median", "mean", "p75", "max"]
    assert view.scored_count(stats("scorer")) == 30


def test_tag_frame_marks_kinds_and_shares_of_tagged(stats: Factory) -> None:
    frame = view.tag_frame(stats("classifier"))
    assert frame is not None
    assert frame.loc[frame["tag"] == "bug", "share"].item() == pytest.approx(14 / 28)
    assert frame.loc[frame["tag"] == "rage-click", "kind"].item() == "freeform"
    assert view.tagged_count(stats("classifier")) == 28
    assert view.available_tags(stats("classifier")) == [
        "bug",
        "checkout",
        "confusion",
        "rage-click",
    ]
    assert view.tag_frame(stats("monitor")) is None


def test_bucket_window_ascending_and_descending(stats: Factory) -> None:
    buckets = view.histogram_frame(stats("scorer"))
    assert buckets is not None
    counts = buckets["count"].tolist()
    assert view.bucket_window(buckets, "5", descending=False) == (sum(counts[:5]), counts[5])
    assert view.bucket_window(buckets, "5", descending=True) == (sum(counts[6:]), counts[5])
    assert view.bucket_window(buckets, "42", descending=False) is None


# --- links ----------------------------------------------------------------------------------


def test_moment_url_starts_the_player_at_the_cited_second() -> None:
    base = "https://us.posthog.com/project/7/replay/abc"
    assert view.moment_url(base, 83_999) == base + "?t=83"
    assert view.moment_url(base + "?x=1", 1_000) == base + "?x=1&t=1"
    assert view.moment_url(None, 1_000) is None
    assert view.moment_url(base, -1) is None


def test_records_carry_the_link_the_connection_builds(observation: Factory) -> None:
    frame = view.observation_records([observation("monitor")], lambda session: f"L/{session}")
    assert frame.loc[0, "recording_url"] == "L/sess-0000"
    assert pd.isna(view.observation_records([observation("monitor")]).loc[0, "recording_url"])


# --- error reasons --------------------------------------------------------------------------


def test_known_failure_kind_is_explained() -> None:
    explained = view.explain_error("provider_transient:Gemini returned 503")
    assert explained == {
        "kind": "provider_transient",
        "label": "AI provider unavailable",
        "description": explained["description"] if explained else "",
        "category": "failed",
        "message": "Gemini returned 503",
    }
    assert explained is not None and "retry" in explained["description"]


def test_ineligible_kind_is_explained() -> None:
    explained = view.explain_error("too_short:Recording is 4s long")
    assert explained is not None
    assert (explained["label"], explained["category"]) == ("Too short", "ineligible")
    assert explained["message"] == "Recording is 4s long"


def test_unknown_kind_keeps_its_name_and_message() -> None:
    explained = view.explain_error("quota_paused:Out of credits: try later")
    assert explained is not None
    assert explained["label"] == "Quota paused"
    assert explained["message"] == "Out of credits: try later"
    assert explained["description"] == ""


def test_reason_without_kind_is_all_message() -> None:
    explained = view.explain_error("Something broke: badly")
    assert explained is not None
    assert (explained["kind"], explained["message"]) == ("", "Something broke: badly")
    assert view.explain_error("") is None
    assert view.explain_error(None) is None


# --- records and table ----------------------------------------------------------------------


def test_records_flatten_every_type(observation: Factory) -> None:
    frame = records(observation, "monitor", MIXED)
    assert list(frame.columns) == list(view.RECORD_COLUMNS)
    assert len(frame) == len(MIXED)
    first = frame.iloc[0]
    assert (first["verdict"], first["confidence"], first["duration_s"]) == ("yes", 0.91, 12.5)
    assert first["recording_url"] == "https://eu.posthog.com/project/2/replay/sess-0000"
    assert str(frame["created_at"].dt.tz) == "UTC"
    failed = frame[frame["status"] == "failed"].iloc[0]
    assert (failed["error_kind"], failed["error_label"]) == (
        "provider_transient",
        "AI provider unavailable",
    )
    assert pd.isna(failed["verdict"])
    pending = frame[frame["status"] == "pending"].iloc[0]
    assert pending["outcome"] == "in flight" and pd.isna(pending["duration_s"])


def test_records_survive_malformed_rows(observation: Factory) -> None:
    broken = observation(
        "scorer",
        1,
        scanner_result={"model_output": {"score": "high"}},
        scanner_snapshot=None,
        started_at="not a date",
    )
    frame = view.observation_records([broken, {"id": "only-an-id"}])
    assert len(frame) == 2
    assert pd.isna(frame.loc[0, "score"]) and pd.isna(frame.loc[0, "started_at"])
    assert pd.isna(frame.loc[1, "scanner_version"])


@pytest.mark.parametrize(
    ("scanner_type", "expected"),
    [
        ("monitor", "yes"),
        ("scorer", 7.5),
        ("classifier", ["bug", "checkout", "rage-click"]),
        ("summarizer", "Bought a plan"),
    ],
)
def test_table_result_column_follows_the_scanner_type(
    observation: Factory, scanner_type: str, expected: Any
) -> None:
    table = view.table_frame(
        records(observation, scanner_type, ["succeeded", "failed"]), scanner_type
    )
    assert list(table.columns) == list(view.TABLE_COLUMNS)
    assert table.iloc[0]["Result"] == expected
    assert table.iloc[1]["Reason"] == "AI provider unavailable"
    assert table.index.name == "id"
    assert table.iloc[0]["Triggered by"] == "on demand"


# --- trends and versions --------------------------------------------------------------------


def test_over_time_counts_every_row_once(observation: Factory) -> None:
    frame, unit = view.over_time_frame(records(observation, "monitor", MIXED))
    assert frame["count"].sum() == len(MIXED)
    assert set(frame["category"]) == {"succeeded", "failed", "ineligible", "in flight"}
    assert unit == "yearmonthdate"


def test_over_time_is_hourly_for_short_spans(observation: Factory) -> None:
    rows = [
        observation("monitor", index, created_at=f"2026-11-20T0{index}:00:00Z")
        for index in range(3)
    ]
    frame, unit = view.over_time_frame(view.observation_records(rows))
    assert unit == "yearmonthdatehours"
    assert len(frame) == 3


def test_verdicts_over_time_only_count_settled_verdicts(observation: Factory) -> None:
    frame, _unit = view.over_time_frame(records(observation, "monitor", MIXED), by="verdict")
    assert set(frame["category"]) == {"yes"}
    assert frame["count"].sum() == 6


def test_version_mix_shares_sum_to_one_per_version(observation: Factory) -> None:
    frame = view.version_mix_frame(records(observation, "monitor", MIXED))
    assert frame.groupby("version")["share"].sum().tolist() == pytest.approx([1.0, 1.0])
    assert frame.groupby("version")["count"].sum().to_dict() == {"v1": 5, "v2": 5}


def test_version_score_frame_summarises_each_version(observation: Factory) -> None:
    rows = [
        observation("scorer", 0),
        observation("scorer", 2),
        observation(
            "scorer", 1, scanner_result={"model_output": {"score": 2.0}, "signals_count": 0}
        ),
    ]
    frame = view.version_score_frame(view.observation_records(rows))
    by_version = frame.set_index("version")
    assert by_version.loc["v1", "count"] == 2 and by_version.loc["v1", "mean"] == 7.5
    assert by_version.loc["v2", "min"] == 2.0


def test_version_tag_frame_shares_are_per_version(observation: Factory) -> None:
    rows = [
        observation("classifier", 0),
        observation(
            "classifier",
            2,
            scanner_result={
                "model_output": {"tags": ["bug"], "tags_freeform": []},
                "signals_count": 0,
            },
        ),
    ]
    frame = view.version_tag_frame(view.observation_records(rows))
    v1 = frame[frame["version"] == "v1"].set_index("tag")["share"].to_dict()
    assert v1 == {"bug": 1.0, "checkout": 0.5, "rage-click": 0.5}


def test_version_summary_reports_rates(observation: Factory) -> None:
    summary = view.version_summary(records(observation, "monitor", MIXED), "monitor")
    assert list(summary["Version"]) == ["v1", "v2"]
    assert summary["Observations"].sum() == len(MIXED)
    assert summary.loc[0, "Success rate"] == pytest.approx(3 / 4)
    assert summary.loc[0, "Yes rate"] == 1.0


# --- detail ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scanner_type", "value", "caption"),
    [
        ("monitor", "YES", ""),
        ("scorer", "7.5 / 10", "Ease"),
        ("classifier", "bug, checkout, rage-click (freeform)", ""),
        ("summarizer", "Bought a plan", ""),
    ],
)
def test_headline_per_scanner_type(
    observation: Factory, scanner_type: str, value: str, caption: str
) -> None:
    headline = view.headline(observation(scanner_type), scanner_type)
    assert (headline["value"], headline["caption"]) == (value, caption)


@pytest.mark.parametrize(
    ("status", "value"),
    [
        ("pending", "Waiting to start"),
        ("running", "Scanning now…"),
        ("failed", "Failed before completion"),
        ("ineligible", "The model was not invoked"),
    ],
)
def test_headline_without_result_says_why(observation: Factory, status: str, value: str) -> None:
    assert view.headline(observation("monitor", 0, status), "monitor")["value"] == value


def test_reasoning_is_returned_verbatim_for_plain_text_rendering(observation: Factory) -> None:
    output = observation("monitor")["scanner_result"]["model_output"]
    assert view.reasoning_text(output) == "The user **clicked** <b>Pay</b> three times."


def test_reasoning_falls_back_to_segments_with_timestamps() -> None:
    output = {
        "reasoning_segments": [
            {"kind": "text", "value": "Stuck at "},
            {"kind": "chip", "timestamp_ms": 83_000},
            {"kind": "chip", "timestamp_ms": 83_000},
            "junk",
        ]
    }
    assert view.reasoning_text(output) == "Stuck at [1:23][1:23]"
    assert view.cited_moments(output) == [83_000]


def test_summarizer_summary_is_its_reasoning(observation: Factory) -> None:
    output = observation("summarizer")["scanner_result"]["model_output"]
    assert view.reasoning_text(output) == "The user compared plans."


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (None, "—"),
        (0.85, "850 ms"),
        (12.44, "12.4 s"),
        (185, "3m 05s"),
        (float("nan"), "—"),
    ],
)
def test_format_duration(seconds: float | None, text: str) -> None:
    assert view.format_duration(seconds) == text


@pytest.mark.parametrize(
    ("confidence", "text"),
    [
        (0.91, "High (91%)"),
        (0.5, "Medium (50%)"),
        (0.2, "Low (20%)"),
        (None, "—"),
    ],
)
def test_confidence_label(confidence: float | None, text: str) -> None:
    assert view.confidence_label(confidence) == text


def test_lifecycle_lists_times_and_run_time(observation: Factory) -> None:
    assert view.lifecycle(observation("monitor")) == [
        ("Created", "2026-11-20 09:59:58 UTC"),
        ("Started", "2026-11-20 10:00:00 UTC"),
        ("Completed", "2026-11-20 10:00:12 UTC"),
        ("Run time", "12.5 s"),
    ]
    assert view.lifecycle(observation("monitor", 0, "pending"))[1:] == [
        ("Started", "—"),
        ("Completed", "—"),
        ("Run time", "—"),
    ]


def test_snapshot_items_show_config_without_the_prompt(observation: Factory) -> None:
    items = dict(view.snapshot_items(observation("scorer")))
    assert items["Version"] == "v1"
    assert items["Model"] == "gemini-3-flash-preview"
    assert items["Scale"] == "min: 0, max: 10, label: Ease"
    assert items["Emits signals"] == "No"
    assert "Prompt" not in items
    assert view.snapshot_prompt(observation("scorer")) == "Rate ease"
    assert view.snapshot_items({"scanner_snapshot": None}) == []


@pytest.mark.parametrize(
    ("position", "total", "expected"),
    [
        (0, 3, (None, 1)),
        (1, 3, (0, 2)),
        (2, 3, (1, None)),
        (0, 1, (None, None)),
    ],
)
def test_neighbours_stop_at_the_ends(position: int, total: int, expected: Any) -> None:
    assert view.neighbours(position, total) == expected


def test_page_count_is_at_least_one() -> None:
    assert (view.page_count(0, 50), view.page_count(50, 50), view.page_count(51, 50)) == (1, 1, 2)


# --- chart clicks -> filters ----------------------------------------------------------------


def test_verdict_click_sets_the_verdict_filter() -> None:
    assert view.filters_from_selection(charts.VERDICT_SELECTION, [{"verdict": "no"}]) == {
        "verdict": ("no",)
    }


def test_tag_click_sets_the_tags_filter() -> None:
    assert view.filters_from_selection(charts.TAG_SELECTION, [{"tag": "bug"}, {"tag": "bug"}]) == {
        "tags": ("bug",)
    }


def test_bucket_click_sets_the_bucket_and_clearing_removes_it() -> None:
    assert view.filters_from_selection(charts.BUCKET_SELECTION, [{"bucket": "5–9"}]) == {
        "bucket": "5–9"
    }
    assert view.filters_from_selection(charts.BUCKET_SELECTION, []) == {"bucket": None}


def test_in_flight_click_means_pending_and_running() -> None:
    assert view.filters_from_selection(charts.STATUS_SELECTION, [{"outcome": "in flight"}]) == {
        "status": ("pending", "running")
    }


def test_malformed_or_unknown_selections_change_nothing_unsafe() -> None:
    assert view.filters_from_selection("vgsid_pick", [{"verdict": "yes"}]) == {}
    assert view.filters_from_selection(charts.VERDICT_SELECTION, [{"vgsid": 3}, "x"]) == {
        "verdict": ()
    }
    assert view.filters_from_selection(charts.VERDICT_SELECTION, [{"verdict": "maybe"}]) == {
        "verdict": ()
    }


# --- page requests --------------------------------------------------------------------------


def test_small_sets_are_fetched_whole_in_one_request() -> None:
    plan = view.plan_page_request(total=120, page=3, page_size=50, order_by="-created_at")
    assert plan == view.PageRequest("-created_at", 0, view.WHOLE_SET_LIMIT, 100, True)


def test_large_sets_are_fetched_one_page_at_a_time() -> None:
    plan = view.plan_page_request(total=5000, page=3, page_size=50, order_by="status")
    assert plan == view.PageRequest("status", 100, 50, 0, False)
    last = view.plan_page_request(total=5010, page=101, page_size=50, order_by="status")
    assert (last.offset, last.limit) == (5000, 10)


def test_a_bucket_becomes_its_run_of_rows_sorted_by_score(stats: Factory) -> None:
    buckets = view.histogram_frame(stats("scorer"))
    counts = buckets["count"].tolist() if buckets is not None else []
    plan = view.plan_page_request(40, 1, 50, "-created_at", buckets, "5")
    assert plan == view.PageRequest("result_score", sum(counts[:5]), counts[5], 0, True)
    down = view.plan_page_request(40, 1, 50, "-result_score", buckets, "5")
    assert (down.order_by, down.offset) == ("-result_score", sum(counts[6:]))


def test_large_bucket_pages_stay_inside_the_bucket(stats: Factory) -> None:
    payload = stats(
        "scorer",
        scorer={"summary": None, "histogram": {"labels": ["0", "1"], "counts": [30, 2000]}},
    )
    buckets = view.histogram_frame(payload)
    plan = view.plan_page_request(2030, 40, 50, "-created_at", buckets, "1", whole_set_limit=100)
    assert plan == view.PageRequest("result_score", 30 + 1950, 50, 0, False)


# --- previous / next ------------------------------------------------------------------------

IDS = [f"id{n}" for n in range(7)]


def test_step_within_a_fetched_whole_set_names_the_row() -> None:
    assert view.step_target(1, 3, 2, 7, +1, IDS[:3], IDS) == (2, "id3")
    assert view.step_target(2, 3, 0, 7, -1, IDS[3:6], IDS) == (1, "id2")


def test_step_stops_at_both_ends() -> None:
    assert view.step_target(1, 3, 0, 7, -1, IDS[:3], IDS) is None
    assert view.step_target(3, 3, 0, 7, +1, IDS[6:], IDS) is None


def test_step_across_an_unfetched_page_lands_on_its_first_or_last_row() -> None:
    assert view.step_target(1, 3, 2, 7, +1, IDS[:3]) == (2, view.FIRST)
    assert view.step_target(2, 3, 0, 7, -1, IDS[3:6]) == (1, view.LAST)
    assert view.step_target(2, 3, 1, 7, +1, IDS[3:6]) == (2, "id5")
