"""The sandbox's deterministic stand-in for the LLM: eligibility, failures and per-type results.

Everything is a pure function of the scanner snapshot and the recording's features, so the same
(scanner version, session) always reads the same way, and demo data reads plausibly: sessions with
console errors lean towards "yes" on monitors and lower scores on scorers, URLs and browsers feed
classifier tags and summaries.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from .scanner_config import slug

MIN_DURATION_S = 15
MIN_ACTIVE_S = 10
MAX_ACTIVE_S = 3600
FAILURE_ONE_IN = 40

INELIGIBLE_REASONS = {
    "no_recording": "no_recording:No recording was found for this session.",
    "too_short": "too_short:Recording is shorter than 15 seconds.",
    "too_inactive": "too_inactive:Recording has less than 10 seconds of user activity.",
    "too_long": "too_long:Recording has more than an hour of user activity.",
    "no_events": "no_events:Recording has no events to analyse.",
}
FAILURE_REASONS = (
    "provider_transient:The model provider was temporarily unavailable. Try again later.",
    "provider_rejected:The model provider declined to analyse this recording.",
    "rasterization_failed:The recording could not be rendered to video.",
    "validation_failed:The model's answer did not match the expected format.",
    "internal_error:An unexpected error stopped this scan.",
)


@dataclass(frozen=True)
class Outcome:
    """A scan's end state and the result columns stored beside it."""

    status: str
    error_reason: str = ""
    result: dict[str, Any] | None = None
    verdict: str | None = None
    score: float | None = None
    tags: list[tuple[str, bool]] = field(default_factory=list)


def unit(*parts: object) -> float:
    """A stable pseudo-random number in [0, 1) from ``parts``."""
    digest = hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def eligibility_error(recording: dict[str, Any] | None) -> str | None:
    """The ``error_reason`` making this recording ineligible, or None when a scan can run."""
    if recording is None:
        return INELIGIBLE_REASONS["no_recording"]
    if recording["duration"] < MIN_DURATION_S:
        return INELIGIBLE_REASONS["too_short"]
    if recording["active_seconds"] < MIN_ACTIVE_S:
        return INELIGIBLE_REASONS["too_inactive"]
    if recording["active_seconds"] > MAX_ACTIVE_S:
        return INELIGIBLE_REASONS["too_long"]
    if recording["event_count"] == 0:
        return INELIGIBLE_REASONS["no_events"]
    return None


def failure_reason(session_id: str) -> str | None:
    """About one session in 40 fails to scan (deterministically, whatever the scanner)."""
    u = unit("failure", session_id)
    if u * FAILURE_ONE_IN >= 1:
        return None
    return FAILURE_REASONS[int(u * FAILURE_ONE_IN * len(FAILURE_REASONS))]


def scan(snapshot: dict[str, Any], recording: dict[str, Any] | None, session_id: str) -> Outcome:
    """Run the "model": ineligible, failed, or succeeded with a per-type result."""
    reason = eligibility_error(recording)
    if reason is not None:
        return Outcome(status="ineligible", error_reason=reason)
    assert recording is not None
    failure = failure_reason(session_id)
    if failure is not None:
        return Outcome(status="failed", error_reason=failure)
    scanner_type = snapshot["scanner_type"]
    config = snapshot["scanner_config"]
    seed = (config.get("prompt", ""), snapshot.get("scanner_version", 1), session_id)
    if scanner_type == "monitor":
        return _monitor(config, recording, seed)
    if scanner_type == "classifier":
        return _classifier(config, recording, seed)
    if scanner_type == "scorer":
        return _scorer(config, recording, seed)
    return _summarizer(config, recording, seed)


def _path(recording: dict[str, Any]) -> str:
    return urlparse(recording["start_url"]).path or "/"


def _describe(recording: dict[str, Any]) -> str:
    errors = recording["console_error_count"]
    error_text = (
        f"{errors} console error{'s' if errors != 1 else ''}" if errors else "no console errors"
    )
    return (
        f"The visitor landed on {_path(recording)} using {recording['browser']} on "
        f"{recording['os']} and was active for {int(recording['active_seconds'])} of "
        f"{int(recording['duration'])} seconds, with {error_text}."
    )


def _segments(
    text: str, recording: dict[str, Any], seed: tuple[object, ...]
) -> list[dict[str, Any]]:
    moment = int(unit("chip", *seed) * recording["duration"] * 1000)
    return [{"kind": "text", "value": text}, {"kind": "chip", "timestamp_ms": moment}]


def _friction(recording: dict[str, Any]) -> float:
    """0 (smooth) .. 1 (rough), from console errors and idle time."""
    errors = min(recording["console_error_count"], 6) / 6
    idle = 1 - recording["active_seconds"] / max(recording["duration"], 1)
    return float(min(1.0, 0.7 * errors + 0.3 * idle))


def _result(output: dict[str, Any], signals: int = 0) -> dict[str, Any]:
    return {"model_output": output, "signals_count": signals}


def _monitor(
    config: dict[str, Any], recording: dict[str, Any], seed: tuple[object, ...]
) -> Outcome:
    u = unit("monitor", *seed)
    threshold = 0.2 + 0.6 * _friction(recording)
    if config.get("allow_inconclusive") and abs(u - threshold) < 0.06:
        verdict = "inconclusive"
    else:
        verdict = "yes" if u < threshold else "no"
    confidence = round(min(0.99, 0.55 + abs(u - threshold)), 2)
    reasoning = f"{_describe(recording)} Verdict: {verdict}."
    output = {
        "scanner_type": "monitor",
        "confidence": confidence,
        "verdict": verdict,
        "reasoning": reasoning,
        "reasoning_segments": _segments(reasoning, recording, seed),
    }
    return Outcome(status="succeeded", result=_result(output), verdict=verdict)


def _classifier(
    config: dict[str, Any], recording: dict[str, Any], seed: tuple[object, ...]
) -> Outcome:
    vocabulary: list[str] = list(config["tags"])
    context = f"{recording['start_url']} {recording['browser']}".lower()
    errors = recording["console_error_count"]

    def weight(tag: str) -> float:
        boost = 0.35 if slug(tag) in context or (errors and "error" in slug(tag)) else 0.0
        return unit("tag", tag, *seed) + boost

    ranked = sorted(vocabulary, key=lambda tag: (-weight(tag), tag))
    if config.get("multi_label", True):
        chosen = [tag for tag in ranked if weight(tag) > 0.75][:4] or ranked[:1]
    else:
        chosen = ranked[:1]
    freeform: list[str] = []
    if config.get("allow_freeform_tags"):
        fixed = {slug(tag) for tag in vocabulary}
        candidates = [slug(recording["browser"]), slug(_path(recording)), slug(recording["os"])]
        count = int(unit("freeform", *seed) * 3)
        freeform = [c for c in dict.fromkeys(candidates) if c and c not in fixed][:count]
    reasoning = f"{_describe(recording)} Best matching: {', '.join(chosen)}."
    output = {
        "scanner_type": "classifier",
        "confidence": round(0.6 + 0.39 * unit("conf", *seed), 2),
        "tags": chosen,
        "tags_freeform": freeform,
        "reasoning": reasoning,
        "reasoning_segments": _segments(reasoning, recording, seed),
    }
    tags = [(tag, False) for tag in chosen] + [(tag, True) for tag in freeform]
    return Outcome(status="succeeded", result=_result(output), tags=tags)


def _scorer(config: dict[str, Any], recording: dict[str, Any], seed: tuple[object, ...]) -> Outcome:
    scale = config["scale"]
    low, high = float(scale["min"]), float(scale["max"])
    quality = 0.75 * (1 - _friction(recording)) + 0.25 * unit("score", *seed)
    raw = low + quality * (high - low)
    span = high - low
    score: float = float(round(raw)) if span >= 4 else round(raw, 1)
    score = min(high, max(low, score))
    if score.is_integer() and math.isfinite(score) and abs(score) < 2**53:
        shown: float | int = int(score)
    else:
        shown = score
    reasoning = f"{_describe(recording)} Score: {shown} of {scale['max']}."
    output = {
        "scanner_type": "scorer",
        "confidence": round(0.6 + 0.39 * unit("conf", *seed), 2),
        "score": shown,
        "label": scale.get("label"),
        "reasoning": reasoning,
        "reasoning_segments": _segments(reasoning, recording, seed),
    }
    return Outcome(status="succeeded", result=_result(output), score=float(shown))


def _summarizer(
    config: dict[str, Any], recording: dict[str, Any], seed: tuple[object, ...]
) -> Outcome:
    path = _path(recording)
    errors = recording["console_error_count"]
    title = f"{recording['browser']} visitor explores {path}"
    if errors:
        title += f" and hits {errors} error{'s' if errors != 1 else ''}"
    sentences = [
        _describe(recording),
        f"They came from {recording['country']} and triggered {recording['event_count']} events.",
        "Navigation was steady with no sign of confusion."
        if not errors
        else "Errors in the console coincided with repeated clicks on the same element.",
        "The session ended without a clear conversion step.",
        "Nothing in the recording suggests a data problem.",
    ]
    count = {"short": 2, "medium": 4, "long": 5}[config.get("length", "medium")]
    summary = " ".join(sentences[:count])
    output = {
        "scanner_type": "summarizer",
        "confidence": round(0.6 + 0.39 * unit("conf", *seed), 2),
        "title": title[:120],
        "summary": summary,
        "summary_segments": _segments(summary, recording, seed),
    }
    return Outcome(status="succeeded", result=_result(output))
