"""Estimate page (being built)."""

import streamlit as st

st.title("Estimate")
st.caption("This page is under construction.")
