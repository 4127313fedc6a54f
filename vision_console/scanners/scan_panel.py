"""Scanning one recording now from the scanner page, and following it to its result.

What was typed must be a session id or a recording link (``session_input``); anything else is
refused on the field before a request. Posts ``observe`` once (never retried: it spends quota);
a current server may answer that the session was already scanned (nothing charged), and the page
then opens that result. A polling fragment reads the session's observation about once a second
and feeds it to ``scan_run.advance`` until it settles. The result is shown with
``vision_console.observation_text`` (the type's own headline, confidence, reasoning, or why it
failed), every API string as text.
"""

from __future__ import annotations

import streamlit as st

from vision_api import Scanner, VisionAPIError
from vision_console import cache, models_catalog, navigation, observation_text
from vision_console import format as fmt
from vision_console.render import escape_markdown, explain, strip_invisible
from vision_console.scanners import scan_run, session_input
from vision_console.scanners.scan_run import ScanTracking
from vision_console.scanners.session_input import SessionInputError

SCAN_KEY = "scanners.scan"
POLL_SECONDS = 1.0


def render(scanner: Scanner) -> None:
    """Scan one recording with this scanner, then follow it to its result (a write)."""
    credits = models_catalog.scanner_price(scanner)
    with st.form(f"scanners.scan.{scanner.id}", border=False, clear_on_submit=False):
        typed = st.text_input(
            "Session id or recording link",
            key=f"scanners.scan_input.{scanner.id}",
            placeholder="0190b7c2-… or https://…/replay/0190b7c2-…",
        )
        go = st.form_submit_button("Scan recording", icon=":material/play_arrow:")
    st.caption(
        f"Each succeeded scan uses {fmt.credits(credits)}. Works on disabled scanners too; a "
        "session is scanned at most once per scanner."
    )
    if go:
        start(scanner, typed)
    tracking = st.session_state.get(SCAN_KEY)
    if isinstance(tracking, ScanTracking) and tracking.scanner_id == scanner.id:
        if tracking.done or tracking.gave_up:
            render_tracking(tracking)
        else:
            _follow()


def start(scanner: Scanner, typed: str) -> None:
    """POST observe once; on success start following, on failure say exactly why."""
    try:
        session_id = session_input.session_id_from_input(typed)
    except SessionInputError as exc:
        st.error(escape_markdown(str(exc)), icon=":material/error:")  # right under the field
        return
    try:
        result = cache.observe(scanner.id, session_id)
    except (VisionAPIError, cache.ReadOnlyError) as exc:
        problem = (
            scan_run.observe_problem(exc)
            if isinstance(exc, VisionAPIError)
            else explain(exc, "start the scan")
        )
        show = st.warning if problem.level == "warning" else st.error
        show(escape_markdown(problem.as_text()), icon=":material/error:")
        return
    st.session_state[SCAN_KEY] = scan_run.start(
        scanner.id,
        scanner.scanner_type,
        session_id,
        result.workflow_id,
        already_scanned=result.already_scanned,
    )
    if result.already_scanned:
        st.toast("Already scanned: no charge. Opening that result.", icon=":material/history:")
    else:
        st.toast("Scan requested.", icon=":material/play_arrow:")


@st.fragment(run_every=POLL_SECONDS)
def _follow() -> None:
    """One poll per run: the session's observation, until it settles."""
    tracking = st.session_state.get(SCAN_KEY)
    if not isinstance(tracking, ScanTracking):
        return
    try:
        found = cache.live_observations(tracking.scanner_id, tracking.session_id)
    except VisionAPIError as exc:
        st.warning(escape_markdown(explain(exc, "check the scan").as_text()))
        return
    tracking = scan_run.advance(tracking, list(found))
    st.session_state[SCAN_KEY] = tracking
    render_tracking(tracking)
    if tracking.done or tracking.gave_up:
        st.rerun(scope="app")


def render_tracking(tracking: ScanTracking) -> None:
    """Progress while in flight; the result (as text) once settled."""
    fraction, text = tracking.progress
    st.progress(fraction, text=f"Session {escape_markdown(tracking.session_id)}: {text}")
    if tracking.gave_up:
        st.info(
            "Still not finished after a few minutes; it will appear on the Observations page "
            "when it does.",
            icon=":material/hourglass_top:",
        )
        return
    if not tracking.done or tracking.observation is None:
        return
    st.page_link(
        navigation.OBSERVATIONS.path,
        label="Open in Observations",
        icon=":material/open_in_new:",
        query_params=_result_params(tracking),
    )
    if tracking.already_scanned:
        st.info(
            "This session had already been scanned by this scanner; here is that result "
            "(nothing new was charged).",
            icon=":material/history:",
        )
    observation = tracking.observation
    if tracking.status == "succeeded":
        head = observation_text.headline(observation, tracking.scanner_type)
        st.metric(escape_markdown(head.label), escape_markdown(head.value), help=None)
        if head.caption:
            st.caption(escape_markdown(head.caption))
        if observation.confidence is not None:
            st.caption(f"Confidence: {observation_text.confidence_label(observation)}")
        reasoning = observation_text.reasoning_text(observation)
        if reasoning:
            st.text(strip_invisible(reasoning))
        return
    reason = observation_text.explain_error(observation)
    label = reason.label if reason else tracking.status.capitalize()
    message = reason.message if reason else ""
    st.warning(escape_markdown(f"{label}: {message}" if message else label), icon=":material/info:")


def _result_params(tracking: ScanTracking) -> dict[str, str]:
    """The Observations link for a scan's result: the scanner and session, and the observation
    itself so it opens (observe's "already scanned" answer names it too)."""
    params = {"scanner": tracking.scanner_id, "session": tracking.session_id}
    if tracking.observation is not None:
        params["obs"] = tracking.observation.id
    return params
