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


def _picked_bars(rows: dict[str, list[object]]) -> alt.LayerChart:
    """A layered chart with a click selection: Altair names its dataset and its view from
    hashes, the way every clickable chart of the console is built."""
    frame = pd.DataFrame(rows)
    pick = alt.selection_point(name="pick", fields=["tag"])
    base = alt.Chart(frame).encode(x="count:Q", y=alt.Y("tag:N", sort=list(frame["tag"])))
    return alt.layer(base.mark_bar().add_params(pick), base.mark_text().encode(text="count:Q"))


def test_the_same_chart_over_other_data_differs_only_in_its_datasets() -> None:
    """The browser swaps new datasets into a chart whose spec is unchanged, and builds the
    chart again when the spec changed (issue 14: click latency)."""
    before = chart_spec.chart_spec(_picked_bars({"tag": ["a", "b"], "count": [3, 1]}))
    after = chart_spec.chart_spec(_picked_bars({"tag": ["a", "b"], "count": [0, 7]}))
    assert before.pop("datasets") != after.pop("datasets")
    assert before == after
    assert before["data"] == {"name": f"{chart_spec.DATASET_PREFIX}0"}
    assert before["params"][0]["views"] == [f"{chart_spec.VIEW_PREFIX}1"]


def test_api_text_that_looks_like_a_generated_name_is_left_alone() -> None:
    """Only names are renamed: a tag (API text) in a sort order stays as the API sent it."""
    tag = "view_0123abcd_1"
    spec = chart_spec.chart_spec(_picked_bars({"tag": [tag, "b"], "count": [3, 1]}))
    assert spec["layer"][0]["encoding"]["y"]["sort"] == [tag, "b"]
