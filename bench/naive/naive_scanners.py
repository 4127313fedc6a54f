"""Naive Scanners: the filtered, sorted, paged list and the picked scanner, fetched every run."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from naive_common import naive_client

PAGE_SIZE = 50


client = naive_client()
st.title("Scanners")
creators = client.scanners.creators()
search = st.text_input("Search", key="naive_q")
enabled = st.selectbox("Status", ["", "enabled", "disabled"], key="naive_enabled")
types = st.multiselect("Type", ["monitor", "classifier", "scorer", "summarizer"], key="naive_type")
by = st.multiselect(
    "Created by", [u.id for u in creators], key="naive_creator",
    format_func=lambda uid: next(u.display_name for u in creators if u.id == uid),
)  # fmt: skip
sort = st.selectbox(
    "Sort by", ["name", "-name", "-created_at", "created_at"], key="naive_scanners_sort"
)
page = st.session_state.setdefault("naive_scanners_page", 1)
result = client.scanners.list(
    search=search or None,
    enabled={"enabled": True, "disabled": False}.get(enabled),
    scanner_type=types or None,
    created_by=by or None,
    order_by=sort,
    limit=PAGE_SIZE,
    offset=(page - 1) * PAGE_SIZE,
)
frame = pd.DataFrame(
    [
        {"Name": s.name, "Type": s.scanner_type, "Enabled": s.enabled, "Model": s.model}
        for s in result.items
    ]
)
event = st.dataframe(
    frame, key="naive_scanners_table", on_select="rerun", selection_mode="single-row"
)
st.caption(f"Page {page}, {result.count} scanners")
st.button(
    "Next",
    key="naive_scanners_next",
    on_click=st.session_state.update,
    args=({"naive_scanners_page": page + 1},),
)
if event and event.selection.rows:
    scanner = result.items[event.selection.rows[0]]
    st.subheader(scanner.name)
    st.text(scanner.prompt)
