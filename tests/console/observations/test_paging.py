"""vision_console.observations.paging: one request per page, previous/next, chart clicks."""

from __future__ import annotations

from collections.abc import Callable

from vision_api import Histogram, ObservationStats
from vision_console.observations import paging, state
from vision_console.observations import stats_charts as charts

Factory = Callable[..., ObservationStats]


def test_page_count_is_at_least_one() -> None:
    assert (paging.page_count(0, 50), paging.page_count(50, 50), paging.page_count(51, 50)) == (
        1,
        1,
        2,
    )


# --- chart clicks -> filters ----------------------------------------------------------------


def test_verdict_click_sets_the_verdict_filter() -> None:
    assert paging.filters_from_selection(charts.VERDICT_SELECTION, [{"verdict": "no"}]) == {
        "verdict": ("no",)
    }


def test_tag_click_sets_the_tags_filter() -> None:
    assert paging.filters_from_selection(
        charts.TAG_SELECTION, [{"tag": "bug"}, {"tag": "bug"}]
    ) == {"tags": ("bug",)}


def test_bucket_click_sets_the_bucket_and_clearing_removes_it() -> None:
    assert paging.filters_from_selection(charts.BUCKET_SELECTION, [{"bucket": "5–9"}]) == {
        "bucket": "5–9"
    }
    assert paging.filters_from_selection(charts.BUCKET_SELECTION, []) == {"bucket": None}


def test_in_flight_click_means_pending_and_running() -> None:
    assert paging.filters_from_selection(charts.STATUS_SELECTION, [{"outcome": "in flight"}]) == {
        "status": ("pending", "running")
    }


def test_clicks_change_parameters_of_the_page_by_their_own_names() -> None:
    """A chart click sets the same parameter the filter widget and the URL use."""
    names = {param.name for param in state.PARAMS}
    for picked, point in (
        (charts.VERDICT_SELECTION, {"verdict": "yes"}),
        (charts.TAG_SELECTION, {"tag": "bug"}),
        (charts.BUCKET_SELECTION, {"bucket": "3"}),
        (charts.STATUS_SELECTION, {"outcome": "failed"}),
    ):
        assert set(paging.filters_from_selection(picked, [point])) <= names


def test_malformed_or_unknown_selections_change_nothing_unsafe() -> None:
    assert paging.filters_from_selection("vgsid_pick", [{"verdict": "yes"}]) == {}
    assert paging.filters_from_selection(charts.VERDICT_SELECTION, [{"vgsid": 3}, "x"]) == {
        "verdict": ()
    }
    assert paging.filters_from_selection(charts.VERDICT_SELECTION, [{"verdict": "maybe"}]) == {
        "verdict": ()
    }


# --- page requests --------------------------------------------------------------------------


def test_small_sets_are_fetched_whole_in_one_request() -> None:
    plan = paging.plan_page_request(total=120, page=3, page_size=50, order_by="-created_at")
    assert plan == paging.PageRequest("-created_at", 0, paging.WHOLE_SET_LIMIT, 100, True)


def test_large_sets_are_fetched_one_page_at_a_time() -> None:
    plan = paging.plan_page_request(total=5000, page=3, page_size=50, order_by="status")
    assert plan == paging.PageRequest("status", 100, 50, 0, False)
    last = paging.plan_page_request(total=5010, page=101, page_size=50, order_by="status")
    assert (last.offset, last.limit) == (5000, 10)


def test_a_bucket_becomes_its_run_of_rows_sorted_by_score(stats: Factory) -> None:
    buckets = charts.histogram_of(stats("scorer"))
    counts = list(buckets.counts) if buckets is not None else []
    plan = paging.plan_page_request(40, 1, 50, "-created_at", buckets, "5")
    assert plan == paging.PageRequest("result_score", sum(counts[:5]), counts[5], 0, True)
    down = paging.plan_page_request(40, 1, 50, "-result_score", buckets, "5")
    assert (down.order_by, down.offset) == ("-result_score", sum(counts[6:]))


def test_large_bucket_pages_stay_inside_the_bucket() -> None:
    buckets = Histogram(("0", "1"), (30, 2000))
    plan = paging.plan_page_request(2030, 40, 50, "-created_at", buckets, "1", whole_set_limit=100)
    assert plan == paging.PageRequest("result_score", 30 + 1950, 50, 0, False)


# --- previous / next ------------------------------------------------------------------------

IDS = [f"id{n}" for n in range(7)]


def test_step_within_a_fetched_whole_set_names_the_row() -> None:
    assert paging.step_target(1, 3, 2, 7, +1, IDS[:3], IDS) == (2, "id3")
    assert paging.step_target(2, 3, 0, 7, -1, IDS[3:6], IDS) == (1, "id2")


def test_step_stops_at_both_ends() -> None:
    assert paging.step_target(1, 3, 0, 7, -1, IDS[:3], IDS) is None
    assert paging.step_target(3, 3, 0, 7, +1, IDS[6:], IDS) is None


def test_step_across_an_unfetched_page_lands_on_its_first_or_last_row() -> None:
    assert paging.step_target(1, 3, 2, 7, +1, IDS[:3]) == (2, paging.FIRST)
    assert paging.step_target(2, 3, 0, 7, -1, IDS[3:6]) == (1, paging.LAST)
    assert paging.step_target(2, 3, 1, 7, +1, IDS[3:6]) == (2, "id5")
