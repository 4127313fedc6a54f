"""The create/edit form panel on its own page: registry-driven widgets, the type picker, and
a scanner of a type this console does not know. Connected to the test sandbox, for the era and
the cost box."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from vision_api import Scanner
from vision_console import scanner_types
from vision_console.render import escape_markdown
from vision_console.scanner_config import form as forms
from vision_console.scanners import form_panel

SUBMITTED = "test.submitted"

INDEXER: dict[str, Any] = {
    "id": "0b7c2d4e-0000-4000-8000-000000000009",
    "name": "Deep index",
    "description": "From a newer server",
    "scanner_type": "indexer",
    "scanner_config": {"prompt": "x", "depth": 3},
    "query": {},
    "sampling_rate": 0.5,
    "provider": "google",
    "model": "gemini-3-flash-preview",
    "enabled": True,
    "emits_signals": False,
    "scanner_version": 2,
    "created_at": "2026-11-01T10:00:00Z",
}


def _panel_script(scanner_type: str | None, stored: dict[str, object] | None) -> None:
    """Open the form once (create, or edit ``stored``), draw it, keep what a submit collected."""
    import streamlit as st

    from vision_api import Scanner
    from vision_console.frame import render_frame
    from vision_console.scanners import form_panel

    render_frame()
    if not st.session_state.get("test.opened"):
        st.session_state["test.opened"] = True
        if stored is not None:
            form_panel.open_edit(Scanner.from_dict(stored))
        else:
            form_panel.open_create(scanner_type=scanner_type or "monitor")
    session = form_panel.current()
    if session is not None:
        submitted = form_panel.render(session)
        if submitted is not None:
            st.session_state["test.submitted"] = submitted[0]


_SERVER: dict[str, Any] = {}


@pytest.fixture(autouse=True)
def _server(sandbox: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The shared sandbox's credentials (the fresh request budget is tests/conftest.py's)."""
    _SERVER.update(
        host=sandbox.base_url, project_id=sandbox.project_id, personal_api_key=sandbox.api_key
    )
    yield
    _SERVER.clear()


def panel(scanner_type: str | None = None, stored: dict[str, Any] | None = None) -> AppTest:
    """The panel with a create form (of ``scanner_type``) or an edit form of ``stored``."""
    at = AppTest.from_function(_panel_script, default_timeout=30, args=(scanner_type, stored))
    at.secrets["posthog"] = dict(_SERVER)
    return at.run()


def key(at: AppTest, name: str) -> str:
    return at.session_state[form_panel.SESSION_KEY].key(name)


def submit(at: AppTest) -> forms.ScannerForm:
    at.button(key=key(at, "submit")).click().run()
    assert not at.exception, at.exception
    return at.session_state[SUBMITTED]


def test_the_type_picker_offers_the_registry_types_and_blurbs() -> None:
    at = panel(scanner_types.KNOWN_TYPES[0])
    assert not at.exception, at.exception
    picker = at.radio(key=key(at, "type"))
    assert picker.options == [scanner_types.label(kind) for kind in scanner_types.KNOWN_TYPES]
    assert picker.value == scanner_types.KNOWN_TYPES[0]
    captions = [caption.value for caption in at.caption]
    assert scanner_types.facts(scanner_types.KNOWN_TYPES[0]).blurb in captions


def test_the_type_picker_always_holds_a_type() -> None:
    """Issue 15 item 1: a pill control could be deselected, and the scanner was then created
    as a Monitor; the picker is a radio, which cannot be emptied, and no value means the seed's."""
    other = scanner_types.KNOWN_TYPES[1]
    at = panel(scanner_types.KNOWN_TYPES[0])
    picker = at.radio(key=key(at, "type"))
    assert picker.index is not None
    picker.set_value(other).run()
    assert not at.exception, at.exception
    assert at.radio(key=key(at, "type")).value == other
    assert submit(at).scanner_type == other
    at.session_state[key(at, "type")] = None  # what a deselected pill used to leave
    at.run()
    assert at.radio(key=key(at, "type")).value == scanner_types.KNOWN_TYPES[0]
    assert not at.segmented_control


def test_each_types_config_fields_are_drawn_and_read_back_by_kind() -> None:
    for kind in scanner_types.KNOWN_TYPES:
        at = panel(kind)
        assert not at.exception, at.exception
        form = submit(at)
        assert form.scanner_type == kind
        facts = scanner_types.facts(kind)
        assert list(form.config) == [f.name for f in facts.config_fields]
        for config_field in facts.config_fields:
            expected = forms.widget_value(config_field, None)
            got = form.config[config_field.name]
            if config_field.kind == "scale":  # number widgets hold floats
                got = {**got, "min": int(got["min"]), "max": int(got["max"])}
            assert got == expected, (kind, config_field.name)
        labels = [w.label for w in at.text_area] + [w.label for w in at.toggle]
        assert facts.prompt_label in labels


def test_widget_edits_reach_the_payload() -> None:
    at = panel("classifier")
    at.text_input(key=key(at, "name")).set_value("Tagged")
    at.text_area(key=key(at, "prompt")).set_value("Which?")
    at.text_area(key=key(at, "tags_text")).set_value("bug\nidea")
    at.toggle(key=key(at, "multi_label")).set_value(False)
    payload = forms.build_payload(submit(at)).payload
    assert payload is not None
    assert payload["scanner_config"] == {
        "prompt": "Which?",
        "tags": ["bug", "idea"],
        "multi_label": False,
        "allow_freeform_tags": False,
    }


def test_a_scanner_of_an_unknown_type_opens_with_a_notice_and_common_fields_only() -> None:
    stored = Scanner.from_dict(INDEXER)
    at = panel(stored=INDEXER)
    assert not at.exception, at.exception
    notice = escape_markdown(scanner_types.unknown_type_notice("indexer"))
    assert [info.value for info in at.info] == [notice]
    assert key(at, "type") not in at.session_state  # no type picker, no type-specific settings
    assert [w.label for w in at.toggle] == ["Enabled", "Emit signals"]
    assert at.text_area(key=key(at, "prompt")).value == "x"
    untouched = forms.build_payload(submit(at))
    assert untouched.ok and forms.edit_changes(stored, untouched.payload or {}) == {}
    at.text_input(key=key(at, "name")).set_value("Deeper index")
    at.toggle(key=key(at, "emits_signals")).set_value(True)
    edited = forms.build_payload(submit(at)).payload or {}
    assert forms.edit_changes(stored, edited) == {"name": "Deeper index", "emits_signals": True}


def test_a_retired_model_is_not_offered_or_sent_back_until_a_current_one_is_picked() -> None:
    """Issue 13: today's server refuses a retired id on write, so an edit never echoes it."""
    retired = {**INDEXER, "scanner_type": "monitor", "scanner_config": {"prompt": "x"}}
    retired["model"] = "gemini-3.1-flash-lite-preview"
    stored = Scanner.from_dict(retired)
    at = panel(stored=retired)
    assert not at.exception, at.exception
    picker = at.selectbox(key=key(at, "model"))
    assert picker.value is None
    assert not any("3.1" in option or "Flash Lite (" in option for option in picker.options)
    assert any("is retired" in str(w.value) for w in at.warning)
    at.text_area(key=key(at, "description")).set_value("New words")
    changes = forms.edit_changes(stored, forms.build_payload(submit(at)).payload or {})
    assert changes == {"description": "New words"}
    at.selectbox(key=key(at, "model")).set_value("gemini-3.5-flash-lite")
    changes = forms.edit_changes(stored, forms.build_payload(submit(at)).payload or {})
    assert changes == {"description": "New words", "model": "gemini-3.5-flash-lite"}
