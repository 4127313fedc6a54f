"""One observation in full: headline, reasoning, error explained, snapshot, lifecycle, links.

Everything the model or the API wrote (verdict, tags, title, reasoning, error messages,
prompts) is drawn as plain text (``st.text``, ``st.code``, dataframe cells) or escaped;
only the console's own labels use Markdown. Links are the connection's http(s) recording URL.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from vision_api import Observation
from vision_console import format as fmt
from vision_console import observation_text as obs_text
from vision_console.render import escape_markdown, safe_url

VERDICT_BADGES: dict[str, Any] = {"yes": "green", "no": "red", "inconclusive": "gray"}
STATUS_BADGES: dict[str, Any] = {
    "succeeded": "green",
    "failed": "red",
    "ineligible": "gray",
    "running": "orange",
    "pending": "gray",
}

NavAction = tuple[Callable[..., None], tuple[Any, ...]] | None
"""A previous/next button's callback and its arguments, or None when at that end."""


def _field_table(rows: list[tuple[str, str]]) -> None:
    frame = pd.DataFrame(rows, columns=["Field", "Value"])
    st.dataframe(frame, hide_index=True, width="stretch")


def _headline(observation: Observation, scanner_type: str) -> None:
    """The type's headline; a verdict (only monitors have one) as a coloured badge."""
    headline = obs_text.headline(observation, scanner_type)
    st.caption(headline.label)
    verdict = observation.verdict
    if verdict in VERDICT_BADGES:
        st.badge(verdict.upper(), color=VERDICT_BADGES[verdict])
    else:
        st.text(headline.value)
    if headline.caption:
        st.text(headline.caption)
    status = observation.status
    st.badge(escape_markdown(status or "unknown"), color=STATUS_BADGES.get(status, "gray"))


def _error(observation: Observation) -> None:
    explained = obs_text.explain_error(observation)
    if explained is None:
        return
    summary = f"**{escape_markdown(explained.label)}**"
    if explained.description:
        summary += f": {escape_markdown(explained.description)}"
    if explained.category == "failed":
        st.error(summary, icon=":material/error:")
    else:
        st.warning(summary, icon=":material/block:")
    if explained.message:
        st.caption("Details from the scanner")
        st.text(explained.message)


def _reasoning(observation: Observation, scanner_type: str, recording: str | None) -> None:
    st.caption("Model reasoning" if observation.reasoning or not observation.summary else "Summary")
    text = obs_text.reasoning_text(observation)
    if text:
        st.code(text, language=None, wrap_lines=True)
    elif observation.scanner_result is None:
        st.text(obs_text.headline(observation, scanner_type).value)
    else:
        st.text("No reasoning provided.")
    moments = obs_text.cited_moments(observation)
    if moments:
        st.caption("Cited moments")
        frame = pd.DataFrame(
            {
                "Moment": [obs_text.format_offset(ms) for ms in moments],
                "Open": [safe_url(obs_text.moment_url(recording, ms)) for ms in moments],
            }
        )
        st.dataframe(
            frame,
            hide_index=True,
            column_config={
                "Open": st.column_config.LinkColumn("Open", display_text="Play from here ↗")
            },
        )


def _details(observation: Observation) -> list[tuple[str, str]]:
    trigger = observation.triggered_by.replace("_", " ")
    if observation.triggered_by_user is not None:
        trigger += f" by {observation.triggered_by_user.display_name}"
    rows = [
        ("Status", observation.status),
        ("Confidence", obs_text.confidence_label(observation)),
        ("Triggered", trigger),
        ("Session", observation.session_id),
    ]
    subject = observation.recording_subject_email or observation.distinct_id
    if subject:
        rows.append(("Recording subject", subject))
    if observation.scanner_result is not None:
        rows.append(("Signals emitted", fmt.count(observation.scanner_result.signals_count)))
    rows.append(("Observation id", observation.id))
    return rows


def render(
    observation: Observation,
    scanner_type: str,
    recording: str | None,
    position: int | None,
    total: int,
    previous: NavAction,
    following: NavAction,
    on_close: Callable[[], None],
    actions: Callable[[], None] | None = None,
) -> None:
    """The detail panel; ``position`` is the 0-based place in the filtered, sorted set;
    ``actions`` draws what the server lets a person do with it (rate, retry) under its result."""
    with st.container(border=True, key="observations.detail"):
        st.subheader("Observation")
        where = (
            "not in this view"
            if position is None
            else f"{fmt.count(position + 1)} of {fmt.count(total)}"
        )
        st.caption(f"Session {escape_markdown(observation.session_id or '—')} · {where}")
        nav = st.columns([1, 1, 1, 4], vertical_alignment="center")
        nav[0].button(
            "Previous",
            icon=":material/arrow_upward:",
            key="observations.detail_previous",
            disabled=previous is None,
            on_click=previous[0] if previous else None,
            args=previous[1] if previous else None,
            help="The row above in the table's order",
            width="stretch",
        )
        nav[1].button(
            "Next",
            icon=":material/arrow_downward:",
            key="observations.detail_next",
            disabled=following is None,
            on_click=following[0] if following else None,
            args=following[1] if following else None,
            help="The row below in the table's order",
            width="stretch",
        )
        nav[2].button(
            "Close",
            icon=":material/close:",
            key="observations.detail_close",
            on_click=on_close,
            width="stretch",
        )
        link = safe_url(recording)
        result, body = st.columns([1, 3])
        with result:
            _headline(observation, scanner_type)
            if link:
                st.link_button("Open recording", link, icon=":material/play_circle:")
            if actions is not None:
                actions()
        with body:
            _error(observation)
            _reasoning(observation, scanner_type, link)
        facts, snapshot = st.columns(2)
        with facts:
            st.caption("Observation details")
            _field_table(_details(observation))
            st.caption("Lifecycle")
            _field_table(obs_text.lifecycle(observation))
        with snapshot:
            st.caption("Scanner at scan time")
            items = obs_text.snapshot_items(observation)
            if items:
                _field_table(items)
            else:
                st.text("No snapshot recorded.")
            prompt = obs_text.snapshot_prompt(observation)
            if prompt:
                with st.expander("Prompt at scan time"):
                    st.code(prompt, language=None, wrap_lines=True)
        with st.expander("Raw JSON"):
            st.json(observation.raw, expanded=False)
