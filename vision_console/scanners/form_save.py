"""Saving the Scanners page's create/edit form: validate, create or PATCH, handle conflicts.

An edit sends only the fields that changed, after re-reading the scanner: when its version moved
since the form opened (or someone changed a field this edit also changes) the save stops and asks
first. A 400 lands on the field its ``attr`` names; any other failure becomes a message above the
form; in every case the typed values stay in the form.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from vision_api import BadRequestError, Scanner, VisionAPIError
from vision_console import cache
from vision_console.render import escape_markdown, explain
from vision_console.scanner_config import form as forms
from vision_console.scanner_config.form import ScannerForm
from vision_console.scanner_config.form_session import (
    SELECT_KEY,
    Conflict,
    FormSession,
    close,
    flash,
    open_edit,
)


def submit(session: FormSession, form: ScannerForm, table_error: str | None) -> None:
    """Validate, then create or update; every outcome ends in a rerun showing it.

    The form's own checks are not kept here: the panel reruns them on every change, so only
    the server's answer is remembered (with the form it answered, to tell when its field moved).
    A failed submit also says so in a toast, pointing at the list beside the button.
    """
    result = forms.build_payload(form)
    errors = dict(result.errors)
    if table_error and "query" not in errors:
        errors["query"] = f"{forms.QUERY_INVALID} {table_error}"
    session.attempted, session.failed = True, form
    session.errors, session.problem, session.conflict = {}, None, None
    if errors or result.payload is None:
        _toast_failure(len(forms.slot_errors(errors)))
        st.rerun()
    if session.mode == "create":
        _create(session, result.payload)
    else:
        _update(session, result.payload, confirmed=False)
    if session.errors:
        _toast_failure(len(session.errors))
    st.rerun()


def _toast_failure(count: int) -> None:
    fields = "1 field needs" if count == 1 else f"{count} fields need"
    flash(f"Not saved: {fields} attention (listed beside the button).", ":material/error:")


def _create(session: FormSession, payload: dict[str, Any]) -> None:
    try:
        created = cache.create_scanner(**payload)
    except Exception as exc:
        _record_failure(session, exc, "create the scanner")
        return
    flash(f"Scanner {escape_markdown(created.name)} created.")
    st.session_state[SELECT_KEY] = created.id
    close()


def _update(session: FormSession, payload: dict[str, Any], *, confirmed: bool) -> None:
    """PATCH the fields this edit changed, after checking the stored scanner did not move."""
    original = session.original
    changes = forms.edit_changes(original, payload) if original else dict(payload)
    if not changes:
        flash("Nothing changed, so nothing was saved.", ":material/info:")
        close()
        return
    if not confirmed and original is not None:
        try:
            live = cache.live_scanner(str(session.scanner_id))
        except Exception as exc:
            _record_failure(session, exc, "check the scanner before saving")
            return
        conflict = find_conflict(original, live, changes, session.opened_version)
        if conflict:
            session.conflict = conflict
            return
    save_changes(session, changes)


def save_changes(session: FormSession, changes: dict[str, Any]) -> None:
    """Send one PATCH with ``changes``; on success close the form and toast the new version."""
    try:
        updated = cache.update_scanner(str(session.scanner_id), **changes)
    except Exception as exc:
        _record_failure(session, exc, "save the scanner")
        return
    names = ", ".join(forms.FIELD_LABELS.get(k, k).lower() for k in changes)
    flash(f"Saved {escape_markdown(names)} · version {updated.scanner_version}.")
    close()


def find_conflict(
    original: Scanner,
    live: Scanner,
    changes: Mapping[str, Any],
    opened_version: int | None,
) -> Conflict | None:
    """Why saving now could overwrite someone else's edit, or None when it is safe.

    The version moved (a tracked field changed), or a field this edit changes was changed on
    the server since the form opened (name and description do not bump the version).
    """
    before, after = forms.stored_fields(original), forms.stored_fields(live)
    moved = [name for name, value in after.items() if before[name] != value]
    version_moved = live.scanner_version != opened_version
    overlap = [name for name in changes if name in moved]
    if not version_moved and not overlap:
        return None
    return Conflict(dict(changes), opened_version, live.scanner_version, moved, live)


def render_conflict(session: FormSession) -> None:
    """When a save stopped on a conflict: say what moved and let the user choose."""
    if session.conflict is not None:
        _conflict_panel(session, session.conflict)


def _conflict_panel(session: FormSession, conflict: Conflict) -> None:
    moved = ", ".join(forms.FIELD_LABELS.get(n, n).lower() for n in conflict.moved_fields)
    yours = ", ".join(forms.FIELD_LABELS.get(n, n).lower() for n in conflict.changes)
    if conflict.live_version != conflict.opened_version:
        head = (
            f"This scanner changed since you opened the form: version {conflict.opened_version}"
            f" → {conflict.live_version}."
        )
    else:
        head = "Someone changed this scanner since you opened the form."
    st.warning(
        escape_markdown(
            f"{head} Changed there: {moved or 'settings'}. Saving sends only what you changed "
            f"({yours}) and overwrites those fields."
        ),
        icon=":material/sync_problem:",
    )
    left, right = st.columns(2)
    if left.button("Save my changes anyway", key=session.key("force"), type="primary"):
        session.conflict = None
        save_changes(session, conflict.changes)
        st.rerun()
    if right.button("Discard mine and load the latest", key=session.key("reload")):
        open_edit(conflict.live)
        st.rerun()


def _record_failure(session: FormSession, exc: Exception, action: str) -> None:
    """A 400 goes on its field; anything else becomes a message above the form."""
    if isinstance(exc, BadRequestError) and exc.detail:
        session.errors = {exc.attr or "form": str(exc.detail)}
        return
    if isinstance(exc, VisionAPIError | cache.ReadOnlyError):
        session.problem = explain(exc, action)
        return
    raise exc
