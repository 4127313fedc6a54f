"""API eras and the scanner models each era offers, with their prices in credits.

PostHog's Replay Vision API has spoken two shapes ("eras") so far. The seed era counts the
quota in observations and offers two preview models; the current era counts credits, prices
each model per observation and rejects retired model ids on every write (400 `invalid_choice`
on `model`) while still reading scanners that carry them. A client learns its server's era
with `VisionClient.era()`; this module says what each era accepts.

Prices are credits per succeeded observation (1 credit = $0.01). The server bills an id it
does not know at the highest known price, and so does `credits_per_observation()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Era = Literal["seed", "current"]
"""Which generation of the API a server speaks: "seed" (observation quota, preview models)
or "current" (credits, today's models, labels, bulk scans)."""

ERAS: tuple[Era, ...] = ("seed", "current")


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """One scanner model: its id, display name, price, and whether the era refuses it on write.

    `retired` is relative to the era it was looked up for: True means that era's server
    rejects the id on create, update and estimate (a scanner may still carry it on read).
    """

    id: str
    name: str
    credits_per_observation: int
    retired: bool


_DEFAULT_MODEL_ID = "gemini-3-flash-preview"

# Every id either era ever offered, with its display name and price.
_NAMES_AND_PRICES: dict[str, tuple[str, int]] = {
    "gemini-3.5-flash-lite": ("Gemini 3.5 Flash Lite", 2),
    "gemini-3-flash-preview": ("Gemini 3 Flash", 5),
    "gemini-3.8-flash": ("Gemini 3.8 Flash", 15),
    "gemini-3.1-flash-lite-preview": ("Gemini 3 Flash Lite", 2),
    "gemini-2.5-flash": ("Gemini 2.5 Flash", 2),
    "gemini-3.5-flash": ("Gemini 3.5 Flash", 15),
    "gemini-3.6-flash": ("Gemini 3.6 Flash", 15),
    "gemini-3.7-flash": ("Gemini 3.7 Flash", 15),
}

# The ids each era accepts on write, cheapest first. The price of gemini-3.8-flash is
# inferred (it took the 15-credit "premium flash" slot of 3.6 and 3.7); no source states it.
_SELECTABLE: dict[Era, tuple[str, ...]] = {
    "seed": ("gemini-3.1-flash-lite-preview", "gemini-3-flash-preview"),
    "current": ("gemini-3.5-flash-lite", "gemini-3-flash-preview", "gemini-3.8-flash"),
}

UNKNOWN_MODEL_CREDITS = max(price for _, price in _NAMES_AND_PRICES.values())
"""The price the server bills for a model id it does not know: the highest known price."""


def _info(model_id: str, era: Era) -> ModelInfo:
    name, price = _NAMES_AND_PRICES[model_id]
    return ModelInfo(model_id, name, price, retired=model_id not in _SELECTABLE[era])


def models_for(era: Era) -> tuple[ModelInfo, ...]:
    """The models a scanner may be created with in `era`, cheapest first."""
    return tuple(_info(model_id, era) for model_id in _SELECTABLE[_check_era(era)])


def model_info(model_id: str, era: Era = "current") -> ModelInfo | None:
    """What this library knows of `model_id` (retired ids included), or None for an unknown id.

    `retired` says whether `era`'s server refuses the id on write.
    """
    if model_id not in _NAMES_AND_PRICES:
        return None
    return _info(model_id, _check_era(era))


def default_model(era: Era) -> ModelInfo:
    """The model the server uses when an estimate names none (gemini-3-flash-preview in both
    eras); the natural preselection of a create form."""
    return _info(_DEFAULT_MODEL_ID, _check_era(era))


def credits_per_observation(model_id: str) -> int:
    """Credits one succeeded observation costs with `model_id`; an unknown id at the highest
    known price, as the server bills it. Prefer the scanner's own `credits_per_observation`
    when the server sends it."""
    known = _NAMES_AND_PRICES.get(model_id)
    return known[1] if known else UNKNOWN_MODEL_CREDITS


def _check_era(era: str) -> Era:
    if era == "seed":
        return "seed"
    if era == "current":
        return "current"
    raise ValueError(f"era must be 'seed' or 'current', got {era!r}.")
