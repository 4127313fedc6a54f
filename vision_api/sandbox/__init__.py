"""A faithful local implementation of the PostHog Replay Vision scanners API over SQLite.

``Sandbox.start()`` serves it in-process on a free port; ``python -m vision_api.sandbox`` runs it
standalone. See ``recordings_query`` for the supported RecordingsQuery subset.
"""

from __future__ import annotations

from .demo import DEMO_API_KEY, OTHER_API_KEY
from .server import Sandbox

__all__ = ["DEMO_API_KEY", "OTHER_API_KEY", "Sandbox"]
