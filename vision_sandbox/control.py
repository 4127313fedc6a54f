"""``/_sandbox/`` control endpoints: request log and fault injection over HTTP, loopback only."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .errors import ApiError, permission_denied, validation_error
from .faults import Faults, RequestLog
from .web import error_response, read_body

_LOOPBACK = {"127.0.0.1", "::1", "localhost", "testclient"}
Route = Callable[[Request], Awaitable[Response]]


async def _json_object(request: Request) -> dict[str, Any]:
    raw = await read_body(request)
    if not raw:
        return {}
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        raise validation_error("Body must be a JSON object.", None) from None
    if not isinstance(body, dict):
        raise validation_error("Body must be a JSON object.", None)
    return body


def _guard(handler: Callable[[Request], Awaitable[Any]]) -> Route:
    async def route(request: Request) -> Response:
        try:
            if request.client is None or request.client.host not in _LOOPBACK:
                raise permission_denied("Sandbox controls are only served on loopback.")
            result = await handler(request)
        except ApiError as error:
            return error_response(error)
        except (TypeError, ValueError) as exc:
            return error_response(validation_error(str(exc), None))
        return JSONResponse(result)

    return route


def control_routes(faults: Faults, log: RequestLog) -> list[tuple[str, str, Route]]:
    """(method, path, handler) for every control endpoint."""

    async def requests_list(_request: Request) -> Any:
        entries = [asdict(e) for e in log.entries]
        return {"count": len(entries), "entries": entries}

    async def requests_reset(_request: Request) -> Any:
        log.clear()
        return {"ok": True}

    async def configure(request: Request) -> Any:
        faults.configure(**await _json_object(request))
        return {"ok": True}

    async def fail_next(request: Request) -> Any:
        faults.fail_next(**await _json_object(request))
        return {"ok": True}

    async def reset(_request: Request) -> Any:
        faults.reset()
        return {"ok": True}

    return [
        ("GET", "/_sandbox/requests", _guard(requests_list)),
        ("POST", "/_sandbox/requests/reset", _guard(requests_reset)),
        ("POST", "/_sandbox/faults", _guard(configure)),
        ("POST", "/_sandbox/fail_next", _guard(fail_next)),
        ("POST", "/_sandbox/reset-faults", _guard(reset)),
    ]
