"""A pinned HTTPS connection connects to the checked IP but verifies TLS for the host *name*.

A throwaway CA-less self-signed certificate for `vision.example.test` is made with the
openssl command; the server behind it listens on 127.0.0.1, and urllib3's create_connection
is wrapped so the socket meant for the (public) checked address reaches it.
"""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from urllib3.util import connection as urllib3_connection

from vision_api import APIConnectionError, HostPolicy, VisionClient

from .conftest import STUB_KEY

CERT_NAME = "vision.example.test"
PUBLIC_IP = "93.184.216.34"
STATS = b'{"total": 0, "enabled": 0, "by_type": {}}'

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", f"/CN={CERT_NAME}", "-addext", f"subjectAltName=DNS:{CERT_NAME}",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


class _Handler(BaseHTTPRequestHandler):
    hosts: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Handler.hosts.append(self.headers.get("Host", ""))
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(STATS)))
        self.end_headers()
        self.wfile.write(STATS)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def tls_server(certificate: tuple[Path, Path]) -> Iterator[int]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*map(str, certificate))
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02})
    thread.daemon = True
    thread.start()
    _Handler.hosts = []
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def connects(monkeypatch: pytest.MonkeyPatch, tls_server: int) -> list[tuple[str, int]]:
    seen: list[tuple[str, int]] = []
    real = urllib3_connection.create_connection

    def recording(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        seen.append(address)
        return real(("127.0.0.1", tls_server), *args, **kwargs)

    monkeypatch.setattr(urllib3_connection, "create_connection", recording)
    return seen


def _client(name: str, port: int, cert: Path) -> VisionClient:
    client = VisionClient(
        base_url=f"https://{name}:{port}",
        project_id=1,
        api_key=STUB_KEY,
        host_policy=HostPolicy(allow_any_host=True, resolver=lambda _h, _p: [PUBLIC_IP]),
        max_retries=0,
    )
    client._session.verify = str(cert)  # trust the throwaway certificate
    return client


def test_pinned_https_verifies_the_certificate_for_the_name(
    tls_server: int, connects: list[tuple[str, int]], certificate: tuple[Path, Path]
) -> None:
    with _client(CERT_NAME, tls_server, certificate[0]) as client:
        assert client.scanners.stats().total == 0
    assert connects == [(PUBLIC_IP, tls_server)]
    assert _Handler.hosts == [f"{CERT_NAME}:{tls_server}"]


def test_pinned_https_refuses_a_certificate_for_another_name(
    tls_server: int, connects: list[tuple[str, int]], certificate: tuple[Path, Path]
) -> None:
    """Same server, same IP, but the client asked for another name: verification fails, so
    the check is made against the name, not the pinned address."""
    with (
        _client("other.example.test", tls_server, certificate[0]) as client,
        pytest.raises(APIConnectionError, match="TLS/SSL") as caught,
    ):
        client.scanners.stats()
    assert caught.value.tls
    assert connects == [(PUBLIC_IP, tls_server)]
    assert _Handler.hosts == []
