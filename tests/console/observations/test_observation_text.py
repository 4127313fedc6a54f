"""vision_console.observation_text: headline, reasoning, error reasons and formatting as text."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from vision_console import observation_text as obs_text

Factory = Callable[..., dict[str, Any]]


# --- links ----------------------------------------------------------------------------------


def test_moment_url_starts_the_player_at_the_cited_second() -> None:
    base = "https://us.posthog.com/project/7/replay/abc"
    assert obs_text.moment_url(base, 83_999) == base + "?t=83"
    assert obs_text.moment_url(base + "?x=1", 1_000) == base + "?x=1&t=1"
    assert obs_text.moment_url(None, 1_000) is None
    assert obs_text.moment_url(base, -1) is None


# --- error reasons --------------------------------------------------------------------------


def test_known_failure_kind_is_explained() -> None:
    explained = obs_text.explain_error("provider_transient:Gemini returned 503")
    assert explained == {
        "kind": "provider_transient",
        "label": "AI provider unavailable",
        "description": explained["description"] if explained else "",
        "category": "failed",
        "message": "Gemini returned 503",
    }
    assert explained is not None and "retry" in explained["description"]


def test_ineligible_kind_is_explained() -> None:
    explained = obs_text.explain_error("too_short:Recording is 4s long")
    assert explained is not None
    assert (explained["label"], explained["category"]) == ("Too short", "ineligible")
    assert explained["message"] == "Recording is 4s long"


def test_unknown_kind_keeps_its_name_and_message() -> None:
    explained = obs_text.explain_error("quota_paused:Out of credits: try later")
    assert explained is not None
    assert explained["label"] == "Quota paused"
    assert explained["message"] == "Out of credits: try later"
    assert explained["description"] == ""


def test_reason_without_kind_is_all_message() -> None:
    explained = obs_text.explain_error("Something broke: badly")
    assert explained is not None
    assert (explained["kind"], explained["message"]) == ("", "Something broke: badly")
    assert obs_text.explain_error("") is None
    assert obs_text.explain_error(None) is None


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
    headline = obs_text.headline(observation(scanner_type), scanner_type)
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
    assert obs_text.headline(observation("monitor", 0, status), "monitor")["value"] == value


def test_reasoning_is_returned_verbatim_for_plain_text_rendering(observation: Factory) -> None:
    output = observation("monitor")["scanner_result"]["model_output"]
    assert obs_text.reasoning_text(output) == "The user **clicked** <b>Pay</b> three times."


def test_reasoning_falls_back_to_segments_with_timestamps() -> None:
    output = {
        "reasoning_segments": [
            {"kind": "text", "value": "Stuck at "},
            {"kind": "chip", "timestamp_ms": 83_000},
            {"kind": "chip", "timestamp_ms": 83_000},
            "junk",
        ]
    }
    assert obs_text.reasoning_text(output) == "Stuck at [1:23][1:23]"
    assert obs_text.cited_moments(output) == [83_000]


def test_summarizer_summary_is_its_reasoning(observation: Factory) -> None:
    output = observation("summarizer")["scanner_result"]["model_output"]
    assert obs_text.reasoning_text(output) == "The user compared plans."


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
    assert obs_text.format_duration(seconds) == text


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
    assert obs_text.confidence_label(confidence) == text


def test_lifecycle_lists_times_and_run_time(observation: Factory) -> None:
    assert obs_text.lifecycle(observation("monitor")) == [
        ("Created", "2026-11-20 09:59:58 UTC"),
        ("Started", "2026-11-20 10:00:00 UTC"),
        ("Completed", "2026-11-20 10:00:12 UTC"),
        ("Run time", "12.5 s"),
    ]
    assert obs_text.lifecycle(observation("monitor", 0, "pending"))[1:] == [
        ("Started", "—"),
        ("Completed", "—"),
        ("Run time", "—"),
    ]


def test_snapshot_items_show_config_without_the_prompt(observation: Factory) -> None:
    items = dict(obs_text.snapshot_items(observation("scorer")))
    assert items["Version"] == "v1"
    assert items["Model"] == "gemini-3-flash-preview"
    assert items["Scale"] == "min: 0, max: 10, label: Ease"
    assert items["Emits signals"] == "No"
    assert "Prompt" not in items
    assert obs_text.snapshot_prompt(observation("scorer")) == "Rate ease"
    assert obs_text.snapshot_items({"scanner_snapshot": None}) == []
