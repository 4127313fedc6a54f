"""Safe rendering of untrusted text, and API errors turned into messages a person can act on.

Everything the API returns (names, prompts, tags, reasoning, summaries, even error details) is
untrusted: it is shown with ``st.text``/dataframe cells, or escaped before it reaches any
Markdown-rendering element (``st.error``, captions, labels). Links are http(s) only.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import streamlit as st

from vision_api import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    NotFoundError,
    PermissionDeniedError,
    QuotaExceededError,
    RateLimitError,
    ResponseValidationError,
    ServerError,
    VisionAPIError,
)
from vision_console import format as fmt
from vision_console.cache import ReadOnlyError

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=^\"'&%@;/?])")


_WORD_JOINER = "\u2060"
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
"""Zero-width characters and bidirectional overrides/isolates/marks: in untrusted text they can
make a name read differently from what it is (``evil\u202egnp.exe``) or hide words."""


def strip_invisible(text: object) -> str:
    """Untrusted text without zero-width and bidi-control characters, for display only
    (exports keep the text exactly as the API returned it)."""
    return _INVISIBLE.sub("", str(text))


_AUTOLINK_TRIGGERS = re.compile(r"(?i)(://|www\.|@)")


def unlink(text: object) -> str:
    """The text with an invisible word joiner inside every GFM autolink trigger."""
    return _AUTOLINK_TRIGGERS.sub(
        lambda m: m.group(1)[0] + _WORD_JOINER + m.group(1)[1:], strip_invisible(text)
    )


def escape_markdown(text: object) -> str:
    """Backslash-escape every Markdown-significant character, so text renders literally.

    Covers links and images (``[]()!``), emphasis, code, HTML, LaTeX (``$``), Material icon
    shortcodes (``:``) and colour directives; newlines are kept as line breaks. Escaping
    does not stop GFM's autolinking of bare URLs, ``www.`` names and e-mail addresses, so an
    invisible word joiner is put inside each trigger: the text reads the same, links nowhere.
    Zero-width and bidi-control characters of the input are dropped first (``strip_invisible``).
    """
    escaped = _MARKDOWN_SPECIALS.sub(r"\\\1", unlink(text))
    return escaped.replace("\n", "  \n")


def safe_url(url: object) -> str | None:
    """The URL if it is an absolute http(s) link, else None (no ``javascript:`` and friends)."""
    if not isinstance(url, str):
        return None
    parts = urlsplit(url.strip())
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return url.strip()
    return None


def truncate(text: object, limit: int = 120) -> str:
    """A one-line preview of free text for tables and labels."""
    flat = " ".join(strip_invisible(text or "").split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


@dataclass(frozen=True)
class ErrorMessage:
    """A failure explained: what failed, why, what to do, and how bad it is."""

    what: str
    why: str
    todo: str
    level: str = "error"
    detail: str | None = None

    def as_text(self) -> str:
        parts = [f"{self.what} {self.why}", self.todo]
        if self.detail:
            parts.append(self.detail)
        return "\n".join(p for p in parts if p)


def explain(error: Exception, action: str) -> ErrorMessage:
    """Map any console or API failure to a human message; ``action`` says what was attempted."""
    what = f"Could not {action}."
    if isinstance(error, ReadOnlyError):
        return ErrorMessage(
            what, "This console is read-only.", "Ask its operator for write access."
        )
    if isinstance(error, APITimeoutError):
        return ErrorMessage(
            what,
            "The API did not answer in time.",
            "Try again; if it persists, check the host.",
            "warning",
        )
    if isinstance(error, APIConnectionError):
        return ErrorMessage(
            what,
            "The API is unreachable.",
            "Check the host and your network; the page recovers by itself once it answers.",
            "warning",
        )
    if isinstance(error, AuthenticationError):
        return ErrorMessage(
            what,
            "The API key was rejected.",
            "Check the personal API key (sidebar, secrets or POSTHOG_PERSONAL_API_KEY).",
        )
    if isinstance(error, PermissionDeniedError):
        scope = getattr(error, "missing_scope", None)
        why = (
            f"The API key lacks the scope '{scope}'."
            if scope
            else "The API key is not allowed to do this."
        )
        return ErrorMessage(what, why, "Create a personal API key with the Replay Vision scopes.")
    if isinstance(error, NotFoundError):
        return ErrorMessage(
            what,
            "It was not found: it may have been deleted, or the project id may be wrong.",
            "Refresh the list, or check the project id.",
        )
    if isinstance(error, QuotaExceededError):
        return ErrorMessage(
            what,
            "The monthly Replay Vision quota is used up.",
            "Wait for the reset or raise the quota.",
            "warning",
            _detail(error),
        )
    if isinstance(error, RateLimitError):
        wait = getattr(error, "retry_after", None)
        when = (
            f"in {fmt.count(math.ceil(wait), 'second')}"
            if isinstance(wait, int | float)
            else "in a moment"
        )
        return ErrorMessage(
            what, "PostHog is throttling requests.", f"Try again {when}.", "warning"
        )
    if isinstance(error, BadRequestError):
        attr = getattr(error, "attr", None)
        why = f"The API refused the value of '{attr}'." if attr else "The API refused the request."
        return ErrorMessage(what, why, "Correct it and try again.", "error", _detail(error))
    if isinstance(error, ServerError):
        return ErrorMessage(
            what,
            "The API had a temporary failure.",
            "Try again in a moment.",
            "warning",
            _detail(error),
        )
    if isinstance(error, ResponseValidationError):
        return ErrorMessage(
            what,
            "The API answered with data this console does not understand.",
            "Check that the host is a PostHog instance with Replay Vision.",
        )
    if isinstance(error, APIStatusError):
        return ErrorMessage(
            what, "The API returned an error.", "Try again.", "error", _detail(error)
        )
    if isinstance(error, VisionAPIError):
        return ErrorMessage(what, "The API call failed.", "Try again.", "error", str(error))
    return ErrorMessage(what, "An unexpected error occurred.", "Try again.", "error")


def _detail(error: Exception) -> str | None:
    detail = getattr(error, "detail", None)
    request_id = getattr(error, "request_id", None)
    parts = []
    if detail:
        parts.append(f"Server says: {detail}")
    if request_id:
        parts.append(f"Request id: {request_id}")
    return " · ".join(parts) or None


def show_api_error(error: Exception, action: str) -> ErrorMessage:
    """Render ``explain(error, action)`` on the page (escaped), and return it."""
    message = explain(error, action)
    body = escape_markdown(message.as_text())
    if message.level == "warning":
        st.warning(body, icon=":material/warning:")
    else:
        st.error(body, icon=":material/error:")
    return message
