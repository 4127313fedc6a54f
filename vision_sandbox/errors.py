"""The sandbox's error type and the contract's error bodies.

Every error the API answers is an :class:`ApiError` rendered as PostHog's drf-exceptions-hog body
``{"type", "code", "detail", "attr"}`` (contract §1.6). Only the first error is ever reported, so
validation raises at the first problem it finds.
"""

from __future__ import annotations

from typing import Any

NOT_FOUND_DETAIL = "Not found."


class ApiError(Exception):
    """An HTTP error answered with the contract's error body."""

    def __init__(
        self,
        status: int,
        error_type: str,
        code: str,
        detail: str,
        attr: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.error_type = error_type
        self.code = code
        self.detail = detail
        self.attr = attr
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        """The JSON body of this error."""
        return {
            "type": self.error_type,
            "code": self.code,
            "detail": self.detail,
            "attr": self.attr,
        }


def validation_error(detail: str, attr: str | None, code: str = "invalid_input") -> ApiError:
    """A 400 ``validation_error`` on ``attr`` (``None`` for non-field errors)."""
    return ApiError(400, "validation_error", code, detail, attr)


def parse_error(detail: str) -> ApiError:
    """A 400 for a body that is not JSON at all (DRF ParseError)."""
    return ApiError(400, "invalid_request", "parse_error", detail)


def not_found() -> ApiError:
    """The 404 answered for unknown ids, other projects' objects and unknown routes."""
    return ApiError(404, "invalid_request", "not_found", NOT_FOUND_DETAIL)


def method_not_allowed(method: str) -> ApiError:
    """The 405 answered for PUT and other methods a route does not serve."""
    return ApiError(405, "invalid_request", "method_not_allowed", f'Method "{method}" not allowed.')


def not_authenticated() -> ApiError:
    """401 when no credentials were sent."""
    return ApiError(
        401,
        "authentication_error",
        "not_authenticated",
        "Authentication credentials were not provided.",
    )


def authentication_failed() -> ApiError:
    """401 when the key is unknown."""
    return ApiError(
        401,
        "authentication_error",
        "authentication_failed",
        "Personal API key found in request Authorization header is invalid.",
    )


def permission_denied(detail: str) -> ApiError:
    """403 for a missing scope or a project the key cannot reach."""
    return ApiError(403, "authentication_error", "permission_denied", detail)


def quota_exceeded(detail: str) -> ApiError:
    """402 when the monthly observation quota is spent."""
    return ApiError(402, "server_error", "quota_limit_exceeded", detail)


def throttled(retry_after: int) -> ApiError:
    """429 with DRF's default throttle text and a Retry-After header."""
    unit = "second" if retry_after == 1 else "seconds"
    return ApiError(
        429,
        "throttled_error",
        "throttled",
        f"Request was throttled. Expected available in {retry_after} {unit}.",
        headers={"Retry-After": str(retry_after)},
    )


def server_error(status: int, retry_after: int | None = None) -> ApiError:
    """A 5xx in contract shape (503 uses DRF's ServiceUnavailable text)."""
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    if status == 503:
        return ApiError(
            503,
            "server_error",
            "service_unavailable",
            "Service temporarily unavailable, try again later.",
            headers=headers,
        )
    return ApiError(status, "server_error", "error", "A server error occurred.", headers=headers)
