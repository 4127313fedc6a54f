"""API resources: one module per endpoint family, each a thin layer over VisionClient._request."""

from .observations import Observations
from .quota import QuotaResource
from .scanners import Scanners

__all__ = ["Observations", "QuotaResource", "Scanners"]
