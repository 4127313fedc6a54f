"""Per-type ``scanner_config`` rules (contract §3.2) and the tag slug both sides agree on."""

from __future__ import annotations

import math
import re
from typing import Any

from .errors import ApiError, validation_error

MAX_PROMPT = 20_000
MAX_TAGS = 100
MAX_TAG_LENGTH = 100
ATTR = "scanner_config"

ALLOWED_KEYS = {
    "monitor": {"prompt", "allow_inconclusive"},
    "classifier": {"prompt", "tags", "multi_label", "allow_freeform_tags"},
    "scorer": {"prompt", "scale"},
    "summarizer": {"prompt", "length"},
}
_SCALE_KEYS = {"min", "max", "label"}
_NON_SLUG = re.compile(r"[^a-z0-9_-]+")


def slug(tag: str) -> str:
    """Lowercase; runs of characters outside ``[a-z0-9_-]`` become ``_``; strip ``_``."""
    return _NON_SLUG.sub("_", tag.strip().lower()).strip("_")


def _fail(detail: str) -> ApiError:
    return validation_error(detail, ATTR)


def _invalid() -> ApiError:
    return _fail("Scanner configuration is invalid.")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_finite(*values: Any) -> bool:
    try:
        return all(math.isfinite(float(v)) for v in values)
    except OverflowError:
        return False


def validate_config(scanner_type: str, config: Any) -> dict[str, Any]:
    """Check ``config`` for ``scanner_type``; return it unchanged or raise the first error."""
    if not isinstance(config, dict):
        raise _fail("Scanner configuration must be a JSON object.")
    unknown = sorted(set(config) - ALLOWED_KEYS[scanner_type])
    if unknown:
        raise _fail(f"Unknown scanner configuration keys: {', '.join(unknown)}.")
    _check_prompt(config.get("prompt"))
    if scanner_type == "monitor":
        _check_bools(config, "allow_inconclusive")
    elif scanner_type == "classifier":
        _check_tags(config.get("tags"))
        _check_bools(config, "multi_label", "allow_freeform_tags")
    elif scanner_type == "scorer":
        _check_scale(config.get("scale"))
    elif config.get("length", "medium") not in ("short", "medium", "long"):
        raise _invalid()
    return config


def _check_prompt(prompt: Any) -> None:
    # The seed code tests ``isinstance(prompt, str) and prompt.strip()``: any non-string
    # prompt reads as a missing one.
    if not isinstance(prompt, str) or not prompt.strip():
        raise _fail("Prompt is required.")
    if len(prompt) > MAX_PROMPT:
        raise _fail("Prompt can be at most 20,000 characters.")


def _check_bools(config: dict[str, Any], *keys: str) -> None:
    for key in keys:
        if key in config and not isinstance(config[key], bool):
            raise _invalid()


def _check_tags(tags: Any) -> None:
    if tags is None:
        raise _fail("Tag vocabulary must have at least one tag.")
    if not isinstance(tags, list):
        raise _invalid()
    if not tags:
        raise _fail("Tag vocabulary must have at least one tag.")
    if len(tags) > MAX_TAGS:
        raise _fail("Tag vocabulary can have at most 100 tags.")
    seen: dict[str, str] = {}
    for tag in tags:
        if not isinstance(tag, str):
            raise _invalid()
        if not tag.strip():
            raise _fail("Tags can't be blank.")
        if len(tag) > MAX_TAG_LENGTH:
            raise _fail("Tags can be at most 100 characters.")
        key = slug(tag)
        if not key:
            raise _fail("Tags must contain letters or numbers.")
        if key in seen:
            raise _fail(f"Tags must be unique: '{seen[key]}' and '{tag}' are the same tag.")
        seen[key] = tag


def _check_scale(scale: Any) -> None:
    if scale is None:
        raise _fail("Scale is required.")
    if not isinstance(scale, dict) or set(scale) - _SCALE_KEYS:
        raise _invalid()
    low: Any = scale.get("min")
    high: Any = scale.get("max")
    if not _is_number(low) or not _is_number(high) or not _is_finite(low, high):
        raise _fail("Scale min and max must be numbers.")
    if float(high) <= float(low):
        raise _fail("Scale max must be greater than min.")
    label = scale.get("label")
    if label is not None and not isinstance(label, str):
        raise _invalid()
