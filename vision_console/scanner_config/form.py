"""The scanner form: form values <-> API payload, validated like the server.

A ``ScannerForm`` holds what a person typed, as raw widget values (anything may arrive: blank text,
a string where a number belongs, a NaN). ``build_payload`` turns it into the JSON body for a create
or an update, or into per-field errors keyed by the API ``attr`` the server would name, with the
server's exact messages (contract §3). ``edit_changes`` keeps only what differs from the stored
scanner, for a PATCH that touches nothing else. Nothing here raises on bad input and nothing here
talks to the network or to Streamlit.

Nothing here is per scanner type: a type's config fields come from ``scanner_types`` and are
converted and validated by their ``ConfigFieldKind`` (an exhaustive ``match`` each), so a new
type is a registry entry only.

Errors come back in the order the server checks them (field rules first, then cross-field checks
in the order name → scanner_type → scanner_config → query), so the first client error is the one
the server would answer with.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeGuard, assert_never

from vision_api import Scanner
from vision_console import cost, models_catalog, sampling_modes, scanner_types
from vision_console.scanner_config import query as query_builder
from vision_console.scanner_config.query import BuilderState, QueryInputError
from vision_console.scanner_types import ConfigField

MAX_NAME = 255
MAX_DESCRIPTION = 1000
MAX_PROMPT = 20_000
MAX_TAGS = 100
MAX_TAG_LENGTH = 100
MIN_SAMPLING_RATE = 0.0001
DEFAULT_SAMPLING_RATE = 0.2
"""New scanners start at 20 % so the first cost estimate is not alarming (as PostHog's UI does)."""
MAX_CREDIT_LIMIT = 2_147_483_647
MAX_SCANNER_TAGS = 32
MAX_SCANNER_TAG_LENGTH = 255


ERA_FIELDS = ("sampling_mode", "tags", "credit_limit")
"""Write fields only some servers take (the current era); a form sends them only when its
``features`` name them, so a seed-era server never sees them."""

QUERY_LABEL = query_builder.QUERY_LABEL

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
REQUIRED = "This field is required."
INTEGER_REQUIRED = "A valid integer is required."
CREDIT_LIMIT_MIN = "Ensure this value is greater than or equal to 1."
CREDIT_LIMIT_MAX = "Ensure this value is less than or equal to 2147483647."
SCANNER_TAGS_TOO_MANY = "Ensure this field has no more than 32 elements."
SCANNER_TAG_TOO_LONG = "Ensure this field has no more than 255 characters."
QUERY_TOO_LARGE = "Recording filter is too large. Keep it under 50 KB."
DUPLICATE_NAME = "A scanner with this name already exists in this team."

FIELD_LABELS = {
    "name": "Name",
    "description": "Description",
    "scanner_type": "Type",
    "scanner_config": "Configuration",
    "prompt": "Prompt",
    "query": QUERY_LABEL,
    "sampling_rate": "Sampling rate",
    "sampling_mode": "Sampling mode",
    "tags": "Scanner tags",
    "credit_limit": "Credit limit",
    "model": "Model",
    "enabled": "Enabled",
    "emits_signals": "Emit signals",
}
"""The fields every scanner has, by API attr (a type's own config fields are in the registry)."""

_NON_SLUG = re.compile(r"[^a-z0-9_-]+")


@dataclass
class ScannerForm:
    """Everything the create/edit form shows, as the widgets hold it.

    ``config`` holds the type's config fields (``scanner_types.facts(kind).config_fields``) keyed
    by field name, each as its widget holds it (see ``widget_value``), so a new type needs no
    change here. ``sampling_rate`` is a fraction (the API's unit); pages may show a percentage.
    ``config_base``/``query_base`` are the stored values when editing: an untouched section is
    sent back exactly as stored, so re-saving a form never changes what the user did not touch.
    ``extra_config`` keeps configuration keys this console does not know (a newer API's), and
    ``stored_type`` is the type of the scanner being edited (None for a new one), which is
    accepted even when this console does not know it.

    ``features`` names the era fields (``ERA_FIELDS``) the server takes; the others are neither
    shown nor sent. ``scanner_tags`` is the organisational tags as typed (comma separated),
    ``credit_limit`` a whole number of credits or None for no limit. ``model`` None means "not
    picked": an edit then keeps ``kept_model`` (a retired model the server refuses on write,
    so it is never sent back), a create is refused.
    """

    scanner_type: Any = scanner_types.KNOWN_TYPES[0]
    name: Any = ""
    description: Any = ""
    prompt: Any = ""
    config: dict[str, Any] = field(default_factory=dict)
    query: BuilderState = field(default_factory=BuilderState)
    query_extra: Any = "{}"
    sampling_rate: Any = DEFAULT_SAMPLING_RATE
    model: Any = models_catalog.DEFAULT_MODEL
    enabled: Any = True
    emits_signals: Any = False
    sampling_mode: Any = sampling_modes.DEFAULT_FOR_NEW
    scanner_tags: Any = ""
    credit_limit: Any = None
    features: frozenset[str] = frozenset()
    kept_model: str | None = None
    extra_config: dict[str, Any] = field(default_factory=dict)
    config_base: dict[str, Any] | None = None
    query_base: dict[str, Any] | None = None
    stored_type: str | None = None


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
    A type this console does not know is refused on a new scanner (as the server would) and
    kept on a stored one, whose configuration is then sent back as stored but for its prompt.
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
    known = isinstance(scanner_type, str) and scanner_types.is_known(scanner_type)
    kept = isinstance(scanner_type, str) and scanner_type == form.stored_type
    if not known and not kept:
        errors["scanner_type"] = f'"{_shown(scanner_type)}" is not a valid choice.'
    payload["scanner_type"] = scanner_type

    rate, rate_error = _sampling_rate(form.sampling_rate)
    if rate_error:
        errors["sampling_rate"] = rate_error
    payload["sampling_rate"] = rate

    if form.model is None and form.kept_model:
        payload["model"] = form.kept_model
    elif form.model is None:
        errors["model"] = REQUIRED
        payload["model"] = None
    else:
        if not isinstance(form.model, str) or not form.model.strip():
            errors["model"] = f'"{_shown(form.model)}" is not a valid choice.'
        payload["model"] = form.model
    _era_fields(form, payload, errors)
    payload["enabled"] = _flag(form.enabled, default=True)
    payload["emits_signals"] = _flag(form.emits_signals, default=False)

    config_error: str | None = None
    if known:
        config = build_config(form, scanner_type)
        config_error = validate_config(scanner_type, config, known_extra=set(form.extra_config))
        base = form.config_base
        if not config_error and base is not None and _same_config(scanner_type, config, base):
            config = copy.deepcopy(base)
        payload["scanner_config"] = config
    elif kept:
        payload["scanner_config"], config_error = _kept_config(form)
    if config_error:
        errors["scanner_config"] = config_error

    query, query_error = build_query(form)
    if query_error:
        errors["query"] = query_error
    payload["query"] = query

    ordered = {attr: errors[attr] for attr in _ERROR_ORDER if attr in errors}
    return FormResult(None if ordered else payload, ordered)


_ERROR_ORDER = (
    "name",
    "description",
    "tags",
    "scanner_type",
    "sampling_rate",
    "sampling_mode",
    "credit_limit",
    "model",
    "scanner_config",
    "query",
)


def _era_fields(form: ScannerForm, payload: dict[str, Any], errors: dict[str, str]) -> None:
    """The era fields ``form.features`` names, into ``payload``, or their errors."""
    if "sampling_mode" in form.features:
        mode = form.sampling_mode
        if mode not in sampling_modes.MODES:
            errors["sampling_mode"] = f'"{_shown(mode)}" is not a valid choice.'
        payload["sampling_mode"] = mode
    if "tags" in form.features:
        tags = parse_scanner_tags(form.scanner_tags)
        if len(tags) > MAX_SCANNER_TAGS:
            errors["tags"] = SCANNER_TAGS_TOO_MANY
        elif any(len(tag) > MAX_SCANNER_TAG_LENGTH for tag in tags):
            errors["tags"] = SCANNER_TAG_TOO_LONG
        payload["tags"] = tags
    if "credit_limit" in form.features:
        limit, limit_error = credit_limit_value(form.credit_limit)
        if limit_error:
            errors["credit_limit"] = limit_error
        payload["credit_limit"] = limit


def parse_scanner_tags(text: Any) -> list[str]:
    """Organisational tags typed comma separated, stored as the server stores them.

    Trimmed and lowercased, blanks dropped, repeats dropped (first kept). Tags cannot contain
    commas, so the comma is an unambiguous separator; a line break works too.
    """
    if not isinstance(text, str):
        return []
    tags: dict[str, None] = {}
    for part in re.split(r"[,\n]", text):
        tag = part.strip().lower()
        if tag:
            tags[tag] = None
    return list(tags)


def credit_limit_value(raw: Any) -> tuple[int | None, str | None]:
    """A per-scanner credit limit: None (no limit) or a whole number 1..2,147,483,647."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, None
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        return None, INTEGER_REQUIRED
    try:
        number = float(raw)
    except ValueError:
        return None, INTEGER_REQUIRED
    if not math.isfinite(number) or not number.is_integer():
        return None, INTEGER_REQUIRED
    if number < 1:
        return int(number), CREDIT_LIMIT_MIN
    if number > MAX_CREDIT_LIMIT:
        return int(number), CREDIT_LIMIT_MAX
    return int(number), None


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


def build_config(form: ScannerForm, scanner_type: str) -> dict[str, Any]:
    """The scanner_config object the form describes for ``scanner_type``.

    A field the form holds no value for takes the registry's default; unknown stored keys
    (``extra_config``) are kept.
    """
    config: dict[str, Any] = {"prompt": form.prompt if isinstance(form.prompt, str) else ""}
    for config_field in scanner_types.facts(scanner_type).config_fields:
        raw = form.config.get(config_field.name, widget_value(config_field, None))
        config[config_field.name] = config_value(config_field, raw)
    for key, value in form.extra_config.items():
        config.setdefault(key, copy.deepcopy(value))
    return config


def _kept_config(form: ScannerForm) -> tuple[dict[str, Any], str | None]:
    """A type this console does not know: its stored config, with the prompt as typed.

    Only the prompt is checked, and only when it was changed: the rest is the server's business.
    """
    config = copy.deepcopy(form.config_base or {})
    prompt = form.prompt if isinstance(form.prompt, str) else ""
    if prompt == _text(config.get("prompt")):
        return config, None
    config["prompt"] = prompt
    return config, _prompt_error(prompt)


def widget_value(config_field: ConfigField, stored: Any) -> Any:
    """What the field's widget shows for a stored config value (unusable ones: the default).

    ``toggle``: a bool; ``tag_list``: the tags one per line; ``scale``: ``{"min", "max",
    "label"}`` as three widgets hold them; ``choice``: one of the field's choices.
    """
    default = config_field.default
    match config_field.kind:
        case "toggle":
            return _flag(stored, default=bool(default))
        case "tag_list":
            tags = stored if isinstance(stored, list) else default
            return "\n".join(str(tag) for tag in tags)
        case "scale":
            scale = stored if isinstance(stored, Mapping) else default
            label = scale.get("label")
            return {
                "min": scale.get("min", default["min"]),
                "max": scale.get("max", default["max"]),
                "label": label if isinstance(label, str) else "",
            }
        case "choice":
            return stored if _is_choice(config_field, stored) else default
        case _:
            assert_never(config_field.kind)


def config_value(config_field: ConfigField, raw: Any) -> Any:
    """The scanner_config value a widget value stands for (checked by ``validate_config``)."""
    match config_field.kind:
        case "toggle":
            return _flag(raw, default=bool(config_field.default))
        case "tag_list":
            return parse_tags(raw)
        case "scale":
            parts: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
            scale: dict[str, Any] = {
                "min": _number_or_raw(parts.get("min")),
                "max": _number_or_raw(parts.get("max")),
            }
            label = _char(parts.get("label"))
            if label:
                scale["label"] = label
            return scale
        case "choice":
            return raw if _is_choice(config_field, raw) else config_field.default
        case _:
            assert_never(config_field.kind)


def form_config(scanner_type: str, config: Mapping[str, Any]) -> dict[str, Any]:
    """The widget values of ``scanner_type``'s config fields for a stored ``scanner_config``."""
    return {
        config_field.name: widget_value(config_field, config.get(config_field.name))
        for config_field in scanner_types.facts(scanner_type).config_fields
    }


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

    Checks run as the server's do: unknown keys, the prompt, then each config field in the
    registry's order. ``known_extra`` are keys the stored scanner already had (a newer API
    accepted them), which are therefore not reported as unknown.
    """
    if not isinstance(config, dict):
        return "Scanner configuration must be a JSON object."
    fields = scanner_types.facts(scanner_type).config_fields
    allowed = {"prompt", *(config_field.name for config_field in fields), *known_extra}
    unknown = sorted(str(key) for key in config if key not in allowed)
    if unknown:
        return f"Unknown scanner configuration keys: {', '.join(unknown)}."
    error = _prompt_error(config.get("prompt"))
    for config_field in fields:
        error = error or _field_error(config_field, config)
    return error


def _prompt_error(prompt: Any) -> str | None:
    if prompt is not None and not isinstance(prompt, str):
        return CONFIG_INVALID
    if prompt is None or not prompt.strip():
        return PROMPT_REQUIRED
    if len(prompt) > MAX_PROMPT:
        return PROMPT_TOO_LONG
    return None


def _field_error(config_field: ConfigField, config: Mapping[str, Any]) -> str | None:
    """The server's message for one config field's value, by the field's kind."""
    present = config_field.name in config
    value = config.get(config_field.name)
    match config_field.kind:
        case "toggle":
            return CONFIG_INVALID if present and not isinstance(value, bool) else None
        case "tag_list":
            return _tags_error(value)
        case "scale":
            return _scale_error(value)
        case "choice":
            return CONFIG_INVALID if present and not _is_choice(config_field, value) else None
        case _:
            assert_never(config_field.kind)


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


def sampling_rate_value(raw: Any) -> tuple[float | None, str | None]:
    """The rate as a float (None when it is not a number), and the server's message against it."""
    rate, error = _sampling_rate(raw)
    return (float(rate) if _is_number(rate) else None), error


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


def stored_fields(scanner: Scanner) -> dict[str, Any]:
    """The scanner's writable fields, shaped like a write payload (to compare one with)."""
    return {
        "name": scanner.name,
        "description": scanner.description,
        "scanner_type": scanner.scanner_type,
        "scanner_config": scanner.scanner_config,
        "query": scanner.query,
        "sampling_rate": scanner.sampling_rate,
        "model": scanner.model,
        "enabled": scanner.enabled,
        "emits_signals": scanner.emits_signals,
        "sampling_mode": scanner.sampling_mode or sampling_modes.SERVER_DEFAULT,
        "tags": list(scanner.tags),
        "credit_limit": scanner.credit_limit,
    }


def changed_fields(original: Mapping[str, Any], payload: Mapping[str, Any]) -> dict[str, Any]:
    """The subset of ``payload`` that differs from ``original`` (stored fields, same shape).

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


def edit_changes(scanner: Scanner, payload: Mapping[str, Any]) -> dict[str, Any]:
    """The PATCH body for an edit of ``scanner``: only what ``payload`` changes."""
    return changed_fields(stored_fields(scanner), payload)


def form_from_scanner(
    scanner: Scanner, features: frozenset[str] = frozenset(), retired: bool = False
) -> ScannerForm:
    """A form pre-filled from a stored scanner, remembering its config, query and type.

    ``retired``: the server refuses the scanner's model on write, so the form starts with no
    model picked and keeps the stored one until the user picks a current one.
    """
    kind = scanner.scanner_type
    config = scanner.scanner_config
    names = {"prompt", *(f.name for f in scanner_types.facts(kind).config_fields)}
    query = scanner.query or {}
    state, remainder = query_builder.split_query(query)
    return ScannerForm(
        scanner_type=kind,
        name=scanner.name,
        description=scanner.description,
        prompt=_text(config.get("prompt")),
        config=form_config(kind, config),
        query=state,
        query_extra=query_builder.remainder_to_text(remainder),
        sampling_rate=scanner.sampling_rate,
        model=None if retired else (scanner.model or models_catalog.DEFAULT_MODEL),
        enabled=scanner.enabled,
        emits_signals=scanner.emits_signals,
        sampling_mode=scanner.sampling_mode or sampling_modes.SERVER_DEFAULT,
        scanner_tags=", ".join(scanner.tags),
        credit_limit=scanner.credit_limit,
        features=features,
        kept_model=scanner.model if retired else None,
        extra_config={k: copy.deepcopy(v) for k, v in config.items() if k not in names},
        config_base=copy.deepcopy(config),
        query_base=copy.deepcopy(query),
        stored_type=kind,
    )


def duplicate_payload(
    scanner: Scanner, attempt: int = 1, model: str | None = None
) -> dict[str, Any]:
    """A create body copying ``scanner`` as ``"<name> (Copy)"``, saved disabled.

    ``attempt`` > 1 gives ``"<name> (Copy 2)"`` and so on, for when a copy already exists. The
    name is shortened so the suffix always fits the 255-character limit. ``model`` replaces the
    scanner's own (a retired model the server would refuse).
    """
    suffix = " (Copy)" if attempt <= 1 else f" (Copy {attempt})"
    base = scanner.name.strip()[: MAX_NAME - len(suffix)].rstrip()
    payload: dict[str, Any] = {
        "name": f"{base}{suffix}",
        "description": scanner.description,
        "scanner_type": scanner.scanner_type,
        "scanner_config": copy.deepcopy(scanner.scanner_config),
        "query": copy.deepcopy(scanner.query or {}),
        "sampling_rate": scanner.sampling_rate,
        "model": model or scanner.model,
        "enabled": False,
        "emits_signals": scanner.emits_signals,
    }
    if scanner.sampling_mode is not None:
        payload["sampling_mode"] = scanner.sampling_mode
    if scanner.tags:
        payload["tags"] = list(scanner.tags)
    if scanner.credit_limit is not None:
        payload["credit_limit"] = scanner.credit_limit
    if scanner.provider:
        payload["provider"] = scanner.provider
    return payload


# ---------------------------------------------------------------------------------------------
# where an error goes on the form


def error_slot(attr: str | None, detail: str) -> str | None:
    """The form field an API error belongs under, or None for a form-level error.

    ``scanner_config`` messages are placed on the sub-field they are about (the prompt, or a
    config field of the registry), by a nested attr such as ``scanner_config__scale`` (newer
    servers) or else by how the message begins.
    """
    if not attr:
        return None
    root, _, rest = attr.partition("__")
    if root == "tags":
        return SCANNER_TAGS_SLOT
    if root != "scanner_config":
        return root if root in FIELD_LABELS else None
    slots = _config_slots()
    for slot in slots:
        if rest.startswith(slot):
            return slot
    lowered = detail.lower()
    for slot, starts in slots.items():
        if starts and lowered.startswith(starts):
            return slot
    return "scanner_config"


SCANNER_TAGS_SLOT = "scanner_tags"
"""The organisational tags' slot: "tags" is also a classifier config field's slot."""


def slot_label(slot: str) -> str:
    """A form slot's human name (a config field's registry label, or the common field's)."""
    if slot == SCANNER_TAGS_SLOT:
        return FIELD_LABELS["tags"]
    if slot in FIELD_LABELS:
        return FIELD_LABELS[slot]
    for facts in scanner_types.REGISTRY.values():
        for config_field in facts.config_fields:
            if config_field.name == slot:
                return config_field.label
    return "Form"


def _config_slots() -> dict[str, tuple[str, ...]]:
    """Every config sub-field a message may be about, with how messages about it begin."""
    slots: dict[str, tuple[str, ...]] = {"prompt": ("prompt",)}
    for facts in scanner_types.REGISTRY.values():
        for config_field in facts.config_fields:
            slots.setdefault(config_field.name, config_field.messages)
    return slots


def slot_errors(errors: Mapping[str, str]) -> dict[str, str]:
    """Errors keyed by form slot instead of API attr (see ``error_slot``)."""
    slots: dict[str, str] = {}
    for attr, message in errors.items():
        slots.setdefault(error_slot(attr, message) or "form", message)
    return slots


def slot_values(form: ScannerForm) -> dict[str, Any]:
    """What each form slot holds, normalised, to tell which slots two forms differ in.

    Used for the unsaved-changes notice (the draft against the form as opened) and to drop a
    server error once the field it is about has been changed.
    """
    kind = form.scanner_type
    values: dict[str, Any] = {
        "scanner_type": kind,
        "name": _char(form.name),
        "description": _char(form.description),
        "prompt": _text(form.prompt),
        "query": build_query(form)[0],
        "sampling_rate": _sampling_rate(form.sampling_rate)[0],
        "model": form.model,
        "enabled": _flag(form.enabled, default=True),
        "emits_signals": _flag(form.emits_signals, default=False),
    }
    if isinstance(kind, str) and scanner_types.is_known(kind):
        for config_field in scanner_types.facts(kind).config_fields:
            raw = form.config.get(config_field.name, widget_value(config_field, None))
            values[config_field.name] = config_value(config_field, raw)
    if "sampling_mode" in form.features:
        values["sampling_mode"] = form.sampling_mode
    if "tags" in form.features:
        values[SCANNER_TAGS_SLOT] = parse_scanner_tags(form.scanner_tags)
    if "credit_limit" in form.features:
        values["credit_limit"] = credit_limit_value(form.credit_limit)[0]
    return values


def changed_slots(before: ScannerForm, after: ScannerForm) -> list[str]:
    """The slots whose value differs between two forms, in the form's order."""
    old, new = slot_values(before), slot_values(after)
    return [slot for slot, value in new.items() if old.get(slot, value) != value or slot not in old]


_PERCENT_WORDING = {
    RATE_BELOW_ZERO: cost.RATE_BELOW_ZERO_TEXT,
    RATE_ABOVE_ONE: cost.RATE_ABOVE_FULL_TEXT,
    RATE_FLOOR: cost.RATE_FLOOR_TEXT,
}


def shown_message(slot: str, message: str) -> str:
    """``message`` as the form shows it under ``slot``: the server speaks of the rate as a
    fraction (``1.0``), the form's field is in percent, so those messages say it in percent."""
    if slot == "sampling_rate":
        return _PERCENT_WORDING.get(message, message)
    return message


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
    """``config`` with each field's implicit default filled in and its value normalised."""
    canonical = dict(config)
    for config_field in scanner_types.facts(scanner_type).config_fields:
        name, value = config_field.name, canonical.get(config_field.name)
        match config_field.kind:
            case "toggle" | "choice":
                canonical.setdefault(name, config_field.default)
            case "tag_list":
                if isinstance(value, list):
                    canonical[name] = [t.strip() if isinstance(t, str) else t for t in value]
            case "scale":
                if isinstance(value, dict):
                    canonical[name] = {**value, "label": value.get("label") or None}
            case _:
                assert_never(config_field.kind)
    return canonical


def _is_choice(config_field: ConfigField, value: Any) -> bool:
    """True for one of a choice field's values (values of any JSON type may arrive)."""
    return isinstance(value, str) and value in (config_field.choices or {})


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
