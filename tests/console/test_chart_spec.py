"""Chart specs: checked against the Vega-Lite schema where the suite asks, as-is for viewers."""

from __future__ import annotations

import altair as alt
import pandas as pd
import pytest

from vision_console import chart_spec


def _broken_chart() -> alt.Chart:
    """A chart Altair builds but the schema rejects (``bin`` takes a bool or bin params)."""
    return alt.Chart(pd.DataFrame({"a": [1, 2]})).mark_bar().encode(x=alt.X("a:Q", bin="nope"))


def test_the_suite_validates_every_chart_it_builds() -> None:
    with pytest.raises(alt.utils.schemapi.SchemaValidationError):
        chart_spec.chart_spec(_broken_chart())


def test_a_chart_failing_validation_becomes_a_notice_not_an_error() -> None:
    built = chart_spec.build("Broken", _broken_chart)
    assert built == chart_spec.Unavailable("Broken")


def test_viewers_skip_the_schema_check(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(chart_spec.VALIDATE_ENV)
    spec = chart_spec.chart_spec(_broken_chart())
    assert spec["encoding"]["x"]["bin"] == "nope"


def test_inline_rows_travel_as_arrow_bytes_and_the_default_view_size_is_dropped() -> None:
    spec = chart_spec.chart_spec(
        alt.Chart(pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})).mark_bar().encode(x="a", y="b")
    )
    (data,) = spec["datasets"].values()
    assert isinstance(data, bytes)
    assert "view" not in spec.get("config", {})
