"""Timeouts against a slow sandbox (injected latency): every request is bounded."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from vision_api import APITimeoutError, VisionClient

from .conftest import SleepRecorder, settled_count

LATENCY_S = 0.4


@pytest.fixture
def slow_sandbox(sandbox: Any) -> Iterator[Any]:
    sandbox.requests.clear()
    sandbox.faults.configure(latency_ms=LATENCY_S * 1000)
    try:
        yield sandbox
    finally:
        sandbox.faults.reset()
        # A request the client gave up on is still sleeping in the server; let it finish so it
        # is not logged into the next test's request counts.
        time.sleep(LATENCY_S + 0.3)


def _client(sandbox: Any, sleeps: SleepRecorder, **options: Any) -> VisionClient:
    return VisionClient(
        base_url=sandbox.base_url,
        project_id=sandbox.project_id,
        api_key=sandbox.api_key,
        sleep=sleeps,
        **options,
    )


def test_a_read_slower_than_the_timeout_raises(slow_sandbox: Any, sleeps: SleepRecorder) -> None:
    client = _client(slow_sandbox, sleeps, timeout=(2.0, 0.1), max_retries=0)
    with client, pytest.raises(APITimeoutError, match="did not answer in time"):
        client.scanners.stats()
    assert sleeps.waits == []


def test_a_read_timeout_is_not_repeated(slow_sandbox: Any, sleeps: SleepRecorder) -> None:
    """Worst-case wait stays one read timeout, and a slow server is not asked again."""
    client = _client(slow_sandbox, sleeps, timeout=(2.0, 0.1), max_retries=3)
    with client, pytest.raises(APITimeoutError):
        client.scanners.creators()
    assert sleeps.waits == []
    time.sleep(LATENCY_S)  # a (wrong) retry would reach the server within this
    assert settled_count(slow_sandbox, 1, path_contains="/creators") == 1


def test_a_generous_timeout_rides_out_the_latency(slow_sandbox: Any, sleeps: SleepRecorder) -> None:
    with _client(slow_sandbox, sleeps, timeout=(2.0, 5.0)) as client:
        assert client.scanners.stats().total >= 0
    assert sleeps.waits == []


def test_the_client_recovers_once_the_server_is_fast_again(
    slow_sandbox: Any, sleeps: SleepRecorder
) -> None:
    # Latency well above the read timeout, which is itself roomy enough for a normal answer
    # on a busy machine.
    slow_sandbox.faults.configure(latency_ms=2500)
    with _client(slow_sandbox, sleeps, timeout=(2.0, 1.0), max_retries=0) as client:
        with pytest.raises(APITimeoutError):
            client.scanners.stats()
        slow_sandbox.faults.reset()
        assert client.scanners.stats().total >= 0
    time.sleep(1.6)  # the abandoned request finishes its 2.5 s in the server (see the fixture)


def test_a_server_that_never_answers_times_out(sleeps: SleepRecorder) -> None:
    """A listener that accepts connections but never replies (a hung upstream)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.05)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        port = listener.getsockname()[1]
        with (
            VisionClient(
                base_url=f"http://127.0.0.1:{port}",
                project_id=1,
                api_key="phx_hung",
                timeout=(1.0, 0.2),
                max_retries=3,
                sleep=sleeps,
            ) as client,
            pytest.raises(APITimeoutError),
        ):
            client.scanners.stats()
        assert sleeps.waits == []
        deadline = time.monotonic() + 5
        while not accepted and time.monotonic() < deadline:
            time.sleep(0.01)  # the listener thread may not have run yet on a busy machine
        time.sleep(0.1)
        assert len(accepted) == 1
    finally:
        stop.set()
        thread.join()
        for conn in accepted:
            conn.close()
        listener.close()
