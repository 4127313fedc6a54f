"""Per-scanner activity loaded as the viewer looks: the visible page first, the rest on demand.

The fleet's aggregates come from list endpoints (``overview/fleet.py``); each scanner's
observation stats and newest observations cost two requests, so a fleet of thousands cannot
fetch them all on the first load (PostHog allows a key 480 requests a minute). ``Loaded`` holds
what this viewer has fetched so far, one per credentials and data generation (a Refresh or a
write starts afresh); ``ensure`` fetches the scanners of the page in view that are missing, in
one batch shared by every viewer of the same credentials (``activity.shared_activity``); and
``rest_section`` loads every other scanner progressively on request, a chunk per fragment run,
with an "n of N loaded" bar, an ETA inside the request budget, and Stop.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import streamlit as st

from vision_console import cache, request_budget
from vision_console import format as fmt
from vision_console.overview import activity
from vision_console.overview.activity import FleetActivity

if TYPE_CHECKING:
    from vision_api import Observation, ObservationStats, Scanner

PAGE_SIZE = 20
"""Scanners per page of the fleet table: the page in view is loaded first (two requests each)."""

CHUNK = PAGE_SIZE
"""Scanners fetched per step of "Load the rest" (one fragment run each)."""

REQUESTS_PER_SCANNER = 2
"""Its stats, and its newest observations (skipped when the stats count none)."""

LOADING_KEY = "overview_loading_rest"
STOP_KEY = "overview_stop_loading"
_STEP_INTERVAL_S = 0.2


@dataclass
class Loaded:
    """The per-scanner activity this viewer has fetched so far; ``version`` counts additions."""

    stats: dict[str, ObservationStats] = field(default_factory=dict)
    recent: dict[str, Sequence[Observation]] = field(default_factory=dict)
    limits: dict[str, int] = field(default_factory=dict)
    errors: dict[str, Exception] = field(default_factory=dict)
    attempted: set[str] = field(default_factory=set)
    version: int = 0
    seconds: float = 0.0
    """Time spent fetching so far (the ETA's measured pace)."""

    def missing(self, scanner_ids: Sequence[str]) -> list[str]:
        """The ids among ``scanner_ids`` not fetched yet, in their order."""
        return [sid for sid in scanner_ids if sid not in self.attempted]

    def count(self, scanner_ids: Sequence[str]) -> int:
        """How many of ``scanner_ids`` have been fetched (a failure counts: it was tried)."""
        return sum(1 for sid in scanner_ids if sid in self.attempted)

    def add(self, ids: Sequence[str], found: FleetActivity, seconds: float = 0.0) -> None:
        """Merge one batch's activity (``ids`` were asked for) into what is loaded."""
        self.stats.update(found.stats)
        self.recent.update(found.recent)
        self.limits.update(found.limits)
        self.errors.update(found.errors)
        self.attempted.update(ids)
        self.seconds += seconds
        self.version += 1

    def activity(self) -> FleetActivity:
        """A snapshot of everything loaded, as ``overview.fleet.build_fleet`` takes it."""
        return FleetActivity(
            stats=dict(self.stats),
            recent=dict(self.recent),
            limits=dict(self.limits),
            errors=dict(self.errors),
        )


def loaded() -> Loaded:
    """This viewer's loaded activity for the current credentials and data generation."""
    return cache.remember("overview:loaded", (), Loaded)


def page_of(scanners: Sequence[Scanner], page: int, size: int = PAGE_SIZE) -> list[Scanner]:
    """The scanners on page ``page`` (0-based) of ``scanners``."""
    return list(scanners[page * size : (page + 1) * size])


def pages(total: int, size: int = PAGE_SIZE) -> int:
    """How many pages ``total`` scanners fill (at least one)."""
    return max(1, -(-total // size))


def ensure(scanners: Sequence[Scanner], state: Loaded) -> bool:
    """Fetch the activity of those of ``scanners`` not loaded yet; True when anything was."""
    wanted = set(state.missing([s.id for s in scanners]))
    if not wanted:
        return False
    batch = [s for s in scanners if s.id in wanted]
    started = time.monotonic()
    found = activity.shared_activity(batch)
    state.add([s.id for s in batch], found, time.monotonic() - started)
    return True


def rest_note(total: int, done: int) -> str:
    """What is loaded, and what loading the rest would cost in requests and time."""
    left = total - done
    requests = left * REQUESTS_PER_SCANNER
    floor = request_budget.budget_seconds(requests)
    return (
        f"Activity loaded for {fmt.count(done)} of {fmt.count(total)} scanners: each page "
        f"loads when you open it. The other {fmt.count(left)} take up to "
        f"{fmt.count(requests, 'request')}, at least {fmt.duration(floor)} within PostHog's "
        f"limits of {request_budget.PER_MINUTE} requests a minute and "
        f"{fmt.count(request_budget.PER_HOUR)} an hour per key."
    )


def _start() -> None:
    st.session_state[LOADING_KEY] = True


def _stop() -> None:
    st.session_state[LOADING_KEY] = False


def rest_section(ordered: Sequence[Scanner], state: Loaded) -> None:
    """ "n of N loaded", and a button loading every other scanner progressively, with Stop."""
    ids = [s.id for s in ordered]
    done = state.count(ids)
    if done >= len(ids):
        st.session_state[LOADING_KEY] = False
        return
    if not st.session_state.get(LOADING_KEY):
        st.caption(rest_note(len(ids), done))
        st.button(
            f"Load the other {fmt.count(len(ids) - done)} scanners",
            key="overview_load_rest",
            icon=":material/downloading:",
            on_click=_start,
        )
        return
    st.fragment(_load_step, run_every=_STEP_INTERVAL_S)(ordered, state)


def _load_step(ordered: Sequence[Scanner], state: Loaded) -> None:
    """One fragment run of "Load the rest": progress, Stop, then the next chunk."""
    ids = [s.id for s in ordered]
    missing = state.missing(ids)
    if not missing or not st.session_state.get(LOADING_KEY):
        st.session_state[LOADING_KEY] = False
        st.rerun(scope="app")  # the table and charts redraw with everything loaded
    done = len(ids) - len(missing)
    eta = request_budget.eta_seconds(
        len(missing) * REQUESTS_PER_SCANNER, done * REQUESTS_PER_SCANNER, state.seconds
    )
    st.progress(
        done / len(ids),
        text=f"Loading activity: {fmt.count(done)} of {fmt.count(len(ids))} scanners, "
        f"about {fmt.duration(eta)} left",
    )
    st.button("Stop", key=STOP_KEY, icon=":material/stop:", on_click=_stop)
    chunk = set(missing[:CHUNK])
    ensure([s for s in ordered if s.id in chunk], state)
