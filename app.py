"""Overview: the whole fleet at a glance — counts by type, creators, every scanner side by side."""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from vision_api import VisionAPIError
from vision_console import cache, cost, frame, navigation, render
from vision_console.overview import fleet as overview_fleet
from vision_console.overview import fleet_table as overview_view

frame.draw(navigation.OVERVIEW)

DAYS = overview_view.RECENT_DAYS

st.title("Overview")
st.caption(
    "Every scanner of this project side by side: what it is set to, what it is expected to "
    f"cost each month, and what it observed over the last {DAYS} days."
)

st.button(
    "Refresh",
    key="overview_refresh",
    icon=":material/refresh:",
    help="Read everything again from the API; otherwise kept until data changes here.",
    on_click=cache.invalidate,
)
try:
    type_counts, creators, scanners = cache.remember(
        "overview:lists",
        (),
        lambda: (cache.scanner_stats(), cache.creators(), cache.all_scanners()),
    )
except VisionAPIError as error:
    render.show_api_error(error, "load the scanners")
    st.stop()

# -- metrics strip ----------------------------------------------------------------------------
types = cache.remember(
    "overview:types",
    (type_counts,),
    lambda: list(overview_view.type_summary_frame(type_counts).itertuples(index=False)),
)
with st.container(horizontal=True):
    st.metric("Enabled scanners", f"{type_counts.enabled} / {type_counts.total}", border=True)
    for row in types:
        st.metric(
            render.escape_markdown(row.scanner_type.capitalize()),
            f"{row.enabled} / {row.total}",
            border=True,
        )
names = ", ".join(render.escape_markdown(user.display_name) for user in creators)
st.caption(
    f"**{len(creators)} creators**: {names}" if creators else "No scanner has a creator yet."
)

if not scanners:
    st.info("No scanners yet. Create your first one on the Scanners page.", icon=":material/radar:")
    st.page_link(navigation.SCANNERS.path, label="Go to Scanners", icon=":material/add:")
    st.stop()


# -- per-scanner activity and everything built from it: once per data generation ------------
def load_fleet() -> overview_fleet.Fleet:
    """Fetch every scanner's activity concurrently and build the table and chart specs."""
    with st.spinner(f"Loading the activity of {len(scanners)} scanners…"):
        activity = overview_fleet.shared_activity(scanners)
    return overview_fleet.build_fleet(
        scanners, activity, datetime.now(UTC), lambda sid: f"observations?scanner={sid}"
    )


today = datetime.now(UTC).date()
result = cache.remember("overview:fleet", (DAYS, today, tuple(scanners)), load_fleet)
fleet, totals = result.table, result.totals

quota_share = totals["est_observations"] / cost.ERA_S_MONTHLY_QUOTA
with st.container(horizontal=True):
    st.metric("Estimated observations / month", f"{totals['est_observations']:,}", border=True)
    st.metric(
        "Estimated credits / month",
        f"{totals['est_credits']:,}",
        help=f"≈ {cost.format_dollars(cost.dollars_for(totals['est_credits']))} a month "
        "(1 credit = $0.01), enabled scanners only.",
        border=True,
    )
    st.metric(
        "Share of the monthly quota",
        f"{quota_share:.0%}",
        help=f"Estimated observations against the API's default quota of "
        f"{cost.ERA_S_MONTHLY_QUOTA:,} observations a month.",
        border=True,
    )

# -- the fleet table --------------------------------------------------------------------------
st.subheader("Scanners")
if result.first_error is not None:
    failed = result.failed_names
    noun = "scanner" if len(failed) == 1 else "scanners"
    message = render.explain(result.first_error, f"load the activity of {len(failed)} {noun}")
    st.warning(
        render.escape_markdown(f"{message.as_text()}\nAffected: {', '.join(failed)}"),
        icon=":material/warning:",
    )
selection = st.dataframe(
    result.arrow_table,
    hide_index=True,
    key="overview_fleet",
    on_select="rerun",
    selection_mode="single-row",
    column_order=[c for c in overview_view.FLEET_COLUMNS if c != "id"],
    column_config={
        "name": st.column_config.TextColumn("Scanner", pinned=True),
        "scanner_type": st.column_config.TextColumn("Type"),
        "enabled": st.column_config.CheckboxColumn("Enabled"),
        "sampling_rate": st.column_config.NumberColumn("Sampling", format="percent"),
        "model": st.column_config.TextColumn("Model"),
        "est_observations": st.column_config.NumberColumn(
            "Est. observations / month",
            format="localized",
            help="The server's estimate; disabled scanners have no schedule, so 0.",
        ),
        "est_credits": st.column_config.NumberColumn(
            "Est. credits / month", format="localized", help="Observations × the model's price."
        ),
        "observations_recent": st.column_config.NumberColumn(
            f"Observations, {DAYS} d", help=f"Sessions observed in the last {DAYS} days."
        ),
        "observations_total": st.column_config.NumberColumn("Observations, all"),
        "success_rate": st.column_config.NumberColumn(
            "Success rate",
            format="%d%%",
            help="Succeeded / (succeeded + failed) over the scanner's observations.",
        ),
        "last_observation": st.column_config.DatetimeColumn("Last observation", format="distance"),
        "observations_link": st.column_config.LinkColumn(
            "Explore",
            display_text="Observations ↗",
            help="Opens the Observations page filtered to this scanner, in a new tab.",
        ),
    },
)

picked = selection.selection.rows if selection else []
if picked:
    row = fleet.iloc[picked[0]]
    st.page_link(
        navigation.OBSERVATIONS.path,
        label=f"Explore the observations of {render.escape_markdown(row['name'])}",
        icon=":material/visibility:",
        query_params={"scanner": row["id"]},
    )
else:
    st.caption("Select a row to open its observations here, or use the ↗ link for a new tab.")

# -- charts: cost beside daily activity, one row ----------------------------------------------
with st.container(horizontal=True):
    if result.cost_spec is None:
        st.info("No enabled scanner has an estimate yet.", icon=":material/payments:")
    else:
        st.vega_lite_chart(result.cost_spec, width="stretch")
    if result.daily_spec is None:
        st.info(f"No observations in the last {DAYS} days.", icon=":material/timeline:")
    elif not result.capped_names:
        st.vega_lite_chart(result.daily_spec, width="stretch")
    else:
        with st.container():
            st.vega_lite_chart(result.daily_spec, width="stretch")
            st.caption(
                f"Counts only the newest {overview_view.RECENT_OBSERVATIONS_CAP:,} observations "
                "of: " + render.escape_markdown(", ".join(result.capped_names))
            )
