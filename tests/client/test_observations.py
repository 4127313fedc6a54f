"""Every observation method against the demo sandbox over HTTP."""

from __future__ import annotations

from typing import Any

import pytest

from vision_api import Observation, ObservationStats, Page, Scanner, VisionClient

from .conftest import settled_count


def _busiest(client: VisionClient, scanner_type: str | None = None) -> tuple[Scanner, int]:
    """The demo scanner (of a type) with the most observations; the seed is read, never changed."""
    best: tuple[Scanner, int] | None = None
    for scanner in client.scanners.iter(scanner_type=scanner_type, max_items=200):
        count = client.observations.list(scanner.id, limit=1).count
        if best is None or count > best[1]:
            best = (scanner, count)
    assert best is not None and best[1] > 0, "the demo seed should have observations"
    return best


@pytest.fixture
def busiest(client: VisionClient) -> tuple[Scanner, int]:
    return _busiest(client)


def test_list_returns_newest_first(client: VisionClient, busiest: tuple[Scanner, int]) -> None:
    scanner, count = busiest
    page = client.observations.list(scanner.id, limit=20)
    assert isinstance(page, Page) and page.count == count
    assert all(isinstance(obs, Observation) and obs.scanner_id == scanner.id for obs in page)
    created = [obs.created_at for obs in page]
    assert created == sorted(created, reverse=True)


def test_list_filters_by_status(client: VisionClient, busiest: tuple[Scanner, int]) -> None:
    scanner, count = busiest
    succeeded = client.observations.list(scanner.id, status="succeeded", limit=50)
    others = client.observations.list(scanner.id, status=["failed", "ineligible"], limit=50)
    assert all(obs.status == "succeeded" for obs in succeeded)
    assert all(obs.status in ("failed", "ineligible") for obs in others)
    assert succeeded.count + others.count <= count


def test_monitor_verdict_filter(client: VisionClient) -> None:
    scanner, _ = _busiest(client, "monitor")
    page = client.observations.list(scanner.id, verdict=["yes"], limit=50)
    assert page.items, "the demo monitor should have yes verdicts"
    assert all(obs.verdict == "yes" for obs in page)


def test_classifier_tags_filter_and_accessors(client: VisionClient) -> None:
    scanner, _ = _busiest(client, "classifier")
    tagged = next(o for o in client.observations.iter(scanner.id, status="succeeded") if o.tags)
    tag = tagged.tags[0]
    page = client.observations.list(scanner.id, tags=[tag], limit=50)
    assert page.items and all(tag in (*obs.tags, *obs.tags_freeform) for obs in page)


def test_scorer_results_have_scores(client: VisionClient) -> None:
    scanner, _ = _busiest(client, "scorer")
    scored = client.observations.list(scanner.id, status="succeeded", limit=20)
    assert scored.items and all(obs.score is not None for obs in scored)


def test_session_filter_and_retrieve(client: VisionClient, busiest: tuple[Scanner, int]) -> None:
    scanner, _ = busiest
    first = client.observations.list(scanner.id, limit=1).items[0]
    by_session = client.observations.list(scanner.id, session_id=first.session_id)
    assert [obs.id for obs in by_session] == [first.id]
    fetched = client.observations.retrieve(scanner.id, first.id)
    assert fetched.id == first.id and fetched.status == first.status
    in_context = client.observations.retrieve(scanner.id, first.id, order_by="-created_at")
    assert in_context.id == first.id


def test_order_by_is_sent(client: VisionClient, busiest: tuple[Scanner, int]) -> None:
    scanner, _ = busiest
    oldest_first = client.observations.list(scanner.id, order_by="created_at", limit=20)
    created = [obs.created_at for obs in oldest_first]
    assert created == sorted(created)


def test_iter_is_capped(client: VisionClient, busiest: tuple[Scanner, int], sandbox: Any) -> None:
    scanner, count = busiest
    cap = min(count, 25)
    sandbox.requests.clear()
    items = list(client.observations.iter(scanner.id, page_size=10, max_items=cap))
    assert len(items) == cap
    pages = -(-cap // 10)
    assert settled_count(sandbox, pages, path_contains="/observations") == pages


def test_fetch_all_matches_the_sequential_walk(
    client: VisionClient, busiest: tuple[Scanner, int]
) -> None:
    scanner, count = busiest
    sequential = [obs.id for obs in client.observations.iter(scanner.id, page_size=100)]
    progress: list[tuple[int, int]] = []
    concurrent = client.observations.fetch_all(
        scanner.id, page_size=7, max_workers=3, on_progress=lambda d, t: progress.append((d, t))
    )
    assert [obs.id for obs in concurrent] == sequential
    assert len(sequential) == count
    assert progress[-1] == (count, count)


def test_fetch_all_with_filters_and_cap(client: VisionClient, busiest: tuple[Scanner, int]) -> None:
    scanner, _ = busiest
    succeeded = client.observations.list(scanner.id, status="succeeded", limit=1).count
    items = client.observations.fetch_all(scanner.id, status="succeeded", page_size=5, max_items=12)
    assert len(items) == min(12, succeeded)
    assert all(obs.status == "succeeded" for obs in items)


def test_worker_sessions_are_per_thread_and_closed_after(client: VisionClient) -> None:
    with client._thread_sessions() as session_for_thread:
        session = session_for_thread()
        assert session_for_thread() is session and session is not client._session
        client._request("GET", "scanners/stats/", session=session)
        adapter = session.get_adapter(client.base_url)
        assert adapter.poolmanager.pools  # type: ignore[attr-defined]
    assert not adapter.poolmanager.pools  # type: ignore[attr-defined]


def test_stats_match_the_list(client: VisionClient, busiest: tuple[Scanner, int]) -> None:
    scanner, count = busiest
    stats = client.observations.stats(scanner.id)
    assert isinstance(stats, ObservationStats)
    assert stats.status_counts.total == count
    assert stats.coverage.recent_days == 14
    succeeded = client.observations.list(scanner.id, status="succeeded", limit=1).count
    assert stats.status_counts.succeeded == succeeded
    filtered = client.observations.stats(scanner.id, status=["succeeded"], recent_days=30)
    assert filtered.status_counts.total == succeeded
    assert filtered.coverage.recent_days == 30


@pytest.mark.parametrize("scanner_type", ["monitor", "classifier", "scorer"])
def test_stats_fill_the_block_of_the_scanner_type(client: VisionClient, scanner_type: str) -> None:
    scanner, _ = _busiest(client, scanner_type)
    stats = client.observations.stats(scanner.id)
    blocks = {"monitor": stats.monitor, "classifier": stats.classifier, "scorer": stats.scorer}
    assert blocks.pop(scanner_type) is not None
    assert all(block is None for block in blocks.values())
