"""VisionClient: configuration and the one request path (timeouts, retries, error mapping)."""

from __future__ import annotations

import json as jsonlib
import logging
import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from types import TracebackType
from typing import Any, NoReturn, Self

import orjson
import requests

from ._config import Timeout, resolve_settings
from ._constants import DEFAULT_MAX_RETRIES, USER_AGENT
from ._exceptions import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    ConfigurationError,
    ResponseValidationError,
    make_status_error,
)
from ._retry import parse_retry_after, retry_delay, should_retry
from .resources.observations import Observations
from .resources.scanners import Scanners

logger = logging.getLogger("vision_api")

_IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "DELETE"})


class VisionClient:
    """A client for PostHog's Replay Vision scanners API.

    Every argument falls back to an environment variable:
    `base_url` to POSTHOG_HOST (e.g. https://us.posthog.com; a trailing `/` or `/api` is
    fine), `project_id` to POSTHOG_PROJECT_ID, `api_key` to POSTHOG_PERSONAL_API_KEY.
    A missing or invalid setting raises ConfigurationError naming it.

    Args:
        timeout: seconds, or a (connect, read) pair, applied to every request.
        max_retries: retries of safe requests (reads, delete, estimate) after a failed or
            dropped connection, 429 or 502/503/504. Writes are never re-sent, and a read
            timeout is not retried (worst-case wait stays one read timeout).
        sleep: how to wait between retries; tests inject a recorder.

    The client owns a requests.Session: use it as a context manager or call close().
    It is not meant to be shared between threads (fetch_all manages its own sessions),
    and it refuses to be pickled because it holds the API key.
    """

    def __init__(
        self,
        *,
        base_url: str | None = None,
        project_id: int | str | None = None,
        api_key: str | None = None,
        timeout: Timeout | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._settings = resolve_settings(
            base_url=base_url, project_id=project_id, api_key=api_key, timeout=timeout
        )
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
            raise ConfigurationError(
                f"max_retries must be a non-negative integer, got {max_retries!r}."
            )
        self._max_retries = max_retries
        self._sleep = sleep
        self._api_root = (
            f"{self._settings.base_url}/api/projects/{self._settings.project_id}/vision/"
        )
        self._session = new_session()
        self.scanners = Scanners(self)
        self.observations = Observations(self)

    # Public read-only configuration -------------------------------------------------------
    @property
    def base_url(self) -> str:
        """The API host, normalized (no trailing slash, no /api)."""
        return self._settings.base_url

    @property
    def project_id(self) -> int:
        return self._settings.project_id

    @property
    def timeout(self) -> tuple[float, float]:
        """(connect, read) timeout in seconds."""
        return self._settings.timeout

    @property
    def max_retries(self) -> int:
        return self._max_retries

    def __repr__(self) -> str:
        return f"VisionClient(base_url={self.base_url!r}, project_id={self.project_id})"

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError(
            "VisionClient holds an API key and cannot be pickled; cache the models it returns."
        )

    def copy(self) -> VisionClient:
        """A new client with the same settings and its own HTTP session.

        For thread pools: a ``requests.Session`` is not guaranteed thread-safe, so each worker
        thread should use its own copy (and close it). The key moves from settings to settings
        and is never exposed.
        """
        twin = VisionClient.__new__(VisionClient)
        twin._settings = self._settings
        twin._max_retries = self._max_retries
        twin._sleep = self._sleep
        twin._api_root = self._api_root
        twin._session = new_session()
        twin.scanners = Scanners(twin)
        twin.observations = Observations(twin)
        return twin

    # Lifecycle ----------------------------------------------------------------------------
    def close(self) -> None:
        """Release pooled connections."""
        self._session.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def _thread_sessions(self) -> Iterator[Callable[[], requests.Session]]:
        """A factory giving each calling thread its own Session, all closed on exit.

        requests.Session has no thread-safety guarantee, so concurrent page fetches must not
        share the client's session.
        """
        local = threading.local()
        opened: list[requests.Session] = []
        lock = threading.Lock()

        def session_for_this_thread() -> requests.Session:
            session: requests.Session | None = getattr(local, "session", None)
            if session is None:
                session = new_session()
                local.session = session
                with lock:
                    opened.append(session)
            return session

        try:
            yield session_for_this_thread
        finally:
            for session in opened:
                session.close()

    # The request path ---------------------------------------------------------------------
    def _request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: object = None,
        retry_safe: bool | None = None,
        session: requests.Session | None = None,
    ) -> Any:
        """Send one API call, retrying only when safe, and return the decoded JSON (None if empty).

        Args:
            path: relative to /api/projects/<id>/vision/, e.g. "scanners/".
            retry_safe: whether the call may be repeated; defaults to True for GET and DELETE.
            session: the Session to use (fetch_all passes one per worker thread).
        """
        url = self._api_root + path
        idempotent = method in _IDEMPOTENT_METHODS if retry_safe is None else retry_safe
        http = session or self._session
        attempt = 0
        while True:
            retry_after: float | None = None
            try:
                response = self._send(http, method, url, params, json)
            except APIConnectionError as exc:
                decision = should_retry(
                    attempt=attempt,
                    max_retries=self._max_retries,
                    idempotent=idempotent,
                    connection_error=True,
                    may_have_reached_server=exc.may_have_reached_server,
                    read_timeout=isinstance(exc, APITimeoutError) and exc.may_have_reached_server,
                    tls_error=exc.tls,
                )
                failure: APIConnectionError | APIStatusError = exc
            else:
                if 200 <= response.status_code < 300:
                    return _decode_success(response, method, path)
                retry_after = parse_retry_after(response.headers)
                failure = _status_error(response, retry_after)
                decision = should_retry(
                    attempt=attempt,
                    max_retries=self._max_retries,
                    idempotent=idempotent,
                    status=response.status_code,
                    retry_after=retry_after,
                )
            if not decision.retry:
                logger.debug("Not retrying %s %s: %s", method, path, decision.reason)
                raise failure
            delay = retry_delay(attempt, retry_after, jitter=random.random())
            attempt += 1
            logger.debug(
                "Retrying %s %s after %s: attempt %d of %d in %.2fs",
                method, path, decision.reason, attempt, self._max_retries, delay,
            )  # fmt: skip
            self._sleep(delay)

    def _send(
        self,
        http: requests.Session,
        method: str,
        url: str,
        params: Mapping[str, str] | None,
        json: object,
    ) -> requests.Response:
        headers = {
            "Authorization": f"Bearer {self._settings.api_key.reveal()}",
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
        }
        try:
            return http.request(
                method,
                url,
                params=params,
                json=json,
                headers=headers,
                timeout=self._settings.timeout,
                # A redirect would replay the request elsewhere (and turn POST into GET);
                # it is reported as an error pointing at the host setting instead.
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            _raise_transport_error(exc, method, url)


def new_session() -> requests.Session:
    """A Session with no urllib3-level retries, so only the client's policy ever retries."""
    return requests.Session()


def _raise_transport_error(exc: requests.RequestException, method: str, url: str) -> NoReturn:
    """Translate a requests exception into the client's error tree, exactly once."""
    where = f"{method} {_strip_query(url)}"
    if isinstance(exc, requests.ConnectTimeout):
        raise APITimeoutError(
            f"{where}: timed out connecting to the server.", may_have_reached_server=False
        ) from exc
    if isinstance(exc, requests.Timeout):
        raise APITimeoutError(f"{where}: the server did not answer in time.") from exc
    if isinstance(exc, requests.exceptions.SSLError):
        raise APIConnectionError(f"{where}: TLS/SSL error: {_reason(exc)}", tls=True) from exc
    if isinstance(exc, requests.ConnectionError):
        raise APIConnectionError(f"{where}: could not connect: {_reason(exc)}") from exc
    raise APIConnectionError(f"{where}: request failed: {_reason(exc)}") from exc


def _reason(exc: BaseException) -> str:
    """A short description of a transport failure; requests' messages never include headers."""
    return (str(exc) or type(exc).__name__)[:300]


def _strip_query(url: str) -> str:
    return url.split("?", 1)[0]


def _decode_success(response: requests.Response, method: str, path: str) -> Any:
    if response.status_code == 204 or not response.content:
        return None
    try:
        # orjson: about 3x faster than json on a 2000-row page, and strict (no NaN tokens).
        return orjson.loads(response.content)
    except ValueError:
        snippet = response.content[:200].decode("utf-8", errors="replace")
        raise ResponseValidationError(
            f"{method} {path}: expected a JSON body, got "
            f"{response.headers.get('content-type', 'no content type')}: {snippet!r}",
            body=snippet,
        ) from None


def _status_error(response: requests.Response, retry_after: float | None) -> APIStatusError:
    body = _decode_error_body(response)
    if 300 <= response.status_code < 400:
        location = response.headers.get("location", "another address")
        return APIStatusError(
            response.status_code,
            detail=(
                f"The server redirected the request to {location}. Set the host to the "
                "address the API is actually served from (e.g. https://us.posthog.com)."
            ),
            body=body,
        )
    return make_status_error(response.status_code, body, response.headers, retry_after=retry_after)


def _decode_error_body(response: requests.Response) -> object:
    if not response.content:
        return None
    try:
        return jsonlib.loads(response.content)
    except ValueError:
        return response.content.decode("utf-8", errors="replace")
