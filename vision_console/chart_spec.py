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
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import altair as alt
import pyarrow as pa
import streamlit as st
from streamlit.dataframe_util import convert_arrow_table_to_arrow_bytes

logger = logging.getLogger(__name__)

VALIDATE_ENV = "VISION_CONSOLE_VALIDATE_CHARTS"
DATASET_PREFIX = "chart_data_"
VIEW_PREFIX = "chart_view_"
_GENERATED_VIEW = re.compile(r"view_[0-9a-f]+_\d+")


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

    The names Altair generates from the data (``data-<hash>`` datasets, ``view_<hash>_<n>``
    views) become positional ones, so the same chart over other data has the same spec and
    differs only in its datasets. The browser then swaps the data into the chart it has;
    a changed spec makes it build the chart again from scratch (issue 14: click latency).
    """
    spec: dict[str, Any] = chart.to_dict(validate=bool(os.environ.get(VALIDATE_ENV)))
    config = spec.get("config", {})
    config.pop("view", None)
    if not config:
        spec.pop("config", None)
    datasets = spec.pop("datasets", {})
    names = {name: f"{DATASET_PREFIX}{index}" for index, name in enumerate(datasets)}
    spec = _stable_names(spec, names)
    if datasets:
        spec["datasets"] = {names[name]: _arrow_bytes(rows) for name, rows in datasets.items()}
    return spec


def _arrow_bytes(rows: list[dict[str, Any]]) -> bytes | list[dict[str, Any]]:
    """One dataset as Arrow IPC bytes, or its rows as they are when a column mixes types
    (Streamlit then converts them itself)."""
    try:
        return convert_arrow_table_to_arrow_bytes(pa.Table.from_pylist(rows))
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return rows


def _stable_names(node: Any, names: dict[str, str]) -> Any:
    """``node`` with each dataset in ``names``, and each view Altair named, given a positional
    name (``names`` gains the views in the order they are met). Only ``name`` values and
    ``views`` entries are names: a title or a sort order (text from the API) is left alone."""
    if isinstance(node, list):
        return [_stable_names(item, names) for item in node]
    if not isinstance(node, dict):
        return node
    renamed = {key: _stable_names(value, names) for key, value in node.items()}
    if isinstance(name := node.get("name"), str):
        renamed["name"] = _stable_name(name, names)
    if isinstance(views := node.get("views"), list):
        renamed["views"] = [_stable_name(view, names) for view in views]
    return renamed


def _stable_name(name: Any, names: dict[str, str]) -> Any:
    if isinstance(name, str) and (name in names or _GENERATED_VIEW.fullmatch(name)):
        return names.setdefault(name, f"{VIEW_PREFIX}{len(names)}")
    return name


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
