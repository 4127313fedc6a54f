"""Cached reads and invalidating writes over this viewer's ``VisionClient``.

Streamlit's data cache is global to the server process, so every cached read is keyed by the
connection's credential fingerprint (never the key) and by a write generation for that
fingerprint: a write through this module bumps the generation, so every viewer of the same
project and key reads fresh data on their next run, while other credentials are untouched.
Reads that must be live (polling an observation in flight) bypass the cache.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

import streamlit as st

from vision_api import (
    APIConnectionError,
    Estimate,
    Observation,
    ObservationStats,
    ObserveResult,
    Page,
    Scanner,
    ScannerStats,
    User,
    VisionClient,
)
from vision_console import connection

T = TypeVar("T")

READ_TTL_SECONDS = 60
ESTIMATE_TTL_SECONDS = 600
MAX_CACHED_READS = 2048

_generation_lock = threading.Lock()
_generations: dict[str, int] = {}

_RUN_KEY = "_vision_run_number"
_UNREACHABLE_RUN_KEY = "_vision_unreachable_in_run"


class ReadOnlyError(PermissionError):
    """Raised for a write attempted while the console is configured read-only."""

    def __init__(self) -> None:
        super().__init__("This console is read-only: changes are disabled by its operator.")


def generation(fingerprint: str) -> int:
    """How many writes this credential fingerprint has made in this process."""
    with _generation_lock:
        return _generations.get(fingerprint, 0)


def invalidate(fingerprint: str | None = None) -> None:
    """Make every cached read of one credential fingerprint stale (default: the current one)."""
    target = fingerprint or connection.current().fingerprint
    with _generation_lock:
        _generations[target] = _generations.get(target, 0) + 1


def _call_key(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    """Call arguments as canonical JSON: hashable, order-stable, and losslessly decodable."""
    present = {name: value for name, value in kwargs.items() if value is not None}
    return json.dumps({"args": list(args), "kwargs": present}, sort_keys=True, default=list)


@st.cache_data(ttl=READ_TTL_SECONDS, max_entries=MAX_CACHED_READS, show_spinner=False)
def _cached_read(
    fingerprint: str,  # noqa: ARG001 - part of the cache key: whose data this is
    write_generation: int,  # noqa: ARG001 - part of the cache key: bumped by writes
    resource: str,
    method: str,
    call_key: str,
    _client: VisionClient,
) -> Any:
    """One API read; the hashed arguments identify the credentials, the call and its inputs.

    Lazy results (iterators) are materialised so that what is cached is plain data.
    """
    decoded = json.loads(call_key)
    result = getattr(getattr(_client, resource), method)(*decoded["args"], **decoded["kwargs"])
    if isinstance(result, Iterator):
        return list(result)
    return result


@st.cache_data(ttl=ESTIMATE_TTL_SECONDS, max_entries=256, show_spinner=False)
def _cached_estimate(
    fingerprint: str,  # noqa: ARG001 - part of the cache key: whose data this is
    query_json: str,
    scanner_id: str | None,
    model: str | None,
    _client: VisionClient,
) -> Estimate:
    """Estimates at rate 1.0 scale linearly, so one call per query serves every rate.

    Not keyed by write generation: the estimate depends on the recordings, not on scanners,
    except for the others' load, which a write elsewhere changes only marginally; the TTL
    bounds that staleness.
    """
    return _client.scanners.estimate(
        query=json.loads(query_json), sampling_rate=1.0, scanner_id=scanner_id, model=model
    )


def start_run() -> None:
    """Mark the start of a script run (called by the frame before any page reads)."""
    st.session_state[_RUN_KEY] = st.session_state.get(_RUN_KEY, 0) + 1


def _fail_fast(read: Callable[[], T]) -> T:
    """Run one read, unless an earlier read of this same run found the API unreachable.

    A page makes several reads per run and the client retries each connection failure for
    seconds; without this an outage would take every read's retries to be reported. The
    next run tries again, so the page recovers by itself once the API answers.
    """
    run = st.session_state.get(_RUN_KEY)
    if run is not None and st.session_state.get(_UNREACHABLE_RUN_KEY) == run:
        raise APIConnectionError(
            "Skipped: the API was unreachable earlier in this run.",
            may_have_reached_server=False,
        )
    try:
        return read()
    except APIConnectionError:
        st.session_state[_UNREACHABLE_RUN_KEY] = run
        raise


def _read(resource: str, method: str, *args: Any, **kwargs: Any) -> Any:
    conn = connection.current()
    return _fail_fast(
        lambda: _cached_read(
            conn.fingerprint,
            generation(conn.fingerprint),
            resource,
            method,
            _call_key(args, kwargs),
            _client=connection.client(),
        )
    )


def list_scanners(**filters: Any) -> Page[Scanner]:
    """One page of scanners (filters as ``client.scanners.list`` takes them)."""
    page: Page[Scanner] = _read("scanners", "list", **filters)
    return page


def all_scanners(max_items: int = 1000, **filters: Any) -> list[Scanner]:
    """Every scanner matching the filters, up to a cap (the overview and pickers need all)."""
    items: list[Scanner] = _read("scanners", "iter", max_items=max_items, **filters)
    return items


def scanner(scanner_id: str) -> Scanner:
    result: Scanner = _read("scanners", "retrieve", scanner_id)
    return result


def creators() -> list[User]:
    result: list[User] = _read("scanners", "creators")
    return result


def scanner_stats() -> ScannerStats:
    result: ScannerStats = _read("scanners", "stats")
    return result


def list_observations(scanner_id: str, **filters: Any) -> Page[Observation]:
    page: Page[Observation] = _read("observations", "list", scanner_id, **filters)
    return page


def observation(scanner_id: str, observation_id: str, **filters: Any) -> Observation:
    result: Observation = _read("observations", "retrieve", scanner_id, observation_id, **filters)
    return result


def observation_stats(scanner_id: str, **filters: Any) -> ObservationStats:
    result: ObservationStats = _read("observations", "stats", scanner_id, **filters)
    return result


def estimate(
    query: dict[str, Any] | None, *, scanner_id: str | None = None, model: str | None = None
) -> Estimate:
    """The estimate at sampling rate 1.0 for a query; scale it to any rate without a request."""
    conn = connection.current()
    return _fail_fast(
        lambda: _cached_estimate(
            conn.fingerprint,
            json.dumps(query or {}, sort_keys=True),
            scanner_id,
            model,
            _client=connection.client(),
        )
    )


def live_scanner(scanner_id: str) -> Scanner:
    """Uncached: the scanner as the server has it now (opening an edit, checking its version)."""
    return connection.client().scanners.retrieve(scanner_id)


def live_observations(scanner_id: str, session_id: str) -> Sequence[Observation]:
    """Uncached: the observations of one session, for following a scan in flight."""
    return connection.client().observations.list(scanner_id, session_id=session_id).items


def _write(action: Callable[[VisionClient], T]) -> T:
    """Run a write unless read-only; invalidate this credential's reads whatever happens,
    since a write that timed out may still have been applied."""
    conn = connection.current()
    if conn.read_only:
        raise ReadOnlyError()
    try:
        return action(connection.client())
    finally:
        invalidate(conn.fingerprint)


def create_scanner(**payload: Any) -> Scanner:
    return _write(lambda c: c.scanners.create(**payload))


def update_scanner(scanner_id: str, **changed: Any) -> Scanner:
    return _write(lambda c: c.scanners.update(scanner_id, **changed))


def delete_scanner(scanner_id: str) -> None:
    _write(lambda c: c.scanners.delete(scanner_id))


def observe(scanner_id: str, session_id: str) -> ObserveResult:
    return _write(lambda c: c.scanners.observe(scanner_id, session_id))
