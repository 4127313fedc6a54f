"""Actions on one scanner from the Scanners page: details, enable, duplicate, delete, scan now.

Every write goes through ``vision_console.cache`` (which refuses in read-only mode and invalidates
the cached reads it affects) and ends in a toast. Deletion asks first in a dialog naming the scanner
and how many observations go with it; the dialog's confirm button only records the decision and
reruns, and ``run_pending_delete`` (called at the top of the page) performs it, so the same path is
used by people and by tests. Applying a scanner to a session posts ``observe`` once (never retried:
it spends quota) and then follows the observation with a polling fragment.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from vision_api import BadRequestError, Scanner, VisionAPIError
from vision_console import cache, models_catalog, navigation
from vision_console.observations import view as observations_view
from vision_console.render import ErrorMessage, escape_markdown, explain
from vision_console.scanner_config import form as forms
from vision_console.scanner_config import query as query_builder
from vision_console.scanners import scan_run
from vision_console.scanners.form_state import SELECT_KEY, flash
from vision_console.scanners.list_panel import SELECTED_KEY
from vision_console.scanners.list_query import creator_label, format_sampling
from vision_console.scanners.scan_run import ScanTracking, SessionInputError

PENDING_DELETE_KEY = "scanners.pending_delete"
PROBLEM_KEY = "scanners.problem"
SCAN_KEY = "scanners.scan"
MAX_COPY_ATTEMPTS = 5
POLL_SECONDS = 1.0


def record_problem(problem: ErrorMessage) -> None:
    st.session_state[PROBLEM_KEY] = problem


def show_problem() -> None:
    """The last action's failure, if any (shown once)."""
    problem = st.session_state.pop(PROBLEM_KEY, None)
    if isinstance(problem, ErrorMessage):
        show = st.warning if problem.level == "warning" else st.error
        show(escape_markdown(problem.as_text()), icon=":material/error:")


# ---------------------------------------------------------------------------------------------
# details


def render_details(scanner: Scanner) -> None:
    """What the scanner does, as plain text (names and prompts are untrusted)."""
    raw = scanner.raw or {}
    st.subheader(escape_markdown(scanner.name), anchor=False)
    if scanner.description:
        st.caption(escape_markdown(scanner.description))
    credits = models_catalog.scanner_credits_per_observation(raw)
    monthly = models_catalog.estimated_monthly_credits(raw)
    cols = st.columns(4)
    cols[0].metric("Type", forms.TYPE_LABELS.get(scanner.scanner_type, scanner.scanner_type))
    cols[1].metric("Sampling", format_sampling(scanner.sampling_rate))
    cols[2].metric(
        "Price",
        f"{credits} cr/obs",
        help=models_catalog.model_option_label(scanner.model, raw.get("credits_per_observation")),
    )
    cols[3].metric(
        "Est. per month",
        "—" if monthly is None else f"{monthly:,} cr",
        help="Estimated observations per month × price. Empty until the server has estimated it.",
    )
    created = creator_label(scanner.created_by)
    st.caption(
        escape_markdown(
            f"Version {scanner.scanner_version} · model {models_catalog.model_label(scanner.model)}"
            f" · created by {created} · {'enabled' if scanner.enabled else 'disabled'}"
            f"{' · emits signals' if scanner.emits_signals else ''}"
        )
    )
    config = scanner.scanner_config or {}
    st.text(_config_summary(scanner.scanner_type, config))
    with st.expander("Prompt and recordings filter"):
        st.text(str(config.get("prompt") or ""))
        state, _remainder = query_builder.split_query(scanner.query or {})
        phrases = query_builder.describe(state)
        st.caption("Recordings: " + escape_markdown(", ".join(phrases) or "every recording"))
        st.json(scanner.query or {}, expanded=False)


def render_links(scanner: Scanner) -> None:
    """Jump to this scanner's observations or its cost estimate, pre-filtered by id."""
    with st.container(horizontal=True):
        st.page_link(
            navigation.OBSERVATIONS.path,
            label="Observations",
            icon=":material/visibility:",
            query_params={"scanner": scanner.id},
        )
        st.page_link(
            navigation.ESTIMATE.path,
            label="Cost estimate",
            icon=":material/calculate:",
            query_params={"scanner": scanner.id},
        )


def _config_summary(scanner_type: str, config: Mapping[str, Any]) -> str:
    if scanner_type == "monitor":
        return "Verdicts: yes / no" + (
            " / inconclusive" if config.get("allow_inconclusive") else ""
        )
    if scanner_type == "classifier":
        raw_tags = config.get("tags")
        tags: list[Any] = raw_tags if isinstance(raw_tags, list) else []
        mode = "one tag" if config.get("multi_label") is False else "one or more tags"
        extra = ", plus freeform tags" if config.get("allow_freeform_tags") else ""
        return f"Tags ({mode}{extra}): " + ", ".join(str(t) for t in tags)
    if scanner_type == "scorer":
        raw_scale = config.get("scale")
        scale: dict[str, Any] = raw_scale if isinstance(raw_scale, dict) else {}
        label = f" ({scale.get('label')})" if scale.get("label") else ""
        return f"Score from {scale.get('min')} to {scale.get('max')}{label}"
    length = config.get("length", "medium")
    return f"Summary length: {forms.SUMMARY_LENGTHS.get(str(length), length)}"


# ---------------------------------------------------------------------------------------------
# enable / duplicate / delete


def render_toggle(scanner: Scanner) -> None:
    """An Enabled switch; the key carries the stored state, so a fresh list resets it."""
    key = f"scanners.toggle.{scanner.id}.{int(scanner.enabled)}"
    st.toggle(
        "Enabled",
        value=scanner.enabled,
        key=key,
        on_change=_toggle_changed,
        args=(scanner.id, scanner.name, key),
        help="Disabled scanners stop their schedule; scanning one session still works.",
    )


def _toggle_changed(scanner_id: str, name: str, key: str) -> None:
    set_enabled(scanner_id, name, bool(st.session_state.get(key)))


def set_enabled(scanner_id: str, name: str, enabled: bool) -> bool:
    """PATCH ``enabled`` alone; a toast on success, a message on failure."""
    try:
        cache.update_scanner(scanner_id, enabled=enabled)
    except Exception as exc:
        record_problem(_explained(exc, "enable the scanner" if enabled else "disable the scanner"))
        return False
    state = "enabled" if enabled else "disabled"
    flash(f"{escape_markdown(name)} {state}.")
    return True


def duplicate(scanner: Scanner) -> Scanner | None:
    """Create a disabled copy named "<name> (Copy)", or "(Copy 2)"… when that name is taken."""
    raw = dict(scanner.raw or {})
    for attempt in range(1, MAX_COPY_ATTEMPTS + 1):
        payload = forms.duplicate_payload(raw, attempt)
        try:
            copy = cache.create_scanner(**payload)
        except BadRequestError as exc:
            if exc.attr == "name" and attempt < MAX_COPY_ATTEMPTS:
                continue
            record_problem(_explained(exc, "duplicate the scanner"))
            return None
        except Exception as exc:
            record_problem(_explained(exc, "duplicate the scanner"))
            return None
        flash(f"Copied as {escape_markdown(copy.name)} (disabled).")
        st.session_state[SELECT_KEY] = copy.id
        return copy
    return None


@st.dialog("Delete scanner?")
def confirm_delete(scanner_id: str, name: str, observation_count: int | None) -> None:
    """Ask before deleting; the decision is carried out by ``run_pending_delete``."""
    st.write("This deletes the scanner:")
    st.text(name)
    if observation_count is None:
        st.write("and all of its observations. This cannot be undone.")
    else:
        noun = "observation" if observation_count == 1 else "observations"
        st.write(f"and its **{observation_count:,} {noun}**. This cannot be undone.")
    left, right = st.columns(2)
    if left.button("Delete", type="primary", icon=":material/delete:", key="scanners.delete.yes"):
        st.session_state[PENDING_DELETE_KEY] = (scanner_id, name)
        st.rerun()
    if right.button("Cancel", key="scanners.delete.no"):
        st.rerun()


def ask_delete(scanner: Scanner) -> None:
    """Open the confirmation, with the observation count from the stats endpoint."""
    try:
        count: int | None = cache.observation_stats(scanner.id).status_counts.total
    except VisionAPIError:
        count = None
    confirm_delete(scanner.id, scanner.name, count)


def run_pending_delete() -> None:
    """Carry out a deletion confirmed in the dialog (the dialog only records the decision)."""
    pending = st.session_state.pop(PENDING_DELETE_KEY, None)
    if not (isinstance(pending, tuple) and len(pending) == 2):
        return
    delete_confirmed(str(pending[0]), str(pending[1]))


def delete_confirmed(scanner_id: str, name: str) -> bool:
    """DELETE the scanner (its observations go with it); a toast or a message."""
    try:
        cache.delete_scanner(scanner_id)
    except Exception as exc:
        record_problem(_explained(exc, "delete the scanner"))
        return False
    flash(f"Deleted {escape_markdown(name)}.", ":material/delete:")
    if st.session_state.get(SELECTED_KEY) == scanner_id:
        st.session_state[SELECTED_KEY] = ""
    return True


# ---------------------------------------------------------------------------------------------
# scan one session now


def render_scan(scanner: Scanner) -> None:
    """Scan one recording with this scanner, then follow it to its result (a write)."""
    credits = models_catalog.scanner_credits_per_observation(scanner.raw or {})
    with st.form(f"scanners.scan.{scanner.id}", border=False, clear_on_submit=False):
        typed = st.text_input(
            "Session id or recording link",
            key=f"scanners.scan_input.{scanner.id}",
            placeholder="0190b7c2-… or https://…/replay/0190b7c2-…",
        )
        go = st.form_submit_button("Scan recording", icon=":material/play_arrow:")
    st.caption(
        f"Each succeeded scan uses {credits} credits. Works on disabled scanners too; a "
        "session is scanned at most once per scanner."
    )
    if go:
        start_scan(scanner, typed)
    tracking = st.session_state.get(SCAN_KEY)
    if isinstance(tracking, ScanTracking) and tracking.scanner_id == scanner.id:
        if tracking.done or tracking.gave_up:
            render_tracking(tracking)
        else:
            _follow()


def start_scan(scanner: Scanner, typed: str) -> None:
    """POST observe once; on success start following, on failure say exactly why."""
    try:
        session_id = scan_run.session_id_from_input(typed)
    except SessionInputError as exc:
        st.error(escape_markdown(str(exc)), icon=":material/error:")
        return
    try:
        result = cache.observe(scanner.id, session_id)
    except Exception as exc:
        problem = (
            scan_run.observe_problem(exc)
            if isinstance(exc, VisionAPIError)
            else _explained(exc, "start the scan")
        )
        show = st.warning if problem.level == "warning" else st.error
        show(escape_markdown(problem.as_text()), icon=":material/error:")
        return
    st.session_state[SCAN_KEY] = scan_run.start(
        scanner.id, scanner.scanner_type, session_id, result.workflow_id
    )
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
        query_params={"scanner": tracking.scanner_id, "session": tracking.session_id},
    )
    if tracking.already_scanned:
        st.info(
            "This session had already been scanned by this scanner; here is that result "
            "(nothing new was charged).",
            icon=":material/history:",
        )
    observation = tracking.observation
    if tracking.status == "succeeded":
        head = observations_view.headline(observation, tracking.scanner_type)
        st.metric(escape_markdown(head["label"]), escape_markdown(head["value"]), help=None)
        if head["caption"]:
            st.caption(escape_markdown(head["caption"]))
        output = _model_output(observation)
        confidence = output.get("confidence")
        if isinstance(confidence, int | float):
            st.caption(f"Confidence: {observations_view.confidence_label(float(confidence))}")
        reasoning = observations_view.reasoning_text(output)
        if reasoning:
            st.text(reasoning)
        return
    reason = observations_view.explain_error(observation.get("error_reason"))
    label = reason["label"] if reason else tracking.status.capitalize()
    message = reason["message"] if reason else ""
    st.warning(escape_markdown(f"{label}: {message}" if message else label), icon=":material/info:")


def _model_output(observation: Mapping[str, Any]) -> Mapping[str, Any]:
    result = observation.get("scanner_result")
    output = result.get("model_output") if isinstance(result, Mapping) else None
    return output if isinstance(output, Mapping) else {}


def _explained(exc: Exception, action: str) -> ErrorMessage:
    if isinstance(exc, VisionAPIError | cache.ReadOnlyError):
        return explain(exc, action)
    raise exc
