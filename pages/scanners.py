"""Scanners page (being built)."""

import streamlit as st

st.title("Scanners")
st.caption("This page is under construction.")
