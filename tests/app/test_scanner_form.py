"""The scanner create/edit form on the Scanners page (issues 15 and 13), driven with AppTest
against the sandbox over real HTTP: errors as typed and beside the button, drafts that survive
other pages, the cost before saving, and the era's own fields."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from vision_api import NotFoundError, VisionClient
from vision_console import navigation
from vision_console.scanner_config import cost_panel, cost_preview
from vision_console.scanner_config import form as forms
from vision_console.scanners import form_panel

from .conftest import make_app

RUN_TAG = f"sf{uuid.uuid4().hex[:6]}"


def unique(name: str) -> str:
    return f"{name} {RUN_TAG}-{uuid.uuid4().hex[:6]}"


def client_for(sandbox: Any) -> VisionClient:
    return VisionClient(
        base_url=sandbox.base_url, project_id=sandbox.project_id, api_key=sandbox.api_key
    )


@pytest.fixture(autouse=True)
def _delete_created_scanners(sandbox: Any, seed_sandbox: Any) -> Iterator[None]:
    yield
    for server in (sandbox, seed_sandbox):
        with client_for(server) as client:
            for scanner in list(client.scanners.iter(search=RUN_TAG)):
                with contextlib.suppress(NotFoundError):
                    client.scanners.delete(scanner.id)


def key(at: AppTest, name: str) -> str:
    return at.session_state[form_panel.SESSION_KEY].key(name)


def open_blank(server: Any) -> AppTest:
    """The Scanners page with a blank create form open, as "New scanner" → "Blank form" does."""
    at = make_app(server, "scanners")
    at.button(key="scanners.new").click().run()
    at.button(key="scanners.template.blank").click().run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest, *kinds: str) -> list[str]:
    kinds = kinds or ("markdown", "caption", "error", "warning", "info", "toast")
    return [str(element.value).replace("\\", "") for kind in kinds for element in at.get(kind)]


def summary(at: AppTest) -> list[str]:
    """The error summary's entries (buttons beside the submit button)."""
    return [b.label.replace("\\", "") for b in at.button if b.key and "goto_" in b.key]


def navigate(at: AppTest, page: str) -> None:
    """Go to another page as the sidebar's links do (their URLs carry no params)."""
    at.query_params.clear()
    at.switch_page(navigation.by_name(page).path).run()
    assert not at.exception, at.exception


def submit(at: AppTest) -> AppTest:
    at.button(key=key(at, "submit")).click().run()
    assert not at.exception, at.exception
    return at


def test_sampling_150_is_explained_on_the_field_and_its_error_goes_once_fixed(
    sandbox: Any,
) -> None:
    """Issue 15 item 3: 150% blocked Create with only a tooltip, and old errors stayed."""
    at = open_blank(sandbox)
    at.text_input(key=key(at, "name")).set_value(unique("Rate"))
    at.text_area(key=key(at, "prompt")).set_value("Did it fail?")
    at.number_input(key=key(at, "rate_pct")).set_value(150.0).run()
    assert "Sampling rate can be at most 100%." in texts(at, "error")
    assert at.slider(key=key(at, "rate_slider")).value == 100
    submit(at)
    assert summary(at) == ["Sampling rate: Sampling rate can be at most 100%."]
    at.number_input(key=key(at, "rate_pct")).set_value(15.0).run()
    assert not at.error and not summary(at)
    submit(at)
    assert any("created" in toast for toast in texts(at, "toast"))


def test_a_failed_submit_lists_each_field_beside_the_button_with_a_toast(sandbox: Any) -> None:
    """Issue 15 item 4: the errors were at the top of a tall form, the viewport at the button."""
    at = open_blank(sandbox)
    sandbox.requests.clear()
    submit(at)
    posts = sandbox.requests.count(method="POST", path_contains="/scanners/")
    assert posts == sandbox.requests.count(method="POST", path_contains="/estimate/")
    assert summary(at) == ["Name: This field may not be blank.", "Prompt: Prompt is required."]
    assert "Not saved: 2 fields need attention (listed beside the button)." in texts(at, "toast")
    at.button(key=key(at, "goto_prompt")).click().run()
    assert not at.exception, at.exception
    assert form_panel.focus_widget(at.session_state[form_panel.SESSION_KEY], "prompt") == key(
        at, "prompt"
    )
    at.text_input(key=key(at, "name")).set_value("Named now").run()
    assert summary(at) == ["Prompt: Prompt is required."]


def test_a_server_error_stays_until_its_field_changes(sandbox: Any) -> None:
    taken = unique("Taken")
    with client_for(sandbox) as client:
        client.scanners.create(
            name=taken,
            scanner_type="monitor",
            scanner_config={"prompt": "x"},
            model="gemini-3-flash-preview",
            sampling_rate=0.1,
        )
    at = open_blank(sandbox)
    at.text_input(key=key(at, "name")).set_value(taken)
    at.text_area(key=key(at, "prompt")).set_value("Did checkout fail?")
    submit(at)
    assert summary(at) == [f"Name: {forms.DUPLICATE_NAME}"]
    at.text_area(key=key(at, "description")).set_value("Unrelated").run()
    assert summary(at) == [f"Name: {forms.DUPLICATE_NAME}"]
    at.text_input(key=key(at, "name")).set_value(unique("Free")).run()
    assert not summary(at) and not at.error


def test_a_draft_survives_other_pages_with_an_unsaved_changes_notice(sandbox: Any) -> None:
    """Issue 15 item 12: typed content was lost when navigating away and back."""
    at = open_blank(sandbox)
    assert not at.info
    name = unique("Draft")
    at.text_input(key=key(at, "name")).set_value(name)
    at.text_area(key=key(at, "prompt")).set_value("Kept across pages?")
    at.number_input(key=key(at, "rate_pct")).set_value(7.5)
    at.checkbox(key=key(at, "q_test_accounts")).check().run()
    assert any("Unsaved changes (Name, Prompt" in info for info in texts(at, "info"))
    navigate(at, "observations")
    navigate(at, "scanners")
    assert at.text_input(key=key(at, "name")).value == name
    assert at.text_area(key=key(at, "prompt")).value == "Kept across pages?"
    assert at.number_input(key=key(at, "rate_pct")).value == 7.5
    assert at.checkbox(key=key(at, "q_test_accounts")).value is True
    assert any("Unsaved changes" in info for info in texts(at, "info"))
    at.button(key=key(at, "cancel")).click().run()
    assert form_panel.SESSION_KEY in at.session_state
    assert "Discard your unsaved changes?" in texts(at, "warning")
    at.button(key=key(at, "discard")).click().run()
    assert form_panel.SESSION_KEY not in at.session_state


def test_the_sampling_slider_steps_by_whole_percents_beside_an_exact_input(sandbox: Any) -> None:
    """Issue 15 item 15: arrow keys moved the rate by 0.01%."""
    at = open_blank(sandbox)
    slider = at.slider(key=key(at, "rate_slider"))
    assert slider.proto.step == 1
    slider.set_value(35).run()
    assert at.number_input(key=key(at, "rate_pct")).value == 35
    at.number_input(key=key(at, "rate_pct")).set_value(0.25).run()
    assert at.slider(key=key(at, "rate_slider")).value == 0
    assert "Scans 0.25% of the matching recordings." in texts(at, "caption")


def test_the_cost_box_sends_one_estimate_per_query_and_none_for_rate_or_model(
    sandbox: Any,
) -> None:
    """Cost before saving: rate and model are applied locally; a new query waits its turn."""
    sandbox.requests.clear()
    at = open_blank(sandbox)
    assert sandbox.requests.count(path_contains="/estimate/") == 1
    assert "Credits a month" in [m.label for m in at.metric]
    before = {m.label: m.value for m in at.metric}
    at.number_input(key=key(at, "rate_pct")).set_value(40.0).run()
    at.selectbox(key=key(at, "model")).set_value("gemini-3.8-flash").run()
    assert sandbox.requests.count(path_contains="/estimate/") == 1
    after = {m.label: m.value for m in at.metric}
    assert after["Credits a month"] != before["Credits a month"]
    at.number_input(key=key(at, "q_duration_min")).set_value(45.0).run()
    assert sandbox.requests.count(path_contains="/estimate/") == 1  # paced: waits its turn
    assert any("previous settings" in caption for caption in texts(at, "caption"))
    memory = at.session_state[cost_panel.MEMORY_KEY]
    memory.last_sent -= cost_preview.MIN_INTERVAL
    at.run()
    assert sandbox.requests.count(path_contains="/estimate/") == 2
    assert not any("previous settings" in caption for caption in texts(at, "caption"))
    assert any("quota" in text for text in texts(at))


def test_current_era_fields_are_shown_and_sent(sandbox: Any) -> None:
    at = open_blank(sandbox)
    name = unique("Era fields")
    at.text_input(key=key(at, "name")).set_value(name)
    at.text_area(key=key(at, "prompt")).set_value("Did it fail?")
    mode = at.radio(key=key(at, "sampling_mode"))
    assert mode.options == [
        "High activity recordings only",
        "Medium and high activity recordings",
        "All recordings",
    ]
    mode.set_value("focused")
    at.text_input(key=key(at, "scanner_tags")).set_value("Checkout, growth ,checkout")
    at.number_input(key=key(at, "credit_limit")).set_value(500).run()
    submit(at)
    with client_for(sandbox) as client:
        (created,) = client.scanners.list(search=name).items
    assert created.sampling_mode == "focused"
    assert list(created.tags) == ["checkout", "growth"]
    assert created.credit_limit == 500


def test_a_credit_limit_below_one_is_explained(sandbox: Any) -> None:
    at = open_blank(sandbox)
    at.number_input(key=key(at, "credit_limit")).set_value(0).run()
    assert forms.CREDIT_LIMIT_MIN in texts(at, "error")


def test_seed_era_form_has_no_era_fields_and_offers_seed_models(seed_sandbox: Any) -> None:
    at = open_blank(seed_sandbox)
    for name in ("sampling_mode", "scanner_tags", "credit_limit"):
        assert key(at, name) not in at.session_state
    options = at.selectbox(key=key(at, "model")).options
    assert any("Flash Lite" in option for option in options)
    name = unique("Seed")
    at.text_input(key=key(at, "name")).set_value(name)
    at.text_area(key=key(at, "prompt")).set_value("Did it fail?")
    submit(at)
    with client_for(seed_sandbox) as client:
        assert [s.name for s in client.scanners.list(search=name).items] == [name]


def test_the_recordings_filter_is_named_as_on_estimate(sandbox: Any) -> None:
    """Issue 15 item 16: one word for the scanner's query on every page."""
    at = open_blank(sandbox)
    assert f"**{forms.QUERY_LABEL}**" in [m.value for m in at.markdown]
    assert forms.QUERY_LABEL == "Recordings filter"
