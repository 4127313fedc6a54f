"""Streamlit-side helpers for the Vision Console pages.

With ``app_pages/``, the only package that imports streamlit; ``vision_api`` never does.
"""
