"""Model parsing: Era S shapes, tolerance of nulls and newer data, clear errors on wrong shapes."""

from __future__ import annotations

import copy
import pickle
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from vision_api import (
    Estimate,
    Observation,
    ObservationStats,
    ObserveResult,
    Page,
    ResponseValidationError,
    Scanner,
    ScannerStats,
    User,
)

USER: dict[str, Any] = {
    "id": 3,
    "uuid": "0190-user",
    "distinct_id": "d-3",
    "first_name": "Ada",
    "last_name": "Lovelace",
    "email": "ada@example.com",
    "is_email_verified": True,
    "hedgehog_config": None,
    "role_at_organization": "engineering",
}

SCANNER: dict[str, Any] = {
    "id": "0190-scanner",
    "name": "Checkout rage",
    "description": "",
    "scanner_type": "monitor",
    "scanner_config": {"prompt": "Did the user rage-click?", "allow_inconclusive": True},
    "query": {"filter_test_accounts": True},
    "sampling_rate": 0.25,
    "provider": "google",
    "model": "gemini-3-flash-preview",
    "enabled": True,
    "emits_signals": False,
    "scanner_version": 2,
    "estimated_monthly_observations": 120,
    "last_swept_at": "2025-06-01T11:25:00Z",
    "created_at": "2025-05-01T09:00:00.123456Z",
    "updated_at": "2025-06-01T12:00:00+00:00",
    "created_by": USER,
}

OBSERVATION: dict[str, Any] = {
    "id": "0190-obs",
    "scanner_id": "0190-scanner",
    "session_id": "sess-1",
    "status": "succeeded",
    "error_reason": "",
    "workflow_id": "replay-vision-apply-scanner-0190-scanner-sess-1",
    "scanner_snapshot": {
        "name": "Checkout rage",
        "scanner_type": "monitor",
        "scanner_version": 2,
        "model": "gemini-3-flash-preview",
        "provider": "google",
        "emits_signals": False,
        "scanner_config": {"prompt": "Did the user rage-click?"},
    },
    "scanner_result": {
        "model_output": {
            "scanner_type": "monitor",
            "verdict": "yes",
            "confidence": 0.82,
            "reasoning": "Clicked pay five times.",
            "reasoning_segments": [{"kind": "text", "value": "Clicked"}],
        },
        "signals_count": 1,
    },
    "triggered_by": "on_demand",
    "triggered_by_user": USER,
    "started_at": "2025-06-01T12:00:00Z",
    "completed_at": "2025-06-01T12:00:42Z",
    "created_at": "2025-06-01T11:59:59Z",
}

OBSERVATION_STATS: dict[str, Any] = {
    "status_counts": {
        "total": 10,
        "succeeded": 6,
        "failed": 2,
        "ineligible": 1,
        "in_flight": 1,
        "success_rate": 75,
    },
    "coverage": {"recent_sessions": 4, "total_sessions": 9, "recent_days": 14},
    "available_tags": ["bug", "slow"],
    "monitor": None,
    "classifier": {
        "fixed_ranked": [{"tag": "bug", "count": 4}, {"tag": "slow", "count": 1}],
        "freeform_ranked": [],
        "total_with_tags": 5,
    },
    "scorer": None,
}


def test_scanner_parses_every_era_s_field() -> None:
    scanner = Scanner.from_dict(SCANNER)
    assert scanner.name == "Checkout rage"
    assert scanner.sampling_rate == 0.25
    assert scanner.scanner_config["allow_inconclusive"] is True
    assert scanner.prompt == "Did the user rage-click?"
    assert scanner.created_at == datetime(2025, 5, 1, 9, 0, 0, 123456, tzinfo=UTC)
    assert scanner.created_by is not None
    assert scanner.created_by.display_name == "Ada Lovelace"
    assert scanner.raw is SCANNER


def test_scanner_keeps_unknown_fields_and_accepts_newer_ones() -> None:
    newer = {
        **SCANNER,
        "scanner_type": "experiment",
        "model": "gemini-3.8-flash",
        "sampling_mode": "focused",
        "credits_per_observation": 15,
        "estimated_monthly_credits": 1800,
        "credits_this_month": 30,
        "observations_this_month": 2,
        "tags": ["growth", "checkout"],
        "credit_limit": None,
        "credits_used_against_limit": 0,
        "limit_reached": False,
        "feedback_themes": {"themes": []},
        "experiment_targeting": {"experiment_id": 9, "variant": None},
    }
    scanner = Scanner.from_dict(newer)
    assert (scanner.scanner_type, scanner.model) == ("experiment", "gemini-3.8-flash")
    assert scanner.sampling_mode == "focused"
    assert scanner.credits_per_observation == 15
    assert scanner.tags == ("growth", "checkout")
    assert scanner.raw["feedback_themes"] == {"themes": []}
    assert scanner.raw["experiment_targeting"]["experiment_id"] == 9


@pytest.mark.parametrize(
    "optional",
    [
        "description",
        "query",
        "provider",
        "emits_signals",
        "estimated_monthly_observations",
        "last_swept_at",
        "updated_at",
        "created_by",
        "scanner_config",
    ],
)
def test_scanner_tolerates_null_or_missing_optional_fields(optional: str) -> None:
    nulled = {**SCANNER, optional: None}
    missing = {k: v for k, v in SCANNER.items() if k != optional}
    for data in (nulled, missing):
        scanner = Scanner.from_dict(data)
        assert scanner.id == SCANNER["id"]


@pytest.mark.parametrize(
    "required", ["id", "name", "scanner_type", "model", "enabled", "created_at"]
)
def test_scanner_missing_required_field_raises_naming_it(required: str) -> None:
    data = {k: v for k, v in SCANNER.items() if k != required}
    with pytest.raises(
        ResponseValidationError, match=rf"Scanner\.{required}: required field is missing"
    ):
        Scanner.from_dict(data)


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("name", 12, "expected a string, got number"),
        ("sampling_rate", "high", "expected a number, got string"),
        ("sampling_rate", True, "expected a number, got boolean"),
        ("enabled", "yes", "expected a boolean, got string"),
        ("scanner_version", 1.5, "expected an integer, got number"),
        ("scanner_config", ["prompt"], "expected an object, got array"),
        ("created_at", "last tuesday", "not an ISO 8601 timestamp"),
        ("created_by", "ada", "expected a JSON object, got string"),
        ("tags", "a,b", "expected an array of strings"),
    ],
)
def test_scanner_wrong_shape_raises(field: str, value: object, expected: str) -> None:
    with pytest.raises(ResponseValidationError, match=expected) as caught:
        Scanner.from_dict({**SCANNER, field: value})
    assert field in str(caught.value)


@pytest.mark.parametrize("body", [None, [], "scanner", 3])
def test_non_object_scanner_raises(body: object) -> None:
    with pytest.raises(ResponseValidationError, match="expected a JSON object"):
        Scanner.from_dict(body)


def test_integral_floats_are_accepted_as_integers() -> None:
    assert Scanner.from_dict({**SCANNER, "scanner_version": 3.0}).scanner_version == 3


def test_observation_exposes_result_fields() -> None:
    obs = Observation.from_dict(OBSERVATION)
    assert obs.verdict == "yes"
    assert obs.confidence == pytest.approx(0.82)
    assert obs.reasoning == "Clicked pay five times."
    assert obs.score is None and obs.tags == () and obs.title is None
    assert obs.scanner_version == 2
    assert obs.duration == timedelta(seconds=42)
    assert obs.triggered_by_user is not None and obs.triggered_by_user.id == 3
    assert not obs.in_flight


@pytest.mark.parametrize(
    ("model_output", "accessor", "expected"),
    [
        ({"scanner_type": "scorer", "score": 7, "label": "Frustration"}, "score", 7.0),
        ({"scanner_type": "classifier", "tags": ["bug", "slow"]}, "tags", ("bug", "slow")),
        (
            {"scanner_type": "classifier", "tags_freeform": ["odd_flow"]},
            "tags_freeform",
            ("odd_flow",),
        ),
        (
            {"scanner_type": "summarizer", "title": "Checkout", "summary": "Paid."},
            "title",
            "Checkout",
        ),
        (
            {"scanner_type": "summarizer", "title": "Checkout", "summary": "Paid."},
            "summary",
            "Paid.",
        ),
        # Lenient reads: an unexpected type reads as "no value", never a crash.
        ({"verdict": True}, "verdict", None),
        ({"score": "high"}, "score", None),
        ({"tags": "bug"}, "tags", ()),
        ({"tags": ["bug", 3, None]}, "tags", ("bug",)),
    ],
)
def test_result_accessors_per_scanner_type(
    model_output: dict[str, Any], accessor: str, expected: object
) -> None:
    data = copy.deepcopy(OBSERVATION)
    data["scanner_result"]["model_output"] = model_output
    assert getattr(Observation.from_dict(data), accessor) == expected


def test_pending_observation_has_no_result() -> None:
    pending = {
        **OBSERVATION,
        "status": "pending",
        "scanner_result": None,
        "scanner_snapshot": None,
        "started_at": None,
        "completed_at": None,
        "triggered_by_user": None,
        "workflow_id": None,
        "error_reason": None,
    }
    obs = Observation.from_dict(pending)
    assert obs.in_flight
    assert obs.verdict is None and obs.tags == () and obs.model_output == {}
    assert obs.duration is None and obs.scanner_version is None
    assert obs.workflow_id == "" and obs.error_kind is None


def test_error_reason_splits_into_kind_and_message() -> None:
    obs = Observation.from_dict(
        {**OBSERVATION, "status": "ineligible", "error_reason": "too_short:Recording is 4s long"}
    )
    assert (obs.error_kind, obs.error_message) == ("too_short", "Recording is 4s long")


def test_observation_accepts_newer_fields_and_statuses() -> None:
    newer = {
        **OBSERVATION,
        "status": "queued_for_review",
        "triggered_by": "backfill",
        "label": {"is_correct": False, "feedback": "missed it"},
        "backfill_id": "0190-backfill",
        "distinct_id": "person-1",
        "recording_subject_email": "user@example.com",
        "previous_observation_id": None,
        "next_observation_id": "0190-older",
        "notability": 0.9,
    }
    obs = Observation.from_dict(newer)
    assert obs.status == "queued_for_review" and obs.triggered_by == "backfill"
    assert obs.label is not None
    assert (obs.label.is_correct, obs.label.feedback) == (False, "missed it")
    assert obs.next_observation_id == "0190-older"
    assert obs.raw["notability"] == 0.9


def test_wrong_nested_shape_names_the_path() -> None:
    data = copy.deepcopy(OBSERVATION)
    data["scanner_result"]["signals_count"] = "many"
    with pytest.raises(
        ResponseValidationError, match=r"Observation\.scanner_result\.signals_count"
    ):
        Observation.from_dict(data)


def test_observation_stats_blocks() -> None:
    stats = ObservationStats.from_dict(OBSERVATION_STATS)
    assert stats.status_counts.success_rate == 75
    assert stats.coverage.recent_days == 14
    assert stats.available_tags == ("bug", "slow")
    assert stats.monitor is None and stats.scorer is None
    assert stats.classifier is not None
    assert [(t.tag, t.count) for t in stats.classifier.fixed_ranked] == [("bug", 4), ("slow", 1)]


def test_scorer_stats_and_newer_blocks() -> None:
    data = {
        **OBSERVATION_STATS,
        "classifier": None,
        "scorer": {
            "summary": {
                "min": 1,
                "p25": 2.5,
                "median": 4,
                "mean": 4.2,
                "p75": 6,
                "max": 9,
                "count": 5,
            },
            "histogram": {"labels": ["0–4", "5–9"], "counts": [3, 2]},
        },
        "labels": {"up_total": 1, "down_total": 0, "by_day": []},
        "summarizer": {"friction_ranked": [], "keyword_ranked": []},
    }
    stats = ObservationStats.from_dict(data)
    assert stats.scorer is not None and stats.scorer.summary is not None
    assert stats.scorer.summary.median == 4.0
    assert stats.scorer.histogram is not None and stats.scorer.histogram.counts == (3, 2)
    assert stats.labels is not None
    assert (stats.labels.up_total, stats.labels.down_total, stats.labels.by_day) == (1, 0, ())
    assert stats.summarizer is not None and stats.summarizer.friction_ranked == ()


def test_success_rate_is_null_without_outcomes() -> None:
    data = copy.deepcopy(OBSERVATION_STATS)
    data["status_counts"]["success_rate"] = None
    assert ObservationStats.from_dict(data).status_counts.success_rate is None


def test_histogram_labels_and_counts_must_match() -> None:
    data = {
        **OBSERVATION_STATS,
        "scorer": {"summary": None, "histogram": {"labels": ["1"], "counts": [1, 2]}},
    }
    with pytest.raises(ResponseValidationError, match="1 labels but 2 counts"):
        ObservationStats.from_dict(data)


def test_stats_without_status_counts_is_rejected() -> None:
    data = {k: v for k, v in OBSERVATION_STATS.items() if k != "status_counts"}
    with pytest.raises(ResponseValidationError, match="status_counts"):
        ObservationStats.from_dict(data)


def test_scanner_stats_accepts_unknown_types() -> None:
    stats = ScannerStats.from_dict(
        {
            "total": 3,
            "enabled": 2,
            "by_type": {
                "monitor": {"enabled": 1, "total": 2},
                "experiment": {"enabled": 1, "total": 1},
            },
        }
    )
    assert stats.by_type["experiment"].total == 1


def test_estimate_era_s_and_credit_fields() -> None:
    era_s = Estimate.from_dict(
        {
            "matched_sessions_in_window": 300,
            "window_days": 30,
            "estimated_observations_per_month": 75,
            "other_enabled_scanners_monthly": 10,
            "sampling_rate": 0.25,
        }
    )
    assert era_s.credits_per_observation is None
    newer = Estimate.from_dict(
        {
            "matched_sessions_in_window": 70,
            "window_days": 7,
            "estimated_observations_per_month": 300,
            "sampling_rate": 1,
            "credits_per_observation": 5,
            "estimated_credits_per_month": 1500,
            "other_enabled_scanners_monthly_credits": 200,
            "active_backfill_credits": 0,
        }
    )
    assert newer.other_enabled_scanners_monthly is None
    assert newer.estimated_credits_per_month == 1500


def test_observe_result_both_shapes() -> None:
    started = ObserveResult.from_dict({"workflow_id": "replay-vision-apply-scanner-a-s"})
    reused = ObserveResult.from_dict({"observation_id": "0190-obs"})
    assert not started.already_scanned
    assert reused.already_scanned and reused.workflow_id is None


def test_user_display_name_falls_back_to_email() -> None:
    user = User.from_dict({"id": 5, "first_name": "", "last_name": None, "email": "x@example.com"})
    assert user.display_name == "x@example.com"


@pytest.mark.parametrize(
    "model",
    [
        Scanner.from_dict(SCANNER),
        Observation.from_dict(OBSERVATION),
        ObservationStats.from_dict(OBSERVATION_STATS),
        User.from_dict(USER),
    ],
)
def test_models_survive_pickling(model: object) -> None:
    restored = pickle.loads(pickle.dumps(model))
    assert restored == model
    assert restored.raw == model.raw  # type: ignore[attr-defined]


def test_models_are_immutable() -> None:
    scanner = Scanner.from_dict(SCANNER)
    with pytest.raises(AttributeError):
        scanner.name = "changed"  # type: ignore[misc]


def test_page_pickles_without_its_link_to_the_client() -> None:
    page = Page(
        [1, 2],
        count=5,
        offset=0,
        limit=2,
        has_next=True,
        fetch=lambda o, n: Page([], count=5, offset=o, limit=n, has_next=False),
    )
    restored = pickle.loads(pickle.dumps(page))
    assert (restored.items, restored.count, restored.has_next) == ([1, 2], 5, True)
    assert page.next_page().offset == 2
    with pytest.raises(RuntimeError, match="cache"):
        restored.next_page()


def test_page_parser_shares_equal_snapshots_and_parses_different_ones() -> None:
    newer = copy.deepcopy(OBSERVATION)
    newer["scanner_snapshot"]["scanner_version"] = 3
    rows = [copy.deepcopy(OBSERVATION), copy.deepcopy(OBSERVATION), newer]
    parse = Observation.page_parser()
    first, second, third = (parse(row, f"rows[{i}]") for i, row in enumerate(rows))
    assert first.scanner_snapshot is second.scanner_snapshot
    assert third.scanner_snapshot is not None and third.scanner_snapshot.scanner_version == 3
    assert [first, second, third] == [Observation.from_dict(row) for row in rows]


def test_page_parser_still_rejects_a_malformed_snapshot() -> None:
    parse = Observation.page_parser()
    parse(copy.deepcopy(OBSERVATION), "rows[0]")
    broken = copy.deepcopy(OBSERVATION)
    broken["scanner_snapshot"]["scanner_version"] = "two"
    with pytest.raises(
        ResponseValidationError, match=r"rows\[1\]\.scanner_snapshot\.scanner_version"
    ):
        parse(broken, "rows[1]")
