"""The sandbox's ASGI application: routes, scopes per endpoint, contract-shaped errors."""

from __future__ import annotations

import logging
from collections.abc import Callable

from fastapi import FastAPI
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import Response

from . import routes_observations as obs
from . import routes_scanners as sc
from .control import control_routes
from .db import Database
from .errors import ApiError, method_not_allowed, not_found, server_error
from .faults import Faults, RequestLog
from .web import SandboxMiddleware, endpoint, error_response

_log = logging.getLogger(__name__)

READ = ("replay_scanner:read",)
WRITE = ("replay_scanner:write",)
WRITE_RECORDINGS = ("replay_scanner:write", "session_recording:read")
READ_RECORDINGS = ("replay_scanner:read", "session_recording:read")

BASE = "/api/projects/{project_id}/vision/scanners"
SCANNER = BASE + "/{scanner_id}"
OBSERVATIONS = SCANNER + "/observations"


def create_app(
    db: Database, faults: Faults, log: RequestLog, on_enqueue: Callable[[], None]
) -> SandboxMiddleware:
    """Build the application; the returned object is the ASGI app to serve."""
    api = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    routes = [
        ("GET", BASE, READ, sc.list_scanners, False),
        ("POST", BASE, WRITE_RECORDINGS, sc.create_scanner, True),
        ("GET", BASE + "/creators", READ, sc.creators, False),
        ("GET", BASE + "/stats", READ, sc.scanner_stats, False),
        ("POST", BASE + "/estimate", READ_RECORDINGS, sc.estimate, True),
        ("GET", SCANNER, READ, sc.retrieve_scanner, False),
        ("PATCH", SCANNER, WRITE_RECORDINGS, sc.update_scanner, True),
        ("DELETE", SCANNER, WRITE, sc.delete_scanner, False),
        ("PUT", SCANNER, WRITE, sc.put_scanner, False),
        ("POST", SCANNER + "/observe", WRITE_RECORDINGS, sc.observe_scanner, True),
        ("GET", OBSERVATIONS, READ_RECORDINGS, obs.list_observations, False),
        ("GET", OBSERVATIONS + "/stats", READ_RECORDINGS, obs.observation_stats, False),
        (
            "GET",
            OBSERVATIONS + "/{observation_id}",
            READ_RECORDINGS,
            obs.retrieve_observation,
            False,
        ),
    ]
    for method, path, scopes, handler, reads_body in routes:
        api.add_api_route(
            path,
            endpoint(db, scopes, handler, reads_body=reads_body, notify=on_enqueue),
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

    return SandboxMiddleware(api, faults, log)
