"""The Observations explorer's view state: filters, sort, page and selection, and its URL form.

``ObservationQuery`` is the single value the page derives from the URL; it knows how to turn
itself into API filters and back into query parameters (defaults omitted, so links stay short).
Parsing never raises: an invalid value falls back to its default and yields a ``Notice`` naming
the parameter, which the page shows as a warning.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from vision_console.url_state import split_csv

STATUSES: tuple[str, ...] = ("succeeded", "failed", "ineligible", "running", "pending")
VERDICTS: tuple[str, ...] = ("yes", "no", "inconclusive")
TRIGGERS: tuple[str, ...] = ("schedule", "on_demand")
ORDER_KEYS: tuple[str, ...] = (
    "created_at",
    "started_at",
    "completed_at",
    "status",
    "result_score",
    "result_verdict",
    "scanner_version",
)
ORDER_BY_CHOICES: tuple[str, ...] = tuple(
    option for key in ORDER_KEYS for option in (f"-{key}", key)
)
PAGE_SIZES: tuple[int, ...] = (25, 50, 100)
DEFAULT_ORDER_BY = "-created_at"
DEFAULT_PAGE_SIZE = 50
DEFAULT_RECENT_DAYS = 14
MIN_RECENT_DAYS, MAX_RECENT_DAYS = 1, 365
MAX_SESSION_ID_LENGTH = 128
MAX_TAG_LENGTH = 100
MAX_SCANNER_NAME_LENGTH = 255
MAX_PAGE = 1_000_000

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")

# URL parameter names, one per field; short and readable in a shared link.
P_SCANNER, P_STATUS, P_VERDICT, P_TAGS, P_TRIGGER = (
    "scanner",
    "status",
    "verdict",
    "tags",
    "trigger",
)
P_SESSION, P_DAYS, P_SORT, P_PAGE, P_SIZE = "session", "days", "sort", "page", "size"
P_BUCKET, P_OBSERVATION = "bucket", "obs"
URL_PARAMS: tuple[str, ...] = (
    P_SCANNER,
    P_STATUS,
    P_VERDICT,
    P_TAGS,
    P_TRIGGER,
    P_SESSION,
    P_DAYS,
    P_SORT,
    P_PAGE,
    P_SIZE,
    P_BUCKET,
    P_OBSERVATION,
)


@dataclass(frozen=True)
class Notice:
    """A URL value that was ignored, and why (shown to the viewer as a warning)."""

    param: str
    message: str

    def __str__(self) -> str:
        return f"URL parameter '{self.param}': {self.message}"


@dataclass(frozen=True)
class ObservationQuery:
    """Everything that decides what the explorer shows; hashable, so it keys caches."""

    scanner_id: str | None = None
    status: tuple[str, ...] = ()
    verdict: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    triggered_by: tuple[str, ...] = ()
    session_id: str = ""
    recent_days: int = DEFAULT_RECENT_DAYS
    order_by: str = DEFAULT_ORDER_BY
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    bucket: str | None = None
    observation_id: str | None = None

    def api_filters(self) -> dict[str, Any]:
        """The list/stats filters the API understands (empty ones left out)."""
        filters: dict[str, Any] = {}
        for name in ("status", "verdict", "tags", "triggered_by"):
            values = getattr(self, name)
            if values:
                filters[name] = list(values)
        if self.session_id:
            filters["session_id"] = self.session_id
        return filters

    def filter_key(self) -> tuple[object, ...]:
        """What the filtered set depends on (not sort, page or selection)."""
        return (
            self.scanner_id,
            self.status,
            self.verdict,
            self.tags,
            self.triggered_by,
            self.session_id,
        )

    def has_filters(self) -> bool:
        """Whether any filter narrows the set (used to pick the right empty state)."""
        return bool(self.api_filters()) or self.bucket is not None

    def with_filters(self, **changes: object) -> ObservationQuery:
        """A copy with changed filters; the page goes back to 1 and the detail closes."""
        return replace(self, page=1, observation_id=None, **changes)  # type: ignore[arg-type]

    def to_params(self) -> dict[str, str]:
        """Query parameters for this view, defaults omitted."""
        params: dict[str, str] = {}
        if self.scanner_id:
            params[P_SCANNER] = self.scanner_id
        for param, values in (
            (P_STATUS, self.status),
            (P_VERDICT, self.verdict),
            (P_TAGS, self.tags),
            (P_TRIGGER, self.triggered_by),
        ):
            if values:
                params[param] = ",".join(values)
        if self.session_id:
            params[P_SESSION] = self.session_id
        if self.recent_days != DEFAULT_RECENT_DAYS:
            params[P_DAYS] = str(self.recent_days)
        if self.order_by != DEFAULT_ORDER_BY:
            params[P_SORT] = self.order_by
        if self.page != 1:
            params[P_PAGE] = str(self.page)
        if self.page_size != DEFAULT_PAGE_SIZE:
            params[P_SIZE] = str(self.page_size)
        if self.bucket is not None:
            params[P_BUCKET] = self.bucket
        if self.observation_id:
            params[P_OBSERVATION] = self.observation_id
        return params


def _first(raw: Mapping[str, str | Sequence[str]], name: str) -> str | None:
    """The parameter's value (the last one when a link repeats it), or None when absent."""
    value = raw.get(name)
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return value[-1] if value else None


def _choices(
    text: str, allowed: Sequence[str], param: str, notices: list[Notice]
) -> tuple[str, ...]:
    values = list(dict.fromkeys(value.lower() for value in split_csv(text)))
    bad = [value for value in values if value not in allowed]
    if bad:
        notices.append(
            Notice(
                param, f"ignored unknown value(s) {', '.join(bad)}; allowed: {', '.join(allowed)}."
            )
        )
    return tuple(value for value in values if value in allowed)


def _bounded_int(
    text: str, low: int, high: int, default: int, param: str, notices: list[Notice]
) -> int:
    try:
        number = int(text.strip())
    except ValueError:
        notices.append(Notice(param, f"'{text[:40]}' is not a whole number; using {default}."))
        return default
    if not low <= number <= high:
        notices.append(Notice(param, f"{number} is outside {low}–{high}; using {default}."))
        return default
    return number


def parse_params(raw: Mapping[str, str | Sequence[str]]) -> tuple[ObservationQuery, list[Notice]]:
    """Read the explorer's view from URL query parameters, never raising.

    Scanner-type-specific parameters (verdict, tags, bucket) are checked later by
    ``restrict_to_scanner_type`` once the scanner is known.
    """
    notices: list[Notice] = []
    fields: dict[str, object] = {}
    if (scanner := _first(raw, P_SCANNER)) is not None and scanner.strip():
        # An id, or a scanner's exact name for hand-written links (resolved by the page).
        if _UUID.match(scanner.strip()):
            fields["scanner_id"] = scanner.strip().lower()
        elif len(scanner.strip()) <= MAX_SCANNER_NAME_LENGTH:
            fields["scanner_id"] = scanner.strip()
        else:
            notices.append(
                Notice(
                    P_SCANNER,
                    "is neither a scanner id nor a scanner name; showing the first scanner.",
                )
            )
    for param, field, allowed in (
        (P_STATUS, "status", STATUSES),
        (P_VERDICT, "verdict", VERDICTS),
        (P_TRIGGER, "triggered_by", TRIGGERS),
    ):
        if (text := _first(raw, param)) is not None:
            fields[field] = _choices(text, allowed, param, notices)
    if (text := _first(raw, P_TAGS)) is not None:
        tags = list(split_csv(text))
        too_long = [tag for tag in tags if len(tag) > MAX_TAG_LENGTH]
        if too_long:
            notices.append(
                Notice(
                    P_TAGS,
                    f"ignored {len(too_long)} tag(s) longer than {MAX_TAG_LENGTH} characters.",
                )
            )
        fields["tags"] = tuple(tag for tag in tags if len(tag) <= MAX_TAG_LENGTH)
    if (text := _first(raw, P_SESSION)) is not None:
        if len(text.strip()) > MAX_SESSION_ID_LENGTH:
            notices.append(
                Notice(P_SESSION, f"longer than {MAX_SESSION_ID_LENGTH} characters; ignored.")
            )
        else:
            fields["session_id"] = text.strip()
    if (text := _first(raw, P_DAYS)) is not None:
        fields["recent_days"] = _bounded_int(
            text, MIN_RECENT_DAYS, MAX_RECENT_DAYS, DEFAULT_RECENT_DAYS, P_DAYS, notices
        )
    if (text := _first(raw, P_SORT)) is not None:
        if text.strip() in ORDER_BY_CHOICES:
            fields["order_by"] = text.strip()
        else:
            notices.append(
                Notice(P_SORT, f"'{text[:40]}' is not a sort key; sorting by newest first.")
            )
    if (text := _first(raw, P_PAGE)) is not None:
        fields["page"] = _bounded_int(text, 1, MAX_PAGE, 1, P_PAGE, notices)
    if (text := _first(raw, P_SIZE)) is not None:
        size = _bounded_int(text, 1, max(PAGE_SIZES), DEFAULT_PAGE_SIZE, P_SIZE, notices)
        if size not in PAGE_SIZES:
            notices.append(
                Notice(
                    P_SIZE,
                    f"page size must be one of "
                    f"{', '.join(map(str, PAGE_SIZES))}; using "
                    f"{DEFAULT_PAGE_SIZE}.",
                )
            )
            size = DEFAULT_PAGE_SIZE
        fields["page_size"] = size
    if (text := _first(raw, P_BUCKET)) is not None and text.strip():
        fields["bucket"] = text.strip()[:40]
    if (text := _first(raw, P_OBSERVATION)) is not None:
        if _UUID.match(text.strip()):
            fields["observation_id"] = text.strip().lower()
        else:
            notices.append(Notice(P_OBSERVATION, "is not an observation id; ignored."))
    return ObservationQuery(**fields), notices  # type: ignore[arg-type]


def restrict_to_scanner_type(
    query: ObservationQuery, scanner_type: str
) -> tuple[ObservationQuery, list[Notice]]:
    """Drop filters the chosen scanner's type cannot match (a verdict on a scorer, say)."""
    notices: list[Notice] = []
    changes: dict[str, object] = {}
    if query.verdict and scanner_type != "monitor":
        notices.append(Notice(P_VERDICT, "only monitors have verdicts; ignored."))
        changes["verdict"] = ()
    if query.tags and scanner_type != "classifier":
        notices.append(Notice(P_TAGS, "only classifiers assign tags; ignored."))
        changes["tags"] = ()
    if query.bucket is not None and scanner_type != "scorer":
        notices.append(Notice(P_BUCKET, "only scorers have score buckets; ignored."))
        changes["bucket"] = None
    return (replace(query, **changes) if changes else query), notices  # type: ignore[arg-type]


def sort_label(order_by: str) -> str:
    """A readable name for an order_by value, e.g. '-completed_at' -> 'Completed (newest first)'."""
    key = order_by.lstrip("-")
    descending = order_by.startswith("-")
    names = {
        "created_at": ("Created", "newest first", "oldest first"),
        "started_at": ("Started", "newest first", "oldest first"),
        "completed_at": ("Completed", "newest first", "oldest first"),
        "status": ("Status", "Z–A", "A–Z"),
        "result_score": ("Score", "highest first", "lowest first"),
        "result_verdict": ("Verdict", "Z–A", "A–Z"),
        "scanner_version": ("Scanner version", "newest first", "oldest first"),
    }
    name, down, up = names.get(key, (key, "descending", "ascending"))
    return f"{name} ({down if descending else up})"
