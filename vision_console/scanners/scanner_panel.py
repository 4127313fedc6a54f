"""One scanner's settings card and its actions: edit, enable or disable, duplicate, delete.

Used by the scanner page (every action) and the Scanners list (enable/disable from a row).
Every write goes through ``vision_console.cache`` (which refuses in read-only mode and
invalidates the cached reads it affects) and ends in a toast. Enabling and disabling, and
deleting, ask first in a dialog: enabling says what it adds a month (credits and dollars, under
``spend``'s rule), deleting names the scanner and how many observations go with it. A dialog's
confirm button only records the decision and reruns; ``after_last_run`` (called at the top of
both pages) carries it out, so people and tests take the same path.
"""

from __future__ import annotations

import streamlit as st

import vision_api
from vision_api import BadRequestError, Scanner, VisionAPIError
from vision_console import (
    cache,
    models_catalog,
    navigation,
    sampling_modes,
    scanner_types,
    server_era,
    spend,
)
from vision_console import format as fmt
from vision_console.render import ErrorMessage, escape_markdown, explain
from vision_console.scanner_config import form as forms
from vision_console.scanner_config import form_session as form_state
from vision_console.scanner_config import query as query_builder
from vision_console.scanner_config.form_session import flash
from vision_console.scanners.list_query import creator_label

PENDING_DELETE_KEY = "scanners.pending_delete"
PENDING_ENABLED_KEY = "scanners.pending_enabled"
PROBLEM_KEY = "scanners.problem"
RETURN_KEY = "scanners.return_to_scanner"
"""Set while the edit form opened from a scanner's page is open: the page to go back to."""
MAX_COPY_ATTEMPTS = 5


def after_last_run() -> str | None:
    """What the last run left to do or say: a confirmed enable/disable or deletion, toasts, a
    failed action. Returns the id of a scanner deleted now, if any."""
    run_pending_enabled()
    deleted = run_pending_delete()
    if deleted is None:  # a page that switches away after a deletion leaves its toast to the next
        form_state.show_flashes()
    show_problem()
    return deleted


def record_problem(problem: ErrorMessage) -> None:
    st.session_state[PROBLEM_KEY] = problem


def show_problem() -> None:
    """The last action's failure, if any (shown once)."""
    problem = st.session_state.pop(PROBLEM_KEY, None)
    if isinstance(problem, ErrorMessage):
        show = st.warning if problem.level == "warning" else st.error
        show(escape_markdown(problem.as_text()), icon=":material/error:")


# ---------------------------------------------------------------------------------------------
# settings


def render_details(scanner: Scanner) -> None:
    """What the scanner does and what it costs a month, as plain text (names and prompts are
    untrusted)."""
    if not scanner_types.is_known(scanner.scanner_type):
        notice = scanner_types.unknown_type_notice(scanner.scanner_type)
        st.info(escape_markdown(notice), icon=":material/help:")
    credits = models_catalog.scanner_price(scanner)
    monthly = spend.monthly(scanner)
    with st.container(horizontal=True):
        st.metric("Type", escape_markdown(fmt.type_label(scanner.scanner_type)), width="content")
        st.metric("Sampling", fmt.sampling_rate(scanner.sampling_rate), width="content")
        st.metric(
            "Price",
            fmt.credits(credits) + " / obs",
            # The help renders Markdown, and the model id is the API's text (F3).
            help=escape_markdown(
                models_catalog.model_option_label(scanner.model, scanner.credits_per_observation)
            ),
            width="content",
        )
        st.metric(
            "Est. per month",
            spend.credits_text(monthly),
            help="What the schedule will spend: estimated observations a month × price. A "
            "disabled scanner spends 0; what it would spend enabled is shown beside it.",
            width="content",
        )
    created = creator_label(scanner.created_by)
    parts = [
        f"Version {scanner.scanner_version}",
        f"model {models_catalog.model_label(scanner.model)}",
        f"created by {created}",
        f"created {fmt.day(scanner.created_at)}",
        "enabled" if scanner.enabled else "disabled",
    ]
    if scanner.sampling_mode:
        parts.append(f"sampling mode: {sampling_modes.label(scanner.sampling_mode)}")
    if scanner.emits_signals:
        parts.append("emits signals")
    st.caption(escape_markdown(" · ".join(parts)))
    config = scanner.scanner_config or {}
    st.text(scanner_types.facts(scanner.scanner_type).summarize_config(config))
    with st.expander("Prompt and recordings filter"):
        st.text(str(config.get("prompt") or ""))
        state, _remainder = query_builder.split_query(scanner.query or {})
        phrases = query_builder.describe(state)
        st.caption("Recordings: " + escape_markdown(", ".join(phrases) or "every recording"))
        st.json(scanner.query or {}, expanded=False)


# ---------------------------------------------------------------------------------------------
# edit


def open_edit(scanner: Scanner) -> None:
    """Open the edit form (on the Scanners page) on the scanner as stored now; back here after."""
    problem = form_state.open_edit_latest(scanner.id)
    if problem is not None:
        record_problem(problem)
        show_problem()
        return
    st.session_state[RETURN_KEY] = scanner.id
    st.switch_page(navigation.SCANNERS.path)


def return_after_form() -> str | None:
    """The scanner whose page opened the form, once the form has closed (saved or cancelled)."""
    if form_state.current() is not None:
        return None
    returned = st.session_state.pop(RETURN_KEY, None)
    return returned if isinstance(returned, str) else None


# ---------------------------------------------------------------------------------------------
# enable / disable


@st.dialog("Enable scanner?")
def confirm_enable(scanner_id: str, name: str, delta: int | None, quota_line: str | None) -> None:
    """Ask before enabling, with what it adds a month and to the quota; carried out by
    ``run_pending_enabled``."""
    st.text(name)
    st.write(spend.enable_delta_text(delta))
    if quota_line:
        st.write(quota_line)
    _confirm_buttons(scanner_id, name, True, "Enable", ":material/play_circle:")


@st.dialog("Disable scanner?")
def confirm_disable(scanner_id: str, name: str, delta: int | None, quota_line: str | None) -> None:
    """Ask before disabling, with what it saves a month."""
    st.text(name)
    st.write(spend.disable_delta_text(delta))
    if quota_line:
        st.write(quota_line)
    _confirm_buttons(scanner_id, name, False, "Disable", ":material/pause_circle:")


def _confirm_buttons(scanner_id: str, name: str, enable: bool, label: str, icon: str) -> None:
    left, right = st.columns(2)
    if left.button(label, type="primary", icon=icon, key="scanners.enabled.yes"):
        st.session_state[PENDING_ENABLED_KEY] = (scanner_id, name, enable)
        st.rerun()
    if right.button("Cancel", key="scanners.enabled.no"):
        st.rerun()


def ask_enabled(scanner: Scanner, enable: bool) -> None:
    """Open the enable (or disable) confirmation with the scanner's monthly figure."""
    monthly = spend.monthly(scanner)
    quota_line = _quota_line(scanner, enable)
    if enable:
        confirm_enable(scanner.id, scanner.name, monthly.if_enabled_credits, quota_line)
    else:
        confirm_disable(scanner.id, scanner.name, monthly.credits, quota_line)


def _quota_line(scanner: Scanner, enable: bool) -> str | None:
    """How the change moves the quota's projection, or None (no limit, or no quota to read:
    the confirmation still says what it costs)."""
    try:
        the_quota = cache.quota()
    except VisionAPIError:
        return None
    return spend.quota_delta_text(the_quota, spend.quota_delta(the_quota, scanner, enable))


def run_pending_enabled() -> None:
    """Carry out an enable/disable confirmed in the dialog."""
    pending = st.session_state.pop(PENDING_ENABLED_KEY, None)
    if isinstance(pending, tuple) and len(pending) == 3:
        set_enabled(str(pending[0]), str(pending[1]), bool(pending[2]))


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


# ---------------------------------------------------------------------------------------------
# duplicate / delete


def duplicate(scanner: Scanner) -> Scanner | None:
    """Create a disabled copy named "<name> (Copy)", or "(Copy 2)"… when that name is taken.

    A scanner on a model the server has retired is copied onto the era's default model (the
    server refuses the retired id on create), and the toast says so: the copy is disabled, so
    nothing is spent before its model can be changed.
    """
    model = _copy_model(scanner)
    for attempt in range(1, MAX_COPY_ATTEMPTS + 1):
        payload = forms.duplicate_payload(scanner, attempt, model=model)
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
        if model is not None:
            flash(_model_swap_text(scanner.model, model), ":material/history:")
        return copy
    return None


def _copy_model(scanner: Scanner) -> str | None:
    """The model a copy is created with instead of the scanner's own, or None to keep it."""
    era = server_era.connected()
    if not models_catalog.is_retired(scanner.model, era):
        return None
    return vision_api.default_model(era).id


def _model_swap_text(retired: str | None, replacement: str) -> str:
    old = models_catalog.model_option_label(retired)
    new = models_catalog.model_option_label(replacement)
    return escape_markdown(
        f"The original's model, {old}, is retired, so the copy uses {new}. Edit the copy to "
        "pick another before enabling it."
    )


@st.dialog("Delete scanner?")
def confirm_delete(scanner_id: str, name: str, observation_count: int | None) -> None:
    """Ask before deleting; the decision is carried out by ``run_pending_delete``."""
    st.write("This deletes the scanner:")
    st.text(name)
    if observation_count is None:
        st.write("and all of its observations. This cannot be undone.")
    else:
        st.write(
            f"and its **{fmt.count(observation_count, 'observation')}**. This cannot be undone."
        )
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


def run_pending_delete() -> str | None:
    """Carry out a deletion confirmed in the dialog; the deleted scanner's id, if it went."""
    pending = st.session_state.pop(PENDING_DELETE_KEY, None)
    if not (isinstance(pending, tuple) and len(pending) == 2):
        return None
    scanner_id = str(pending[0])
    return scanner_id if delete_confirmed(scanner_id, str(pending[1])) else None


def delete_confirmed(scanner_id: str, name: str) -> bool:
    """DELETE the scanner (its observations go with it); a toast or a message."""
    try:
        cache.delete_scanner(scanner_id)
    except Exception as exc:
        record_problem(_explained(exc, "delete the scanner"))
        return False
    flash(f"Deleted {escape_markdown(name)}.", ":material/delete:")
    return True


def _explained(exc: Exception, action: str) -> ErrorMessage:
    if isinstance(exc, VisionAPIError | cache.ReadOnlyError):
        return explain(exc, action)
    raise exc
