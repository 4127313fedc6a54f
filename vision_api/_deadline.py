"""A total deadline for one HTTP request, enforced even inside a blocked socket read.

Socket timeouts restart with every byte, so a server sending one byte a second never trips
them. RequestDeadline bounds the whole exchange instead: the body reader checks it between
chunks, and a timer shuts the request's socket down when it expires, which ends a read that
is blocked in the kernel (in the status line, the headers or the body) at once.

The connection classes find the deadline of the request running on their thread through
`current()`, and hand it their socket with `attach()`.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator

_local = threading.local()


class RequestDeadline:
    """The deadline of one request: time left, expiry, and the socket to cut when it passes."""

    __slots__ = ("_expires_at", "_finished", "_fired", "_lock", "_sock", "_timer", "seconds")

    def __init__(self, seconds: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._expires_at = clock() + seconds
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        self._fired = False
        self._finished = False
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True

    def remaining(self) -> float:
        """Seconds left (0 when expired)."""
        return max(0.0, self._expires_at - time.monotonic())

    @property
    def expired(self) -> bool:
        return self._fired or time.monotonic() >= self._expires_at

    def attach(self, sock: object) -> None:
        """Watch `sock` from now on; cut it at once if the deadline already passed."""
        if not isinstance(sock, socket.socket):
            return
        with self._lock:
            if self._finished:
                return
            self._sock = sock
            fired = self._fired
        if fired:
            _cut(sock)

    def _fire(self) -> None:
        with self._lock:
            if self._finished:
                return
            self._fired = True
            sock = self._sock
        if sock is not None:
            _cut(sock)

    @contextlib.contextmanager
    def running(self) -> Iterator[RequestDeadline]:
        """Arm the timer and make this the current thread's deadline for the block."""
        previous = getattr(_local, "deadline", None)
        _local.deadline = self
        self._timer.start()
        try:
            yield self
        finally:
            with self._lock:
                self._finished = True
                self._sock = None
            self._timer.cancel()
            _local.deadline = previous


def current() -> RequestDeadline | None:
    """The deadline of the request running on this thread, if any."""
    deadline: RequestDeadline | None = getattr(_local, "deadline", None)
    return deadline


def _cut(sock: socket.socket) -> None:
    """Shut the socket down so a read blocked on it returns now (the owner still closes it).

    The plain-socket method is called even on an SSLSocket: its own shutdown() also drops
    the TLS object, which the reading thread may be using.
    """
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
