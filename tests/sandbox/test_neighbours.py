"""An opened observation's previous and next ids are its neighbours in the list's own order:
every order, both eras' null placements (the seed puts rows without a start first when newest
first), rows sharing a value, rows without one."""

from __future__ import annotations

import pytest

from vision_sandbox import observations

from .conftest import LISTED_ORDERS, Api, Listed, listed_scanner, plan_of, recorded_sql


def test_neighbours_are_the_rows_beside_it_in_the_listed_order(
    any_era_listed: Listed,
) -> None:
    conn, flt, rules = any_era_listed
    for key in LISTED_ORDERS:
        for descending in (True, False):
            listed = [
                row["id"]
                for row in observations.page_rows(conn, flt, key, descending, 100, 0, rules)
            ]
            beside = [None, *listed, None]
            for index, obs_id in enumerate(listed):
                got = observations.neighbours(conn, flt, key, descending, obs_id, rules)
                assert got == (beside[index], beside[index + 2]), (key, descending, index)


def test_neighbours_in_the_seed_s_nulls_first_order_read_no_whole_set(seed_api: Api) -> None:
    """Newest first by start, the seed lists rows without a start first. Their neighbours are
    found by a few one-row seeks, not by reading every id of the set (a million, at scale)."""
    conn, flt, rules = listed_scanner(seed_api, "seed")
    listed = observations.page_rows(conn, flt, "started_at", True, 100, 0, rules)
    with recorded_sql(conn) as statements:
        observations.neighbours(conn, flt, "started_at", True, listed[5]["id"], rules)
    assert statements and all("LIMIT 1" in sql or "o.id = " in sql for sql in statements)


@pytest.mark.parametrize("key", ["created_at", "started_at", "result_score"])
def test_each_neighbour_seek_is_a_range_on_the_sort_index(api: Api, key: str) -> None:
    """Each seek is a range on an index, with no sort of the set. Checked on SQLite's plan.
    (At a million rows a single condition joined with OR made the planner walk the index
    from its start: 0.1–0.5 s a seek, and reading every id for the seed's nulls-first order
    took 2.9 s. It is 0.1 ms now, timed by ``bench/explorer_pages.py``. A table this small
    cannot show that choice.)"""
    conn, flt, rules = listed_scanner(api)
    listed = observations.page_rows(conn, flt, key, True, 100, 0, rules)
    with recorded_sql(conn) as statements:
        observations.neighbours(conn, flt, key, True, listed[4]["id"], rules)
    seeks = [sql for sql in statements if "LIMIT 1" in sql]
    assert seeks
    for sql in seeks:
        plan = plan_of(conn, sql)
        assert "(scanner_id=?)" not in plan.text and "FOR ORDER BY" not in plan.text, plan
