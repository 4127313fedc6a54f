"""Fixtures for the Estimate page's unit tests: estimate answers and scanners built by hand."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from vision_api import Estimate, Scanner


def build_estimate(matched: int = 300, window: int = 30, **extra: Any) -> Estimate:
    body = {
        "matched_sessions_in_window": matched,
        "window_days": window,
        "estimated_observations_per_month": round(matched / window * 30),
        "other_enabled_scanners_monthly": 100,
        "sampling_rate": 1.0,
    }
    body.update(extra)
    return Estimate.from_dict(body)


def build_scanner(**overrides: Any) -> Scanner:
    data: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "name": "Rage clicks",
        "description": "",
        "scanner_type": "monitor",
        "scanner_config": {"prompt": "Rage?"},
        "query": {"filter_test_accounts": True},
        "sampling_rate": 0.5,
        "provider": "google",
        "model": "gemini-3-flash-preview",
        "enabled": True,
        "emits_signals": False,
        "scanner_version": 3,
        "estimated_monthly_observations": 150,
        "created_at": "2026-10-01T00:00:00Z",
        "created_by": None,
    }
    data.update(overrides)
    return Scanner.from_dict(data)


@pytest.fixture
def make_estimate() -> Callable[..., Estimate]:
    """``make_estimate(matched, window, **fields)`` -> an Estimate answer."""
    return build_estimate


@pytest.fixture
def make_scanner() -> Callable[..., Scanner]:
    """``make_scanner(**fields)`` -> a saved monitor scanner."""
    return build_scanner
