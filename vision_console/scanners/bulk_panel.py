"""Bulk scan on the scanner page: paste up to 200 sessions, see each outcome, follow the started.

The pasted text is read by ``session_input.parse_many`` (ids or recording links, de-duplicated
in order, validated); nothing is sent while it has a problem, which is shown on the field. One
``bulk_observe`` request (never retried: it spends credits) answers with a ``scan_outcome`` per
session; the started ones are then followed by a fragment every ``bulk_run.POLL_SECONDS``, a
chunk of ids per read, for a bounded number of rounds (``bulk_run``). Only the current era has
bulk scans; on a seed-era server the tab says so.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from vision_api import Observation, Scanner, VisionAPIError
from vision_console import cache, models_catalog, navigation, server_era
from vision_console import format as fmt
from vision_console.render import escape_markdown, explain
from vision_console.scanners import bulk_run, session_input
from vision_console.scanners.bulk_run import BulkTracking

TRACK_KEY = "scanner.bulk"


def _era_has_bulk() -> bool:
    return server_era.is_current()


def render(scanner: Scanner) -> None:
    """The paste box, its problem, and the last bulk scan's outcomes."""
    if not _era_has_bulk():
        st.info(
            "This server has no bulk scans (an older Replay Vision API): scan recordings one "
            "at a time.",
            icon=":material/info:",
        )
        return
    credits = models_catalog.scanner_price(scanner)
    with st.form(f"scanner.bulk_form.{scanner.id}", border=False, enter_to_submit=False):
        text = st.text_area(
            "Session ids or recording links",
            key=f"scanner.bulk_input.{scanner.id}",
            placeholder=f"One a line (or separated by commas), up to {session_input.MAX_BULK}",
            height=140,
        )
        go = st.form_submit_button("Scan all", icon=":material/playlist_play:")
    st.caption(
        f"Each succeeded scan uses {fmt.credits(credits)}; sessions this scanner already "
        "scanned are not charged again."
    )
    if go:
        start(scanner, text)
    tracking = st.session_state.get(TRACK_KEY)
    if isinstance(tracking, BulkTracking) and tracking.scanner_id == scanner.id:
        if tracking.done or tracking.gave_up:
            render_tracking(tracking)
        else:
            _follow()


def start(scanner: Scanner, text: str) -> None:
    """Validate the paste; send it once when it is usable, else leave the problem on the field."""
    read = session_input.parse_many(text)
    problem = read.problem()
    if problem:
        st.error(escape_markdown(problem), icon=":material/error:")  # right under the field
        return
    try:
        result = cache.bulk_observe(scanner.id, read.session_ids)
    except (VisionAPIError, cache.ReadOnlyError) as exc:
        st.error(escape_markdown(explain(exc, "start the bulk scan").as_text()))
        return
    st.session_state[TRACK_KEY] = bulk_run.start(scanner.id, result)
    repeats = f" ({fmt.count(read.duplicates, 'repeat')} dropped)" if read.duplicates else ""
    st.toast(
        f"Bulk scan sent: {fmt.count(result.started)} of "
        f"{fmt.count(len(result.results), 'session')} started{repeats}.",
        icon=":material/playlist_play:",
    )


@st.fragment(run_every=bulk_run.POLL_SECONDS)
def _follow() -> None:
    """One round of reads: the pending sessions' observations, a chunk per request."""
    tracking = st.session_state.get(TRACK_KEY)
    if not isinstance(tracking, BulkTracking):
        return
    found: list[Observation] = []
    try:
        for chunk in bulk_run.chunks(tracking.pending_ids):
            found.extend(cache.live_observations_of(tracking.scanner_id, chunk))
    except VisionAPIError as exc:
        st.warning(escape_markdown(explain(exc, "check the bulk scan").as_text()))
        return
    tracking = bulk_run.advance(tracking, found)
    st.session_state[TRACK_KEY] = tracking
    render_tracking(tracking)
    if tracking.done or tracking.gave_up:
        st.rerun(scope="app")


def render_tracking(tracking: BulkTracking) -> None:
    """Outcome counts, progress of the followed scans, and one row per session."""
    counts = " · ".join(f"{label}: {fmt.count(n)}" for label, n in tracking.counts().items())
    st.caption(escape_markdown(counts))
    settled, followed = tracking.progress()
    if followed:
        st.progress(
            settled / followed,
            text=f"{fmt.count(settled)} of {fmt.count(followed, 'started scan')} finished",
        )
    if tracking.gave_up:
        st.info(
            "Some scans are still running after a few minutes; they will appear on the "
            "Observations page when they finish.",
            icon=":material/hourglass_top:",
        )
    st.dataframe(pd.DataFrame(bulk_run.table_rows(tracking)), hide_index=True, width="stretch")
    if tracking.done and followed:
        st.page_link(
            navigation.OBSERVATIONS.path,
            label="Open the results in Observations",
            icon=":material/open_in_new:",
            query_params={"scanner": tracking.scanner_id},
        )
