"""Overview: the whole fleet at a glance — counts by type, creators, every scanner side by side."""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from console import cost, cost_charts, data, overview_view, render
from vision_api import VisionAPIError

DAYS = overview_view.RECENT_DAYS

st.title("Overview")
st.caption(
    "Every scanner of this project side by side: what it is set to, what it is expected to "
    f"cost each month, and what it observed over the last {DAYS} days."
)

try:
    type_counts = data.scanner_stats()
    creators = data.creators()
    scanners = data.all_scanners()
except VisionAPIError as error:
    render.show_api_error(error, "load the scanners")
    st.stop()

# -- metrics strip ----------------------------------------------------------------------------
types = overview_view.type_summary_frame(type_counts)
strip = st.columns(1 + len(types))
strip[0].metric("Enabled scanners", f"{type_counts.enabled} / {type_counts.total}", border=True)
for column, row in zip(strip[1:], types.itertuples(index=False), strict=True):
    column.metric(
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
    st.page_link("app_pages/scanners.py", label="Go to Scanners", icon=":material/add:")
    st.stop()

# -- per-scanner stats, fetched concurrently (each read is cached) ----------------------------
with st.spinner(f"Loading the activity of {len(scanners)} scanners…"):
    activity = overview_view.fetch_fleet_activity(
        [scanner.id for scanner in scanners],
        stats=lambda scanner_id: data.observation_stats(scanner_id, recent_days=DAYS),
        recent=lambda scanner_id, limit: (
            data.list_observations(scanner_id, order_by="-created_at", limit=limit).items
        ),
        initializer=overview_view.streamlit_worker_initializer(),
    )
now = datetime.now(UTC)
last_seen = {sid: overview_view.last_observation_at(obs) for sid, obs in activity.recent.items()}
fleet = overview_view.fleet_frame(
    scanners, activity.stats, last_seen, lambda scanner_id: f"observations?scanner={scanner_id}"
)
totals = overview_view.fleet_totals(fleet)

load = st.columns(3)
load[0].metric("Estimated observations / month", f"{totals['est_observations']:,}", border=True)
load[1].metric(
    "Estimated credits / month",
    f"{totals['est_credits']:,}",
    help=f"≈ {cost.format_dollars(cost.dollars_for(totals['est_credits']))} a month "
    "(1 credit = $0.01), enabled scanners only.",
    border=True,
)
quota_share = totals["est_observations"] / cost.ERA_S_MONTHLY_QUOTA
load[2].metric(
    "Share of the monthly quota",
    f"{quota_share:.0%}",
    help=f"Estimated observations against the API's default quota of "
    f"{cost.ERA_S_MONTHLY_QUOTA:,} observations a month.",
    border=True,
)

# -- the fleet table --------------------------------------------------------------------------
st.subheader("Scanners")
if activity.errors:
    failed = fleet.loc[fleet["id"].isin(activity.errors), "name"]
    first = next(iter(activity.errors.values()))
    noun = "scanner" if len(failed) == 1 else "scanners"
    message = render.explain(first, f"load the activity of {len(failed)} {noun}")
    st.warning(
        render.escape_markdown(f"{message.as_text()}\nAffected: {', '.join(failed)}"),
        icon=":material/warning:",
    )
selection = st.dataframe(
    fleet,
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
        "app_pages/observations.py",
        label=f"Explore the observations of {render.escape_markdown(row['name'])}",
        icon=":material/visibility:",
        query_params={"scanner": row["id"]},
    )
else:
    st.caption("Select a row to open its observations here, or use the ↗ link for a new tab.")

# -- charts -----------------------------------------------------------------------------------
left, right = st.columns(2)
costs = overview_view.monthly_cost_frame(fleet)
if costs.empty:
    left.info("No enabled scanner has an estimate yet.", icon=":material/payments:")
else:
    left.altair_chart(cost_charts.monthly_cost_by_scanner_chart(costs), width="stretch")
names_by_id = dict(zip(fleet["id"], fleet["name"], strict=True))
daily = overview_view.daily_observations(activity.recent, names_by_id, now=now, days=DAYS)
if daily.empty:
    right.info(f"No observations in the last {DAYS} days.", icon=":material/timeline:")
else:
    right.altair_chart(cost_charts.observations_over_time_chart(daily, DAYS), width="stretch")
    since = overview_view.window_start(now, DAYS)
    capped = [
        names_by_id[sid]
        for sid, obs in activity.recent.items()
        if not overview_view.covers_window(obs, activity.limits[sid], since)
    ]
    if capped:
        right.caption(
            f"Counts only the newest {overview_view.RECENT_OBSERVATIONS_CAP:,} observations of: "
            + render.escape_markdown(", ".join(capped))
        )
