"""Resolve and validate client settings from arguments, falling back to the environment."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass

from ._constants import DEFAULT_TIMEOUT, ENV_API_KEY, ENV_HOST, ENV_PROJECT_ID
from ._exceptions import ConfigurationError
from ._urls import BaseURL, parse_base_url

Timeout = float | tuple[float, float]

_MAX_PROJECT_ID_DIGITS = 18
_MAX_API_KEY_LENGTH = 512


class Secret:
    """A string that never shows itself in repr/str, so a stray print or log stays safe."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("A Secret (API key) cannot be pickled or cached.")


@dataclass(frozen=True, slots=True)
class Settings:
    """Validated connection settings. `api_key` is a Secret; the rest is safe to show."""

    base: BaseURL
    project_id: int
    api_key: Secret
    timeout: tuple[float, float]

    @property
    def base_url(self) -> str:
        """The API host, normalised (no trailing slash, no /api)."""
        return self.base.url


def resolve_settings(
    *,
    base_url: str | None,
    project_id: int | str | None,
    api_key: str | None,
    timeout: Timeout | None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Settings from explicit arguments, else the POSTHOG_* environment variables.

    Raises:
        ConfigurationError: naming the setting that is missing or invalid.
    """
    env = os.environ if environ is None else environ
    return Settings(
        base=parse_base_url(str(_pick(base_url, env, ENV_HOST, "base_url", "host"))),
        project_id=_project_id(_pick(project_id, env, ENV_PROJECT_ID, "project_id", "project_id")),
        api_key=Secret(_api_key(_pick(api_key, env, ENV_API_KEY, "api_key", "api_key"))),
        timeout=_timeout(DEFAULT_TIMEOUT if timeout is None else timeout),
    )


def _pick(
    value: int | str | None, env: Mapping[str, str], env_name: str, arg_name: str, field: str
) -> int | str:
    if value is not None and str(value).strip() != "":
        return value
    from_env = env.get(env_name, "").strip()
    if from_env:
        return from_env
    raise ConfigurationError(
        f"Missing setting: pass {arg_name}=... to VisionClient or set the {env_name} "
        "environment variable.",
        field=field,
    )


def _project_id(value: int | str) -> int:
    text = str(value).strip()
    # ASCII digits only: str.isdigit() also accepts "²" and other digits int() cannot read.
    if (
        isinstance(value, bool)
        or not (text.isascii() and text.isdigit())
        or len(text) > _MAX_PROJECT_ID_DIGITS
        or int(text) <= 0
    ):
        raise ConfigurationError(
            f"project_id must be a positive integer (the number in /project/<id>/ URLs), "
            f"got {text[:40]!r}.",
            field="project_id",
        )
    return int(text)


def _api_key(value: int | str) -> str:
    """The key as it may go into an Authorization header, or ConfigurationError (never echoing it).

    The key travels in an HTTP header, so it must be printable ASCII without spaces: a
    newline would split the header, and a non-ASCII character cannot be encoded at all.
    """
    key = str(value).strip()
    if key.lower().startswith("bearer "):
        raise _key_error("The API key starts with 'Bearer '; paste the key alone, without it.")
    if any(ch.isspace() for ch in key):
        raise _key_error("The API key contains whitespace; paste it again, without spaces.")
    if not key.isascii() or not key.isprintable():
        raise _key_error(
            "The API key contains characters that cannot be part of a key (non-ASCII or "
            "control characters, often from copying formatted text); paste it again."
        )
    if len(key) > _MAX_API_KEY_LENGTH:
        raise _key_error(
            f"The API key is longer than {_MAX_API_KEY_LENGTH} characters; paste only the key."
        )
    return key


def _key_error(message: str) -> ConfigurationError:
    return ConfigurationError(message, field="api_key")


def _timeout(value: Timeout) -> tuple[float, float]:
    pair = value if isinstance(value, tuple) else (value, value)
    if len(pair) != 2 or not all(
        isinstance(part, int | float) and math.isfinite(part) and part > 0 for part in pair
    ):
        raise ConfigurationError(
            "timeout must be a positive number of seconds or a (connect, read) pair, "
            f"got {value!r}.",
            field="timeout",
        )
    return (float(pair[0]), float(pair[1]))


def positive_number(value: float, name: str) -> float:
    """`value` as a float if it is a finite number above zero, else ConfigurationError."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value <= 0
    ):
        raise ConfigurationError(f"{name} must be a positive number, got {value!r}.", field=name)
    return float(value)


def non_negative_number(value: float, name: str) -> float:
    """`value` as a float if it is a finite number of zero or more, else ConfigurationError."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value < 0
    ):
        raise ConfigurationError(
            f"{name} must be zero or a positive number, got {value!r}.", field=name
        )
    return float(value)


def positive_int(value: int, name: str) -> int:
    """`value` if it is an int above zero, else ConfigurationError."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ConfigurationError(f"{name} must be a positive integer, got {value!r}.", field=name)
    return value
