"""The scanner form: form values <-> API payload, validated like the server.

A ``ScannerForm`` holds what a person typed, as raw widget values (anything may arrive: blank text,
a string where a number belongs, a NaN). ``build_payload`` turns it into the JSON body for a create
or an update, or into per-field errors keyed by the API ``attr`` the server would name, with the
server's exact messages (contract §3). ``changed_fields`` keeps only what differs from the stored
scanner, for a PATCH that touches nothing else. Nothing here raises on bad input and nothing here
talks to the network or to Streamlit.

Errors come back in the order the server checks them (field rules first, then cross-field checks
in the order name → scanner_type → scanner_config → query), so the first client error is the one
the server would answer with.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, TypeGuard

from vision_console import models_catalog
from vision_console.scanner_config import query as query_builder
from vision_console.scanner_config.query import BuilderState, QueryInputError

SCANNER_TYPES: tuple[str, ...] = ("monitor", "classifier", "scorer", "summarizer")
TYPE_LABELS = {
    "monitor": "Monitor",
    "classifier": "Classifier",
    "scorer": "Scorer",
    "summarizer": "Summarizer",
}
TYPE_HELP = {
    "monitor": "Answers a yes/no question about each session.",
    "classifier": "Tags each session from a vocabulary you define.",
    "scorer": "Scores each session on a numeric scale.",
    "summarizer": "Writes a title and summary of each session.",
}
SUMMARY_LENGTHS = {
    "short": "Short (1–2 sentences)",
    "medium": "Medium (1 paragraph)",
    "long": "Long (3–5 paragraphs)",
}
CONFIG_KEYS = {
    "monitor": ("prompt", "allow_inconclusive"),
    "classifier": ("prompt", "tags", "multi_label", "allow_freeform_tags"),
    "scorer": ("prompt", "scale"),
    "summarizer": ("prompt", "length"),
}

MAX_NAME = 255
MAX_DESCRIPTION = 1000
MAX_PROMPT = 20_000
MAX_TAGS = 100
MAX_TAG_LENGTH = 100
MIN_SAMPLING_RATE = 0.0001
DEFAULT_SAMPLING_RATE = 0.2
"""New scanners start at 20 % so the first cost estimate is not alarming (as PostHog's UI does)."""

# Server messages, verbatim (contract §3.1–§3.4 and DRF's field messages).
BLANK = "This field may not be blank."
NOT_A_NUMBER = "A valid number is required."
RATE_BELOW_ZERO = "Ensure this value is greater than or equal to 0.0."
RATE_ABOVE_ONE = "Ensure this value is less than or equal to 1.0."
RATE_FLOOR = "Sampling rate must be 0 (paused) or at least 0.0001 (0.01%)."
CONFIG_INVALID = "Scanner configuration is invalid."
PROMPT_REQUIRED = "Prompt is required."
PROMPT_TOO_LONG = "Prompt can be at most 20,000 characters."
TAGS_EMPTY = "Tag vocabulary must have at least one tag."
TAGS_TOO_MANY = "Tag vocabulary can have at most 100 tags."
TAG_BLANK = "Tags can't be blank."
TAG_TOO_LONG = "Tags can be at most 100 characters."
TAG_NO_LETTERS = "Tags must contain letters or numbers."
SCALE_REQUIRED = "Scale is required."
SCALE_NOT_NUMBERS = "Scale min and max must be numbers."
SCALE_ORDER = "Scale max must be greater than min."
QUERY_INVALID = "Recording filter is invalid."
QUERY_TOO_LARGE = "Recording filter is too large. Keep it under 50 KB."
DUPLICATE_NAME = "A scanner with this name already exists in this team."

FIELD_LABELS = {
    "name": "Name",
    "description": "Description",
    "scanner_type": "Type",
    "scanner_config": "Configuration",
    "prompt": "Prompt",
    "tags": "Tag vocabulary",
    "scale": "Scale",
    "length": "Summary length",
    "query": "Recordings",
    "sampling_rate": "Sampling rate",
    "model": "Model",
    "enabled": "Enabled",
    "emits_signals": "Emit signals",
}

_NON_SLUG = re.compile(r"[^a-z0-9_-]+")


@dataclass
class ScannerForm:
    """Everything the create/edit form shows, as the widgets hold it.

    ``sampling_rate`` is a fraction (the API's unit); pages may show it as a percentage.
    ``config_base``/``query_base`` are the stored values when editing: an untouched section is
    sent back exactly as stored, so re-saving a form never changes what the user did not touch.
    ``extra_config`` keeps configuration keys this console does not know (a newer API's).
    """

    scanner_type: Any = "monitor"
    name: Any = ""
    description: Any = ""
    prompt: Any = ""
    allow_inconclusive: Any = False
    tags_text: Any = ""
    multi_label: Any = True
    allow_freeform_tags: Any = False
    scale_min: Any = 0
    scale_max: Any = 10
    scale_label: Any = ""
    length: Any = "medium"
    query: BuilderState = field(default_factory=BuilderState)
    query_extra: Any = "{}"
    sampling_rate: Any = DEFAULT_SAMPLING_RATE
    model: Any = models_catalog.DEFAULT_MODEL
    enabled: Any = True
    emits_signals: Any = False
    extra_config: dict[str, Any] = field(default_factory=dict)
    config_base: dict[str, Any] | None = None
    query_base: dict[str, Any] | None = None


@dataclass(frozen=True)
class FormResult:
    """Either a payload ready to send, or the errors to show, keyed by API attr."""

    payload: dict[str, Any] | None
    errors: dict[str, str]

    @property
    def ok(self) -> bool:
        return self.payload is not None


# ---------------------------------------------------------------------------------------------
# form -> payload


def build_payload(form: ScannerForm) -> FormResult:
    """The full write body for ``form`` (create shape), or the errors that stop it.

    Never raises. ``errors`` holds at most one message per attr, in the server's checking order.
    """
    errors: dict[str, str] = {}
    payload: dict[str, Any] = {}

    name = _char(form.name)
    if not name:
        errors["name"] = BLANK
    elif len(name) > MAX_NAME:
        errors["name"] = f"Ensure this field has no more than {MAX_NAME} characters."
    payload["name"] = name

    description = _char(form.description)
    if len(description) > MAX_DESCRIPTION:
        errors["description"] = f"Ensure this field has no more than {MAX_DESCRIPTION} characters."
    payload["description"] = description

    scanner_type = form.scanner_type
    if scanner_type not in SCANNER_TYPES:
        errors["scanner_type"] = f'"{_shown(scanner_type)}" is not a valid choice.'
    payload["scanner_type"] = scanner_type

    rate, rate_error = _sampling_rate(form.sampling_rate)
    if rate_error:
        errors["sampling_rate"] = rate_error
    payload["sampling_rate"] = rate

    if not isinstance(form.model, str) or not form.model.strip():
        errors["model"] = f'"{_shown(form.model)}" is not a valid choice.'
    payload["model"] = form.model
    payload["enabled"] = _flag(form.enabled, default=True)
    payload["emits_signals"] = _flag(form.emits_signals, default=False)

    if scanner_type in SCANNER_TYPES:
        config = _config(form, scanner_type)
        config_error = validate_config(scanner_type, config, known_extra=set(form.extra_config))
        if config_error:
            errors["scanner_config"] = config_error
        elif form.config_base is not None and _same_config(scanner_type, config, form.config_base):
            config = copy.deepcopy(form.config_base)
        payload["scanner_config"] = config

    query, query_error = build_query(form)
    if query_error:
        errors["query"] = query_error
    payload["query"] = query

    ordered = {attr: errors[attr] for attr in _ERROR_ORDER if attr in errors}
    return FormResult(None if ordered else payload, ordered)


_ERROR_ORDER = (
    "name",
    "description",
    "scanner_type",
    "sampling_rate",
    "model",
    "scanner_config",
    "query",
)


def build_query(form: ScannerForm) -> tuple[dict[str, Any], str | None]:
    """The RecordingsQuery from the builder plus the JSON editor, or an error message for it."""
    text = form.query_extra if isinstance(form.query_extra, str) else ""
    try:
        remainder = query_builder.parse_remainder(text)
        query = query_builder.join_query(form.query, remainder, base=form.query_base)
    except QueryInputError as exc:
        return {}, f"{QUERY_INVALID} {exc}"
    problems = query_builder.shape_problems(query)
    if problems:
        return query, f"{QUERY_INVALID} {problems[0]}"
    if query_builder.compact_size(query) > query_builder.MAX_QUERY_BYTES:
        return query, QUERY_TOO_LARGE
    return query, None


def _config(form: ScannerForm, scanner_type: str) -> dict[str, Any]:
    """The scanner_config object the form describes for ``scanner_type``."""
    config: dict[str, Any] = {"prompt": form.prompt if isinstance(form.prompt, str) else ""}
    if scanner_type == "monitor":
        config["allow_inconclusive"] = _flag(form.allow_inconclusive, default=False)
    elif scanner_type == "classifier":
        config["tags"] = parse_tags(form.tags_text)
        config["multi_label"] = _flag(form.multi_label, default=True)
        config["allow_freeform_tags"] = _flag(form.allow_freeform_tags, default=False)
    elif scanner_type == "scorer":
        scale: dict[str, Any] = {
            "min": _number_or_raw(form.scale_min),
            "max": _number_or_raw(form.scale_max),
        }
        label = _char(form.scale_label)
        if label:
            scale["label"] = label
        config["scale"] = scale
    else:
        config["length"] = form.length if _is_length(form.length) else "medium"
    for key, value in form.extra_config.items():
        config.setdefault(key, copy.deepcopy(value))
    return config


def parse_tags(text: Any) -> list[str]:
    """Tags typed one per line: trimmed, blank lines dropped, order kept."""
    if not isinstance(text, str):
        return []
    return [line.strip() for line in text.splitlines() if line.strip()]


def tag_slug(tag: str) -> str:
    """The server's tag identity: lowercase, runs outside ``[a-z0-9_-]`` become ``_``, trimmed."""
    return _NON_SLUG.sub("_", tag.strip().lower()).strip("_")


# ---------------------------------------------------------------------------------------------
# validation mirroring the server


def validate_config(
    scanner_type: str, config: Any, *, known_extra: set[str] | frozenset[str] = frozenset()
) -> str | None:
    """The first error the server would give for ``config``, or None.

    ``known_extra`` are keys the stored scanner already had (a newer API accepted them), which
    are therefore not reported as unknown.
    """
    if not isinstance(config, dict):
        return "Scanner configuration must be a JSON object."
    allowed = set(CONFIG_KEYS.get(scanner_type, ())) | set(known_extra)
    unknown = sorted(str(key) for key in config if key not in allowed)
    if unknown:
        return f"Unknown scanner configuration keys: {', '.join(unknown)}."
    prompt = config.get("prompt")
    if prompt is not None and not isinstance(prompt, str):
        return CONFIG_INVALID
    if prompt is None or not prompt.strip():
        return PROMPT_REQUIRED
    if len(prompt) > MAX_PROMPT:
        return PROMPT_TOO_LONG
    if scanner_type == "monitor":
        return _bools(config, "allow_inconclusive")
    if scanner_type == "classifier":
        return _tags_error(config.get("tags")) or _bools(
            config, "multi_label", "allow_freeform_tags"
        )
    if scanner_type == "scorer":
        return _scale_error(config.get("scale"))
    if not _is_length(config.get("length", "medium")):
        return CONFIG_INVALID
    return None


def _bools(config: Mapping[str, Any], *keys: str) -> str | None:
    if any(key in config and not isinstance(config[key], bool) for key in keys):
        return CONFIG_INVALID
    return None


def _tags_error(tags: Any) -> str | None:
    if tags is None:
        return TAGS_EMPTY
    if not isinstance(tags, list):
        return CONFIG_INVALID
    if not tags:
        return TAGS_EMPTY
    if len(tags) > MAX_TAGS:
        return TAGS_TOO_MANY
    seen: dict[str, str] = {}
    for tag in tags:
        if not isinstance(tag, str):
            return CONFIG_INVALID
        if not tag.strip():
            return TAG_BLANK
        if len(tag) > MAX_TAG_LENGTH:
            return TAG_TOO_LONG
        slug = tag_slug(tag)
        if not slug:
            return TAG_NO_LETTERS
        if slug in seen:
            return f"Tags must be unique: '{seen[slug]}' and '{tag}' are the same tag."
        seen[slug] = tag
    return None


def _scale_error(scale: Any) -> str | None:
    if scale is None:
        return SCALE_REQUIRED
    if not isinstance(scale, dict) or set(scale) - {"min", "max", "label"}:
        return CONFIG_INVALID
    low, high = scale.get("min"), scale.get("max")
    if not _is_number(low) or not _is_number(high):
        return SCALE_NOT_NUMBERS
    if high <= low:
        return SCALE_ORDER
    label = scale.get("label")
    if label is not None and not isinstance(label, str):
        return CONFIG_INVALID
    return None


def _sampling_rate(raw: Any) -> tuple[Any, str | None]:
    """The rate as a float, or the raw value with the server's message for it."""
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        return raw, NOT_A_NUMBER
    try:
        rate = float(raw)
    except (ValueError, OverflowError):
        return raw, NOT_A_NUMBER
    if not math.isfinite(rate):
        return raw, NOT_A_NUMBER
    if rate < 0:
        return rate, RATE_BELOW_ZERO
    if rate > 1:
        return rate, RATE_ABOVE_ONE
    if 0 < rate < MIN_SAMPLING_RATE:
        return rate, RATE_FLOOR
    return rate, None


# ---------------------------------------------------------------------------------------------
# payload -> PATCH, scanner -> form, duplicate


def changed_fields(original: Mapping[str, Any], payload: Mapping[str, Any]) -> dict[str, Any]:
    """The subset of ``payload`` that differs from the stored scanner ``original``.

    ``scanner_type`` is never sent (it is fixed after creation). Sampling rates within a
    millionth count as equal (percent widgets round), and a stored ``query`` of null (the server
    could not read it) equals an empty one, so an untouched form sends nothing.
    """
    changed: dict[str, Any] = {}
    for key, value in payload.items():
        if key == "scanner_type":
            continue
        before = original.get(key)
        if key == "sampling_rate" and _is_number(value) and _is_number(before):
            same = math.isclose(value, before, rel_tol=0, abs_tol=1e-6)
        elif key == "query":
            same = (before or {}) == (value or {})
        elif key == "description":
            same = (before or "") == value
        else:
            same = before == value
        if not same:
            changed[key] = value
    return changed


def form_from_scanner(scanner: Mapping[str, Any]) -> ScannerForm:
    """A form pre-filled from a scanner's JSON, remembering the stored config and query."""
    scanner_type = scanner.get("scanner_type") or "monitor"
    raw_config = scanner.get("scanner_config")
    config = raw_config if isinstance(raw_config, dict) else {}
    raw_scale, raw_tags = config.get("scale"), config.get("tags")
    scale: dict[str, Any] = raw_scale if isinstance(raw_scale, dict) else {}
    tags: list[Any] = raw_tags if isinstance(raw_tags, list) else []
    raw_query = scanner.get("query")
    query = raw_query if isinstance(raw_query, dict) else {}
    state, remainder = query_builder.split_query(query)
    known = set(CONFIG_KEYS.get(scanner_type, ("prompt",)))
    label = scale.get("label")
    return ScannerForm(
        scanner_type=scanner_type,
        name=_text(scanner.get("name")),
        description=_text(scanner.get("description")),
        prompt=_text(config.get("prompt")),
        allow_inconclusive=config.get("allow_inconclusive") is True,
        tags_text="\n".join(str(tag) for tag in tags),
        multi_label=config.get("multi_label", True) is not False,
        allow_freeform_tags=config.get("allow_freeform_tags") is True,
        scale_min=scale.get("min", 0),
        scale_max=scale.get("max", 10),
        scale_label=label if isinstance(label, str) else "",
        length=config["length"] if _is_length(config.get("length")) else "medium",
        query=state,
        query_extra=query_builder.remainder_to_text(remainder),
        sampling_rate=scanner.get("sampling_rate", 1.0),
        model=scanner.get("model") or models_catalog.DEFAULT_MODEL,
        enabled=scanner.get("enabled", True) is not False,
        emits_signals=scanner.get("emits_signals") is True,
        extra_config={k: copy.deepcopy(v) for k, v in config.items() if k not in known},
        config_base=copy.deepcopy(raw_config) if isinstance(raw_config, dict) else None,
        query_base=copy.deepcopy(query),
    )


def with_type(form: ScannerForm, scanner_type: str) -> ScannerForm:
    """The same form for another scanner type (a new scanner only); shared fields are kept."""
    return replace(form, scanner_type=scanner_type, config_base=None)


def duplicate_payload(scanner: Mapping[str, Any], attempt: int = 1) -> dict[str, Any]:
    """A create body copying ``scanner`` as ``"<name> (Copy)"``, saved disabled.

    ``attempt`` > 1 gives ``"<name> (Copy 2)"`` and so on, for when a copy already exists. The
    name is shortened so the suffix always fits the 255-character limit.
    """
    suffix = " (Copy)" if attempt <= 1 else f" (Copy {attempt})"
    base = _text(scanner.get("name")).strip()[: MAX_NAME - len(suffix)].rstrip()
    payload: dict[str, Any] = {
        "name": f"{base}{suffix}",
        "description": _text(scanner.get("description")),
        "scanner_type": scanner.get("scanner_type"),
        "scanner_config": copy.deepcopy(scanner.get("scanner_config")),
        "query": copy.deepcopy(scanner.get("query") or {}),
        "sampling_rate": scanner.get("sampling_rate", 1.0),
        "model": scanner.get("model"),
        "enabled": False,
        "emits_signals": scanner.get("emits_signals") is True,
    }
    if scanner.get("provider"):
        payload["provider"] = scanner["provider"]
    return payload


# ---------------------------------------------------------------------------------------------
# where an error goes on the form


def error_slot(attr: str | None, detail: str) -> str | None:
    """The form field an API error belongs under, or None for a form-level error.

    ``scanner_config`` messages are placed on the sub-field they are about (prompt, tags, scale),
    and nested attrs such as ``scanner_config__scale`` (newer servers) are understood too.
    """
    if not attr:
        return None
    root, _, rest = attr.partition("__")
    if root != "scanner_config":
        return root if root in FIELD_LABELS else None
    for slot in ("prompt", "tags", "scale", "length"):
        if rest.startswith(slot):
            return slot
    lowered = detail.lower()
    if lowered.startswith("prompt"):
        return "prompt"
    if lowered.startswith(("tag", "categor", "add at least one categor", "you can have at most")):
        return "tags"
    if lowered.startswith("scale"):
        return "scale"
    return "scanner_config"


def slot_errors(errors: Mapping[str, str]) -> dict[str, str]:
    """Errors keyed by form slot instead of API attr (see ``error_slot``)."""
    slots: dict[str, str] = {}
    for attr, message in errors.items():
        slots.setdefault(error_slot(attr, message) or "form", message)
    return slots


def prompt_counter(prompt: Any) -> str:
    """``"1,234 / 20,000 characters"``; over the limit it says by how much."""
    length = len(prompt) if isinstance(prompt, str) else 0
    if length > MAX_PROMPT:
        return f"{length:,} / {MAX_PROMPT:,} characters ({length - MAX_PROMPT:,} over the limit)"
    return f"{length:,} / {MAX_PROMPT:,} characters"


# ---------------------------------------------------------------------------------------------
# small coercions


def _same_config(scanner_type: str, built: Mapping[str, Any], stored: Mapping[str, Any]) -> bool:
    """True when ``built`` means the same as ``stored`` once defaults are filled in."""
    return _canonical_config(scanner_type, built) == _canonical_config(scanner_type, stored)


def _canonical_config(scanner_type: str, config: Mapping[str, Any]) -> dict[str, Any]:
    canonical = dict(config)
    if scanner_type == "monitor":
        canonical.setdefault("allow_inconclusive", False)
    elif scanner_type == "classifier":
        canonical.setdefault("multi_label", True)
        canonical.setdefault("allow_freeform_tags", False)
        tags = canonical.get("tags")
        if isinstance(tags, list):
            canonical["tags"] = [t.strip() if isinstance(t, str) else t for t in tags]
    elif scanner_type == "scorer" and isinstance(canonical.get("scale"), dict):
        scale = dict(canonical["scale"])
        if not scale.get("label"):
            scale["label"] = None
        canonical["scale"] = scale
    elif scanner_type == "summarizer":
        canonical.setdefault("length", "medium")
    return canonical


def _is_length(value: Any) -> bool:
    """True for one of the summary lengths (values of any JSON type may arrive)."""
    return isinstance(value, str) and value in SUMMARY_LENGTHS


def _char(value: Any) -> str:
    """A DRF CharField's view of a value: numbers become text, whitespace is trimmed."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return ""
    return str(value).strip()


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _flag(value: Any, *, default: bool) -> bool:
    return value if isinstance(value, bool) else default


def _is_number(value: Any) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _number_or_raw(value: Any) -> Any:
    """A finite number (whole ones as ints), parsing numeric text; anything else unchanged."""
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return value
    if not _is_number(value):
        return None if isinstance(value, float) else value
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def _shown(value: Any) -> str:
    return "" if value is None else str(value)
