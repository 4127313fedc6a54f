"""Observation endpoints: `/api/projects/<id>/vision/scanners/<scanner_id>/observations/...`."""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime
from functools import partial

import requests

from .._constants import BULK_MAX_WORKERS, BULK_PAGE_SIZE, DEFAULT_PAGE_SIZE, MAX_LABEL_FEEDBACK
from ..models import Label, Observation, ObservationStats, ObserveResult
from ..pagination import Page, ProgressCallback, fetch_all, iterate, parse_page
from ._base import FilterValue, Resource, check_window, encode_params, path_id

StrFilter = str | list[str] | tuple[str, ...] | None
"""One value, or a list of values sent as the API's comma-separated form."""

DateFilter = str | date | datetime | None
"""A date or datetime (sent as ISO 8601), or a string the server reads (ISO, "-7d", "now")."""


class Observations(Resource):
    """Read a scanner's observations: pages, lazy iteration, bulk export and aggregates.

    Filters shared by every method: `status`, `verdict`, `tags` (matches fixed or freeform
    tags), `triggered_by`, `session_id`, each one value or a list. Current-era filters (a seed
    server ignores them): `min_score`/`max_score` (inclusive; rows without a numeric score
    are then excluded), `date_from`/`date_to` on `created_at` (a date-only `date_to` covers
    the whole day; a naive value is in the project's timezone), `labeled` (True: rated only,
    False: unrated only), `recording_subject` (case-insensitive substring of the recorded
    person's email), `backfill_id`. `extra_params` passes filters this version does not know.
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
        min_score: float | None = None,
        max_score: float | None = None,
        date_from: DateFilter = None,
        date_to: DateFilter = None,
        labeled: bool | None = None,
        recording_subject: str | None = None,
        backfill_id: str | None = None,
        order_by: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
        offset: int = 0,
        extra_params: Mapping[str, FilterValue] | None = None,
    ) -> Page[Observation]:
        """One page of observations, newest first unless `order_by` says otherwise."""
        check_window(limit, offset)
        params = _filter_params(
            {
                "status": status,
                "verdict": verdict,
                "tags": tags,
                "triggered_by": triggered_by,
                "session_id": session_id,
                "min_score": min_score,
                "max_score": max_score,
                "date_from": _moment(date_from, "date_from"),
                "date_to": _moment(date_to, "date_to"),
                "labeled": labeled,
                "recording_subject": recording_subject,
                "backfill_id": backfill_id,
                "order_by": order_by,
            },
            extra_params,
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
        min_score: float | None = None,
        max_score: float | None = None,
        date_from: DateFilter = None,
        date_to: DateFilter = None,
        labeled: bool | None = None,
        recording_subject: str | None = None,
        backfill_id: str | None = None,
        order_by: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        max_items: int | None = None,
        extra_params: Mapping[str, FilterValue] | None = None,
    ) -> Iterator[Observation]:
        """Every matching observation, fetched lazily one page at a time, up to `max_items`."""
        params = _filter_params(
            {
                "status": status,
                "verdict": verdict,
                "tags": tags,
                "triggered_by": triggered_by,
                "session_id": session_id,
                "min_score": min_score,
                "max_score": max_score,
                "date_from": _moment(date_from, "date_from"),
                "date_to": _moment(date_to, "date_to"),
                "labeled": labeled,
                "recording_subject": recording_subject,
                "backfill_id": backfill_id,
                "order_by": order_by,
            },
            extra_params,
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
        min_score: float | None = None,
        max_score: float | None = None,
        date_from: DateFilter = None,
        date_to: DateFilter = None,
        labeled: bool | None = None,
        recording_subject: str | None = None,
        backfill_id: str | None = None,
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
            {
                "status": status,
                "verdict": verdict,
                "tags": tags,
                "triggered_by": triggered_by,
                "session_id": session_id,
                "min_score": min_score,
                "max_score": max_score,
                "date_from": _moment(date_from, "date_from"),
                "date_to": _moment(date_to, "date_to"),
                "labeled": labeled,
                "recording_subject": recording_subject,
                "backfill_id": backfill_id,
                "order_by": order_by,
            },
            extra_params,
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
        min_score: float | None = None,
        max_score: float | None = None,
        date_from: DateFilter = None,
        date_to: DateFilter = None,
        labeled: bool | None = None,
        recording_subject: str | None = None,
        backfill_id: str | None = None,
        order_by: str | None = None,
        extra_params: Mapping[str, FilterValue] | None = None,
    ) -> Observation:
        """One observation of a scanner.

        Filters are optional: newer servers use them to fill `previous_observation_id` /
        `next_observation_id` within the filtered, ordered list.
        """
        params = _filter_params(
            {
                "status": status,
                "verdict": verdict,
                "tags": tags,
                "triggered_by": triggered_by,
                "session_id": session_id,
                "min_score": min_score,
                "max_score": max_score,
                "date_from": _moment(date_from, "date_from"),
                "date_to": _moment(date_to, "date_to"),
                "labeled": labeled,
                "recording_subject": recording_subject,
                "backfill_id": backfill_id,
                "order_by": order_by,
            },
            extra_params,
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
        min_score: float | None = None,
        max_score: float | None = None,
        date_from: DateFilter = None,
        date_to: DateFilter = None,
        labeled: bool | None = None,
        recording_subject: str | None = None,
        backfill_id: str | None = None,
        order_by: str | None = None,
        extra_params: Mapping[str, FilterValue] | None = None,
    ) -> ObservationStats:
        """Aggregates over the filtered observations: status counts, coverage over the last
        `recent_days` days (the server clamps it to 1-365), and the distribution block for
        the scanner's type. `order_by` is accepted (and sent) so list filters can be reused as
        they are; the server ignores it for aggregates.
        """
        params = _filter_params(
            {
                "status": status,
                "verdict": verdict,
                "tags": tags,
                "triggered_by": triggered_by,
                "session_id": session_id,
                "min_score": min_score,
                "max_score": max_score,
                "date_from": _moment(date_from, "date_from"),
                "date_to": _moment(date_to, "date_to"),
                "labeled": labeled,
                "recording_subject": recording_subject,
                "backfill_id": backfill_id,
                "order_by": order_by,
            },
            extra_params,
        )
        params["recent_days"] = str(recent_days)
        path = f"scanners/{path_id(scanner_id, 'scanner_id')}/observations/stats/"
        return ObservationStats.from_dict(self._client._request("GET", path, params=params))

    def label(
        self, scanner_id: str, observation_id: str, *, is_correct: bool, feedback: str = ""
    ) -> Label:
        """Rate an observation right (`is_correct=True`, 👍) or wrong, replacing any earlier
        rating (one label per observation, shared by the team). Current era.

        Never retried: the caller decides whether to send it again.

        Raises:
            ValueError: `is_correct` is not a bool, or `feedback` is over 5,000 characters.
        """
        if not isinstance(is_correct, bool):
            raise ValueError(f"is_correct must be True or False, got {is_correct!r}.")
        if not isinstance(feedback, str):
            raise ValueError(f"feedback must be a string, got {feedback!r}.")
        if len(feedback) > MAX_LABEL_FEEDBACK:
            raise ValueError(
                f"Feedback is {len(feedback):,} characters; the API keeps at most "
                f"{MAX_LABEL_FEEDBACK:,}."
            )
        data = self._client._request(
            "POST",
            self._label_path(scanner_id, observation_id),
            json={"is_correct": is_correct, "feedback": feedback},
            retry_safe=False,
        )
        if data is None:
            return Label(is_correct=is_correct, feedback=feedback)
        return Label.from_dict(data)

    def unlabel(self, scanner_id: str, observation_id: str) -> None:
        """Remove an observation's rating; succeeds when there is none. Retried when safe."""
        self._client._request("DELETE", self._label_path(scanner_id, observation_id))

    def retry(self, scanner_id: str, observation_id: str) -> ObserveResult:
        """Scan a failed observation's session again (current era). Never retried: it spends
        credits.

        The failed row is deleted and a new observation (`triggered_by="retry"`) appears;
        find it with `list(scanner_id, session_id=...)`. The server answers 400 when the
        observation is not failed, 409 while its previous run is still finishing.
        """
        path = (
            f"scanners/{path_id(scanner_id, 'scanner_id')}/observations/"
            f"{path_id(observation_id, 'observation_id')}/retry/"
        )
        data = self._client._request("POST", path, retry_safe=False)
        return ObserveResult.from_dict({} if data is None else data)

    @staticmethod
    def _label_path(scanner_id: str, observation_id: str) -> str:
        return (
            f"scanners/{path_id(scanner_id, 'scanner_id')}/observations/"
            f"{path_id(observation_id, 'observation_id')}/label/"
        )

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
    filters: dict[str, FilterValue], extra_params: Mapping[str, FilterValue] | None
) -> dict[str, str]:
    for name in ("min_score", "max_score"):
        value = filters[name]
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int | float) or value != value
        ):
            raise ValueError(f"{name} must be a number, got {value!r}.")
    subject = filters["recording_subject"]
    if isinstance(subject, str):
        filters["recording_subject"] = subject.strip() or None
    return encode_params(filters, extra_params)


def _moment(value: DateFilter, name: str) -> str | None:
    """A date filter as the API reads it: ISO 8601 for dates and datetimes, strings as given
    (the server also takes relative values such as "-7d" and "now")."""
    if value is None:
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str):
        return value.strip() or None
    raise ValueError(f"{name} must be a date, a datetime or a string, got {value!r}.")


def _observation_id(observation: Observation) -> str:
    return observation.id
