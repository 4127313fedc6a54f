"""Offset pagination: one Page[T], a lazy capped iterator, and a concurrent bulk fetch."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any, Generic, TypeVar

from ._exceptions import TooManyRowsError
from ._parse import Fields, expect_list

T = TypeVar("T")

PageFetcher = Callable[[int, int], "Page[T]"]
"""fetch(offset, limit) -> the page starting at `offset`."""

ProgressCallback = Callable[[int, int], None]
"""on_progress(items_fetched, items_expected)."""


class Page(Generic[T]):
    """One page of a list endpoint: `items`, the total `count`, and the way to the next page.

    The next page is requested with the same filters at `offset + len(items)`; the server's
    absolute `next` URL is never followed, so the API key only ever goes to the configured
    host. A page survives pickling (for caches) without its link to the client: `next_page()`
    then raises, since the cached copy must not carry a credential.
    """

    __slots__ = ("_fetch", "_has_next", "count", "items", "limit", "offset")

    def __init__(
        self,
        items: list[T],
        *,
        count: int,
        offset: int,
        limit: int,
        has_next: bool,
        fetch: PageFetcher[T] | None = None,
    ) -> None:
        self.items = items
        #: Total number of matching items on the server (not just on this page).
        self.count = count
        self.offset = offset
        self.limit = limit
        self._has_next = has_next
        self._fetch = fetch

    @property
    def has_next(self) -> bool:
        """True when the server reports more items after this page."""
        return self._has_next and bool(self.items)

    def next_page(self) -> Page[T]:
        """Fetch the following page with the same filters and page size.

        Raises:
            RuntimeError: on the last page, or on a page restored from a cache.
        """
        if not self.has_next:
            raise RuntimeError("This is the last page; check page.has_next before next_page().")
        if self._fetch is None:
            raise RuntimeError("This page was restored from a cache; list again to continue.")
        return self._fetch(self.offset + len(self.items), self.limit)

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __repr__(self) -> str:
        return (
            f"Page(items={len(self.items)}, count={self.count}, offset={self.offset}, "
            f"limit={self.limit}, has_next={self.has_next})"
        )

    def __getstate__(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "count": self.count,
            "offset": self.offset,
            "limit": self.limit,
            "has_next": self._has_next,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.items = state["items"]
        self.count = state["count"]
        self.offset = state["offset"]
        self.limit = state["limit"]
        self._has_next = state["has_next"]
        self._fetch = None


def parse_page(
    body: object,
    parse_item: Callable[[object, str], T],
    *,
    offset: int,
    limit: int,
    fetch: PageFetcher[T] | None,
    where: str,
) -> Page[T]:
    """A Page from a `{count, next, previous, results}` body.

    Raises:
        TooManyRowsError: the page holds more rows than `limit`. A server that ignores the
            limit could otherwise make a single call return (and parse) any number of rows.
    """
    f = Fields(body, where)
    results = expect_list(f.data.get("results"), f"{where}.results")
    if len(results) > limit:
        raise TooManyRowsError(
            f"{where}: the server returned {len(results):,} rows for a page of at most "
            f"{limit:,}; the page was refused. The server may be misbehaving or not a "
            "Replay Vision API.",
            limit=limit,
            received=len(results),
        )
    items = [parse_item(item, f"{where}.results[{i}]") for i, item in enumerate(results)]
    count = f.opt_int("count")
    if count is None:
        count = offset + len(items)
    # Trust the server's `next` when it sends one; otherwise infer it from the count.
    has_next = f.data["next"] is not None if "next" in f.data else offset + len(items) < count
    return Page(items, count=count, offset=offset, limit=limit, has_next=has_next, fetch=fetch)


def iterate(
    fetch: PageFetcher[T], *, offset: int, page_size: int, max_items: int | None
) -> Iterator[T]:
    """Yield items page by page, lazily, stopping at `max_items`, an empty page or the end."""
    _check_positive(page_size, "page_size")
    if max_items is not None and max_items <= 0:
        return
    yielded = 0
    # A cap below one page needs only one small request.
    page = fetch(offset, page_size if max_items is None else min(page_size, max_items))
    while True:
        for item in page.items:
            yield item
            yielded += 1
            if max_items is not None and yielded >= max_items:
                return
        if not page.has_next:
            return
        page = page.next_page()


def fetch_all(
    fetch: PageFetcher[T],
    *,
    page_size: int,
    max_workers: int,
    max_items: int | None = None,
    on_progress: ProgressCallback | None = None,
    key: Callable[[T], Hashable] | None = None,
) -> list[T]:
    """Every item of a list, fetched with up to `max_workers` pages in flight, in server order.

    The first page gives the total; the remaining pages are then requested concurrently at
    fixed offsets. If the server returns fewer items per page than asked (a server-side
    cap), that smaller size is used for the offsets so nothing is skipped.

    Offset pages are not a snapshot. If rows are added ahead while fetching, later pages
    shift and repeat items: repeats (by `key`) are dropped and the tail is read further so
    the result still holds the total announced by the first page. Rows added after the first
    page are not included; rows deleted meanwhile may shift others out of reach.

    Args:
        fetch: fetch(offset, limit) -> Page; called from worker threads, so it must be
            thread-safe (the caller gives each thread its own HTTP session).
        on_progress: called on the calling thread with (items fetched, items expected)
            after each page arrives.
        key: identity of an item, for dropping repeats.
    """
    _check_positive(page_size, "page_size")
    _check_positive(max_workers, "max_workers")
    if max_items is not None and max_items <= 0:
        return []
    first_limit = page_size if max_items is None else min(page_size, max_items)
    first = fetch(0, first_limit)
    expected = first.count if max_items is None else min(first.count, max_items)
    pages: dict[int, list[T]] = {0: first.items}
    done = len(first.items)
    if on_progress is not None:
        on_progress(min(done, expected), expected)

    step = len(first.items)
    if first.has_next and step > 0 and done < expected:
        offsets = range(step, expected, step)
        with ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="vision-fetch") as pool:
            futures: dict[Future[Page[T]], int] = {
                pool.submit(fetch, offset, step): offset for offset in offsets
            }
            pending = set(futures)
            try:
                while pending:
                    finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for future in finished:
                        page = future.result()  # re-raises the page's error
                        pages[futures[future]] = page.items
                        done += len(page.items)
                        if on_progress is not None:
                            on_progress(min(done, expected), expected)
            except BaseException:
                # A failed page (or a progress callback that raised) ends the fetch: pages
                # not started yet are dropped instead of being fetched for nothing.
                for future in pending:
                    future.cancel()
                raise

    items = _in_order(pages, key)
    # Rows inserted ahead of us pushed the tail past the last planned offset: the repeats
    # were dropped above, so keep reading beyond it until the expected total is reached.
    next_offset = max(pages) + step
    while len(items) < expected and step > 0:
        tail = fetch(next_offset, step)
        if not tail.items:
            break
        pages[next_offset] = tail.items
        next_offset += len(tail.items)
        items = _in_order(pages, key)
        if on_progress is not None:
            on_progress(min(len(items), expected), expected)
        if not tail.has_next:
            break
    return items[:expected]


def _in_order(pages: dict[int, list[T]], key: Callable[[T], Hashable] | None) -> list[T]:
    ordered: list[T] = []
    seen: set[Hashable] = set()
    for offset in sorted(pages):
        for item in pages[offset]:
            if key is not None:
                identity = key(item)
                if identity in seen:
                    continue
                seen.add(identity)
            ordered.append(item)
    return ordered


def _check_positive(value: int, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {value!r}.")
