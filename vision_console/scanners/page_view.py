"""The scanner page's URL (``/scanner?id=<uuid>``) and the scanner it names.

One ``url_state.PageState`` with one parameter, ``id``. A link opens that scanner; a link with a
malformed id, or none, falls back with a notice: to the scanner this viewer last opened when
there is one, else to a pointer back to the list. A well-formed id the server does not know
(deleted, another project) says so. Opening a scanner from anywhere goes through ``open``.
"""

from __future__ import annotations

from typing import Any, NoReturn

import streamlit as st

from vision_api import NotFoundError, Scanner, VisionAPIError
from vision_console import cache, navigation, url_state
from vision_console.render import show_api_error
from vision_console.url_state import Param

STATE = url_state.PageState("scanner", (Param("id", "", url_state.uuid_text),), arrival="id")
LAST_KEY = "scanner.last_opened"
"""The id of the scanner this viewer last had open, for a link without one."""


def open(scanner_id: str) -> NoReturn:
    """Switch to the scanner page showing ``scanner_id``."""
    st.switch_page(navigation.SCANNER.path, query_params={"id": scanner_id})


def link_args(scanner_id: str) -> dict[str, Any]:
    """``st.page_link`` arguments for a link to a scanner's page."""
    return {"page": navigation.SCANNER.path, "query_params": {"id": scanner_id}}


def sync() -> None:
    """Seed the page's id from the URL; a missing or malformed one falls back (see module)."""
    STATE.sync()
    if STATE.get("id"):
        return
    last = st.session_state.get(LAST_KEY)
    if isinstance(last, str) and last:
        STATE.set(id=last)
        st.info(
            "The link names no scanner: showing the last one you opened.", icon=":material/history:"
        )


def show(scanner_id: str) -> None:
    """Show another scanner on this page (after Duplicate: the copy) from the next run."""
    STATE.set(id=scanner_id)


def load() -> Scanner | None:
    """The scanner the URL names, or None after saying why there is none."""
    STATE.show_notices()
    STATE.clear_notices()  # said once; the page's own reruns keep quiet
    scanner_id = str(STATE.get("id") or "")
    if not scanner_id:
        _nothing_to_show("No scanner chosen: open one from the list.")
        return None
    try:
        scanner = cache.scanner(scanner_id)
    except NotFoundError:
        if st.session_state.get(LAST_KEY) == scanner_id:
            st.session_state.pop(LAST_KEY, None)
        _nothing_to_show(
            "No scanner with this id in this project: it was deleted, or the link is from "
            "another project."
        )
        return None
    except VisionAPIError as exc:
        show_api_error(exc, "load the scanner")
        return None
    st.session_state[LAST_KEY] = scanner.id
    return scanner


def write_url() -> None:
    STATE.write_url()


def _nothing_to_show(message: str) -> None:
    st.warning(message, icon=":material/link_off:")
    st.page_link(navigation.SCANNERS.path, label="All scanners", icon=navigation.SCANNERS.icon)
