"""Shared fixtures: the sandbox every test talks to over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from vision_sandbox import Sandbox


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    """One demo-seeded sandbox for the whole run.

    Shared: tests create uniquely named scanners and never assume global counts they did not make.
    """
    with Sandbox.start(seed="demo", scan_delay=0.2) as sb:
        yield sb


@pytest.fixture
def empty_sandbox() -> Iterator[Sandbox]:
    """A fresh, empty sandbox (projects, users and keys only) for one test."""
    with Sandbox.start(seed="empty", scan_delay=0.05) as sb:
        yield sb


@pytest.fixture(autouse=True)
def _sandbox_faults_off(request: pytest.FixtureRequest) -> Iterator[None]:
    """Faults a test configured on the shared sandbox never leak into the next test."""
    yield
    if "sandbox" in request.fixturenames:
        request.getfixturevalue("sandbox").faults.reset()
