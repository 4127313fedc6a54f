"""The client against the sandbox in both eras, over HTTP: era detection, quota, models, and
the current era's calls (bulk scans, labels, retries, filters, write fields), plus the pacer
against the sandbox's PostHog throttles.

Tests that change observations run on a private current-era sandbox, so the shared demo data
other tests count stays as seeded.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.client.fake_clock import FakeClock
from vision_api import (
    BadRequestError,
    NotFoundError,
    Observation,
    PacerLimits,
    RateLimitError,
    RequestBudgets,
    Scanner,
    VisionClient,
    model_info,
    models_for,
)
from vision_sandbox import Sandbox

from .conftest import MONITOR_CONFIG, SleepRecorder, unique_name


def _client(sb: Sandbox, **options: Any) -> VisionClient:
    options.setdefault("sleep", SleepRecorder())
    return VisionClient(
        base_url=sb.base_url, project_id=sb.project_id, api_key=sb.api_key, **options
    )


@pytest.fixture
def era_client(any_era_sandbox: Sandbox) -> Iterator[VisionClient]:
    any_era_sandbox.faults.reset()
    any_era_sandbox.requests.clear()
    with _client(any_era_sandbox) as client:
        yield client


@pytest.fixture(scope="module")
def private() -> Iterator[Sandbox]:
    """A current-era demo sandbox of this module's own, for tests that change observations."""
    with Sandbox.start(seed="demo", scan_delay=0.05, era="current") as sb:
        yield sb


@pytest.fixture
def mine(private: Sandbox) -> Iterator[VisionClient]:
    with _client(private) as client:
        yield client


def _monitor(client: VisionClient, model: str) -> Scanner:
    return client.scanners.create(
        name=unique_name(), scanner_type="monitor", scanner_config=MONITOR_CONFIG, model=model
    )


DEMO_SCANNERS = {
    "monitor": "Checkout friction",
    "scorer": "UX quality",
    "summarizer": "Session summaries",
}


def _scanner(client: VisionClient, kind: str) -> Scanner:
    """The demo's scanner of this type, by its exact name: other tests on the shared sandbox
    create scanners of every type, which must not stand in for the demo's seeded data."""
    name = DEMO_SCANNERS[kind]
    return next(
        s for s in client.scanners.iter(search=name) if s.name == name and s.scanner_type == kind
    )


def _settle(
    client: VisionClient, scanner_id: str, session_ids: list[str], timeout: float = 10.0
) -> list[Observation]:
    """The scanner's observations of these sessions once each has one and none is in flight
    (a scan accepted but not yet started has no row, so rows alone are not enough)."""
    deadline = time.monotonic() + timeout
    while True:
        rows = client.observations.list(scanner_id, session_id=session_ids).items
        settled = {row.session_id for row in rows} >= set(session_ids) and not any(
            row.in_flight for row in rows
        )
        if settled or time.monotonic() > deadline:
            return rows
        time.sleep(0.05)


def _session_ids(client: VisionClient, count: int) -> list[str]:
    """Distinct recorded sessions, taken from the demo's observations."""
    seen: dict[str, None] = {}
    for observation in client.observations.iter(_scanner(client, "monitor").id):
        seen[observation.session_id] = None
        if len(seen) == count:
            break
    return list(seen)


# Era and quota, both eras ---------------------------------------------------------------------


def test_the_era_is_detected_from_the_quota(
    era_client: VisionClient, any_era_sandbox: Sandbox
) -> None:
    assert era_client.era() == any_era_sandbox.era
    assert era_client.era() == any_era_sandbox.era
    assert any_era_sandbox.requests.count(path_contains="/quota") == 1
    assert any_era_sandbox.requests.count(path_contains="/scanners") == 0


def test_a_quota_404_falls_back_to_the_scanner_list(
    era_client: VisionClient, any_era_sandbox: Sandbox
) -> None:
    any_era_sandbox.faults.fail_next(1, status=404, path_contains="/quota")
    assert era_client.era() == any_era_sandbox.era
    assert any_era_sandbox.requests.count(path_contains="/scanners") == 1


def test_the_quota_is_in_the_eras_unit(era_client: VisionClient, any_era_sandbox: Sandbox) -> None:
    quota = era_client.quota.retrieve()
    if any_era_sandbox.era == "current":
        assert quota.unit == "credits" and quota.credits_settled is not None
        assert quota.scanners_monthly_credits is not None
        assert quota.used == quota.credits_settled + (quota.credits_reserved or 0)
    else:
        assert quota.unit == "observations" and quota.limit == 3000
        assert quota.scanners_monthly_credits is None and quota.free_monthly_credits is None
    assert quota.limit is not None and quota.remaining == max(0, quota.limit - quota.used)
    assert quota.period_start is not None and quota.period_end is not None
    assert quota.period_start < quota.period_end


def test_spend_series_exists_in_the_current_era_only(
    era_client: VisionClient, any_era_sandbox: Sandbox
) -> None:
    if any_era_sandbox.era == "seed":
        with pytest.raises(NotFoundError):
            era_client.quota.spend_series()
        return
    series = era_client.quota.spend_series()
    assert series.days and series.days[0].date == series.period_start.date()  # type: ignore[union-attr]
    assert all(day.credits >= 0 for day in series.days)
    assert series.total <= (era_client.quota.retrieve().credits_settled or 0)


def test_every_demo_scanner_runs_a_model_the_catalogue_knows(era_client: VisionClient) -> None:
    for scanner in era_client.scanners.iter():
        assert model_info(scanner.model, era_client.era()) is not None, scanner.model


def test_the_eras_models_are_accepted_and_a_retired_one_refused(era_client: VisionClient) -> None:
    era = era_client.era()
    for model in models_for(era):
        created = era_client.scanners.create(
            name=unique_name(),
            scanner_type="monitor",
            scanner_config=MONITOR_CONFIG,
            model=model.id,
        )
        assert created.model == model.id
        if era == "current":
            assert created.credits_per_observation == model.credits_per_observation
        era_client.scanners.delete(created.id)
    if era == "current":
        retired = "gemini-3.1-flash-lite-preview"
        info = model_info(retired)
        assert info is not None and info.retired
        with pytest.raises(BadRequestError) as caught:
            era_client.scanners.create(
                name=unique_name(),
                scanner_type="monitor",
                scanner_config=MONITOR_CONFIG,
                model=retired,
            )
        assert (caught.value.attr, caught.value.code) == ("model", "invalid_choice")


# Current era: scanners ------------------------------------------------------------------------


def test_create_and_update_send_sampling_mode_tags_and_credit_limit(client: VisionClient) -> None:
    created = client.scanners.create(
        name=unique_name(),
        scanner_type="monitor",
        scanner_config=MONITOR_CONFIG,
        model="gemini-3.5-flash-lite",
        sampling_mode="focused",
        tags=["Growth ", "checkout"],
        credit_limit=500,
    )
    try:
        assert (created.sampling_mode, created.credit_limit, created.limit_reached) == (
            "focused",
            500,
            False,
        )
        assert set(created.tags) == {"growth", "checkout"}
        updated = client.scanners.update(created.id, tags=["ux"], credit_limit=None)
        assert (updated.tags, updated.credit_limit, updated.sampling_mode) == (
            ("ux",),
            None,
            "focused",
        )
        assert client.scanners.list(tags=["ux"], search=created.name).count == 1
        assert client.scanners.list(tags=["growth"], search=created.name).count == 0
    finally:
        client.scanners.delete(created.id)


def test_scanners_order_by_credits_this_month(client: VisionClient) -> None:
    page = client.scanners.list(order_by="-credits_this_month")
    credits = [scanner.credits_this_month for scanner in page.items]
    assert all(value is not None for value in credits)
    assert credits == sorted(credits, reverse=True)  # type: ignore[type-var]


def test_estimate_with_sampling_mode_and_model(client: VisionClient) -> None:
    everything = client.scanners.estimate(sampling_mode="comprehensive", model="gemini-3.8-flash")
    focused = client.scanners.estimate(sampling_mode="focused", model="gemini-3.5-flash-lite")
    assert focused.matched_sessions_in_window <= everything.matched_sessions_in_window
    assert (everything.credits_per_observation, focused.credits_per_observation) == (15, 2)
    assert everything.other_enabled_scanners_monthly is None
    assert everything.other_enabled_scanners_monthly_credits is not None


# Current era: observations ----------------------------------------------------------------------


def test_score_range_recording_subject_and_dates(client: VisionClient) -> None:
    scorer = _scanner(client, "scorer")
    everything = client.observations.list(scorer.id, status="succeeded", limit=200).items
    scores = sorted(row.score for row in everything if row.score is not None)
    low, high = scores[len(scores) // 4], scores[3 * len(scores) // 4]
    ranged = client.observations.list(scorer.id, min_score=low, max_score=high, limit=200)
    assert ranged.items and all(low <= (row.score or -1) <= high for row in ranged.items)
    stats = client.observations.stats(scorer.id, min_score=low, max_score=high)
    assert stats.status_counts.total == ranged.count

    email = next(row.recording_subject_email for row in everything if row.recording_subject_email)
    fragment = email.split("@")[0][-5:].upper()
    subject = client.observations.list(scorer.id, recording_subject=fragment, limit=200).items
    assert subject and all(
        fragment.lower() in (row.recording_subject_email or "") for row in subject
    )

    tomorrow = datetime.now(UTC) + timedelta(days=1)
    assert client.observations.list(scorer.id, date_from=tomorrow).count == 0
    assert (
        client.observations.list(scorer.id, date_to=tomorrow).count
        == client.observations.list(scorer.id).count
    )


def test_session_id_takes_several_ids(client: VisionClient) -> None:
    monitor = _scanner(client, "monitor")
    first, second = _session_ids(client, 2)
    rows = client.observations.list(monitor.id, session_id=[first, second]).items
    assert {row.session_id for row in rows} == {first, second}


def test_bulk_observe_then_already_scanned(mine: VisionClient) -> None:
    a, b, c = _session_ids(mine, 3)
    scanner = mine.scanners.create(
        name=unique_name(),
        scanner_type="monitor",
        scanner_config=MONITOR_CONFIG,
        model="gemini-3-flash-preview",
    )
    result = mine.scanners.bulk_observe(scanner.id, [a, b, a, c])
    assert [outcome.session_id for outcome in result.results] == [a, b, c]
    assert result.started == 3 and all(outcome.started for outcome in result.results)
    rows = _settle(mine, scanner.id, [a, b, c])
    assert {row.session_id for row in rows} == {a, b, c}
    # A settled observation, succeeded or failed, makes a session already scanned.
    settled = {row.session_id for row in rows if not row.in_flight}
    succeeded = {row.session_id for row in rows if row.status == "succeeded"}
    again = mine.scanners.bulk_observe(scanner.id, [a, b, c])
    assert again.started == 0
    assert {o.session_id for o in again.results if o.scan_outcome == "already_scanned"} == settled
    if succeeded:
        one = sorted(succeeded)[0]
        observed = mine.scanners.observe(scanner.id, one)
        assert observed.already_scanned and observed.observation_id is not None


def test_label_and_unlabel_an_observation(mine: VisionClient) -> None:
    monitor = _scanner(mine, "monitor")
    target = mine.observations.list(monitor.id, status="succeeded", labeled=False, limit=1).items[0]
    before = mine.observations.stats(monitor.id).labels
    assert before is not None

    label = mine.observations.label(monitor.id, target.id, is_correct=False, feedback="Missed it")
    assert (label.is_correct, label.feedback) == (False, "Missed it")
    fetched = mine.observations.retrieve(monitor.id, target.id)
    assert fetched.label is not None and fetched.label.feedback == "Missed it"
    rated = {row.id for row in mine.observations.iter(monitor.id, labeled=True)}
    assert target.id in rated
    after = mine.observations.stats(monitor.id).labels
    assert after is not None and after.down_total == before.down_total + 1

    mine.observations.unlabel(monitor.id, target.id)
    mine.observations.unlabel(monitor.id, target.id)  # no label: still fine
    assert mine.observations.retrieve(monitor.id, target.id).label is None


def test_label_stats_have_days_and_version_markers(client: VisionClient) -> None:
    monitor = _scanner(client, "monitor")
    labels = client.observations.stats(monitor.id, recent_days=365).labels
    assert labels is not None and labels.total > 0
    assert sum(day.up + day.down for day in labels.by_day) <= labels.total
    assert labels.version_markers and labels.version_markers[0].version >= 1


def test_summarizer_stats_are_typed(client: VisionClient) -> None:
    summarizer = _scanner(client, "summarizer")
    stats = client.observations.stats(summarizer.id)
    assert stats.summarizer is not None
    assert stats.summarizer.total_with_friction >= 0
    assert all(term.count > 0 for term in stats.summarizer.friction_ranked)
    assert client.observations.stats(_scanner(client, "monitor").id).summarizer is None


def test_retry_a_failed_observation(mine: VisionClient) -> None:
    monitor = _scanner(mine, "monitor")
    failed = mine.observations.list(monitor.id, status="failed", limit=1).items[0]
    result = mine.observations.retry(monitor.id, failed.id)
    assert result.workflow_id and not result.already_scanned
    with pytest.raises(NotFoundError):
        mine.observations.retrieve(monitor.id, failed.id)
    rows = _settle(mine, monitor.id, [failed.session_id])  # the worker adds the new row
    assert [row.triggered_by for row in rows] == ["retry"]


def test_retry_of_an_observation_that_did_not_fail_is_refused(mine: VisionClient) -> None:
    monitor = _scanner(mine, "monitor")
    succeeded = mine.observations.list(monitor.id, status="succeeded", limit=1).items[0]
    with pytest.raises(BadRequestError):
        mine.observations.retry(monitor.id, succeeded.id)


# The pacer against PostHog's throttles -------------------------------------------------------


@pytest.fixture
def throttled() -> Iterator[tuple[Sandbox, FakeClock]]:
    clock = FakeClock(start=5000.0)  # one clock for the sandbox's throttles and the pacer
    with Sandbox.start(
        seed="empty", scan_delay=0.05, era="current", rate_limits="posthog", clock=clock
    ) as sb:
        yield sb, clock


def test_without_the_pacer_the_21st_estimate_in_a_minute_is_throttled(
    throttled: tuple[Sandbox, FakeClock],
) -> None:
    sb, clock = throttled
    client = _client(sb, max_retries=0, sleep=clock.sleep)
    for _ in range(20):
        client.scanners.estimate()
    with pytest.raises(RateLimitError) as caught:
        client.scanners.estimate()
    assert caught.value.retry_after is not None and caught.value.retry_after > 0
    assert caught.value.code == "throttled"


def test_with_the_pacer_estimates_wait_instead_of_being_throttled(
    throttled: tuple[Sandbox, FakeClock],
) -> None:
    sb, clock = throttled
    waits: list[float] = []
    client = _client(
        sb,
        max_retries=0,
        sleep=clock.sleep,
        deadline=120,
        pacer=RequestBudgets(PacerLimits(), clock=clock),
        on_pacer_wait=waits.append,
    )
    for _ in range(25):
        client.scanners.estimate()
    assert waits == [pytest.approx(61.0)]
    assert client.pacer.status().estimate_used_last_minute == 5
    assert sb.requests.count(path_contains="/estimate") == 25


def test_a_server_429_holds_the_budget_for_the_next_client(
    throttled: tuple[Sandbox, FakeClock],
) -> None:
    sb, clock = throttled
    budgets = RequestBudgets(PacerLimits(estimate_per_minute=100), clock=clock)
    first = _client(sb, max_retries=0, sleep=clock.sleep, pacer=budgets, deadline=120)
    for _ in range(20):
        first.scanners.estimate()
    with pytest.raises(RateLimitError) as caught:
        first.scanners.estimate()  # the pacer allows it; the server does not
    wait = caught.value.retry_after
    second = _client(sb, max_retries=0, sleep=clock.sleep, pacer=budgets, deadline=120)
    second.scanners.estimate()
    assert clock.sleeps == [pytest.approx(wait)]
