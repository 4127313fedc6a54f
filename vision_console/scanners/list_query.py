"""The scanners list: URL parameters, the API filters they mean, and the table's rows.

The list view is fully described by its URL (search, filters, sort, page, selected scanner), so
a copied link reproduces it. Filtering, sorting and pagination happen on the server, 50 rows a
page as in PostHog's own list. Everything here is pure: no Streamlit calls, no network.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from vision_api import Scanner, User
from vision_console import format as fmt
from vision_console import models_catalog, scanner_types, spend
from vision_console.url_state import (
    Param,
    ParamError,
    choice,
    csv_choices,
    csv_text,
    encode_csv,
    int_range,
    text,
)


def _type_list(words: Sequence[str]) -> str:
    """``"a, b or c"``."""
    return " or ".join(filter(None, (", ".join(words[:-1]), words[-1]))) if words else ""


INTRO = (
    "Scanners watch session recordings and record an observation for each: its "
    + _type_list(
        [scanner_types.facts(kind).result_label.lower() for kind in scanner_types.KNOWN_TYPES]
    )
    + ", depending on the scanner's type."
)
"""The page's one-line introduction, naming each known type's result."""

PAGE_SIZE = 50
MAX_TAG_LENGTH = 255
MAX_PAGE = 10_000

ENABLED_CHOICES = {"": "Any status", "enabled": "Enabled", "disabled": "Disabled"}
SIGNALS_CHOICES = {"": "Any", "true": "Emits signals", "false": "No signals"}
SORTS = {
    "name": "Name (A–Z)",
    "-name": "Name (Z–A)",
    "-updated_at": "Recently updated",
    "-created_at": "Newest first",
    "created_at": "Oldest first",
    "scanner_type": "Type",
    "-enabled": "Enabled first",
    "-sampling_rate": "Highest sampling",
    "sampling_rate": "Lowest sampling",
    "created_by": "Creator",
}
DEFAULT_SORT = "name"


def _creator_ids(raw: str) -> tuple[int, ...]:
    """A comma-separated list of positive user ids (order kept, duplicates dropped)."""
    ids: dict[int, None] = {}
    for part in raw.split(","):
        value = part.strip()
        if not value:
            continue
        if not value.isdigit() or len(value) > 12 or int(value) <= 0:
            raise ParamError("expected user ids (whole numbers) separated by commas")
        ids.setdefault(int(value), None)
    if len(ids) > 100:
        raise ParamError("at most 100 creators")
    return tuple(ids)


def _encode_ids(ids: Iterable[int]) -> str:
    return ",".join(str(i) for i in ids)


def _scanner_id(raw: str) -> str:
    """A scanner id as the API issues them (UUIDs), kept as typed once trimmed. A list link
    naming one (``?scanner=``, from before the scanner page) opens that scanner's page."""
    value = raw.strip()
    if not value or len(value) > 64 or not all(c.isalnum() or c == "-" for c in value):
        raise ParamError("expected a scanner id")
    return value


PARAMS: tuple[Param[Any], ...] = (
    Param("q", "", text(200)),
    Param("enabled", "", choice(list(ENABLED_CHOICES))),
    Param("type", (), csv_choices(scanner_types.KNOWN_TYPES), encode_csv),
    Param("creator", (), _creator_ids, _encode_ids),
    Param("signals", "", choice(list(SIGNALS_CHOICES))),
    Param("tags", (), csv_text(max_items=32, max_length=MAX_TAG_LENGTH), encode_csv),
    Param("sort", DEFAULT_SORT, choice(list(SORTS))),
    Param("page", 1, int_range(1, MAX_PAGE), str),
    Param("scanner", "", _scanner_id),
)
FILTER_NAMES = ("q", "enabled", "type", "creator", "signals", "tags")


def has_filters(values: Mapping[str, Any]) -> bool:
    """True when any search or filter (not sort or page) is active."""
    defaults = {param.name: param.default for param in PARAMS}
    return any(values.get(name, defaults[name]) != defaults[name] for name in FILTER_NAMES)


def list_kwargs(values: Mapping[str, Any]) -> dict[str, Any]:
    """``client.scanners.list`` keyword arguments for the view described by ``values``."""
    enabled = {"enabled": True, "disabled": False}.get(values.get("enabled", ""))
    signals = {"true": True, "false": False}.get(values.get("signals", ""))
    page = max(1, int(values.get("page", 1)))
    kwargs: dict[str, Any] = {
        "search": values.get("q") or None,
        "enabled": enabled,
        "scanner_type": list(values.get("type") or ()) or None,
        "created_by": list(values.get("creator") or ()) or None,
        "emits_signals": signals,
        "tags": list(values.get("tags") or ()) or None,
        "order_by": values.get("sort") or DEFAULT_SORT,
        "limit": PAGE_SIZE,
        "offset": (page - 1) * PAGE_SIZE,
    }
    return {name: value for name, value in kwargs.items() if value is not None}


def page_count(total: int) -> int:
    """Pages needed for ``total`` rows (at least one, so an empty list has page 1 of 1)."""
    return max(1, -(-total // PAGE_SIZE))


def page_caption(page: int, shown: int, total: int) -> str:
    """``"Showing 51–100 of 123 scanners · page 2 of 3"``."""
    if total == 0:
        return "No scanners."
    first = (page - 1) * PAGE_SIZE + 1
    if shown == 0:
        return f"No scanners on page {fmt.count(page)}; {fmt.count(total, 'scanner')} in all."
    return (
        f"Showing {fmt.count(first)}–{fmt.count(first + shown - 1)} of "
        f"{fmt.count(total, 'scanner')} · page {fmt.count(page)} of {fmt.count(page_count(total))}"
    )


def creator_label(user: User | None) -> str:
    """A creator's display name, or a dash for scanners created by no one (API keys, imports)."""
    return user.display_name if user else "—"


def has_period_fields(scanners: Sequence[Scanner]) -> bool:
    """True when the server sends the current era's per-scanner spend, limit and tags."""
    return any("credit_limit" in scanner.raw for scanner in scanners)


def table_frame(scanners: Sequence[Scanner]) -> pd.DataFrame:
    """One row per scanner with the official list's columns, ready for ``st.dataframe``.

    Text from the API goes in as plain cell values (never Markdown). Figures are written by
    ``format`` (``2,240``, ``15%``) like everywhere else, the monthly estimate under ``spend``'s
    rule (a disabled scanner costs 0, its would-be cost beside it). A current-era server adds
    tags, this period's credits and the scanner's limit.
    """
    era = has_period_fields(scanners)
    columns = [*COLUMNS, *(PERIOD_COLUMNS if era else ())]
    rows = [_row(scanner, era) for scanner in scanners]
    return pd.DataFrame(rows, columns=columns)


COLUMNS = {
    "Name": "The scanner's name.",
    "Description": "What the scanner looks for.",
    "Enabled": "Disabled scanners only run on demand.",
    "Type": "The scanner type: "
    + _type_list([scanner_types.label(kind) for kind in scanner_types.KNOWN_TYPES])
    + ".",
    "Sampling": "Share of matching recordings scanned on schedule.",
    "Model · price": "The model, and the credits one succeeded observation costs ($0.01 each).",
    "Est. obs/month": "The server's estimate of observations a month at this sampling rate. "
    "A disabled scanner runs on demand only: 0, with what it would run enabled beside it.",
    "Est. credits/month": "Estimated observations a month × price per observation; 0 while "
    "disabled, with what enabling would add beside it.",
    "Version": "Bumped by every change to what the scanner does.",
    "Created by": "Who created the scanner.",
    "Updated (UTC)": "Last change to the scanner.",
}


PERIOD_COLUMNS = {
    "Tags": "The scanner's own tags, for finding it (not a classifier's result tags).",
    "Credits this period": "Credits its succeeded observations used this billing period.",
    "Limit": 'The scanner\'s credit limit per billing period; "Limit reached" when it has '
    "stopped scanning until the period resets.",
}
"""Columns of the current era only (the seed era has no tags, period spend or limits)."""


def model_and_price(scanner: Scanner) -> str:
    """``"Gemini 3 Flash (preview) · 5 credits/obs"``: the model with its price."""
    credits = models_catalog.scanner_price(scanner)
    return f"{models_catalog.model_label(scanner.model)} · {fmt.credits(credits)}/obs"


def limit_cell(scanner: Scanner) -> str:
    """``Limit reached``, the limit (``5,000 credits``), or ``—`` without one."""
    if scanner.limit_reached:
        return "Limit reached"
    return fmt.credits(scanner.credit_limit) if scanner.credit_limit is not None else fmt.MISSING


def _row(scanner: Scanner, era: bool) -> dict[str, Any]:
    monthly = spend.monthly(scanner)
    row = {
        "Name": scanner.name,
        "Description": scanner.description,
        "Enabled": scanner.enabled,
        "Type": scanner_types.label(scanner.scanner_type),
        "Sampling": fmt.sampling_rate(scanner.sampling_rate),
        "Model · price": model_and_price(scanner),
        "Est. obs/month": spend.observations_text(monthly),
        "Est. credits/month": spend.credits_text(monthly),
        "Version": scanner.scanner_version,
        "Created by": creator_label(scanner.created_by),
        "Updated (UTC)": _naive(scanner.updated_at or scanner.created_at),
    }
    if era:
        row["Tags"] = list(scanner.tags)
        row["Credits this period"] = fmt.credits(scanner.credits_this_month)
        row["Limit"] = limit_cell(scanner)
    return row


def _naive(moment: datetime | None) -> datetime | None:
    """The moment in UTC without tzinfo, so the grid shows every row in the same zone."""
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)
