"""Streamlit-side helpers for the Vision Console pages (the only package besides pages/ that imports streamlit)."""
