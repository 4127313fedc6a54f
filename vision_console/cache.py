"""The console's one caching module: shared API reads, and per-viewer derived values.

Two mechanisms, no more:

1. **Shared reads** (``st.cache_data``, global to the server process). Every entry is keyed by
   the connection's credential fingerprint (never the key), the write generation of that
   fingerprint and the code version. A write through this module bumps the generation, so every
   viewer of the same project and key reads fresh data on their next run, while other
   credentials are untouched. Besides plain API reads, ``shared`` keeps a value derived from
   reads (the fleet's activity, a stats answer's chart specs) under the same key, so the next
   viewer of the same credentials gets it without fetching or building it again.
2. **Per-viewer memo** (``remember``, in session state): the last value of a slot while its
   inputs are unchanged, so an idle rerun only redraws. Keyed the same way.

The **code version** is a digest of the console's and client's source files (path, size, mtime):
editing the code that produced a cached value makes it unreachable, so Refresh under ``make run``
shows the new chart, not the one cached before the edit. Reads that must be live (following a
scan in flight) bypass the cache.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import streamlit as st
from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

import vision_api
import vision_console
from vision_api import (
    APIConnectionError,
    BulkObserveResult,
    Era,
    Estimate,
    Label,
    Observation,
    ObservationStats,
    ObserveResult,
    Page,
    Quota,
    Scanner,
    ScannerStats,
    SpendSeries,
    User,
    VisionClient,
)
from vision_console import connection

T = TypeVar("T")

READ_TTL_SECONDS = 60
ESTIMATE_TTL_SECONDS = 600
ERA_TTL_SECONDS = 3600
"""A server's era changes only when PostHog ships a new API, not between two reruns."""
MAX_CACHED_READS = 2048

_generation_lock = threading.Lock()
_generations: dict[str, int] = {}

SHARED_TTL_SECONDS = READ_TTL_SECONDS
MAX_SHARED_VALUES = 256

_RUN_KEY = "_vision_run_number"
_CODE_VERSION_KEY = "_vision_code_version"
_MEMO_KEY = "_vision_memo"
_SOURCE_ROOTS = (Path(vision_console.__file__).parent, Path(vision_api.__file__).parent)
_UNREACHABLE_RUN_KEY = "_vision_unreachable_in_run"
_WAIT_TOLD_RUN_KEY = "_vision_budget_wait_told_in_run"
BUDGET_NOTICE_AFTER_S = 0.5
"""Waits for the request budget shorter than this pass unremarked, like ordinary latency."""


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
    code: str,  # noqa: ARG001 - part of the cache key: the code that parsed the answer
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
    code: str,  # noqa: ARG001 - part of the cache key: the code that parsed the answer
    query_json: str,
    scanner_id: str | None,
    model: str | None,
    _client: VisionClient,
    sampling_mode: str | None = None,
) -> Estimate:
    """Estimates at rate 1.0 scale linearly, so one call per query serves every rate.

    Not keyed by write generation: the estimate depends on the recordings, not on scanners,
    except for the others' load, which a write elsewhere changes only marginally; the TTL
    bounds that staleness.
    """
    return _client.scanners.estimate(
        query=json.loads(query_json),
        sampling_rate=1.0,
        scanner_id=scanner_id,
        model=model,
        sampling_mode=sampling_mode,
    )


@st.cache_data(ttl=ERA_TTL_SECONDS, max_entries=MAX_CACHED_READS, show_spinner=False)
def _cached_era(
    fingerprint: str,  # noqa: ARG001 - part of the cache key: whose server this is
    _client: VisionClient,
) -> Era:
    """The server's era, detected once per credentials for every viewer of them."""
    return _client.era()


def code_version() -> str:
    """A digest of the console's and client's source files as they are on disk now.

    The file list is taken once per process (``_source_files``); each call only stats them
    (about 0.1 ms for the ~120 files), so every run can afford it.
    """
    hasher = hashlib.blake2b(digest_size=8)
    for path in _source_files(_SOURCE_ROOTS):
        try:
            stat = path.stat()
        except OSError:  # a file deleted while developing: that is a change too
            hasher.update(f"{path}:gone\n".encode())
            continue
        hasher.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return hasher.hexdigest()


@functools.cache
def _source_files(roots: tuple[Path, ...]) -> tuple[Path, ...]:
    return tuple(path for root in roots for path in sorted(root.rglob("*.py")))


def start_run() -> None:
    """Mark the start of a script run (called by the frame before any page reads), and take
    the code version once for the whole run."""
    st.session_state[_RUN_KEY] = st.session_state.get(_RUN_KEY, 0) + 1
    st.session_state[_CODE_VERSION_KEY] = code_version()


def _code() -> str:
    version = st.session_state.get(_CODE_VERSION_KEY)
    return version if isinstance(version, str) else code_version()


def _tell_of_budget_wait(*, estimate: bool = False) -> None:
    """Say so before a read that will wait for the shared request budget (once a run).

    The wait itself happens inside the client, within a cached function, where Streamlit
    cannot draw; so the pacer's state is read here, outside it, just before the call.
    """
    status = connection.client().pacer.status()
    wait = status.estimate_wait_seconds if estimate else status.wait_seconds
    run = st.session_state.get(_RUN_KEY)
    if wait < BUDGET_NOTICE_AFTER_S or st.session_state.get(_WAIT_TOLD_RUN_KEY) == run:
        return
    st.session_state[_WAIT_TOLD_RUN_KEY] = run
    what = "estimate budget (20 a minute per project)" if estimate else "request budget"
    st.toast(
        f"Waiting about {math.ceil(wait)} s for PostHog's {what}, shared by everyone "
        "using this key.",
        icon=":material/hourglass_top:",
    )


def _fail_fast(read: Callable[[], T], *, estimate: bool = False) -> T:
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
    _tell_of_budget_wait(estimate=estimate)
    try:
        return read()
    except APIConnectionError:
        st.session_state[_UNREACHABLE_RUN_KEY] = run
        raise


def together(*reads: Callable[[], Any]) -> list[Any]:
    """Run independent reads at once and return their values in order (the first failure, in
    order, is raised once all have ended).

    A page's first load makes several reads that do not depend on one another (the scanner
    list, the fleet counts, the creators, the quota); one after another, each pays the API's
    round trip. Each read here runs on a worker thread of its own, with this run's script
    context (session state, so the reads are the same cached reads the page would make) and
    its own copy of the viewer's client (``connection.worker_client``).
    """
    if len(reads) < 2:
        return [read() for read in reads]
    context = get_script_run_ctx()
    _tell_of_budget_wait()

    with connection.per_thread(connection.client()) as own:

        def run(read: Callable[[], Any]) -> Any:
            add_script_run_ctx(threading.current_thread(), context)
            with connection.worker_client(own()):
                return read()

        with ThreadPoolExecutor(max_workers=len(reads), thread_name_prefix="read") as pool:
            futures = [pool.submit(run, read) for read in reads]
            return [future.result() for future in futures]


def _read(resource: str, method: str, *args: Any, **kwargs: Any) -> Any:
    conn = connection.current()
    return _fail_fast(
        lambda: _cached_read(
            conn.fingerprint,
            generation(conn.fingerprint),
            _code(),
            resource,
            method,
            _call_key(args, kwargs),
            _client=connection.client(),
        )
    )


def era() -> Era:
    """Which era of the API this connection's server speaks ("seed" or "current").

    Pages adapt by it: units (observations or credits), models, and the features only the
    current era has (labels, retry, bulk scans, sampling modes, tags, credit limits)."""
    conn = connection.current()
    detected = _fail_fast(lambda: _cached_era(conn.fingerprint, _client=connection.client()))
    _remember_era(conn.fingerprint, detected)
    return detected


def _remember_era(fingerprint: str, era: Era) -> None:
    if len(_known_eras) >= MAX_CACHED_READS:
        _known_eras.clear()  # bounded like the reads: many viewers' keys cannot grow it forever
    _known_eras[fingerprint] = era


_known_eras: dict[str, Era] = {}
"""Eras already detected, by credential fingerprint, so the sidebar can name one without
sending a request of its own (its first read would otherwise take the blame for an outage)."""


def known_era() -> Era | None:
    """This connection's era if a page has detected it already in this process, else None."""
    return _known_eras.get(connection.current().fingerprint)


def quota() -> Quota:
    """The organisation's quota for this period, in the era's unit (which names the era too:
    the client tells the eras apart by these very keys)."""
    result: Quota = _read("quota", "retrieve")
    _remember_era(
        connection.current().fingerprint, "current" if result.unit == "credits" else "seed"
    )
    return result


def spend_series() -> SpendSeries:
    """Credits spent per day this period (current era only)."""
    result: SpendSeries = _read("quota", "spend_series")
    return result


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
    query: dict[str, Any] | None,
    *,
    scanner_id: str | None = None,
    model: str | None = None,
    sampling_mode: str | None = None,
) -> Estimate:
    """The estimate at sampling rate 1.0 for a query; scale it to any rate without a request.

    ``sampling_mode`` (current era) narrows the matched sessions, so it is part of the key."""
    conn = connection.current()
    return _fail_fast(
        lambda: _cached_estimate(
            conn.fingerprint,
            _code(),
            json.dumps(query or {}, sort_keys=True),
            scanner_id,
            model,
            _client=connection.client(),
            sampling_mode=sampling_mode,
        ),
        estimate=True,
    )


def live_scanner(scanner_id: str) -> Scanner:
    """Uncached: the scanner as the server has it now (opening an edit, checking its version)."""
    return connection.client().scanners.retrieve(scanner_id)


def live_observations(scanner_id: str, session_id: str) -> Sequence[Observation]:
    """Uncached: the observations of one session, for following a scan in flight."""
    return connection.client().observations.list(scanner_id, session_id=session_id).items


def live_observations_of(scanner_id: str, session_ids: Sequence[str]) -> Sequence[Observation]:
    """Uncached: the observations of several sessions (current era: the filter takes a list),
    for following a bulk scan; the caller bounds how many ids one read carries."""
    ids = list(session_ids)
    return (
        connection.client()
        .observations.list(scanner_id, session_id=ids, limit=max(1, min(100, 2 * len(ids))))
        .items
    )


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


def bulk_observe(scanner_id: str, session_ids: Sequence[str]) -> BulkObserveResult:
    return _write(lambda c: c.scanners.bulk_observe(scanner_id, session_ids))


def retry_observation(scanner_id: str, observation_id: str) -> ObserveResult:
    return _write(lambda c: c.observations.retry(scanner_id, observation_id))


def label_observation(
    scanner_id: str, observation_id: str, *, is_correct: bool, feedback: str = ""
) -> Label:
    return _write(
        lambda c: c.observations.label(
            scanner_id, observation_id, is_correct=is_correct, feedback=feedback
        )
    )


def unlabel_observation(scanner_id: str, observation_id: str) -> None:
    _write(lambda c: c.observations.unlabel(scanner_id, observation_id))


# -- values derived from reads: shared per credentials, or kept per viewer --------------------


class Incomplete(Exception):
    """Raised by a ``shared`` computation to hand back a value that must not be shared.

    A partial result (one scanner of the fleet failed with a passing 503) is returned to the
    viewer who computed it, but the next viewer should try again rather than be served it.
    """

    def __init__(self, value: object) -> None:
        super().__init__("incomplete value, not shared")
        self.value = value


@st.cache_data(ttl=SHARED_TTL_SECONDS, max_entries=MAX_SHARED_VALUES, show_spinner=False)
def _cached_shared(
    fingerprint: str,  # noqa: ARG001 - part of the cache key: whose data this is
    write_generation: int,  # noqa: ARG001 - part of the cache key: bumped by writes
    code: str,  # noqa: ARG001 - part of the cache key: the code that derived the value
    slot: str,  # noqa: ARG001 - part of the cache key: which derivation
    key: str,  # noqa: ARG001 - part of the cache key: its inputs
    _compute: Callable[[], Any],
) -> Any:
    return _compute()


def shared(slot: str, key: tuple[object, ...], compute: Callable[[], T]) -> T:
    """``compute()``'s value, shared by every viewer of the current credentials.

    ``key`` names what the value depends on besides the credentials, their write generation
    and the code (added here); it must be JSON-encodable. ``compute`` may raise ``Incomplete``
    to return a value without sharing it. Values are copies (``st.cache_data`` pickles them).
    """
    conn = connection.current()
    try:
        value: T = _cached_shared(
            conn.fingerprint,
            generation(conn.fingerprint),
            _code(),
            slot,
            json.dumps(key, sort_keys=True, default=str),
            _compute=compute,
        )
    except Incomplete as incomplete:
        return incomplete.value  # type: ignore[return-value]
    return value


def remember(slot: str, key: tuple[object, ...], compute: Callable[[], T]) -> T:
    """``compute()``'s value for ``key``, kept in this viewer's session while ``key`` holds.

    One value per slot (a page keeps the answer for its current inputs, not a history). The key
    also carries the credential fingerprint, write generation and code version; keys are
    compared with ``==``, never hashed. A failing ``compute`` stores nothing.
    """
    memo: dict[str, tuple[tuple[Any, ...], Any]] = st.session_state.setdefault(_MEMO_KEY, {})
    conn = connection.current()
    full_key = (conn.fingerprint, generation(conn.fingerprint), _code(), *key)
    held = memo.get(slot)
    if held is not None and held[0] == full_key:
        kept: T = held[1]
        return kept
    value = compute()
    memo[slot] = (full_key, value)
    return value


def forget(slot: str) -> None:
    """Drop a slot's value so the next ``remember`` recomputes it."""
    st.session_state.get(_MEMO_KEY, {}).pop(slot, None)


def remembered(slot: str) -> Any:
    """A slot's current value, or None (tests and benches look inside)."""
    held = st.session_state.get(_MEMO_KEY, {}).get(slot)
    return None if held is None else held[1]
