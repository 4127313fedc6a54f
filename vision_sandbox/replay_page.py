"""The page a recording link opens on the sandbox: the demo has observations but no recordings.

The console links an observation to ``{host}/project/{id}/replay/{session_id}``, PostHog's
replay URL. Against the sandbox that host is the sandbox itself, so instead of the API's JSON 404
it answers a small HTML page that says so. The session id comes from the URL and is escaped; the
page loads nothing and runs no script (its Content-Security-Policy forbids both).
"""

from __future__ import annotations

import html
import re
from urllib.parse import unquote

from starlette.responses import HTMLResponse

REPLAY_PATH = re.compile(r"^/project/(?P<project>[^/]+)/replay/(?P<session>[^/]+)/?$")
POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>No recording in the demo</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 36rem; margin: 4rem auto;
  padding: 0 1rem; color: #1d1f27; line-height: 1.5; }}
code {{ background: #f2f2f5; padding: 0.1rem 0.3rem; border-radius: 4px;
  overflow-wrap: anywhere; }}
</style>
</head>
<body>
<h1>This is the Vision Console demo</h1>
<p>The demo runs against a local sandbox of the Replay Vision API. Its observations are made up
from synthetic session data, so there is no recording to play for session
<code>{session}</code>.</p>
<p>Connected to a real PostHog project, this link opens the session's replay in PostHog.</p>
</body>
</html>
"""


def session_in(raw_path: bytes) -> str | None:
    """The session id when the raw (still percent-encoded) path is a replay link, else None.

    Matched before decoding, so a session id holding an encoded ``/`` stays one segment.
    """
    match = REPLAY_PATH.match(raw_path.decode("latin-1"))
    return None if match is None else unquote(match.group("session"), errors="replace")


def page(session_id: str) -> HTMLResponse:
    """The "no recordings in the demo" page for ``session_id``."""
    body = _PAGE.format(session=html.escape(session_id, quote=True))
    headers = {
        "Content-Security-Policy": POLICY,
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
    }
    return HTMLResponse(body, headers=headers)
