"""Scanner models as the console shows and prices them, on top of ``vision_api``'s catalogue.

The client knows which model ids each API era accepts and what they cost
(``vision_api.models_for``, ``model_info``); this module adds what the pages need: a picker's
labels with prices, the ids a form may offer in the connected era, and a saved scanner's price
and month. Model ids are open strings, so every lookup tolerates an unknown id: it keeps the id
as its label and prices it at the highest known price, as the server bills it, so the console
never under-states a cost. When the API reports ``credits_per_observation`` itself, that wins.

Pure Python, no Streamlit: safe to import anywhere.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, TypeGuard

import vision_api
from vision_api import Era

if TYPE_CHECKING:
    from vision_api import Scanner

DEFAULT_MODEL = vision_api.default_model("current").id
"""The API's default model (the same id in both eras)."""

UNKNOWN_MODEL_CREDITS = vision_api.UNKNOWN_MODEL_CREDITS
"""An unknown model is priced at the highest known price (the server never under-bills)."""


def credits_per_observation(model_id: str | None, reported: Any = None) -> int:
    """Credits one succeeded observation costs with ``model_id``.

    ``reported`` is the API's own ``credits_per_observation`` when the response carries it; a
    usable non-negative integer there wins over the table.
    """
    if _is_count(reported):
        return int(reported)
    return vision_api.credits_per_observation(model_id or "")


def model_label(model_id: str | None) -> str:
    """A human name for the model; an unknown id is shown as itself."""
    info = vision_api.model_info(model_id or "")
    if info:
        return info.name
    return model_id or "(no model)"


def model_option_label(model_id: str | None, reported: Any = None) -> str:
    """Label for a model picker, with its price: ``Gemini 3 Flash · 5 credits/observation``."""
    credits = credits_per_observation(model_id, reported)
    unit = "credit" if credits == 1 else "credits"
    return f"{model_label(model_id)} · {credits} {unit}/observation"


def is_retired(model_id: str | None, era: Era) -> bool:
    """True when ``era``'s server refuses ``model_id`` on write (a scanner may still carry it).

    An id this console does not know is not called retired: it may be newer than the console.
    """
    info = vision_api.model_info(model_id or "", era)
    return info is not None and info.retired


def selectable_models(current: str | None = None, era: Era = "current") -> list[str]:
    """Model ids a form may offer in ``era``, cheapest first.

    ``current`` (the edited scanner's model) is kept only when it is unknown to this console,
    so a newer model is never silently switched; a retired one is not offered, because the
    server would refuse it on save (the form asks for a current model instead).
    """
    ids = [model.id for model in vision_api.models_for(era)]
    if current and current not in ids and vision_api.model_info(current, era) is None:
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
    return credits / 100


def _is_count(value: Any) -> TypeGuard[int | float]:
    """True for a finite, non-negative, whole number that is not a bool."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return math.isfinite(value) and value >= 0 and float(value).is_integer()
