"""The console's pages: where each lives, its title and icon, drawn as the sidebar's links.

Streamlit runs in pages-directory mode: ``app.py`` is the home page (Overview) and every other
page is a file in ``pages/``. Streamlit's own page list is hidden
(``client.showSidebarNavigation = false``) so the links keep our titles, icons and order; every
link to a page in the code names it through this module, so a page moves in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st


@dataclass(frozen=True, slots=True)
class PageRef:
    """One page: its script path (relative to the app root), title and Material icon."""

    path: str
    title: str
    icon: str


OVERVIEW = PageRef("app.py", "Overview", ":material/dashboard:")
SCANNERS = PageRef("pages/scanners.py", "Scanners", ":material/radar:")
OBSERVATIONS = PageRef("pages/observations.py", "Observations", ":material/visibility:")
ESTIMATE = PageRef("pages/estimate.py", "Estimate", ":material/calculate:")

PAGES = (OVERVIEW, SCANNERS, OBSERVATIONS, ESTIMATE)
SCANNER = PageRef("pages/scanner.py", "Scanner", ":material/radar:")
"""One scanner's page (``/scanner?id=<uuid>``): reached from the Scanners list and by URL, so it
is no sidebar link."""
LINKED_PAGES = (SCANNER,)
NAV_KEY = "console_nav"


def render_links() -> None:
    """The navigation: one link per page, in order (call inside ``st.sidebar``).

    Keyed container, so browser tests find the navigation as ``.st-key-console_nav``.
    """
    with st.container(key=NAV_KEY):
        for page in PAGES:
            st.page_link(page.path, label=page.title, icon=page.icon)


def by_name(name: str) -> PageRef:
    """A page by its lower-case title ("overview", "scanners", …), as tests and benches name it."""
    for page in (*PAGES, *LINKED_PAGES):
        if page.title.lower() == name:
            return page
    raise KeyError(name)
