"""The Estimate page's budget calculator: "at most N credits (or $) a month" -> the highest rate.

Built only while its expander is open; its label gives the answer to the last budget typed, which
the cost curve keeps marking while the calculator is collapsed, so what the widgets hold is also
kept in a plain session key (Streamlit forgets a widget's value on a run that does not draw it).
The answer comes from ``vision_console.cost.highest_rate_within``: no request.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from vision_console import cost
from vision_console import format as fmt
from vision_console.estimate import inputs
from vision_console.estimate.inputs import Inputs
from vision_console.estimate.results import Shown

BUDGET_SECTION = "Budget calculator"


@dataclass(frozen=True)
class Budget:
    """The monthly budget in credits (None until one is typed) and the rate that fits it."""

    credits: float | None
    answer: cost.BudgetAnswer | None


def section(chosen: Inputs, shown: Shown) -> Budget:
    """ "At most N credits (or $) a month" -> the highest rate that fits, with a button to use it.

    Built only while its expander is open; the label gives the answer to the last budget
    typed, which the curve keeps marking while the calculator is collapsed. Also says how much
    of the monthly quota the other enabled scanners leave to this one.
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
        st.caption(describe_quota_room(basis))
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


def budget_inputs(prefix: str, amount: float | None, unit: str) -> None:
    """ "At most N credits (or $) a month": the budget widgets, starting from ``budget_choice``."""
    with st.container(horizontal=True, vertical_alignment="bottom"):
        st.number_input(
            f"Monthly budget ({unit})",
            min_value=0.0,
            value=amount,
            step=100.0 if unit == "credits" else 1.0,
            key=inputs.key(prefix, "budget"),
            placeholder="e.g. 1000",
        )
        st.segmented_control(
            "Unit",
            ["credits", "$"],
            default=unit,
            key=inputs.key(prefix, "budget_unit"),
            required=True,
        )


def describe_budget(answer: cost.BudgetAnswer, budget_credits: float, price: int) -> str:
    """One sentence for the budget calculator's answer (numbers only: safe as Markdown)."""
    budget = f"{budget_credits:,.0f} credits ({fmt.money(cost.dollars_for(budget_credits))})"
    rate = fmt.sampling_rate(answer.sampling_rate)
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
            f"whole {quota:,}-observation quota: any rate above 0% goes over it."
        )
    answer = cost.highest_rate_within(basis, room, 1)
    if answer.reason in ("full_rate_fits", "no_sessions"):
        return f"Any rate stays within the {quota:,}-observation monthly quota, beside the others."
    return (
        f"To stay within the {quota:,}-observation monthly quota beside the other enabled "
        f"scanners ({others:,} a month): at most {fmt.sampling_rate(answer.sampling_rate)}."
    )


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
        return f"{BUDGET_SECTION}: {budget} · only 0% (paused) fits"
    return f"{BUDGET_SECTION}: {budget} · at most {fmt.sampling_rate(answer.sampling_rate)}"
