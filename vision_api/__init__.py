"""vision_api: a typed, resilient client for PostHog's Replay Vision scanners API.

from vision_api import VisionClient

with VisionClient() as client:          # POSTHOG_HOST / _PROJECT_ID / _PERSONAL_API_KEY
    for scanner in client.scanners.iter(enabled=True, max_items=50):
        print(scanner.name, scanner.scanner_type)

A server that lets other people choose the host passes a HostPolicy, which refuses hosts
outside PostHog Cloud and the operator's allowed_hosts before anything is sent:

VisionClient(base_url=typed_host, project_id=..., api_key=..., host_policy=HostPolicy())
"""

from ._client import VisionClient
from ._exceptions import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ConflictError,
    DeadlineExceededError,
    HostNotAllowedError,
    NotFoundError,
    PermissionDeniedError,
    QuotaExceededError,
    RateLimitError,
    ResponseTooLargeError,
    ResponseValidationError,
    ServerError,
    TooManyRowsError,
    VisionAPIError,
)
from ._hosts import CLOUD_ORIGINS, HostPolicy
from ._urls import BaseURL, parse_base_url
from .models import (
    OBSERVATION_STATUSES,
    SCANNER_TYPES,
    SUMMARY_LENGTHS,
    TRIGGERS,
    VERDICTS,
    ClassifierStats,
    Coverage,
    Estimate,
    Histogram,
    MonitorStats,
    Observation,
    ObservationStats,
    ObserveResult,
    Scanner,
    ScannerResult,
    ScannerSnapshot,
    ScannerStats,
    ScannerTypeCount,
    ScorerStats,
    ScoreSummary,
    StatusCounts,
    TagCount,
    User,
)
from .pagination import Page

__version__ = "0.1.0"

__all__ = [
    "CLOUD_ORIGINS",
    "OBSERVATION_STATUSES",
    "SCANNER_TYPES",
    "SUMMARY_LENGTHS",
    "TRIGGERS",
    "VERDICTS",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "BaseURL",
    "ClassifierStats",
    "ConfigurationError",
    "ConflictError",
    "Coverage",
    "DeadlineExceededError",
    "Estimate",
    "Histogram",
    "HostNotAllowedError",
    "HostPolicy",
    "MonitorStats",
    "NotFoundError",
    "Observation",
    "ObservationStats",
    "ObserveResult",
    "Page",
    "PermissionDeniedError",
    "QuotaExceededError",
    "RateLimitError",
    "ResponseTooLargeError",
    "ResponseValidationError",
    "Scanner",
    "ScannerResult",
    "ScannerSnapshot",
    "ScannerStats",
    "ScannerTypeCount",
    "ScoreSummary",
    "ScorerStats",
    "ServerError",
    "StatusCounts",
    "TagCount",
    "TooManyRowsError",
    "User",
    "VisionAPIError",
    "VisionClient",
    "__version__",
    "parse_base_url",
]
