"""One observation as text: its headline result, reasoning, error explained, lifecycle and
the scanner snapshot it ran with, plus the small formatters the table and detail share.

Shared by the Observations explorer and the Scanners page (the result of "apply to a
session"). Everything reads the typed ``vision_api.Observation``; everything returned is plain
text for ``st.text``/dataframe cells: API strings are passed through verbatim, never turned
into Markdown. A result's headline is the scanner type's own (``scanner_types``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from vision_api import Observation
from vision_console import format as fmt
from vision_console import scanner_types
from vision_console.scanner_types import Headline


def moment_url(recording: str | None, at_ms: int) -> str | None:
    """The recording link starting the player at a cited moment (``?t=<seconds>``)."""
    if not recording or at_ms < 0:
        return None
    separator = "&" if "?" in recording else "?"
    return f"{recording}{separator}t={at_ms // 1000}"


_FAILED_KINDS: Mapping[str, tuple[str, str]] = {
    "provider_transient": (
        "AI provider unavailable",
        "The AI provider was temporarily unavailable; a retry usually works.",
    ),
    "provider_rejected": (
        "AI provider rejected the video",
        "The AI provider refused to process this recording's video.",
    ),
    "rasterization_failed": (
        "Recording video failed",
        "The recording could not be turned into a video for the model.",
    ),
    "validation_failed": (
        "AI output invalid",
        "The model's answer did not match the scanner's expected format.",
    ),
    "internal_error": ("Internal error", "Something went wrong inside Replay Vision."),
    "orphaned": ("Interrupted", "The scan stopped before finishing and was given up on."),
    "infra_transient": (
        "Infrastructure hiccup",
        "A temporary infrastructure problem stopped the scan; retrying helps.",
    ),
}
_INELIGIBLE_KINDS: Mapping[str, tuple[str, str]] = {
    "no_recording": ("No recording", "No recording exists for this session."),
    "too_short": ("Too short", "The recording is shorter than the 15 seconds a scan needs."),
    "too_inactive": ("Too inactive", "The recording has under 10 seconds of user activity."),
    "too_long": ("Too long", "The recording has more than an hour of activity."),
    "no_events": ("No events", "The recording has no events to analyse."),
    "no_snapshots": ("No snapshots", "The recording has no screen snapshots to render."),
}


@dataclass(frozen=True, slots=True)
class ExplainedError:
    """An ``error_reason`` explained: its kind, a label and description a person can read,
    whether the kind means ``failed`` or ``ineligible`` ("" when unknown), and the message."""

    kind: str
    label: str
    description: str
    category: str
    message: str


def explain_reason(error_reason: str) -> ExplainedError | None:
    """Split an ``error_reason`` ("kind:human message") into kind, label, description, message.

    Unknown kinds keep their raw kind as the label; a reason without a kind is all message.
    Returns None for an empty reason.
    """
    if not error_reason.strip():
        return None
    kind, sep, message = error_reason.partition(":")
    kind = kind.strip()
    if not sep or not re.fullmatch(r"[a-z][a-z0-9_]*", kind):
        return ExplainedError("", "Error", "", "", error_reason.strip())
    if kind in _FAILED_KINDS:
        (label, description), category = _FAILED_KINDS[kind], "failed"
    elif kind in _INELIGIBLE_KINDS:
        (label, description), category = _INELIGIBLE_KINDS[kind], "ineligible"
    else:
        label, description, category = kind.replace("_", " ").capitalize(), "", ""
    return ExplainedError(kind, label, description, category, message.strip())


def explain_error(observation: Observation) -> ExplainedError | None:
    """Why an observation failed or was skipped, or None when it has no error reason."""
    return explain_reason(observation.error_reason)


def reasoning_text(observation: Observation) -> str:
    """The model's reasoning (or a summarizer's summary) as plain text."""
    output = observation.model_output
    for text in (observation.reasoning, observation.summary):
        if text and text.strip():
            return text
    for key in ("reasoning_segments", "summary_segments"):
        segments = output.get(key)
        if isinstance(segments, list) and segments:
            return "".join(_segment_text(segment) for segment in segments)
    return ""


def _segment_text(segment: Any) -> str:
    if not isinstance(segment, Mapping):
        return ""
    if segment.get("kind") == "chip" and isinstance(segment.get("timestamp_ms"), int):
        return f"[{format_offset(segment['timestamp_ms'])}]"
    value = segment.get("value")
    return value if isinstance(value, str) else ""


def cited_moments(observation: Observation) -> list[int]:
    """Distinct timestamps (ms from session start) the model cited, in order of appearance."""
    moments: dict[int, None] = {}
    output = observation.model_output
    for key in ("reasoning_segments", "summary_segments"):
        segments = output.get(key)
        for segment in segments if isinstance(segments, list) else ():
            if (
                isinstance(segment, Mapping)
                and segment.get("kind") == "chip"
                and isinstance(segment.get("timestamp_ms"), int)
                and segment["timestamp_ms"] >= 0
            ):
                moments.setdefault(segment["timestamp_ms"], None)
    return list(moments)


def format_offset(milliseconds: int) -> str:
    """A position in a recording: 83_000 -> "1:23", 3_723_000 -> "1:02:03"."""
    seconds = max(milliseconds, 0) // 1000
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def confidence_label(observation: Observation) -> str:
    """High (≥ 0.8), Medium (≥ 0.5) or Low, with the percentage; "—" when unknown."""
    confidence = observation.confidence
    if confidence is None or math.isnan(confidence):
        return fmt.MISSING
    level = "High" if confidence >= 0.8 else "Medium" if confidence >= 0.5 else "Low"
    return f"{level} ({fmt.percent(confidence)})"


_NO_RESULT: Mapping[str, str] = {
    "pending": "Waiting to start",
    "running": "Scanning now…",
    "failed": "Failed before completion",
    "ineligible": "The model was not invoked",
}


def headline(observation: Observation, scanner_type: str) -> Headline:
    """The observation's result in a few words, as its scanner type states it.

    The type's own headline (``scanner_types.facts(kind).headline``) reads the result with the
    scanner config the observation ran with; an unsettled or failed row says why it has none.
    """
    if observation.scanner_result is None or not observation.model_output:
        return Headline("Result", _NO_RESULT.get(observation.status, "No result"))
    snapshot = observation.scanner_snapshot
    config = snapshot.scanner_config if snapshot else {}
    return scanner_types.facts(scanner_type).headline(observation, config)


def lifecycle(observation: Observation) -> list[tuple[str, str]]:
    """Created, started, completed and the run duration, formatted for display."""
    duration = observation.duration
    return [
        ("Created", fmt.timestamp(observation.created_at)),
        ("Started", fmt.timestamp(observation.started_at)),
        ("Completed", fmt.timestamp(observation.completed_at)),
        ("Run time", fmt.duration(None if duration is None else duration.total_seconds())),
    ]


def _display(value: Any) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if value is None:
        return "—"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "—"
    if isinstance(value, Mapping):
        return ", ".join(f"{key}: {_display(item)}" for key, item in value.items()) or "—"
    return str(value)


def snapshot_items(observation: Observation) -> list[tuple[str, str]]:
    """The scanner as it was when this observation ran: name, type, version, model, config.

    Config keys are named as the scanner type's form names them (``scanner_types``); keys the
    console does not know are shown by their own name.
    """
    snapshot = observation.scanner_snapshot
    if snapshot is None:
        return []
    facts = scanner_types.facts(snapshot.scanner_type)
    version = snapshot.scanner_version
    items = [
        ("Scanner", _display(snapshot.name)),
        ("Type", facts.label),
        ("Version", "—" if version is None else f"v{version}"),
        ("Model", _display(snapshot.model)),
        ("Provider", _display(snapshot.provider)),
        ("Emits signals", _display(snapshot.emits_signals)),
    ]
    names = {field.name: field.label for field in facts.config_fields}
    items += [
        (names.get(key, key.replace("_", " ").capitalize()), _display(value))
        for key, value in snapshot.scanner_config.items()
        if key != "prompt"
    ]
    return items


def snapshot_prompt(observation: Observation) -> str:
    """The prompt the scanner ran with (shown as plain text)."""
    snapshot = observation.scanner_snapshot
    prompt = snapshot.scanner_config.get("prompt") if snapshot else None
    return prompt if isinstance(prompt, str) else ""
