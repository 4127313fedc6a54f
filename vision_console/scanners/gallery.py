"""The "New scanner" button and its template gallery: PostHog's quick starts, or a blank form.

The gallery also opens by itself where the list would be empty (no scanners yet, no filter).
"""

from __future__ import annotations

import streamlit as st

from vision_console.scanner_config import templates
from vision_console.scanners import form_panel

OPEN_KEY = "scanners.gallery"


def section(read_only: bool) -> None:
    """ "New scanner" and, once pressed, the gallery; read-only consoles say why there is none."""
    if read_only:
        st.caption(
            ":material/lock: Read-only console: creating, changing and deleting are disabled."
        )
        return
    if st.button("New scanner", type="primary", icon=":material/add:", key="scanners.new"):
        open_gallery()
    if is_open():
        render()


def offer_when_empty(read_only: bool) -> None:
    """The gallery in place of an empty list (no scanners at all), unless already shown."""
    if not read_only and not is_open():
        render()


def open_gallery() -> None:
    st.session_state[OPEN_KEY] = True


def is_open() -> bool:
    return bool(st.session_state.get(OPEN_KEY))


def close() -> None:
    st.session_state.pop(OPEN_KEY, None)


def render() -> None:
    """A card per template and one for a blank form; picking one opens the create form."""
    st.subheader("Start from a template", anchor=False)
    cards = st.columns(len(templates.TEMPLATES) + 1)
    for column, template in zip(cards, templates.TEMPLATES, strict=False):
        with column.container(border=True):
            st.markdown(f"{template.icon} **{template.title}**")
            st.caption(template.blurb)
            if st.button("Use", key=f"scanners.template.{template.key}", width="stretch"):
                form_panel.open_create(template.key)
                close()
                st.rerun()
    with cards[-1].container(border=True):
        st.markdown(":material/edit_note: **From scratch**")
        st.caption("Any type, your own prompt.")
        if st.button("Blank form", key="scanners.template.blank", width="stretch"):
            form_panel.open_create()
            close()
            st.rerun()
    if is_open() and st.button("Not now", key="scanners.template.close", icon=":material/close:"):
        close()
        st.rerun()
