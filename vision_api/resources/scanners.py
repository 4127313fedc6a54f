"""Scanner endpoints: `/api/projects/<id>/vision/scanners/...`."""

from __future__ import annotations

import builtins
from collections.abc import Iterator, Mapping, Sequence
from functools import partial
from typing import Any

from .._constants import BULK_OBSERVE_MAX_SESSIONS, DEFAULT_PAGE_SIZE
from .._exceptions import ConfigurationError
from .._parse import Fields
from ..models import BulkObserveResult, Estimate, ObserveResult, Scanner, ScannerStats, User
from ..pagination import Page, iterate, parse_page
from ._base import (
    FilterValue,
    Resource,
    body_without_none,
    check_window,
    encode_params,
    path_id,
)


class Scanners(Resource):
    """Create, read, update, delete and run scanners; team-wide stats and creators."""

    __slots__ = ()

    def list(
        self,
        *,
        enabled: bool | None = None,
        scanner_type: str | builtins.list[str] | None = None,
        emits_signals: bool | None = None,
        created_by: int | builtins.list[int] | None = None,
        search: str | None = None,
        tags: str | Sequence[str] | None = None,
        order_by: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
        offset: int = 0,
        extra_params: Mapping[str, FilterValue] | None = None,
    ) -> Page[Scanner]:
        """One page of scanners, filtered and ordered by the server.

        Args:
            enabled: True for enabled only, False for disabled only, None for both.
            scanner_type: one type or a list of types.
            created_by: one user id or a list of user ids.
            search: case-insensitive match on name, description and prompt.
            tags: scanners carrying any of these organisational tags (current era).
            order_by: a field name, `-` prefixed for descending (default: name); an open
                string, e.g. "-credits_this_month" on current servers.
            extra_params: filters this version does not know (sent as given).
        """
        check_window(limit, offset)
        params = _list_params(
            enabled, scanner_type, emits_signals, created_by, search, tags, order_by, extra_params
        )
        return self._page(params, offset, limit)

    def iter(
        self,
        *,
        enabled: bool | None = None,
        scanner_type: str | builtins.list[str] | None = None,
        emits_signals: bool | None = None,
        created_by: int | builtins.list[int] | None = None,
        search: str | None = None,
        tags: str | Sequence[str] | None = None,
        order_by: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        max_items: int | None = None,
        extra_params: Mapping[str, FilterValue] | None = None,
    ) -> Iterator[Scanner]:
        """Every matching scanner, fetched lazily page by page, up to `max_items`."""
        params = _list_params(
            enabled, scanner_type, emits_signals, created_by, search, tags, order_by, extra_params
        )
        return iterate(
            partial(self._page, params), offset=0, page_size=page_size, max_items=max_items
        )

    def create(
        self,
        *,
        name: str,
        scanner_type: str,
        scanner_config: Mapping[str, Any],
        model: str,
        description: str | None = None,
        query: Mapping[str, Any] | None = None,
        sampling_rate: float | None = None,
        provider: str | None = None,
        enabled: bool | None = None,
        emits_signals: bool | None = None,
        sampling_mode: str | None = None,
        tags: Sequence[str] | None = None,
        credit_limit: int | None = None,
        **fields: Any,
    ) -> Scanner:
        """Create a scanner. Optional arguments left as None take the server's defaults.

        `sampling_mode` (focused / balanced / comprehensive), `tags` (organisational, not
        classifier tags) and `credit_limit` (credits per billing period) are current-era
        fields; a seed server ignores them. `fields` passes write fields this version does not
        know, verbatim. Never retried: a repeat could create a duplicate.
        """
        body = body_without_none(
            {
                "name": name,
                "scanner_type": scanner_type,
                "scanner_config": dict(scanner_config),
                "model": model,
                "description": description,
                "query": None if query is None else dict(query),
                "sampling_rate": sampling_rate,
                "provider": provider,
                "enabled": enabled,
                "emits_signals": emits_signals,
                "sampling_mode": sampling_mode,
                "tags": None if tags is None else _tag_list(tags),
                "credit_limit": credit_limit,
            }
        )
        body.update(fields)
        data = self._client._request("POST", "scanners/", json=body, retry_safe=False)
        return Scanner.from_dict(data)

    def retrieve(self, id: str) -> Scanner:
        """One scanner by id."""
        data = self._client._request("GET", f"scanners/{path_id(id, 'id')}/")
        return Scanner.from_dict(data)

    def update(self, id: str, /, **changed_fields: Any) -> Scanner:
        """PATCH only the given fields, so edits made elsewhere to other fields survive.

        Fields set to None are sent as null (e.g. `credit_limit=None` removes a limit).
        `tags` replaces the whole set (current era); leave it out to keep the set. On current
        servers do not echo a retired `model` back: it is refused (400 on `model`).
        Never retried.
        """
        body = dict(changed_fields)
        if body.get("tags") is not None:
            body["tags"] = _tag_list(body["tags"])
        data = self._client._request(
            "PATCH", f"scanners/{path_id(id, 'id')}/", json=body, retry_safe=False
        )
        return Scanner.from_dict(data)

    def delete(self, id: str) -> None:
        """Delete a scanner and all its observations. Retried when safe: a repeat is a no-op."""
        self._client._request("DELETE", f"scanners/{path_id(id, 'id')}/")

    def observe(self, id: str, session_id: str) -> ObserveResult:
        """Scan one session recording now. Never retried: a scan spends quota.

        The observation appears asynchronously; follow it with
        `client.observations.list(id, session_id=session_id)`.
        """
        if not isinstance(session_id, str) or not session_id.strip():
            raise ValueError(f"Expected a non-empty string for `session_id`, got {session_id!r}.")
        data = self._client._request(
            "POST",
            f"scanners/{path_id(id, 'id')}/observe/",
            json={"session_id": session_id},
            retry_safe=False,
        )
        return ObserveResult.from_dict(data)

    def bulk_observe(self, id: str, session_ids: Sequence[str]) -> BulkObserveResult:
        """Scan up to 200 session recordings now (current era). Never retried: scans spend credits.

        Duplicates are dropped here, keeping the first occurrence (the server does the same).
        Quota and limits never fail the call; each session's `scan_outcome` tells what
        happened to it. Follow started scans with `client.observations.list(id,
        session_id=[...])`.

        Raises:
            ConfigurationError (a ValueError, `field="session_ids"`): no ids, more than 200
                distinct ids, or an id that is empty or longer than 128 characters.
        """
        ids = _session_ids(session_ids)
        data = self._client._request(
            "POST",
            f"scanners/{path_id(id, 'id')}/bulk_observe/",
            json={"session_ids": ids},
            retry_safe=False,
        )
        return BulkObserveResult.from_dict(data)

    def estimate(
        self,
        *,
        query: Mapping[str, Any] | None = None,
        sampling_rate: float = 1.0,
        scanner_id: str | None = None,
        model: str | None = None,
        sampling_mode: str | None = None,
        **fields: Any,
    ) -> Estimate:
        """Projected monthly observations for a query and sampling rate, before saving.

        Args:
            query: the recordings filter; None means all recordings.
            scanner_id: the scanner being edited, left out of the "other scanners" load.
            model: current servers price the estimate in credits for this model.
            sampling_mode: current servers narrow the matched sessions by this pre-filter.
            fields: other newer estimate inputs, sent as given.

        Current servers allow 20 estimates a minute and 200 an hour per project; one estimate
        serves every sampling rate (observations scale linearly with it), so cache it.

        The call only reads, so it is retried like a GET.
        """
        body = body_without_none(
            {
                "query": None if query is None else dict(query),
                "sampling_rate": sampling_rate,
                "scanner_id": scanner_id,
                "model": model,
                "sampling_mode": sampling_mode,
            }
        )
        body.update(fields)
        data = self._client._request("POST", "scanners/estimate/", json=body, retry_safe=True)
        return Estimate.from_dict(data)

    def stats(self) -> ScannerStats:
        """Team-wide counts: total, enabled, and both per scanner type."""
        return ScannerStats.from_dict(self._client._request("GET", "scanners/stats/"))

    def creators(self) -> builtins.list[User]:
        """Users who created at least one scanner, for a "created by" filter."""
        data = self._client._request("GET", "scanners/creators/")
        return builtins.list(Fields(data, "Creators").nested_list("creators", User.from_dict))

    def _page(self, params: dict[str, str], offset: int, limit: int) -> Page[Scanner]:
        data = self._client._request(
            "GET", "scanners/", params={**params, "limit": str(limit), "offset": str(offset)}
        )
        return parse_page(
            data,
            Scanner.from_dict,
            offset=offset,
            limit=limit,
            fetch=partial(self._page, params),
            where="ScannerList",
        )


def _list_params(
    enabled: bool | None,
    scanner_type: str | list[str] | None,
    emits_signals: bool | None,
    created_by: int | list[int] | None,
    search: str | None,
    tags: str | Sequence[str] | None,
    order_by: str | None,
    extra_params: Mapping[str, FilterValue] | None,
) -> dict[str, str]:
    filters: dict[str, FilterValue] = {
        "enabled": enabled,
        "scanner_type": scanner_type,
        "emits_signals": emits_signals,
        "created_by": created_by,
        "search": (search or "").strip() or None,
        "tags": tags,
        "order_by": order_by,
    }
    return encode_params(filters, extra_params)


def _tag_list(tags: object) -> list[str]:
    """Scanner tags as the JSON list the API takes; one string is one tag, not its letters."""
    if isinstance(tags, str):
        return [tags]
    if not isinstance(tags, Sequence | set | frozenset) or not all(
        isinstance(tag, str) for tag in tags
    ):
        raise ValueError(f"tags must be a list of strings, got {tags!r}.")
    return builtins.list(tags)


def _session_ids(session_ids: Sequence[str]) -> list[str]:
    """The distinct ids of a bulk scan, in order, or ConfigurationError before anything is sent."""
    if isinstance(session_ids, str) or not isinstance(session_ids, Sequence):
        raise ConfigurationError("session_ids must be a list of session ids.", field="session_ids")
    distinct: dict[str, None] = {}
    for raw in session_ids:
        if not isinstance(raw, str) or not raw.strip():
            raise ConfigurationError(
                f"Every session id must be a non-empty string, got {raw!r}.", field="session_ids"
            )
        session_id = raw.strip()
        if len(session_id) > 128:
            raise ConfigurationError(
                f"Session id {session_id[:40]!r}… is longer than 128 characters.",
                field="session_ids",
            )
        distinct[session_id] = None
    if not distinct:
        raise ConfigurationError("Give at least one session id to scan.", field="session_ids")
    if len(distinct) > BULK_OBSERVE_MAX_SESSIONS:
        raise ConfigurationError(
            f"A bulk scan takes at most {BULK_OBSERVE_MAX_SESSIONS} sessions; got "
            f"{len(distinct)} distinct ids. Split them into several scans.",
            field="session_ids",
        )
    return builtins.list(distinct)
