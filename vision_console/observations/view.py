"""The Observations explorer's pure helpers in one import, for other pages that reuse them.

The implementations live in small modules, one job each: ``observation_payload`` (tolerant
JSON readers), ``observation_stats`` (stats -> chart frames), ``observation_records`` (rows ->
records, table, trends, versions), ``observation_text`` (one observation as text) and
``observation_paging`` (requests per page, previous/next, chart clicks). The Scanners page
uses the text helpers through this module.
"""

from __future__ import annotations

from vision_console.observation_text import (
    cited_moments,
    confidence_label,
    explain_error,
    format_duration,
    format_time,
    headline,
    lifecycle,
    moment_url,
    reasoning_text,
    snapshot_items,
    snapshot_prompt,
)
from vision_console.observations.payload import raw_of

__all__ = [
    "cited_moments",
    "confidence_label",
    "explain_error",
    "format_duration",
    "format_time",
    "headline",
    "lifecycle",
    "moment_url",
    "raw_of",
    "reasoning_text",
    "snapshot_items",
    "snapshot_prompt",
]
