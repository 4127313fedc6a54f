"""Error mapping for responses the sandbox never sends: odd bodies, proxies, redirects, bad shapes.

Served by the scripted stub; the errors the real API sends are covered against the sandbox in
test_errors.py.
"""

from __future__ import annotations

import pytest

from vision_api import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    QuotaExceededError,
    RateLimitError,
    ResponseValidationError,
    ServerError,
)

from .conftest import Reply, StubAPI

STATS_PATH = "/scanners/stats/"


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (402, QuotaExceededError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (405, APIStatusError),
        (409, ConflictError),
        (429, RateLimitError),
        (500, ServerError),
        (503, ServerError),
        (512, ServerError),
    ],
)
def test_status_maps_to_one_error_class(stub_api: StubAPI, status: int, cls: type) -> None:
    body = {"type": "t", "code": "c", "detail": "d", "attr": None}
    stub_api.reply(STATS_PATH, Reply(status, body))
    with pytest.raises(APIStatusError) as caught:
        stub_api.client(max_retries=0).scanners.stats()
    assert type(caught.value) is cls
    assert caught.value.status_code == status


def test_error_carries_type_code_detail_attr_and_request_id(stub_api: StubAPI) -> None:
    body = {"type": "validation_error", "code": "max_length", "detail": "Too long.", "attr": "name"}
    stub_api.reply(STATS_PATH, Reply(400, body, {"X-Request-Id": "req-123"}))
    with pytest.raises(BadRequestError) as caught:
        stub_api.client().scanners.stats()
    err = caught.value
    assert (err.type, err.code, err.detail, err.attr) == (
        "validation_error",
        "max_length",
        "Too long.",
        "name",
    )
    assert err.request_id == "req-123"
    assert err.body == body
    assert "req-123" in str(err) and "name" in str(err) and "Too long." in str(err)


def test_era_s_error_body_is_read(stub_api: StubAPI) -> None:
    stub_api.reply("/observe/", Reply(503, {"error": "Failed to start observation workflow"}))
    with pytest.raises(ServerError) as caught:
        stub_api.client().scanners.observe("s1", "sess")
    assert caught.value.detail == "Failed to start observation workflow"
    assert caught.value.code is None


def test_detail_only_body_is_read(stub_api: StubAPI) -> None:
    stub_api.reply("/observe/", Reply(409, {"detail": "The previous run is still finishing."}))
    with pytest.raises(ConflictError, match="still finishing"):
        stub_api.client().scanners.observe("s1", "sess")


def test_html_error_page_from_a_proxy_gives_a_readable_detail(stub_api: StubAPI) -> None:
    html = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
    stub_api.reply(STATS_PATH, Reply(502, raw=html, headers={"content-type": "text/html"}))
    with pytest.raises(ServerError) as caught:
        stub_api.client(max_retries=0).scanners.stats()
    assert caught.value.detail.startswith("Bad Gateway (HTTP 502)")
    assert caught.value.body == html.decode()


def test_plain_text_error_body_becomes_the_detail(stub_api: StubAPI) -> None:
    stub_api.reply(
        STATS_PATH,
        Reply(500, raw=b"upstream exploded\nstack...", headers={"content-type": "text/plain"}),
    )
    with pytest.raises(ServerError) as caught:
        stub_api.client().scanners.stats()
    assert caught.value.detail == "upstream exploded"


def test_empty_error_body_still_has_a_detail(stub_api: StubAPI) -> None:
    stub_api.reply(STATS_PATH, Reply(404, raw=b""))
    with pytest.raises(NotFoundError, match="Not Found \\(HTTP 404\\)"):
        stub_api.client().scanners.stats()


def test_missing_scope_is_parsed_from_the_detail(stub_api: StubAPI) -> None:
    body = {
        "type": "authentication_error",
        "code": "permission_denied",
        "detail": "API key missing required scope 'replay_scanner:write'",
        "attr": None,
    }
    stub_api.reply("/scanners/s1/", Reply(403, body))
    with pytest.raises(PermissionDeniedError) as caught:
        stub_api.client().scanners.delete("s1")
    assert caught.value.missing_scope == "replay_scanner:write"


def test_permission_denied_without_a_scope_has_none(stub_api: StubAPI) -> None:
    detail = "Estimating scanner volume requires session_recording read access."
    stub_api.reply("/estimate/", Reply(403, {"detail": detail}))
    with pytest.raises(PermissionDeniedError) as caught:
        stub_api.client().scanners.estimate()
    assert caught.value.missing_scope is None


def test_rate_limit_without_retry_after_has_none(stub_api: StubAPI) -> None:
    stub_api.reply(
        "/observe/", Reply(429, {"detail": "This team already has 300 observations running."})
    )
    with pytest.raises(RateLimitError) as caught:
        stub_api.client().scanners.observe("s1", "sess")
    assert caught.value.retry_after is None


def test_redirect_is_reported_not_followed(stub_api: StubAPI) -> None:
    stub_api.reply(
        "/scanners/", Reply(301, raw=b"", headers={"Location": "https://elsewhere.test/api/"})
    )
    with pytest.raises(APIStatusError, match=r"redirected the request to https://elsewhere\.test"):
        stub_api.client().scanners.create(
            name="n", scanner_type="monitor", scanner_config={"prompt": "p"}, model="m"
        )
    assert len(stub_api.seen) == 1


def test_success_that_is_not_json_raises_validation_error(stub_api: StubAPI) -> None:
    stub_api.reply(
        STATS_PATH, Reply(200, raw=b"<html>login</html>", headers={"content-type": "text/html"})
    )
    with pytest.raises(ResponseValidationError, match="expected a JSON body, got text/html"):
        stub_api.client().scanners.stats()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ([], "expected a JSON object, got array"),
        ({"total": "3", "enabled": 1, "by_type": {}}, "ScannerStats.total: expected an integer"),
        ({"enabled": 1, "by_type": {}}, "ScannerStats.total: required field is missing"),
    ],
)
def test_success_of_the_wrong_shape_raises_validation_error(
    stub_api: StubAPI, body: object, message: str
) -> None:
    stub_api.reply(STATS_PATH, Reply(200, body))
    with pytest.raises(ResponseValidationError, match=message):
        stub_api.client().scanners.stats()


def test_list_without_results_raises_validation_error(stub_api: StubAPI) -> None:
    stub_api.reply("/scanners/", Reply(200, {"count": 0, "next": None, "previous": None}))
    with pytest.raises(ResponseValidationError, match=r"ScannerList\.results: expected a JSON"):
        stub_api.client().scanners.list()
