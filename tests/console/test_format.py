"""The one formatter: every page writes the same figure the same way (issue 15, item 16)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from fractions import Fraction

import pytest

from vision_console import format as fmt


@pytest.mark.parametrize(
    ("value", "noun", "text"),
    [
        (2240, None, "2,240"),
        (1, "observation", "1 observation"),
        (0, "observation", "0 observations"),
        (2240, "observation", "2,240 observations"),
        (None, "scanner", "—"),
    ],
)
def test_count_separates_thousands_and_agrees_in_number(value, noun, text) -> None:
    assert fmt.count(value, noun) == text


def test_count_takes_an_irregular_plural() -> None:
    assert fmt.count(3, "query", "queries") == "3 queries"


@pytest.mark.parametrize(
    ("ratio", "text"),
    [
        (0.42, "42%"),
        (0.004, "<1%"),
        (0.0, "0%"),
        (0.995, ">99%"),
        (1.0, "100%"),
        (1.42, "142%"),
        (Fraction(1, 3), "33%"),
        (None, "—"),
        (float("nan"), "—"),
    ],
)
def test_percent_is_whole_and_never_rounds_a_part_to_nothing_or_everything(ratio, text) -> None:
    assert fmt.percent(ratio) == text


@pytest.mark.parametrize(
    ("rate", "text"),
    [
        (0.0, "0% (paused)"),
        (0.0001, "0.01%"),
        (0.05, "5%"),
        (0.0525, "5.25%"),
        (0.15, "15%"),
        (0.155, "15.5%"),
        (1.0, "100%"),
        (None, "—"),
    ],
)
def test_sampling_rate_keeps_two_decimals_without_trailing_zeros(rate, text) -> None:
    assert fmt.sampling_rate(rate) == text


def test_credits_are_whole_named_and_priced() -> None:
    assert fmt.credits(2240) == "2,240 credits"
    assert fmt.credits(1) == "1 credit"
    assert fmt.credits(Fraction(7, 2)) == "4 credits"
    assert fmt.credits_and_money(2240) == "2,240 credits ($22.40)"
    assert fmt.credits_and_money(None) == "—"


def test_money_has_cents_separators_and_a_leading_sign() -> None:
    assert fmt.money(1234.5) == "$1,234.50"
    assert fmt.money(-3.0) == "-$3.00"
    assert fmt.money(None) == "—"


def test_dates_and_timestamps_read_the_same_on_every_page() -> None:
    assert fmt.day(date(2026, 12, 4)) == "Dec 4, 2026"
    moment = datetime(2026, 12, 4, 15, 3, 12, tzinfo=timezone(timedelta(hours=1)))
    assert fmt.timestamp(moment) == "2026-12-04 14:03:12 UTC"
    assert fmt.timestamp(datetime(2026, 12, 4, 14, 3, 12, tzinfo=UTC)) == "2026-12-04 14:03:12 UTC"
    assert fmt.day(None) == fmt.timestamp(None) == "—"


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(None, "—"), (0.85, "850 ms"), (12.44, "12.4 s"), (185, "3m 05s"), (float("nan"), "—")],
)
def test_duration(seconds, text) -> None:
    assert fmt.duration(seconds) == text


def test_windows_and_types_are_worded_once() -> None:
    assert fmt.last_days(14) == "last 14 days"
    assert fmt.last_days(1) == "last day"
    assert fmt.type_label("monitor") == "Monitor"
    assert fmt.type_label("indexer") == "Indexer"
