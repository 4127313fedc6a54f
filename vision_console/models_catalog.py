"""Scanner models: display labels and credits per observation.

One table for every page that shows a price (the Scanners form, the Estimate page, the Overview).
Model ids are open strings (the API retires and adds models over time), so every lookup tolerates an
unknown id: it keeps the id as its label and prices it at the highest known price, exactly as the
server does, so the console never under-states a cost. When the API itself reports
``credits_per_observation`` (newer servers), that number wins over this table.

Pure Python, no Streamlit: safe to import anywhere.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeGuard

if TYPE_CHECKING:
    from vision_api import Scanner

CREDIT_USD = 0.01
"""One Replay Vision credit is one US cent (100 credits per dollar)."""

DEFAULT_MODEL = "gemini-3-flash-preview"
"""The API's default model in every era."""


@dataclass(frozen=True)
class ModelInfo:
    """A model id with its human label, its price, and whether new scanners may pick it."""

    id: str
    label: str
    credits: int
    selectable: bool


MODELS: tuple[ModelInfo, ...] = (
    ModelInfo("gemini-3-flash-preview", "Gemini 3 Flash (preview)", 5, True),
    ModelInfo("gemini-3.1-flash-lite-preview", "Gemini 3 Flash Lite (preview)", 2, True),
    ModelInfo("gemini-2.5-flash", "Gemini 2.5 Flash", 2, False),
    ModelInfo("gemini-3.5-flash-lite", "Gemini 3.5 Flash Lite", 2, False),
    ModelInfo("gemini-3.5-flash", "Gemini 3.5 Flash", 15, False),
    ModelInfo("gemini-3.6-flash", "Gemini 3.6 Flash", 15, False),
    ModelInfo("gemini-3.7-flash", "Gemini 3.7 Flash", 15, False),
)
_BY_ID: dict[str, ModelInfo] = {model.id: model for model in MODELS}

UNKNOWN_MODEL_CREDITS = max(model.credits for model in MODELS)
"""An unknown model is priced at the highest known price (the server never under-bills)."""


def model_info(model_id: str | None) -> ModelInfo | None:
    """The catalog entry for ``model_id``, or None when the id is unknown to this console."""
    return _BY_ID.get(model_id or "")


def credits_per_observation(model_id: str | None, reported: Any = None) -> int:
    """Credits one succeeded observation costs with ``model_id``.

    ``reported`` is the API's own ``credits_per_observation`` when the response carries it; a
    usable non-negative integer there wins over the table.
    """
    if _is_count(reported):
        return int(reported)
    info = model_info(model_id)
    return info.credits if info else UNKNOWN_MODEL_CREDITS


def model_label(model_id: str | None) -> str:
    """A human name for the model; an unknown id is shown as itself."""
    info = model_info(model_id)
    if info:
        return info.label
    return model_id or "(no model)"


def model_option_label(model_id: str | None, reported: Any = None) -> str:
    """Label for a model picker, with its price.

    Example: ``Gemini 3 Flash (preview) · 5 credits/observation``.
    """
    credits = credits_per_observation(model_id, reported)
    unit = "credit" if credits == 1 else "credits"
    return f"{model_label(model_id)} · {credits} {unit}/observation"


def selectable_models(current: str | None = None) -> list[str]:
    """Model ids a form may offer, cheapest first, keeping ``current`` even when it is retired.

    Keeping the scanner's current model as an option means editing an old scanner never silently
    switches its model.
    """
    ids = [m.id for m in sorted(MODELS, key=lambda m: (m.credits, m.id)) if m.selectable]
    if current and current not in ids:
        ids.append(current)
    return ids


def scanner_price(scanner: Scanner) -> int:
    """Credits one observation of a saved scanner costs (the API's figure first, then the table)."""
    return credits_per_observation(scanner.model, scanner.credits_per_observation)


def scanner_monthly_credits(scanner: Scanner) -> int | None:
    """A saved scanner's estimated credits per month, or None while the server has no estimate.

    The API's ``estimated_monthly_credits`` when it sends one, else observations × price.
    """
    if _is_count(scanner.estimated_monthly_credits):
        return int(scanner.estimated_monthly_credits)
    if not _is_count(scanner.estimated_monthly_observations):
        return None
    return int(scanner.estimated_monthly_observations) * scanner_price(scanner)


def credits_to_usd(credits: float) -> float:
    """Dollars for a number of credits (1 credit = $0.01)."""
    return credits * CREDIT_USD


def _is_count(value: Any) -> TypeGuard[int | float]:
    """True for a finite, non-negative, whole number that is not a bool."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return math.isfinite(value) and value >= 0 and float(value).is_integer()
