"""The connected server's era, as every page asks for it.

``cache.era`` detects the era once per credentials (the quota's keys, then a scanner's). When
it cannot be told, because the API is unreachable or refuses the probe, the pages assume
today's era, PostHog's as users meet it: the current era's controls stay on screen and the
server's own answer decides any write. The outage itself is explained by the page's reads in
their place, so nothing is shown here.
"""

from __future__ import annotations

from vision_api import Era, VisionAPIError
from vision_console import cache

ASSUMED: Era = "current"
"""The era a page works in while the server's cannot be told."""


def connected() -> Era:
    """The connected server's era, or ``ASSUMED`` while it cannot be told."""
    try:
        return cache.era()
    except VisionAPIError:
        return ASSUMED


def is_current() -> bool:
    """Whether the connected server has today's features (credits, labels, retries, bulk scans,
    sampling modes, tags and credit limits)."""
    return connected() == "current"
