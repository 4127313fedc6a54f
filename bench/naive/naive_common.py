"""What every naive page shares: a brand-new client on every run (deliberately uncached).

Imported by the naive page scripts, which Streamlit runs with this folder on ``sys.path``.
"""

from __future__ import annotations

import streamlit as st

from vision_api import VisionClient


def naive_client() -> VisionClient:
    """A new client on every run, from secrets when present, else the environment."""
    try:
        table = dict(st.secrets["posthog"])
    except (KeyError, FileNotFoundError):
        return VisionClient()
    return VisionClient(
        base_url=table["host"], project_id=table["project_id"], api_key=table["personal_api_key"]
    )
