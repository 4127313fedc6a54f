"""Scanner form <-> payload mapping, client-side validation with the server's exact messages."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vision_api import Scanner
from vision_console import scanner_types
from vision_console.scanner_config import form as forms
from vision_console.scanner_config import templates
from vision_console.scanner_config.form import (
    ScannerForm,
    build_payload,
    changed_fields,
    edit_changes,
    form_from_scanner,
)
from vision_console.scanner_config.query import BuilderState, PropertyRow


def _form(**changes) -> ScannerForm:
    """A valid monitor form; ``config`` changes merge into the config widget values."""
    config = changes.pop("config", {})
    return replace(
        ScannerForm(name="Checkout errors", prompt="Did checkout fail?", config=config), **changes
    )


def scanner(**fields: Any) -> Scanner:
    """A stored scanner as the client parses it (``STORED`` with ``fields`` over it)."""
    return Scanner.from_dict({**STORED, **fields})


def _errors(**changes) -> dict[str, str]:
    result = build_payload(_form(**changes))
    assert not result.ok
    return result.errors


def test_monitor_form_builds_the_create_payload():
    result = build_payload(
        _form(description="  Payment step  ", config={"allow_inconclusive": True})
    )
    assert result.ok and result.errors == {}
    assert result.payload == {
        "name": "Checkout errors",
        "description": "Payment step",
        "scanner_type": "monitor",
        "sampling_rate": 0.2,
        "model": "gemini-3-flash-preview",
        "enabled": True,
        "emits_signals": False,
        "scanner_config": {"prompt": "Did checkout fail?", "allow_inconclusive": True},
        "query": {},
    }


def test_each_type_builds_its_own_config():
    classifier = build_payload(
        _form(
            scanner_type="classifier",
            config={"tags": " Bug \n\nfeature\n", "multi_label": False},
        )
    )
    assert classifier.payload["scanner_config"] == {
        "prompt": "Did checkout fail?",
        "tags": ["Bug", "feature"],
        "multi_label": False,
        "allow_freeform_tags": False,
    }
    scorer = build_payload(
        _form(
            scanner_type="scorer", config={"scale": {"min": 1.0, "max": "5.5", "label": " pain "}}
        )
    )
    assert scorer.payload["scanner_config"] == {
        "prompt": "Did checkout fail?",
        "scale": {"min": 1, "max": 5.5, "label": "pain"},
    }
    no_label = build_payload(
        _form(scanner_type="scorer", config={"scale": {"min": 0, "max": 10, "label": "  "}})
    )
    assert no_label.payload["scanner_config"]["scale"] == {"min": 0, "max": 10}
    summarizer = build_payload(_form(scanner_type="summarizer", config={"length": "long"}))
    assert summarizer.payload["scanner_config"] == {
        "prompt": "Did checkout fail?",
        "length": "long",
    }


def test_builder_and_json_editor_make_the_query():
    result = build_payload(
        _form(
            query=BuilderState(filter_test_accounts=True, duration_min=30),
            query_extra='{"order": "start_time"}',
        )
    )
    assert result.payload["query"] == {
        "filter_test_accounts": True,
        "having_predicates": [
            {"key": "duration", "type": "recording", "operator": "gt", "value": 30}
        ],
        "order": "start_time",
    }


@pytest.mark.parametrize(
    ("changes", "attr", "message"),
    [
        ({"name": "   "}, "name", "This field may not be blank."),
        ({"name": "x" * 256}, "name", "Ensure this field has no more than 255 characters."),
        (
            {"description": "d" * 1001},
            "description",
            "Ensure this field has no more than 1000 characters.",
        ),
        ({"scanner_type": "indexer"}, "scanner_type", '"indexer" is not a valid choice.'),
        ({"sampling_rate": "abc"}, "sampling_rate", "A valid number is required."),
        ({"sampling_rate": math.nan}, "sampling_rate", "A valid number is required."),
        ({"sampling_rate": None}, "sampling_rate", "A valid number is required."),
        (
            {"sampling_rate": -0.1},
            "sampling_rate",
            "Ensure this value is greater than or equal to 0.0.",
        ),
        (
            {"sampling_rate": 1.5},
            "sampling_rate",
            "Ensure this value is less than or equal to 1.0.",
        ),
        (
            {"sampling_rate": 0.00005},
            "sampling_rate",
            "Sampling rate must be 0 (paused) or at least 0.0001 (0.01%).",
        ),
        ({"model": ""}, "model", '"" is not a valid choice.'),
        ({"prompt": "  \n "}, "scanner_config", "Prompt is required."),
        ({"prompt": "p" * 20_001}, "scanner_config", "Prompt can be at most 20,000 characters."),
        (
            {"scanner_type": "classifier", "config": {"tags": "\n \n"}},
            "scanner_config",
            "Tag vocabulary must have at least one tag.",
        ),
        (
            {
                "scanner_type": "classifier",
                "config": {"tags": "\n".join(f"t{i}" for i in range(101))},
            },
            "scanner_config",
            "Tag vocabulary can have at most 100 tags.",
        ),
        (
            {"scanner_type": "classifier", "config": {"tags": "t" * 101}},
            "scanner_config",
            "Tags can be at most 100 characters.",
        ),
        (
            {"scanner_type": "classifier", "config": {"tags": "ok\n!!!"}},
            "scanner_config",
            "Tags must contain letters or numbers.",
        ),
        (
            {"scanner_type": "classifier", "config": {"tags": "Bug\nfeature\nbug"}},
            "scanner_config",
            "Tags must be unique: 'Bug' and 'bug' are the same tag.",
        ),
        (
            {"scanner_type": "classifier", "config": {"tags": "Needs help\nneeds_help"}},
            "scanner_config",
            "Tags must be unique: 'Needs help' and 'needs_help' are the same tag.",
        ),
        (
            {"scanner_type": "scorer", "config": {"scale": {"min": "low", "max": 10}}},
            "scanner_config",
            "Scale min and max must be numbers.",
        ),
        (
            {"scanner_type": "scorer", "config": {"scale": {"min": 0, "max": math.inf}}},
            "scanner_config",
            "Scale min and max must be numbers.",
        ),
        (
            {"scanner_type": "scorer", "config": {"scale": {"min": 5, "max": 5}}},
            "scanner_config",
            "Scale max must be greater than min.",
        ),
        (
            {"query_extra": "{oops"},
            "query",
            "Recording filter is invalid. Other filters are not valid JSON: Expecting property "
            "name enclosed in double quotes (line 1, column 2).",
        ),
        (
            {"query_extra": '{"filter_test_accounts": 1}'},
            "query",
            "Recording filter is invalid. 'filter_test_accounts' must be true or false.",
        ),
        (
            {"query_extra": '{"bogus": 1}'},
            "query",
            "Recording filter is invalid. Unknown keys: bogus.",
        ),
        (
            {"query_extra": '{"actions": [{"id": "%s"}]}' % ("x" * 50_000)},
            "query",
            "Recording filter is too large. Keep it under 50 KB.",
        ),
        (
            {"query": BuilderState(properties=(PropertyRow("os", "gt", "many"),))},
            "query",
            "Recording filter is invalid. OS greater than: enter a number.",
        ),
    ],
)
def test_invalid_input_gets_the_servers_message_on_its_field(changes, attr, message):
    assert _errors(**changes) == {attr: message}


def test_all_errors_are_reported_in_the_servers_order():
    errors = _errors(name="", prompt="", sampling_rate=2, query_extra="[]")
    assert list(errors) == ["name", "sampling_rate", "scanner_config", "query"]


def test_boundary_rates_are_accepted():
    for rate in (0, 0.0, 0.0001, 1, "0.5", 1.0):
        assert build_payload(_form(sampling_rate=rate)).ok, rate


@pytest.mark.parametrize(
    ("attr", "detail", "slot"),
    [
        ("name", "A scanner with this name already exists in this team.", "name"),
        ("scanner_config", "Prompt is required.", "prompt"),
        ("scanner_config", "Tags can't be blank.", "tags"),
        ("scanner_config", "Add at least one category.", "tags"),
        ("scanner_config", "Scale max must be greater than min.", "scale"),
        ("scanner_config", "Unknown scanner configuration keys: x.", "scanner_config"),
        ("scanner_config__scale__min", "A valid number is required.", "scale"),
        ("query", "Recording filter is invalid.", "query"),
        (
            "sampling_rate",
            "Sampling rate must be 0 (paused) or at least 0.0001 (0.01%).",
            "sampling_rate",
        ),
        (None, "Your organization needs to allow AI analysis.", None),
        ("experiment_targeting", "Unknown.", None),
    ],
)
def test_error_slot_puts_server_errors_under_the_right_field(attr, detail, slot):
    assert forms.error_slot(attr, detail) == slot


def test_slot_errors_keeps_form_level_errors():
    assert forms.slot_errors({"scanner_config": "Prompt is required.", "": "Denied."}) == {
        "prompt": "Prompt is required.",
        "form": "Denied.",
    }


STORED: dict[str, Any] = {
    "id": "0b7c",
    "name": "Checkout errors",
    "description": "",
    "scanner_type": "scorer",
    "scanner_config": {"prompt": "Rate it", "scale": {"min": 0, "max": 10, "label": None}},
    "query": {
        "filter_test_accounts": True,
        "actions": [{"id": 3, "type": "actions"}],
        "operand": "AND",
    },
    "sampling_rate": 0.3333,
    "provider": "google",
    "model": "gemini-3.5-flash",
    "enabled": True,
    "emits_signals": False,
    "scanner_version": 4,
    "created_at": "2026-11-01T10:00:00Z",
}


def test_untouched_edit_form_sends_nothing():
    stored = scanner()
    result = build_payload(form_from_scanner(stored))
    assert result.ok
    assert edit_changes(stored, result.payload) == {}


def test_edit_sends_only_what_changed():
    stored = scanner()
    form = form_from_scanner(stored)
    form = replace(form, description="New", config={"scale": {**form.config["scale"], "max": 5}})
    changed = edit_changes(stored, build_payload(form).payload)
    assert changed == {
        "description": "New",
        "scanner_config": {"prompt": "Rate it", "scale": {"min": 0, "max": 5}},
    }


def test_config_with_implicit_defaults_is_not_rewritten():
    stored = scanner(scanner_type="monitor", scanner_config={"prompt": "Yes or no?"})
    form = form_from_scanner(stored)
    assert edit_changes(stored, build_payload(form).payload) == {}
    toggled = replace(form, config={"allow_inconclusive": True})
    assert edit_changes(stored, build_payload(toggled).payload) == {
        "scanner_config": {"prompt": "Yes or no?", "allow_inconclusive": True}
    }


def test_unknown_config_keys_from_a_newer_api_are_kept_on_edit():
    stored = scanner(
        scanner_type="summarizer",
        scanner_config={"prompt": "Sum up", "length": "short", "facets": ["intent"]},
    )
    form = replace(form_from_scanner(stored), prompt="Sum up briefly")
    assert build_payload(form).payload["scanner_config"] == {
        "prompt": "Sum up briefly",
        "length": "short",
        "facets": ["intent"],
    }


def test_the_form_holds_config_fields_by_registry_name():
    for kind in scanner_types.KNOWN_TYPES:
        names = [f.name for f in scanner_types.facts(kind).config_fields]
        assert list(templates.blank_form(kind).config) == names
    form = form_from_scanner(
        scanner(
            scanner_type="classifier",
            scanner_config={"prompt": "Tag", "tags": ["a", "b"], "multi_label": False},
        )
    )
    assert form.config == {"tags": "a\nb", "multi_label": False, "allow_freeform_tags": False}


INDEXER = {
    **STORED,
    "scanner_type": "indexer",
    "scanner_config": {"prompt": "x", "depth": 3},
}


def test_a_scanner_of_an_unknown_type_is_edited_in_its_common_fields_only():
    stored = Scanner.from_dict(INDEXER)
    form = form_from_scanner(stored)
    assert form.scanner_type == "indexer" and form.config == {} and form.prompt == "x"
    untouched = build_payload(form)
    assert untouched.ok, untouched.errors
    assert untouched.payload["scanner_config"] == {"prompt": "x", "depth": 3}
    assert edit_changes(stored, untouched.payload) == {}
    edited = replace(form, name="Renamed", sampling_rate=0.5, emits_signals=True)
    assert edit_changes(stored, build_payload(edited).payload) == {
        "name": "Renamed",
        "sampling_rate": 0.5,
        "emits_signals": True,
    }


def test_an_unknown_types_prompt_edit_keeps_the_rest_of_its_config():
    stored = Scanner.from_dict(INDEXER)
    form = replace(form_from_scanner(stored), prompt="y")
    assert edit_changes(stored, build_payload(form).payload) == {
        "scanner_config": {"prompt": "y", "depth": 3}
    }
    blank = build_payload(replace(form, prompt="  "))
    assert blank.errors == {"scanner_config": "Prompt is required."}


def test_an_unknown_type_is_still_refused_for_a_new_scanner():
    form = replace(form_from_scanner(Scanner.from_dict(INDEXER)), stored_type=None)
    assert build_payload(form).errors == {"scanner_type": '"indexer" is not a valid choice.'}


def test_sampling_rate_rounding_by_a_percent_widget_is_not_a_change():
    payload = {"sampling_rate": 0.33330000001}
    assert edit_changes(scanner(), payload) == {}
    assert edit_changes(scanner(), {"sampling_rate": 0.34}) == {"sampling_rate": 0.34}


def test_null_stored_query_equals_an_empty_one():
    assert edit_changes(scanner(query=None), {"query": {}}) == {}
    assert changed_fields({"query": None}, {"query": {}}) == {}


def test_odd_stored_values_never_break_the_form():
    stored = scanner(
        scanner_type="summarizer",
        scanner_config={"prompt": "Sum", "length": ["long"]},
        query={"events": "junk"},
    )
    form = form_from_scanner(stored)
    assert form.config["length"] == "medium"
    assert forms.validate_config("summarizer", {"prompt": "p", "length": []}) == (
        "Scanner configuration is invalid."
    )


def test_duplicate_is_a_disabled_copy():
    stored = scanner()
    payload = forms.duplicate_payload(stored)
    assert payload == {
        "name": "Checkout errors (Copy)",
        "description": "",
        "scanner_type": "scorer",
        "scanner_config": STORED["scanner_config"],
        "query": STORED["query"],
        "sampling_rate": 0.3333,
        "model": "gemini-3.5-flash",
        "enabled": False,
        "emits_signals": False,
        "provider": "google",
    }
    assert payload["scanner_config"] is not stored.scanner_config
    assert forms.duplicate_payload(stored, attempt=3)["name"] == "Checkout errors (Copy 3)"


def test_duplicate_takes_a_replacement_for_a_retired_model():
    payload = forms.duplicate_payload(scanner(), model="gemini-3-flash-preview")
    assert payload["model"] == "gemini-3-flash-preview"


def test_duplicate_of_a_long_name_still_fits():
    name = forms.duplicate_payload(scanner(name="n" * 255))["name"]
    assert len(name) == 255 and name.endswith(" (Copy)")


def test_prompt_counter():
    assert forms.prompt_counter("abc") == "3 / 20,000 characters"
    assert forms.prompt_counter("x" * 20_500) == ("20,500 / 20,000 characters (500 over the limit)")
    assert forms.prompt_counter(None) == "0 / 20,000 characters"


@pytest.mark.parametrize("template", templates.TEMPLATES, ids=lambda t: t.key)
def test_every_template_is_ready_to_save(template):
    result = build_payload(template.form())
    assert result.ok, result.errors
    assert result.payload["scanner_type"] == template.scanner_type
    assert result.payload["query"]["filter_test_accounts"] is True


def test_templates_match_posthogs_settings():
    intent = build_payload(templates.template("user_intent").form()).payload["scanner_config"]
    assert intent["tags"] == [
        "browsing",
        "purchasing",
        "researching",
        "support",
        "account_management",
        "returning_task",
    ]
    assert intent["multi_label"] is False
    score = build_payload(templates.template("frustration_score").form()).payload
    assert score["scanner_config"]["scale"] == {"min": 0, "max": 10, "label": "frustration"}
    assert templates.template("nope") is None
    assert [t.key for t in templates.TEMPLATES] == [
        "dead_ends",
        "session_summary",
        "user_intent",
        "frustration_score",
        "session_outcome",
    ]


# ---------------------------------------------------------------------------------------------
# properties

anything = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
anything |= st.lists(st.text(max_size=5), max_size=3)


def _widget_strategy(config_field: scanner_types.ConfigField) -> st.SearchStrategy[Any]:
    """Any widget value for a config field, plausible ones among them."""
    match config_field.kind:
        case "toggle":
            return anything
        case "tag_list":
            return anything | st.lists(st.text(max_size=12), max_size=6).map("\n".join)
        case "scale":
            return anything | st.fixed_dictionaries(
                {"min": anything, "max": anything, "label": anything}
            )
        case "choice":
            return anything | st.sampled_from(list(config_field.choices or {}))


config_strategy = st.fixed_dictionaries(
    {},
    optional={
        f.name: _widget_strategy(f)
        for facts in scanner_types.REGISTRY.values()
        for f in facts.config_fields
    },
)
forms_strategy = st.builds(
    ScannerForm,
    scanner_type=st.sampled_from([*scanner_types.KNOWN_TYPES, "indexer"]) | anything,
    name=anything,
    description=anything,
    prompt=anything | st.text(min_size=1, max_size=200),
    config=config_strategy,
    query_extra=anything | st.just('{"order": "start_time"}'),
    sampling_rate=anything | st.floats(0, 1),
    model=anything | st.just("gemini-3-flash-preview"),
    enabled=anything,
    emits_signals=anything,
)


@settings(max_examples=400, deadline=None)
@given(forms_strategy)
def test_any_form_input_gives_a_valid_payload_or_field_errors(form):
    result = build_payload(form)
    assert result.ok != bool(result.errors)
    assert set(result.errors) <= set(forms.FIELD_LABELS)
    if result.ok:
        payload = result.payload
        assert 0 < len(payload["name"]) <= 255 and payload["name"] == payload["name"].strip()
        assert forms.validate_config(payload["scanner_type"], payload["scanner_config"]) is None
        rate = payload["sampling_rate"]
        assert rate == 0 or forms.MIN_SAMPLING_RATE <= rate <= 1
        assert isinstance(payload["enabled"], bool) and isinstance(payload["emits_signals"], bool)


scanners = st.fixed_dictionaries(
    {
        "name": st.text(min_size=1, max_size=20).map(str.strip).filter(bool),
        "description": st.text(max_size=20).map(str.strip),
        "sampling_rate": st.sampled_from([0.0, 0.0001, 0.2, 0.3333, 1.0]),
        "model": st.sampled_from(["gemini-3-flash-preview", "gemini-9"]),
        "enabled": st.booleans(),
        "emits_signals": st.booleans(),
        "query": st.sampled_from(
            [
                {},
                None,
                {"filter_test_accounts": False, "operand": "AND"},
                {"events": [{"id": "a", "type": "events"}, {"id": "a", "type": "events"}]},
            ]
        ),
    }
).flatmap(
    lambda base: st.sampled_from(
        [
            {"scanner_type": "monitor", "scanner_config": {"prompt": "q"}},
            {
                "scanner_type": "classifier",
                "scanner_config": {"prompt": "q", "tags": [" a ", "b"], "multi_label": True},
            },
            {
                "scanner_type": "scorer",
                "scanner_config": {"prompt": "q", "scale": {"min": 0.5, "max": 2}},
            },
            {"scanner_type": "summarizer", "scanner_config": {"prompt": "q", "length": "long"}},
            {"scanner_type": "indexer", "scanner_config": {"prompt": "q", "depth": 3}},
            {"scanner_type": "indexer", "scanner_config": {"depth": [1]}},
        ]
    ).map(lambda typed: scanner(**base, **typed))
)


@settings(max_examples=200, deadline=None)
@given(scanners)
def test_any_stored_scanner_round_trips_through_the_form_unchanged(stored):
    result = build_payload(form_from_scanner(stored))
    assert result.ok, result.errors
    assert edit_changes(stored, result.payload) == {}
