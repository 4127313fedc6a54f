"""The Estimate page's source picker labels: unique, so a choice is never lost (F12)."""

from __future__ import annotations

import uuid

from tests.console.overview.builders import make_scanner
from vision_console import models_catalog
from vision_console.estimate.inputs import DRAFT_SOURCE, source_labels


def test_each_scanner_is_labelled_by_its_name() -> None:
    a, b = make_scanner("Checkout friction"), make_scanner("Rage clicks")
    labels = source_labels({a.id: a, b.id: b})
    assert labels == {DRAFT_SOURCE: "A new draft", a.id: "Checkout friction", b.id: "Rage clicks"}


def test_two_scanners_of_one_name_get_distinct_labels() -> None:
    a = make_scanner("Same", id=str(uuid.UUID(int=1)))
    b = make_scanner("Same", id=str(uuid.UUID(int=2)))
    labels = source_labels({a.id: a, b.id: b})
    assert labels[a.id] != labels[b.id]
    assert labels[a.id].startswith("Same · ") and labels[b.id].startswith("Same · ")
    assert len(set(labels.values())) == len(labels)


def test_a_retired_model_is_never_offered() -> None:
    """A scanner on a retired model is estimated with the era's default, with a note why."""
    from streamlit.testing.v1 import AppTest

    def page() -> None:
        import streamlit as st

        from vision_console.estimate import inputs

        st.session_state["picked"] = inputs.model_picker(
            "estimate:x", "gemini-3.1-flash-lite-preview", "current"
        )

    at = AppTest.from_function(page).run()
    assert not at.exception, at.exception
    assert at.session_state["picked"] == "gemini-3-flash-preview"
    retired = models_catalog.model_option_label("gemini-3.1-flash-lite-preview")
    assert at.selectbox[0].options and retired not in at.selectbox[0].options
    assert any("no longer accepts" in c.value for c in at.caption)
