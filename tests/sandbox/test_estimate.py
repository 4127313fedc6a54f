"""The estimate formula over hand-inserted recordings (contract §6 Era S, §7 credits)."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import Api, add_recording, assert_error


def estimate(api: Api, **body: Any) -> dict[str, Any]:
    response = api.post("estimate/", body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def test_no_recordings_seed_era_shape(empty_seed_api: Api) -> None:
    assert estimate(empty_seed_api, model="ignored-in-the-seed-era") == {
        "matched_sessions_in_window": 0,
        "window_days": 30,
        "estimated_observations_per_month": 0,
        "other_enabled_scanners_monthly": 0,
        "sampling_rate": 1.0,
    }


def test_no_recordings_current_era_shape(empty_api: Api) -> None:
    assert estimate(empty_api) == {
        "matched_sessions_in_window": 0,
        "window_days": 7,
        "estimated_observations_per_month": 0,
        "credits_per_observation": 5,
        "estimated_credits_per_month": 0,
        "other_enabled_scanners_monthly_credits": 0,
        "active_backfill_credits": 0,
        "sampling_rate": 1.0,
    }


def test_window_days_and_projection(any_empty_api: Api) -> None:
    sb = any_empty_api.sb
    for days in (0.5, 1.5, 2.5, 4.5):
        add_recording(sb, days)
    add_recording(sb, 3, duration=10.0)
    add_recording(sb, 3, active_seconds=5.0)
    add_recording(sb, 3, duration=5000.0, active_seconds=4000.0)
    result = estimate(any_empty_api, sampling_rate=0.5)
    assert result["matched_sessions_in_window"] == 4
    assert result["window_days"] == 5
    assert result["estimated_observations_per_month"] == round(4 / 5 * 30 * 0.5)
    assert result["sampling_rate"] == 0.5
    if sb.era == "current":
        per_month = result["estimated_observations_per_month"]
        assert result["estimated_credits_per_month"] == per_month * 5


def test_seed_window_is_capped_at_30_days_and_old_sessions_are_outside(
    empty_seed_api: Api,
) -> None:
    sb = empty_seed_api.sb
    add_recording(sb, 1)
    add_recording(sb, 29)
    add_recording(sb, 45)
    add_recording(sb, 120)
    result = estimate(empty_seed_api)
    assert result["window_days"] == 30
    assert result["matched_sessions_in_window"] == 2
    assert result["estimated_observations_per_month"] == 2


def test_current_window_is_seven_days(empty_api: Api) -> None:
    sb = empty_api.sb
    add_recording(sb, 1)
    add_recording(sb, 6.5)
    add_recording(sb, 8)
    add_recording(sb, 29)
    result = estimate(empty_api)
    assert result["window_days"] == 7
    assert result["matched_sessions_in_window"] == 2
    assert result["estimated_observations_per_month"] == round(2 / 7 * 30)


def test_current_window_is_two_days_for_an_or_query(empty_api: Api) -> None:
    sb = empty_api.sb
    add_recording(sb, 1)
    add_recording(sb, 3)
    add_recording(sb, 10)
    query = {"operand": "OR", "properties": []}
    result = estimate(empty_api, query=query)
    assert result["window_days"] == 2
    assert result["matched_sessions_in_window"] == 1


def test_estimate_scales_linearly_with_sampling_rate(any_api: Api) -> None:
    full = estimate(any_api)
    for rate in (0.00005, 0.1, 0.37, 1.0):
        result = estimate(any_api, sampling_rate=rate)
        expected = round(full["matched_sessions_in_window"] / full["window_days"] * 30 * rate)
        assert result["estimated_observations_per_month"] == expected
    assert estimate(any_api, sampling_rate=0)["estimated_observations_per_month"] == 0


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            {
                "having_predicates": [
                    {"key": "duration", "type": "recording", "operator": "gt", "value": 200}
                ]
            },
            {"long"},
        ),
        (
            {
                "properties": [
                    {"key": "active_seconds", "type": "recording", "operator": "lt", "value": 30}
                ]
            },
            {"idle"},
        ),
        (
            {
                "properties": [
                    {"key": "email", "type": "person", "operator": "icontains", "value": "VIP"}
                ]
            },
            {"vip"},
        ),
        (
            {
                "properties": [
                    {"key": "$browser", "type": "event", "operator": "exact", "value": ["Firefox"]}
                ]
            },
            {"firefox"},
        ),
        (
            {
                "properties": [
                    {"key": "$browser", "type": "event", "operator": "is_not", "value": "Chrome"}
                ]
            },
            {"firefox"},
        ),
        (
            {
                "properties": [
                    {
                        "key": "$current_url",
                        "type": "event",
                        "operator": "icontains",
                        "value": "/checkout",
                    }
                ]
            },
            {"checkout"},
        ),
        (
            {
                "properties": [
                    {
                        "key": "$geoip_country_code",
                        "type": "person",
                        "operator": "exact",
                        "value": "DE",
                    }
                ]
            },
            None,
        ),
        ({"events": [{"id": "purchase_completed", "type": "events"}]}, {"checkout"}),
        (
            {
                "console_log_filters": [
                    {"key": "level", "operator": "exact", "type": "log_entry", "value": ["error"]}
                ]
            },
            {"errors"},
        ),
        ({"filter_test_accounts": True}, {"long", "idle", "vip", "firefox", "checkout", "errors"}),
        (
            {
                "operand": "OR",
                "events": [{"id": "purchase_completed"}],
                "properties": [
                    {"key": "$browser", "type": "event", "operator": "exact", "value": "Firefox"}
                ],
            },
            {"checkout", "firefox"},
        ),
        (
            {
                "events": [{"id": "purchase_completed"}],
                "properties": [
                    {"key": "$browser", "type": "event", "operator": "exact", "value": "Firefox"}
                ],
            },
            set(),
        ),
    ],
)
def test_supported_filters(
    empty_api: Api, query: dict[str, Any], expected: set[str] | None
) -> None:
    sb = empty_api.sb
    add_recording(sb, 1, duration=300.0, session_id="long")
    add_recording(sb, 1, active_seconds=20.0, session_id="idle")
    add_recording(sb, 1, person_email="big.VIP@example.org", session_id="vip")
    add_recording(sb, 1, browser="Firefox", session_id="firefox")
    add_recording(
        sb,
        1,
        start_url="https://shop.example.com/checkout/pay",
        session_id="checkout",
        events=["$pageview", "purchase_completed"],
    )
    add_recording(sb, 1, console_error_count=3, session_id="errors")
    add_recording(sb, 1, is_test_account=1, session_id="test")
    everything = 7
    matched = estimate(empty_api, query=query)["matched_sessions_in_window"]
    assert matched == (everything if expected is None else len(expected))


def test_unknown_property_keys_are_ignored_and_dates_dropped(empty_api: Api) -> None:
    add_recording(empty_api.sb, 1)
    query = {
        "date_from": "-1d",
        "properties": [{"key": "$feature/x", "type": "event", "operator": "exact", "value": "y"}],
    }
    assert estimate(empty_api, query=query)["matched_sessions_in_window"] == 1


def test_seed_other_enabled_scanners_exclude_the_edited_one_and_disabled_ones(
    empty_seed_api: Api,
) -> None:
    sb = empty_seed_api.sb
    for days in range(10):
        add_recording(sb, days + 0.5)
    a = empty_seed_api.create(sampling_rate=1.0)
    b = empty_seed_api.create(sampling_rate=0.5, model="gemini-3.1-flash-lite-preview")
    empty_seed_api.create(enabled=False)
    assert a["estimated_monthly_observations"] == 30
    assert b["estimated_monthly_observations"] == 15
    assert estimate(empty_seed_api)["other_enabled_scanners_monthly"] == 45
    assert estimate(empty_seed_api, scanner_id=b["id"])["other_enabled_scanners_monthly"] == 30


def test_current_other_enabled_scanners_are_credit_weighted(empty_api: Api) -> None:
    sb = empty_api.sb
    for days in range(7):
        add_recording(sb, days + 0.5)
    a = empty_api.create(sampling_rate=1.0)
    b = empty_api.create(sampling_rate=0.5, model="gemini-3.5-flash-lite")
    empty_api.create(enabled=False, model="gemini-3.8-flash")
    assert a["estimated_monthly_observations"] == 30
    assert b["estimated_monthly_observations"] == 15
    total = estimate(empty_api)
    assert total["other_enabled_scanners_monthly_credits"] == 30 * 5 + 15 * 2
    assert "other_enabled_scanners_monthly" not in total
    editing_b = estimate(empty_api, scanner_id=b["id"], model="gemini-3.5-flash-lite")
    assert editing_b["other_enabled_scanners_monthly_credits"] == 30 * 5
    assert editing_b["credits_per_observation"] == 2
    assert "model" not in editing_b


def test_current_capped_scanner_counts_at_most_what_its_limit_has_left(empty_api: Api) -> None:
    sb = empty_api.sb
    for days in range(7):
        add_recording(sb, days + 0.5)
    empty_api.create(sampling_rate=1.0, credit_limit=1)
    assert estimate(empty_api)["other_enabled_scanners_monthly_credits"] <= 30


@pytest.mark.parametrize(
    ("model", "credits"),
    [("gemini-3.5-flash-lite", 2), ("gemini-3-flash-preview", 5), ("gemini-3.8-flash", 15)],
)
def test_current_credits_per_observation_by_model(api: Api, model: str, credits: int) -> None:
    result = estimate(api, model=model)
    assert result["credits_per_observation"] == credits
    assert (
        result["estimated_credits_per_month"]
        == result["estimated_observations_per_month"] * credits
    )


@pytest.mark.parametrize("model", ["gemini-3.1-flash-lite-preview", "gemini-3.7-flash", "x"])
def test_current_estimate_rejects_retired_and_unknown_models(api: Api, model: str) -> None:
    assert_error(
        api.post("estimate/", {"model": model}),
        400,
        detail=f'"{model}" is not a valid choice.',
        attr="model",
        code="invalid_choice",
    )


def test_current_sampling_mode_narrows_matches_deterministically(api: Api) -> None:
    counts = {
        mode: estimate(api, sampling_mode=mode)["matched_sessions_in_window"]
        for mode in ("comprehensive", "balanced", "focused")
    }
    assert counts["comprehensive"] > counts["balanced"] > counts["focused"] > 0
    assert 0.45 < counts["balanced"] / counts["comprehensive"] < 0.85
    assert 0.1 < counts["focused"] / counts["comprehensive"] < 0.4
    assert estimate(api, sampling_mode="focused")["matched_sessions_in_window"] == counts["focused"]
    assert_error(
        api.post("estimate/", {"sampling_mode": "everything"}),
        400,
        detail='"everything" is not a valid choice.',
        attr="sampling_mode",
    )


@pytest.mark.parametrize(
    ("body", "attr", "detail"),
    [
        ({"sampling_rate": 2}, "sampling_rate", "Ensure this value is less than or equal to 1.0."),
        ({"sampling_rate": "x"}, "sampling_rate", "A valid number is required."),
        ({"scanner_id": "nope"}, "scanner_id", "Must be a valid UUID."),
        (
            {"scanner_id": "00000000-0000-0000-0000-000000000000"},
            "scanner_id",
            "No scanner with this id exists in this project.",
        ),
        ({"query": {"bogus": 1}}, "query", "Recording filter is invalid."),
    ],
)
def test_estimate_errors(any_api: Api, body: dict[str, Any], attr: str, detail: str) -> None:
    assert_error(any_api.post("estimate/", body), 400, detail=detail, attr=attr)


def test_seed_demo_has_thirty_days_of_recordings(seed_api: Api) -> None:
    result = estimate(seed_api)
    assert result["window_days"] == 30
    assert result["matched_sessions_in_window"] > 1000


def test_current_demo_estimates_over_seven_days(api: Api) -> None:
    result = estimate(api)
    assert result["window_days"] == 7
    assert result["matched_sessions_in_window"] > 300


def test_get_on_estimate_is_405(any_api: Api) -> None:
    assert_error(any_api.get("estimate/"), 405, code="method_not_allowed")
