"""The Observations explorer's view state: its parameters, one ``url_state.PageState``, the
``View`` the sections read, and the callbacks that change it.

One name per concept: each parameter's name is its URL parameter, the suffix of its session
(and widget) key, ``observations.<name>``, and the ``View`` field the page reads. The names
are short because they are what a shared link shows; ``View.api_filters`` translates them to
the API's at the boundary (``session`` -> ``session_id``, ``days`` -> ``recent_days``, ``sort``
-> ``order_by``). The type-specific filters are named after their ``scanner_types.FilterKind``
(``verdict``, ``tags``, ``bucket``), so the registry's ``observation_filter`` is the param.

Precedence and fallbacks are ``PageState``'s: URL > remembered view > defaults; a bad value
falls back with a notice. Fallbacks that need the scanner or its stats (a filter or sort the
scanner's type lacks, a bucket the histogram lacks, a page past the end) add their notice here.

``trends``, ``ratings`` and ``whole_set`` say which of the page's collapsed sections are open
(``panels.lazy_section``): a link opens the same ones.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, get_args

import streamlit as st

from vision_console import scanner_types
from vision_console.observations import paging
from vision_console.scanner_types import FilterKind
from vision_console.url_state import (
    PageState,
    Param,
    ParamError,
    boolean,
    choice,
    csv_choices,
    csv_text,
    encode_bool,
    encode_csv,
    int_choice,
    int_range,
    optional_uuid,
    text,
)

STATUSES: tuple[str, ...] = ("succeeded", "failed", "ineligible", "running", "pending")
TRIGGERS: tuple[str, ...] = ("schedule", "on_demand")
COMMON_SORT_KEYS: tuple[str, ...] = (
    "created_at",
    "started_at",
    "completed_at",
    "status",
    "scanner_version",
)
PAGE_SIZES: tuple[int, ...] = (25, 50, 100)
DEFAULT_SORT = "-created_at"
DEFAULT_SIZE = 50
DEFAULT_DAYS = 14
MIN_DAYS, MAX_DAYS = 1, 365
MAX_SESSION_LENGTH = 128
MAX_TAG_LENGTH = 100
MAX_SCANNER_NAME_LENGTH = 255
MAX_PAGE = 1_000_000
MAX_SUBJECT_LENGTH = 254
MAX_SCORE = 1_000_000.0
LABELED: tuple[str, ...] = ("all", "labeled", "unlabeled")
SCORE_SORTS: tuple[str, ...] = ("result_score", "-result_score")
"""The sorts a score bucket can be shown in: its rows are one run of the list sorted by score."""
ERA_FILTERS: tuple[str, ...] = (
    "min_score",
    "max_score",
    "date_from",
    "date_to",
    "subject",
    "labeled",
)
"""Filters only today's API has (the current era): sent to the server, never faked here."""
TYPE_FILTERS: tuple[FilterKind, ...] = get_args(FilterKind)


def _both_ways(keys: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(option for key in keys for option in (f"-{key}", key))


ALL_SORTS = _both_ways(COMMON_SORT_KEYS + scanner_types.all_sort_keys())
"""Every sort a link may name; the scanner's type narrows it (``sort_choices``)."""


def _scanner_reference(raw: str) -> str:
    """A scanner id (normalised), or a scanner's name for hand-written links."""
    value = raw.strip()
    try:
        return str(uuid.UUID(value))
    except ValueError:
        if len(value) > MAX_SCANNER_NAME_LENGTH:
            raise ParamError("neither a scanner id nor a scanner name") from None
        return value


def _bucket(raw: str) -> str | None:
    return text(40)(raw) or None


def _score(raw: str) -> float | None:
    """A score bound: any finite number within +-1,000,000 (the scanner's scale decides more)."""
    value = raw.strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise ParamError("not a number") from None
    if not math.isfinite(number) or abs(number) > MAX_SCORE:
        raise ParamError("not a usable score")
    return number


def _encode_score(value: float | None) -> str:
    """Short when exact ("5", "2.5"), else every digit (a link reproduces the bound)."""
    if value is None:
        return ""
    short = f"{value:g}"
    return short if float(short) == value else repr(value)


def _day(raw: str) -> date | None:
    """A calendar day as YYYY-MM-DD (the API reads it in the project's timezone)."""
    value = raw.strip()
    if not value:
        return None
    try:
        if len(value) == len("2026-01-31"):
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise ParamError("not a date (YYYY-MM-DD)")


def _encode_day(value: date | None) -> str:
    return "" if value is None else value.isoformat()


PARAMS: tuple[Param[Any], ...] = (
    Param("scanner", "", _scanner_reference),
    Param("status", (), csv_choices(STATUSES), encode_csv),
    Param("verdict", (), csv_choices(scanner_types.VERDICTS), encode_csv),
    Param("tags", (), csv_text(max_items=50, max_length=MAX_TAG_LENGTH), encode_csv),
    Param("bucket", None, _bucket),
    Param("triggered_by", (), csv_choices(TRIGGERS), encode_csv),
    Param("session", "", text(MAX_SESSION_LENGTH)),
    Param("min_score", None, _score, _encode_score),
    Param("max_score", None, _score, _encode_score),
    Param("date_from", None, _day, _encode_day),
    Param("date_to", None, _day, _encode_day),
    Param("subject", "", text(MAX_SUBJECT_LENGTH)),
    Param("labeled", "all", choice(LABELED)),
    Param("days", DEFAULT_DAYS, int_range(MIN_DAYS, MAX_DAYS)),
    Param("per", "day", choice(("day", "week"))),
    Param("sort", DEFAULT_SORT, choice(ALL_SORTS)),
    Param("page", 1, int_range(1, MAX_PAGE)),
    Param("size", DEFAULT_SIZE, int_choice(PAGE_SIZES)),
    Param("obs", None, optional_uuid),
    Param("trends", False, boolean, encode_bool),
    Param("ratings", False, boolean, encode_bool),
    Param("whole_set", False, boolean, encode_bool),
)
STATE = PageState("observations", PARAMS, arrival="scanner")

VIEW_OPTIONS_KEY = "observations.view_options"
"""The popover holding rows per page and the coverage window (True while open)."""
_TABLE_VIEW = "_observations.table_view"
"""The view the table last showed (``settle_table``)."""
_PENDING = "_observations.pending"
"""The observation to select once the table is drawn: an id, or FIRST/LAST of the page."""
_CHART_FILTERS = "_observations.chart_filters"
"""Per chart selection: the value of the filter its clicks set, as the last run saw it."""
_CHART_CLICKS = "_observations.chart_clicks"
"""Per chart selection: the value its own last click set, until the next run has seen it."""
_CHART_GENERATIONS = "_observations.chart_generations"
"""Per chart selection: how often its filter changed other than by its own click while the
chart showed a pick."""
_CHART_PICKED = "_observations.chart_picked"
"""The chart selections whose current widget shows a picked bar (its last click picked one)."""


@dataclass(frozen=True)
class View:
    """What the explorer shows, one field per parameter (same names); hashable."""

    scanner: str = ""
    status: tuple[str, ...] = ()
    verdict: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    bucket: str | None = None
    triggered_by: tuple[str, ...] = ()
    session: str = ""
    min_score: float | None = None
    max_score: float | None = None
    date_from: date | None = None
    date_to: date | None = None
    subject: str = ""
    labeled: str = "all"
    days: int = DEFAULT_DAYS
    per: str = "day"
    sort: str = DEFAULT_SORT
    page: int = 1
    size: int = DEFAULT_SIZE
    obs: str | None = None
    trends: bool = False
    ratings: bool = False
    whole_set: bool = False

    def api_filters(self) -> dict[str, Any]:
        """The list/stats filters the API understands (empty ones left out)."""
        filters: dict[str, Any] = {
            name: list(values)
            for name, values in (
                ("status", self.status),
                ("verdict", self.verdict),
                ("tags", self.tags),
                ("triggered_by", self.triggered_by),
            )
            if values
        }
        if self.session:
            filters["session_id"] = self.session
        extra = self.era_filters()
        if extra:
            filters["extra_params"] = extra
        return filters

    def era_filters(self) -> dict[str, str]:
        """The current era's filters as the API spells them (empty when none is set)."""
        extra: dict[str, str] = {}
        if self.min_score is not None:
            extra["min_score"] = _encode_score(self.min_score)
        if self.max_score is not None:
            extra["max_score"] = _encode_score(self.max_score)
        if self.date_from is not None:
            extra["date_from"] = self.date_from.isoformat()
        if self.date_to is not None:
            extra["date_to"] = self.date_to.isoformat()
        if self.subject:
            extra["recording_subject"] = self.subject
        if self.labeled != "all":
            extra["labeled"] = "true" if self.labeled == "labeled" else "false"
        return extra

    def filter_key(self) -> tuple[object, ...]:
        """What the filtered set depends on (not the bucket, sort, page or selection)."""
        return (
            self.scanner,
            self.status,
            self.verdict,
            self.tags,
            self.triggered_by,
            self.session,
            tuple(sorted(self.era_filters().items())),
        )

    def has_filters(self) -> bool:
        """Whether any filter narrows the set (picks the right empty state)."""
        return bool(self.api_filters()) or self.bucket is not None


def view() -> View:
    """The view as the state holds it now."""
    values = STATE.values()
    values["session"] = str(values["session"] or "").strip()
    values["subject"] = str(values["subject"] or "").strip()
    return View(**values)


def sync() -> None:
    """Seed the state from the URL or the remembered view, before any widget is drawn.

    A new view (a link, or coming back from another page) asks the table to select the
    observation it names.
    """
    arriving = STATE.key("scanner") not in st.session_state
    if STATE.sync() or arriving:
        st.session_state[_PENDING] = STATE.get("obs")


def write_url() -> None:
    """Mirror the view into the URL and remember it for the way back to this page."""
    STATE.write_url()


def notice(name: str, value: object, message: str) -> None:
    """A fallback decided after the URL was read, worded like ``url_state``'s own."""
    shown = str(value)
    shown = shown if len(shown) <= 40 else shown[:39] + "…"
    STATE.add_notice(f"Link parameter {name}={shown!r}: {message}.")


def show_notices() -> None:
    """Every fallback of this run, once (the next run starts without them)."""
    STATE.show_notices()
    STATE.clear_notices()


# -- the scanner's type narrows the view -------------------------------------------------------


def sort_choices(kind: str, bucket: str | None = None) -> tuple[str, ...]:
    """The sorts a scanner of this type offers: the common keys and the type's own; inside a
    score bucket only the score's two directions (the bucket is a run of the score order)."""
    if bucket is not None:
        return SCORE_SORTS
    return _both_ways(COMMON_SORT_KEYS + scanner_types.facts(kind).sort_keys)


def sort_for_bucket() -> None:
    """Inside a score bucket the table is in score order, so the sort box says so (lowest
    first unless the viewer chose highest first)."""
    if STATE.get("bucket") is not None and STATE.get("sort") not in SCORE_SORTS:
        STATE.set(sort="result_score")


def restrict_to_era(current_era: bool) -> None:
    """Drop the current era's filters on a server that lacks them (it would ignore them and
    show the unfiltered set as if filtered), each with a notice."""
    if current_era:
        return
    defaults = {param.name: param.default for param in PARAMS}
    values = STATE.values()
    for name in ERA_FILTERS:
        if values[name] != defaults[name]:
            notice(name, values[name], "this PostHog version has no such filter; ignored")
            STATE.reset(name)


def restrict_to_type(kind: str) -> None:
    """Drop the filters and sort the scanner's type does not have, each with a notice."""
    facts = scanner_types.facts(kind)
    current = view()
    for name in TYPE_FILTERS:
        value = getattr(current, name)
        if name != facts.observation_filter and value not in (None, ()):
            shown = ",".join(value) if isinstance(value, tuple) else value
            notice(name, shown, f"{facts.label} scanners have no {name} filter; ignored")
            STATE.reset(name)
    if current.sort not in sort_choices(kind):
        notice("sort", current.sort, f"{facts.label} scanners cannot be sorted so; newest first")
        STATE.reset("sort")
    if not has_scores(kind):
        for bound in ("min_score", "max_score"):
            value = getattr(current, bound)
            if value is not None:
                notice(bound, value, f"{facts.label} scanners have no score; ignored")
                STATE.reset(bound)


def has_scores(kind: str) -> bool:
    """Whether the type's results are scores (its own filter is the score bucket)."""
    return scanner_types.facts(kind).observation_filter == "bucket"


def drop_unknown_bucket(labels: tuple[str, ...]) -> None:
    """A bucket the histogram does not have falls back to every score."""
    bucket = STATE.get("bucket")
    if bucket is not None and bucket not in labels:
        notice("bucket", bucket, "no such score bucket in this set; showing all")
        STATE.reset("bucket")


def clamp_page(pages: int) -> None:
    """A page past the end shows the last page (with a notice when a link asked for it)."""
    page = STATE.get("page")
    if page > pages:
        notice("page", page, f"past the end; showing page {pages}")
        STATE.set(page=pages)


# -- callbacks -------------------------------------------------------------------------------


def on_filters_changed() -> None:
    """Any filter, sort or page-size change starts again at page 1 (the detail closes)."""
    STATE.set(page=1, obs=None)
    st.session_state[_PENDING] = None


def on_page_size_changed() -> None:
    """Rows per page changed: back to page 1, and the view options popover stays open."""
    on_filters_changed()
    keep_view_options_open()


def keep_view_options_open() -> None:
    """Its label names the values, so a change gives the popover a new identity that would
    otherwise start closed."""
    st.session_state[VIEW_OPTIONS_KEY] = True


def on_scanner_changed() -> None:
    """A different scanner: type-specific filters and sorts no longer apply."""
    STATE.reset(*TYPE_FILTERS, "min_score", "max_score")
    if STATE.get("sort").lstrip("-") not in COMMON_SORT_KEYS:
        STATE.reset("sort")
    on_filters_changed()


def clear_filters() -> None:
    STATE.reset("status", "triggered_by", "session", *TYPE_FILTERS, *ERA_FILTERS)
    on_filters_changed()


def on_chart_select(chart_key: str, selection_name: str) -> None:
    """A click on a chart bar (or a click clearing it) becomes a filter change."""
    chart = st.session_state.get(chart_key) or {}
    selection = chart.get("selection", {}) if isinstance(chart, Mapping) else {}
    points = selection.get(selection_name) if isinstance(selection, Mapping) else None
    picked = st.session_state.setdefault(_CHART_PICKED, set())
    if points:
        picked.add(selection_name)
    else:
        picked.discard(selection_name)
    changes = paging.filters_from_selection(selection_name, points)
    if changes:
        STATE.set(**changes)
        on_filters_changed()
        clicked = st.session_state.setdefault(_CHART_CLICKS, {})
        clicked[selection_name] = repr(changes[paging.SELECTION_PARAMS[selection_name]])


def chart_generation(selection_name: str, current: View) -> int:
    """Counts the changes to the filter a chart's clicks set that the chart did not make
    itself (the filter bar, Clear filters, a link) while it showed a picked bar. Its widget
    key carries this count: a chart keeps its widget, and the browser the chart it drew,
    through its own clicks and through filter changes while nothing is picked on it, and
    starts over, its pick cleared, when its filter changes elsewhere under a pick (Streamlit
    resets a chart's selection only with a new widget)."""
    value = repr(getattr(current, paging.SELECTION_PARAMS[selection_name]))
    seen = st.session_state.setdefault(_CHART_FILTERS, {})
    generations = st.session_state.setdefault(_CHART_GENERATIONS, {})
    clicked = st.session_state.setdefault(_CHART_CLICKS, {})
    picked = st.session_state.setdefault(_CHART_PICKED, set())
    changed_elsewhere = (
        seen.get(selection_name, value) != value and clicked.get(selection_name) != value
    )
    if changed_elsewhere and selection_name in picked:
        generations[selection_name] = generations.get(selection_name, 0) + 1
        picked.discard(selection_name)
    seen[selection_name] = value
    clicked.pop(selection_name, None)
    return int(generations.get(selection_name, 0))


# -- the open observation --------------------------------------------------------------------


def go_to(page: int, target: str | None = None) -> None:
    """Show ``page`` and, when given, select an observation (an id, FIRST or LAST) there."""
    STATE.set(page=page)
    st.session_state[_PENDING] = target


def pending() -> str | None:
    """The observation to select once the table is drawn: an id, or FIRST/LAST of the page."""
    value = st.session_state.get(_PENDING)
    return value if isinstance(value, str) else None


def clear_pending() -> None:
    st.session_state[_PENDING] = None


def show_observation(observation_id: str | None) -> None:
    """The observation the detail shows (written to the URL as ``obs``)."""
    STATE.set(obs=observation_id)


def close_detail(table: str) -> None:
    """Deselect the table's row (callback of the detail's Close button)."""
    st.session_state[table] = _selection()
    STATE.set(obs=None)
    clear_pending()


def table_key(current: View) -> str:
    """The table widget's key: one per scanner, so that a filter, sort or page change updates
    the grid in place. A key per view remounted the grid on every click, which cost about
    100 ms in the browser (issue 14); ``settle_table`` starts each new view unselected instead.
    """
    return f"observations.table:{current.scanner}"


def settle_table(current: View) -> None:
    """A new filtered set, bucket, sort or page starts with no row selected (call before the
    table is drawn; a link or previous/next then selects the row it names)."""
    identity = repr(
        (current.filter_key(), current.bucket, current.sort, current.page, current.size)
    )
    if st.session_state.get(_TABLE_VIEW) != identity:
        st.session_state[_TABLE_VIEW] = identity
        st.session_state[table_key(current)] = _selection()


def _selection(*rows: int) -> dict[str, dict[str, list[Any]]]:
    """A table widget's state with ``rows`` selected (none: nothing selected)."""
    return {"selection": {"rows": list(rows), "columns": [], "cells": []}}


def select_row(key: str, position: int) -> None:
    """Select a row of the table widget ``key`` from code (before it is drawn)."""
    st.session_state[key] = _selection(position)


def sort_label(sort: str) -> str:
    """A readable name for a sort, e.g. '-completed_at' -> 'Completed (newest first)'."""
    key = sort.lstrip("-")
    names = {
        "created_at": ("Created", "newest first", "oldest first"),
        "started_at": ("Started", "newest first", "oldest first"),
        "completed_at": ("Completed", "newest first", "oldest first"),
        "status": ("Status", "Z–A", "A–Z"),
        "result_score": ("Score", "highest first", "lowest first"),
        "result_verdict": ("Verdict", "Z–A", "A–Z"),
        "scanner_version": ("Scanner version", "newest first", "oldest first"),
    }
    name, down, up = names.get(key, (key.replace("_", " ").capitalize(), "descending", "ascending"))
    return f"{name} ({down if sort.startswith('-') else up})"
