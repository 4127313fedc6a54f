"""The "New scanner" template gallery: PostHog's quick starts, or an empty form of any type."""

from __future__ import annotations

import streamlit as st

from vision_console.scanner_config import templates
from vision_console.scanners import form_panel

OPEN_KEY = "scanners.gallery"


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
