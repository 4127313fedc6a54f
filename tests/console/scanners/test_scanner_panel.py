"""A scanner's settings card on its page: API text rendered as text (F3: the model id reached
the Price metric's help, which renders Markdown), and a type this console does not know shown
generically under a notice. The page's title is tested in tests/app/test_scanner_page.py."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from vision_console import scanner_types
from vision_console.render import escape_markdown


def _card() -> None:
    from vision_api import Scanner
    from vision_console.scanners import scanner_panel

    scanner_panel.render_details(
        Scanner.from_dict(
            {
                "id": "7d0c2f0e-1111-4a4a-9b9b-0123456789ab",
                "name": "**Checkout** [x](https://evil.example)",
                "description": "",
                "scanner_type": "monitor",
                "scanner_config": {"prompt": "Did checkout fail?"},
                "query": {},
                "sampling_rate": 0.5,
                "provider": "google",
                "model": "![beacon](https://evil.example/p.png) [click](https://evil.example)",
                "enabled": True,
                "emits_signals": False,
                "scanner_version": 1,
                "created_at": "2026-10-01T00:00:00Z",
                "created_by": None,
            }
        )
    )


def test_the_price_help_escapes_the_api_text() -> None:
    at = AppTest.from_function(_card).run()
    assert not at.exception
    price = next(m for m in at.metric if m.label == "Price")
    assert "](" not in price.proto.help.replace("\\]\\(", "")  # no live link or image
    assert "\\[click\\]" in price.proto.help


def _indexer_card() -> None:
    from vision_api import Scanner
    from vision_console.scanners import scanner_panel

    scanner_panel.render_details(
        Scanner.from_dict(
            {
                "id": "0b7c2d4e-0000-4000-8000-000000000009",
                "name": "Deep index",
                "description": "From a newer server",
                "scanner_type": "session_indexer",
                "scanner_config": {"prompt": "Index it", "depth": 3, "fields": ["a"]},
                "query": {},
                "sampling_rate": 0.5,
                "provider": "google",
                "model": "gemini-3-flash-preview",
                "enabled": True,
                "emits_signals": False,
                "scanner_version": 2,
                "created_at": "2026-11-01T10:00:00Z",
            }
        )
    )


def test_a_scanner_of_an_unknown_type_shows_a_notice_and_its_settings_generically() -> None:
    at = AppTest.from_function(_indexer_card).run()
    assert not at.exception, at.exception
    notice = escape_markdown(scanner_types.unknown_type_notice("session_indexer"))
    assert [info.value for info in at.info] == [notice]
    assert next(m for m in at.metric if m.label == "Type").value == "Session indexer"
    summary = scanner_types.generic_facts("session_indexer").summarize_config(
        {"prompt": "Index it", "depth": 3, "fields": ["a"]}
    )
    assert summary in [text.value for text in at.text]
