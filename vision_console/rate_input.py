"""The sampling-rate input of every page: a whole-percent slider beside an exact percentage.

The slider is for quick moves (arrow keys step 1%, issue 15 item 15: 0.01% steps made the
keyboard useless); the exact input takes any rate down to PostHog's 0.01% floor. Both hold
percentages and are kept in step: moving the slider sets the exact rate, typing an exact rate
moves the slider to its nearest whole percent. The exact input is deliberately unbounded, so a
typed 150 reaches the caller's validation and is explained on the field instead of being
silently clamped.
"""

from __future__ import annotations

import math
from typing import Any

import streamlit as st

SLIDER_STEP = 1
"""Whole percents on the slider (and its arrow keys); the exact input takes 0.01%."""


def slider_percent(value: Any) -> int:
    """Where the whole-percent slider stands for an exact percentage (clamped to 0..100)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        return 0
    return int(min(100, max(0, round(value))))


def fraction(percent: Any) -> float | None:
    """The rate (0..1) an exact percentage stands for; None when it is not a number."""
    if isinstance(percent, bool) or not isinstance(percent, int | float) or math.isnan(percent):
        return None
    return round(float(percent) / 100, 8)


def set_rate(slider_key: str, exact_key: str, rate: float) -> None:
    """Move both inputs to ``rate`` (a fraction), e.g. from a "Use this rate" button."""
    percent = round(rate * 100, 4)
    st.session_state[exact_key] = percent
    st.session_state[slider_key] = slider_percent(percent)


def keep_in_step(source_key: str, target_key: str, slider_key: str) -> None:
    """The inputs' change callback: copy one into the other (the slider to whole percents)."""
    value = st.session_state.get(source_key)
    if target_key == slider_key:
        st.session_state[target_key] = slider_percent(value)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        st.session_state[target_key] = float(value)


def draw(
    slider_key: str,
    exact_key: str,
    *,
    label: str,
    help: str,
    exact_label: str = "Exact rate (%)",
    persist: bool = False,
) -> float | None:
    """Draw the slider and the exact input side by side; return the typed rate as a fraction.

    The caller seeds both keys first (``set_rate``) and validates the result, which may be
    outside 0..1 when typed so. ``persist`` keeps the values across pages (a form's draft).
    """
    options: dict[str, Any] = {"persist_state": "session"} if persist else {}
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    left.slider(
        label,
        min_value=0,
        max_value=100,
        step=SLIDER_STEP,
        format="%d%%",
        key=slider_key,
        on_change=keep_in_step,
        args=(slider_key, exact_key, slider_key),
        help=help,
        **options,
    )
    right.number_input(
        exact_label,
        step=1.0,
        format="%g",
        key=exact_key,
        on_change=keep_in_step,
        args=(exact_key, slider_key, slider_key),
        **options,
    )
    return fraction(st.session_state.get(exact_key))
