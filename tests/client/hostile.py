"""Hostile HTTP servers on 127.0.0.1: raw sockets, so they can break HTTP any way they like.

Each accepted connection runs `handle(conn, request_head)` on its own thread; the handler
writes whatever bytes it wants. `stopping` is set at close so slow handlers end promptly.
"""

from __future__ import annotations

import contextlib
import gzip
import socket
import threading
import zlib
from collections.abc import Callable

Handler = Callable[[socket.socket, bytes, threading.Event], None]


class RawServer:
    """A listener whose connections are answered by a hand-written handler."""

    def __init__(self, handle: Handler) -> None:
        self._handle = handle
        self.stopping = threading.Event()
        self.accepted = 0
        self.heads: list[bytes] = []
        self._lock = threading.Lock()
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen()
        self._listener.settimeout(0.05)
        self._threads: list[threading.Thread] = []
        self._accept_thread = threading.Thread(target=self._accept, daemon=True)
        self._accept_thread.start()

    @property
    def port(self) -> int:
        return int(self._listener.getsockname()[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self.stopping.set()
        self._accept_thread.join()
        for thread in self._threads:
            thread.join(timeout=5)
        self._listener.close()

    def _accept(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = self._listener.accept()
            except OSError:
                continue
            with self._lock:
                self.accepted += 1
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            head = b""
            with contextlib.suppress(OSError):
                while b"\r\n\r\n" not in head:
                    data = conn.recv(4096)
                    if not data:
                        return
                    head += data
            with self._lock:
                self.heads.append(head)
            with contextlib.suppress(OSError):
                self._handle(conn, head, self.stopping)


def response_head(status: str = "200 OK", **headers: str) -> bytes:
    """An HTTP/1.1 status line and headers (underscores in names become dashes)."""
    lines = [f"HTTP/1.1 {status}"]
    lines += [f"{name.replace('_', '-')}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def gzip_bomb(decompressed_mb: int) -> bytes:
    """A gzip body of `decompressed_mb` MB of zeros (about 1000:1), built without holding it."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1024 * 1024)
    parts = [compressor.compress(block) for _ in range(decompressed_mb)]
    parts.append(compressor.flush())
    return b"".join(parts)


def deflate_bomb(decompressed_mb: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS)
    block = bytes(1024 * 1024)
    parts = [compressor.compress(block) for _ in range(decompressed_mb)]
    parts.append(compressor.flush())
    return b"".join(parts)


def gzipped(data: bytes) -> bytes:
    return gzip.compress(data)
