"""The create / edit scanner form on the Scanners page: its widgets, and reading them back.

The type picker and the type's settings come from the registry (``scanner_types``): each config
field is drawn, and read back, by its ``ConfigFieldKind`` (an exhaustive ``match``), so a new type
needs nothing here. A type this console does not know (a stored scanner from a newer server) is
edited in its common fields only, under a notice. Widgets are keyed by a fresh form id each time
the form opens, seeded from the session's ``ScannerForm``, and read back into a ``ScannerForm`` on
submit; ``vision_console.scanner_config.form`` validates and builds the payload,
``vision_console.scanners.form_save`` sends it (``section`` ties the two). Errors from the last
submit sit under the field they are about; a failed save keeps every value typed, because nothing
here resets a widget.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, assert_never

import streamlit as st

from vision_console import models_catalog, scanner_types
from vision_console.render import ErrorMessage, escape_markdown
from vision_console.scanner_config import form as forms
from vision_console.scanner_config import query_editor as query_builder_view
from vision_console.scanner_config.form import ScannerForm
from vision_console.scanner_config.form_session import (
    SELECT_KEY,
    SESSION_KEY,
    FormSession,
    close,
    current,
    flash,
    open_create,
    open_edit,
    open_edit_latest,
    show_flashes,
)
from vision_console.scanner_types import ConfigField
from vision_console.scanners import form_save

__all__ = [
    "SELECT_KEY",
    "SESSION_KEY",
    "FormSession",
    "close",
    "collect",
    "current",
    "flash",
    "open_create",
    "open_edit",
    "open_edit_latest",
    "render",
    "section",
    "show_flashes",
]


def section(read_only: bool) -> bool:
    """The open create/edit form, saved on submit; False when none is open (or read-only).

    While open the form takes the page: the caller draws nothing else below it.
    """
    session = current()
    if read_only or session is None:
        return False
    submitted = render(session)
    form_save.render_conflict(session)
    if submitted is not None:
        form_save.submit(session, *submitted)
    return True


def render(session: FormSession) -> tuple[ScannerForm, str | None] | None:
    """The form panel (type picker for new scanners, then the form).

    Returns the form as typed (plus a property-table error) when it was submitted this run.
    """
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
    return collect(session, scanner_type) if submitted else None


def _type_picker(session: FormSession) -> str:
    """The scanner's type: fixed when editing or from a template, else picked from the registry.

    The picker always holds a type: deselecting the chosen pill keeps it (the previous choice is
    remembered beside the widget), so a form never falls back to another type unasked.
    """
    seed_type = str(session.seed.scanner_type)
    if session.mode == "edit" or session.template:
        origin = "fixed after creation" if session.mode == "edit" else "set by the template"
        label = escape_markdown(scanner_types.label(seed_type))
        st.caption(f"Type: **{label}** ({origin}).")
        if not scanner_types.is_known(seed_type):
            st.info(escape_markdown(scanner_types.unknown_type_notice(seed_type)))
        return seed_type
    key, last_key = session.key("type"), session.key("type_last")
    chosen = st.session_state.get(key)
    if chosen not in scanner_types.KNOWN_TYPES:
        chosen = st.session_state.get(last_key, seed_type)
    if chosen not in scanner_types.KNOWN_TYPES:
        chosen = scanner_types.KNOWN_TYPES[0]
    st.session_state[key] = st.session_state[last_key] = chosen
    st.segmented_control(
        "Scanner type",
        list(scanner_types.KNOWN_TYPES),
        key=key,
        format_func=scanner_types.label,
        help="What each observation records. The type is fixed once the scanner exists.",
    )
    st.caption(scanner_types.facts(chosen).blurb)
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
    facts = scanner_types.facts(scanner_type)
    st.text_input("Name", key=_seed(session, "name", seed.name), max_chars=forms.MAX_NAME)
    _field_error(session, "name")
    st.text_area(
        "Description",
        key=_seed(session, "description", seed.description),
        max_chars=forms.MAX_DESCRIPTION,
        height=68,
    )
    _field_error(session, "description")
    prompt = st.text_area(
        facts.prompt_label,
        key=_seed(session, "prompt", seed.prompt),
        max_chars=forms.MAX_PROMPT,
        height=200,
        help=facts.prompt_help,
    )
    st.caption(forms.prompt_counter(prompt))
    _field_error(session, "prompt")


def _type_settings(session: FormSession, scanner_type: str) -> None:
    """The type's config fields from the registry, each drawn by its kind."""
    for config_field in scanner_types.facts(scanner_type).config_fields:
        _config_widget(session, config_field, _seed_value(session, config_field))
        _field_error(session, config_field.name)
    _field_error(session, "scanner_config", "scanner_type")


def _seed_value(session: FormSession, config_field: ConfigField) -> Any:
    """The seed form's widget value for a field (the registry default when it holds none)."""
    if config_field.name in session.seed.config:
        return session.seed.config[config_field.name]
    return forms.widget_value(config_field, None)


def _config_widget(session: FormSession, config_field: ConfigField, seed: Any) -> None:
    """One config field's widgets; ``_config_read`` reads the same keys back."""
    name, label, help_text = config_field.name, config_field.label, config_field.help
    match config_field.kind:
        case "toggle":
            st.toggle(label, key=_seed(session, name, bool(seed)), help=help_text)
        case "tag_list":
            text = seed if isinstance(seed, str) else ""
            st.text_area(
                label, key=_seed(session, f"{name}_text", text), height=140, help=help_text
            )
        case "scale":
            parts: Mapping[str, Any] = seed if isinstance(seed, Mapping) else {}
            default = config_field.default
            low, high, caption = st.columns(3)
            low.number_input(
                f"{label} min",
                key=_seed(session, f"{name}_min", _float(parts.get("min"), default["min"])),
                help=help_text,
            )
            high.number_input(
                f"{label} max",
                key=_seed(session, f"{name}_max", _float(parts.get("max"), default["max"])),
            )
            caption.text_input(
                f"{label} label (optional)",
                key=_seed(session, f"{name}_label", parts.get("label") or ""),
            )
        case "choice":
            choices = config_field.choices or {}
            st.segmented_control(
                label,
                list(choices),
                key=_seed(session, name, seed),
                format_func=lambda value: choices.get(value, value),
                help=help_text,
            )
        case _:
            assert_never(config_field.kind)


def _config_read(session: FormSession, config_field: ConfigField, seed: Any) -> Any:
    """A config field's widget value as ``forms.config_value`` takes it (``seed`` if unshown)."""
    values = st.session_state
    name = config_field.name
    match config_field.kind:
        case "toggle" | "choice":
            return values.get(session.key(name), seed)
        case "tag_list":
            return values.get(session.key(f"{name}_text"), seed)
        case "scale":
            parts: Mapping[str, Any] = seed if isinstance(seed, Mapping) else {}
            return {
                part: values.get(session.key(f"{name}_{part}"), parts.get(part))
                for part in ("min", "max", "label")
            }
        case _:
            assert_never(config_field.kind)


def _recordings(session: FormSession) -> None:
    query_builder_view.render(session.key, session.seed.query, session.seed.query_extra)
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
    query, table_error = query_builder_view.read(session.key, seed.query)
    config = {
        config_field.name: _config_read(session, config_field, _seed_value(session, config_field))
        for config_field in scanner_types.facts(scanner_type).config_fields
    }
    form = ScannerForm(
        scanner_type=scanner_type,
        name=get("name", seed.name),
        description=get("description", seed.description),
        prompt=get("prompt", seed.prompt),
        config=config,
        query=query,
        query_extra=get("q_extra", seed.query_extra),
        sampling_rate=rate,
        model=get("model", seed.model),
        enabled=get("enabled", seed.enabled),
        emits_signals=get("emits_signals", seed.emits_signals),
        extra_config=seed.extra_config,
        config_base=seed.config_base if scanner_type == seed.scanner_type else None,
        query_base=seed.query_base,
        stored_type=seed.stored_type,
    )
    return form, table_error


def _show_problem(problem: ErrorMessage) -> None:
    show = st.warning if problem.level == "warning" else st.error
    show(escape_markdown(problem.as_text()), icon=":material/error:")


def _percent(rate: Any) -> float:
    """A stored fraction as the percentage the widget shows."""
    if isinstance(rate, int | float) and not isinstance(rate, bool):
        return round(float(rate) * 100, 6)
    return forms.DEFAULT_SAMPLING_RATE * 100


def _float(value: Any, default: float) -> float:
    return (
        float(value) if isinstance(value, int | float) and not isinstance(value, bool) else default
    )
