"""The scanners list model: URL parameters, API filters, pages and table rows."""

from __future__ import annotations

from typing import Any

import pytest

from vision_api import Scanner
from vision_console.scanners import list_query as scanner_list
from vision_console.url_state import parse_params


def scanner(**overrides: Any) -> Scanner:
    data: dict[str, Any] = {
        "id": "0b7c2d4e-0000-4000-8000-000000000001",
        "name": "Checkout errors",
        "description": "Payment step",
        "scanner_type": "classifier",
        "scanner_config": {"prompt": "Why?", "tags": ["a"]},
        "query": {},
        "sampling_rate": 0.0525,
        "provider": "google",
        "model": "gemini-3.1-flash-lite-preview",
        "enabled": False,
        "emits_signals": False,
        "scanner_version": 3,
        "estimated_monthly_observations": 1200,
        "created_at": "2026-11-01T10:00:00Z",
        "updated_at": "2026-11-02T11:30:00+01:00",
        "created_by": {
            "id": 4,
            "uuid": "u",
            "first_name": "Ada",
            "last_name": "Lovelace",
            "email": "ada@example.com",
        },
    }
    data.update(overrides)
    return Scanner.from_dict(data)


def test_url_values_become_server_side_filters():
    values, notices = parse_params(
        {
            "q": " checkout ",
            "enabled": "disabled",
            "type": "monitor,scorer",
            "creator": "4,7,4",
            "signals": "true",
            "sort": "-updated_at",
            "page": "3",
        },
        scanner_list.PARAMS,
    )
    assert notices == []
    assert scanner_list.list_kwargs(values) == {
        "search": "checkout",
        "enabled": False,
        "scanner_type": ["monitor", "scorer"],
        "created_by": [4, 7],
        "emits_signals": True,
        "order_by": "-updated_at",
        "limit": 50,
        "offset": 100,
    }
    assert scanner_list.has_filters(values)


def test_defaults_ask_for_the_first_page_by_name():
    values, _ = parse_params({}, scanner_list.PARAMS)
    assert scanner_list.list_kwargs(values) == {"order_by": "name", "limit": 50, "offset": 0}
    assert not scanner_list.has_filters(values)


def test_a_list_keeps_its_valid_types_and_names_the_unknown_one() -> None:
    values, notices = parse_params({"type": "monitor,robot"}, scanner_list.PARAMS)
    assert values["type"] == ("monitor",)
    assert len(notices) == 1 and "robot" in notices[0]


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("creator", "alice"),
        ("creator", "0"),
        ("enabled", "maybe"),
        ("sort", "prompt"),
        ("page", "0"),
        ("page", "10001"),
        ("scanner", "../../etc"),
    ],
)
def test_bad_url_values_fall_back_to_defaults_with_a_notice(name, raw):
    values, notices = parse_params({name: raw}, scanner_list.PARAMS)
    default = next(p.default for p in scanner_list.PARAMS if p.name == name)
    assert values[name] == default
    assert len(notices) == 1 and name in notices[0]


@pytest.mark.parametrize(
    ("page", "shown", "total", "caption"),
    [
        (1, 0, 0, "No scanners."),
        (1, 1, 1, "Showing 1–1 of 1 scanner · page 1 of 1"),
        (2, 50, 123, "Showing 51–100 of 123 scanners · page 2 of 3"),
        (2, 50, 2240, "Showing 51–100 of 2,240 scanners · page 2 of 45"),
        (4, 0, 123, "No scanners on page 4; 123 scanners in all."),
    ],
)
def test_page_caption(page, shown, total, caption):
    assert scanner_list.page_caption(page, shown, total) == caption


def test_page_count():
    assert [scanner_list.page_count(n) for n in (0, 1, 50, 51, 100, 101)] == [1, 1, 1, 2, 2, 3]


def test_table_rows_carry_the_official_columns():
    frame = scanner_list.table_frame(
        [
            scanner(enabled=True),
            scanner(enabled=True, estimated_monthly_observations=None, created_by=None),
        ]
    )
    assert list(frame.columns) == list(scanner_list.COLUMNS)
    first = frame.iloc[0].to_dict()
    assert first["Name"] == "Checkout errors" and first["Enabled"] is True
    assert first["Type"] == "Classifier" and first["Sampling"] == "5.25%"
    assert first["Model · price"].endswith(" · 2 credits/obs")
    assert (first["Est. obs/month"], first["Est. credits/month"]) == ("1,200", "2,400 credits")
    assert first["Created by"] == "Ada Lovelace" and first["Version"] == 3
    assert str(first["Updated (UTC)"]) == "2026-11-02 10:30:00"
    second = frame.iloc[1]
    assert second["Est. obs/month"] == "—"
    assert second["Created by"] == "—"


def test_a_disabled_scanner_costs_zero_with_its_would_be_cost_beside_it():
    """Issue 15 item 9: one rule (spend.monthly) for the list, the scanner page and Overview."""
    enabled, disabled = scanner_list.table_frame(
        [scanner(enabled=True), scanner(enabled=False, estimated_monthly_credits=298)]
    ).to_dict("records")
    assert (enabled["Est. obs/month"], enabled["Est. credits/month"]) == ("1,200", "2,400 credits")
    assert disabled["Est. obs/month"] == "0 (1,200 if enabled)"
    assert disabled["Est. credits/month"] == "0 credits (298 if enabled)"


def test_current_era_scanners_add_tags_period_credits_and_the_limit_badge():
    plain, limited = scanner_list.table_frame(
        [
            scanner(tags=["checkout", "p1"], credit_limit=None, credits_this_month=2240),
            scanner(tags=[], credit_limit=500, limit_reached=True, credits_this_month=500),
        ]
    ).to_dict("records")
    assert list(plain) == [*scanner_list.COLUMNS, *scanner_list.PERIOD_COLUMNS]
    assert (plain["Tags"], plain["Credits this period"], plain["Limit"]) == (
        ["checkout", "p1"],
        "2,240 credits",
        "—",
    )
    assert limited["Limit"] == "Limit reached"


def test_the_tag_filter_goes_to_the_api_and_counts_as_a_filter():
    values, notices = parse_params({"tags": "checkout,p1"}, scanner_list.PARAMS)
    assert notices == [] and values["tags"] == ("checkout", "p1")
    assert scanner_list.list_kwargs(values)["tags"] == ["checkout", "p1"]
    assert scanner_list.has_filters(values)


def test_api_reported_prices_win_in_the_table():
    row = scanner_list.table_frame(
        [scanner(enabled=True, credits_per_observation=9, estimated_monthly_credits=777)]
    ).iloc[0]
    assert row["Model · price"].endswith("· 9 credits/obs")
    assert row["Est. credits/month"] == "777 credits"


def test_a_scanner_of_a_type_this_console_does_not_know_is_listed_by_its_name() -> None:
    newer = scanner(name="Indexer", scanner_type="session_indexer")
    row = scanner_list.table_frame([newer]).iloc[0]
    assert row["Type"] == "Session indexer"
    assert row["Name"] == "Indexer"
