"""``python -m vision_sandbox`` prints a working URL and key and serves until stopped."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import requests


def test_cli_serves_and_keeps_its_database(tmp_path: Path) -> None:
    db = tmp_path / "cli.sqlite3"
    command = [
        sys.executable,
        "-m",
        "vision_sandbox",
        "--port",
        "0",
        "--seed",
        "empty",
        "--db",
        str(db),
        "--api-key",
        "phx_cli_test_key",
        "--project-id",
        "7",
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        url = re.search(r"(http://\S+)", first)
        assert url, first
        rest = [process.stdout.readline() for _ in range(2)]
        assert "phx_cli_test_key" in "".join(rest)
        assert "Project id: 7" in "".join(rest)
        response = requests.get(
            f"{url.group(1)}/api/projects/7/vision/scanners/",
            headers={"Authorization": "Bearer phx_cli_test_key"},
            timeout=10,
        )
        assert response.status_code == 200
        assert response.json()["count"] == 0
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert db.exists()


def test_cli_speaks_the_seed_era_with_posthog_rate_limits(tmp_path: Path) -> None:
    command = [
        sys.executable,
        "-m",
        "vision_sandbox",
        "--port",
        "0",
        "--seed",
        "empty",
        "--db",
        str(tmp_path / "seed.sqlite3"),
        "--api-key",
        "phx_cli_seed_key",
        "--era",
        "seed",
        "--rate-limits",
        "posthog",
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert "(seed era)" in first
        url = re.search(r"(http://\S+)", first)
        assert url, first
        response = requests.get(
            f"{url.group(1)}/api/projects/1/vision/quota/",
            headers={"Authorization": "Bearer phx_cli_seed_key"},
            timeout=10,
        )
        assert response.status_code == 200
        assert response.json()["monthly_quota"] == 3000
        assert "credit_limit" not in response.json()
    finally:
        process.terminate()
        process.wait(timeout=10)
