"""One HTTP exchange, bounded in time and size, with every transport failure translated once.

`exchange()` sends a request, streams the whole reply body under the size cap and the
request deadline, and returns it as a Reply; whatever goes wrong below (requests, urllib3,
sockets, TLS) leaves as a VisionAPIError. Redirects are never followed. Retrying is the
caller's business.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from http.client import HTTPException
from typing import NoReturn

import requests
import urllib3.exceptions

from ._body import ACCEPT_ENCODING, DeadlinePassed, read_body
from ._deadline import RequestDeadline
from ._exceptions import APIConnectionError, APITimeoutError, DeadlineExceededError

_MIN_TIMEOUT = 0.001


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on one request: (connect, read) socket timeouts, total deadline, reply size."""

    timeout: tuple[float, float]
    deadline: float
    max_response_bytes: int


@dataclass(frozen=True, slots=True)
class Reply:
    """A complete HTTP answer: status, headers (case-insensitive) and the decoded body."""

    status_code: int
    headers: Mapping[str, str]
    content: bytes


def exchange(
    http: requests.Session,
    method: str,
    url: str,
    *,
    params: Mapping[str, str] | None,
    json: object,
    headers: Mapping[str, str],
    limits: Limits,
) -> Reply:
    """Send one request and read its whole reply within `limits`.

    Raises:
        DeadlineExceededError: the request outlasted `limits.deadline`.
        APITimeoutError / APIConnectionError: no (complete) HTTP answer.
        ResponseTooLargeError: the reply is over `limits.max_response_bytes`.
        ResponseValidationError: the reply's encoding is unusable.
        HostNotAllowedError: a pinned connection found the host resolving to a private address.
    """
    where = f"{method} {url.split('?', 1)[0]}"
    deadline = RequestDeadline(limits.deadline)
    connect, read = limits.timeout
    with deadline.running():
        try:
            # The socket timeouts never exceed the time left, so no single wait outlives it.
            remaining = max(deadline.remaining(), _MIN_TIMEOUT)
            response = http.request(
                method,
                url,
                params=params,
                json=json,
                headers={**headers, "Accept-Encoding": ACCEPT_ENCODING},
                timeout=(min(connect, remaining), min(read, remaining)),
                # A redirect would replay the request elsewhere (and turn POST into GET);
                # it is reported as an error pointing at the host setting instead.
                allow_redirects=False,
                stream=True,
            )
            try:
                body = read_body(
                    response.raw,
                    response.headers,
                    max_bytes=limits.max_response_bytes,
                    deadline=deadline,
                    where=where,
                )
            finally:
                response.close()
        except DeadlinePassed:
            _raise_deadline(where, deadline, None)
        except (
            requests.RequestException,
            urllib3.exceptions.HTTPError,
            HTTPException,
            OSError,
        ) as exc:
            if deadline.expired:
                _raise_deadline(where, deadline, exc)
            _raise_transport_error(exc, where)
    return Reply(response.status_code, response.headers, body)


def _raise_deadline(where: str, deadline: RequestDeadline, cause: BaseException | None) -> NoReturn:
    raise DeadlineExceededError(
        f"{where}: the server did not finish answering within the {deadline.seconds:g} s "
        "deadline. It may be overloaded; try again later, or narrow the request.",
        deadline=deadline.seconds,
    ) from cause


def _raise_transport_error(exc: BaseException, where: str) -> NoReturn:
    """Translate a requests/urllib3/socket exception into the client's error tree."""
    if isinstance(exc, requests.ConnectTimeout | urllib3.exceptions.ConnectTimeoutError):
        raise APITimeoutError(
            f"{where}: timed out connecting to the server.", may_have_reached_server=False
        ) from exc
    if isinstance(exc, requests.Timeout | urllib3.exceptions.TimeoutError | TimeoutError):
        raise APITimeoutError(f"{where}: the server did not answer in time.") from exc
    if isinstance(exc, requests.exceptions.SSLError | urllib3.exceptions.SSLError):
        raise APIConnectionError(f"{where}: TLS/SSL error: {_reason(exc)}", tls=True) from exc
    if isinstance(exc, requests.ConnectionError):
        raise APIConnectionError(f"{where}: could not connect: {_reason(exc)}") from exc
    raise APIConnectionError(f"{where}: request failed: {_reason(exc)}") from exc


def _reason(exc: BaseException) -> str:
    """A short description of a transport failure; requests' messages never include headers."""
    return (str(exc) or type(exc).__name__)[:300]
