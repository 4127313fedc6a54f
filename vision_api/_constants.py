"""Defaults for the Vision client: environment variable names, timeouts, retries, page sizes."""

from __future__ import annotations

ENV_HOST = "POSTHOG_HOST"
ENV_PROJECT_ID = "POSTHOG_PROJECT_ID"
ENV_API_KEY = "POSTHOG_PERSONAL_API_KEY"

# (connect, read) seconds. The read budget sits above the server's own 30 s limit on the
# estimate query so a slow-but-successful estimate is not cut off by the client.
DEFAULT_TIMEOUT: tuple[float, float] = (5.0, 35.0)

# A total budget for one request, however its bytes trickle in (a read timeout restarts with
# every byte). It leaves room for the 35 s read timeout above plus connecting.
DEFAULT_DEADLINE = 40.0
# Replies larger than this, as received or once decompressed, are refused mid-read. The
# largest legitimate reply, a 2000-row observations page, is a few MB.
DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024

DEFAULT_MAX_RETRIES = 3
INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
# A Retry-After longer than this is not waited out: the error is raised with `retry_after`
# so a person (or the caller's own scheduler) can decide, instead of a page hanging for minutes.
MAX_RETRY_AFTER = 30.0
# The most time one call spends waiting out Retry-After across all its retries. Beyond it the
# RateLimitError is raised with `retry_after`, so a page can show a countdown, not hang.
DEFAULT_MAX_RETRY_WAIT = 10.0

DEFAULT_PAGE_SIZE = 100
# Bulk fetches trade a few larger responses for far fewer round trips and, above all, far
# less repeated server work: with offset pagination the server re-sorts and skips every row
# before the page, so 100-row pages cost it ~7x the CPU of 2000-row pages (bench/bulk_fetch.py).
BULK_PAGE_SIZE = 2000
BULK_MAX_WORKERS = 4

# POST /scanners/{id}/bulk_observe/ takes 1..200 session ids.
BULK_OBSERVE_MAX_SESSIONS = 200
# A label's feedback is at most this many characters.
MAX_LABEL_FEEDBACK = 5000

USER_AGENT = "vision-api-python"
