"""The client's HTTP sessions: sockets watched by the request deadline, optionally pinned.

Two things need hooks below requests, in urllib3's connection classes:

- Every socket is handed to the running request's deadline (see _deadline), which shuts it
  down when the deadline passes, whatever phase the request is in.
- With a guard (a HostPolicy allowing a host only through `allow_any_host`), a new socket
  connects to the address the guard resolved and checked, never to a fresh DNS answer. The
  connection keeps the host *name* for the Host header, TLS SNI and certificate checks, so
  pinning changes where the bytes go and nothing else.
"""

from __future__ import annotations

import socket
from typing import Any, Protocol

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.response import HTTPResponse
from urllib3.util import connection as urllib3_connection

from . import _deadline


class AddressGuard(Protocol):
    """Resolves a host and returns the one checked address to connect to (or raises)."""

    def connect_address(self, host: str, port: int) -> str: ...


def new_session(guard: AddressGuard | None = None) -> requests.Session:
    """A Session whose connections honour request deadlines and, with a guard, are pinned.

    No urllib3-level retries: only the client's policy ever retries. A pinned session also
    ignores proxy and netrc settings from the environment, since a proxy would resolve the
    name itself and bypass the address check.
    """
    session = requests.Session()
    adapter = _Adapter(guard)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    if guard is not None:
        session.trust_env = False
    return session


class _Adapter(HTTPAdapter):
    """An HTTPAdapter whose pools build the watched (and maybe pinned) connections below."""

    def __init__(self, guard: AddressGuard | None) -> None:
        self._guard = guard
        super().__init__(max_retries=0)

    def init_poolmanager(
        self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any
    ) -> None:
        super().init_poolmanager(connections, maxsize, block, **pool_kwargs)
        guard = self._guard

        class HTTPPool(HTTPConnectionPool):
            ConnectionCls = _connection_class(_WatchedHTTPConnection, guard)

        class HTTPSPool(HTTPSConnectionPool):
            ConnectionCls = _connection_class(_WatchedHTTPSConnection, guard)

        self.poolmanager.pool_classes_by_scheme = {"http": HTTPPool, "https": HTTPSPool}


class _Watched:
    """Mixin for urllib3 connections: deadline hooks, and pinning when `guard` is set."""

    guard: AddressGuard | None = None

    # Attributes provided by urllib3's HTTPConnection.
    sock: socket.socket | None
    host: str
    port: int
    timeout: float | None
    source_address: tuple[str, int] | None
    socket_options: Any

    def _pinned_socket(self, guard: AddressGuard) -> socket.socket:
        """Connect to the guard's checked address, mapping errors as urllib3 does."""
        try:
            address = guard.connect_address(self.host, self.port)
        except socket.gaierror as exc:
            raise NameResolutionError(self.host, self, exc) from exc  # type: ignore[arg-type]
        try:
            return urllib3_connection.create_connection(
                (address, self.port),
                self.timeout,
                source_address=self.source_address,
                socket_options=self.socket_options,
            )
        except TimeoutError as exc:
            raise ConnectTimeoutError(
                self, f"Connection to {self.host} timed out. (connect timeout={self.timeout})"
            ) from exc
        except OSError as exc:
            raise NewConnectionError(
                self,  # type: ignore[arg-type]
                f"Failed to establish a new connection: {exc}",
            ) from exc


class _WatchedHTTPConnection(_Watched, HTTPConnection):
    def _new_conn(self) -> socket.socket:
        guard = self.guard
        sock = super()._new_conn() if guard is None else self._pinned_socket(guard)
        _watch(sock)  # from the first byte, TLS handshake included
        return sock

    def getresponse(self) -> HTTPResponse:  # type: ignore[override]
        _watch(self.sock)
        return super().getresponse()


class _WatchedHTTPSConnection(_Watched, HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        guard = self.guard
        sock = super()._new_conn() if guard is None else self._pinned_socket(guard)
        _watch(sock)  # from the first byte, TLS handshake included
        return sock

    def getresponse(self) -> HTTPResponse:  # type: ignore[override]
        _watch(self.sock)
        return super().getresponse()


def _connection_class(base: type[_Watched], guard: AddressGuard | None) -> Any:
    """`base` bound to one guard (a class attribute, since urllib3 builds connections itself)."""
    return type(base.__name__, (base,), {"guard": guard})


def _watch(sock: object) -> None:
    deadline = _deadline.current()
    if deadline is not None:
        deadline.attach(sock)
