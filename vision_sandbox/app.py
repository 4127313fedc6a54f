"""The sandbox's ASGI application: the era's routes, scopes per endpoint, throttles, errors."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from fastapi import FastAPI
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import Response

from . import routes_observations as obs
from . import routes_quota as quota
from . import routes_scanners as sc
from .control import control_routes
from .db import Database
from .eras import CURRENT, EraRules
from .errors import ApiError, method_not_allowed, not_found, server_error
from .faults import Faults, RequestLog
from .throttle import PER_KEY, PER_PROJECT_ESTIMATE, Throttles
from .web import Context, SandboxMiddleware, endpoint, error_response

_log = logging.getLogger(__name__)

NONE: tuple[str, ...] = ()
READ = ("replay_scanner:read",)
WRITE = ("replay_scanner:write",)
WRITE_RECORDINGS = ("replay_scanner:write", "session_recording:read")
READ_RECORDINGS = ("replay_scanner:read", "session_recording:read")

PROJECT = "/api/projects/{project_id}/vision"
BASE = PROJECT + "/scanners"
SCANNER = BASE + "/{scanner_id}"
OBSERVATIONS = SCANNER + "/observations"
OBSERVATION = OBSERVATIONS + "/{observation_id}"
PROJECT_OBSERVATION = PROJECT + "/observations/{observation_id}"
QUOTA = PROJECT + "/quota"

EraHandler = Callable[[EraRules, Context], tuple[int, Any]]
# (method, path, scopes, handler, reads body, credit era only)
Route = tuple[str, str, Sequence[str], EraHandler, bool, bool]

ROUTES: tuple[Route, ...] = (
    ("GET", BASE, READ, sc.list_scanners, False, False),
    ("POST", BASE, WRITE_RECORDINGS, sc.create_scanner, True, False),
    ("GET", BASE + "/creators", READ, sc.creators, False, False),
    ("GET", BASE + "/stats", READ, sc.scanner_stats, False, False),
    ("PATCH", BASE + "/stats", NONE, sc.not_allowed("PATCH"), False, False),
    ("POST", BASE + "/estimate", READ_RECORDINGS, sc.estimate, True, False),
    ("GET", BASE + "/estimate", NONE, sc.not_allowed("GET"), False, False),
    ("GET", SCANNER, READ, sc.retrieve_scanner, False, False),
    ("PATCH", SCANNER, WRITE_RECORDINGS, sc.update_scanner, True, False),
    ("DELETE", SCANNER, WRITE, sc.delete_scanner, False, False),
    ("PUT", SCANNER, WRITE, sc.not_allowed("PUT"), False, False),
    ("POST", SCANNER + "/observe", WRITE_RECORDINGS, sc.observe_scanner, True, False),
    ("POST", SCANNER + "/bulk_observe", WRITE_RECORDINGS, sc.bulk_observe, True, True),
    ("GET", OBSERVATIONS, READ_RECORDINGS, obs.list_observations, False, False),
    ("GET", OBSERVATIONS + "/stats", READ_RECORDINGS, obs.observation_stats, False, False),
    ("GET", OBSERVATION, READ_RECORDINGS, obs.retrieve_observation, False, False),
    ("POST", OBSERVATION + "/label", WRITE_RECORDINGS, obs.set_label, True, True),
    ("DELETE", OBSERVATION + "/label", WRITE_RECORDINGS, obs.clear_label, False, True),
    ("POST", OBSERVATION + "/retry", WRITE_RECORDINGS, obs.retry, False, True),
    ("POST", PROJECT_OBSERVATION + "/label", WRITE_RECORDINGS, obs.set_label, True, True),
    ("DELETE", PROJECT_OBSERVATION + "/label", WRITE_RECORDINGS, obs.clear_label, False, True),
    ("POST", PROJECT_OBSERVATION + "/retry", WRITE_RECORDINGS, obs.retry, False, True),
    ("GET", QUOTA, READ, quota.quota_status, False, False),
    ("GET", QUOTA + "/spend_series", READ, quota.spend_series, False, True),
)


def _bind(
    rules: EraRules, handler: EraHandler, throttles: Throttles | None, estimate: bool
) -> Callable[[Context], tuple[int, Any]]:
    """The handler with its era, behind PostHog's throttles when they are on.

    Throttles run after authentication and scopes, as DRF's do. The current era's estimate is
    throttled per project only; every other request per API key.
    """

    def run(ctx: Context) -> tuple[int, Any]:
        if throttles is not None:
            if estimate and rules.estimate_project_throttles:
                throttles.check(PER_PROJECT_ESTIMATE, f"project:{ctx.project_id}")
            else:
                throttles.check(PER_KEY, f"key:{ctx.caller.key_hash}")
        return handler(rules, ctx)

    return run


def create_app(
    db: Database,
    faults: Faults,
    log: RequestLog,
    on_enqueue: Callable[[], None],
    rules: EraRules = CURRENT,
    throttles: Throttles | None = None,
) -> SandboxMiddleware:
    """Build the application for ``rules``' era; the returned object is the ASGI app to serve."""
    api = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    for method, path, scopes, handler, reads_body, credit_only in ROUTES:
        if credit_only and not rules.credit_era:
            continue
        is_estimate = method == "POST" and path == BASE + "/estimate"
        api.add_api_route(
            path,
            endpoint(
                db,
                scopes,
                _bind(rules, handler, throttles, is_estimate),
                reads_body=reads_body,
                notify=on_enqueue,
            ),
            methods=[method, "HEAD"] if method == "GET" else [method],
            include_in_schema=False,
        )
    for method, path, control in control_routes(faults, log):
        api.add_api_route(path, control, methods=[method], include_in_schema=False)

    @api.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 405:
            return error_response(method_not_allowed(request.method))
        if exc.status_code == 404:
            return error_response(not_found())
        return error_response(
            ApiError(exc.status_code, "invalid_request", "error", str(exc.detail))
        )

    @api.exception_handler(ApiError)
    async def api_error(_request: Request, exc: ApiError) -> Response:
        return error_response(exc)

    @api.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        _log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return error_response(server_error(500))

    return SandboxMiddleware(api, faults, log, rules.observe_failed_body)
