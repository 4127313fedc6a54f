"""Fixtures for the Observations explorer unit tests: payloads shaped like the contract's
stats response (§4.9) and observation objects (§5), built by hand and parsed by the client's
models, as the console receives them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from vision_api import Observation, ObservationStats

SCANNER_ID = "7d0c2f0e-1111-4a4a-9b9b-0123456789ab"


def build_stats(scanner_type: str, **overrides: Any) -> dict[str, Any]:
    """A stats response for one scanner type with realistic, internally consistent numbers."""
    payload: dict[str, Any] = {
        "status_counts": {
            "total": 40,
            "succeeded": 30,
            "failed": 4,
            "ineligible": 3,
            "in_flight": 3,
            "success_rate": 88,
        },
        "coverage": {"recent_sessions": 25, "total_sessions": 38, "recent_days": 14},
        "available_tags": [],
        "monitor": None,
        "classifier": None,
        "scorer": None,
    }
    if scanner_type == "monitor":
        payload["monitor"] = {"yes_total": 18, "no_total": 9, "inconclusive_total": 3}
    elif scanner_type == "classifier":
        payload["available_tags"] = ["bug", "checkout", "confusion", "rage-click"]
        payload["classifier"] = {
            "fixed_ranked": [
                {"tag": "bug", "count": 14},
                {"tag": "checkout", "count": 9},
                {"tag": "confusion", "count": 4},
            ],
            "freeform_ranked": [{"tag": "rage-click", "count": 2}],
            "total_with_tags": 28,
        }
    elif scanner_type == "scorer":
        payload["scorer"] = {
            "summary": {
                "min": 1.0,
                "p25": 3.25,
                "median": 5.5,
                "mean": 5.6,
                "p75": 8.0,
                "max": 10.0,
                "count": 30,
            },
            "histogram": {
                "labels": [str(n) for n in range(0, 11)],
                "counts": [0, 2, 3, 3, 3, 4, 3, 3, 4, 3, 2],
            },
        }
    payload.update(overrides)
    return payload


def build_observation(
    scanner_type: str, index: int = 0, status: str = "succeeded", **overrides: Any
) -> dict[str, Any]:
    """One observation row of the given type; settled unless status says otherwise."""
    outputs: dict[str, dict[str, Any]] = {
        "monitor": {
            "scanner_type": "monitor",
            "confidence": 0.91,
            "verdict": "yes",
            "reasoning": "The user **clicked** <b>Pay</b> three times.",
            "reasoning_segments": [
                {"kind": "text", "value": "Clicked pay "},
                {"kind": "chip", "timestamp_ms": 83_000},
            ],
        },
        "classifier": {
            "scanner_type": "classifier",
            "confidence": 0.7,
            "tags": ["bug", "checkout"],
            "tags_freeform": ["rage-click"],
            "reasoning": "Errors on checkout.",
            "reasoning_segments": [],
        },
        "scorer": {
            "scanner_type": "scorer",
            "confidence": 0.4,
            "score": 7.5,
            "reasoning": "Mostly smooth.",
            "reasoning_segments": [],
            "label": "Ease",
        },
        "summarizer": {
            "scanner_type": "summarizer",
            "confidence": 0.88,
            "title": "Bought a plan",
            "summary": "The user compared plans.",
            "summary_segments": [],
        },
    }
    configs: dict[str, dict[str, Any]] = {
        "monitor": {"prompt": "Did the user pay?", "allow_inconclusive": True},
        "classifier": {
            "prompt": "Tag it",
            "tags": ["bug", "checkout", "confusion"],
            "multi_label": True,
            "allow_freeform_tags": True,
        },
        "scorer": {"prompt": "Rate ease", "scale": {"min": 0, "max": 10, "label": "Ease"}},
        "summarizer": {"prompt": "Summarise", "length": "short"},
    }
    settled = status in ("succeeded", "failed", "ineligible")
    row: dict[str, Any] = {
        "id": f"00000000-0000-4000-8000-{index:012d}",
        "scanner_id": SCANNER_ID,
        "session_id": f"sess-{index:04d}",
        "status": status,
        "error_reason": {
            "failed": "provider_transient:Gemini returned 503",
            "ineligible": "too_short:Recording is 4s long",
        }.get(status, ""),
        "workflow_id": f"wf-{index}",
        "scanner_snapshot": {
            "name": "Checkout watcher",
            "scanner_type": scanner_type,
            "scanner_version": 1 + index % 2,
            "model": "gemini-3-flash-preview",
            "provider": "google",
            "emits_signals": False,
            "scanner_config": configs[scanner_type],
        },
        "scanner_result": (
            {"model_output": outputs[scanner_type], "signals_count": 0}
            if status == "succeeded"
            else None
        ),
        "triggered_by": "schedule" if index % 3 else "on_demand",
        "triggered_by_user": None,
        "started_at": None if status == "pending" else f"2026-11-2{index % 5}T10:00:00Z",
        "completed_at": f"2026-11-2{index % 5}T10:00:12.5Z" if settled else None,
        "created_at": f"2026-11-2{index % 5}T09:59:58Z",
    }
    row.update(overrides)
    return row


@pytest.fixture
def stats() -> Callable[..., ObservationStats]:
    """``stats("monitor", **overrides)`` -> a parsed stats answer."""
    return lambda scanner_type, **overrides: ObservationStats.from_dict(
        build_stats(scanner_type, **overrides)
    )


@pytest.fixture
def observation() -> Callable[..., Observation]:
    """``observation("scorer", index, status, **overrides)`` -> a parsed observation."""
    return lambda scanner_type, index=0, status="succeeded", **overrides: Observation.from_dict(
        build_observation(scanner_type, index, status, **overrides)
    )
