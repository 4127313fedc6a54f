"""The retry policy as pure functions: whether to retry an attempt, and how long to wait first.

Retried: failures to connect or dropped connections, 429, and 502/503/504. Not retried: a
read timeout (the server is slow, and a retry multiplies the wait), TLS errors, other
statuses.
Only requests that are safe to repeat are retried: reads (GET), DELETE (repeating it ends in
the same state) and the read-only estimate POST. Writes that create work or spend quota
(create, update, observe) are sent at most once: after a timeout or a dropped connection the
server may already have acted, and a silent second send could create a duplicate scanner
or start (and bill) a second scan. The one exception is a connection that was never
established, which provably sent nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from ._constants import INITIAL_RETRY_DELAY, MAX_RETRY_AFTER, MAX_RETRY_DELAY

RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class RetryDecision:
    """Whether to retry, and a short reason for the debug log."""

    retry: bool
    reason: str


def should_retry(
    *,
    attempt: int,
    max_retries: int,
    idempotent: bool,
    status: int | None = None,
    connection_error: bool = False,
    may_have_reached_server: bool = True,
    read_timeout: bool = False,
    tls_error: bool = False,
    retry_after: float | None = None,
) -> RetryDecision:
    """Decide whether a failed attempt is retried.

    Args:
        attempt: how many retries already happened (0 after the first attempt).
        max_retries: the client's retry budget.
        idempotent: True when repeating the request cannot change the outcome.
        status: the HTTP status, when the server answered.
        connection_error: True when there was no HTTP answer (connection error or timeout).
        may_have_reached_server: False only when the connection was never established.
        read_timeout: True when the server accepted the request but did not answer in time.
        tls_error: True when the TLS handshake or certificate check failed.
        retry_after: the server's Retry-After in seconds, when it sent one.
    """
    if status is None and not connection_error:
        return RetryDecision(False, "succeeded")
    if status is not None and status not in RETRYABLE_STATUSES:
        return RetryDecision(False, f"status {status} is not retryable")
    if not idempotent and (status is not None or may_have_reached_server):
        return RetryDecision(False, "not retried: the request may have reached the server")
    if tls_error:
        # A bad certificate or protocol mismatch does not heal in a second.
        return RetryDecision(False, "not retried: TLS errors are not transient")
    if read_timeout:
        # The server had the whole read budget and used it: it is slow, not flaky. Asking
        # again would multiply the caller's wait (and the server's load) by the retry budget.
        return RetryDecision(False, "not retried: the server was too slow to answer")
    if attempt >= max_retries:
        return RetryDecision(False, f"retry budget of {max_retries} used up")
    if retry_after is not None and retry_after > MAX_RETRY_AFTER:
        return RetryDecision(
            False, f"Retry-After {retry_after:g}s exceeds the {MAX_RETRY_AFTER:g}s cap"
        )
    cause = f"status {status}" if status is not None else "connection error"
    return RetryDecision(True, cause)


def retry_delay(attempt: int, retry_after: float | None, *, jitter: float) -> float:
    """Seconds to wait before retry number `attempt + 1`.

    The server's Retry-After wins when present (callers have already refused values above
    the cap). Otherwise: exponential backoff from INITIAL_RETRY_DELAY, capped at
    MAX_RETRY_DELAY, scaled by `jitter` in [0, 1] into the upper half of the interval so
    concurrent clients spread out without ever retrying immediately.
    """
    if retry_after is not None:
        return max(0.0, min(retry_after, MAX_RETRY_AFTER))
    backoff = min(INITIAL_RETRY_DELAY * 2.0**attempt, MAX_RETRY_DELAY)
    return backoff * (0.5 + 0.5 * min(max(jitter, 0.0), 1.0))


def parse_retry_after(headers: Mapping[str, str], *, now: datetime | None = None) -> float | None:
    """Retry-After (or retry-after-ms) in seconds; None when absent or unreadable.

    Accepts delta-seconds (possibly fractional) and HTTP dates, per RFC 9110.
    """
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            return max(0.0, float(millis) / 1000.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
