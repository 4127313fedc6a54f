"""An Altair chart as the Vega-Lite dict Streamlit draws, with its datasets as Arrow bytes.

Shared by every page that draws charts (Overview, Observations, Estimate): a spec is built and
validated once (by the page's cache), then sent as it is on every rerun.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pyarrow as pa
from streamlit.dataframe_util import convert_arrow_table_to_arrow_bytes


def chart_spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """The Vega-Lite dict to draw, built (and validated) once, cheap to send on every rerun.

    Altair's default 300px view size is dropped (as ``st.altair_chart`` does), and each
    inline dataset becomes Arrow IPC bytes, the form Streamlit ships datasets in: handed
    bytes, Streamlit sends them as they are, where rows or a table would be converted again
    on every rerun.
    """
    spec: dict[str, Any] = chart.to_dict()
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
