"""The create / edit scanner form on the Scanners page: its widgets, and reading them back.

One form per scanner type. Its widgets are keyed by a fresh form id each time it opens, seeded from
the session's ``ScannerForm``, and read back into a ``ScannerForm`` on submit;
``vision_console.scanner_config.form`` validates and builds the payload,
``vision_console.scanners.form_save`` sends it. Errors from the last submit sit under the field they
are about; a failed save keeps every value typed, because nothing here resets a widget.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from vision_console import models_catalog
from vision_console.render import ErrorMessage, escape_markdown
from vision_console.scanner_config import form as forms
from vision_console.scanner_config import query_editor as query_builder_view
from vision_console.scanner_config.form import ScannerForm
from vision_console.scanners.form_state import (
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
    "show_flashes",
]


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
