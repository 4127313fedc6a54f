"""A list page nearer the end is walked from the end and turned round (a walk costs its
offset, so the last page of a million rows costs what the first does). It must be the very
page the forward walk gives: every order, both eras' null placements, every offset."""

from __future__ import annotations

import pytest

from vision_sandbox import observations

from .conftest import LISTED_ORDERS, Api, Listed, listed_scanner, plan_of, recorded_sql


def test_a_page_walked_from_the_end_is_the_page_the_forward_walk_gives(
    any_era_listed: Listed,
) -> None:
    conn, flt, rules = any_era_listed
    total = observations.count(conn, flt)
    assert total == 12
    for key in LISTED_ORDERS:
        for descending in (True, False):
            for limit in (1, 3, 5):
                for offset in range(total + 2):
                    forward = observations.page_rows(
                        conn, flt, key, descending, limit, offset, rules
                    )
                    either_end = observations.page_rows(
                        conn, flt, key, descending, limit, offset, rules, total
                    )
                    assert [r["id"] for r in either_end] == [r["id"] for r in forward], (
                        key,
                        descending,
                        limit,
                        offset,
                    )


def test_the_last_page_skips_nothing(api: Api) -> None:
    """The last page is read from the end at offset 0, through the same index backwards."""
    conn, flt, rules = listed_scanner(api)
    with recorded_sql(conn) as statements:
        page = observations.page_rows(conn, flt, "created_at", True, 5, 10, rules, 12)
    assert len(page) == 2
    (walk,) = [sql for sql in statements if "LIMIT" in sql]
    assert "LIMIT 2 OFFSET 0)" in walk, walk
    plan = plan_of(conn, walk)
    assert "COVERING INDEX" in plan.walk and "FOR ORDER BY" not in plan.walk, plan


@pytest.mark.parametrize("key", LISTED_ORDERS)
def test_a_page_past_the_end_reads_nothing(api: Api, key: str) -> None:
    """A typed page number past the last page answers empty at once: walking to it read the
    whole filtered set (about 1 s at a million rows)."""
    conn, flt, rules = listed_scanner(api)
    with recorded_sql(conn) as statements:
        page = observations.page_rows(conn, flt, key, True, 5, 12, rules, 12)
    assert page == [] and statements == []
