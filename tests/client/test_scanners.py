"""Every scanner method against the sandbox over HTTP: success paths, filters, and what is sent."""

from __future__ import annotations

from typing import Any

import pytest

from vision_api import (
    Estimate,
    NotFoundError,
    ObserveResult,
    Page,
    Scanner,
    ScannerStats,
    User,
    VisionClient,
)

from .conftest import DEFAULT_MODEL, MONITOR_CONFIG, settled_count, unique_name


def _create(client: VisionClient, **overrides: Any) -> Scanner:
    fields: dict[str, Any] = {
        "name": unique_name(),
        "scanner_type": "monitor",
        "scanner_config": MONITOR_CONFIG,
        "model": DEFAULT_MODEL,
        **overrides,
    }
    return client.scanners.create(**fields)


def test_create_returns_the_new_scanner_with_server_defaults(client: VisionClient) -> None:
    name = unique_name()
    scanner = _create(client, name=name, description="Finds payment pain")
    assert isinstance(scanner, Scanner)
    assert scanner.name == name and scanner.description == "Finds payment pain"
    assert (scanner.enabled, scanner.sampling_rate, scanner.scanner_version) == (True, 1.0, 1)
    assert scanner.scanner_config == MONITOR_CONFIG
    assert scanner.created_by is not None


def test_create_sends_optional_fields_it_is_given(client: VisionClient) -> None:
    scanner = _create(
        client,
        sampling_rate=0.5,
        enabled=False,
        emits_signals=True,
        query={"filter_test_accounts": True},
    )
    assert (scanner.sampling_rate, scanner.enabled, scanner.emits_signals) == (0.5, False, True)
    assert scanner.query == {"filter_test_accounts": True}


def test_retrieve_returns_the_same_scanner(client: VisionClient) -> None:
    created = _create(client)
    fetched = client.scanners.retrieve(created.id)
    assert fetched.id == created.id and fetched.name == created.name


def test_update_patches_only_the_given_fields(client: VisionClient, sandbox: Any) -> None:
    created = _create(client, description="before")
    # Someone else changes the description meanwhile; our rename must not overwrite it.
    client.scanners.update(created.id, description="changed elsewhere")
    sandbox.requests.clear()
    renamed = client.scanners.update(created.id, name=created.name + " (renamed)")
    assert renamed.name.endswith("(renamed)")
    assert renamed.description == "changed elsewhere"
    assert settled_count(sandbox, 1, method="PATCH") == 1


def test_update_of_a_tracked_field_bumps_the_version(client: VisionClient) -> None:
    created = _create(client)
    updated = client.scanners.update(created.id, sampling_rate=0.25)
    assert (updated.sampling_rate, updated.scanner_version) == (0.25, created.scanner_version + 1)


def test_delete_removes_the_scanner(client: VisionClient) -> None:
    created = _create(client)
    assert client.scanners.delete(created.id) is None
    with pytest.raises(NotFoundError):
        client.scanners.retrieve(created.id)


def test_list_returns_a_page_with_count(client: VisionClient) -> None:
    page = client.scanners.list(limit=2)
    assert isinstance(page, Page)
    assert len(page.items) <= 2 and page.count >= len(page.items)
    assert all(isinstance(s, Scanner) for s in page)
    assert page.has_next == (page.count > 2)


def test_list_filters_by_search_type_and_enabled(client: VisionClient) -> None:
    marker = unique_name("needle")
    on = _create(client, name=f"{marker} on")
    off = _create(client, name=f"{marker} off", enabled=False)
    scorer = _create(
        client,
        name=f"{marker} scorer",
        scanner_type="scorer",
        scanner_config={"prompt": "Rate frustration", "scale": {"min": 0, "max": 10}},
    )
    ids = lambda page: {s.id for s in page}  # noqa: E731
    assert ids(client.scanners.list(search=marker)) == {on.id, off.id, scorer.id}
    assert ids(client.scanners.list(search=marker, enabled=True)) == {on.id, scorer.id}
    assert ids(client.scanners.list(search=marker, enabled=False)) == {off.id}
    assert ids(client.scanners.list(search=marker, scanner_type=["scorer"])) == {scorer.id}
    assert ids(client.scanners.list(search=marker, scanner_type=["scorer", "monitor"])) == {
        on.id,
        off.id,
        scorer.id,
    }


def test_list_orders_as_asked(client: VisionClient) -> None:
    marker = unique_name("order")
    for suffix in ("b", "a", "c"):
        _create(client, name=f"{marker} {suffix}")
    names = [s.name for s in client.scanners.list(search=marker, order_by="-name")]
    assert names == [f"{marker} c", f"{marker} b", f"{marker} a"]


def test_next_page_continues_with_the_same_filters(client: VisionClient) -> None:
    marker = unique_name("paged")
    created = {_create(client, name=f"{marker} {i}").id for i in range(5)}
    first = client.scanners.list(search=marker, limit=2)
    second = first.next_page()
    third = second.next_page()
    assert first.count == 5 and not third.has_next
    assert {s.id for page in (first, second, third) for s in page} == created


def test_iter_walks_every_page_lazily_up_to_the_cap(client: VisionClient, sandbox: Any) -> None:
    marker = unique_name("iter")
    created = [_create(client, name=f"{marker} {i}").id for i in range(5)]
    sandbox.requests.clear()
    assert {s.id for s in client.scanners.iter(search=marker, page_size=2)} == set(created)
    assert settled_count(sandbox, 3, method="GET", path_contains="/scanners") == 3
    capped = list(client.scanners.iter(search=marker, page_size=2, max_items=3))
    assert len(capped) == 3


def test_filters_by_creator(client: VisionClient) -> None:
    mine = _create(client)
    assert mine.created_by is not None
    found = client.scanners.list(created_by=[mine.created_by.id], search=mine.name)
    assert [s.id for s in found] == [mine.id]


def test_stats_counts_by_type(client: VisionClient) -> None:
    before = client.scanners.stats()
    _create(client, enabled=False)
    after = client.scanners.stats()
    assert isinstance(after, ScannerStats)
    assert after.total == before.total + 1
    assert after.by_type["monitor"].total == before.by_type["monitor"].total + 1
    assert after.by_type["monitor"].enabled == before.by_type["monitor"].enabled
    assert set(after.by_type) >= {"monitor", "classifier", "scorer", "summarizer"}


def test_creators_are_users(client: VisionClient) -> None:
    mine = _create(client)
    creators = client.scanners.creators()
    assert all(isinstance(user, User) for user in creators)
    assert mine.created_by is not None
    assert mine.created_by.id in {user.id for user in creators}


def test_estimate_scales_with_the_sampling_rate(client: VisionClient) -> None:
    full = client.scanners.estimate(sampling_rate=1.0)
    half = client.scanners.estimate(sampling_rate=0.5)
    assert isinstance(full, Estimate)
    assert full.window_days >= 1 and full.matched_sessions_in_window >= 0
    assert half.estimated_observations_per_month == pytest.approx(
        full.estimated_observations_per_month / 2, abs=1
    )


def test_estimate_excludes_the_edited_scanner_from_others(client: VisionClient) -> None:
    scanner = _create(client)
    estimate = client.scanners.estimate(query={}, sampling_rate=1.0, scanner_id=scanner.id)
    # Today's estimate counts the others in credits only (the seed's observation count is gone).
    assert estimate.other_enabled_scanners_monthly is None
    assert estimate.other_enabled_scanners_monthly_credits is not None
    assert (estimate.window_days, estimate.credits_per_observation) == (7, 5)


def test_seed_estimate_counts_the_others_in_observations(seed_sandbox: Any) -> None:
    with VisionClient(
        base_url=seed_sandbox.base_url,
        project_id=seed_sandbox.project_id,
        api_key=seed_sandbox.api_key,
    ) as seed_client:
        estimate = seed_client.scanners.estimate(query={}, sampling_rate=1.0)
    assert estimate.other_enabled_scanners_monthly is not None
    assert estimate.other_enabled_scanners_monthly_credits is None
    assert estimate.credits_per_observation is None and estimate.window_days == 30


def test_observe_starts_a_scan_that_appears_as_an_observation(
    client: VisionClient, sandbox: Any
) -> None:
    scanner = _create(client)
    session_id = sandbox.sample_sessions("eligible", 1)[0]
    result = client.scanners.observe(scanner.id, session_id)
    assert isinstance(result, ObserveResult) and not result.already_scanned
    assert result.workflow_id == f"replay-vision-apply-scanner-{scanner.id}-{session_id}"
    observation = _wait_for_terminal(client, scanner.id, session_id)
    assert (observation.session_id, observation.status) == (session_id, "succeeded")
    assert observation.triggered_by == "on_demand"
    assert observation.verdict in ("yes", "no", "inconclusive")


def _wait_for_terminal(client: VisionClient, scanner_id: str, session_id: str) -> Any:
    import time

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        page = client.observations.list(scanner_id, session_id=session_id)
        if page.items and not page.items[0].in_flight:
            return page.items[0]
        time.sleep(0.1)
    raise AssertionError("the observation never reached a terminal status")


@pytest.mark.parametrize("bad_id", ["", "   "])
def test_empty_ids_fail_before_any_request(client: VisionClient, sandbox: Any, bad_id: str) -> None:
    with pytest.raises(ValueError, match="non-empty"):
        client.scanners.retrieve(bad_id)
    with pytest.raises(ValueError, match="non-empty"):
        client.scanners.observe("some-id", bad_id)
    assert settled_count(sandbox, 0) == 0
