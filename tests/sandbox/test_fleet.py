"""A generated fleet: ``Sandbox.start(scanners=N)`` and ``--scanners N`` grow the demo to N."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import requests

from vision_sandbox import DEMO_API_KEY, Sandbox
from vision_sandbox.eras import Era, rules_for
from vision_sandbox.fleet import grow_fleet

from .conftest import Api


def test_a_fleet_of_scanners_reads_like_any_other(tmp_path: Path) -> None:
    with Sandbox.start(db_path=tmp_path / "fleet.sqlite3", scan_delay=0.05, scanners=120) as sb:
        api = Api(sb)
        fleet = api.get(limit=200).json()
        assert fleet["count"] == 120
        generated = [s for s in fleet["results"] if s["name"].startswith("Fleet scanner")]
        assert len(generated) == 112
        types = Counter(s["scanner_type"] for s in generated)
        assert set(types) == {"monitor", "classifier", "scorer", "summarizer"}
        assert min(types.values()) >= 25
        enabled = sum(s["enabled"] for s in generated)
        assert 0 < enabled < len(generated)
        assert len({s["sampling_rate"] for s in generated}) > 3
        assert all(s["estimated_monthly_observations"] is not None for s in generated)

        stats = api.get("stats/").json()
        assert stats["total"] == 120
        assert stats["enabled"] == sum(s["enabled"] for s in fleet["results"])
        for scanner in generated[:4]:
            page = api.get(f"{scanner['id']}/observations/").json()
            assert page["count"] == 4
            one = api.get(f"{scanner['id']}/observations/{page['results'][0]['id']}/")
            assert one.status_code == 200
            counts = api.get(f"{scanner['id']}/observations/stats/").json()["status_counts"]
            assert counts["total"] == 4


@pytest.mark.parametrize("era", ["seed", "current"])
def test_a_fleet_uses_its_eras_models(tmp_path: Path, era: Era) -> None:
    with Sandbox.start(seed="empty", scan_delay=0.05, era=era, scanners=12) as sb:
        models = {s["model"] for s in Api(sb).get(limit=20).json()["results"]}
        assert models == set(rules_for(era).models)


def test_a_fleet_grows_to_its_size_and_no_further(tmp_path: Path) -> None:
    path = tmp_path / "grow.sqlite3"
    with Sandbox.start(db_path=path, scan_delay=0.05, scanners=20) as sb:
        assert grow_fleet(sb.db, sb.project_id, 20) == 0
        assert grow_fleet(sb.db, sb.project_id, 30, observations_each=0) == 10
        assert Api(sb).get().json()["count"] == 30
    with Sandbox.start(db_path=path, scan_delay=0.05, scanners=25) as sb:
        assert Api(sb).get().json()["count"] == 30


def test_the_cli_grows_the_fleet(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "vision_sandbox", "--port", "0", "--scanners", "40"]
    command += ["--db", str(tmp_path / "cli.sqlite3"), "--sweep-interval", "0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        url = re.search(r"(http://\S+)", process.stdout.readline())
        assert url
        response = requests.get(
            f"{url.group(1)}/api/projects/1/vision/scanners/",
            headers={"Authorization": f"Bearer {DEMO_API_KEY}"},
            timeout=10,
        )
        assert response.status_code == 200
        assert response.json()["count"] == 40
    finally:
        process.terminate()
        process.wait(timeout=10)
