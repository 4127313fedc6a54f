"""The create / edit scanner form on the Scanners page (Streamlit side).

One form per scanner type. Its widgets are keyed by a fresh form id each time it opens, seeded
from a ``ScannerForm`` (a template, a blank form, or the stored scanner), and read back into a
``ScannerForm`` on submit; ``console.forms`` does the validation and the payload. The rules a
user sees:

* client-side errors use the server's messages and sit under the field they are about; a 400
  from the server lands on the field its ``attr`` names;
* a failed save keeps every value typed (the widgets keep their state, nothing is reset);
* an edit sends only the fields that changed, after re-reading the scanner: if its version moved
  (or someone changed a field this edit also changes) the save stops and asks first.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd
import streamlit as st

from console import connection, data, forms, models_catalog, query_builder, templates
from console.forms import ScannerForm
from console.query_builder import BuilderState, QueryInputError
from console.render import ErrorMessage, escape_markdown, explain
from vision_api import BadRequestError, Scanner, VisionAPIError

SESSION_KEY = "scanners.form"
FLASH_KEY = "scanners.flash"
SELECT_KEY = "scanners.select_after_save"

COMMON_EVENTS = (
    "$pageview",
    "$autocapture",
    "$rageclick",
    "$dead_click",
    "$exception",
    "$pageleave",
    "$screen",
)
_ids = itertools.count(1)


@dataclass
class Conflict:
    """An edit stopped because the stored scanner moved since the form opened."""

    changes: dict[str, Any]
    opened_version: int | None
    live_version: int | None
    moved_fields: list[str]
    live: dict[str, Any]


@dataclass
class FormSession:
    """One opening of the form: what it was seeded with and what the last submit found."""

    form_id: str
    mode: Literal["create", "edit"]
    seed: ScannerForm
    scanner_id: str | None = None
    original: dict[str, Any] | None = None
    opened_version: int | None = None
    template: str | None = None
    errors: dict[str, str] = field(default_factory=dict)
    problem: ErrorMessage | None = None
    conflict: Conflict | None = None

    def key(self, name: str) -> str:
        return f"sf.{self.form_id}.{name}"


# ---------------------------------------------------------------------------------------------
# opening and closing


def open_create(template_key: str | None = None, scanner_type: str = "monitor") -> None:
    """Open the create form, from a template or from scratch."""
    chosen = templates.template(template_key) if template_key else None
    seed = chosen.form() if chosen else templates.blank_form(scanner_type)
    st.session_state[SESSION_KEY] = FormSession(
        form_id=f"new{next(_ids)}", mode="create", seed=seed, template=template_key
    )


def open_edit(scanner: Mapping[str, Any]) -> None:
    """Open the edit form on a scanner's stored JSON, remembering its version."""
    st.session_state[SESSION_KEY] = FormSession(
        form_id=f"edit{next(_ids)}",
        mode="edit",
        seed=forms.form_from_scanner(scanner),
        scanner_id=str(scanner.get("id")),
        original=dict(scanner),
        opened_version=scanner.get("scanner_version"),
    )


def open_edit_latest(scanner_id: str) -> ErrorMessage | None:
    """Open the edit form on the scanner as stored right now (not a cached copy).

    Seeding from a live read means the version the form remembers is the server's current
    one, so the "changed since you opened it" check only fires for real concurrent edits.
    """
    try:
        live = connection.client().scanners.retrieve(scanner_id)
    except VisionAPIError as exc:
        return explain(exc, "open the scanner for editing")
    open_edit(live.raw or {})
    return None


def close() -> None:
    st.session_state.pop(SESSION_KEY, None)


def current() -> FormSession | None:
    session = st.session_state.get(SESSION_KEY)
    return session if isinstance(session, FormSession) else None


def flash(message: str, icon: str = ":material/check_circle:") -> None:
    """Queue a toast for the next run (a save is followed by ``st.rerun``)."""
    st.session_state.setdefault(FLASH_KEY, []).append((message, icon))


def show_flashes() -> None:
    for message, icon in st.session_state.pop(FLASH_KEY, []):
        st.toast(message, icon=icon)


# ---------------------------------------------------------------------------------------------
# rendering


def render(session: FormSession) -> None:
    """The whole form panel: type picker (new scanners), the form, and any pending conflict."""
    title = "New scanner" if session.mode == "create" else "Edit scanner"
    st.subheader(title, anchor=False)
    scanner_type = _type_picker(session)
    if session.problem:
        _show_problem(session.problem)
    if "form" in forms.slot_errors(session.errors):
        st.error(escape_markdown(forms.slot_errors(session.errors)["form"]))
    with st.form(session.key("form"), border=True, enter_to_submit=False):
        _basics(session, scanner_type)
        _type_settings(session, scanner_type)
        _recordings(session)
        _scheduling(session)
        label = "Create scanner" if session.mode == "create" else "Save changes"
        submitted = st.form_submit_button(label, type="primary", icon=":material/save:")
    if st.button("Cancel", key=session.key("cancel"), icon=":material/close:"):
        close()
        st.rerun()
    if session.conflict:
        _conflict_panel(session, session.conflict)
    if submitted:
        submit(session, scanner_type)


def _type_picker(session: FormSession) -> str:
    seed_type = session.seed.scanner_type
    if session.mode == "edit" or session.template:
        origin = "fixed after creation" if session.mode == "edit" else "set by the template"
        st.caption(f"Type: **{forms.TYPE_LABELS.get(seed_type, seed_type)}** ({origin}).")
        return str(seed_type)
    key = session.key("type")
    st.session_state.setdefault(key, seed_type)
    picked = st.segmented_control(
        "Scanner type",
        list(forms.SCANNER_TYPES),
        key=key,
        format_func=lambda t: forms.TYPE_LABELS[t],
        help="What each observation records. The type is fixed once the scanner exists.",
    )
    chosen = picked or seed_type
    st.caption(forms.TYPE_HELP.get(chosen, ""))
    return str(chosen)


def _seed(session: FormSession, name: str, value: Any) -> str:
    """The widget key for ``name``, seeded with ``value`` the first time the widget appears."""
    key = session.key(name)
    if key not in st.session_state:
        st.session_state[key] = value
    return key


def _field_error(session: FormSession, *slots: str) -> None:
    errors = forms.slot_errors(session.errors)
    for slot in slots:
        if slot in errors:
            st.error(escape_markdown(errors[slot]), icon=":material/error:")


def _basics(session: FormSession, scanner_type: str) -> None:
    seed = session.seed
    st.text_input("Name", key=_seed(session, "name", seed.name), max_chars=forms.MAX_NAME)
    _field_error(session, "name")
    st.text_area(
        "Description",
        key=_seed(session, "description", seed.description),
        max_chars=forms.MAX_DESCRIPTION,
        height=68,
    )
    _field_error(session, "description")
    summarizer = scanner_type == "summarizer"
    prompt = st.text_area(
        "Additional context" if summarizer else "Prompt",
        key=_seed(session, "prompt", seed.prompt),
        max_chars=forms.MAX_PROMPT,
        height=200,
        help=(
            "The core summarizer prompt is built in; add what matters for your product."
            if summarizer
            else "One focused, observable question works best."
        ),
    )
    st.caption(forms.prompt_counter(prompt))
    _field_error(session, "prompt")


def _type_settings(session: FormSession, scanner_type: str) -> None:
    seed = session.seed
    if scanner_type == "monitor":
        st.toggle(
            "Allow inconclusive verdicts",
            key=_seed(session, "allow_inconclusive", bool(seed.allow_inconclusive)),
            help="When the recording lacks evidence; otherwise the model must answer yes or no.",
        )
    elif scanner_type == "classifier":
        st.text_area(
            "Tag vocabulary (one tag per line)",
            key=_seed(session, "tags_text", seed.tags_text),
            height=140,
            help="1–100 tags. Tags that differ only in case or punctuation count as the same.",
        )
        _field_error(session, "tags")
        left, right = st.columns(2)
        left.toggle(
            "Allow multiple tags per session",
            key=_seed(session, "multi_label", bool(seed.multi_label)),
            help="Otherwise the model picks exactly one tag.",
        )
        right.toggle(
            "Allow freeform tags",
            key=_seed(session, "allow_freeform_tags", bool(seed.allow_freeform_tags)),
            help="Lets the model add up to 5 tags outside your vocabulary.",
        )
    elif scanner_type == "scorer":
        low, high, label = st.columns(3)
        low.number_input("Scale min", key=_seed(session, "scale_min", _float(seed.scale_min, 0)))
        high.number_input("Scale max", key=_seed(session, "scale_max", _float(seed.scale_max, 10)))
        label.text_input(
            "Score label (optional)",
            key=_seed(session, "scale_label", seed.scale_label),
            placeholder="frustration",
        )
        _field_error(session, "scale")
    else:
        st.segmented_control(
            "Summary length",
            list(forms.SUMMARY_LENGTHS),
            key=_seed(session, "length", seed.length),
            format_func=lambda length: forms.SUMMARY_LENGTHS[length],
        )
        _field_error(session, "length")
    _field_error(session, "scanner_config", "scanner_type")


def _recordings(session: FormSession) -> None:
    state = session.seed.query
    st.markdown("**Recordings to scan**")
    st.caption(
        "Empty means every recording. Vision only scans recordings at least 15 s long with "
        "10 s to 1 h of active time."
    )
    cols = st.columns(4)
    for col, (slot, label) in zip(
        cols,
        (
            ("duration_min", "Min duration (s)"),
            ("duration_max", "Max duration (s)"),
            ("active_min", "Min active time (s)"),
            ("active_max", "Max active time (s)"),
        ),
        strict=True,
    ):
        col.number_input(
            label,
            key=_seed(session, f"q_{slot}", _optional_float(getattr(state, slot))),
            min_value=0.0,
            step=1.0,
        )
    events_key = _seed(session, "q_events", list(state.events))
    options = list(dict.fromkeys([*COMMON_EVENTS, *st.session_state[events_key]]))
    st.multiselect(
        "Sessions with these events",
        options,
        key=events_key,
        accept_new_options=True,
        placeholder="Pick or type event names",
    )
    left, right = st.columns(2)
    left.multiselect(
        "Console logs at level",
        list(query_builder.CONSOLE_LEVELS),
        key=_seed(session, "q_levels", list(state.console_levels)),
    )
    right.radio(
        "Match",
        ["AND", "OR"],
        key=_seed(session, "q_operand", state.operand),
        format_func=lambda op: "all filters (AND)" if op == "AND" else "any filter (OR)",
        horizontal=True,
    )
    st.checkbox(
        "Filter out internal and test users",
        key=_seed(session, "q_test_accounts", state.filter_test_accounts),
    )
    st.data_editor(
        pd.DataFrame(
            query_builder.property_records(state.properties),
            columns=list(query_builder.PROPERTY_COLUMNS),
        ),
        key=session.key("q_properties"),
        num_rows="dynamic",
        width="stretch",
        column_config={
            "Property": st.column_config.SelectboxColumn(
                options=[label for label, _k, _t in query_builder.PROPERTY_FIELDS.values()],
                required=True,
            ),
            "Operator": st.column_config.SelectboxColumn(
                options=list(query_builder.OPERATORS.values()), required=True
            ),
            "Value": st.column_config.TextColumn(required=True),
        },
    )
    st.text_area(
        "Other filters (RecordingsQuery JSON)",
        key=_seed(session, "q_extra", session.seed.query_extra),
        height=120,
        help="Everything the builder above does not cover, kept exactly as stored.",
    )
    for warning in query_builder.scannable_warnings(_typed_durations(session)):
        st.warning(warning, icon=":material/warning:")
    _field_error(session, "query")


def _scheduling(session: FormSession) -> None:
    seed = session.seed
    left, right = st.columns(2)
    left.number_input(
        "Sampling rate (%)",
        key=_seed(session, "rate_pct", _percent(seed.sampling_rate)),
        min_value=0.0,
        max_value=100.0,
        step=1.0,
        format="%.2f",
        help="Share of matching recordings scanned on schedule. 0 pauses the schedule; "
        "otherwise at least 0.01%. Sampling is the main cost lever.",
    )
    model = seed.model if isinstance(seed.model, str) else models_catalog.DEFAULT_MODEL
    right.selectbox(
        "Model",
        models_catalog.selectable_models(model),
        key=_seed(session, "model", model),
        format_func=models_catalog.model_option_label,
        help="Only succeeded observations are billed.",
    )
    _field_error(session, "sampling_rate", "model")
    left, right = st.columns(2)
    left.toggle(
        "Enabled",
        key=_seed(session, "enabled", bool(seed.enabled)),
        help="Disabled scanners run only on demand.",
    )
    right.toggle(
        "Emit signals",
        key=_seed(session, "emits_signals", bool(seed.emits_signals)),
        help="Hands findings to the Signals inbox.",
    )


# ---------------------------------------------------------------------------------------------
# reading the widgets back


def collect(session: FormSession, scanner_type: str) -> tuple[ScannerForm, str | None]:
    """The form as typed, plus a query-table error (rows the builder cannot use)."""
    seed = session.seed
    values = st.session_state

    def get(name: str, default: Any) -> Any:
        return values.get(session.key(name), default)

    rate_pct = get("rate_pct", _percent(seed.sampling_rate))
    rate = round(rate_pct / 100, 10) if isinstance(rate_pct, int | float) else rate_pct
    table_error = None
    try:
        rows = query_builder.rows_from_records(_editor_records(session))
    except QueryInputError as exc:
        rows, table_error = list(seed.query.properties), str(exc)
    query = BuilderState(
        filter_test_accounts=bool(get("q_test_accounts", seed.query.filter_test_accounts)),
        operand="OR" if get("q_operand", seed.query.operand) == "OR" else "AND",
        duration_min=get("q_duration_min", seed.query.duration_min),
        duration_max=get("q_duration_max", seed.query.duration_max),
        active_min=get("q_active_min", seed.query.active_min),
        active_max=get("q_active_max", seed.query.active_max),
        events=tuple(get("q_events", seed.query.events) or ()),
        console_levels=tuple(get("q_levels", seed.query.console_levels) or ()),
        properties=tuple(rows),
    )
    form = ScannerForm(
        scanner_type=scanner_type,
        name=get("name", seed.name),
        description=get("description", seed.description),
        prompt=get("prompt", seed.prompt),
        allow_inconclusive=get("allow_inconclusive", seed.allow_inconclusive),
        tags_text=get("tags_text", seed.tags_text),
        multi_label=get("multi_label", seed.multi_label),
        allow_freeform_tags=get("allow_freeform_tags", seed.allow_freeform_tags),
        scale_min=get("scale_min", seed.scale_min),
        scale_max=get("scale_max", seed.scale_max),
        scale_label=get("scale_label", seed.scale_label),
        length=get("length", seed.length),
        query=query,
        query_extra=get("q_extra", seed.query_extra),
        sampling_rate=rate,
        model=get("model", seed.model),
        enabled=get("enabled", seed.enabled),
        emits_signals=get("emits_signals", seed.emits_signals),
        extra_config=seed.extra_config,
        config_base=seed.config_base if scanner_type == seed.scanner_type else None,
        query_base=seed.query_base,
    )
    return form, table_error


def _editor_records(session: FormSession) -> list[dict[str, Any]]:
    """The property table's rows after the user's edits (the editor stores only a delta)."""
    records = query_builder.property_records(session.seed.query.properties)
    delta = st.session_state.get(session.key("q_properties"))
    if not isinstance(delta, Mapping):
        return list(records)
    rows: list[dict[str, Any]] = [dict(r) for r in records]
    for index, edits in (delta.get("edited_rows") or {}).items():
        position = int(index)
        if 0 <= position < len(rows) and isinstance(edits, Mapping):
            rows[position].update(edits)
    deleted = {int(i) for i in delta.get("deleted_rows") or []}
    kept = [row for position, row in enumerate(rows) if position not in deleted]
    added = [dict(row) for row in delta.get("added_rows") or [] if isinstance(row, Mapping)]
    return kept + added


# ---------------------------------------------------------------------------------------------
# saving


def submit(session: FormSession, scanner_type: str) -> None:
    """Validate, then create or update; every outcome ends in a rerun showing it."""
    form, table_error = collect(session, scanner_type)
    result = forms.build_payload(form)
    errors = dict(result.errors)
    if table_error and "query" not in errors:
        errors["query"] = f"{forms.QUERY_INVALID} {table_error}"
    session.errors, session.problem, session.conflict = errors, None, None
    if errors or result.payload is None:
        st.rerun()
    if session.mode == "create":
        _create(session, result.payload)
    else:
        _update(session, result.payload, confirmed=False)
    st.rerun()


def _create(session: FormSession, payload: dict[str, Any]) -> None:
    try:
        created = data.create_scanner(**payload)
    except Exception as exc:
        _record_failure(session, exc, "create the scanner")
        return
    flash(f"Scanner {escape_markdown(created.name)} created.")
    st.session_state[SELECT_KEY] = created.id
    close()


def _update(session: FormSession, payload: dict[str, Any], *, confirmed: bool) -> None:
    """PATCH the fields this edit changed, after checking the stored scanner did not move."""
    original = session.original or {}
    changes = forms.changed_fields(original, payload)
    if not changes:
        flash("Nothing changed, so nothing was saved.", ":material/info:")
        close()
        return
    if not confirmed:
        try:
            live = connection.client().scanners.retrieve(str(session.scanner_id))
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
        updated = data.update_scanner(str(session.scanner_id), **changes)
    except Exception as exc:
        _record_failure(session, exc, "save the scanner")
        return
    names = ", ".join(forms.FIELD_LABELS.get(k, k).lower() for k in changes)
    flash(f"Saved {escape_markdown(names)} · version {updated.scanner_version}.")
    close()


def find_conflict(
    original: Mapping[str, Any],
    live: Scanner,
    changes: Mapping[str, Any],
    opened_version: int | None,
) -> Conflict | None:
    """Why saving now could overwrite someone else's edit, or None when it is safe.

    The version moved (a tracked field changed), or a field this edit changes was changed on
    the server since the form opened (name and description do not bump the version).
    """
    live_raw = live.raw or {}
    moved = [
        name
        for name in forms.FIELD_LABELS
        if name in live_raw and name in original and live_raw[name] != original[name]
    ]
    version_moved = live.scanner_version != opened_version
    overlap = [name for name in changes if name in moved]
    if not version_moved and not overlap:
        return None
    return Conflict(dict(changes), opened_version, live.scanner_version, moved, dict(live_raw))


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
    if isinstance(exc, VisionAPIError | data.ReadOnlyError):
        session.problem = explain(exc, action)
        return
    raise exc


def _show_problem(problem: ErrorMessage) -> None:
    show = st.warning if problem.level == "warning" else st.error
    show(escape_markdown(problem.as_text()), icon=":material/error:")


def _percent(rate: Any) -> float:
    """A stored fraction as the percentage the widget shows."""
    if isinstance(rate, int | float) and not isinstance(rate, bool):
        return round(float(rate) * 100, 6)
    return forms.DEFAULT_SAMPLING_RATE * 100


def _typed_durations(session: FormSession) -> BuilderState:
    """The duration filters as currently typed (for the "scans nothing" warnings)."""

    def typed(slot: str) -> float | None:
        return _optional_float(st.session_state.get(session.key(f"q_{slot}")))

    return BuilderState(
        duration_min=typed("duration_min"),
        duration_max=typed("duration_max"),
        active_min=typed("active_min"),
        active_max=typed("active_max"),
    )


def _optional_float(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _float(value: Any, default: float) -> float:
    return (
        float(value) if isinstance(value, int | float) and not isinstance(value, bool) else default
    )
