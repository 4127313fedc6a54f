"""Property tests: arbitrary JSON bodies and query strings never get a 500 or a shapeless error."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import Api

SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

SCANNER_FIELDS = [
    "name",
    "description",
    "scanner_type",
    "scanner_config",
    "query",
    "sampling_rate",
    "provider",
    "model",
    "enabled",
    "emits_signals",
    "session_id",
    "scanner_id",
]
PARAMS = [
    "limit",
    "offset",
    "order_by",
    "enabled",
    "scanner_type",
    "emits_signals",
    "created_by",
    "search",
    "status",
    "verdict",
    "tags",
    "triggered_by",
    "session_id",
    "recent_days",
]
QUERY_KEYS = [
    "events",
    "properties",
    "having_predicates",
    "console_log_filters",
    "operand",
    "filter_test_accounts",
    "kind",
    "date_from",
    "distinct_ids",
    "session_ids",
]

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | st.sampled_from(
        [
            "monitor",
            "scorer",
            "classifier",
            "summarizer",
            "gemini-3-flash-preview",
            "google",
            "exact",
            "icontains",
            "gt",
            "duration",
            "$browser",
            "level",
        ]
    )
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    *QUERY_KEYS,
                    "key",
                    "value",
                    "operator",
                    "type",
                    "prompt",
                    "tags",
                    "scale",
                    "min",
                    "max",
                    "label",
                    "id",
                ]
            )
            | st.text(max_size=8),
            children,
            max_size=4,
        )
    ),
    max_leaves=12,
)
bodies = json_values | st.dictionaries(
    st.sampled_from(SCANNER_FIELDS) | st.text(max_size=10), json_values, max_size=8
)
query_strings = st.dictionaries(
    st.sampled_from(PARAMS) | st.text(max_size=8),
    st.text(max_size=20) | st.integers().map(str),
    max_size=5,
)


def assert_contract_shaped(response: requests.Response) -> None:
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        body: Any = response.json()
        assert set(body) == {"type", "code", "detail", "attr"}, body
        assert isinstance(body["detail"], str) and body["detail"]
        assert body["attr"] is None or isinstance(body["attr"], str)


@pytest.fixture(scope="module")
def targets(sandbox: Any) -> dict[str, str]:
    """One scanner of each kind that the property tests may PATCH and observe."""
    client = Api(sandbox)
    monitor = client.create()
    scorer = client.create(scanner_type="scorer")
    observations = client.get(f"{scorer['id']}/observations/").json()["results"]
    return {
        "monitor": monitor["id"],
        "scorer": scorer["id"],
        "obs": observations[0]["id"] if observations else "00000000-0000-0000-0000-000000000000",
    }


@SETTINGS
@given(body=bodies)
def test_create_and_estimate_bodies(api: Api, body: Any) -> None:
    assert_contract_shaped(api.post("", body))
    assert_contract_shaped(api.post("estimate/", body))


@SETTINGS
@given(body=bodies)
def test_patch_and_observe_bodies(api: Api, targets: dict[str, str], body: Any) -> None:
    assert_contract_shaped(api.patch(targets["monitor"], body))
    assert_contract_shaped(api.post(f"{targets['scorer']}/observe/", body))


@SETTINGS
@given(
    query=st.dictionaries(
        st.sampled_from(QUERY_KEYS) | st.text(max_size=8), json_values, max_size=5
    )
)
def test_recordings_queries(api: Api, query: dict[str, Any]) -> None:
    assert_contract_shaped(api.post("estimate/", {"query": query}))


@SETTINGS
@given(raw=st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_raw_bodies(api: Api, targets: dict[str, str], raw: bytes) -> None:
    headers = {"Content-Type": "application/json"}
    assert_contract_shaped(api.request("POST", "", data=raw, headers=headers))
    assert_contract_shaped(api.request("PATCH", targets["monitor"], data=raw, headers=headers))
    assert_contract_shaped(api.request("POST", "estimate/", data=raw, headers=headers))


@SETTINGS
@given(params=query_strings)
def test_query_strings_on_every_read(
    api: Api, targets: dict[str, str], params: dict[str, str]
) -> None:
    sid = targets["scorer"]
    for path in (
        "",
        "stats/",
        "creators/",
        sid,
        f"{sid}/observations/",
        f"{sid}/observations/stats/",
        f"{sid}/observations/{targets['obs']}/",
    ):
        assert_contract_shaped(api.get(path, **params))


@SETTINGS
@given(segment=st.text(min_size=1, max_size=40))
def test_arbitrary_path_ids(api: Api, segment: str) -> None:
    quoted = requests.utils.quote(segment, safe="")
    for method, path in (
        ("GET", quoted),
        ("DELETE", quoted),
        ("GET", f"{quoted}/observations/"),
        ("POST", f"{quoted}/observe/"),
        ("GET", f"{quoted}/observations/stats/"),
    ):
        assert_contract_shaped(api.request(method, path, data=json.dumps({"session_id": "s"})))
