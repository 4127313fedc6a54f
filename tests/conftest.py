"""Shared fixtures: the sandboxes every test talks to over real HTTP, one per API era."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

import vision_api
import vision_api._client
from vision_console import chart_spec
from vision_sandbox import Sandbox

# Every chart a test builds is checked against the Vega-Lite schema (viewers skip the check: it
# costs as much as building the chart). Browser-test servers get the same setting.
os.environ[chart_spec.VALIDATE_ENV] = "1"


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    """One demo-seeded sandbox speaking today's ("current" era) API for the whole run.

    Shared: tests create uniquely named scanners and never assume global counts they did not make.
    """
    with Sandbox.start(seed="demo", scan_delay=0.2, era="current") as sb:
        yield sb


@pytest.fixture(scope="session")
def seed_sandbox() -> Iterator[Sandbox]:
    """One demo-seeded sandbox speaking the seed era's API (observation quota, no credits)."""
    with Sandbox.start(seed="demo", scan_delay=0.2, era="seed") as sb:
        yield sb


@pytest.fixture(params=["current", "seed"])
def any_era_sandbox(request: pytest.FixtureRequest) -> Sandbox:
    """The shared demo sandbox of each era in turn (tests using it run once per era)."""
    name = "sandbox" if request.param == "current" else "seed_sandbox"
    found: Sandbox = request.getfixturevalue(name)
    return found


@pytest.fixture
def empty_sandbox() -> Iterator[Sandbox]:
    """A fresh, empty current-era sandbox (projects, users and keys only) for one test."""
    with Sandbox.start(seed="empty", scan_delay=0.05) as sb:
        yield sb


@pytest.fixture(autouse=True)
def _sandbox_faults_off(request: pytest.FixtureRequest) -> Iterator[None]:
    """Faults a test configured on a shared sandbox never leak into the next test."""
    yield
    for name in ("sandbox", "seed_sandbox"):
        if name in request.fixturenames:
            request.getfixturevalue(name).faults.reset()


@pytest.fixture(autouse=True)
def _fresh_request_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts with PostHog's request budget unused.

    The client's pacer keeps one registry per process, as a console server does, and every
    client counts its requests there (paced or not). Over a whole run the sandbox's key would
    use up the minute's 480 and later tests would wait or be refused; the pacer itself is
    tested with its own registries and fake clocks (tests/client/test_pacer.py).
    """
    monkeypatch.setattr(vision_api._client, "SHARED_BUDGETS", vision_api.RequestBudgets())
