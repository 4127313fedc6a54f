"""Pagination mechanics over an in-memory list: lazy caps, concurrent order, server caps, repeats.

The same paths run against the sandbox over HTTP in test_observations.py; these cases need a
data source whose page sizes and contents change on command.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from vision_api import Page
from vision_api.pagination import fetch_all, iterate


class Source:
    """A list served page by page; records every (offset, limit) asked and by which thread."""

    def __init__(self, n: int, *, server_cap: int | None = None) -> None:
        self.rows = list(range(n))
        self.server_cap = server_cap
        self.calls: list[tuple[int, int]] = []
        self.threads: set[str] = set()
        self._lock = threading.Lock()

    def fetch(self, offset: int, limit: int) -> Page[int]:
        with self._lock:
            self.calls.append((offset, limit))
            self.threads.add(threading.current_thread().name)
        size = min(limit, self.server_cap or limit)
        items = self.rows[offset : offset + size]
        has_next = offset + len(items) < len(self.rows)
        return Page(
            items,
            count=len(self.rows),
            offset=offset,
            limit=limit,
            has_next=has_next,
            fetch=self.fetch,
        )


def test_next_page_continues_where_the_page_ended() -> None:
    source = Source(5)
    first = source.fetch(0, 2)
    second = first.next_page()
    assert (second.items, second.offset) == ([2, 3], 2)
    last = second.next_page()
    assert last.items == [4] and not last.has_next
    with pytest.raises(RuntimeError, match="last page"):
        last.next_page()


def test_iterate_is_lazy() -> None:
    source = Source(1000)
    stream = iterate(source.fetch, offset=0, page_size=10, max_items=None)
    assert source.calls == []
    assert [next(stream) for _ in range(15)] == list(range(15))
    assert source.calls == [(0, 10), (10, 10)]


@pytest.mark.parametrize(("max_items", "expected_calls"), [(None, 4), (7, 3), (3, 1), (0, 0)])
def test_iterate_stops_at_the_cap_or_the_end(max_items: int | None, expected_calls: int) -> None:
    source = Source(10)
    items = list(iterate(source.fetch, offset=0, page_size=3, max_items=max_items))
    assert items == source.rows[: 10 if max_items is None else max_items]
    assert len(source.calls) == expected_calls


def test_a_cap_below_one_page_asks_only_for_what_it_needs() -> None:
    source = Source(1000)
    assert list(iterate(source.fetch, offset=0, page_size=100, max_items=2)) == [0, 1]
    assert source.calls == [(0, 2)]


def test_iterate_stops_on_an_empty_page_even_if_the_server_claims_more() -> None:
    def looping(offset: int, limit: int) -> Page[int]:
        items = [1] if offset == 0 else []
        return Page(items, count=99, offset=offset, limit=limit, has_next=True, fetch=looping)

    assert list(iterate(looping, offset=0, page_size=1, max_items=None)) == [1]


def test_iterate_follows_a_server_that_caps_page_size() -> None:
    source = Source(25, server_cap=10)
    assert list(iterate(source.fetch, offset=0, page_size=100, max_items=None)) == source.rows


@pytest.mark.parametrize("n", [0, 1, 99, 100, 101, 1234])
def test_fetch_all_returns_every_item_in_server_order(n: int) -> None:
    source = Source(n)
    items = fetch_all(source.fetch, page_size=100, max_workers=4)
    assert items == source.rows


def test_fetch_all_fetches_pages_on_worker_threads() -> None:
    source = Source(1000)
    fetch_all(source.fetch, page_size=100, max_workers=3)
    workers = {name for name in source.threads if name.startswith("vision-fetch")}
    assert 1 <= len(workers) <= 3
    assert sorted(offset for offset, _ in source.calls) == list(range(0, 1000, 100))


def test_fetch_all_respects_max_items_without_overfetching() -> None:
    source = Source(1000)
    items = fetch_all(source.fetch, page_size=100, max_workers=4, max_items=250)
    assert items == list(range(250))
    assert sum(1 for _ in source.calls) == 3


def test_fetch_all_adapts_to_a_server_page_cap() -> None:
    source = Source(95, server_cap=20)
    assert fetch_all(source.fetch, page_size=50, max_workers=2) == source.rows


def test_fetch_all_reports_progress_up_to_the_total() -> None:
    source = Source(450)
    seen: list[tuple[int, int]] = []
    fetch_all(
        source.fetch, page_size=100, max_workers=2, on_progress=lambda d, t: seen.append((d, t))
    )
    assert seen[0] == (100, 450) and seen[-1] == (450, 450)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert all(total == 450 for _, total in seen)


class ReportGate:
    """Holds each page fetch until the previous page's progress report was delivered.

    Makes "progress arrives as pages arrive" deterministic: if reports were delivered only at
    the end, every gated fetch would time out waiting.
    """

    def __init__(self, source: Source, page_size: int, timeout: float = 3.0) -> None:
        self.source = source
        self.page_size = page_size
        self.timeout = timeout
        self.reported: list[threading.Event] = [threading.Event() for _ in range(1000)]
        self.waits_satisfied: list[bool] = []

    def fetch(self, offset: int, limit: int) -> Page[int]:
        page_number = offset // self.page_size
        if page_number >= 2:
            self.waits_satisfied.append(self.reported[page_number - 1].wait(self.timeout))
        return self.source.fetch(offset, limit)

    def report(self, done: int, _total: int) -> None:
        self.reported[done // self.page_size - 1].set()


def test_fetch_all_reports_progress_as_pages_arrive_not_at_the_end() -> None:
    gate = ReportGate(Source(1000), page_size=100)
    fetch_all(gate.fetch, page_size=100, max_workers=1, on_progress=gate.report)
    assert gate.waits_satisfied == [True] * 8


class StopExport(Exception):
    """What a caller's progress callback might raise to abandon an export."""


def test_a_failing_progress_callback_stops_the_fetch() -> None:
    source = Source(200)
    gate = ReportGate(source, page_size=10, timeout=1.0)

    def stop_after_three_pages(done: int, total: int) -> None:
        gate.report(done, total)
        if done >= 30:
            raise StopExport

    with pytest.raises(StopExport):
        fetch_all(gate.fetch, page_size=10, max_workers=1, on_progress=stop_after_three_pages)
    assert len(source.calls) <= 5


def test_fetch_all_drops_repeats_caused_by_inserts_during_the_fetch() -> None:
    rows = [f"r{i}" for i in range(6)]

    def shifting(offset: int, limit: int) -> Page[str]:
        # A new row lands at the head after the first page, shifting later pages by one.
        current = rows if offset == 0 else ["new", *rows]
        items = current[offset : offset + limit]
        return Page(
            items,
            count=len(rows),
            offset=offset,
            limit=limit,
            has_next=offset + limit < 6,
            fetch=shifting,
        )

    assert fetch_all(shifting, page_size=2, max_workers=2, key=lambda r: r) == rows


def test_fetch_all_raises_the_first_failure_and_stops() -> None:
    source = Source(1000)

    def failing(offset: int, limit: int) -> Page[int]:
        if offset == 300:
            raise ValueError("page 3 failed")
        return source.fetch(offset, limit)

    with pytest.raises(ValueError, match="page 3 failed"):
        fetch_all(failing, page_size=100, max_workers=1)
    assert len(source.calls) < 10


@pytest.mark.parametrize(
    ("name", "kwargs"), [("page_size", {"page_size": 0}), ("max_workers", {"max_workers": 0})]
)
def test_fetch_all_rejects_nonsense_sizes(name: str, kwargs: dict[str, int]) -> None:
    options: dict[str, int] = {"page_size": 10, "max_workers": 2, **kwargs}
    fetch: Callable[[int, int], Page[int]] = Source(3).fetch
    with pytest.raises(ValueError, match=name):
        fetch_all(fetch, **options)
