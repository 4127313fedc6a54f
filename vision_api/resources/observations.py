"""Observation endpoints: `/api/projects/<id>/vision/scanners/<scanner_id>/observations/...`."""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterator, Mapping
from functools import partial

import requests

from .._constants import BULK_MAX_WORKERS, BULK_PAGE_SIZE, DEFAULT_PAGE_SIZE
from ..models import Observation, ObservationStats
from ..pagination import Page, ProgressCallback, fetch_all, iterate, parse_page
from ._base import FilterValue, Resource, check_window, encode_params, path_id

StrFilter = str | list[str] | tuple[str, ...] | None
"""One value, or a list of values sent as the API's comma-separated form."""


class Observations(Resource):
    """Read a scanner's observations: pages, lazy iteration, bulk export and aggregates.

    Filters shared by every method: `status`, `verdict`, `tags` (matches fixed or freeform
    tags), `triggered_by`, `session_id`, each one value or a list; `extra_params` passes
    filters of newer API versions (e.g. `date_from`, `min_score`) as given.
    """

    __slots__ = ()

    def list(
        self,
        scanner_id: str,
        *,
        status: StrFilter = None,
        verdict: StrFilter = None,
        tags: StrFilter = None,
        triggered_by: StrFilter = None,
        session_id: StrFilter = None,
        order_by: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
        offset: int = 0,
        extra_params: Mapping[str, FilterValue] | None = None,
    ) -> Page[Observation]:
        """One page of observations, newest first unless `order_by` says otherwise."""
        check_window(limit, offset)
        params = _filter_params(
            status, verdict, tags, triggered_by, session_id, order_by, extra_params
        )
        return self._page(path_id(scanner_id, "scanner_id"), params, None, offset, limit)

    def iter(
        self,
        scanner_id: str,
        *,
        status: StrFilter = None,
        verdict: StrFilter = None,
        tags: StrFilter = None,
        triggered_by: StrFilter = None,
        session_id: StrFilter = None,
        order_by: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        max_items: int | None = None,
        extra_params: Mapping[str, FilterValue] | None = None,
    ) -> Iterator[Observation]:
        """Every matching observation, fetched lazily one page at a time, up to `max_items`."""
        params = _filter_params(
            status, verdict, tags, triggered_by, session_id, order_by, extra_params
        )
        fetch = partial(self._page, path_id(scanner_id, "scanner_id"), params, None)
        return iterate(fetch, offset=0, page_size=page_size, max_items=max_items)

    def fetch_all(
        self,
        scanner_id: str,
        *,
        status: StrFilter = None,
        verdict: StrFilter = None,
        tags: StrFilter = None,
        triggered_by: StrFilter = None,
        session_id: StrFilter = None,
        order_by: str | None = None,
        max_items: int | None = None,
        page_size: int = BULK_PAGE_SIZE,
        max_workers: int = BULK_MAX_WORKERS,
        on_progress: ProgressCallback | None = None,
        extra_params: Mapping[str, FilterValue] | None = None,
    ) -> builtins.list[Observation]:
        """All matching observations (up to `max_items`), pages fetched concurrently, in order.

        Meant for exports of tens of thousands of rows: large pages, `max_workers` requests
        in flight, each worker thread on its own HTTP session. `on_progress(done, total)`
        is called on the calling thread after each page. Observations added while the
        export runs are not included, and repeats caused by them are dropped.
        """
        params = _filter_params(
            status, verdict, tags, triggered_by, session_id, order_by, extra_params
        )
        sid = path_id(scanner_id, "scanner_id")
        with self._client._thread_sessions() as session_for_thread:

            def fetch(offset: int, limit: int) -> Page[Observation]:
                return self._page(sid, params, session_for_thread(), offset, limit)

            return fetch_all(
                fetch,
                page_size=page_size,
                max_workers=max_workers,
                max_items=max_items,
                on_progress=on_progress,
                key=_observation_id,
            )

    def retrieve(
        self,
        scanner_id: str,
        id: str,
        *,
        status: StrFilter = None,
        verdict: StrFilter = None,
        tags: StrFilter = None,
        triggered_by: StrFilter = None,
        session_id: StrFilter = None,
        order_by: str | None = None,
        extra_params: Mapping[str, FilterValue] | None = None,
    ) -> Observation:
        """One observation of a scanner.

        Filters are optional: newer servers use them to fill `previous_observation_id` /
        `next_observation_id` within the filtered, ordered list.
        """
        params = _filter_params(
            status, verdict, tags, triggered_by, session_id, order_by, extra_params
        )
        path = f"scanners/{path_id(scanner_id, 'scanner_id')}/observations/{path_id(id, 'id')}/"
        return Observation.from_dict(self._client._request("GET", path, params=params or None))

    def stats(
        self,
        scanner_id: str,
        *,
        recent_days: int = 14,
        status: StrFilter = None,
        verdict: StrFilter = None,
        tags: StrFilter = None,
        triggered_by: StrFilter = None,
        session_id: StrFilter = None,
        order_by: str | None = None,
        extra_params: Mapping[str, FilterValue] | None = None,
    ) -> ObservationStats:
        """Aggregates over the filtered observations: status counts, coverage over the last
        `recent_days` days (the server clamps it to 1-365), and the distribution block for
        the scanner's type. `order_by` is accepted (and sent) so list filters can be reused as
        they are; the server ignores it for aggregates.
        """
        params = _filter_params(
            status, verdict, tags, triggered_by, session_id, order_by, extra_params
        )
        params["recent_days"] = str(recent_days)
        path = f"scanners/{path_id(scanner_id, 'scanner_id')}/observations/stats/"
        return ObservationStats.from_dict(self._client._request("GET", path, params=params))

    def _page(
        self,
        scanner_id: str,
        params: dict[str, str],
        session: requests.Session | None,
        offset: int,
        limit: int,
    ) -> Page[Observation]:
        data = self._client._request(
            "GET",
            f"scanners/{scanner_id}/observations/",
            params={**params, "limit": str(limit), "offset": str(offset)},
            session=session,
        )
        next_fetch: Callable[[int, int], Page[Observation]] | None = (
            partial(self._page, scanner_id, params, None) if session is None else None
        )
        return parse_page(
            data,
            Observation.page_parser(),
            offset=offset,
            limit=limit,
            fetch=next_fetch,
            where="ObservationList",
        )


def _filter_params(
    status: StrFilter,
    verdict: StrFilter,
    tags: StrFilter,
    triggered_by: StrFilter,
    session_id: StrFilter,
    order_by: str | None,
    extra_params: Mapping[str, FilterValue] | None,
) -> dict[str, str]:
    filters: dict[str, FilterValue] = {
        "status": status,
        "verdict": verdict,
        "tags": tags,
        "triggered_by": triggered_by,
        "session_id": session_id,
        "order_by": order_by,
    }
    return encode_params(filters, extra_params)


def _observation_id(observation: Observation) -> str:
    return observation.id
