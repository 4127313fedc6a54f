"""Every page asks one module for the server's era, and all assume the same while it is
unknown (before, the form assumed the seed era and Estimate the current one)."""

from __future__ import annotations

import pytest

from vision_api import APIConnectionError
from vision_console import cache, server_era


def test_the_detected_era_is_passed_through(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "era", lambda: "seed")
    assert server_era.connected() == "seed"
    assert server_era.is_current() is False


def test_an_era_that_cannot_be_told_is_assumed_to_be_todays(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def unreachable() -> str:
        raise APIConnectionError("Connection refused", may_have_reached_server=False)

    monkeypatch.setattr(cache, "era", unreachable)
    assert server_era.connected() == server_era.ASSUMED == "current"
    assert server_era.is_current() is True
