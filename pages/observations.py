"""Observations page (being built)."""

import streamlit as st

st.title("Observations")
st.caption("This page is under construction.")
