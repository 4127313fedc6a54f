"""The create / edit scanner form on the Scanners page: its widgets, and reading them back.

The type picker and the type's settings come from the registry (``scanner_types``): each config
field is drawn, and read back, by its ``ConfigFieldKind`` (an exhaustive ``match``), so a new type
needs nothing here. A type this console does not know (a stored scanner from a newer server) is
edited in its common fields only, under a notice. Widgets are keyed by a fresh form id each time
the form opens, seeded from the session's ``ScannerForm``, and read back into a ``ScannerForm`` on
every run; ``vision_console.scanner_config.form`` validates and builds the payload,
``vision_console.scanners.form_save`` sends it (``section`` ties the two).

The form is live, not an ``st.form``: what is typed reaches the server as it is typed, so the cost
panel follows the query, rate, mode and model, a fixed field loses its error at once, and the
widgets keep their values across pages (``persist_state="session"``) for an unsaved-changes
notice to speak of. Errors sit under their field and are listed beside the submit button, each
scrolling to its field; a failed save keeps every value typed, because nothing here resets a
widget.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Mapping
from typing import Any, assert_never

import streamlit as st
import streamlit.components.v1 as components

from vision_console import format as fmt
from vision_console import models_catalog, rate_input, sampling_modes, scanner_types
from vision_console.render import ErrorMessage, escape_markdown
from vision_console.scanner_config import cost_panel
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
    draft, table_error = collect(session, scanner_type)
    session.draft = draft
    errors = visible_errors(session, draft, table_error)
    _unsaved_notice(session)
    if session.problem:
        _show_problem(session.problem)
    with st.container(border=True):
        _basics(session, scanner_type, errors)
        _type_settings(session, scanner_type, errors)
        _recordings(session, errors)
        _scheduling(session, errors)
        _organising(session, errors)
        cost_panel.render(session, draft)
    submitted = _submit_row(session, errors)
    _scroll_to_focus(session)
    return (draft, table_error) if submitted else None


def visible_errors(
    session: FormSession, draft: ScannerForm, table_error: str | None
) -> dict[str, str]:
    """The problems to show now, by form slot, worded for the form.

    The form's own checks run on every change, so a fixed field loses its error at once: for
    the fields changed since the form opened, and for every field once a submit was tried. A
    server's error stays until its field is changed.
    """
    live = dict(forms.build_payload(draft).errors)
    if table_error and "query" not in live:
        live["query"] = f"{forms.QUERY_INVALID} {table_error}"
    shown = forms.slot_errors(live)
    if not session.attempted:
        touched = set(forms.changed_slots(session.seed, draft))
        shown = {slot: message for slot, message in shown.items() if slot in touched}
    moved = set(forms.changed_slots(session.failed, draft)) if session.failed else set()
    for slot, message in forms.slot_errors(session.errors).items():
        if slot not in moved:
            shown.setdefault(slot, message)
    return {slot: forms.shown_message(slot, message) for slot, message in shown.items()}


def _unsaved_notice(session: FormSession) -> None:
    """Say that typed changes are kept, and which, while the form differs from how it opened."""
    changed = session.unsaved()
    if not changed:
        return
    names = ", ".join(dict.fromkeys(forms.slot_label(slot) for slot in changed))
    st.info(
        escape_markdown(
            f"Unsaved changes ({names}). They are kept while you visit other pages, "
            "until you save or discard them."
        ),
        icon=":material/edit_note:",
    )


def _type_picker(session: FormSession) -> str:
    """The scanner's type: fixed when editing or from a template, else picked from the registry.

    A radio: it always holds a type (a pill control could be deselected), and its options wrap
    on a narrow screen instead of being cut short.
    """
    seed_type = str(session.seed.scanner_type)
    if session.mode == "edit" or session.template:
        origin = "fixed after creation" if session.mode == "edit" else "set by the template"
        label = escape_markdown(fmt.type_label(seed_type))
        st.caption(f"Type: **{label}** ({origin}).")
        if not scanner_types.is_known(seed_type):
            st.info(escape_markdown(scanner_types.unknown_type_notice(seed_type)))
        return seed_type
    key = session.key("type")
    if st.session_state.get(key) not in scanner_types.KNOWN_TYPES:
        st.session_state[key] = (
            seed_type if seed_type in scanner_types.KNOWN_TYPES else scanner_types.KNOWN_TYPES[0]
        )
    chosen = st.radio(
        "Scanner type",
        list(scanner_types.KNOWN_TYPES),
        key=key,
        format_func=fmt.type_label,
        horizontal=True,
        help="What each observation records. The type is fixed once the scanner exists.",
        persist_state="session",
    )
    st.caption(scanner_types.facts(chosen).blurb)
    return str(chosen)


def _seed(session: FormSession, name: str, value: Any) -> str:
    """The widget key for ``name``, seeded with ``value`` the first time the widget appears."""
    key = session.key(name)
    if key not in st.session_state:
        st.session_state[key] = value
    return key


def _field_error(errors: Mapping[str, str], *slots: str) -> None:
    for slot in slots:
        if slot in errors:
            st.error(escape_markdown(errors[slot]), icon=":material/error:")


def _basics(session: FormSession, scanner_type: str, errors: Mapping[str, str]) -> None:
    seed = session.seed
    facts = scanner_types.facts(scanner_type)
    st.text_input(
        forms.FIELD_LABELS["name"],
        key=_seed(session, "name", seed.name),
        max_chars=forms.MAX_NAME,
        persist_state="session",
    )
    _field_error(errors, "name")
    st.text_area(
        forms.FIELD_LABELS["description"],
        key=_seed(session, "description", seed.description),
        max_chars=forms.MAX_DESCRIPTION,
        height=68,
        persist_state="session",
    )
    _field_error(errors, "description")
    prompt = st.text_area(
        facts.prompt_label,
        key=_seed(session, "prompt", seed.prompt),
        max_chars=forms.MAX_PROMPT,
        height=200,
        help=facts.prompt_help,
        persist_state="session",
    )
    st.caption(forms.prompt_counter(prompt))
    _field_error(errors, "prompt")


def _type_settings(session: FormSession, scanner_type: str, errors: Mapping[str, str]) -> None:
    """The type's config fields from the registry, each drawn by its kind."""
    for config_field in scanner_types.facts(scanner_type).config_fields:
        _config_widget(session, config_field, _seed_value(session, config_field))
        _field_error(errors, config_field.name)
    _field_error(errors, "scanner_config", "scanner_type")


def _seed_value(session: FormSession, config_field: ConfigField) -> Any:
    """The seed form's widget value for a field (the registry default when it holds none)."""
    if config_field.name in session.seed.config:
        return session.seed.config[config_field.name]
    return forms.widget_value(config_field, None)


def _config_widget(session: FormSession, config_field: ConfigField, seed: Any) -> None:
    """One config field's widgets; ``_config_read`` reads the same keys back."""
    name, label, help_text = config_field.name, config_field.label, config_field.help
    kept: Any = "session"
    match config_field.kind:
        case "toggle":
            st.toggle(
                label, key=_seed(session, name, bool(seed)), help=help_text, persist_state=kept
            )
        case "tag_list":
            text = seed if isinstance(seed, str) else ""
            st.text_area(
                label,
                key=_seed(session, f"{name}_text", text),
                height=140,
                help=help_text,
                persist_state=kept,
            )
        case "scale":
            parts: Mapping[str, Any] = seed if isinstance(seed, Mapping) else {}
            default = config_field.default
            low, high, caption = st.columns(3)
            low.number_input(
                f"{label} min",
                key=_seed(session, f"{name}_min", _float(parts.get("min"), default["min"])),
                help=help_text,
                persist_state=kept,
            )
            high.number_input(
                f"{label} max",
                key=_seed(session, f"{name}_max", _float(parts.get("max"), default["max"])),
                persist_state=kept,
            )
            caption.text_input(
                f"{label} label (optional)",
                key=_seed(session, f"{name}_label", parts.get("label") or ""),
                persist_state=kept,
            )
        case "choice":
            choices = config_field.choices or {}
            st.radio(
                label,
                list(choices),
                key=_seed(session, name, seed),
                format_func=lambda value: choices.get(value, value),
                help=help_text,
                horizontal=True,
                persist_state=kept,
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


def _recordings(session: FormSession, errors: Mapping[str, str]) -> None:
    query_builder_view.render(session.key, session.seed.query, session.seed.query_extra)
    _field_error(errors, "query")


def _scheduling(session: FormSession, errors: Mapping[str, str]) -> None:
    """Sampling (a whole-percent slider and an exact input kept in step), mode and model."""
    seed = session.seed
    st.markdown("**Sampling and model**")
    exact_key = _seed(session, "rate_pct", _percent(seed.sampling_rate))
    slider_key = _seed(
        session, "rate_slider", rate_input.slider_percent(st.session_state[exact_key])
    )
    rate = rate_input.draw(
        slider_key,
        exact_key,
        label=forms.FIELD_LABELS["sampling_rate"],
        help="Share of matching recordings scanned on schedule, the main cost lever. Arrow "
        "keys move it by 1%; type an exact rate beside it (at least 0.01%, or 0 to pause).",
        persist=True,
    )
    if rate is not None and 0 <= rate <= 1:
        st.caption(f"Scans {fmt.sampling_rate(rate)} of the matching recordings.")
    _field_error(errors, "sampling_rate")
    if "sampling_mode" in seed.features:
        mode = seed.sampling_mode if seed.sampling_mode in sampling_modes.MODES else None
        st.radio(
            forms.FIELD_LABELS["sampling_mode"],
            list(sampling_modes.MODES),
            key=_seed(session, "sampling_mode", mode or sampling_modes.SERVER_DEFAULT),
            format_func=sampling_modes.label,
            help=sampling_modes.HELP,
            persist_state="session",
        )
        _field_error(errors, "sampling_mode")
    _model_picker(session)
    _field_error(errors, "model")


def _model_picker(session: FormSession) -> None:
    """The era's models with their prices; a retired stored model is not offered again."""
    seed = session.seed
    kept = seed.kept_model
    options = models_catalog.selectable_models(seed.model or kept, session.era)
    st.selectbox(
        forms.FIELD_LABELS["model"],
        options,
        key=_seed(session, "model", seed.model if seed.model in options else None),
        format_func=models_catalog.model_option_label,
        placeholder="Pick a current model",
        help="Only succeeded observations are billed.",
        persist_state="session",
    )
    if kept:
        st.warning(
            escape_markdown(
                f"This scanner's model, {models_catalog.model_label(kept)}, is retired: the "
                "server refuses it on save. Pick a current model to move the scanner to it; "
                "left empty, other changes save and the model stays as it is."
            ),
            icon=":material/history:",
        )


def _organising(session: FormSession, errors: Mapping[str, str]) -> None:
    """Credit limit and tags (servers that take them), then the switches."""
    seed = session.seed
    if "credit_limit" in seed.features:
        limit = st.number_input(
            "Credit limit per billing period",
            value=None,
            step=100,
            key=_seed(session, "credit_limit", _whole_or_none(seed.credit_limit)),
            placeholder="No limit",
            help="Once the scanner has spent this many credits in the period it stops scanning "
            "until the next one (it stays enabled). Empty: no limit. 1 credit = $0.01.",
            persist_state="session",
        )
        if isinstance(limit, int | float) and limit >= 1:
            st.caption(f"At most {fmt.credits_and_money(limit)} per period.")
        _field_error(errors, "credit_limit")
    if "tags" in seed.features:
        st.text_input(
            forms.FIELD_LABELS["tags"],
            key=_seed(session, forms.SCANNER_TAGS_SLOT, seed.scanner_tags),
            placeholder="checkout, growth",
            help="Organise scanners in the list (not the classifier's vocabulary). Separate "
            "them with commas; they are stored in lowercase.",
            persist_state="session",
        )
        _field_error(errors, forms.SCANNER_TAGS_SLOT)
    left, right = st.columns(2)
    left.toggle(
        forms.FIELD_LABELS["enabled"],
        key=_seed(session, "enabled", bool(seed.enabled)),
        help="Disabled scanners run only on demand.",
        persist_state="session",
    )
    right.toggle(
        forms.FIELD_LABELS["emits_signals"],
        key=_seed(session, "emits_signals", bool(seed.emits_signals)),
        help="Hands findings to the Signals inbox.",
        persist_state="session",
    )


def _submit_row(session: FormSession, errors: Mapping[str, str]) -> bool:
    """The submit and cancel buttons, with the error summary beside them.

    Each problem in the summary is a button that scrolls to (and focuses) its field, so a
    failed submit is explained where the user is looking.
    """
    buttons, summary = st.columns([1, 2], gap="medium")
    label = "Create scanner" if session.mode == "create" else "Save changes"
    submitted = buttons.button(
        label, key=session.key("submit"), type="primary", icon=":material/save:"
    )
    if buttons.button("Cancel", key=session.key("cancel"), icon=":material/close:"):
        if session.unsaved():
            session.confirm_discard = True
        else:
            close()
            st.rerun()
    if session.confirm_discard:
        _confirm_discard(session, buttons)
    if errors and (session.attempted or session.errors):
        with summary.container(border=True):
            count = len(errors)
            st.markdown(f"**{count} {'field needs' if count == 1 else 'fields need'} attention**")
            for slot, message in errors.items():
                text = escape_markdown(f"{forms.slot_label(slot)}: {message}")
                if st.button(
                    text, key=session.key(f"goto_{slot}"), type="tertiary", icon=":material/error:"
                ):
                    session.focus = slot
    return submitted


def _confirm_discard(session: FormSession, where: Any) -> None:
    where.warning("Discard your unsaved changes?", icon=":material/delete_sweep:")
    if where.button("Discard changes", key=session.key("discard"), type="primary"):
        close()
        st.rerun()
    if where.button("Keep editing", key=session.key("keep")):
        session.confirm_discard = False
        st.rerun()


_FOCUS_WIDGETS = {"scanner_config": "prompt", "scanner_type": "type", "query": "q_duration_min"}
"""Slots whose first widget is not named after the slot."""


def focus_widget(session: FormSession, slot: str) -> str:
    """The widget key the summary scrolls to for ``slot``."""
    for facts in scanner_types.REGISTRY.values():
        for config_field in facts.config_fields:
            if config_field.name == slot and config_field.kind == "tag_list":
                return session.key(f"{slot}_text")
            if config_field.name == slot and config_field.kind == "scale":
                return session.key(f"{slot}_min")
    if slot == "sampling_rate":
        return session.key("rate_pct")
    return session.key(_FOCUS_WIDGETS.get(slot, slot))


def _scroll_to_focus(session: FormSession) -> None:
    """Scroll to the field the summary asked for (once), and put the cursor in it."""
    if session.focus is None:
        return
    target = "st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", focus_widget(session, session.focus))
    session.focus = None
    components.html(
        "<script>"
        f"const box = window.parent.document.querySelector('.{target}');"
        "if (box) { box.scrollIntoView({block: 'center'});"
        "const input = box.querySelector('input, textarea, [tabindex]');"
        "if (input) input.focus({preventScroll: true}); }"
        f"</script><!-- {next(_scrolls)} -->",
        height=0,
    )


_scrolls = itertools.count()


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
    form = dataclasses.replace(
        seed,
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
        sampling_mode=get("sampling_mode", seed.sampling_mode),
        scanner_tags=get(forms.SCANNER_TAGS_SLOT, seed.scanner_tags),
        credit_limit=get("credit_limit", seed.credit_limit),
        config_base=seed.config_base if scanner_type == seed.scanner_type else None,
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


def _whole_or_none(value: Any) -> int | None:
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else None


def _float(value: Any, default: float) -> float:
    return (
        float(value) if isinstance(value, int | float) and not isinstance(value, bool) else default
    )
