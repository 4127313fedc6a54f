"""HTTP plumbing shared by the routes: request context, body parsing, responses, middleware.

Bodies are read up to a cap and parsed lazily inside the handler (after authentication), the way
DRF only parses ``request.data`` when a view touches it. Paths are normalised before routing:
the trailing slash is optional and ``/api/environments/`` is an alias of ``/api/projects/``.
"""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import replay_page
from .auth import Caller, authenticate, authorize
from .db import Database
from .errors import (
    ApiError,
    authentication_failed,
    method_not_allowed,
    not_found,
    parse_error,
    permission_denied,
    quota_exceeded,
    server_error,
    throttled,
    validation_error,
)
from .faults import Faults, RequestLog

MAX_BODY_BYTES = 1_000_000
TOO_LARGE = f"Request body is too large (limit {MAX_BODY_BYTES:,} bytes)."
API_PREFIX = "/api/"
ORIGINAL_PATH = "sandbox.original_path"
OBSERVE_FAILED = "Failed to start observation workflow"


class _TooLarge(Exception):
    pass


@dataclass
class Context:
    """Everything a sync handler needs: caller, project, query params, body, URL."""

    db: Database
    caller: Caller
    project_id: int
    path: dict[str, str]
    params: dict[str, str]
    url: str
    raw_body: bytes | None
    content_type: str
    notify: Callable[[], None]

    def body(self) -> Any:
        """The parsed JSON body (``{}`` when empty); raises the contract's 400s."""
        if self.raw_body is None:
            raise ApiError(400, "invalid_request", "parse_error", TOO_LARGE)
        if not self.raw_body.strip():
            return {}
        media = self.content_type.split(";")[0].strip().lower()
        if media and media != "application/json" and not media.endswith("+json"):
            raise ApiError(
                415,
                "invalid_request",
                "unsupported_media_type",
                f'Unsupported media type "{self.content_type}" in request.',
            )
        try:
            return json.loads(self.raw_body, parse_constant=_refuse, parse_float=_finite_float)
        except (ValueError, RecursionError) as exc:
            raise parse_error(f"JSON parse error - {exc}") from None


def _refuse(token: str) -> Any:
    raise ValueError(f"{token} is not valid JSON")


def _finite_float(token: str) -> float:
    value = float(token)
    if not math.isfinite(value):
        raise ValueError(f"number {token} is out of range")
    return value


async def read_body(request: Request) -> bytes | None:
    """The request body, or None when it exceeds :data:`MAX_BODY_BYTES`."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


class FastJSONResponse(Response):
    """JSON rendered by orjson: a page of observations is mostly serialisation, ~5x faster."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)


def error_response(error: ApiError) -> JSONResponse:
    """The contract-shaped response for ``error``."""
    return JSONResponse(error.body(), status_code=error.status, headers=error.headers)


Handler = Callable[[Context], tuple[int, Any]]


def _nothing() -> None:
    return None


def endpoint(
    db: Database,
    scopes: Sequence[str],
    handler: Handler,
    *,
    reads_body: bool = False,
    notify: Callable[[], None] = _nothing,
) -> Callable[[Request], Awaitable[Response]]:
    """Wrap a sync handler: authenticate, authorise, read the body, run it on a worker thread."""

    async def route(request: Request) -> Response:
        try:
            raw = await read_body(request) if reads_body else b""
        except ClientDisconnect:
            # The caller gave up (a client timeout) before sending its body: no one to answer,
            # and nothing to run. 499 is nginx's "client closed request", for the request log.
            return Response(status_code=499)
        headers = request.headers

        def run() -> tuple[int, Any]:
            caller = authenticate(db, headers.get("authorization"))
            project_id = resolve_project(request.path_params.get("project_id", ""), caller)
            authorize(caller, project_id, scopes)
            ctx = Context(
                db=db,
                caller=caller,
                project_id=project_id,
                path={k: str(v) for k, v in request.path_params.items()},
                params=dict(request.query_params),
                url=str(
                    request.url.replace(path=request.scope.get(ORIGINAL_PATH, request.url.path))
                ),
                raw_body=raw,
                content_type=headers.get("content-type", ""),
                notify=notify,
            )
            return handler(ctx)

        try:
            status, body = await run_in_threadpool(run)
        except ApiError as error:
            return error_response(error)
        if body is None:
            return Response(status_code=status)
        return FastJSONResponse(body, status_code=status)

    return route


def resolve_project(text: str, caller: Caller) -> int:
    """The numeric project id in the URL (``@current`` = the key's first project)."""
    if text == "@current" and caller.project_ids:
        return min(caller.project_ids)
    if not text.isdigit() or not text.isascii() or len(text) > 18:
        raise not_found()
    return int(text)


def normalise_path(path: str) -> str:
    """Optional trailing slash; ``/api/environments/`` aliases ``/api/projects/``."""
    if path.startswith("/api/environments/"):
        path = "/api/projects/" + path[len("/api/environments/") :]
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/") or "/"
    return path


def injected_error(status: int, method: str, retry_after: int | None) -> ApiError:
    """The error an injected fault answers: what the real API says for that status."""
    if status == 429:
        return throttled(retry_after if retry_after is not None else 1)
    if status >= 500:
        return server_error(status, retry_after)
    if status == 400:
        error = validation_error("Injected fault.", None)
    elif status == 401:
        error = authentication_failed()
    elif status == 402:
        error = quota_exceeded("Monthly Replay Vision quota reached.")
    elif status == 403:
        error = permission_denied("You do not have permission to perform this action.")
    elif status == 404:
        error = not_found()
    elif status == 405:
        error = method_not_allowed(method)
    else:
        error = ApiError(status, "invalid_request", "error", "Injected fault.")
    if retry_after is not None:
        error.headers["Retry-After"] = str(retry_after)
    return error


class SandboxMiddleware:
    """Normalise paths, inject configured faults and log every API request.

    Outside ``/api/``, a recording link answers :mod:`.replay_page`'s HTML page.
    """

    def __init__(
        self,
        app: ASGIApp,
        faults: Faults,
        log: RequestLog,
        observe_failed_body: dict[str, str] | None = None,
    ) -> None:
        self.app = app
        self.faults = faults
        self.log = log
        self.observe_failed_body = observe_failed_body or {"error": OBSERVE_FAILED}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        original = scope["path"]
        raw_path = scope.get("raw_path") or original.encode()
        scope = dict(scope)
        scope[ORIGINAL_PATH] = original
        scope["path"] = normalise_path(original)
        scope["raw_path"] = scope["path"].encode()
        if not original.startswith(API_PREFIX):
            session_id = replay_page.session_in(raw_path)
            if session_id is not None and scope["method"] in ("GET", "HEAD"):
                await replay_page.page(session_id)(scope, receive, send)
            else:
                await self.app(scope, receive, send)
            return
        method = scope["method"]
        statuses: list[int] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                statuses.append(int(message["status"]))
                # Logged before the client can see the response, so counts are never behind.
                self.log.record(method, original, statuses[0])
            await send(message)

        fault = self.faults.decide(method, original)
        try:
            if fault.latency_s:
                await asyncio.sleep(fault.latency_s)
            if fault.status == 503 and method == "POST" and scope["path"].endswith("/observe"):
                # A failed workflow start has a hand-built body, shaped by the era.
                body = self.observe_failed_body
                await JSONResponse(body, status_code=503)(scope, receive, capture)
            elif fault.status is not None:
                error = injected_error(fault.status, method, fault.retry_after)
                await error_response(error)(scope, receive, capture)
            else:
                await self.app(scope, receive, capture)
        finally:
            if not statuses:
                self.log.record(method, original, 500)
