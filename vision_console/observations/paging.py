"""Which rows one table page needs, where previous/next lead, and what a chart click filters.

All pure: the page asks these for one list request per view and never more.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from vision_api import Histogram
from vision_console.observations.stats_charts import (
    BUCKET_SELECTION,
    IN_FLIGHT,
    STATUS_SELECTION,
    TAG_SELECTION,
    VERDICT_ORDER,
    VERDICT_SELECTION,
    bucket_window,
)

# What clicking a status bar filters on: "in flight" is two API statuses.
STATUSES_OF_OUTCOME: Mapping[str, tuple[str, ...]] = {
    "succeeded": ("succeeded",),
    "failed": ("failed",),
    "ineligible": ("ineligible",),
    IN_FLIGHT: ("pending", "running"),
}


def page_count(total: int, page_size: int) -> int:
    """How many pages the filtered set fills (at least one, so page 1 always exists)."""
    return max(1, math.ceil(total / page_size))


def filters_from_selection(
    selection_name: str, points: Sequence[Mapping[str, Any]] | None
) -> dict[str, Any]:
    """The filter change a chart click asks for (an empty selection clears that filter).

    The changes are named as the explorer's parameters (``observations.state``): verdict bars
    set ``verdict``, tag bars set ``tags``, histogram buckets set ``bucket`` and status bars
    set ``status`` ("in flight" meaning pending + running). Unknown selection names or
    malformed points change nothing.
    """
    field = _PICK_FIELDS.get(selection_name)
    if field is None:
        return {}
    values = list(
        dict.fromkeys(
            str(point[field])
            for point in points or []
            if isinstance(point, Mapping) and point.get(field) is not None
        )
    )
    if selection_name == VERDICT_SELECTION:
        return {"verdict": tuple(value for value in values if value in VERDICT_ORDER)}
    if selection_name == TAG_SELECTION:
        return {"tags": tuple(values)}
    if selection_name == BUCKET_SELECTION:
        return {"bucket": values[0] if values else None}
    if selection_name == STATUS_SELECTION:
        statuses = [status for value in values for status in STATUSES_OF_OUTCOME.get(value, ())]
        return {"status": tuple(statuses)}
    return {}


_PICK_FIELDS: Mapping[str, str] = {
    VERDICT_SELECTION: "verdict",
    TAG_SELECTION: "tag",
    BUCKET_SELECTION: "bucket",
    STATUS_SELECTION: "outcome",
}

SELECTION_PARAMS: Mapping[str, str] = {
    VERDICT_SELECTION: "verdict",
    TAG_SELECTION: "tags",
    BUCKET_SELECTION: "bucket",
    STATUS_SELECTION: "status",
}
"""The view parameter a click on each chart sets (``filters_from_selection``'s result)."""


WHOLE_SET_LIMIT = 1000


@dataclass(frozen=True)
class PageRequest:
    """One list request for a table page: the API window and where the page sits in it.

    ``whole_set`` means the window holds the entire filtered set (at most WHOLE_SET_LIMIT
    rows): paging, previous/next, trends, versions and export then need no further request.
    """

    order_by: str
    offset: int
    limit: int
    start: int
    whole_set: bool


def plan_page_request(
    total: int,
    page: int,
    page_size: int,
    order_by: str,
    histogram: Histogram | None = None,
    bucket: str | None = None,
    whole_set_limit: int = WHOLE_SET_LIMIT,
) -> PageRequest:
    """Plan the single list request behind one table page.

    With a score bucket chosen, rows are sorted by score (the user's direction when they
    sorted by score, else ascending) and the window is that bucket's run of rows (see
    ``bucket_window``), so a bucket filter costs no extra request either.
    """
    base, size = 0, total
    if bucket is not None and histogram is not None:
        descending = order_by == "-result_score"
        order_by = "-result_score" if descending else "result_score"
        window = bucket_window(histogram, bucket, descending)
        base, size = window if window else (0, 0)
    first = (page - 1) * page_size
    if size <= whole_set_limit:
        limit = size if bucket is not None else whole_set_limit
        return PageRequest(order_by, base, max(limit, 1), first, True)
    limit = max(1, min(page_size, size - first))
    return PageRequest(order_by, base + first, limit, 0, False)


FIRST, LAST = "first", "last"


def step_target(
    page: int,
    page_size: int,
    position: int,
    total: int,
    step: int,
    page_ids: Sequence[str],
    window_ids: Sequence[str] | None = None,
) -> tuple[int, str] | None:
    """Where the previous (step -1) or next (+1) observation of the filtered set is.

    Returns (page, target) where target is the observation id, or FIRST/LAST of that page
    when it lies on a page not fetched yet; None at either end of the set. ``window_ids``
    is the whole filtered set when it is in hand.
    """
    overall = (page - 1) * page_size + position + step
    if overall < 0 or overall >= total:
        return None
    target_page = overall // page_size + 1
    if window_ids is not None and overall < len(window_ids):
        return target_page, window_ids[overall]
    if target_page == page and 0 <= position + step < len(page_ids):
        return page, page_ids[position + step]
    return target_page, FIRST if step > 0 else LAST
