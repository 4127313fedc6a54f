"""One error tree for everything the Vision client can raise.

VisionAPIError
├── ConfigurationError          bad or missing settings, raised at construction (`field` names it)
│   └── HostNotAllowedError       the host policy refuses the host (before any byte is sent)
├── APIConnectionError          the request did not get an HTTP answer
│   └── APITimeoutError
│       └── DeadlineExceededError   the whole request outlasted its deadline
├── ResponseTooLargeError       the reply (as received or decompressed) is over the size cap
├── APIStatusError              the server answered with a non-2xx status
│   ├── BadRequestError           400
│   ├── AuthenticationError       401
│   ├── QuotaExceededError        402
│   ├── PermissionDeniedError     403
│   ├── NotFoundError             404
│   ├── ConflictError             409
│   ├── RateLimitError            429
│   │   └── RequestBudgetError      the client's own request budget is used up (nothing sent)
│   └── ServerError               5xx
└── ResponseValidationError     a 2xx answer that is not the documented shape
    └── TooManyRowsError          a list page with more rows than the requested limit
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

# The body kept on an error is for diagnosis; a huge HTML error page is cut to this size.
_MAX_BODY_CHARS = 2000
_MISSING_SCOPE = re.compile(r"missing required scope '([^']+)'")
_REQUEST_ID_HEADERS = ("x-request-id", "request-id", "x-amzn-requestid", "cf-ray")


class VisionAPIError(Exception):
    """Base class of every error raised by vision_api."""


class ConfigurationError(VisionAPIError, ValueError):
    """A setting (host, project id, API key, timeout) is missing or invalid.

    `field` names the setting ("host", "project_id", "api_key", "timeout", ...) so a form can
    show the message beside the input it is about. The message never contains the API key.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        #: The setting the error is about, or None when it is not about a single setting.
        self.field = field


class HostNotAllowedError(ConfigurationError):
    """The host policy refuses this API host: not allowed, or it resolves to a private address.

    Raised before any byte is sent to the host, so the API key never reaches it.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message, field="host")


class APIConnectionError(VisionAPIError):
    """The request got no HTTP response: DNS, refused connection, TLS, reset, timeout."""

    def __init__(
        self, message: str, *, may_have_reached_server: bool = True, tls: bool = False
    ) -> None:
        super().__init__(message)
        self.message = message
        #: False only when the connection was never established, so nothing was sent.
        self.may_have_reached_server = may_have_reached_server
        #: True when TLS failed (certificate, protocol): a configuration problem, not a blip.
        self.tls = tls


class APITimeoutError(APIConnectionError):
    """The server did not connect or answer within the configured timeout."""


class DeadlineExceededError(APITimeoutError):
    """The request (connect, send, headers and whole body) took longer than its total deadline.

    Unlike a read timeout, which restarts with every byte, the deadline bounds the request
    as a whole, so a server that trickles its answer cannot hold the caller indefinitely.
    Never retried: the server had the whole budget.
    """

    def __init__(self, message: str, *, deadline: float) -> None:
        super().__init__(message)
        #: The deadline that was exceeded, in seconds.
        self.deadline = deadline


class ResponseTooLargeError(VisionAPIError):
    """The reply is larger than the client accepts (as received, or once decompressed).

    The read stops as soon as the cap is crossed, so memory stays bounded whatever the server
    sends. Raise `max_response_bytes` on the client if a legitimate reply is this large.
    """

    def __init__(self, message: str, *, max_bytes: int) -> None:
        super().__init__(message)
        self.message = message
        #: The cap that was crossed, in bytes.
        self.max_bytes = max_bytes


class ResponseValidationError(VisionAPIError):
    """The server answered 2xx but the body is not the shape the API documents."""

    def __init__(self, message: str, *, body: object = None) -> None:
        super().__init__(message)
        self.message = message
        #: The offending JSON value (or text), when there is one.
        self.body = body


class TooManyRowsError(ResponseValidationError):
    """A list page holds more rows than the `limit` the client asked for.

    A server that ignores `limit` could otherwise make one call return any number of rows;
    the page is refused whole rather than silently truncated.
    """

    def __init__(self, message: str, *, limit: int, received: int) -> None:
        super().__init__(message)
        self.limit = limit
        self.received = received


class APIStatusError(VisionAPIError):
    """The server answered with a non-2xx status.

    Attributes mirror PostHog's error body `{type, code, detail, attr}`; bodies in the
    non-standard `{"error": ...}` or `{"detail": ...}` forms, or not JSON at all, still
    fill `detail` so callers always have a human sentence to show.
    """

    def __init__(
        self,
        status_code: int,
        *,
        detail: str,
        type: str | None = None,
        code: str | None = None,
        attr: str | None = None,
        request_id: str | None = None,
        body: object = None,
    ) -> None:
        self.status_code = status_code
        self.detail = detail
        self.type = type
        self.code = code
        #: The request field the error is about (`name`, `scanner_config`, ...), or None.
        self.attr = attr
        self.request_id = request_id
        #: Parsed JSON body, or the (truncated) text when the body was not JSON.
        self.body = body
        super().__init__(self._describe())

    @property
    def status(self) -> int:
        """Alias of `status_code`."""
        return self.status_code

    def _describe(self) -> str:
        parts = [f"{self.status_code}"]
        if self.code:
            parts.append(f"[{self.code}]")
        parts.append(self.detail)
        if self.attr:
            parts.append(f"(field: {self.attr})")
        if self.request_id:
            parts.append(f"(request id: {self.request_id})")
        return " ".join(parts)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status_code={self.status_code}, code={self.code!r}, "
            f"detail={self.detail!r}, attr={self.attr!r}, request_id={self.request_id!r})"
        )


class BadRequestError(APIStatusError):
    """400: the request failed validation; `attr` names the field when there is one."""


class AuthenticationError(APIStatusError):
    """401: no API key, or the key is invalid or revoked."""


class QuotaExceededError(APIStatusError):
    """402: the organization's monthly Replay Vision quota (or a scanner's limit) is used up."""


class PermissionDeniedError(APIStatusError):
    """403: the key or user lacks access; `missing_scope` names the scope when the server does."""

    @property
    def missing_scope(self) -> str | None:
        """The API key scope the server says is missing, e.g. `replay_scanner:write`."""
        match = _MISSING_SCOPE.search(self.detail)
        return match.group(1) if match else None


class NotFoundError(APIStatusError):
    """404: unknown id, an id from another project, or the feature is off for this project."""


class ConflictError(APIStatusError):
    """409: the resource is busy (e.g. a previous run is still finishing)."""


class RateLimitError(APIStatusError):
    """429: throttled; `retry_after` is the server's requested wait in seconds, if it sent one."""

    def __init__(
        self, status_code: int, *, retry_after: float | None = None, **kwargs: Any
    ) -> None:
        self.retry_after = retry_after
        super().__init__(status_code, **kwargs)


class RequestBudgetError(RateLimitError):
    """The client's request budget (the pacer) has no room within the request's deadline.

    Raised before anything is sent, instead of sleeping past the deadline: the wait PostHog's
    limits impose (`retry_after` seconds) is longer than one request may take. It is a
    RateLimitError, so code that shows a countdown for a server 429 handles it the same way;
    `status_code` is 429 by analogy, `code` is "request_budget", and `budget` names the budget
    ("API key" or "estimates").
    """

    def __init__(self, message: str, *, retry_after: float, budget: str) -> None:
        self.budget = budget
        super().__init__(
            429,
            retry_after=retry_after,
            detail=message,
            type="throttled_error",
            code="request_budget",
        )


class ServerError(APIStatusError):
    """5xx: the server failed; safe calls were already retried before this was raised."""


_STATUS_CLASSES: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    402: QuotaExceededError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    429: RateLimitError,
}


def make_status_error(
    status_code: int,
    body: object,
    headers: Mapping[str, str],
    *,
    retry_after: float | None = None,
) -> APIStatusError:
    """Build the error for one non-2xx response: the status picks the class, the body the fields."""
    detail, error_type, code, attr = _read_error_body(status_code, body)
    fields: dict[str, Any] = {
        "detail": detail,
        "type": error_type,
        "code": code,
        "attr": attr,
        "request_id": request_id_from(headers),
        "body": _truncate(body),
    }
    if status_code == 429:
        return RateLimitError(status_code, retry_after=retry_after, **fields)
    cls = _STATUS_CLASSES.get(status_code, ServerError if status_code >= 500 else APIStatusError)
    return cls(status_code, **fields)


def request_id_from(headers: Mapping[str, str]) -> str | None:
    """The server's request id, from whichever common header carries it."""
    for name in _REQUEST_ID_HEADERS:
        value = headers.get(name)
        if value:
            return value
    return None


def _read_error_body(
    status_code: int, body: object
) -> tuple[str, str | None, str | None, str | None]:
    """(detail, type, code, attr) from any of the body shapes the API is known to send."""
    if isinstance(body, dict):
        detail = body.get("detail")
        if detail is None:
            detail = body.get("error")
        return (
            _as_text(detail) or _default_detail(status_code),
            _as_optional_text(body.get("type")),
            _as_optional_text(body.get("code")),
            _as_optional_text(body.get("attr")),
        )
    if isinstance(body, str) and body.strip() and not body.lstrip().startswith("<"):
        return (_first_line(body), None, None, None)
    # Empty or an HTML page (typically from a proxy or load balancer in front of the API).
    return (_default_detail(status_code), None, None, None)


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    # DRF can nest details ({"name": ["..."]}); a compact rendering beats losing them.
    return str(value)


def _as_optional_text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0]
    return line[:200]


def _default_detail(status_code: int) -> str:
    try:
        phrase = HTTPStatus(status_code).phrase
    except ValueError:
        phrase = "Unexpected status"
    return f"{phrase} (HTTP {status_code}); the server sent no JSON error details."


def _truncate(body: object) -> object:
    if isinstance(body, str) and len(body) > _MAX_BODY_CHARS:
        return body[:_MAX_BODY_CHARS] + "…"
    return body
