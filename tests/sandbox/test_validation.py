"""The contract's 400 catalogue for scanner writes, filters and bodies (§3, §4, §8, §9)."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import Api, assert_error, scanner_body

REQUIRED = "This field is required."


@pytest.mark.parametrize("missing", ["name", "scanner_type", "scanner_config", "model"])
def test_create_requires_fields(api: Api, missing: str) -> None:
    body = scanner_body()
    del body[missing]
    assert_error(api.post("", body), 400, detail=REQUIRED, attr=missing, code="required")


def test_only_the_first_missing_field_is_reported_in_field_order(api: Api) -> None:
    assert_error(api.post("", {}), 400, detail=REQUIRED, attr="name", code="required")
    assert_error(api.post("", {"name": "x"}), 400, attr="scanner_type", code="required")


@pytest.mark.parametrize(
    ("field", "value", "detail", "code"),
    [
        ("name", None, "This field may not be null.", "null"),
        ("name", "   ", "This field may not be blank.", "blank"),
        ("name", "n" * 256, "Ensure this field has no more than 255 characters.", "max_length"),
        ("name", ["x"], "Not a valid string.", "invalid_input"),
        (
            "description",
            "d" * 1001,
            "Ensure this field has no more than 1000 characters.",
            "max_length",
        ),
        ("scanner_type", "indexer", '"indexer" is not a valid choice.', "invalid_choice"),
        ("model", "gpt-4", '"gpt-4" is not a valid choice.', "invalid_choice"),
        ("provider", "openai", '"openai" is not a valid choice.', "invalid_choice"),
        ("sampling_rate", "lots", "A valid number is required.", "invalid_input"),
        ("sampling_rate", -0.1, "Ensure this value is greater than or equal to 0.0.", "min_value"),
        ("sampling_rate", 1.5, "Ensure this value is less than or equal to 1.0.", "max_value"),
        (
            "sampling_rate",
            0.00005,
            "Sampling rate must be 0 (paused) or at least 0.0001 (0.01%).",
            "invalid_input",
        ),
        ("enabled", "maybe", "Must be a valid boolean.", "invalid_input"),
        ("emits_signals", None, "This field may not be null.", "null"),
        ("query", None, "This field may not be null.", "null"),
    ],
)
def test_field_errors(api: Api, field: str, value: Any, detail: str, code: str) -> None:
    body = scanner_body(**{field: value})
    assert_error(api.post("", body), 400, detail=detail, attr=field, code=code)


@pytest.mark.parametrize("rate", [0.0, 0.0001, 1.0])
def test_sampling_rate_boundaries_are_accepted(api: Api, rate: float) -> None:
    assert api.create(sampling_rate=rate)["sampling_rate"] == rate


def test_name_must_be_unique_in_the_project_but_patch_to_own_name_is_fine(api: Api) -> None:
    first = api.create()
    detail = "A scanner with this name already exists in this team."
    assert_error(api.post("", scanner_body(name=first["name"])), 400, detail=detail, attr="name")
    second = api.create()
    assert_error(api.patch(second["id"], {"name": first["name"]}), 400, detail=detail, attr="name")
    assert api.patch(first["id"], {"name": first["name"]}).status_code == 200


def test_same_name_is_allowed_in_another_project(api: Api) -> None:
    from .conftest import Api as Client

    created = api.create()
    other = Client(api.sb, key=api.sb.other_api_key, project_id=api.sb.other_project_id)
    assert other.post("", scanner_body(name=created["name"])).status_code == 201


def test_scanner_type_is_fixed_after_creation(api: Api) -> None:
    created = api.create()
    response = api.patch(created["id"], {"scanner_type": "scorer"})
    assert_error(
        response,
        400,
        detail="Scanner type is fixed after creation. "
        "Create a new scanner to use a different type.",
        attr="scanner_type",
    )


def test_name_uniqueness_is_checked_before_config(api: Api) -> None:
    first = api.create()
    body = scanner_body(name=first["name"], scanner_config={"prompt": ""})
    assert_error(api.post("", body), 400, attr="name")


def test_field_errors_come_before_cross_field_errors(api: Api) -> None:
    body = scanner_body(scanner_config="not an object", sampling_rate=7)
    assert_error(api.post("", body), 400, attr="sampling_rate")


CONFIG_CASES: list[tuple[str, Any, str]] = [
    ("monitor", "text", "Scanner configuration must be a JSON object."),
    ("monitor", [], "Scanner configuration must be a JSON object."),
    ("monitor", {}, "Prompt is required."),
    ("monitor", {"prompt": "  "}, "Prompt is required."),
    ("monitor", {"prompt": "p" * 20001}, "Prompt can be at most 20,000 characters."),
    (
        "monitor",
        {"prompt": "p", "zeta": 1, "alpha": 2},
        "Unknown scanner configuration keys: alpha, zeta.",
    ),
    ("monitor", {"prompt": "p", "tags": ["a"]}, "Unknown scanner configuration keys: tags."),
    ("monitor", {"prompt": "p", "allow_inconclusive": "yes"}, "Scanner configuration is invalid."),
    ("classifier", {"prompt": "p"}, "Tag vocabulary must have at least one tag."),
    ("classifier", {"prompt": "p", "tags": []}, "Tag vocabulary must have at least one tag."),
    (
        "classifier",
        {"prompt": "p", "tags": [f"t{i}" for i in range(101)]},
        "Tag vocabulary can have at most 100 tags.",
    ),
    ("classifier", {"prompt": "p", "tags": ["ok", " "]}, "Tags can't be blank."),
    ("classifier", {"prompt": "p", "tags": ["x" * 101]}, "Tags can be at most 100 characters."),
    ("classifier", {"prompt": "p", "tags": ["!!!"]}, "Tags must contain letters or numbers."),
    (
        "classifier",
        {"prompt": "p", "tags": ["Bug", "bug"]},
        "Tags must be unique: 'Bug' and 'bug' are the same tag.",
    ),
    ("classifier", {"prompt": "p", "tags": "a,b"}, "Scanner configuration is invalid."),
    ("scorer", {"prompt": "p"}, "Scale is required."),
    (
        "scorer",
        {"prompt": "p", "scale": {"min": "1", "max": 5}},
        "Scale min and max must be numbers.",
    ),
    (
        "scorer",
        {"prompt": "p", "scale": {"min": 5, "max": 5}},
        "Scale max must be greater than min.",
    ),
    (
        "scorer",
        {"prompt": "p", "scale": {"min": 0, "max": 5, "label": 3}},
        "Scanner configuration is invalid.",
    ),
    ("summarizer", {"prompt": "p", "length": "epic"}, "Scanner configuration is invalid."),
]


@pytest.mark.parametrize(("scanner_type", "config", "detail"), CONFIG_CASES)
def test_scanner_config_rules(api: Api, scanner_type: str, config: Any, detail: str) -> None:
    body = scanner_body(scanner_type=scanner_type, scanner_config=config)
    assert_error(
        api.post("", body), 400, detail=detail, attr="scanner_config", code="invalid_input"
    )


def test_patch_validates_config_against_the_stored_type(api: Api) -> None:
    created = api.create(scanner_type="scorer")
    response = api.patch(created["id"], {"scanner_config": {"prompt": "p", "tags": ["a"]}})
    assert_error(response, 400, detail="Unknown scanner configuration keys: tags.")
    renamed = api.patch(created["id"], {"scanner_type": "scorer"})
    assert renamed.status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "all",
        [],
        {"unknown_key": 1},
        {"kind": "EventsQuery"},
        {"operand": "XOR"},
        {"events": "pageview"},
        {"properties": [{"operator": "exact"}]},
        {"properties": [{"key": "$browser", "operator": "looks_like"}]},
        {"filter_test_accounts": "yes"},
    ],
)
def test_invalid_query_is_rejected(api: Api, query: Any) -> None:
    body = scanner_body(query=query)
    assert_error(api.post("", body), 400, detail="Recording filter is invalid.", attr="query")
    assert_error(
        api.post("estimate/", {"query": query}),
        400,
        detail="Recording filter is invalid.",
        attr="query",
    )


def test_valid_query_keys_are_kept_verbatim_except_dates(api: Api) -> None:
    query = {
        "kind": "RecordingsQuery",
        "date_from": "-3d",
        "date_to": None,
        "operand": "OR",
        "actions": [{"id": 4}],
        "order": "start_time",
        "modifiers": {"anything": True},
        "properties": [{"key": "email", "type": "person", "operator": "icontains", "value": "x"}],
    }
    stored = api.create(query=query)["query"]
    assert stored == {k: v for k, v in query.items() if k not in ("date_from", "date_to")}


@pytest.mark.parametrize(
    ("params", "attr", "detail"),
    [
        (
            {"enabled": "bogus"},
            "enabled",
            "Invalid value(s) ['bogus']; allowed: ['disabled', 'enabled'].",
        ),
        (
            {"scanner_type": "monitor,indexer"},
            "scanner_type",
            "Invalid value(s) ['indexer']; "
            "allowed: ['classifier', 'monitor', 'scorer', 'summarizer'].",
        ),
        (
            {"created_by": "1,alice"},
            "created_by",
            "Non-numeric value(s) ['alice']; user IDs must be integers.",
        ),
        (
            {"created_by": "bob,1,alice,bob"},
            "created_by",
            "Non-numeric value(s) ['alice', 'bob']; user IDs must be integers.",
        ),
        (
            {"enabled": "zzz,maybe,zzz"},
            "enabled",
            "Invalid value(s) ['maybe', 'zzz']; allowed: ['disabled', 'enabled'].",
        ),
    ],
)
def test_scanner_list_filter_errors(
    any_api: Api, params: dict[str, str], attr: str, detail: str
) -> None:
    assert_error(any_api.get(**params), 400, detail=detail, attr=attr, code="invalid_input")


@pytest.mark.parametrize(
    ("era_api", "keys"),
    [
        (
            "seed_api",
            "['created_at', 'created_by', 'enabled', 'name', 'sampling_rate', "
            "'scanner_type', 'updated_at']",
        ),
        (
            "api",
            "['created_at', 'created_by', 'credits_this_month', 'enabled', 'name', "
            "'sampling_rate', 'scanner_type', 'updated_at']",
        ),
    ],
)
def test_scanner_list_order_by_keys_per_era(
    request: pytest.FixtureRequest, era_api: str, keys: str
) -> None:
    client: Api = request.getfixturevalue(era_api)
    detail = f"Invalid order_by 'x'. Allowed keys: {keys}."
    assert_error(client.get(order_by="x"), 400, detail=detail, attr="order_by")


def test_malformed_json_is_a_parse_error(api: Api) -> None:
    response = api.request(
        "POST", "", data=b"{not json", headers={"Content-Type": "application/json"}
    )
    body = assert_error(response, 400, code="parse_error", error_type="invalid_request", attr=None)
    assert body["detail"].startswith("JSON parse error - ")


@pytest.mark.parametrize(
    "raw", [b"NaN", b'{"sampling_rate": Infinity}', b'{"sampling_rate": 1e999}']
)
def test_non_finite_numbers_are_parse_errors(api: Api, raw: bytes) -> None:
    response = api.request("POST", "", data=raw, headers={"Content-Type": "application/json"})
    assert_error(response, 400, code="parse_error")


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ([1, 2], "Invalid data. Expected a dictionary, but got list."),
        ("text", "Invalid data. Expected a dictionary, but got str."),
        (None, "This field may not be null."),
    ],
)
def test_non_object_bodies(api: Api, body: Any, detail: str) -> None:
    response = api.request(
        "POST",
        "",
        data=__import__("json").dumps(body),
        headers={"Content-Type": "application/json"},
    )
    assert_error(response, 400, detail=detail, attr=None)


def test_huge_body_is_refused_with_400(api: Api) -> None:
    body = scanner_body(description="x" * 1_100_000)
    body_error = assert_error(api.post("", body), 400, code="parse_error")
    assert "too large" in body_error["detail"]


def test_deeply_nested_json_is_a_parse_error_not_a_crash(api: Api) -> None:
    raw = b"[" * 100_000 + b"]" * 100_000
    response = api.request("POST", "", data=raw, headers={"Content-Type": "application/json"})
    assert_error(response, 400, code="parse_error")


def test_unsupported_media_type(api: Api) -> None:
    response = api.request("POST", "", data=b"name=x", headers={"Content-Type": "text/plain"})
    assert_error(response, 415, code="unsupported_media_type")


@pytest.mark.parametrize(
    "path", ["not-a-uuid/", "00000000-0000-0000-0000-000000000000/", "x/observations/"]
)
def test_unknown_or_malformed_scanner_ids_are_404(api: Api, path: str) -> None:
    assert_error(
        api.get(path), 404, detail="Not found.", code="not_found", error_type="invalid_request"
    )


def test_unknown_routes_are_404_in_contract_shape(api: Api) -> None:
    response = api.session.get(f"{api.sb.base_url}/api/nothing/here", timeout=10)
    assert_error(response, 404, detail="Not found.", attr=None)
    response = api.session.get(
        f"{api.sb.base_url}/api/projects/abc/vision/scanners/",
        headers={"Authorization": f"Bearer {api.key}"},
        timeout=10,
    )
    assert_error(response, 404)
