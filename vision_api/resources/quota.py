"""Quota endpoints: `/api/projects/<id>/vision/quota/...` (organisation-wide figures)."""

from __future__ import annotations

from ..models import Quota, SpendSeries
from ._base import Resource


class QuotaResource(Resource):
    """The organisation's Replay Vision allowance, in the unit of the server's era."""

    __slots__ = ()

    def retrieve(self) -> Quota:
        """This period's limit, usage and projection: credits on current servers, observations
        on seed servers (`Quota.unit` says which). A seed server with the feature flag off
        answers 404 (NotFoundError)."""
        return Quota.from_dict(self._client._request("GET", "quota/"))

    def spend_series(self) -> SpendSeries:
        """Credits spent per UTC day this period (current era only; seed servers answer 404)."""
        return SpendSeries.from_dict(self._client._request("GET", "quota/spend_series/"))
