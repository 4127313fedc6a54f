"""Scanners: find, create, edit, enable, duplicate, delete, and scan one session now.

The list (filters, sort and page in the URL) comes first; picking a row opens that scanner's
panel below it. Writes are hidden in read-only mode, and refused by ``vision_console.cache`` anyway.
"""

from __future__ import annotations

import streamlit as st

from vision_console import connection, frame, navigation
from vision_console.scanner_config import templates
from vision_console.scanners import actions as scanner_actions
from vision_console.scanners import form_panel as form_view
from vision_console.scanners import form_save
from vision_console.scanners import list_panel as list_view
from vision_console.scanners import list_query as scanner_list

frame.draw(navigation.SCANNERS)

conn = connection.current()
read_only = conn.read_only

st.title("Scanners")
st.caption(
    "Scanners watch session recordings and record an observation for each: a verdict, tags, "
    "a score or a summary."
)

list_view.sync_from_url()
scanner_actions.run_pending_delete()
if form_view.SELECT_KEY in st.session_state:
    list_view.select(st.session_state.pop(form_view.SELECT_KEY))
form_view.show_flashes()
scanner_actions.show_problem()

if read_only:
    st.caption(":material/lock: Read-only console: creating, changing and deleting are disabled.")
elif form_view.current() is None and st.button(
    "New scanner", type="primary", icon=":material/add:", key="scanners.new"
):
    st.session_state["scanners.gallery"] = True


def template_gallery() -> None:
    """Quick starts: PostHog's five templates, or an empty form of any type."""
    st.subheader("Start from a template", anchor=False)
    cards = st.columns(len(templates.TEMPLATES) + 1)
    for column, template in zip(cards, templates.TEMPLATES, strict=False):
        with column.container(border=True):
            st.markdown(f"{template.icon} **{template.title}**")
            st.caption(template.blurb)
            if st.button("Use", key=f"scanners.template.{template.key}", width="stretch"):
                form_view.open_create(template.key)
                st.session_state.pop("scanners.gallery", None)
                st.rerun()
    with cards[-1].container(border=True):
        st.markdown(":material/edit_note: **From scratch**")
        st.caption("Any type, your own prompt.")
        if st.button("Blank form", key="scanners.template.blank", width="stretch"):
            form_view.open_create()
            st.session_state.pop("scanners.gallery", None)
            st.rerun()
    if st.session_state.get("scanners.gallery") and st.button(
        "Not now", key="scanners.template.close", icon=":material/close:"
    ):
        st.session_state.pop("scanners.gallery", None)
        st.rerun()


session = form_view.current()
if session is not None and not read_only:
    submitted = form_view.render(session)
    form_save.render_conflict(session)
    if submitted is not None:
        form_save.submit(session, *submitted)
    list_view.write_url()
    st.stop()

list_view.render_filters(*list_view.creators_or_problem())
view = list_view.load_page()
if view is not None:
    list_view.render_table(view)
empty_project = (
    view is not None
    and view.total == 0
    and not scanner_list.has_filters(list_view.current_values())
)

if not read_only and (st.session_state.get("scanners.gallery") or empty_project):
    template_gallery()

scanner = list_view.selected_scanner(view)
if scanner is not None:
    with st.container(border=True):
        actions = st.columns([1, 1, 1, 1, 4]) if not read_only else []
        if actions:
            with actions[0]:
                scanner_actions.render_toggle(scanner)
            if actions[1].button("Edit", icon=":material/edit:", key="scanners.edit"):
                problem = form_view.open_edit_latest(scanner.id)
                if problem is None:
                    st.rerun()
                scanner_actions.record_problem(problem)
                scanner_actions.show_problem()
            if actions[2].button("Duplicate", icon=":material/content_copy:", key="scanners.dup"):
                if scanner_actions.duplicate(scanner):
                    st.rerun()
                scanner_actions.show_problem()
            if actions[3].button("Delete", icon=":material/delete:", key="scanners.delete"):
                scanner_actions.ask_delete(scanner)
        scanner_actions.render_details(scanner)
        scanner_actions.render_links(scanner)
        if not read_only:
            st.markdown("**Scan one recording now**")
            scanner_actions.render_scan(scanner)

list_view.write_url()
