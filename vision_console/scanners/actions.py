"""Actions on one scanner from the Scanners page: details, enable, duplicate, delete, scan now.

Every write goes through ``vision_console.cache`` (which refuses in read-only mode and invalidates
the cached reads it affects) and ends in a toast. Deletion asks first in a dialog naming the scanner
and how many observations go with it; the dialog's confirm button only records the decision and
reruns, and ``run_pending_delete`` (called at the top of the page) performs it, so the same path is
used by people and by tests. Applying a scanner to a session posts ``observe`` once (never retried:
it spends quota) and then follows the observation with a polling fragment.
"""

from __future__ import annotations

import streamlit as st

from vision_api import BadRequestError, Scanner, VisionAPIError
from vision_console import (
    cache,
    models_catalog,
    navigation,
    observation_text,
    render,
    scanner_types,
)
from vision_console.render import ErrorMessage, escape_markdown, explain
from vision_console.scanner_config import form as forms
from vision_console.scanner_config import query as query_builder
from vision_console.scanners import form_panel, list_panel, scan_run
from vision_console.scanners.form_state import SELECT_KEY, flash
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
    st.subheader(escape_markdown(scanner.name), anchor=False)
    if scanner.description:
        st.caption(escape_markdown(scanner.description))
    if not scanner_types.is_known(scanner.scanner_type):
        st.info(scanner_types.unknown_type_notice(scanner.scanner_type), icon=":material/help:")
    credits = models_catalog.scanner_price(scanner)
    monthly = models_catalog.scanner_monthly_credits(scanner)
    cols = st.columns(4)
    cols[0].metric("Type", escape_markdown(scanner_types.label(scanner.scanner_type)))
    cols[1].metric("Sampling", format_sampling(scanner.sampling_rate))
    cols[2].metric(
        "Price",
        f"{credits} cr/obs",
        # The help renders Markdown, and the model id is the API's text (F3).
        help=escape_markdown(
            models_catalog.model_option_label(scanner.model, scanner.credits_per_observation)
        ),
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
    st.text(scanner_types.facts(scanner.scanner_type).summarize_config(config))
    with st.expander("Prompt and recordings filter"):
        st.text(str(config.get("prompt") or ""))
        state, _remainder = query_builder.split_query(scanner.query or {})
        phrases = query_builder.describe(state)
        st.caption("Recordings: " + escape_markdown(", ".join(phrases) or "every recording"))
        st.json(scanner.query or {}, expanded=False)


def panel(scanner: Scanner, read_only: bool) -> None:
    """The selected scanner: its actions (unless read-only), details, links and scan-now."""
    with st.container(border=True):
        if not read_only:
            _action_buttons(scanner)
        render_details(scanner)
        render_links(scanner)
        if not read_only:
            st.markdown("**Scan one recording now**")
            render_scan(scanner)


def _action_buttons(scanner: Scanner) -> None:
    """Enable switch, Edit, Duplicate and Delete in one row."""
    actions = st.columns([1, 1, 1, 1, 4])
    with actions[0]:
        render_toggle(scanner)
    if actions[1].button("Edit", icon=":material/edit:", key="scanners.edit"):
        problem = form_panel.open_edit_latest(scanner.id)
        if problem is None:
            st.rerun()
        record_problem(problem)
        show_problem()
    if actions[2].button("Duplicate", icon=":material/content_copy:", key="scanners.dup"):
        if duplicate(scanner):
            st.rerun()
        show_problem()
    if actions[3].button("Delete", icon=":material/delete:", key="scanners.delete"):
        ask_delete(scanner)


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
    for attempt in range(1, MAX_COPY_ATTEMPTS + 1):
        payload = forms.duplicate_payload(scanner, attempt)
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
    if list_panel.selected_id() == scanner_id:
        list_panel.select(None)
    return True


# ---------------------------------------------------------------------------------------------
# scan one session now


def render_scan(scanner: Scanner) -> None:
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
        head = observation_text.headline(observation, tracking.scanner_type)
        st.metric(escape_markdown(head.label), escape_markdown(head.value), help=None)
        if head.caption:
            st.caption(escape_markdown(head.caption))
        if observation.confidence is not None:
            st.caption(f"Confidence: {observation_text.confidence_label(observation)}")
        reasoning = observation_text.reasoning_text(observation)
        if reasoning:
            st.text(render.strip_invisible(reasoning))
        return
    reason = observation_text.explain_error(observation)
    label = reason.label if reason else tracking.status.capitalize()
    message = reason.message if reason else ""
    st.warning(escape_markdown(f"{label}: {message}" if message else label), icon=":material/info:")


def _explained(exc: Exception, action: str) -> ErrorMessage:
    if isinstance(exc, VisionAPIError | cache.ReadOnlyError):
        return explain(exc, action)
    raise exc
