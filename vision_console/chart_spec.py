"""An Altair chart as the Vega-Lite dict Streamlit draws, with its datasets as Arrow bytes.

Shared by every page that draws charts (Overview, Observations, Estimate): a spec is built once
(by the page's cache), then sent as it is on every rerun. ``build`` and ``draw`` make one chart's
failure (data Altair refuses, a renderer error) a notice in that chart's place, never the end of
its page.

Validating a spec against the Vega-Lite schema costs as much as building it again (5-7 ms a
chart, most of a filter click's chart time), and what it catches is a bug in the chart's code,
not in the data. So viewers skip it and the test suite does it: with ``VALIDATE_ENV`` set (the
suite's root conftest sets it, for AppTest sessions and browser-test servers alike), every chart
any test draws is checked against the schema.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import altair as alt
import pyarrow as pa
import streamlit as st
from streamlit.dataframe_util import convert_arrow_table_to_arrow_bytes

logger = logging.getLogger(__name__)

VALIDATE_ENV = "VISION_CONSOLE_VALIDATE_CHARTS"


@dataclass(frozen=True, slots=True)
class Unavailable:
    """A chart that could not be built; ``title`` names it in the notice drawn instead."""

    title: str


def chart_spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """The Vega-Lite dict to draw, built once, cheap to send on every rerun (validated against
    the schema only where ``VALIDATE_ENV`` is set: the test suite).

    Altair's default 300px view size is dropped (as ``st.altair_chart`` does), and each
    inline dataset becomes Arrow IPC bytes, the form Streamlit ships datasets in: handed
    bytes, Streamlit sends them as they are, where rows or a table would be converted again
    on every rerun.
    """
    spec: dict[str, Any] = chart.to_dict(validate=bool(os.environ.get(VALIDATE_ENV)))
    config = spec.get("config", {})
    config.pop("view", None)
    if not config:
        spec.pop("config", None)
    datasets = spec.get("datasets", {})
    for name, rows in datasets.items():
        try:
            datasets[name] = convert_arrow_table_to_arrow_bytes(pa.Table.from_pylist(rows))
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            continue  # mixed-type column: let Streamlit convert the rows itself
    return spec


def build(title: str, make: Callable[[], alt.TopLevelMixin]) -> dict[str, Any] | Unavailable:
    """``chart_spec(make())``, or ``Unavailable`` (logged) when building it fails."""
    try:
        return chart_spec(make())
    except Exception:
        logger.exception("The chart %r could not be built", title)
        return Unavailable(title)


def draw(spec: dict[str, Any] | Unavailable, **options: Any) -> None:
    """Draw a built spec (``st.vega_lite_chart`` options pass through), or say it is missing."""
    if isinstance(spec, Unavailable):
        st.warning(
            f"The chart “{spec.title}” could not be drawn from this data; the rest of the page "
            "is unaffected.",
            icon=":material/broken_image:",
        )
        return
    st.vega_lite_chart(spec, **options)
