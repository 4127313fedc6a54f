"""Which Vision API this viewer talks to, and the client that talks to it.

Precedence, first complete source wins: the viewer's own sidebar credentials (kept in that
viewer's session only) > the ``[posthog]`` table of ``st.secrets`` > environment variables > the
embedded demo sandbox. The API key never leaves this module except inside the viewer's own
``VisionClient``: the ``Connection`` value that pages and caches see carries only a fingerprint.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote, urlsplit

import streamlit as st

from vision_api import (
    APIConnectionError,
    AuthenticationError,
    ConfigurationError,
    HostPolicy,
    NotFoundError,
    PermissionDeniedError,
    VisionAPIError,
    VisionClient,
    parse_base_url,
)

Source = Literal["sidebar", "secrets", "env", "demo"]

SIDEBAR_CREDENTIALS_KEY = "_posthog_sidebar_credentials"
_CLIENT_KEY = "_vision_client"
_CONNECTION_KEY = "_vision_connection"

DATA_DIR_ENV = "VISION_CONSOLE_DATA_DIR"
READ_ONLY_ENV = "VISION_CONSOLE_READ_ONLY"
ALLOWED_HOSTS_ENV = "VISION_CONSOLE_ALLOWED_HOSTS"
ALLOW_ANY_HOST_ENV = "VISION_CONSOLE_ALLOW_ANY_HOST"
DEMO_ERA_ENV = "VISION_CONSOLE_DEMO_ERA"
DEMO_ERAS = ("current", "seed")
"""The API eras the demo sandbox can speak: today's credit era (the default) or the seed era."""
DEMO_SWEEP_INTERVAL_S = 20.0
"""How often the demo sweeps its enabled scanners, so new observations keep arriving."""
DEFAULT_HOST = "https://us.posthog.com"


class ConnectionSettingsError(ValueError):
    """A viewer-entered setting is unusable; ``field`` names the sidebar field to flag."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Credentials:
    """One complete set of settings to build a client from. Its repr hides the key."""

    host: str
    project_id: int
    api_key: str = field(repr=False)
    source: Source


@dataclass(frozen=True)
class Settings:
    """Deployment-wide switches from secrets or the environment."""

    read_only: bool = False
    allowed_hosts: tuple[str, ...] = ()
    """Hosts a viewer may connect to besides PostHog Cloud (bare names: https on 443)."""
    allow_any_host: bool = False
    """The operator's opt-in for self-hosted PostHog: any public host (never a private one)."""
    default_host: str = DEFAULT_HOST
    default_project_id: int | None = None
    demo_era: str = "current"
    """Which era of the API the embedded demo sandbox speaks (``DEMO_ERAS``)."""


@dataclass(frozen=True)
class Connection:
    """What pages and caches may know about the connection: never the key itself.

    ``fingerprint`` is a SHA-256 digest of (host, project, key): every cached read is keyed by
    it, so two viewers with different keys can never be served each other's data.
    """

    host: str
    project_id: int
    source: Source
    fingerprint: str
    read_only: bool

    @property
    def is_demo(self) -> bool:
        return self.source == "demo"

    def recording_url(self, session_id: str) -> str | None:
        """Link to the recording in the PostHog app, or None when the host is not http(s)."""
        if urlsplit(self.host).scheme not in ("http", "https") or not session_id:
            return None
        return f"{self.host}/project/{self.project_id}/replay/{quote(session_id, safe='')}"


def fingerprint(host: str, project_id: int, api_key: str) -> str:
    """A stable, non-reversible identity for one (host, project, key) triple."""
    digest = hashlib.sha256(f"{host}\n{project_id}\n{api_key}".encode())
    return digest.hexdigest()[:32]


def normalize_host(raw: str) -> str:
    """``https://x.posthog.com/api/`` -> ``https://x.posthog.com`` (a bare name gets https).

    Raises ConnectionSettingsError (field ``host``) for anything the client would refuse.
    """
    text = raw.strip()
    if not text:
        raise ConnectionSettingsError(
            "host", "Enter the PostHog host, e.g. https://us.posthog.com."
        )
    if "://" not in text:
        text = f"https://{text}"
    try:
        return parse_base_url(text).url
    except ConfigurationError as exc:
        raise ConnectionSettingsError("host", str(exc)) from None


def parse_project_id(raw: object, *, field_name: str = "project_id") -> int:
    """A positive integer project id from a form, secrets or the environment."""
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise ConnectionSettingsError(
            field_name, "The project id must be a whole number."
        ) from None
    if value <= 0:
        raise ConnectionSettingsError(field_name, "The project id must be a positive number.")
    return value


def viewer_policy(settings: Settings) -> HostPolicy:
    """Where a viewer-typed host may point this server: deny by default (PostHog Cloud and the
    operator's ``allowed_hosts``), any *public* host only with ``allow_any_host``."""
    return HostPolicy(allowed_hosts=settings.allowed_hosts, allow_any_host=settings.allow_any_host)


def _secrets_table() -> tuple[Mapping[str, Any], str | None]:
    """The ``[posthog]`` secrets table, or an empty one plus a notice when unreadable."""
    try:
        table = st.secrets.get("posthog", {})
    except FileNotFoundError:
        return {}, None
    except Exception as exc:  # a malformed secrets.toml must not take the app down
        return {}, f"The secrets file could not be read ({type(exc).__name__}); it was ignored."
    if not isinstance(table, Mapping):
        return {}, "The [posthog] secrets entry is not a table; it was ignored."
    return table, None


def _as_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


def _as_hosts(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        items: list[object] = list(value.split(","))
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        return ()
    return tuple(str(item).strip() for item in items if str(item).strip())


def load_settings() -> tuple[Settings, Credentials | None, Credentials | None, list[str]]:
    """Deployment settings, secrets credentials, environment credentials, and notices."""
    notices: list[str] = []
    table, notice = _secrets_table()
    if notice:
        notices.append(notice)
    read_only = _as_bool(table.get("read_only", os.environ.get(READ_ONLY_ENV, False)))
    allowed = _as_hosts(table.get("allowed_hosts", os.environ.get(ALLOWED_HOSTS_ENV, "")))
    any_host = _as_bool(table.get("allow_any_host", os.environ.get(ALLOW_ANY_HOST_ENV, False)))
    secret_creds = _credentials_from(table, "secrets", notices)
    env_creds = _credentials_from(
        {
            "host": os.environ.get("POSTHOG_HOST", ""),
            "project_id": os.environ.get("POSTHOG_PROJECT_ID", ""),
            "personal_api_key": os.environ.get("POSTHOG_PERSONAL_API_KEY", ""),
        },
        "env",
        notices,
    )
    demo_era = str(table.get("demo_era", os.environ.get(DEMO_ERA_ENV, "current"))).strip().lower()
    if demo_era not in DEMO_ERAS:
        notices.append(
            f"The demo era {demo_era[:40]!r} is not one of {', '.join(DEMO_ERAS)}; "
            "the demo speaks the current era."
        )
        demo_era = "current"
    defaults = secret_creds or env_creds
    default_host = str(table.get("host") or os.environ.get("POSTHOG_HOST") or DEFAULT_HOST)
    default_project: int | None = defaults.project_id if defaults else None
    settings = Settings(read_only, allowed, any_host, default_host, default_project, demo_era)
    return settings, secret_creds, env_creds, notices


def _credentials_from(
    values: Mapping[str, Any], source: Source, notices: list[str]
) -> Credentials | None:
    host, project, key = (values.get(k) for k in ("host", "project_id", "personal_api_key"))
    if not (host and project and key):
        return None
    where = "secrets" if source == "secrets" else "environment"
    try:
        return Credentials(normalize_host(str(host)), parse_project_id(project), str(key), source)
    except ConnectionSettingsError as exc:
        notices.append(f"The PostHog settings in the {where} were ignored: {exc}")
        return None


def sidebar_credentials(
    host: str, project_id: str, api_key: str, settings: Settings
) -> Credentials:
    """Validate what a viewer typed in the sidebar, sending nothing.

    Raises ConnectionSettingsError naming the field to flag: a malformed host, a host the
    deployment's policy refuses, a project id that is not a positive number, or a key the
    client refuses (blank, spaces as in a pasted ``Bearer phx_…``, non-ASCII characters).
    """
    normalized = normalize_host(host)
    try:
        viewer_policy(settings).check(normalized)
    except ConfigurationError as exc:
        raise ConnectionSettingsError("host", str(exc)) from None
    project = parse_project_id(project_id)
    key = api_key.strip()
    if not key:
        raise ConnectionSettingsError("api_key", "Enter a personal API key.")
    credentials = Credentials(normalized, project, key, "sidebar")
    try:
        new_client(credentials, settings).close()
    except ConfigurationError as exc:
        field_name = exc.field if exc.field in ("host", "project_id", "api_key") else "host"
        raise ConnectionSettingsError(field_name, str(exc)) from None
    return credentials


def new_client(credentials: Credentials, settings: Settings) -> VisionClient:
    """A client for ``credentials``. A viewer's own host goes through the viewer policy; the
    operator's (secrets, environment) and the demo sandbox's are trusted as configured.

    Every client is paced: all viewers of one key in this server process share PostHog's
    request budget (480 a minute, 4,800 an hour; estimates 20 a minute per project), so a
    busy dashboard waits its turn instead of bursting into 429s (``cache`` tells the viewer).
    """
    return VisionClient(
        base_url=credentials.host,
        project_id=credentials.project_id,
        api_key=credentials.api_key,
        host_policy=viewer_policy(settings) if credentials.source == "sidebar" else None,
        pacer=True,
    )


def demo_data_dir() -> Path:
    """Where the demo sandbox keeps its database, so demo edits survive restarts."""
    configured = os.environ.get(DATA_DIR_ENV)
    return Path(configured) if configured else Path(__file__).resolve().parent.parent / "data"


def _demo_sandbox(era: str) -> Any:
    """One sandbox per server process and era, shared by every demo viewer (its key is public).

    Held by ``vision_sandbox.shared_sandbox``, not ``st.cache_resource``: a viewer's
    "clear cache" must not start a second server on the same database. The demo behaves like
    PostHog: its rate limits are on and it sweeps enabled scanners on a schedule.
    """
    from vision_sandbox import running_sandbox, shared_sandbox

    directory = demo_data_dir()
    database = directory / f"demo-{era}.sqlite3"
    running = running_sandbox(database)
    if running is not None:
        return running
    directory.mkdir(parents=True, exist_ok=True)
    with st.spinner("Starting the demo sandbox…"):
        return shared_sandbox(
            database,
            era=era,
            rate_limits="posthog",
            sweep_interval=DEMO_SWEEP_INTERVAL_S,
        )


def _demo_credentials(era: str) -> Credentials:
    sandbox = _demo_sandbox(era)
    return Credentials(sandbox.base_url, int(sandbox.project_id), sandbox.api_key, "demo")


def resolve(
    secret: Credentials | None, env: Credentials | None, demo_era: str = "current"
) -> Credentials:
    """The first complete source by precedence: sidebar > secrets > environment > demo."""
    typed = st.session_state.get(SIDEBAR_CREDENTIALS_KEY)
    if isinstance(typed, Credentials):
        return typed
    if secret is not None:
        return secret
    if env is not None:
        return env
    return _demo_credentials(demo_era)


def activate(credentials: Credentials, settings: Settings) -> Connection:
    """Make ``credentials`` this session's connection, reusing its client when unchanged."""
    digest = fingerprint(credentials.host, credentials.project_id, credentials.api_key)
    connection = Connection(
        host=credentials.host,
        project_id=credentials.project_id,
        source=credentials.source,
        fingerprint=digest,
        read_only=settings.read_only,
    )
    held = st.session_state.get(_CLIENT_KEY)
    if not (isinstance(held, tuple) and held[0] == digest):
        if isinstance(held, tuple):
            held[1].close()
        st.session_state[_CLIENT_KEY] = (digest, new_client(credentials, settings))
    st.session_state[_CONNECTION_KEY] = connection
    return connection


def current() -> Connection:
    """This session's connection, as resolved by app.py on this run."""
    connection = st.session_state.get(_CONNECTION_KEY)
    if not isinstance(connection, Connection):
        raise RuntimeError("No connection: pages run through app.py, which resolves it first.")
    return connection


def client() -> VisionClient:
    """This viewer's own client; never shared with another session (in a worker thread of
    ``worker_client``, that thread's own copy of it)."""
    own: VisionClient | None = getattr(_worker, "client", None)
    if own is not None:
        return own
    held = st.session_state.get(_CLIENT_KEY)
    if not isinstance(held, tuple):
        raise RuntimeError("No client: pages run through app.py, which creates it first.")
    result: VisionClient = held[1]
    return result


def disconnect() -> None:
    """Forget the viewer's typed credentials and their client."""
    st.session_state.pop(SIDEBAR_CREDENTIALS_KEY, None)
    held = st.session_state.pop(_CLIENT_KEY, None)
    if isinstance(held, tuple):
        held[1].close()


_worker = threading.local()


@contextmanager
def worker_client(own: VisionClient) -> Iterator[None]:
    """Make ``client()`` return ``own`` in the calling (worker) thread, inside the block: code
    written for the script thread (the cached reads) then runs on a thread of its own without
    sharing the viewer's client, which is not thread-safe."""
    _worker.client = own
    try:
        yield
    finally:
        _worker.client = None


@contextmanager
def per_thread(client: VisionClient) -> Iterator[Callable[[], VisionClient]]:
    """A factory returning the calling thread's own copy of ``client``; all closed on exit.

    A ``VisionClient`` owns a ``requests.Session``, which has no thread-safety guarantee, so a
    thread pool must not share the viewer's client. Each copy comes from
    ``VisionClient.copy()``: the key moves between the clients' settings and nowhere else.

    A pool of N threads opens at most N clients, whatever the number of tasks.
    """
    local = threading.local()
    opened: list[VisionClient] = []
    lock = threading.Lock()

    def client_for_this_thread() -> VisionClient:
        own: VisionClient | None = getattr(local, "client", None)
        if own is None:
            own = client.copy()
            local.client = own
            with lock:
                opened.append(own)
        return own

    try:
        yield client_for_this_thread
    finally:
        for own in opened:
            own.close()


# -- "Test connection": who and what is connected, or exactly what is wrong --------------


@dataclass(frozen=True)
class CheckResult:
    """The outcome of a connection test, as plain sentences (no secrets in them)."""

    ok: bool
    message: str
    field: str | None = None
    """The connect-form field a failure is about ("host", "project_id", "api_key")."""


def check_connection(client: VisionClient, host: str, project_id: int) -> CheckResult:
    """Probe read access to scanners, then to observations (which needs recording access).

    Uses only read endpoints, so a test never spends quota or changes anything.
    """
    where = f"project {project_id} at {host}"
    try:
        stats = client.scanners.stats()
        summary = f"{stats.total} scanners, {stats.enabled} enabled"
        first = client.scanners.list(limit=1).items
        if first:
            client.observations.list(first[0].id, limit=1)
    except AuthenticationError:
        return CheckResult(
            False,
            f"The API key was rejected by {host}. Check that it is a valid personal API key.",
            "api_key",
        )
    except PermissionDeniedError as exc:
        scope = getattr(exc, "missing_scope", None)
        if scope:
            return CheckResult(
                False, f"The API key is missing the scope '{scope}' for {where}.", "api_key"
            )
        return CheckResult(
            False,
            f"The API key has no access to {where}: check the project id, "
            "or use a key that is allowed on this project.",
            "project_id",
        )
    except NotFoundError:
        return CheckResult(
            False,
            f"No Replay Vision API for {where}: check the project id "
            "(and that Replay Vision is enabled for it).",
            "project_id",
        )
    except APIConnectionError:
        return CheckResult(
            False, f"{host} is unreachable. Check the host and your network.", "host"
        )
    except ConfigurationError as exc:  # the host policy refused an address after DNS
        return CheckResult(False, str(exc), "host")
    except VisionAPIError as exc:
        return CheckResult(False, f"The connection test failed: {type(exc).__name__}.", "host")
    return CheckResult(True, f"Connected to {where}: {summary}.")
