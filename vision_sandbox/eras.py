"""The two API eras the sandbox can speak, and every fact that differs between them.

``seed`` is the API of ``vision-api-contract.md`` (Era S): an observation quota, the seed's two
models, a 30-day estimate window and no credit fields anywhere. ``current`` is today's API
(``vision-api-current-era.md``): a credit quota, today's models, a 7-day estimate, sampling modes,
scanner tags and credit limits, labels, bulk scans, retries and the newer filters.

Modules ask an :class:`EraRules` for a fact (``rules.models``, ``rules.credit_era``) instead of
comparing era names, so each difference is stated once, here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from .catalog import CURRENT_MODELS, CURRENT_TRIGGERS, SEED_MODELS, SEED_TRIGGERS

Era = Literal["seed", "current"]
ERAS: tuple[Era, ...] = get_args(Era)
DEFAULT_ERA: Era = "current"

_SEED_OBSERVATION_ORDER = (
    "created_at",
    "started_at",
    "completed_at",
    "status",
    "result_score",
    "result_verdict",
    "scanner_version",
)
_SCANNER_ORDER = (
    "name",
    "created_at",
    "updated_at",
    "scanner_type",
    "enabled",
    "sampling_rate",
    "created_by",
)


@dataclass(frozen=True)
class EraRules:
    """What one era's server accepts and answers."""

    name: Era
    # Model ids accepted on create, PATCH and estimate (stored retired ids still read back).
    models: tuple[str, ...]
    triggers: tuple[str, ...]
    # The estimate's scan window, and the shorter one used when the query's operand is OR.
    estimate_window_days: int
    estimate_or_window_days: int
    # The credit era's surface: credit quota and fields, sampling modes, scanner tags and
    # limits, labels, bulk scans, retries, the newer observation filters and stats blocks.
    credit_era: bool
    observation_order_keys: tuple[str, ...]
    scanner_order_keys: tuple[str, ...]
    # Keys whose descending order puts NULLs first (plain Postgres ordering in the seed code).
    nulls_first_descending: frozenset[str]
    # PostHog's estimate throttles (20/min, 200/h per project) replace the per-key defaults.
    estimate_project_throttles: bool
    # The hand-built body of a 503 when observe cannot start its workflow: the seed's
    # ``{"error": ...}``, today's ``{"detail": ...}`` (current-era notes §8 and §10.13).
    observe_failed_body: dict[str, str]


SEED = EraRules(
    name="seed",
    models=SEED_MODELS,
    triggers=SEED_TRIGGERS,
    estimate_window_days=30,
    estimate_or_window_days=30,
    credit_era=False,
    observation_order_keys=_SEED_OBSERVATION_ORDER,
    scanner_order_keys=_SCANNER_ORDER,
    nulls_first_descending=frozenset({"started_at", "completed_at"}),
    estimate_project_throttles=False,
    observe_failed_body={"error": "Failed to start observation workflow"},
)

CURRENT = EraRules(
    name="current",
    models=CURRENT_MODELS,
    triggers=CURRENT_TRIGGERS,
    estimate_window_days=7,
    estimate_or_window_days=2,
    credit_era=True,
    observation_order_keys=(
        *_SEED_OBSERVATION_ORDER,
        "recording_subject_email",
        "result_confidence",
    ),
    scanner_order_keys=(*_SCANNER_ORDER, "credits_this_month"),
    nulls_first_descending=frozenset(),
    estimate_project_throttles=True,
    observe_failed_body={"detail": "Failed to start the observation. Try again in a moment."},
)


def rules_for(era: str) -> EraRules:
    """The rules of ``era`` (``seed`` or ``current``); anything else is a caller's mistake."""
    if era == "seed":
        return SEED
    if era == "current":
        return CURRENT
    raise ValueError(f"era must be one of {ERAS}, got {era!r}")
