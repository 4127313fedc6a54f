"""Unit tests for vision_console.estimate.save: the PATCH of what changed, the review table, and
the draft handed to the create form."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from vision_api import Scanner
from vision_console import cost
from vision_console.estimate import save
from vision_console.scanner_config import form as forms


def test_save_changes_sends_only_what_differs(make_scanner: Callable[..., Scanner]) -> None:
    scanner = make_scanner()
    assert save.save_changes(scanner, {"filter_test_accounts": True}, 0.5, scanner.model) == {}
    assert save.save_changes(scanner, {"filter_test_accounts": True}, 0.25, scanner.model) == {
        "sampling_rate": 0.25
    }
    changed = save.save_changes(scanner, {}, 0.5, "gemini-3.5-flash-lite")
    assert changed == {"query": {}, "model": "gemini-3.5-flash-lite"}


def test_before_after_with_the_same_query_compares_on_one_estimate(
    make_scanner: Callable[..., Scanner],
) -> None:
    scanner = make_scanner(sampling_rate=0.5)
    basis = cost.VolumeBasis(matched_sessions_in_window=300, window_days=30)
    after = cost.monthly_cost(basis, 0.25, 2)
    table = save.before_after(scanner, basis, after, "gemini-3.5-flash-lite", query_changed=False)
    assert table.loc["Observations / month"].tolist() == ["150", "75"]
    assert table.loc["Credits / month"].tolist() == ["750 credits ($7.50)", "150 credits ($1.50)"]
    assert table.loc["Sampling rate"].tolist() == ["50%", "25%"]


def test_before_after_with_a_new_query_uses_the_servers_saved_estimate(
    make_scanner: Callable[..., Scanner],
) -> None:
    scanner = make_scanner(estimated_monthly_observations=None)
    basis = cost.VolumeBasis(matched_sessions_in_window=300, window_days=30)
    after = cost.monthly_cost(basis, 1.0, 5)
    table = save.before_after(scanner, basis, after, scanner.model, query_changed=True)
    assert table.loc["Observations / month", "Before"] == "not estimated yet"
    assert table.loc["Credits / month", "After"] == "1,500 credits ($15.00)"


@pytest.mark.parametrize("rate", [0.0, 0.0001, 1.0])
def test_draft_form_carries_the_inputs_into_the_shared_builder(rate: float) -> None:
    query = {"filter_test_accounts": True, "operand": "OR", "session_ids": ["abc"]}
    form = save.draft_form(query, rate, "gemini-3.5-flash-lite")
    assert (form.sampling_rate, form.model) == (rate, "gemini-3.5-flash-lite")
    assert form.query.filter_test_accounts and form.query.operand == "OR"
    assert json.loads(form.query_extra) == {"session_ids": ["abc"]}
    built, error = forms.build_query(form)
    assert error is None and built == query


def test_save_changes_treats_a_null_saved_query_as_empty(
    make_scanner: Callable[..., Scanner],
) -> None:
    scanner = make_scanner(query=None)
    assert save.save_changes(scanner, {}, scanner.sampling_rate, scanner.model) == {}


def test_save_changes_sends_the_coverage_only_in_the_current_era(
    make_scanner: Callable[..., Scanner],
) -> None:
    scanner = make_scanner(sampling_mode="comprehensive")
    query, rate, model = scanner.query or {}, scanner.sampling_rate, scanner.model
    assert save.save_changes(scanner, query, rate, model, "focused") == {"sampling_mode": "focused"}
    assert save.save_changes(scanner, query, rate, model, "comprehensive") == {}
    assert save.save_changes(scanner, query, rate, model, None) == {}


def test_draft_form_carries_the_coverage_when_the_era_has_one() -> None:
    assert save.draft_form({}, 0.2, "gemini-3.5-flash-lite", "focused").sampling_mode == "focused"
    blank = save.draft_form({}, 0.2, "gemini-3.5-flash-lite")
    assert blank.sampling_mode == save.templates.blank_form().sampling_mode
