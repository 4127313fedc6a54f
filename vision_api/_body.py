"""Read a response body with bounded memory and time.

The body is streamed in chunks. The bytes received and the bytes they decompress to are
both counted against one cap, and the read stops as soon as either crosses it, so neither a
huge reply nor a small gzip "bomb" (a few hundred KB that inflate to gigabytes) can exhaust
the server's memory. Decompression is done here, with zlib's `max_length`, rather than by
urllib3, so the bound holds on every urllib3 version. The request deadline is checked
between chunks.

Only gzip and deflate are asked for (ACCEPT_ENCODING); any other encoding is refused.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from typing import Protocol

from ._deadline import RequestDeadline
from ._exceptions import ResponseTooLargeError, ResponseValidationError

ACCEPT_ENCODING = "gzip, deflate"
CHUNK_SIZE = 64 * 1024


class RawBody(Protocol):
    """The part of urllib3's HTTPResponse used here."""

    def read(self, amt: int | None = None, decode_content: bool | None = None) -> bytes: ...


class DeadlinePassed(Exception):
    """Raised between chunks when the request deadline has passed (mapped by the caller)."""


def read_body(
    raw: RawBody,
    headers: Mapping[str, str],
    *,
    max_bytes: int,
    deadline: RequestDeadline,
    where: str,
) -> bytes:
    """The decoded body, or ResponseTooLargeError as soon as it exceeds `max_bytes`.

    Raises:
        ResponseTooLargeError: over the cap, as received or decompressed.
        ResponseValidationError: an encoding that was not asked for, or corrupt compression.
        DeadlinePassed: the deadline passed between two chunks.
    """
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise _too_large(where, max_bytes, f"announces {int(declared):,} bytes, more than")
    inflater = _inflater_for(headers.get("content-encoding", ""), where)
    read = getattr(raw, "read1", raw.read)
    received = 0
    decoded = 0
    parts: list[bytes] = []
    while True:
        chunk: bytes = read(CHUNK_SIZE, decode_content=False)
        if deadline.expired:
            raise DeadlinePassed
        if not chunk:
            break
        received += len(chunk)
        if received > max_bytes:
            raise _too_large(where, max_bytes, "is larger than")
        if inflater is None:
            parts.append(chunk)
            continue
        for piece in inflater.feed(chunk, room=max_bytes - decoded):
            decoded += len(piece)
            parts.append(piece)
        if decoded > max_bytes:
            raise _too_large(where, max_bytes, "decompresses to more than")
    if inflater is not None:
        tail = inflater.finish()
        if decoded + len(tail) > max_bytes:
            raise _too_large(where, max_bytes, "decompresses to more than")
        parts.append(tail)
    return b"".join(parts)


class _Inflater:
    """Incremental gzip/deflate decoding that never produces more than it is given room for."""

    __slots__ = ("_gzip", "_obj", "_started", "_where")

    def __init__(self, *, gzip: bool, where: str) -> None:
        self._gzip = gzip
        self._where = where
        self._started = False
        self._obj = zlib.decompressobj(16 + zlib.MAX_WBITS if gzip else zlib.MAX_WBITS)

    def feed(self, data: bytes, *, room: int) -> list[bytes]:
        """Decode `data`, returning at most `room + 1` bytes in total (one more signals over)."""
        out: list[bytes] = []
        produced = 0
        pending = data
        while pending and produced <= room:
            piece = self._decompress(pending, room - produced + 1)
            produced += len(piece)
            out.append(piece)
            pending = self._obj.unconsumed_tail
            if self._obj.eof:
                pending = self._next_member()
        return out

    def finish(self) -> bytes:
        try:
            return self._obj.flush()
        except zlib.error as exc:
            raise self._corrupt(exc) from None

    def _decompress(self, data: bytes, max_length: int) -> bytes:
        try:
            piece = self._obj.decompress(data, max_length)
        except zlib.error as exc:
            if self._gzip or self._started:
                raise self._corrupt(exc) from None
            # "deflate" is meant to be zlib-wrapped, but some servers send it raw.
            self._obj = zlib.decompressobj(-zlib.MAX_WBITS)
            try:
                piece = self._obj.decompress(data, max_length)
            except zlib.error as raw_exc:
                raise self._corrupt(raw_exc) from None
        self._started = True
        return piece

    def _next_member(self) -> bytes:
        """After one gzip member ends, the input left over (another member), else nothing."""
        rest = self._obj.unused_data
        if not (self._gzip and rest):
            return b""
        self._obj = zlib.decompressobj(16 + zlib.MAX_WBITS)
        return rest

    def _corrupt(self, exc: zlib.error) -> ResponseValidationError:
        return ResponseValidationError(
            f"{self._where}: the server sent a compressed body that does not decompress ({exc})."
        )


def _inflater_for(content_encoding: str, where: str) -> _Inflater | None:
    codings = [c.strip().lower() for c in content_encoding.split(",") if c.strip()]
    codings = [c for c in codings if c != "identity"]
    if not codings:
        return None
    if len(codings) == 1 and codings[0] in ("gzip", "x-gzip", "deflate"):
        return _Inflater(gzip=codings[0] != "deflate", where=where)
    raise ResponseValidationError(
        f"{where}: the server answered with content encoding {content_encoding!r}, which the "
        f"client did not ask for (it accepts {ACCEPT_ENCODING})."
    )


def _too_large(where: str, max_bytes: int, how: str) -> ResponseTooLargeError:
    return ResponseTooLargeError(
        f"{where}: the server's reply {how} the client accepts ({max_bytes:,} bytes), so "
        "it was not read. Narrow the request (filters, a smaller page size) or raise "
        "max_response_bytes.",
        max_bytes=max_bytes,
    )
