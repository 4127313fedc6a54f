"""The Scanners page's list: filters bound to the URL, the server-paged table; a row opens the
scanner's page, its Enabled cell asks to switch it on or off (with what that adds a month).

The list's view (search, filters, sort, page, selected scanner) is one ``url_state.PageState``:
URL > remembered view > defaults, invalid URL values falling back with a notice, as on every
page. Reads go through ``vision_console.cache`` (cached per credential), so a rerun that changes
no filter makes no request; the page's response and its table (an Arrow table, built once) are
kept in the session per set of filters, so such a rerun does not rebuild them either.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import streamlit as st

from vision_api import Page, Scanner, User, VisionAPIError
from vision_console import cache, scanner_types, server_era, url_state
from vision_console.render import ErrorMessage, escape_markdown, explain, show_api_error
from vision_console.scanner_config import form_session as form_state
from vision_console.scanner_config.form_session import SELECT_KEY
from vision_console.scanners import gallery, page_view, scanner_panel
from vision_console.scanners import list_query as scanner_list
from vision_console.scanners.list_query import PARAMS, SORTS

STATE = url_state.PageState("scanners", PARAMS, arrival="sort")
"""The list's view; the sort box is drawn on every run that shows the list."""
TABLE_KEY = "scanners.table"
PICK_KEY = "scanners.table_pick"
LINK_WAITING_KEY = "scanners.link_waiting"
"""A scanner a link named while a draft with unsaved changes was open (see ``sync_from_url``)."""
NARROW_FILTER_WIDTH = 130
"""Pixels for the short-choice filters (status, signals); the others share the rest."""
SORT_WIDTH = 220


@dataclass(frozen=True)
class ListView:
    """One page of the list: its scanners, the total matching, and the grid's table."""

    scanners: Sequence[Scanner]
    total: int
    table: pa.Table


def _list_view(page: Page[Scanner]) -> ListView:
    frame = scanner_list.table_frame(page.items)
    return ListView(page.items, page.count, pa.Table.from_pandas(frame, preserve_index=False))


def _freshness() -> int:
    """Changes once per shared-cache lifetime, so a kept page is read again at least that often
    (what it shows is never more than two lifetimes old, other viewers' writes included)."""
    return int(time.time() // cache.READ_TTL_SECONDS)


def _fetch(values: dict[str, Any]) -> ListView:
    """The page for ``values``, from the session while its inputs are unchanged."""
    kwargs = scanner_list.list_kwargs(values)
    return cache.remember(
        "scanners:list",
        (_freshness(), sorted(kwargs.items())),
        lambda: _list_view(cache.list_scanners(**kwargs)),
    )


def creators() -> list[User]:
    """Everyone who created a scanner, kept like the list (one request per cache lifetime)."""
    return cache.remember("scanners:creators", (_freshness(),), cache.creators)


def creators_or_problem() -> tuple[list[User], ErrorMessage | None]:
    """The creators, or none and why: the creator filter then degrades quietly, since the
    list's own error (if it fails too) is the one message the page shows."""
    try:
        return creators(), None
    except VisionAPIError as exc:
        return [], explain(exc, "load the scanner creators")


def sync_from_url() -> None:
    """Seed the list's view (URL > remembered view > defaults); a new link forgets the row
    picked in the grid, and so does a run after an Enabled cell was answered.

    A scanner to open goes to its page: one just created (the form's save), one whose page
    opened the edit form that has now closed, or one a list link names (``?scanner=``, the
    links from before the scanner page). A link does not hide a draft with unsaved changes:
    the form stays and ``link_waiting_notice`` offers the linked scanner beside it.
    """
    if STATE.sync():
        st.session_state.pop(TABLE_KEY, None)
        st.session_state.pop(PICK_KEY, None)
    if st.session_state.pop(PICK_KEY, None) is not None:
        st.session_state.pop(TABLE_KEY, None)
    target = st.session_state.pop(SELECT_KEY, None) or scanner_panel.return_after_form()
    linked = selected_id()
    if linked:
        STATE.set(scanner="")
        if _draft_unsaved():
            st.session_state[LINK_WAITING_KEY] = linked
        else:
            target = target or linked
    if form_state.current() is None:
        st.session_state.pop(LINK_WAITING_KEY, None)
    if target:
        write_url()
        page_view.open(str(target))


def _draft_unsaved() -> bool:
    """Whether the create/edit form is open with changes that following a link would hide."""
    session = form_state.current()
    return session is not None and bool(session.unsaved())


def link_waiting_notice() -> None:
    """While a draft with unsaved changes held off a link's scanner: say so, and offer it.

    The draft is kept either way (it survives other pages); the notice stays until the form
    closes, so the link is not lost while the draft is finished.
    """
    waiting = st.session_state.get(LINK_WAITING_KEY)
    if not isinstance(waiting, str) or not waiting:
        return
    try:
        name = cache.scanner(waiting).name
    except VisionAPIError:
        name = "the linked scanner"
    with st.container(border=True):
        st.info(
            escape_markdown(
                f"The link you followed opens {name}. Your unsaved draft stays open here: save "
                "or discard it, or open that scanner now (the draft is kept for when you return)."
            ),
            icon=":material/link:",
        )
        st.page_link(
            **page_view.link_args(waiting),
            label=escape_markdown(f"Open {name}"),
            icon=":material/open_in_new:",
        )


def current_values() -> dict[str, Any]:
    """The list's view as parameter values."""
    return STATE.values()


def write_url() -> None:
    """Mirror the list's view into the URL and remember it."""
    STATE.write_url()


def filtered() -> bool:
    """Whether a search or filter narrows the list (not sort or page)."""
    return scanner_list.has_filters(STATE.values())


def selected_id() -> str:
    return str(STATE.get("scanner") or "")


def _filters_changed() -> None:
    """A filter or the sort changed: back to page 1, forget the row picked on the old page."""
    STATE.set(page=1)
    st.session_state.pop(TABLE_KEY, None)
    st.session_state.pop(PICK_KEY, None)
    STATE.clear_notices()


def _clear_filters() -> None:
    STATE.reset(*scanner_list.FILTER_NAMES)
    _filters_changed()


def filters() -> None:
    """The filter bar, with the creators it offers (or why there are none)."""
    render_filters(*creators_or_problem())


def table(read_only: bool) -> ListView | None:
    """One server page of scanners as a grid, with its pager; None when it could not load.

    With no scanners at all (and no filter), the template gallery stands in for the list.
    """
    view = load_page()
    if view is not None:
        render_table(view, read_only)
        if view.total == 0 and not filtered():
            gallery.offer_when_empty(read_only)
    return view


def render_filters(creators: Sequence[User], creators_problem: ErrorMessage | None = None) -> None:
    """Search, status, type, creator and signals in one row; the sort, "Clear filters" and
    "Refresh" in a second. Each is bound to the URL.

    Without the creators (``creators_problem``), "Created by" is disabled and its help says
    why; a creator the URL names still filters the list.
    """
    STATE.show_notices()
    names = {user.id: user.display_name for user in creators}
    wanted = list(STATE.get("creator"))
    creator_ids = list(dict.fromkeys([*names, *wanted]))
    with st.container(horizontal=True, vertical_alignment="bottom"):
        st.text_input(
            "Search",
            key=STATE.key("q"),
            placeholder="Name, description or prompt",
            on_change=_filters_changed,
            max_chars=200,
        )
        st.selectbox(
            "Status",
            list(scanner_list.ENABLED_CHOICES),
            key=STATE.key("enabled"),
            format_func=scanner_list.ENABLED_CHOICES.__getitem__,
            on_change=_filters_changed,
            width=NARROW_FILTER_WIDTH,
        )
        st.multiselect(
            "Type",
            list(scanner_types.KNOWN_TYPES),
            key=STATE.key("type"),
            format_func=scanner_types.label,
            on_change=_filters_changed,
            placeholder="Any type",
        )
        st.multiselect(
            "Created by",
            creator_ids,
            key=STATE.key("creator"),
            format_func=lambda uid: names.get(uid, f"User {uid}"),
            on_change=_filters_changed,
            placeholder="Unavailable" if creators_problem else "Anyone",
            disabled=creators_problem is not None,
            help=escape_markdown(creators_problem.as_text()) if creators_problem else None,
        )
        st.selectbox(
            "Signals",
            list(scanner_list.SIGNALS_CHOICES),
            key=STATE.key("signals"),
            format_func=scanner_list.SIGNALS_CHOICES.__getitem__,
            on_change=_filters_changed,
            width=NARROW_FILTER_WIDTH,
        )
        if tags_filter_shown():
            wanted_tags = list(STATE.get("tags"))
            st.multiselect(
                "Tags",
                wanted_tags,
                key=STATE.key("tags"),
                on_change=_filters_changed,
                placeholder="Any tag",
                accept_new_options=True,
                help="Scanners carrying any of these tags (type a tag and press Enter).",
            )
    with st.container(horizontal=True, vertical_alignment="bottom"):
        st.selectbox(
            "Sort by",
            list(SORTS),
            key=STATE.key("sort"),
            format_func=SORTS.__getitem__,
            on_change=_filters_changed,
            width=SORT_WIDTH,
        )
        if scanner_list.has_filters(current_values()):
            st.button(
                "Clear filters",
                icon=":material/filter_alt_off:",
                on_click=_clear_filters,
                key="scanners.clear",
            )
        if st.button("Refresh", icon=":material/refresh:", key="scanners.refresh"):
            cache.invalidate()


def tags_filter_shown() -> bool:
    """Scanner tags are a current-era field: the filter is offered there, or when a link set it."""
    if STATE.get("tags"):
        return True
    return server_era.is_current()


def load_page() -> ListView | None:
    """The current page from the server; past the last page, the last page instead."""
    values = current_values()
    try:
        view = _fetch(values)
        last = scanner_list.page_count(view.total)
        if view.total and values["page"] > last:
            STATE.set(page=last)
            view = _fetch({**values, "page": last})
    except VisionAPIError as exc:
        show_api_error(exc, "load the scanners")
        return None
    return view


def render_table(view: ListView, read_only: bool) -> None:
    """The page of scanners as a grid: picking a row (or a cell) opens that scanner's page;
    picking its Enabled cell asks to switch it on or off instead."""
    page = int(STATE.get("page"))
    if view.total == 0:
        filtered = scanner_list.has_filters(current_values())
        st.info(
            "No scanners match your filters." if filtered else "No scanners yet.",
            icon=":material/search_off:" if filtered else ":material/radar:",
        )
        return
    event = st.dataframe(
        view.table,
        key=TABLE_KEY,
        on_select="rerun",
        selection_mode=["single-row", "single-cell"],
        hide_index=True,
        width="stretch",
        column_config=_column_config(),
        placeholder="—",
    )
    st.caption("Click a scanner to open its page; click its Enabled box to switch it on or off.")
    _pager(page, len(view.scanners), view.total)
    picked = _picked(event, view)
    if picked is None:
        return
    scanner, column = picked
    if column == "Enabled" and not read_only:
        st.session_state[PICK_KEY] = scanner.id  # answered: the next run clears the grid's pick
        scanner_panel.ask_enabled(scanner, not scanner.enabled)
        return
    st.session_state.pop(TABLE_KEY, None)
    write_url()
    page_view.open(scanner.id)


def _picked(event: Any, view: ListView) -> tuple[Scanner, str | None] | None:
    """The scanner picked in the grid (a row, or a cell with its column), if any."""
    selection = getattr(event, "selection", None)
    rows = list(getattr(selection, "rows", []) or [])
    cells = list(getattr(selection, "cells", []) or [])
    if rows and 0 <= rows[0] < len(view.scanners):
        return view.scanners[rows[0]], None
    if cells:
        row, column = cells[0]
        if 0 <= int(row) < len(view.scanners):
            return view.scanners[int(row)], str(column)
    return None


def _column_config() -> dict[str, Any]:
    """Help on every header; narrow columns for short values so the grid fits the page."""
    helps = scanner_list.COLUMNS
    config: dict[str, Any] = {
        name: st.column_config.Column(help=text, width="small") for name, text in helps.items()
    }
    config["Name"] = st.column_config.TextColumn(help=helps["Name"], width="medium")
    config["Description"] = st.column_config.TextColumn(help=helps["Description"], width="medium")
    config["Model · price"] = st.column_config.TextColumn(help=helps["Model · price"])
    # Names are never cut to "Al…" (issue 15 item 14): the creator column takes what it needs.
    config["Created by"] = st.column_config.TextColumn(help=helps["Created by"], width="medium")
    config["Est. obs/month"] = st.column_config.TextColumn(help=helps["Est. obs/month"])
    config["Est. credits/month"] = st.column_config.TextColumn(help=helps["Est. credits/month"])
    period = scanner_list.PERIOD_COLUMNS
    config["Tags"] = st.column_config.ListColumn(help=period["Tags"], width="medium")
    config["Credits this period"] = st.column_config.TextColumn(help=period["Credits this period"])
    config["Limit"] = st.column_config.TextColumn(help=period["Limit"])
    config["Enabled"] = st.column_config.CheckboxColumn(help=helps["Enabled"], width="small")
    config["Updated (UTC)"] = st.column_config.DatetimeColumn(
        help=helps["Updated (UTC)"], format="YYYY-MM-DD HH:mm"
    )
    return config


def _pager(page: int, shown: int, total: int) -> None:
    """Rows shown, then Previous and Next, in one row."""
    last = scanner_list.page_count(total)
    with st.container(horizontal=True, vertical_alignment="center"):
        st.caption(scanner_list.page_caption(page, shown, total))
        st.button(
            "Previous",
            disabled=page <= 1,
            key="scanners.prev",
            on_click=_go_to,
            args=(page - 1,),
        )
        st.button(
            "Next",
            disabled=page >= last,
            key="scanners.next",
            on_click=_go_to,
            args=(page + 1,),
        )


def _go_to(page: int) -> None:
    STATE.set(page=page)
    st.session_state.pop(TABLE_KEY, None)
    st.session_state.pop(PICK_KEY, None)


def select(scanner_id: str | None) -> None:
    """Select a scanner (e.g. the one just created) and forget the grid's row pick."""
    STATE.set(scanner=scanner_id or "")
    st.session_state.pop(TABLE_KEY, None)
    st.session_state.pop(PICK_KEY, None)
