"""The Overview's quota meter: this period's quota, in the era's unit, projected to its end.

One request (``cache.quota``, the ``/vision/quota/`` endpoint, read with the scanner lists by
``fleet.project``), PostHog's projection rule
(``vision_console.quota``: safe, warning at 85%, danger when the cap falls before the period's
end) and the shared meter (``vision_console.quota_meter``). A server without the endpoint, or
a failed read, leaves a one-line note: the rest of the Overview does not depend on it.
"""

from __future__ import annotations

import streamlit as st

from vision_api import Quota, VisionAPIError
from vision_console import cache, quota, quota_meter, render


def section(found: Quota | VisionAPIError) -> None:
    """The meter, or a note saying why there is none."""
    if isinstance(found, VisionAPIError):
        st.caption(render.escape_markdown(render.explain(found, "load the quota").as_text()))
        return
    projection = cache.remember("overview:quota", (found,), lambda: quota.project(found))
    quota_meter.draw_meter(projection, title="Quota this period")
