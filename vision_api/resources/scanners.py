"""Scanner endpoints: `/api/projects/<id>/vision/scanners/...`."""

from __future__ import annotations

import builtins
from collections.abc import Iterator, Mapping
from functools import partial
from typing import Any

from .._constants import DEFAULT_PAGE_SIZE
from .._parse import Fields
from ..models import Estimate, ObserveResult, Scanner, ScannerStats, User
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
            order_by: a field name, `-` prefixed for descending (default: name).
            extra_params: filters this version does not know (sent as given).
        """
        check_window(limit, offset)
        params = _list_params(
            enabled, scanner_type, emits_signals, created_by, search, order_by, extra_params
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
        order_by: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        max_items: int | None = None,
        extra_params: Mapping[str, FilterValue] | None = None,
    ) -> Iterator[Scanner]:
        """Every matching scanner, fetched lazily page by page, up to `max_items`."""
        params = _list_params(
            enabled, scanner_type, emits_signals, created_by, search, order_by, extra_params
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
        **fields: Any,
    ) -> Scanner:
        """Create a scanner. Optional arguments left as None take the server's defaults.

        `fields` passes write fields of newer API versions (`sampling_mode`, `tags`,
        `credit_limit`, ...) verbatim. Never retried: a repeat could create a duplicate.
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
        Never retried.
        """
        data = self._client._request(
            "PATCH", f"scanners/{path_id(id, 'id')}/", json=changed_fields, retry_safe=False
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

    def estimate(
        self,
        *,
        query: Mapping[str, Any] | None = None,
        sampling_rate: float = 1.0,
        scanner_id: str | None = None,
        model: str | None = None,
        **fields: Any,
    ) -> Estimate:
        """Projected monthly observations for a query and sampling rate, before saving.

        Args:
            query: the recordings filter; None means all recordings.
            scanner_id: the scanner being edited, left out of the "other scanners" load.
            model: newer servers also price the estimate in credits for this model.
            fields: other newer estimate inputs (e.g. `sampling_mode`), sent as given.

        The call only reads, so it is retried like a GET.
        """
        body = body_without_none(
            {
                "query": None if query is None else dict(query),
                "sampling_rate": sampling_rate,
                "scanner_id": scanner_id,
                "model": model,
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
    order_by: str | None,
    extra_params: Mapping[str, FilterValue] | None,
) -> dict[str, str]:
    filters: dict[str, FilterValue] = {
        "enabled": enabled,
        "scanner_type": scanner_type,
        "emits_signals": emits_signals,
        "created_by": created_by,
        "search": (search or "").strip() or None,
        "order_by": order_by,
    }
    return encode_params(filters, extra_params)
