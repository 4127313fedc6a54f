"""Resolve and validate client settings from arguments, falling back to the environment."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from ._constants import DEFAULT_TIMEOUT, ENV_API_KEY, ENV_HOST, ENV_PROJECT_ID
from ._exceptions import ConfigurationError

Timeout = float | tuple[float, float]


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

    base_url: str
    project_id: int
    api_key: Secret
    timeout: tuple[float, float]


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
        base_url=normalize_host(str(_pick(base_url, env, ENV_HOST, "base_url"))),
        project_id=_project_id(_pick(project_id, env, ENV_PROJECT_ID, "project_id")),
        api_key=Secret(_api_key(_pick(api_key, env, ENV_API_KEY, "api_key"))),
        timeout=_timeout(DEFAULT_TIMEOUT if timeout is None else timeout),
    )


def normalize_host(value: str) -> str:
    """`https://us.posthog.com/`, `…/api` and `…/api/` all become `https://us.posthog.com`."""
    host = value.strip().rstrip("/")
    if host.endswith("/api"):
        host = host[: -len("/api")].rstrip("/")
    parts = urlsplit(host)
    if parts.scheme not in ("http", "https"):
        raise ConfigurationError(
            f"The host must be an http(s) URL such as https://us.posthog.com, got {value!r}."
        )
    if not parts.hostname:
        raise ConfigurationError(f"The host URL {value!r} has no host name.")
    if parts.username or parts.password:
        raise ConfigurationError("The host URL must not contain credentials; pass api_key instead.")
    if parts.query or parts.fragment:
        raise ConfigurationError(f"The host URL {value!r} must not have a query or fragment.")
    return host


def _pick(
    value: int | str | None, env: Mapping[str, str], env_name: str, arg_name: str
) -> int | str:
    if value is not None and value != "":
        return value
    from_env = env.get(env_name, "").strip()
    if from_env:
        return from_env
    raise ConfigurationError(
        f"Missing setting: pass {arg_name}=... to VisionClient or set the {env_name} "
        "environment variable."
    )


def _project_id(value: int | str) -> int:
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or int(text) <= 0:
        raise ConfigurationError(
            f"project_id must be a positive integer (the number in /project/<id>/ URLs), "
            f"got {text[:40]!r}."
        )
    return int(text)


def _api_key(value: int | str) -> str:
    key = str(value).strip()
    # The key goes into an HTTP header; a newline would split the header (and is never valid).
    if any(ch.isspace() for ch in key):
        raise ConfigurationError("The API key contains whitespace; paste it again.")
    return key


def _timeout(value: Timeout) -> tuple[float, float]:
    pair = value if isinstance(value, tuple) else (value, value)
    if len(pair) != 2 or not all(
        isinstance(part, int | float) and math.isfinite(part) and part > 0 for part in pair
    ):
        raise ConfigurationError(
            "timeout must be a positive number of seconds or a (connect, read) pair, "
            f"got {value!r}."
        )
    return (float(pair[0]), float(pair[1]))
