"""The form's client-side validation agrees with the server, message for message.

Arbitrary form input goes through ``forms.build_payload``; the same input is then POSTed to the
sandbox. When the client finds errors, the server refuses with the first of them (same attr,
same message); when the client finds none, the server creates the scanner.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import replace
from typing import Any, assert_never

import pytest
import requests
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import vision_api
from vision_console import scanner_types
from vision_console.scanner_config import form as forms
from vision_console.scanner_config.form import ScannerForm
from vision_console.scanner_types import ConfigField

TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)


@pytest.fixture(scope="module")
def http(sandbox: Any) -> Iterator[tuple[requests.Session, str]]:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {sandbox.api_key}"
    url = f"{sandbox.base_url}/api/projects/{sandbox.project_id}/vision/scanners/"
    yield session, url
    session.close()


def _valid_widget(config_field: ConfigField) -> st.SearchStrategy[Any]:
    """A widget value the server accepts, for a config field of any kind."""
    match config_field.kind:
        case "toggle":
            return st.booleans()
        case "tag_list":
            return st.lists(
                st.sampled_from(["Bug", "a b", "ok", "Feature"]), min_size=1, unique=True
            ).map("\n".join)
        case "scale":
            return st.fixed_dictionaries(
                {
                    "min": st.integers(-5, 0) | st.floats(-5, 0),
                    "max": st.integers(1, 5) | st.floats(1, 5),
                    "label": TEXT,
                }
            )
        case "choice":
            return st.sampled_from(list(config_field.choices or {}))
        case _:
            assert_never(config_field.kind)


def _invalid_widgets(config_field: ConfigField) -> list[Any]:
    """Widget values the server refuses, for a config field of any kind (none for some)."""
    match config_field.kind:
        case "toggle" | "choice":
            return []  # their widgets cannot hold a value the server refuses
        case "tag_list":
            return [
                "",
                "Bug\nbug",
                "a b\na_b",
                "!!",
                "t" * 101,
                "\n".join(f"t{i}" for i in range(101)),
            ]
        case "scale":
            return [
                {"min": 5, "max": 1, "label": ""},
                {"min": float("nan"), "max": 5, "label": ""},
                {"min": "low", "max": 5, "label": ""},
                {"min": 0, "max": float("inf"), "label": ""},
                {"min": 0, "max": -10, "label": ""},
            ]
        case _:
            assert_never(config_field.kind)


VALID = {
    "name": st.just("ok"),
    "description": TEXT,
    "prompt": TEXT.map(lambda t: f"Q {t}"),
    "query_extra": st.sampled_from(['{"order": "start_time"}', "{}", '{"operand": "OR"}']),
    "sampling_rate": st.floats(0.0001, 1) | st.sampled_from([0, 1, "0.5"]),
    "model": st.sampled_from([model.id for model in vision_api.models_for("current")]),
    "enabled": st.booleans(),
    "emits_signals": st.booleans(),
}
INVALID = {
    "name": ["", "   ", "x" * 256],
    "description": ["d" * 1001],
    "prompt": ["", " \n", "p" * 20_001],
    "query_extra": ['{"filter_test_accounts": 1}', '{"bogus": true}', '{"events": "x"}', "[]"],
    "sampling_rate": [0.00005, 1.5, -0.1, "abc"],
    # Model ids are open strings: the client leaves unknown ones to the server on purpose.
    "model": [""],
    "scanner_type": ["indexer"],
}


@st.composite
def forms_strategy(draw: st.DrawFn) -> ScannerForm:
    """A valid form with zero, one or two fields spoiled (so both outcomes and orders occur).

    The type's config fields come from the registry; a spoilable one may be spoiled too.
    """
    kind = draw(st.sampled_from(scanner_types.KNOWN_TYPES))
    fields = scanner_types.facts(kind).config_fields
    values: dict[str, Any] = {name: draw(strategy) for name, strategy in VALID.items()}
    config = {f.name: draw(_valid_widget(f)) for f in fields}
    invalid: dict[str, list[Any]] = {**INVALID}
    invalid.update({f"config.{f.name}": _invalid_widgets(f) for f in fields if _invalid_widgets(f)})
    spoiled = draw(st.lists(st.sampled_from(sorted(invalid)), max_size=2, unique=True))
    for name in spoiled:
        value = draw(st.sampled_from(invalid[name]))
        if name.startswith("config."):
            config[name.removeprefix("config.")] = value
        else:
            values[name] = value
    values.setdefault("scanner_type", kind)
    return ScannerForm(**values, config=config)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(forms_strategy())
def test_client_errors_are_the_servers_errors(
    http: tuple[requests.Session, str], form: ScannerForm
) -> None:
    session, url = http
    if form.name == "ok":
        form = replace(form, name=f"agreement {uuid.uuid4().hex}")
    result = forms.build_payload(form)
    body: dict[str, Any] = result.payload or _raw_body(form)
    response = session.post(url, json=body, timeout=10)
    event("accepted" if result.ok else f"refused on {next(iter(result.errors))}")
    if result.ok:
        assert response.status_code == 201, response.text
        session.delete(f"{url}{response.json()['id']}/", timeout=10)
        return
    assert response.status_code == 400, (result.errors, response.text)
    answer = response.json()
    attr, message = next(iter(result.errors.items()))
    assert answer["attr"] == attr
    assert message.startswith(answer["detail"])


def _raw_body(form: ScannerForm) -> dict[str, Any]:
    """What the form would send if it skipped client-side validation."""
    form_for_body = replace(form)
    config = forms.build_config(form_for_body, form.scanner_type)
    query: Any = forms.build_query(form)[0]
    typed = json.loads(form.query_extra)
    if not isinstance(typed, dict):  # what the server would get without the client's check
        query = typed
    rate, _rate_error = forms._sampling_rate(form.sampling_rate)
    return {
        "name": forms._char(form.name),
        "description": forms._char(form.description),
        "scanner_type": form.scanner_type,
        "scanner_config": config,
        "query": query,
        "sampling_rate": rate if isinstance(rate, int | float) else str(rate),
        "model": form.model,
        "enabled": form.enabled,
        "emits_signals": form.emits_signals,
    }
