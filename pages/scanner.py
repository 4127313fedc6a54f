"""One scanner's page (``/scanner?id=<uuid>``): settings, spend, charts, history, every action.

Opened from a row of the Scanners list, or by its URL. A link naming no scanner, or a bad id,
falls back with a notice (``page_view``). Writes are hidden in read-only mode, and refused by
``vision_console.cache`` anyway.
"""

from __future__ import annotations

import streamlit as st

from vision_console import connection, frame, navigation
from vision_console.scanners import page_sections, page_view, scanner_panel

frame.draw(navigation.SCANNER)
read_only = connection.current().read_only

# -- the scanner from the URL, then what the last run left (a confirmed action, toasts) --------
page_view.sync()
if scanner_panel.after_last_run() == page_view.STATE.get("id"):
    st.switch_page(navigation.SCANNERS.path)  # it was deleted: back to the list, toast there
scanner = page_view.load()
if scanner is None:
    page_view.write_url()
    st.stop()

page_sections.header(scanner, read_only)
st.divider()
page_sections.spend_section(scanner)
scanner_panel.render_details(scanner)
st.divider()
page_sections.activity(scanner)
if not read_only:
    st.divider()
    page_sections.scans(scanner)
page_view.write_url()
