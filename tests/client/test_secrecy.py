"""The API key travels only in the Authorization header: never in URLs, logs, errors or reprs."""

from __future__ import annotations

import logging
import socket
import traceback

import pytest

from vision_api import APIConnectionError, ServerError, VisionAPIError, VisionClient

from .conftest import STUB_KEY, Reply, StubAPI


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_key_is_sent_as_a_bearer_header_only(stub_api: StubAPI) -> None:
    stub_api.reply(
        "/scanners/", Reply(200, {"count": 0, "next": None, "previous": None, "results": []})
    )
    stub_api.client().scanners.list(search="checkout", scanner_type=["monitor", "scorer"])
    (seen,) = stub_api.seen
    assert seen.headers["Authorization"] == f"Bearer {STUB_KEY}"
    assert STUB_KEY not in seen.path
    assert "search=checkout" in seen.path and "scanner_type=monitor%2Cscorer" in seen.path


def test_key_is_absent_from_retry_logs_and_the_final_error(
    stub_api: StubAPI, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="vision_api")
    stub_api.reply("/scanners/stats/", Reply(503, {"detail": "busy"}))
    with pytest.raises(ServerError) as caught:
        stub_api.client(max_retries=2).scanners.stats()
    retry_lines = [r.getMessage() for r in caplog.records if "Retrying" in r.getMessage()]
    assert len(retry_lines) == 2
    assert STUB_KEY not in caplog.text
    assert STUB_KEY not in str(caught.value) and STUB_KEY not in repr(caught.value)


def test_connection_error_reveals_no_key_even_in_its_traceback() -> None:
    client = VisionClient(
        base_url=f"http://127.0.0.1:{_closed_port()}", project_id=1, api_key=STUB_KEY, max_retries=0
    )
    with pytest.raises(APIConnectionError) as caught:
        client.scanners.stats()
    rendered = "".join(traceback.format_exception(caught.value))
    assert "could not connect" in str(caught.value)
    assert STUB_KEY not in rendered


def test_no_requests_exception_escapes() -> None:
    client = VisionClient(
        base_url=f"http://127.0.0.1:{_closed_port()}", project_id=1, api_key=STUB_KEY, max_retries=0
    )
    for call in (
        client.scanners.stats,
        lambda: client.scanners.create(
            name="n", scanner_type="monitor", scanner_config={}, model="m"
        ),
        lambda: list(client.observations.iter("s1")),
        lambda: client.observations.fetch_all("s1"),
    ):
        with pytest.raises(VisionAPIError):
            call()


def test_tls_failure_is_a_connection_error_that_is_not_retried(stub_api: StubAPI) -> None:
    waits: list[float] = []
    https_to_plain_http = stub_api.base_url.replace("http://", "https://")
    client = VisionClient(
        base_url=https_to_plain_http, project_id=1, api_key=STUB_KEY, sleep=waits.append
    )
    with client, pytest.raises(APIConnectionError, match="TLS/SSL") as caught:
        client.scanners.stats()
    assert caught.value.tls
    assert waits == []
    assert STUB_KEY not in "".join(traceback.format_exception(caught.value))
