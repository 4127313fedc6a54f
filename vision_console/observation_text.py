"""One observation as text: its headline result, reasoning, error explained, lifecycle and
the scanner snapshot it ran with, plus the small formatters the table and detail share.

Everything returned is plain text for ``st.text``/dataframe cells: API strings are passed
through verbatim, never turned into Markdown.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from vision_console.observations.payload import (
    mapping,
    model_output,
    number,
    raw_of,
    strings,
    timestamp,
)


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


def explain_error(error_reason: Any) -> dict[str, str] | None:
    """Split an ``error_reason`` ("kind:human message") into kind, label, description, message.

    Unknown kinds keep their raw kind as the label; a reason without a kind is all message.
    Returns None for an empty reason.
    """
    if not isinstance(error_reason, str) or not error_reason.strip():
        return None
    kind, sep, message = error_reason.partition(":")
    kind = kind.strip()
    if not sep or not re.fullmatch(r"[a-z][a-z0-9_]*", kind):
        return {
            "kind": "",
            "label": "Error",
            "description": "",
            "category": "",
            "message": error_reason.strip(),
        }
    if kind in _FAILED_KINDS:
        (label, description), category = _FAILED_KINDS[kind], "failed"
    elif kind in _INELIGIBLE_KINDS:
        (label, description), category = _INELIGIBLE_KINDS[kind], "ineligible"
    else:
        label, description, category = kind.replace("_", " ").capitalize(), "", ""
    return {
        "kind": kind,
        "label": label,
        "description": description,
        "category": category,
        "message": message.strip(),
    }


def reasoning_text(output: Mapping[str, Any]) -> str:
    """The model's reasoning (or a summarizer's summary) as plain text."""
    for key in ("reasoning", "summary"):
        text = output.get(key)
        if isinstance(text, str) and text.strip():
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


def cited_moments(output: Mapping[str, Any]) -> list[int]:
    """Distinct timestamps (ms from session start) the model cited, in order of appearance."""
    moments: dict[int, None] = {}
    for key in ("reasoning_segments", "summary_segments"):
        for segment in output.get(key) or []:
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


def format_duration(seconds: float | None) -> str:
    """A run duration: "850 ms", "12.4 s", "3m 05s"; "—" when unknown."""
    if seconds is None or (isinstance(seconds, float) and math.isnan(seconds)) or seconds < 0:
        return "—"
    if seconds < 1:
        return f"{round(seconds * 1000)} ms"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes}m {secs:02d}s"


def confidence_label(confidence: float | None) -> str:
    """High (≥ 0.8), Medium (≥ 0.5) or Low, with the percentage; "—" when unknown."""
    if confidence is None or math.isnan(confidence):
        return "—"
    level = "High" if confidence >= 0.8 else "Medium" if confidence >= 0.5 else "Low"
    return f"{level} ({confidence:.0%})"


def user_label(user: Any) -> str:
    if not isinstance(user, Mapping):
        return ""
    name = " ".join(str(user.get(key) or "").strip() for key in ("first_name", "last_name"))
    return name.strip() or str(user.get("email") or "")


def headline(item: Any, scanner_type: str) -> dict[str, Any]:
    """The detail view's headline: {"label", "value", "caption"} per scanner type.

    Monitor: the verdict; scorer: "score / max" with the scale label; classifier: the tags
    (freeform marked); summarizer: the title. Unsettled or failed rows say why there is none.
    """
    raw = raw_of(item)
    output = model_output(raw)
    status = str(raw.get("status") or "")
    if not output:
        reason = {
            "pending": "Waiting to start",
            "running": "Scanning now…",
            "failed": "Failed before completion",
            "ineligible": "The model was not invoked",
        }.get(status, "No result")
        return {"label": "Result", "value": reason, "caption": ""}
    snapshot = mapping(raw.get("scanner_snapshot"))
    config = mapping(snapshot.get("scanner_config"))
    if scanner_type == "monitor":
        verdict = output.get("verdict")
        return {
            "label": "Verdict",
            "value": str(verdict).upper() if verdict else "—",
            "caption": "",
        }
    if scanner_type == "scorer":
        score = number(output.get("score"))
        scale = mapping(config.get("scale"))
        top = number(scale.get("max"))
        value = "—" if score is None else f"{score:g}" + (f" / {top:g}" if top is not None else "")
        label = output.get("label") or scale.get("label")
        return {
            "label": "Score",
            "value": value,
            "caption": str(label) if isinstance(label, str) else "",
        }
    if scanner_type == "classifier":
        fixed, free = strings(output.get("tags")), strings(output.get("tags_freeform"))
        value = ", ".join(fixed + [f"{tag} (freeform)" for tag in free]) or "No tags"
        return {"label": "Tags", "value": value, "caption": ""}
    title = output.get("title")
    return {
        "label": "Summary",
        "value": str(title) if isinstance(title, str) else "—",
        "caption": "",
    }


def format_time(value: Any) -> str:
    """An ISO timestamp as "2026-11-28 14:03:12 UTC"; "—" when missing or unreadable."""
    stamp = timestamp(value)
    return "—" if stamp is None else stamp.strftime("%Y-%m-%d %H:%M:%S UTC")


def lifecycle(item: Any) -> list[tuple[str, str]]:
    """Created, started, completed and the run duration, formatted for display."""
    raw = raw_of(item)
    started, completed = timestamp(raw.get("started_at")), timestamp(raw.get("completed_at"))
    duration = (
        (completed - started).total_seconds()
        if started is not None and completed is not None
        else None
    )
    return [
        ("Created", format_time(raw.get("created_at"))),
        ("Started", format_time(raw.get("started_at"))),
        ("Completed", format_time(raw.get("completed_at"))),
        ("Run time", format_duration(duration)),
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


def snapshot_items(item: Any) -> list[tuple[str, str]]:
    """The scanner as it was when this observation ran: name, type, version, model, config."""
    raw = raw_of(item)
    snapshot = raw.get("scanner_snapshot")
    if not isinstance(snapshot, Mapping):
        return []
    items = [
        ("Scanner", _display(snapshot.get("name"))),
        ("Type", _display(snapshot.get("scanner_type"))),
        (
            "Version",
            f"v{snapshot['scanner_version']}"
            if isinstance(snapshot.get("scanner_version"), int)
            else "—",
        ),
        ("Model", _display(snapshot.get("model"))),
        ("Provider", _display(snapshot.get("provider"))),
        ("Emits signals", _display(snapshot.get("emits_signals"))),
    ]
    config = snapshot.get("scanner_config")
    if isinstance(config, Mapping):
        names = {
            "allow_inconclusive": "Allow inconclusive",
            "multi_label": "Multi-label",
            "allow_freeform_tags": "Freeform tags",
            "tags": "Tag vocabulary",
            "scale": "Scale",
            "length": "Summary length",
        }
        items += [
            (names.get(key, key.replace("_", " ").capitalize()), _display(value))
            for key, value in config.items()
            if key != "prompt"
        ]
    return items


def snapshot_prompt(item: Any) -> str:
    """The prompt the scanner ran with (shown as plain text)."""
    snapshot = raw_of(item).get("scanner_snapshot")
    config = snapshot.get("scanner_config") if isinstance(snapshot, Mapping) else None
    prompt = config.get("prompt") if isinstance(config, Mapping) else None
    return prompt if isinstance(prompt, str) else ""
