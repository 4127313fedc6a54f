"""The selected scanner's panel on the Scanners page: details, links, enable, duplicate, delete.

Every write goes through ``vision_console.cache`` (which refuses in read-only mode and invalidates
the cached reads it affects) and ends in a toast. Deletion asks first in a dialog naming the scanner
and how many observations go with it; the dialog's confirm button only records the decision and
reruns, and ``after_last_run`` (called at the top of the page) performs it, so the same path is
used by people and by tests. Scanning one recording now is ``scan_panel``'s.
"""

from __future__ import annotations

import streamlit as st

from vision_api import BadRequestError, Scanner, VisionAPIError
from vision_console import cache, models_catalog, navigation, scanner_types
from vision_console import format as fmt
from vision_console.render import ErrorMessage, escape_markdown, explain
from vision_console.scanner_config import form as forms
from vision_console.scanner_config import form_session as form_state
from vision_console.scanner_config import query as query_builder
from vision_console.scanner_config.form_session import SELECT_KEY, flash
from vision_console.scanners import form_panel, list_panel, scan_panel
from vision_console.scanners.list_panel import ListView
from vision_console.scanners.list_query import creator_label

PENDING_DELETE_KEY = "scanners.pending_delete"
PROBLEM_KEY = "scanners.problem"
MAX_COPY_ATTEMPTS = 5


def after_last_run() -> None:
    """What the last run left to do or say: a confirmed deletion, toasts, a failed action."""
    run_pending_delete()
    form_state.show_flashes()
    show_problem()


def section(view: ListView | None, read_only: bool) -> None:
    """The selected scanner's panel, when one is selected (from this page or by id)."""
    scanner = list_panel.selected_scanner(view)
    if scanner is not None:
        panel(scanner, read_only)


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
        notice = scanner_types.unknown_type_notice(scanner.scanner_type)
        st.info(escape_markdown(notice), icon=":material/help:")
    credits = models_catalog.scanner_price(scanner)
    monthly = models_catalog.scanner_monthly_credits(scanner)
    cols = st.columns(4)
    cols[0].metric("Type", escape_markdown(scanner_types.label(scanner.scanner_type)))
    cols[1].metric("Sampling", fmt.sampling_rate(scanner.sampling_rate))
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
            scan_panel.render(scanner)


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


def _explained(exc: Exception, action: str) -> ErrorMessage:
    if isinstance(exc, VisionAPIError | cache.ReadOnlyError):
        return explain(exc, action)
    raise exc
