"""vision_console.observation_text: headline, reasoning, error reasons and formatting as text,
all read from the typed Observation (shared with the Scanners page)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from vision_api import Observation
from vision_console import observation_text as obs_text

Factory = Callable[..., Observation]


# --- links ----------------------------------------------------------------------------------


def test_moment_url_starts_the_player_at_the_cited_second() -> None:
    base = "https://us.posthog.com/project/7/replay/abc"
    assert obs_text.moment_url(base, 83_999) == base + "?t=83"
    assert obs_text.moment_url(base + "?x=1", 1_000) == base + "?x=1&t=1"
    assert obs_text.moment_url(None, 1_000) is None
    assert obs_text.moment_url(base, -1) is None


# --- error reasons --------------------------------------------------------------------------


def test_known_failure_kind_is_explained() -> None:
    explained = obs_text.explain_reason("provider_transient:Gemini returned 503")
    assert explained is not None
    assert (explained.kind, explained.label, explained.category, explained.message) == (
        "provider_transient",
        "AI provider unavailable",
        "failed",
        "Gemini returned 503",
    )
    assert "retry" in explained.description


def test_ineligible_kind_is_explained() -> None:
    explained = obs_text.explain_reason("too_short:Recording is 4s long")
    assert explained is not None
    assert (explained.label, explained.category) == ("Too short", "ineligible")
    assert explained.message == "Recording is 4s long"


def test_unknown_kind_keeps_its_name_and_message() -> None:
    explained = obs_text.explain_reason("quota_paused:Out of credits: try later")
    assert explained is not None
    assert explained.label == "Quota paused"
    assert explained.message == "Out of credits: try later"
    assert explained.description == ""


def test_reason_without_kind_is_all_message() -> None:
    explained = obs_text.explain_reason("Something broke: badly")
    assert explained is not None
    assert (explained.kind, explained.message) == ("", "Something broke: badly")
    assert obs_text.explain_reason("") is None
    assert obs_text.explain_reason("   ") is None


def test_an_observation_explains_its_own_error(observation: Factory) -> None:
    explained = obs_text.explain_error(observation("monitor", 0, "ineligible"))
    assert explained is not None and explained.label == "Too short"
    assert obs_text.explain_error(observation("monitor")) is None


# --- detail ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scanner_type", "label", "value", "caption"),
    [
        ("monitor", "Verdict", "YES", ""),
        ("scorer", "Score", "7.5 / 10", "Ease"),
        ("classifier", "Tags", "bug, checkout, rage-click (freeform)", ""),
        ("summarizer", "Summary", "Bought a plan", ""),
    ],
)
def test_headline_per_scanner_type(
    observation: Factory, scanner_type: str, label: str, value: str, caption: str
) -> None:
    headline = obs_text.headline(observation(scanner_type), scanner_type)
    assert (headline.label, headline.value, headline.caption) == (label, value, caption)


def test_an_unknown_type_gets_the_generic_headline(observation: Factory) -> None:
    headline = obs_text.headline(observation("summarizer"), "indexer")
    assert (headline.label, headline.value) == ("Result", "Bought a plan")


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
    assert obs_text.headline(observation("monitor", 0, status), "monitor").value == value


def test_reasoning_is_returned_verbatim_for_plain_text_rendering(observation: Factory) -> None:
    text = obs_text.reasoning_text(observation("monitor"))
    assert text == "The user **clicked** <b>Pay</b> three times."


def test_reasoning_falls_back_to_segments_with_timestamps(observation: Factory) -> None:
    output = {
        "reasoning_segments": [
            {"kind": "text", "value": "Stuck at "},
            {"kind": "chip", "timestamp_ms": 83_000},
            {"kind": "chip", "timestamp_ms": 83_000},
            "junk",
        ]
    }
    segmented = observation("monitor", scanner_result={"model_output": output, "signals_count": 0})
    assert obs_text.reasoning_text(segmented) == "Stuck at [1:23][1:23]"
    assert obs_text.cited_moments(segmented) == [83_000]


def test_summarizer_summary_is_its_reasoning(observation: Factory) -> None:
    assert obs_text.reasoning_text(observation("summarizer")) == "The user compared plans."


@pytest.mark.parametrize(
    ("confidence", "text"),
    [
        (0.91, "High (91%)"),
        (0.996, "High (>99%)"),  # the house style: 100% only when it is
        (0.5, "Medium (50%)"),
        (0.2, "Low (20%)"),
        (None, "—"),
    ],
)
def test_confidence_label(observation: Factory, confidence: float | None, text: str) -> None:
    output = {"verdict": "yes", "confidence": confidence}
    row = observation("monitor", scanner_result={"model_output": output, "signals_count": 0})
    assert obs_text.confidence_label(row) == text


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
    assert items["Type"] == "Scorer"
    assert items["Version"] == "v1"
    assert items["Model"] == "gemini-3-flash-preview"
    assert items["Scale"] == "min: 0, max: 10, label: Ease"
    assert items["Emits signals"] == "No"
    assert "Prompt" not in items
    assert obs_text.snapshot_prompt(observation("scorer")) == "Rate ease"
    assert obs_text.snapshot_items(observation("scorer", scanner_snapshot=None)) == []


def test_snapshot_config_keys_are_named_as_the_types_form_names_them(
    observation: Factory,
) -> None:
    items = dict(obs_text.snapshot_items(observation("classifier")))
    assert items["Allow freeform tags"] == "Yes"
    assert items["Tags"] == "bug, checkout, confusion"
