"""The Estimate page's budget calculator: "at most N credits (or $) a month" -> the highest rate.

Built only while its expander is open; its label gives the answer to the last budget typed, which
the cost curve keeps marking while the calculator is collapsed, so what the widgets hold is also
kept in a plain session key (Streamlit forgets a widget's value on a run that does not draw it).
The answer comes from ``vision_console.cost.highest_rate_within``: no request. Switching the unit
converts the amount (1,000 credits become $10), so the budget keeps its meaning.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import streamlit as st

from vision_console import cost, quota
from vision_console import format as fmt
from vision_console.estimate import inputs
from vision_console.estimate.inputs import Inputs
from vision_console.estimate.quota_view import QuotaView
from vision_console.estimate.results import Shown

UNITS = ("credits", "$")

BUDGET_SECTION = "Budget calculator"


@dataclass(frozen=True)
class Budget:
    """The monthly budget in credits (None until one is typed) and the rate that fits it."""

    credits: float | None
    answer: cost.BudgetAnswer | None


def section(chosen: Inputs, shown: Shown) -> Budget:
    """ "At most N credits (or $) a month" -> the highest rate that fits, with a button to use it.

    Built only while its expander is open; the label gives the answer to the last budget
    typed, which the curve keeps marking while the calculator is collapsed. Also says the
    highest rate that keeps the organisation's quota within its limit this period.
    """
    prefix, basis, price = chosen.prefix, shown.basis, shown.price
    amount, unit = budget_choice(prefix)
    budget = budget_credits(amount, unit)
    answer = None if budget is None else cost.highest_rate_within(basis, budget, price)
    open_key = inputs.key(prefix, "budget_open")
    box = st.expander(
        budget_label(answer, budget),
        expanded=bool(st.session_state.get(open_key)),
        key=open_key,
        on_change="rerun",
        icon=":material/savings:",
    )
    if not box.open:
        return Budget(budget, answer)
    with box:
        budget_inputs(prefix, amount, unit)
        if budget is not None and answer is not None:
            st.markdown(describe_budget(answer, budget, price))
            st.button(
                f"Use {fmt.sampling_rate(answer.sampling_rate)}",
                key=inputs.key(prefix, "use_budget_rate"),
                on_click=inputs.set_rate,
                args=(prefix, answer.sampling_rate),
                disabled=answer.sampling_rate == chosen.rate,
            )
        room = describe_quota_room(basis, shown.quota, price)
        if room:
            st.caption(room)
    return Budget(budget, answer)


def budget_choice(prefix: str) -> tuple[float | None, str]:
    """The monthly budget typed (None until one is) and its unit, "credits" or "$".

    Read from the budget widgets while they exist (this run's value, before they are drawn),
    else from the copy kept beside them, so a collapsed calculator still knows the last budget.
    """
    amount_key, unit_key, kept_key = (
        inputs.key(prefix, "budget"),
        inputs.key(prefix, "budget_unit"),
        inputs.key(prefix, "budget_kept"),
    )
    amount, unit = st.session_state.get(kept_key, (None, "credits"))
    if amount_key in st.session_state:
        amount = st.session_state[amount_key]
    if unit_key in st.session_state:
        unit = st.session_state[unit_key]
    st.session_state[kept_key] = (amount, unit)
    return amount, unit


def budget_credits(amount: float | None, unit: str) -> float | None:
    """The budget in credits (a $ amount converted exactly), or None without one."""
    if amount is None:
        return None
    return float(cost.credits_from_dollars(amount)) if unit == "$" else float(amount)


def convert_amount(amount: float | None, old_unit: str, new_unit: str) -> float | None:
    """``amount`` in ``old_unit`` expressed in ``new_unit``: the same budget, another unit."""
    if amount is None or old_unit == new_unit:
        return amount
    if new_unit == "$":
        return cost.dollars_for(Fraction(str(amount)))
    return float(cost.credits_from_dollars(amount))


def switch_unit(prefix: str) -> None:
    """On a unit switch, convert the typed amount so it keeps its meaning (a callback)."""
    amount_key, unit_key, kept_key = (
        inputs.key(prefix, "budget"),
        inputs.key(prefix, "budget_unit"),
        inputs.key(prefix, "budget_kept"),
    )
    amount, old_unit = st.session_state.get(kept_key, (None, "credits"))
    amount = st.session_state.get(amount_key, amount)
    new_unit = st.session_state.get(unit_key) or old_unit
    converted = convert_amount(amount, old_unit, new_unit)
    st.session_state[amount_key] = converted
    st.session_state[kept_key] = (converted, new_unit)


def budget_inputs(prefix: str, amount: float | None, unit: str) -> None:
    """ "At most N credits (or $) a month": the budget widgets, starting from ``budget_choice``."""
    amount_key = inputs.key(prefix, "budget")
    if amount_key not in st.session_state:
        st.session_state[amount_key] = amount  # the kept budget, given back to a new widget
    with st.container(horizontal=True, vertical_alignment="bottom"):
        st.number_input(
            f"Monthly budget ({unit})",
            min_value=0.0,
            value=None,
            step=100.0 if unit == "credits" else 1.0,
            key=amount_key,
            placeholder="e.g. 1000" if unit == "credits" else "e.g. 10",
        )
        st.segmented_control(
            "Unit",
            list(UNITS),
            default=unit,
            key=inputs.key(prefix, "budget_unit"),
            required=True,
            on_change=switch_unit,
            args=(prefix,),
        )


def describe_budget(answer: cost.BudgetAnswer, budget_credits: float, price: int) -> str:
    """One sentence for the budget calculator's answer (numbers only: safe as Markdown)."""
    budget = fmt.credits_and_money(budget_credits)
    rate = fmt.sampling_rate(answer.sampling_rate)
    month = (
        f"{fmt.count(answer.observations, 'observation')}, {fmt.credits(answer.credits)} a month"
    )
    if answer.reason == "no_sessions":
        return "No recordings match these filters, so any rate costs nothing."
    if answer.reason == "no_budget":
        return "A budget of 0 allows no observations: the scanner must be paused (0 %)."
    if answer.reason == "below_floor":
        return (
            f"Even the smallest rate, 0.01%, costs more than {budget} at {fmt.credits(price)} "
            "per observation: pause the scanner (0%) or narrow its filters."
        )
    if answer.reason == "full_rate_fits":
        return f"The full rate fits {budget}: **100 %** gives {month}."
    return f"At most {budget}: **{rate}** gives {month}."


def describe_quota_room(basis: cost.VolumeBasis, view: QuotaView, price: int) -> str | None:
    """The highest rate that keeps the organisation's quota within its limit this period.

    From the quota's room for this scanner (its limit, less what is used, committed to
    backfills and projected for the other enabled scanners), in the quota's unit. None when
    there is no quota to keep within.
    """
    if view.quota is None or view.room is None:
        return None
    unit = view.quota.unit
    if view.room == 0:
        return (
            "The quota has no room left this period beside what is used, committed and "
            "projected for the other scanners: any rate above 0% goes over it."
        )
    if view.room == float("inf"):
        return None
    answer = cost.highest_rate_within(basis, view.room, price if unit == "credits" else 1)
    room = quota.amount(view.room, unit)
    if answer.reason in ("full_rate_fits", "no_sessions"):
        return f"Any rate keeps the quota within its limit this period (room: {room} a month)."
    if answer.reason == "below_floor":
        return f"Even the smallest rate goes over the quota's room of {room} a month."
    return (
        f"To keep the quota within its limit this period beside the other enabled scanners "
        f"(room: {room} a month): at most {fmt.sampling_rate(answer.sampling_rate)}."
    )


def budget_label(answer: cost.BudgetAnswer | None, budget_credits: float | None) -> str:
    """The budget calculator's label: what it does, or the answer to the last budget typed.

    Numbers only (no ``$``, which Markdown labels could take for LaTeX).
    """
    if answer is None or budget_credits is None:
        return f"{BUDGET_SECTION}: the highest rate that fits a monthly budget"
    budget = f"{fmt.credits(budget_credits)} a month"
    if answer.reason == "no_sessions":
        return f"{BUDGET_SECTION}: {budget} · any rate (no recordings match)"
    if answer.reason in ("no_budget", "below_floor"):
        return f"{BUDGET_SECTION}: {budget} · only 0% (paused) fits"
    return f"{BUDGET_SECTION}: {budget} · at most {fmt.sampling_rate(answer.sampling_rate)}"
