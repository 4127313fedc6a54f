"""The history grid's column order: a rating sits beside the result it judges."""

from __future__ import annotations

from vision_console.observations.table import column_order


def test_the_rating_follows_the_result() -> None:
    names = ["Status", "Result", "Reason", "Session", "Started", "Rating"]
    assert column_order(names) == ["Status", "Result", "Rating", "Reason", "Session", "Started"]


def test_without_ratings_the_order_is_the_rows_own() -> None:
    names = ["Status", "Result", "Reason"]
    assert column_order(names) == names
