"""The Estimate page's source picker labels: unique, so a choice is never lost (F12)."""

from __future__ import annotations

import uuid

from tests.console.overview.builders import make_scanner
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
