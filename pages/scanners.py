"""Scanners: find, create, edit, enable, duplicate, delete, and scan one session now.

The list (filters, sort, page and selection in the URL) comes first; picking a row opens that
scanner's panel below it. "New scanner" opens the template gallery; the create and edit form
takes the page while open. Writes are hidden in read-only mode, and refused by
``vision_console.cache`` anyway.
"""

from __future__ import annotations

import streamlit as st

from vision_console import connection, frame, navigation
from vision_console.scanners import actions, form_panel, form_save, gallery, list_panel

frame.draw(navigation.SCANNERS)
read_only = connection.current().read_only

st.title("Scanners")
st.caption(
    "Scanners watch session recordings and record an observation for each: a verdict, tags, "
    "a score or a summary."
)

list_panel.sync_from_url()
actions.run_pending_delete()
if form_panel.SELECT_KEY in st.session_state:
    list_panel.select(st.session_state.pop(form_panel.SELECT_KEY))
form_panel.show_flashes()
actions.show_problem()

session = form_panel.current()
if read_only:
    st.caption(":material/lock: Read-only console: creating, changing and deleting are disabled.")
elif session is not None:
    submitted = form_panel.render(session)
    form_save.render_conflict(session)
    if submitted is not None:
        form_save.submit(session, *submitted)
    list_panel.write_url()
    st.stop()
elif st.button("New scanner", type="primary", icon=":material/add:", key="scanners.new"):
    gallery.open_gallery()

if not read_only and gallery.is_open():
    gallery.render()

list_panel.render_filters(*list_panel.creators_or_problem())
view = list_panel.load_page()
if view is not None:
    list_panel.render_table(view)
    if not read_only and not gallery.is_open() and view.total == 0 and not list_panel.filtered():
        gallery.render()

scanner = list_panel.selected_scanner(view)
if scanner is not None:
    actions.panel(scanner, read_only)

list_panel.write_url()
