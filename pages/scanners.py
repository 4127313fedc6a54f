"""Scanners: find, create, edit and enable scanners.

The list (filters, sort and page in the URL) comes first; picking a row opens that scanner's
own page (``pages/scanner.py``), and its Enabled cell asks to switch it on or off. "New scanner"
opens the template gallery; the create and edit form takes the page while open, and a scanner
just created (or edited from its page) opens on its page when the form closes. A link naming a
scanner (``?scanner=``) opens its page, except over a draft with unsaved changes: the draft
stays, and a notice beside it offers the linked scanner. Writes are hidden
in read-only mode, and refused by ``vision_console.cache`` anyway.
"""

from __future__ import annotations

import streamlit as st

from vision_console import connection, frame, navigation
from vision_console.scanners import form_panel, gallery, list_panel, list_query, scanner_panel

frame.draw(navigation.SCANNERS)
read_only = connection.current().read_only

st.title("Scanners")
st.caption(list_query.INTRO)

# -- the view from the URL (which may open a scanner's page: its toasts go with it), then what
# -- the last run left (a confirmed change, toasts, problems)
list_panel.sync_from_url()
scanner_panel.after_last_run()

# -- the create/edit form takes the page while open (a link to a scanner waits beside it) -----
if not read_only and form_panel.current() is not None:
    list_panel.link_waiting_notice()
if form_panel.section(read_only):
    list_panel.write_url()
    st.stop()

# -- "New scanner" and its template gallery -------------------------------------------------
gallery.section(read_only)

# -- the list: filters, then one server page of scanners --------------------------------------
list_panel.filters()
list_panel.table(read_only)
list_panel.write_url()
