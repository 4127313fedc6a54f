"""Overview page (being built)."""

import streamlit as st

st.title("Overview")
st.caption("This page is under construction.")
