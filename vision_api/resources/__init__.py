"""API resources: one module per endpoint family, each a thin layer over VisionClient._request."""

from .observations import Observations
from .scanners import Scanners

__all__ = ["Observations", "Scanners"]
