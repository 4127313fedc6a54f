"""Unit tests for vision_console.estimate.decisions: one request per inputs, 429 handling, save
diff."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from vision_api import BadRequestError, Estimate, RateLimitError, Scanner
from vision_console import cost
from vision_console.estimate import decisions as estimate_view
from vision_console.estimate.decisions import EstimateMemory, EstimateRequest
from vision_console.scanner_config import form as forms


def make_estimate(matched: int = 300, window: int = 30, **extra: Any) -> Estimate:
    body = {
        "matched_sessions_in_window": matched,
        "window_days": window,
        "estimated_observations_per_month": round(matched / window * 30),
        "other_enabled_scanners_monthly": 100,
        "sampling_rate": 1.0,
    }
    body.update(extra)
    return Estimate.from_dict(body)


def make_scanner(**overrides: Any) -> Scanner:
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


class Fetcher:
    """Stands in for the cached ``data.estimate``: counts calls, fails on demand."""

    def __init__(self) -> None:
        self.calls: list[EstimateRequest] = []
        self.failures: list[Exception] = []

    def __call__(self, request: EstimateRequest) -> Estimate:
        self.calls.append(request)
        if self.failures:
            raise self.failures.pop(0)
        return make_estimate(matched=len(self.calls) * 30)


def at(seconds: float) -> Callable[[], float]:
    """A clock stopped at ``seconds``."""
    return lambda: seconds


def throttled(retry_after: float | None) -> RateLimitError:
    return RateLimitError(429, retry_after=retry_after, detail="Request was throttled.")


def request(
    query: dict[str, Any] | None = None, model: str = "gemini-3-flash-preview"
) -> EstimateRequest:
    return EstimateRequest(query=query or {}, scanner_id=None, model=model)


def test_request_key_ignores_dict_order_but_not_inputs() -> None:
    a = EstimateRequest({"a": 1, "b": 2}, None, "m")
    b = EstimateRequest({"b": 2, "a": 1}, None, "m")
    assert a.key == b.key
    assert a.key != EstimateRequest({"a": 1, "b": 2}, "x", "m").key
    assert a.key != EstimateRequest({"a": 1, "b": 2}, None, "other").key


def test_a_good_estimate_is_remembered() -> None:
    fetch, memory = Fetcher(), EstimateMemory()
    outcome = estimate_view.resolve_estimate(request(), fetch, memory, clock=at(0))
    assert outcome.estimate is not None and not outcome.stale and outcome.requested
    assert memory.last_estimate is outcome.estimate and memory.last_key == request().key


def test_429_keeps_the_last_estimate_stale_and_waits_for_retry_after() -> None:
    fetch, memory = Fetcher(), EstimateMemory()
    first = estimate_view.resolve_estimate(request(), fetch, memory, clock=at(0)).estimate
    fetch.failures.append(throttled(20))
    other = request({"filter_test_accounts": True})
    outcome = estimate_view.resolve_estimate(other, fetch, memory, clock=at(5))
    assert outcome.throttled and outcome.stale and outcome.estimate is first
    assert outcome.retry_at == 25
    # Before Retry-After has passed nothing is sent, whatever the inputs.
    again = estimate_view.resolve_estimate(other, fetch, memory, clock=at(24))
    assert len(fetch.calls) == 2 and not again.requested
    assert again.stale and again.estimate is first and again.throttled
    # The estimate of the previous inputs is still current during the wait.
    back = estimate_view.resolve_estimate(request(), fetch, memory, clock=at(24))
    assert back.estimate is first and not back.stale and not back.requested
    # Once it has passed, the next run retries and recovers.
    later = estimate_view.resolve_estimate(other, fetch, memory, clock=at(25))
    assert later.requested and not later.stale and later.error is None
    assert memory.retry_at is None and memory.last_key == other.key


def test_429_without_retry_after_waits_a_default_time() -> None:
    fetch, memory = Fetcher(), EstimateMemory()
    fetch.failures.append(throttled(None))
    outcome = estimate_view.resolve_estimate(request(), fetch, memory, clock=at(100))
    assert outcome.estimate is None and not outcome.stale
    assert outcome.retry_at == 100 + estimate_view.DEFAULT_RETRY_SECONDS


def test_other_errors_keep_the_last_estimate_and_do_not_block_retries() -> None:
    fetch, memory = Fetcher(), EstimateMemory()
    first = estimate_view.resolve_estimate(request(), fetch, memory, clock=at(0)).estimate
    fetch.failures.append(BadRequestError(400, detail="Recording filter is invalid.", attr="query"))
    bad = request({"bogus": 1})
    outcome = estimate_view.resolve_estimate(bad, fetch, memory, clock=at(1))
    assert (
        isinstance(outcome.error, BadRequestError) and outcome.stale and outcome.estimate is first
    )
    assert memory.retry_at is None
    assert estimate_view.resolve_estimate(bad, fetch, memory, clock=at(2)).requested


def test_price_uses_the_estimates_figure_only_for_its_own_model() -> None:
    priced = make_estimate(model="gemini-3-flash-preview", credits_per_observation=7)
    assert estimate_view.price_for("gemini-3-flash-preview", priced) == 7
    assert estimate_view.price_for("gemini-3.1-flash-lite-preview", priced) == 2
    assert estimate_view.price_for("gemini-3-flash-preview", None) == 5
    assert estimate_view.price_for("gemini-9-unknown", None) == 15


def test_save_changes_sends_only_what_differs() -> None:
    scanner = make_scanner()
    assert (
        estimate_view.save_changes(scanner, {"filter_test_accounts": True}, 0.5, scanner.model)
        == {}
    )
    assert estimate_view.save_changes(
        scanner, {"filter_test_accounts": True}, 0.25, scanner.model
    ) == {"sampling_rate": 0.25}
    changed = estimate_view.save_changes(scanner, {}, 0.5, "gemini-3.1-flash-lite-preview")
    assert changed == {"query": {}, "model": "gemini-3.1-flash-lite-preview"}


def test_before_after_with_the_same_query_compares_on_one_estimate() -> None:
    scanner = make_scanner(sampling_rate=0.5)
    basis = cost.VolumeBasis(matched_sessions_in_window=300, window_days=30)
    after = cost.monthly_cost(basis, 0.25, 2)
    table = estimate_view.before_after(
        scanner, basis, after, "gemini-3.1-flash-lite-preview", query_changed=False
    )
    assert table.loc["Observations / month"].tolist() == ["150", "75"]
    assert table.loc["Credits / month"].tolist() == ["750 ($7.50)", "150 ($1.50)"]
    assert table.loc["Sampling rate"].tolist() == ["50.0 %", "25.0 %"]


def test_before_after_with_a_new_query_uses_the_servers_saved_estimate() -> None:
    scanner = make_scanner(estimated_monthly_observations=None)
    basis = cost.VolumeBasis(matched_sessions_in_window=300, window_days=30)
    after = cost.monthly_cost(basis, 1.0, 5)
    table = estimate_view.before_after(scanner, basis, after, scanner.model, query_changed=True)
    assert table.loc["Observations / month", "Before"] == "not estimated yet"
    assert table.loc["Credits / month", "After"] == "1,500 ($15.00)"


@pytest.mark.parametrize("rate", [0.0, 0.0001, 1.0])
def test_draft_form_carries_the_inputs_into_the_shared_builder(rate: float) -> None:
    query = {"filter_test_accounts": True, "operand": "OR", "session_ids": ["abc"]}
    form = estimate_view.draft_form(query, rate, "gemini-3.1-flash-lite-preview")
    assert (form.sampling_rate, form.model) == (rate, "gemini-3.1-flash-lite-preview")
    assert form.query.filter_test_accounts and form.query.operand == "OR"
    assert json.loads(form.query_extra) == {"session_ids": ["abc"]}
    built, error = forms.build_query(form)
    assert error is None and built == query


def test_retry_after_counts_from_when_the_429_arrived() -> None:
    now = [0.0]

    def slow(_request: EstimateRequest) -> Estimate:
        now[0] += 3.0  # the client waited out its own retries first
        raise throttled(1)

    outcome = estimate_view.resolve_estimate(
        request(), slow, EstimateMemory(), clock=lambda: now[0]
    )
    assert outcome.retry_at == 4.0


@pytest.mark.parametrize(
    ("query", "summary"),
    [
        ({}, "all recordings · with test accounts"),
        ({"filter_test_accounts": True}, "all recordings · without test accounts"),
        (
            {
                "operand": "OR",
                "having_predicates": [
                    {"key": "duration", "type": "recording", "operator": "gt", "value": 15},
                    {"key": "duration", "type": "recording", "operator": "lt", "value": 600},
                    {"key": "active_seconds", "type": "recording", "operator": "gt", "value": 2.5},
                ],
                "events": [
                    {"id": "$pageview", "name": "$pageview", "type": "events"},
                    {"id": "$rageclick", "name": "$rageclick", "type": "events"},
                ],
                "properties": [
                    {"key": "$browser", "type": "event", "operator": "exact", "value": ["Safari"]}
                ],
            },
            "duration 15–600 s · active > 2.5 s · 2 events · 1 property filter · any may match"
            " · with test accounts",
        ),
        (
            {
                "console_log_filters": [
                    {
                        "key": "level",
                        "type": "log_entry",
                        "operator": "exact",
                        "value": ["error", "warn"],
                    }
                ],
                "date_from": "-7d",
                "kind": "RecordingsQuery",
                "person_uuid": "x",
                "actions": [],
            },
            "console error/warn · 2 other filters · with test accounts · its dates are ignored",
        ),
    ],
)
def test_query_label_summarises_in_plain_words(query: dict[str, Any], summary: str) -> None:
    assert estimate_view.query_label(query) == f"Recordings to scan · {summary}"


def test_query_label_names_no_user_text_and_flags_a_rejected_edit() -> None:
    hostile = "[click](https://evil.example) :red[boo] $x$"
    query = {
        "events": [{"id": hostile, "name": hostile, "type": "events"}],
        "properties": [
            {"key": "email", "type": "person", "operator": "icontains", "value": hostile}
        ],
        hostile: 1,
    }
    label = estimate_view.query_label(query, rejected_edit=True)
    assert label == (
        "Recordings to scan · 1 event · 1 property filter · 1 other filter · with test accounts"
        " · last edit not applied"
    )


def test_budget_label_says_what_it_does_then_the_last_answer() -> None:
    basis = cost.VolumeBasis.from_estimate(make_estimate(matched=300, window=30))
    assert estimate_view.budget_label(None, None) == (
        "Budget calculator: the highest rate that fits a monthly budget"
    )
    answer = cost.highest_rate_within(basis, 100, 2)
    assert answer.reason == "fits"
    assert estimate_view.budget_label(answer, 100) == (
        f"Budget calculator: 100 credits a month · at most {cost.format_rate(answer.sampling_rate)}"
    )
    assert estimate_view.budget_label(cost.highest_rate_within(basis, 0, 2), 0).endswith(
        "only 0 % (paused) fits"
    )
    full = cost.highest_rate_within(basis, 10**9, 2)
    assert estimate_view.budget_label(full, 10**9).endswith("at most 100.0 %")
    nothing = cost.VolumeBasis.from_estimate(make_estimate(matched=0))
    assert estimate_view.budget_label(cost.highest_rate_within(nothing, 5, 2), 5).endswith(
        "any rate (no recordings match)"
    )
