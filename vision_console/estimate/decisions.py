"""The Estimate page's decisions, kept out of the page so they can be tested without a browser.

- ``EstimateRequest`` names what an estimate depends on (query, scanner, model); the sampling
  rate is deliberately not part of it, because observations scale linearly with the rate.
- ``resolve_estimate`` fetches at most one estimate per request, remembers the last good one in
  the viewer's session, and honours a 429's Retry-After by not calling again before it passes,
  showing the last good estimate marked stale meanwhile.
- ``save_changes`` / ``before_after`` prepare the PATCH of changed fields and the confirmation's
  before/after cost.
- ``draft_form`` is what the page hands to the Scanners page's create form.
- ``query_label`` / ``budget_label`` are the labels of the page's two collapsible sections, so
  a collapsed section still says what it holds.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from vision_api import Estimate, RateLimitError, Scanner, VisionAPIError
from vision_console import cost, models_catalog
from vision_console.scanner_config import form as forms
from vision_console.scanner_config import query as query_builder
from vision_console.scanner_config import templates

DEFAULT_RETRY_SECONDS = 10.0
"""How long to hold off after a 429 that did not say how long to wait."""

DRAFT_SOURCE = "draft"
"""The Estimate page's "start from" value for a scanner that does not exist yet."""

DRAFT_MODEL = models_catalog.DEFAULT_MODEL
DRAFT_RATE = forms.DEFAULT_SAMPLING_RATE
"""A new draft starts where the scanner form's create mode starts."""


@dataclass(frozen=True)
class EstimateRequest:
    """The inputs one estimate call depends on; every sampling rate is served from its answer."""

    query: Mapping[str, Any]
    scanner_id: str | None
    model: str

    @property
    def key(self) -> str:
        """Canonical JSON of the inputs: equal requests have equal keys."""
        return json.dumps(
            {"query": self.query, "scanner_id": self.scanner_id, "model": self.model},
            sort_keys=True,
        )


@dataclass
class EstimateMemory:
    """What one viewer's session remembers between reruns (kept in ``st.session_state``)."""

    last_key: str | None = None
    last_estimate: Estimate | None = None
    retry_at: float | None = None
    """Monotonic time before which no estimate request is sent (from a 429's Retry-After)."""
    throttle: RateLimitError | None = None


@dataclass(frozen=True)
class EstimateOutcome:
    """The estimate to show, whether it belongs to other inputs (stale), and what went wrong."""

    estimate: Estimate | None
    stale: bool
    error: VisionAPIError | None = None
    retry_at: float | None = None
    requested: bool = False

    @property
    def throttled(self) -> bool:
        return isinstance(self.error, RateLimitError)


def resolve_estimate(
    request: EstimateRequest,
    fetch: Callable[[EstimateRequest], Estimate],
    memory: EstimateMemory,
    clock: Callable[[], float],
) -> EstimateOutcome:
    """The estimate for ``request``: fetched (``fetch`` may be cached), or the last good one.

    While a 429's Retry-After is running no request is sent at all: the estimate of the same
    inputs is still current, any other one is shown stale. A failed fetch keeps the last good
    estimate on screen, stale, beside the error. ``clock`` is monotonic seconds; it is read
    again after a failed call, since the client may have spent a while retrying first.
    """
    same_inputs = memory.last_key == request.key
    if memory.retry_at is not None and clock() < memory.retry_at:
        if same_inputs:
            return EstimateOutcome(memory.last_estimate, stale=False)
        return EstimateOutcome(
            memory.last_estimate, stale=True, error=memory.throttle, retry_at=memory.retry_at
        )
    try:
        estimate = fetch(request)
    except RateLimitError as error:
        wait = error.retry_after if error.retry_after and error.retry_after > 0 else None
        memory.retry_at = clock() + (wait or DEFAULT_RETRY_SECONDS)
        memory.throttle = error
        return EstimateOutcome(
            memory.last_estimate,
            stale=memory.last_estimate is not None,
            error=error,
            retry_at=memory.retry_at,
            requested=True,
        )
    except VisionAPIError as error:
        return EstimateOutcome(
            memory.last_estimate,
            stale=memory.last_estimate is not None,
            error=error,
            requested=True,
        )
    memory.last_key, memory.last_estimate = request.key, estimate
    memory.retry_at, memory.throttle = None, None
    return EstimateOutcome(estimate, stale=False, requested=True)


def price_for(model: str, estimate: Estimate | None) -> int:
    """Credits per observation of ``model``: the estimate's own figure when it priced this model."""
    reported = None
    if estimate is not None and estimate.raw.get("model", model) == model:
        reported = estimate.credits_per_observation
    return models_catalog.credits_per_observation(model, reported)


def scanner_price(scanner: Scanner) -> int:
    """Credits per observation of a saved scanner (the API's figure first, then the catalog)."""
    return models_catalog.credits_per_observation(scanner.model, scanner.credits_per_observation)


def save_changes(
    scanner: Scanner, query: Mapping[str, Any], rate: float, model: str
) -> dict[str, Any]:
    """The PATCH body: only the query, sampling rate and model that differ from the scanner."""
    proposed = {"query": dict(query), "sampling_rate": rate, "model": model}
    return forms.changed_fields(scanner.raw, proposed)


def before_after(
    scanner: Scanner,
    basis: cost.VolumeBasis,
    after: cost.MonthlyCost,
    model: str,
    query_changed: bool,
) -> pd.DataFrame:
    """The confirmation's table: the scanner's month as saved, and as it would be.

    With the query unchanged both months come from the same estimate, so the comparison is
    exact; with a new query "before" is the server's own cached estimate of the saved scanner.
    """
    before_price = scanner_price(scanner)
    if query_changed:
        before_observations = scanner.estimated_monthly_observations
    else:
        before_observations = cost.observations_at(basis, scanner.sampling_rate)
    before_credits = None if before_observations is None else before_observations * before_price

    def money(credits: int | None) -> str:
        if credits is None:
            return "not estimated yet"
        return f"{credits:,} ({cost.format_dollars(cost.dollars_for(credits))})"

    rows = [
        (
            "Sampling rate",
            cost.format_rate(scanner.sampling_rate),
            cost.format_rate(after.sampling_rate),
        ),
        (
            "Model",
            models_catalog.model_option_label(scanner.model, scanner.credits_per_observation),
            models_catalog.model_option_label(model, after.credits_per_observation),
        ),
        (
            "Observations / month",
            "not estimated yet" if before_observations is None else f"{before_observations:,}",
            f"{after.observations:,}",
        ),
        ("Credits / month", money(before_credits), money(after.credits)),
    ]
    return pd.DataFrame(rows, columns=["", "Before", "After"]).set_index("")


def draft_form(query: Mapping[str, Any], rate: float, model: str) -> forms.ScannerForm:
    """A blank create form carrying the draft's filters, sampling rate and model.

    The filters are split by the shared builder, so the Scanners form shows them in its own
    widgets, with anything the builder cannot show in its JSON box.
    """
    state, remainder = query_builder.split_query(query)
    return replace(
        templates.blank_form(),
        query=state,
        query_extra=query_builder.remainder_to_text(remainder),
        sampling_rate=rate,
        model=model,
    )


def describe_budget(answer: cost.BudgetAnswer, budget_credits: float, price: int) -> str:
    """One sentence for the budget calculator's answer (numbers only: safe as Markdown)."""
    budget = (
        f"{budget_credits:,.0f} credits ({cost.format_dollars(cost.dollars_for(budget_credits))})"
    )
    rate = cost.format_rate(answer.sampling_rate)
    month = f"{answer.observations:,} observations, {answer.credits:,} credits a month"
    if answer.reason == "no_sessions":
        return "No recordings match these filters, so any rate costs nothing."
    if answer.reason == "no_budget":
        return "A budget of 0 allows no observations: the scanner must be paused (0 %)."
    if answer.reason == "below_floor":
        return (
            f"Even the smallest rate, 0.01 %, costs more than {budget} at {price} credits per "
            "observation: pause the scanner (0 %) or narrow its filters."
        )
    if answer.reason == "full_rate_fits":
        return f"The full rate fits {budget}: **100 %** gives {month}."
    return f"At most {budget}: **{rate}** gives {month}."


def describe_quota_room(basis: cost.VolumeBasis, quota: int = cost.ERA_S_MONTHLY_QUOTA) -> str:
    """How much of the monthly observation quota the other enabled scanners leave to this one."""
    others = basis.other_enabled_monthly
    room = quota - others
    if room <= 0:
        return (
            f"The other enabled scanners already expect {others:,} observations a month, the "
            f"whole {quota:,}-observation quota: any rate above 0 % goes over it."
        )
    answer = cost.highest_rate_within(basis, room, 1)
    if answer.reason in ("full_rate_fits", "no_sessions"):
        return f"Any rate stays within the {quota:,}-observation monthly quota, beside the others."
    return (
        f"To stay within the {quota:,}-observation monthly quota beside the other enabled "
        f"scanners ({others:,} a month): at most {cost.format_rate(answer.sampling_rate)}."
    )


QUERY_SECTION = "Recordings to scan"
BUDGET_SECTION = "Budget calculator"
_DATE_KEYS = ("date_from", "date_to")
_NOT_FILTERS = frozenset({"kind", *_DATE_KEYS})
"""Remainder keys that do not narrow the recordings (the estimate and the schedule own time)."""


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _seconds(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


def _bounds(low: float | None, high: float | None, what: str) -> str | None:
    """``duration 15–600 s``, ``duration > 15 s`` or ``duration < 600 s`` (None when unbounded)."""
    if low is not None and high is not None:
        return f"{what} {_seconds(low)}–{_seconds(high)} s"
    if low is not None:
        return f"{what} > {_seconds(low)} s"
    if high is not None:
        return f"{what} < {_seconds(high)} s"
    return None


def query_label(query: Mapping[str, Any], *, rejected_edit: bool = False) -> str:
    """The recordings section's label: the applied query in plain words, counts only.

    Event names, property values and other JSON come from the API or the user, so the label
    (which Streamlit renders as Markdown) names none of them: it counts them. A rejected edit
    is flagged so a collapsed section does not hide that the last "Update estimate" failed.
    """
    state, remainder = query_builder.split_query(query)
    filters = [
        _bounds(state.duration_min, state.duration_max, "duration"),
        _bounds(state.active_min, state.active_max, "active"),
        _plural(len(state.events), "event") if state.events else None,
        ("console " + "/".join(state.console_levels)) if state.console_levels else None,
        _plural(len(state.properties), "property filter") if state.properties else None,
    ]
    other = [key for key in remainder if key not in _NOT_FILTERS]
    if other:
        filters.append(_plural(len(other), "other filter"))
    parts = [part for part in filters if part]
    if not parts:
        parts.append("all recordings")
    elif state.operand == "OR" and len(parts) > 1:
        parts.append("any may match")
    parts.append("without test accounts" if state.filter_test_accounts else "with test accounts")
    if any(key in remainder for key in _DATE_KEYS):
        parts.append("its dates are ignored")
    if rejected_edit:
        parts.append("last edit not applied")
    return " · ".join([QUERY_SECTION, *parts])


def budget_label(answer: cost.BudgetAnswer | None, budget_credits: float | None) -> str:
    """The budget calculator's label: what it does, or the answer to the last budget typed.

    Numbers only (no ``$``, which Markdown labels could take for LaTeX).
    """
    if answer is None or budget_credits is None:
        return f"{BUDGET_SECTION}: the highest rate that fits a monthly budget"
    budget = f"{budget_credits:,.0f} credits a month"
    if answer.reason == "no_sessions":
        return f"{BUDGET_SECTION}: {budget} · any rate (no recordings match)"
    if answer.reason in ("no_budget", "below_floor"):
        return f"{BUDGET_SECTION}: {budget} · only 0 % (paused) fits"
    return f"{BUDGET_SECTION}: {budget} · at most {cost.format_rate(answer.sampling_rate)}"
