"""Scanners, stats and observations built by hand for the Overview's unit tests."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from vision_api.models import Observation, ObservationStats, Scanner

NOW = datetime(2026, 11, 28, 15, 30, tzinfo=UTC)


def make_scanner(name: str, **overrides: Any) -> Scanner:
    data: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "name": name,
        "description": "",
        "scanner_type": "monitor",
        "scanner_config": {"prompt": "Did the user rage click?"},
        "query": {},
        "sampling_rate": 0.5,
        "provider": "google",
        "model": "gemini-3-flash-preview",
        "enabled": True,
        "emits_signals": False,
        "scanner_version": 1,
        "estimated_monthly_observations": 100,
        "created_at": "2026-10-01T00:00:00Z",
        "created_by": None,
    }
    data.update(overrides)
    return Scanner.from_dict(data)


def make_stats(
    recent: int, total: int, succeeded: int, failed: int, rate: int | None
) -> ObservationStats:
    return ObservationStats.from_dict(
        {
            "status_counts": {
                "total": total,
                "succeeded": succeeded,
                "failed": failed,
                "ineligible": total - succeeded - failed,
                "in_flight": 0,
                "success_rate": rate,
            },
            "coverage": {"recent_sessions": recent, "total_sessions": total, "recent_days": 14},
            "available_tags": [],
            "monitor": {"yes_total": succeeded, "no_total": 0, "inconclusive_total": 0},
            "classifier": None,
            "scorer": None,
        }
    )


def make_observation(scanner_id: str, created_at: datetime) -> Observation:
    return Observation.from_dict(
        {
            "id": str(uuid.uuid4()),
            "scanner_id": scanner_id,
            "session_id": str(uuid.uuid4()),
            "status": "succeeded",
            "error_reason": "",
            "workflow_id": "",
            "scanner_snapshot": None,
            "scanner_result": None,
            "triggered_by": "schedule",
            "triggered_by_user": None,
            "started_at": None,
            "completed_at": created_at.isoformat(),
            "created_at": created_at.isoformat(),
        }
    )
