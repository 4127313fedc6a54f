"""VisionClient: configuration and the one request path (limits, retries, error mapping)."""

from __future__ import annotations

import json as jsonlib
import logging
import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from types import TracebackType
from typing import Any, Self

import orjson
import requests

from ._catalog import Era
from ._config import (
    Timeout,
    non_negative_number,
    positive_int,
    positive_number,
    resolve_settings,
)
from ._connections import new_session
from ._constants import (
    DEFAULT_DEADLINE,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_MAX_RETRIES,
    DEFAULT_MAX_RETRY_WAIT,
    USER_AGENT,
)
from ._era import EraMemo, era_from_quota, era_from_scanner_page
from ._exceptions import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    ConfigurationError,
    NotFoundError,
    ResponseValidationError,
    make_status_error,
)
from ._hosts import HostPolicy, Route
from ._pacer import SHARED_BUDGETS, Pacer, RequestBudgets, WaitCallback
from ._retry import parse_retry_after, retry_delay, should_retry
from ._transport import Limits, Reply, exchange
from .resources.observations import Observations
from .resources.quota import QuotaResource
from .resources.scanners import Scanners

logger = logging.getLogger("vision_api")

_IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "DELETE"})
# The one call PostHog throttles per project with its own buckets instead of the key's.
_ESTIMATE_PATH = "scanners/estimate/"


class VisionClient:
    """A client for PostHog's Replay Vision scanners API.

    Every argument falls back to an environment variable:
    `base_url` to POSTHOG_HOST (e.g. https://us.posthog.com; a trailing `/` or `/api` is
    fine), `project_id` to POSTHOG_PROJECT_ID, `api_key` to POSTHOG_PERSONAL_API_KEY.
    A missing or invalid setting raises ConfigurationError naming it in `field`.

    Args:
        timeout: seconds, or a (connect, read) pair: the longest wait for one socket
            operation. Never longer than what is left of the deadline.
        deadline: seconds one HTTP request may take in total, connecting and reading the
            whole body included (a read timeout alone restarts with every byte, so a server
            trickling bytes would never trip it). Exceeding it raises DeadlineExceededError.
        max_response_bytes: the largest reply accepted, as received and once decompressed;
            a larger one raises ResponseTooLargeError without being read to the end.
        max_retries: retries of safe requests (reads, delete, estimate) after a failed or
            dropped connection, 429 or 502/503/504. Writes are never re-sent, and a read
            timeout is not retried (worst-case wait stays one deadline).
        max_retry_wait: the most seconds one call waits out the server's Retry-After across
            its retries; beyond it the error (e.g. RateLimitError with `retry_after`) is raised.
        host_policy: which hosts the client may connect to. None (the default) trusts the
            configured host, as a library user configuring their own environment does; a
            server that lets other people type the host must pass a HostPolicy, which refuses
            a disallowed host here, before anything is sent.
        pacer: keep under PostHog's request limits (480/min and 4,800/h per key; estimates
            20/min and 200/h per project) by waiting before a request that would cross
            one, instead of collecting 429s. True shares the process-wide budgets with every
            other paced client of the same key and host; a RequestBudgets keeps its own
            (other limits, or a fake clock in tests). A wait never outlasts `deadline`: a
            longer one raises RequestBudgetError (a RateLimitError with `retry_after`) at
            once. Off by default: a library user's scripts, the sandbox and tests are not
            throttled, and the server's 429s are retried anyway; a server with many viewers
            on one key (the console) turns it on. Requests of unpaced clients are counted in
            the shared budget all the same, and a 429's Retry-After holds it for everyone.
        on_pacer_wait: called with the seconds a request is about to wait for the budget
            (on the requesting thread), e.g. to show "waiting for the API budget".
        sleep: how to wait between retries and for the pacer; tests inject a recorder.

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
        deadline: float = DEFAULT_DEADLINE,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_retry_wait: float = DEFAULT_MAX_RETRY_WAIT,
        host_policy: HostPolicy | None = None,
        pacer: bool | RequestBudgets = False,
        on_pacer_wait: WaitCallback | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._settings = resolve_settings(
            base_url=base_url, project_id=project_id, api_key=api_key, timeout=timeout
        )
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
            raise ConfigurationError(
                f"max_retries must be a non-negative integer, got {max_retries!r}.",
                field="max_retries",
            )
        self._limits = Limits(
            timeout=self._settings.timeout,
            deadline=positive_number(deadline, "deadline"),
            max_response_bytes=positive_int(max_response_bytes, "max_response_bytes"),
        )
        self._max_retries = max_retries
        self._max_retry_wait = non_negative_number(max_retry_wait, "max_retry_wait")
        if host_policy is not None and not isinstance(host_policy, HostPolicy):
            raise ConfigurationError("host_policy must be a HostPolicy or None.", field="host")
        self._route = (
            Route(self._settings.base, guard=None)
            if host_policy is None
            else host_policy.check(self._settings.base)
        )
        self._sleep = sleep
        self._api_root = (
            f"{self._settings.base_url}/api/projects/{self._settings.project_id}/vision/"
        )
        self._session = new_session(self._route.guard)
        if not isinstance(pacer, bool | RequestBudgets):
            raise ConfigurationError(
                "pacer must be True, False or a RequestBudgets.", field="pacer"
            )
        if on_pacer_wait is not None and not callable(on_pacer_wait):
            raise ConfigurationError("on_pacer_wait must be callable.", field="pacer")
        self.pacer = Pacer(
            pacer if isinstance(pacer, RequestBudgets) else SHARED_BUDGETS,
            origin=self._settings.base.origin,
            api_key=self._settings.api_key.reveal(),
            project_id=self._settings.project_id,
            enabled=pacer is not False,
            sleep=sleep,
            on_wait=on_pacer_wait,
        )
        self._era = EraMemo()
        self._attach_resources()

    def _attach_resources(self) -> None:
        self.scanners = Scanners(self)
        self.observations = Observations(self)
        self.quota = QuotaResource(self)

    # Era ----------------------------------------------------------------------------------
    def era(self) -> Era:
        """Which era of the API the server speaks: "current" (credits) or "seed".

        Detected once per client (and shared with its copies), thread-safe, from the answers'
        keys: `GET /vision/quota/` with `credit_limit` (even null) is current, with
        `monthly_quota` seed; when the quota answers 404 or has neither key, the first
        scanner of the list decides (`credits_per_observation` present: current). A project
        with no scanners and no quota endpoint reads as seed. Errors other than the quota's
        404 propagate and are not remembered, so the next call detects again.
        """
        return self._era.get(self._detect_era)

    def _detect_era(self) -> Era:
        try:
            quota = self._request("GET", "quota/")
        except NotFoundError:
            quota = None
        era = era_from_quota(quota)
        if era is not None:
            logger.debug("Detected the %s era from the quota endpoint", era)
            return era
        page = self._request("GET", "scanners/", params={"limit": "1", "offset": "0"})
        era = era_from_scanner_page(page)
        logger.debug("Detected the %s era from the scanner list", era)
        return era

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
    def deadline(self) -> float:
        """Seconds one HTTP request may take in total."""
        return self._limits.deadline

    @property
    def max_response_bytes(self) -> int:
        """The largest reply accepted, as received and decompressed."""
        return self._limits.max_response_bytes

    @property
    def max_retries(self) -> int:
        return self._max_retries

    @property
    def max_retry_wait(self) -> float:
        """Seconds of Retry-After one call may wait out across its retries."""
        return self._max_retry_wait

    @property
    def pinned(self) -> bool:
        """True when every connection is checked and pinned to a public address."""
        return self._route.guard is not None

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
        and is never exposed; the host policy's decision carries over.
        """
        twin = VisionClient.__new__(VisionClient)
        twin._settings = self._settings
        twin._limits = self._limits
        twin._max_retries = self._max_retries
        twin._max_retry_wait = self._max_retry_wait
        twin._route = self._route
        twin._sleep = self._sleep
        twin._api_root = self._api_root
        twin._session = new_session(self._route.guard)
        twin.pacer = self.pacer
        twin._era = self._era
        twin._attach_resources()
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
                session = new_session(self._route.guard)
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
        estimate = method == "POST" and path == _ESTIMATE_PATH
        attempt = 0
        waited_for_server = 0.0
        while True:
            retry_after: float | None = None
            self.pacer.acquire(estimate=estimate, max_wait=self._limits.deadline)
            try:
                reply = self._send(http, method, url, params, json)
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
                if 200 <= reply.status_code < 300:
                    return _decode_success(reply, method, path)
                retry_after = parse_retry_after(reply.headers)
                if reply.status_code == 429 and retry_after is not None:
                    self.pacer.hold(retry_after, estimate=estimate)
                failure = _status_error(reply, retry_after)
                decision = should_retry(
                    attempt=attempt,
                    max_retries=self._max_retries,
                    idempotent=idempotent,
                    status=reply.status_code,
                    retry_after=retry_after,
                )
            if not decision.retry:
                logger.debug("Not retrying %s %s: %s", method, path, decision.reason)
                raise failure
            delay = retry_delay(attempt, retry_after, jitter=random.random())
            if retry_after is not None:
                if waited_for_server + delay > self._max_retry_wait:
                    logger.debug(
                        "Not retrying %s %s: Retry-After %.2fs would exceed the %.2fs budget",
                        method, path, delay, self._max_retry_wait,
                    )  # fmt: skip
                    raise failure
                waited_for_server += delay
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
    ) -> Reply:
        headers = {
            "Authorization": f"Bearer {self._settings.api_key.reveal()}",
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
        }
        return exchange(
            http, method, url, params=params, json=json, headers=headers, limits=self._limits
        )


def _decode_success(reply: Reply, method: str, path: str) -> Any:
    if reply.status_code == 204 or not reply.content:
        return None
    try:
        # orjson: about 3x faster than json on a 2000-row page, and strict (no NaN tokens).
        return orjson.loads(reply.content)
    except ValueError:
        snippet = reply.content[:200].decode("utf-8", errors="replace")
        raise ResponseValidationError(
            f"{method} {path}: expected a JSON body, got "
            f"{reply.headers.get('content-type', 'no content type')}: {snippet!r}",
            body=snippet,
        ) from None


def _status_error(reply: Reply, retry_after: float | None) -> APIStatusError:
    body = _decode_error_body(reply)
    if 300 <= reply.status_code < 400:
        location = reply.headers.get("location", "another address")
        return APIStatusError(
            reply.status_code,
            detail=(
                f"The server redirected the request to {location[:200]}. Set the host to the "
                "address the API is actually served from (e.g. https://us.posthog.com)."
            ),
            body=body,
        )
    return make_status_error(reply.status_code, body, reply.headers, retry_after=retry_after)


def _decode_error_body(reply: Reply) -> object:
    if not reply.content:
        return None
    try:
        return jsonlib.loads(reply.content)
    except ValueError:
        return reply.content.decode("utf-8", errors="replace")
