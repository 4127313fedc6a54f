"""Scanners: find, create, edit, enable, duplicate, delete, and scan one session now.

The list (filters, sort, page and selection in the URL) comes first; picking a row opens that
scanner's panel below it. "New scanner" opens the template gallery; the create and edit form
takes the page while open. Writes are hidden in read-only mode, and refused by
``vision_console.cache`` anyway.
"""

from __future__ import annotations

import streamlit as st

from vision_console import connection, frame, navigation
from vision_console.scanners import form_panel, gallery, list_panel, list_query, scanner_panel

frame.draw(navigation.SCANNERS)
read_only = connection.current().read_only

st.title("Scanners")
st.caption(list_query.INTRO)

# -- the view from the URL, then what the last run left (a confirmed delete, toasts, problems)
list_panel.sync_from_url()
scanner_panel.after_last_run()

# -- the create/edit form takes the page while open -------------------------------------------
if form_panel.section(read_only):
    list_panel.write_url()
    st.stop()

# -- "New scanner" and its template gallery -------------------------------------------------
gallery.section(read_only)

# -- the list: filters, then one server page of scanners --------------------------------------
list_panel.filters()
view = list_panel.table(read_only)

# -- the selected scanner: details, actions, scan one recording now ---------------------------
scanner_panel.section(view, read_only)
list_panel.write_url()
