"""Browser-test fixtures: a sandbox, real ``streamlit run`` servers, and Debian's chromium.

One sandbox and one console server serve the whole session (tests create uniquely named scanners
and never assume global counts), plus a second console in demo mode that is also read-only and
restricted to one API host. Each test gets a fresh browser context (its own Streamlit session) at
the desktop size the screenshots use. Servers log to files so a test can grep them for secrets.
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    expect,
    sync_playwright,
)

from tests.e2e import chromium
from tests.e2e.chromium import VIEWPORT
from vision_console import chart_spec
from vision_sandbox import Sandbox

ROOT = Path(__file__).resolve().parents[2]
# Assertions retry up to this long: the machine is shared, and a rerun can take seconds.
expect.set_options(timeout=15_000)
SERVER_START_TIMEOUT_S = 90
CONSOLE_ENV_PREFIXES = ("POSTHOG_", "VISION_CONSOLE_")


@dataclass
class ConsoleServer:
    """A running ``streamlit run app.py`` and where its output goes."""

    url: str
    log_path: Path
    process: subprocess.Popen[bytes]
    env: Mapping[str, str] = field(repr=False)

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _clean_environment() -> dict[str, str]:
    """The test process's environment without any console or PostHog setting a developer set."""
    return {k: v for k, v in os.environ.items() if not k.startswith(CONSOLE_ENV_PREFIXES)}


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"streamlit exited early ({process.returncode}); see {log_path}")
        try:
            if requests.get(f"{url}/_stcore/health", timeout=2).text == "ok":
                return
        except requests.RequestException:
            pass
        time.sleep(0.25)
    pytest.fail(f"streamlit did not become healthy in time; see {log_path}")


def start_console(directory: Path, env: Mapping[str, str]) -> ConsoleServer:
    """Start the console on a free loopback port and wait for its health endpoint.

    Secrets are pointed at a file that does not exist, so a developer's
    ``.streamlit/secrets.toml`` cannot override what the test configures through ``env``.
    """
    port = _free_port()
    directory.mkdir(parents=True, exist_ok=True)
    log_path = directory / "streamlit.log"
    full_env = {**_clean_environment(), chart_spec.VALIDATE_ENV: "1", **env}
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        f"--server.port={port}",
        "--server.headless=true",
        "--server.address=127.0.0.1",
        "--browser.gatherUsageStats=false",
        "--server.fileWatcherType=none",
        f"--secrets.files={directory / 'no-secrets.toml'}",
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process, log_path)
    except BaseException:
        stop_console(process)
        raise
    return ConsoleServer(url=url, log_path=log_path, process=process, env=full_env)


def stop_console(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


# --- the API the console talks to ---------------------------------------------------------------
@pytest.fixture(scope="session")
def e2e_sandbox() -> Iterator[Sandbox]:
    """This suite's own sandbox (demo data, quick scans), never shared with other test folders.

    Its key is random, not the public demo constant, so grepping for it proves a leak.
    """
    key = "phx_e2e_" + secrets.token_urlsafe(24)
    sandbox = Sandbox.start(seed="demo", host="127.0.0.1", port=0, scan_delay=0.3, api_key=key)
    try:
        yield sandbox
    finally:
        sandbox.stop()


@dataclass(frozen=True)
class SandboxAPI:
    """Plain HTTP access to one sandbox project, for arranging data behind the console's back."""

    base_url: str
    project_id: int
    api_key: str = field(repr=False)

    @property
    def scanners_url(self) -> str:
        return f"{self.base_url}/api/projects/{self.project_id}/vision/scanners/"

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"}

    def create_scanner(self, **payload: Any) -> dict[str, Any]:
        response = requests.post(
            self.scanners_url, json=payload, headers=self._headers(), timeout=10
        )
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    def list_scanners(self, **params: Any) -> list[dict[str, Any]]:
        response = requests.get(
            self.scanners_url, params={"limit": 1000, **params}, headers=self._headers(), timeout=10
        )
        assert response.status_code == 200, response.text
        results: list[dict[str, Any]] = response.json()["results"]
        return results

    def scanner_named(self, name: str) -> dict[str, Any] | None:
        return next((s for s in self.list_scanners(search=name) if s["name"] == name), None)

    def observe(self, scanner_id: str, session_id: str) -> None:
        response = requests.post(
            f"{self.scanners_url}{scanner_id}/observe/",
            json={"session_id": session_id},
            headers=self._headers(),
            timeout=10,
        )
        assert response.status_code in (200, 202), response.text

    def wait_settled(self, scanner_id: str, expected: int, timeout_s: float = 60) -> None:
        """Poll until ``expected`` observations of the scanner have left pending/running."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            rows = self.list_observations(scanner_id)
            settled = [row for row in rows if row["status"] not in ("pending", "running")]
            if len(settled) >= expected:
                return
            time.sleep(0.2)
        pytest.fail(f"observations of {scanner_id} did not settle in {timeout_s} s")

    def count_observations(self, scanner_id: str, **params: Any) -> int:
        response = requests.get(
            f"{self.scanners_url}{scanner_id}/observations/",
            params={**params, "limit": 1},
            headers=self._headers(),
            timeout=10,
        )
        assert response.status_code == 200, response.text
        count: int = response.json()["count"]
        return count

    def list_observations(self, scanner_id: str, **params: Any) -> list[dict[str, Any]]:
        response = requests.get(
            f"{self.scanners_url}{scanner_id}/observations/",
            params={"limit": 1000, **params},
            headers=self._headers(),
            timeout=10,
        )
        assert response.status_code == 200, response.text
        results: list[dict[str, Any]] = response.json()["results"]
        return results


@pytest.fixture(scope="session")
def api(e2e_sandbox: Sandbox) -> SandboxAPI:
    """The sandbox's main project (the one the console is configured with)."""
    return SandboxAPI(e2e_sandbox.base_url, int(e2e_sandbox.project_id), e2e_sandbox.api_key)


@pytest.fixture(scope="session")
def other_api(e2e_sandbox: Sandbox) -> SandboxAPI:
    """The sandbox's second project, reachable only with its own key."""
    return SandboxAPI(
        e2e_sandbox.base_url, int(e2e_sandbox.other_project_id), e2e_sandbox.other_api_key
    )


@pytest.fixture
def unique() -> Callable[[str], str]:
    """``unique("e2e monitor")`` -> a name no other test (or run) uses."""
    return lambda prefix: f"{prefix} {uuid.uuid4().hex[:8]}"


# --- browser ------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    if not chromium.CHROMIUM.exists():
        pytest.fail(chromium.MISSING)
    with sync_playwright() as instance:
        yield instance


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    launched = chromium.launch(playwright_instance)
    try:
        yield launched
    finally:
        launched.close()


# --- console servers ----------------------------------------------------------------------------
def env_for(sandbox: Sandbox) -> dict[str, str]:
    """Environment that points a console at the sandbox's main project."""
    return {
        "POSTHOG_HOST": sandbox.base_url,
        "POSTHOG_PROJECT_ID": str(sandbox.project_id),
        "POSTHOG_PERSONAL_API_KEY": sandbox.api_key,
    }


@pytest.fixture(scope="session")
def console(
    e2e_sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ConsoleServer]:
    """The console configured through environment variables for the sandbox's main project."""
    env = {**env_for(e2e_sandbox), "VISION_CONSOLE_ALLOWED_HOSTS": e2e_sandbox.base_url}
    server = start_console(tmp_path_factory.mktemp("console"), env)
    try:
        yield server
    finally:
        stop_console(server.process)
    # Whatever the tests did, the configured key never reached the server's output.
    assert e2e_sandbox.api_key not in server.log_text()


@pytest.fixture(scope="session")
def locked_console(
    e2e_sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ConsoleServer]:
    """A shared-dashboard deployment: demo mode, read-only, and viewer hosts limited to PostHog
    Cloud plus one listed origin (the test sandbox's).

    No credentials are configured, so it starts its own demo sandbox with its data in a
    temporary folder (the demo banner shows).
    """
    directory = tmp_path_factory.mktemp("locked-console")
    server = start_console(
        directory,
        {
            "VISION_CONSOLE_DATA_DIR": str(directory / "data"),
            "VISION_CONSOLE_READ_ONLY": "1",
            "VISION_CONSOLE_ALLOWED_HOSTS": e2e_sandbox.base_url,
        },
    )
    try:
        yield server
    finally:
        stop_console(server.process)


_STCORE_PROBE = re.compile(r"/[^/]+/_stcore/(health|host-config)")


@dataclass
class BrowserLog:
    """What a browser context said while a test ran: console errors, page errors, requests."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    request_urls: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("request", lambda request: self.request_urls.append(request.url))

    def _on_console(self, message: ConsoleMessage) -> None:
        """Record errors raised by the console's own origin.

        Two kinds are Streamlit's own and expected: a resource on another host (it loads the
        Material-icon favicon from fonts.gstatic.com, unreachable on this offline machine), and
        the 404s of its base-path probe when a page is opened by its own URL (it first asks
        ``/<page>/_stcore/health``, then the root).
        """
        if message.type != "error":
            return
        source = message.location.get("url", "")
        if source and not source.startswith(("http://127.0.0.1", "http://localhost")):
            return
        path = urlsplit(source).path
        if "404" in message.text and _STCORE_PROBE.fullmatch(path):
            return
        self.console_errors.append(f"{message.text} ({source})")


@dataclass
class Viewer:
    """One browser context (one Streamlit session, like one person) and its open page."""

    context: BrowserContext
    page: Page
    log: BrowserLog


def new_viewer(browser: Browser, **context_options: Any) -> Viewer:
    options = {"viewport": VIEWPORT, "accept_downloads": True, **context_options}
    context = browser.new_context(**options)
    context.set_default_timeout(30_000)
    page = context.new_page()
    log = BrowserLog()
    log.attach(page)
    return Viewer(context, page, log)


@pytest.fixture
def viewer(browser: Browser) -> Iterator[Viewer]:
    """A fresh browser context at 1440x900 for one test."""
    made = new_viewer(browser)
    try:
        yield made
    finally:
        made.context.close()


@pytest.fixture
def page(viewer: Viewer) -> Page:
    return viewer.page


@pytest.fixture
def make_viewer(browser: Browser) -> Iterator[Callable[..., Viewer]]:
    """Several independent viewers at once (isolation tests); all closed at teardown."""
    made: list[Viewer] = []

    def factory(**context_options: Any) -> Viewer:
        made.append(new_viewer(browser, **context_options))
        return made[-1]

    try:
        yield factory
    finally:
        for each in made:
            each.context.close()


SCREENSHOT_DIR = ROOT / "docs" / "screenshots"


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR
