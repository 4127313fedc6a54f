"""Untrusted text renders literally; every failure gets a message a person can act on."""

from __future__ import annotations

import re

import pytest

from vision_api import RateLimitError
from vision_console.cache import ReadOnlyError
from vision_console.render import escape_markdown, explain, safe_url, strip_invisible, truncate


@pytest.mark.parametrize(
    "text",
    [
        "[click](javascript:alert(1))",
        "![beacon](https://evil.example/p.png)",
        "<script>alert(1)</script>",
        "**bold** _it_ `code` $x^2$ :material/home: :red[alarm]",
        "# heading\n- item",
    ],
)
def test_escaped_markdown_leaves_no_unescaped_syntax(text: str) -> None:
    escaped = escape_markdown(text)
    unescaped = re.findall(r"(?<!\\)[\[\]()!<>*_`$:#]", escaped)
    assert unescaped == []
    assert escaped.replace("\\", "").replace("  \n", "\n").replace("\u2060", "") == text


@pytest.mark.parametrize(
    "text", ["see https://evil.example/x", "www.evil.example", "mail me: a@evil.example"]
)
def test_escaped_markdown_breaks_bare_autolinks_invisibly(text: str) -> None:
    escaped = escape_markdown(text)
    for trigger in ("://", "www.", "@evil"):
        assert trigger not in escaped.replace("\\", "")
    assert escaped.replace("\\", "").replace("\u2060", "") == text


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://us.posthog.com/project/1/replay/abc",
            "https://us.posthog.com/project/1/replay/abc",
        ),
        ("http://127.0.0.1:8000/x", "http://127.0.0.1:8000/x"),
        ("javascript:alert(1)", None),
        ("JaVaScRiPt:alert(1)", None),
        ("data:text/html,hi", None),
        ("/relative/path", None),
        (None, None),
    ],
)
def test_only_absolute_http_links_are_allowed(url: object, expected: str | None) -> None:
    assert safe_url(url) == expected


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("invoice\u202egnp.exe", "invoicegnp.exe"),  # right-to-left override
        ("Check\u200bout\u200d", "Checkout"),  # zero-width space and joiner
        ("\ufeffBOM \u2066isolated\u2069 \u200fmark", "BOM isolated mark"),
        ("Plain text, émojis 👁️ and ümlauts", "Plain text, émojis 👁️ and ümlauts"),
    ],
)
def test_invisible_and_bidi_characters_are_dropped_from_displayed_text(
    text: str, shown: str
) -> None:
    assert strip_invisible(text) == shown
    assert escape_markdown(text).replace("\\", "") == escape_markdown(shown).replace("\\", "")
    assert truncate(text) == shown


def test_truncate_flattens_whitespace_and_marks_the_cut() -> None:
    assert truncate("a\n\nb   c") == "a b c"
    assert truncate("x" * 300, 10) == "x" * 9 + "…"


def test_read_only_refusal_is_explained() -> None:
    message = explain(ReadOnlyError(), "delete the scanner")
    assert message.what == "Could not delete the scanner."
    assert "read-only" in message.why


def test_unknown_exceptions_do_not_leak_their_text() -> None:
    message = explain(RuntimeError("secret phx_abc"), "load scanners")
    assert "phx_abc" not in message.as_text()


@pytest.mark.parametrize(
    ("wait", "when"),
    [
        (57.2627, "Try again in 58 seconds."),
        (0.4, "Try again in 1 second."),
        (None, "Try again in a moment."),
    ],
)
def test_a_throttled_request_says_when_to_try_again_in_whole_seconds(
    wait: float | None, when: str
) -> None:
    error = RateLimitError(429, retry_after=wait, detail="Request was throttled.")
    assert explain(error, "load the scanners").todo == when
