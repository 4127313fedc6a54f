"""The request pacer: PostHog's per-key and per-project limits, enforced before sending.

Every test runs on a fake clock whose sleep advances it, so waits are checked exactly and
nothing sleeps for real. HTTP tests use small limits on a stub server; the default limits
(480/min, 4,800/h, estimates 20/min and 200/h) are checked on the budget directly.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

import vision_api._client
from tests.client.fake_clock import FakeClock
from vision_api import (
    ConfigurationError,
    Pacer,
    PacerLimits,
    RateLimitError,
    RequestBudgetError,
    RequestBudgets,
    VisionClient,
)

from .conftest import STUB_KEY, Reply, StubAPI

SCANNERS_PAGE = {"count": 0, "next": None, "previous": None, "results": []}
ESTIMATE = {
    "matched_sessions_in_window": 10,
    "window_days": 7,
    "estimated_observations_per_month": 43,
    "credits_per_observation": 5,
    "estimated_credits_per_month": 215,
    "other_enabled_scanners_monthly_credits": 0,
    "active_backfill_credits": 0,
    "sampling_rate": 1.0,
}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def api(stub_api: StubAPI) -> Iterator[StubAPI]:
    stub_api.reply("/scanners/", Reply(200, SCANNERS_PAGE))
    stub_api.reply("/scanners/estimate/", Reply(200, ESTIMATE))
    yield stub_api


def small(clock: FakeClock, **limits: int | float) -> RequestBudgets:
    settings: dict[str, float] = {
        "per_minute": 3,
        "per_hour": 5,
        "estimate_per_minute": 2,
        "estimate_per_hour": 3,
        "margin": 0,
    }
    settings.update(limits)
    return RequestBudgets(PacerLimits(**settings), clock=clock)  # type: ignore[arg-type]


def paced(
    api: StubAPI, budgets: RequestBudgets, clock: FakeClock, **options: object
) -> VisionClient:
    """A paced client whose deadline (120 s) outlasts a minute-window wait."""
    options.setdefault("deadline", 120)
    return api.client(pacer=budgets, sleep=clock.sleep, **options)


def test_requests_within_the_minute_limit_go_at_once(api: StubAPI, clock: FakeClock) -> None:
    client = paced(api, small(clock), clock)
    for _ in range(3):
        client.scanners.list()
    assert clock.sleeps == [] and len(api.seen) == 3
    assert client.pacer.status().used_last_minute == 3


def test_the_request_over_the_minute_limit_waits_for_the_oldest_to_leave(
    api: StubAPI, clock: FakeClock
) -> None:
    client = paced(api, small(clock, margin=1.0), clock)
    client.scanners.list()
    clock.now += 10
    client.scanners.list()
    client.scanners.list()
    client.scanners.list()  # the 4th in a minute waits until the 1st is 61 s old
    assert clock.sleeps == [pytest.approx(51.0)]
    assert len(api.seen) == 4


def test_the_hour_limit_holds_once_the_minute_has_room(api: StubAPI, clock: FakeClock) -> None:
    client = paced(api, small(clock, per_minute=100), clock, deadline=4000)
    for _ in range(5):
        client.scanners.list()
    client.scanners.list()
    assert clock.sleeps == [pytest.approx(3600.0)]


def test_a_wait_longer_than_the_deadline_raises_without_sleeping(
    api: StubAPI, clock: FakeClock
) -> None:
    client = paced(api, small(clock), clock, deadline=30)
    for _ in range(3):
        client.scanners.list()
    with pytest.raises(RequestBudgetError) as caught:
        client.scanners.list()
    assert clock.sleeps == [] and len(api.seen) == 3
    error = caught.value
    assert isinstance(error, RateLimitError) and error.code == "request_budget"
    assert error.retry_after == pytest.approx(60.0) and error.budget == "API key"
    assert "30 s" in str(error)


def test_estimates_count_only_against_the_project_estimate_budget(
    api: StubAPI, clock: FakeClock
) -> None:
    client = paced(api, small(clock), clock)
    client.scanners.estimate()
    client.scanners.estimate()
    for _ in range(3):
        client.scanners.list()  # the key budget is untouched by the estimates
    assert clock.sleeps == []
    client.scanners.estimate()  # the 3rd estimate in a minute waits
    assert clock.sleeps == [pytest.approx(60.0)]
    status = client.pacer.status()
    assert (status.used_last_minute, status.estimate_used_last_minute) == (0, 1)
    assert (status.used_last_hour, status.estimate_used_last_hour) == (3, 3)


def test_the_estimate_budget_is_per_project_whatever_the_key(
    api: StubAPI, clock: FakeClock
) -> None:
    budgets = small(clock)
    options = {"base_url": api.base_url, "pacer": budgets, "sleep": clock.sleep, "deadline": 90}
    first = VisionClient(project_id=1, api_key=STUB_KEY, **options)  # type: ignore[arg-type]
    other_key = VisionClient(
        project_id=1,
        api_key="phx_another_key_of_the_same_project",
        **options,  # type: ignore[arg-type]
    )
    other_project = VisionClient(project_id=2, api_key=STUB_KEY, **options)  # type: ignore[arg-type]
    first.scanners.estimate()
    other_project.scanners.estimate()
    other_project.scanners.estimate()
    other_key.scanners.estimate()
    assert clock.sleeps == []
    other_key.scanners.estimate()
    assert clock.sleeps == [pytest.approx(60.0)]


def test_clients_of_one_key_and_host_share_the_budget(api: StubAPI, clock: FakeClock) -> None:
    budgets = small(clock)
    one, two = paced(api, budgets, clock), paced(api, budgets, clock)
    one.scanners.list()
    two.scanners.list()
    one.copy().scanners.list()
    assert clock.sleeps == []
    two.scanners.list()
    assert clock.sleeps == [pytest.approx(60.0)]


def test_another_key_or_host_has_its_own_budget(api: StubAPI, clock: FakeClock) -> None:
    budgets = small(clock)
    for _ in range(3):
        paced(api, budgets, clock).scanners.list()
    VisionClient(
        base_url=api.base_url,
        project_id=1,
        api_key="phx_a_different_key_0123456789",
        pacer=budgets,
        sleep=clock.sleep,
    ).scanners.list()
    other_host = api.base_url.replace("127.0.0.1", "localhost")
    VisionClient(
        base_url=other_host, project_id=1, api_key=STUB_KEY, pacer=budgets, sleep=clock.sleep
    ).scanners.list()
    assert clock.sleeps == []


def test_on_pacer_wait_hears_each_wait_and_status_shows_it(api: StubAPI, clock: FakeClock) -> None:
    budgets = small(clock)
    observer = paced(api, budgets, clock)
    heard: list[tuple[float, bool, float | None]] = []

    def on_wait(seconds: float) -> None:
        status = observer.pacer.status()  # another viewer of the key, looking meanwhile
        heard.append((seconds, status.is_waiting, status.waiting_until))

    client = paced(api, budgets, clock, on_pacer_wait=on_wait)
    for _ in range(4):
        client.scanners.list()
    assert heard == [(pytest.approx(60.0), True, pytest.approx(1060.0))]
    after = observer.pacer.status()
    assert (after.is_waiting, after.waiting_until, after.enabled) == (False, None, True)


def test_status_tells_how_long_the_next_request_would_wait(clock: FakeClock) -> None:
    budgets = small(clock)
    pacer = VisionClient(
        base_url="http://127.0.0.1:9", project_id=1, api_key=STUB_KEY, pacer=budgets
    ).pacer
    for _ in range(3):
        pacer.acquire(estimate=False, max_wait=100)
    clock.now += 15
    status = pacer.status()
    assert status.wait_seconds == pytest.approx(45.0)
    assert (status.limit_per_minute, status.limit_per_hour) == (3, 5)
    assert (status.estimate_limit_per_minute, status.estimate_wait_seconds) == (2, 0.0)


def test_a_429_retry_after_holds_the_shared_budget_for_every_client(
    api: StubAPI, clock: FakeClock
) -> None:
    budgets = small(clock, per_minute=100, per_hour=1000)
    throttled = {"type": "throttled_error", "code": "throttled", "detail": "Request was throttled."}
    api.reply("/scanners/", Reply(429, throttled, {"Retry-After": "7"}), Reply(200, SCANNERS_PAGE))
    first = paced(api, budgets, clock, max_retries=0)
    with pytest.raises(RateLimitError):
        first.scanners.list()
    paced(api, budgets, clock).scanners.list()  # another viewer of the same key
    assert clock.sleeps == [pytest.approx(7.0)]
    assert len(api.seen) == 2


def test_a_held_estimate_budget_leaves_other_calls_alone(api: StubAPI, clock: FakeClock) -> None:
    budgets = small(clock, estimate_per_minute=10, estimate_per_hour=10)
    throttled = {"type": "throttled_error", "code": "throttled", "detail": "Request was throttled."}
    api.reply("/scanners/estimate/", Reply(429, throttled, {"Retry-After": "45"}))
    client = paced(api, budgets, clock, max_retries=0)
    with pytest.raises(RateLimitError):
        client.scanners.estimate()
    client.scanners.list()
    assert clock.sleeps == []
    assert client.pacer.status().estimate_wait_seconds == pytest.approx(45.0)


def test_a_retried_429_waits_retry_after_once_not_twice(api: StubAPI, clock: FakeClock) -> None:
    budgets = small(clock, per_minute=100, per_hour=1000)
    throttled = {"type": "throttled_error", "code": "throttled", "detail": "Request was throttled."}
    api.reply("/scanners/", Reply(429, throttled, {"Retry-After": "3"}), Reply(200, SCANNERS_PAGE))
    paced(api, budgets, clock).scanners.list()
    assert clock.sleeps == [pytest.approx(3.0)]  # the retry's own wait; the hold has passed


def test_unpaced_clients_are_counted_but_never_wait(api: StubAPI, clock: FakeClock) -> None:
    budgets = small(clock)
    unpaced = Pacer(
        budgets,
        origin=api.base_url,
        api_key=STUB_KEY,
        project_id=1,
        enabled=False,
        sleep=clock.sleep,
    )
    for _ in range(5):
        assert unpaced.acquire(estimate=False, max_wait=0) == 0.0
    assert clock.sleeps == [] and unpaced.status().used_last_minute == 5
    # A paced client of the same key and host sees those five and waits out the hour budget.
    with pytest.raises(RequestBudgetError):
        paced(api, budgets, clock).scanners.list()
    assert api.seen == []


def test_clients_are_unpaced_by_default_yet_counted_in_the_shared_budgets(
    api: StubAPI,
) -> None:
    client = api.client()
    assert client.pacer.enabled is False
    assert client.pacer.registry is vision_api._client.SHARED_BUDGETS  # the process's own
    client.scanners.list()
    client.scanners.list()
    status = client.pacer.status()
    assert (status.used_last_minute, status.limit_per_minute, status.enabled) == (2, 480, False)
    assert api.client(pacer=True).pacer.status().used_last_minute == 2


def test_default_limits_are_posthogs(clock: FakeClock) -> None:
    budgets = RequestBudgets(clock=clock)
    assert budgets.limits == PacerLimits(480, 4800, 20, 200, 1.0)
    pacer = VisionClient(
        base_url="http://127.0.0.1:9", project_id=1, api_key=STUB_KEY, pacer=budgets
    ).pacer
    for _ in range(480):
        assert pacer.acquire(estimate=False, max_wait=100) == 0.0
    assert pacer.status().wait_seconds == pytest.approx(61.0)
    for _ in range(20):
        assert pacer.acquire(estimate=True, max_wait=100) == 0.0
    assert pacer.status().estimate_wait_seconds == pytest.approx(61.0)


def test_the_hour_budget_spreads_over_the_hour(clock: FakeClock) -> None:
    budgets = RequestBudgets(PacerLimits(margin=0), clock=clock)
    pacer = VisionClient(
        base_url="http://127.0.0.1:9",
        project_id=1,
        api_key=STUB_KEY,
        pacer=budgets,
        sleep=clock.sleep,
    ).pacer
    for _ in range(4800):
        pacer.acquire(estimate=False, max_wait=4000)
    # 480 a minute: ten full minutes, each after waiting out the previous minute.
    assert len(clock.sleeps) == 9 and clock.now == pytest.approx(1000.0 + 9 * 60)
    status = pacer.status()
    assert (status.used_last_hour, status.wait_seconds) == (4800, pytest.approx(3600 - 540))


def test_concurrent_requests_never_exceed_the_window(clock: FakeClock) -> None:
    budgets = small(clock, per_minute=5, per_hour=1000)
    pacer = VisionClient(
        base_url="http://127.0.0.1:9",
        project_id=1,
        api_key=STUB_KEY,
        pacer=budgets,
        sleep=clock.sleep,
    ).pacer
    sent: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(10):
            pacer.acquire(estimate=False, max_wait=10_000)
            with lock:
                sent.append(clock())

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(sent) == 40
    sent.sort()
    for i in range(len(sent) - 5):
        assert sent[i + 5] - sent[i] >= 60.0


def test_the_key_never_appears_in_the_registry_or_status(clock: FakeClock) -> None:
    budgets = small(clock)
    client = VisionClient(
        base_url="http://127.0.0.1:9", project_id=1, api_key=STUB_KEY, pacer=budgets
    )
    client.pacer.acquire(estimate=False, max_wait=1)
    shown = " ".join(
        [repr(budgets), repr(client.pacer), repr(client.pacer.status()), repr(budgets.__dict__)]
    )
    assert STUB_KEY not in shown
    assert all(STUB_KEY not in part for where in budgets._budgets for part in where)


def test_pacer_must_be_a_bool_or_a_registry() -> None:
    with pytest.raises(ConfigurationError) as caught:
        VisionClient(
            base_url="http://127.0.0.1:9",
            project_id=1,
            api_key=STUB_KEY,
            pacer="yes",  # type: ignore[arg-type]
        )
    assert caught.value.field == "pacer"


def test_limits_are_validated() -> None:
    with pytest.raises(ValueError, match="per_minute"):
        PacerLimits(per_minute=0)
    with pytest.raises(ValueError, match="margin"):
        PacerLimits(margin=-1)


def test_waits_are_logged_without_the_key(
    api: StubAPI, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    client = paced(api, small(clock), clock)
    with caplog.at_level("DEBUG", logger="vision_api"):
        for _ in range(4):
            client.scanners.list()
    assert "Waiting 60.00 s for room in the API key request budget" in caplog.text
    assert STUB_KEY not in caplog.text
