"""vision_console.observations.records: rows -> records, the table, trends and versions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest

from vision_console.observations import records as obs_records

Factory = Callable[..., dict[str, Any]]

MIXED = ["succeeded"] * 6 + ["failed", "ineligible", "pending", "running"]


def records(observation: Factory, scanner_type: str, statuses: list[str]) -> pd.DataFrame:
    rows = [observation(scanner_type, index, status) for index, status in enumerate(statuses)]
    return obs_records.observation_records(rows, link)


def link(session_id: str) -> str:
    return f"https://eu.posthog.com/project/2/replay/{session_id}"


def test_records_carry_the_link_the_connection_builds(observation: Factory) -> None:
    frame = obs_records.observation_records(
        [observation("monitor")], lambda session: f"L/{session}"
    )
    assert frame.loc[0, "recording_url"] == "L/sess-0000"
    assert pd.isna(
        obs_records.observation_records([observation("monitor")]).loc[0, "recording_url"]
    )


# --- records and table ----------------------------------------------------------------------


def test_records_flatten_every_type(observation: Factory) -> None:
    frame = records(observation, "monitor", MIXED)
    assert list(frame.columns) == list(obs_records.RECORD_COLUMNS)
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
    frame = obs_records.observation_records([broken, {"id": "only-an-id"}])
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
    table = obs_records.table_frame(
        records(observation, scanner_type, ["succeeded", "failed"]), scanner_type
    )
    assert list(table.columns) == list(obs_records.TABLE_COLUMNS)
    assert table.iloc[0]["Result"] == expected
    assert table.iloc[1]["Reason"] == "AI provider unavailable"
    assert table.index.name == "id"
    assert table.iloc[0]["Triggered by"] == "on demand"


# --- trends and versions --------------------------------------------------------------------


def test_over_time_counts_every_row_once(observation: Factory) -> None:
    frame, unit = obs_records.over_time_frame(records(observation, "monitor", MIXED))
    assert frame["count"].sum() == len(MIXED)
    assert set(frame["category"]) == {"succeeded", "failed", "ineligible", "in flight"}
    assert unit == "yearmonthdate"


def test_over_time_is_hourly_for_short_spans(observation: Factory) -> None:
    rows = [
        observation("monitor", index, created_at=f"2026-11-20T0{index}:00:00Z")
        for index in range(3)
    ]
    frame, unit = obs_records.over_time_frame(obs_records.observation_records(rows))
    assert unit == "yearmonthdatehours"
    assert len(frame) == 3


def test_verdicts_over_time_only_count_settled_verdicts(observation: Factory) -> None:
    frame, _unit = obs_records.over_time_frame(records(observation, "monitor", MIXED), by="verdict")
    assert set(frame["category"]) == {"yes"}
    assert frame["count"].sum() == 6


def test_version_mix_shares_sum_to_one_per_version(observation: Factory) -> None:
    frame = obs_records.version_mix_frame(records(observation, "monitor", MIXED))
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
    frame = obs_records.version_score_frame(obs_records.observation_records(rows))
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
    frame = obs_records.version_tag_frame(obs_records.observation_records(rows))
    v1 = frame[frame["version"] == "v1"].set_index("tag")["share"].to_dict()
    assert v1 == {"bug": 1.0, "checkout": 0.5, "rage-click": 0.5}


def test_version_summary_reports_rates(observation: Factory) -> None:
    summary = obs_records.version_summary(records(observation, "monitor", MIXED), "monitor")
    assert list(summary["Version"]) == ["v1", "v2"]
    assert summary["Observations"].sum() == len(MIXED)
    assert summary.loc[0, "Success rate"] == pytest.approx(3 / 4)
    assert summary.loc[0, "Yes rate"] == 1.0
