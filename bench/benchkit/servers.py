"""Processes for the browser and memory benches: a sandbox and ``streamlit run`` servers.

Each runs in its own process, as in production, so its memory and CPU can be read from /proc
(``VmHWM`` is the kernel's own peak resident set size, so no sampling is needed).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vision_sandbox import DEMO_API_KEY

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 120.0
_CONSOLE_ENV = ("POSTHOG_", "VISION_CONSOLE_")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def proc_status_mb(pid: int, field: str) -> float:
    """A memory field of /proc/<pid>/status (VmRSS, VmHWM, ...) in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise LookupError(field)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def clean_environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(_CONSOLE_ENV)}


@dataclass
class SandboxProcess:
    """``python -m vision_sandbox`` on a free port, with its own database."""

    process: subprocess.Popen[str]
    base_url: str
    project_id: int = 1
    api_key: str = DEMO_API_KEY

    @classmethod
    def start(cls, db_path: Path, observations: int = 0, scanners: int = 0) -> SandboxProcess:
        """A demo sandbox, grown by ``observations`` bulk rows and to ``scanners`` scanners."""
        port = free_port()
        command = [
            sys.executable, "-m", "vision_sandbox", "--seed", "demo", "--port", str(port),
            "--db", str(db_path), "--observations", str(observations), "--scan-delay", "0.5",
            *(["--scanners", str(scanners)] if scanners else []),
        ]  # fmt: skip
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("Vision sandbox running"):
                return cls(process, f"http://127.0.0.1:{port}")
        raise RuntimeError("the sandbox process exited before serving")

    def env(self) -> dict[str, str]:
        """What a console needs to connect to this sandbox (environment variables)."""
        return {
            "POSTHOG_HOST": self.base_url,
            "POSTHOG_PROJECT_ID": str(self.project_id),
            "POSTHOG_PERSONAL_API_KEY": self.api_key,
        }

    def _control(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.base_url}{path}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json"} if data else {},
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            return json.loads(answer.read() or b"null")

    def configure_faults(self, **settings: Any) -> None:
        """``Faults.configure`` in the sandbox process (e.g. ``latency_ms=150``)."""
        self._control("POST", "/_sandbox/faults", settings)

    def reset_faults(self) -> None:
        self._control("POST", "/_sandbox/reset-faults")

    def reset_request_log(self) -> None:
        self._control("POST", "/_sandbox/requests/reset")

    def requests_made(self) -> int:
        """API requests answered since the last reset (the sandbox's own log)."""
        return int(self._control("GET", "/_sandbox/requests")["count"])

    def stop(self) -> None:
        stop(self.process)


@dataclass
class StreamlitServer:
    """``streamlit run <script>`` on a free loopback port, logging to a file."""

    process: subprocess.Popen[bytes]
    url: str
    log_path: Path

    @classmethod
    def start(cls, script: Path, env: dict[str, str], directory: Path) -> StreamlitServer:
        port = free_port()
        directory.mkdir(parents=True, exist_ok=True)
        log_path = directory / f"streamlit-{port}.log"
        command = [
            sys.executable, "-m", "streamlit", "run", str(script),
            f"--server.port={port}", "--server.headless=true", "--server.address=127.0.0.1",
            "--browser.gatherUsageStats=false", "--server.fileWatcherType=none",
            f"--secrets.files={directory / 'no-secrets.toml'}",
        ]  # fmt: skip
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env={**clean_environment(), **env},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        server = cls(process, f"http://127.0.0.1:{port}", log_path)
        server.wait_healthy()
        return server

    def wait_healthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited early; see {self.log_path}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as answer:
                    if answer.read() == b"ok":
                        return
            except OSError:
                pass
            time.sleep(0.25)
        raise RuntimeError(f"streamlit did not become healthy; see {self.log_path}")

    def rss_mb(self) -> float:
        return proc_status_mb(self.process.pid, "VmRSS")

    def peak_rss_mb(self) -> float:
        return proc_status_mb(self.process.pid, "VmHWM")

    def stop(self) -> None:
        stop(self.process)


def stop(process: subprocess.Popen[bytes] | subprocess.Popen[str]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=15)
