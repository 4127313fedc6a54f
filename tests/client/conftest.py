"""Fixtures for the client tests.

Most client tests run against the sandbox (`sandbox` / `empty_sandbox` from tests/conftest.py).
`stub_api` is a tiny scripted HTTP server for the few cases the sandbox cannot produce:
bodies that are not JSON, responses from a newer API version, malformed shapes, redirects.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from vision_api import VisionClient

STUB_KEY = "phx_stub_secret_key_0123456789"


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None

    def encoded(self) -> bytes:
        if self.raw is not None:
            return self.raw
        return b"" if self.body is None else json.dumps(self.body).encode()


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class StubAPI:
    """Answers each request with the next scripted reply for its path (the last one repeats)."""

    def __init__(self) -> None:
        self._replies: dict[str, list[Reply]] = {}
        self.seen: list[Seen] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def reply(self, path_suffix: str, *replies: Reply) -> None:
        """Script the replies for requests whose path (without query) ends with `path_suffix`."""
        self._replies[path_suffix] = list(replies)

    def client(self, **options: Any) -> VisionClient:
        options.setdefault("sleep", lambda _seconds: None)
        return VisionClient(base_url=self.base_url, project_id=1, api_key=STUB_KEY, **options)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _next(self, path: str) -> Reply:
        with self._lock:
            for suffix, replies in self._replies.items():
                if path.split("?", 1)[0].endswith(suffix):
                    return replies.pop(0) if len(replies) > 1 else replies[0]
        return Reply(404, {"type": "invalid_request", "code": "not_found", "detail": "Not found."})

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                with stub._lock:
                    stub.seen.append(Seen(self.command, self.path, dict(self.headers), body))
                reply = stub._next(self.path)
                payload = reply.encoded()
                self.send_response(reply.status)
                headers = {"content-type": "application/json", **reply.headers}
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PATCH = do_DELETE = _serve

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler


@pytest.fixture
def stub_api() -> Iterator[StubAPI]:
    stub = StubAPI()
    try:
        yield stub
    finally:
        stub.close()


@pytest.fixture(autouse=True)
def _no_posthog_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Client tests configure clients explicitly; a developer's POSTHOG_* must not leak in."""
    for name in ("POSTHOG_HOST", "POSTHOG_PROJECT_ID", "POSTHOG_PERSONAL_API_KEY"):
        monkeypatch.delenv(name, raising=False)


class SleepRecorder:
    """An injected `sleep` that records the requested waits instead of waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def sleeps() -> SleepRecorder:
    return SleepRecorder()


@pytest.fixture
def client(sandbox: Any, sleeps: SleepRecorder) -> Iterator[VisionClient]:
    """A client on the shared demo sandbox, with faults off and the request log empty."""
    sandbox.faults.reset()
    sandbox.requests.clear()
    with VisionClient(
        base_url=sandbox.base_url,
        project_id=sandbox.project_id,
        api_key=sandbox.api_key,
        sleep=sleeps,
    ) as vision:
        try:
            yield vision
        finally:
            sandbox.faults.reset()


def unique_name(prefix: str = "client-test") -> str:
    """A scanner name no other test (or earlier run on the same database) uses."""
    return f"{prefix} {uuid.uuid4().hex[:10]}"


MONITOR_CONFIG = {"prompt": "Did the user struggle to pay?", "allow_inconclusive": True}
DEFAULT_MODEL = "gemini-3-flash-preview"


def settled_count(sandbox: Any, expected: int, **filters: Any) -> int:
    """The sandbox's request count once it reaches `expected` (or after a short grace period).

    The sandbox logs a request just after answering it, so a count read the instant a call
    returns can miss that call's last request.
    """
    deadline = time.monotonic() + 5.0
    count = sandbox.requests.count(**filters)
    while count < expected and time.monotonic() < deadline:
        time.sleep(0.01)
        count = sandbox.requests.count(**filters)
    time.sleep(0.05)  # let any unexpected extra request land too, so "too many" is caught
    return int(sandbox.requests.count(**filters))
