"""Servers that attack the client: every request stays bounded in memory, time and rows.

Each server here is hand-written on raw sockets (hostile.py) or the scripted stub, so it can
do what no honest API does: inflate a small gzip body to 500 MB, stream without end, drip
one byte a second, ignore `limit`, ask to be retried forever, redirect to the metadata
service.
"""

from __future__ import annotations

import socket
import threading
import time
import tracemalloc
import zlib
from collections.abc import Iterator

import pytest

from vision_api import (
    APIStatusError,
    DeadlineExceededError,
    RateLimitError,
    ResponseTooLargeError,
    ResponseValidationError,
    ServerError,
    TooManyRowsError,
    VisionClient,
)

from .conftest import STUB_KEY, Reply, SleepRecorder, StubAPI
from .hostile import RawServer, deflate_bomb, gzip_bomb, gzipped, response_head

STATS = b'{"total": 0, "enabled": 0, "by_type": {}}'
MIB = 1024 * 1024


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """About 510 KB of gzip that inflates to 500 MB of zeros."""
    return gzip_bomb(500)


def _client(server: RawServer, **options: object) -> VisionClient:
    return VisionClient(
        base_url=server.base_url,
        project_id=1,
        api_key=STUB_KEY,
        sleep=lambda _s: None,
        **options,  # type: ignore[arg-type]
    )


def _serving(body: bytes, **headers: str) -> RawServer:
    def handle(conn: socket.socket, head: bytes, stopping: threading.Event) -> None:
        conn.sendall(
            response_head(
                content_type="application/json",
                content_length=str(len(body)),
                connection="close",
                **headers,
            )
            + body
        )

    return RawServer(handle)


@pytest.fixture
def servers() -> Iterator[list[RawServer]]:
    """Servers a test starts are closed after it, even when it fails."""
    started: list[RawServer] = []
    yield started
    for server in started:
        server.close()


# Decompression bombs ----------------------------------------------------------------------


def test_a_gzip_bomb_fails_fast_with_bounded_memory(bomb: bytes, servers: list[RawServer]) -> None:
    assert len(bomb) < 600_000
    server = _serving(bomb, content_encoding="gzip")
    servers.append(server)
    tracemalloc.start()
    try:
        with (
            _client(server, max_response_bytes=MIB) as client,
            pytest.raises(ResponseTooLargeError, match="decompresses to more than") as caught,
        ):
            client.scanners.stats()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert caught.value.max_bytes == MIB
    # Inflating it whole would take 500 MB; the read stopped just past the 1 MiB cap.
    assert peak < 8 * MIB


def test_a_gzip_bomb_is_refused_under_the_default_cap(
    bomb: bytes, servers: list[RawServer]
) -> None:
    server = _serving(bomb, content_encoding="gzip")
    servers.append(server)
    with _client(server) as client, pytest.raises(ResponseTooLargeError) as caught:
        client.scanners.stats()
    assert caught.value.max_bytes == 16 * MIB == client.max_response_bytes


def test_a_deflate_bomb_is_refused(servers: list[RawServer]) -> None:
    server = _serving(deflate_bomb(64), content_encoding="deflate")
    servers.append(server)
    with _client(server, max_response_bytes=MIB) as client, pytest.raises(ResponseTooLargeError):
        client.scanners.stats()


def test_a_bomb_split_into_many_gzip_members_is_refused(servers: list[RawServer]) -> None:
    member = gzipped(bytes(MIB))
    server = _serving(member * 100, content_encoding="gzip")
    servers.append(server)
    with (
        _client(server, max_response_bytes=4 * MIB) as client,
        pytest.raises(ResponseTooLargeError),
    ):
        client.scanners.stats()


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_an_honest_compressed_reply_still_decodes(servers: list[RawServer], encoding: str) -> None:
    body = gzipped(STATS) if encoding == "gzip" else zlib.compress(STATS)
    server = _serving(body, content_encoding=encoding)
    servers.append(server)
    with _client(server) as client:
        assert client.scanners.stats().total == 0
    assert b"accept-encoding: gzip, deflate" in server.heads[0].lower()


@pytest.mark.parametrize("encoding", ["br", "zstd", "gzip, br"])
def test_an_encoding_the_client_did_not_ask_for_is_refused(
    servers: list[RawServer], encoding: str
) -> None:
    server = _serving(b"\x00" * 64, content_encoding=encoding)
    servers.append(server)
    with _client(server) as client, pytest.raises(ResponseValidationError, match="did not ask"):
        client.scanners.stats()


# Huge bodies ------------------------------------------------------------------------------


def test_a_huge_announced_body_is_refused_before_reading_it(servers: list[RawServer]) -> None:
    sent: list[int] = []

    def handle(conn: socket.socket, head: bytes, stopping: threading.Event) -> None:
        conn.sendall(response_head(content_type="application/json", content_length=str(10**9)))
        block = b" " * 65536
        total = 0
        while not stopping.is_set() and total < 10**9:
            try:
                conn.sendall(block)
            except OSError:
                break
            total += len(block)
        sent.append(total)

    server = RawServer(handle)
    servers.append(server)
    with (
        _client(server, max_response_bytes=MIB) as client,
        pytest.raises(ResponseTooLargeError, match="announces 1,000,000,000 bytes"),
    ):
        client.scanners.stats()


def test_an_endless_body_without_a_length_stops_at_the_cap(servers: list[RawServer]) -> None:
    def handle(conn: socket.socket, head: bytes, stopping: threading.Event) -> None:
        conn.sendall(response_head(content_type="application/json", connection="close"))
        block = b"[" * 65536
        while not stopping.is_set():
            conn.sendall(block)

    server = RawServer(handle)
    servers.append(server)
    started = time.monotonic()
    with (
        _client(server, max_response_bytes=2 * MIB) as client,
        pytest.raises(ResponseTooLargeError, match="larger than the client accepts"),
    ):
        client.scanners.stats()
    assert time.monotonic() - started < 10


def test_a_body_just_under_the_cap_is_accepted(servers: list[RawServer]) -> None:
    padding = b" " * (MIB - len(STATS))
    server = _serving(STATS + padding)
    servers.append(server)
    with _client(server, max_response_bytes=MIB) as client:
        assert client.scanners.stats().total == 0


def test_a_huge_error_body_is_refused_too(servers: list[RawServer]) -> None:
    body = b"<html>" + b"x" * (2 * MIB) + b"</html>"

    def handle(conn: socket.socket, head: bytes, stopping: threading.Event) -> None:
        conn.sendall(response_head("500 Oops", content_length=str(len(body))) + body)

    server = RawServer(handle)
    servers.append(server)
    with _client(server, max_response_bytes=MIB) as client, pytest.raises(ResponseTooLargeError):
        client.scanners.stats()


# Slow loris -------------------------------------------------------------------------------


def _drip(payload: bytes, interval: float) -> RawServer:
    def handle(conn: socket.socket, head: bytes, stopping: threading.Event) -> None:
        for byte in payload:
            if stopping.wait(interval):
                return
            conn.sendall(bytes([byte]))

    return RawServer(handle)


def test_headers_dripped_a_byte_at_a_time_hit_the_deadline(servers: list[RawServer]) -> None:
    head = response_head(content_type="application/json", content_length=str(len(STATS)))
    server = _drip(head + STATS, interval=0.5)
    servers.append(server)
    started = time.monotonic()
    # The read timeout (5 s) is never reached: a byte arrives every half second.
    with (
        _client(server, timeout=(5, 5), deadline=2) as client,
        pytest.raises(DeadlineExceededError, match="2 s deadline") as caught,
    ):
        client.scanners.stats()
    assert time.monotonic() - started < 10
    assert caught.value.deadline == 2


def test_a_body_dripped_a_byte_a_second_hits_the_deadline(servers: list[RawServer]) -> None:
    def handle(conn: socket.socket, head: bytes, stopping: threading.Event) -> None:
        conn.sendall(response_head(content_type="application/json", content_length="10000"))
        while not stopping.wait(1.0):
            conn.sendall(b" ")

    server = RawServer(handle)
    servers.append(server)
    started = time.monotonic()
    with (
        _client(server, timeout=(5, 5), deadline=2) as client,
        pytest.raises(DeadlineExceededError),
    ):
        client.scanners.stats()
    assert time.monotonic() - started < 10


def test_a_dripped_body_without_a_length_is_not_taken_as_complete(
    servers: list[RawServer],
) -> None:
    """A close-delimited body cut by the deadline must not read as a short, valid body."""

    def handle(conn: socket.socket, head: bytes, stopping: threading.Event) -> None:
        conn.sendall(response_head(content_type="application/json", connection="close"))
        conn.sendall(STATS[:-1])
        stopping.wait(30)

    server = RawServer(handle)
    servers.append(server)
    with (
        _client(server, timeout=(5, 5), deadline=1) as client,
        pytest.raises(DeadlineExceededError),
    ):
        client.scanners.stats()


def test_a_deadline_is_not_retried(servers: list[RawServer]) -> None:
    server = _drip(response_head(content_type="application/json") + STATS, interval=0.5)
    servers.append(server)
    waits = SleepRecorder()
    with _client(server, timeout=(5, 5), deadline=1, max_retries=3) as client:
        client._sleep = waits
        with pytest.raises(DeadlineExceededError):
            client.scanners.stats()
    assert waits.waits == []
    assert server.accepted == 1


def test_a_fast_reply_is_unaffected_by_a_short_deadline(servers: list[RawServer]) -> None:
    server = _serving(STATS)
    servers.append(server)
    with _client(server, deadline=1) as client:
        for _ in range(3):
            assert client.scanners.stats().total == 0


# Lists that ignore limit ------------------------------------------------------------------


def _observations(rows: int) -> dict[str, object]:
    return {
        "count": 1000,
        "next": "https://elsewhere.test/?offset=x",
        "previous": None,
        "results": [
            {
                "id": f"o{i}",
                "scanner_id": "s1",
                "status": "completed",
                "created_at": "2025-01-01T00:00:00+00:00",
            }
            for i in range(rows)
        ],
    }


def test_a_list_page_larger_than_the_limit_is_refused(stub_api: StubAPI) -> None:
    stub_api.reply("/observations/", Reply(200, _observations(5)))
    with stub_api.client() as client, pytest.raises(TooManyRowsError) as caught:
        client.observations.list("s1", limit=2)
    assert (caught.value.limit, caught.value.received) == (2, 5)
    assert isinstance(caught.value, ResponseValidationError)


def test_iteration_refuses_an_oversized_page(stub_api: StubAPI) -> None:
    stub_api.reply("/observations/", Reply(200, _observations(50)))
    with stub_api.client() as client, pytest.raises(TooManyRowsError):
        list(client.observations.iter("s1", page_size=10, max_items=100))


def test_bulk_fetch_refuses_an_oversized_page(stub_api: StubAPI) -> None:
    stub_api.reply("/observations/", Reply(200, _observations(30)))
    with stub_api.client() as client, pytest.raises(TooManyRowsError):
        client.observations.fetch_all("s1", page_size=20, max_workers=2)


def test_a_page_exactly_at_the_limit_is_accepted(stub_api: StubAPI) -> None:
    stub_api.reply("/observations/", Reply(200, _observations(10)))
    with stub_api.client() as client:
        assert len(client.observations.list("s1", limit=10).items) == 10


# Retry-After loops ------------------------------------------------------------------------


def test_endless_retry_after_is_waited_out_only_up_to_the_budget(stub_api: StubAPI) -> None:
    stub_api.reply("/scanners/stats/", Reply(429, {"detail": "slow down"}, {"Retry-After": "4"}))
    waits = SleepRecorder()
    with (
        stub_api.client(sleep=waits, max_retries=10) as client,
        pytest.raises(RateLimitError) as caught,
    ):
        client.scanners.stats()
    assert waits.waits == [4.0, 4.0]  # a third 4 s wait would pass the 10 s budget
    assert caught.value.retry_after == 4.0
    assert len(stub_api.seen) == 3


def test_the_retry_wait_budget_is_configurable(stub_api: StubAPI) -> None:
    stub_api.reply("/scanners/stats/", Reply(429, {"detail": "slow down"}, {"Retry-After": "1"}))
    waits = SleepRecorder()
    with stub_api.client(sleep=waits, max_retries=10, max_retry_wait=3) as client:
        assert client.max_retry_wait == 3
        with pytest.raises(RateLimitError):
            client.scanners.stats()
    assert waits.waits == [1.0, 1.0, 1.0]


def test_a_retry_after_beyond_the_budget_is_raised_at_once(stub_api: StubAPI) -> None:
    stub_api.reply("/scanners/stats/", Reply(503, {"detail": "busy"}, {"Retry-After": "20"}))
    waits = SleepRecorder()
    with stub_api.client(sleep=waits) as client, pytest.raises(ServerError):
        client.scanners.stats()
    assert waits.waits == []
    assert len(stub_api.seen) == 1


def test_retry_after_zero_forever_is_bounded_by_max_retries(stub_api: StubAPI) -> None:
    stub_api.reply("/scanners/stats/", Reply(429, {"detail": "again"}, {"Retry-After": "0"}))
    waits = SleepRecorder()
    with stub_api.client(sleep=waits, max_retries=3) as client, pytest.raises(RateLimitError):
        client.scanners.stats()
    assert len(stub_api.seen) == 4


# Redirects --------------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["trap", "http://169.254.169.254/latest/meta-data/"])
def test_a_redirect_to_an_internal_address_is_not_followed(
    stub_api: StubAPI, servers: list[RawServer], target: str
) -> None:
    trap = RawServer(lambda conn, head, stopping: None)
    servers.append(trap)
    location = (
        f"{trap.base_url}/api/projects/1/vision/scanners/stats/" if target == "trap" else target
    )
    stub_api.reply("/scanners/stats/", Reply(302, raw=b"", headers={"Location": location}))
    with stub_api.client() as client, pytest.raises(APIStatusError, match="redirected") as caught:
        client.scanners.stats()
    assert caught.value.status_code == 302
    assert len(stub_api.seen) == 1
    time.sleep(0.1)
    assert trap.accepted == 0
