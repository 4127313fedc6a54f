"""PostHog's throttles (``rate_limits="posthog"``) on a fake clock: no test sleeps."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from vision_sandbox import Sandbox

from .conftest import Api, assert_error


class FakeClock:
    """Seconds that only move when a test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["current", "seed"])
def throttled(request: pytest.FixtureRequest) -> Iterator[tuple[Api, FakeClock]]:
    clock = FakeClock()
    with Sandbox.start(
        seed="empty", era=request.param, rate_limits="posthog", clock=clock, scan_delay=0.05
    ) as sb:
        client = Api(sb)
        yield client, clock
        client.session.close()


def _throttled(response: requests.Response, seconds: int) -> None:
    body = assert_error(response, 429, code="throttled", error_type="throttled_error", attr=None)
    unit = "second" if seconds == 1 else "seconds"
    assert body["detail"] == f"Request was throttled. Expected available in {seconds} {unit}."
    assert response.headers["Retry-After"] == str(seconds)


def test_estimate_throttle_per_project(throttled: tuple[Api, FakeClock]) -> None:
    api, clock = throttled
    for _ in range(20):
        assert api.post("estimate/", {}).status_code == 200
    if api.sb.era == "seed":
        # No estimate throttle in the seed era: only the per-key defaults (480/min) apply.
        assert api.post("estimate/", {}).status_code == 200
        return
    clock.now += 15
    _throttled(api.post("estimate/", {}), 45)
    other_key = Api(api.sb, key=api.sb.add_api_key())
    _throttled(other_key.post("estimate/", {}), 45)
    assert api.get().status_code == 200
    clock.now += 46
    assert api.post("estimate/", {}).status_code == 200


def test_estimate_hourly_bucket(throttled: tuple[Api, FakeClock]) -> None:
    api, clock = throttled
    if api.sb.era == "seed":
        return
    for _ in range(10):
        for _ in range(20):
            assert api.post("estimate/", {}).status_code == 200
        clock.now += 61
    response = api.post("estimate/", {})
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 60


def test_default_throttle_is_per_key_and_skips_estimate_in_current_era(
    throttled: tuple[Api, FakeClock],
) -> None:
    api, clock = throttled
    for _ in range(480):
        assert api.get("stats/").status_code == 200
    _throttled(api.get(), 60)
    fresh = Api(api.sb, key=api.sb.add_api_key())
    assert fresh.get().status_code == 200
    estimate = api.post("estimate/", {})
    assert estimate.status_code == (200 if api.sb.era == "current" else 429)
    clock.now += 61
    assert api.get().status_code == 200


def test_rate_limits_are_off_by_default(any_api: Api) -> None:
    for _ in range(25):
        assert any_api.post("estimate/", {}).status_code == 200
