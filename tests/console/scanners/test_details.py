"""The selected scanner's detail card renders API text as text (F3: the model id reached the
Price metric's help, which renders Markdown)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _card() -> None:
    from vision_api import Scanner
    from vision_console.scanners import actions

    actions.render_details(
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


def test_the_price_help_and_the_headings_escape_the_api_text() -> None:
    at = AppTest.from_function(_card).run()
    assert not at.exception
    price = next(m for m in at.metric if m.label == "Price")
    assert "](" not in price.proto.help.replace("\\]\\(", "")  # no live link or image
    assert "\\[click\\]" in price.proto.help
    heading = at.subheader[0].value
    assert "\\*\\*Checkout\\*\\*" in heading
