"""vision_api: a typed, resilient client for PostHog's Replay Vision scanners API.

from vision_api import VisionClient

with VisionClient() as client:          # POSTHOG_HOST / _PROJECT_ID / _PERSONAL_API_KEY
    for scanner in client.scanners.iter(enabled=True, max_items=50):
        print(scanner.name, scanner.scanner_type)

A server that lets other people choose the host passes a HostPolicy, which refuses hosts
outside PostHog Cloud and the operator's allowed_hosts before anything is sent:

VisionClient(base_url=typed_host, project_id=..., api_key=..., host_policy=HostPolicy())

The server may speak the seed era (observation quota) or the current one (credits, labels,
bulk scans); `client.era()` tells which, once per client, and `models_for(era)` lists the
models that era accepts. A server process where many viewers share one key passes
`pacer=True`, so every client of that key waits for room in PostHog's request limits
(480/min, 4,800/h; estimates 20/min, 200/h per project) instead of collecting 429s;
`client.pacer.status()` and `on_pacer_wait` tell a page when it is waiting.
"""

from ._catalog import (
    ERAS,
    UNKNOWN_MODEL_CREDITS,
    Era,
    ModelInfo,
    credits_per_observation,
    default_model,
    model_info,
    models_for,
)
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
    RequestBudgetError,
    ResponseTooLargeError,
    ResponseValidationError,
    ServerError,
    TooManyRowsError,
    VisionAPIError,
)
from ._hosts import CLOUD_ORIGINS, HostPolicy
from ._pacer import SHARED_BUDGETS, Pacer, PacerLimits, PacerStatus, RequestBudgets
from ._urls import BaseURL, parse_base_url
from .models import (
    OBSERVATION_STATUSES,
    SAMPLING_MODES,
    SCAN_OUTCOMES,
    SCANNER_TYPES,
    SUMMARY_LENGTHS,
    TRIGGERS,
    VERDICTS,
    BulkObserveResult,
    ClassifierStats,
    Coverage,
    DaySpend,
    Estimate,
    Histogram,
    Label,
    LabelDay,
    LabelStats,
    MonitorStats,
    Observation,
    ObservationStats,
    ObserveResult,
    Quota,
    QuotaUnit,
    Scanner,
    ScannerResult,
    ScannerSnapshot,
    ScannerStats,
    ScannerTypeCount,
    ScorerStats,
    ScoreSummary,
    SessionOutcome,
    SpendSeries,
    StatusCounts,
    SummarizerStats,
    TagCount,
    TermCount,
    User,
    VersionMarker,
)
from .pagination import Page

__version__ = "0.1.0"

__all__ = [
    "CLOUD_ORIGINS",
    "ERAS",
    "OBSERVATION_STATUSES",
    "SAMPLING_MODES",
    "SCANNER_TYPES",
    "SCAN_OUTCOMES",
    "SHARED_BUDGETS",
    "SUMMARY_LENGTHS",
    "TRIGGERS",
    "UNKNOWN_MODEL_CREDITS",
    "VERDICTS",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "BaseURL",
    "BulkObserveResult",
    "ClassifierStats",
    "ConfigurationError",
    "ConflictError",
    "Coverage",
    "DaySpend",
    "DeadlineExceededError",
    "Era",
    "Estimate",
    "Histogram",
    "HostNotAllowedError",
    "HostPolicy",
    "Label",
    "LabelDay",
    "LabelStats",
    "ModelInfo",
    "MonitorStats",
    "NotFoundError",
    "Observation",
    "ObservationStats",
    "ObserveResult",
    "Pacer",
    "PacerLimits",
    "PacerStatus",
    "Page",
    "PermissionDeniedError",
    "Quota",
    "QuotaExceededError",
    "QuotaUnit",
    "RateLimitError",
    "RequestBudgetError",
    "RequestBudgets",
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
    "SessionOutcome",
    "SpendSeries",
    "StatusCounts",
    "SummarizerStats",
    "TagCount",
    "TermCount",
    "TooManyRowsError",
    "User",
    "VersionMarker",
    "VisionAPIError",
    "VisionClient",
    "__version__",
    "credits_per_observation",
    "default_model",
    "model_info",
    "models_for",
    "parse_base_url",
]
