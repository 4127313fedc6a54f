"""PostHog's quota projection (current-era notes §3.3) over constructed quotas, both eras."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from vision_api.models import Quota
from vision_console import quota

START = datetime(2026, 6, 1, tzinfo=UTC)
END = datetime(2026, 7, 1, tzinfo=UTC)  # 30 days
MID = datetime(2026, 6, 16, tzinfo=UTC)  # 15 days left, half the period


def credits_quota(
    limit: int | None = 10_000,
    used: int = 2_000,
    scanners: int = 6_000,
    backfills: int = 0,
    exhausted: bool | None = None,
) -> Quota:
    return Quota(
        unit="credits",
        limit=limit,
        used=used,
        remaining=None if limit is None else max(0, limit - used),
        exhausted=(limit is not None and used >= limit) if exhausted is None else exhausted,
        period_start=START,
        period_end=END,
        projected_monthly=scanners + backfills,
        scanners_monthly_credits=scanners,
        backfills_committed_credits=backfills,
        free_monthly_credits=2_500,
    )


def seed_quota(limit: int = 3_000, used: int = 600, projected: int = 1_000) -> Quota:
    return Quota(
        unit="observations",
        limit=limit,
        used=used,
        remaining=max(0, limit - used),
        exhausted=used >= limit,
        period_start=START,
        period_end=END,
        projected_monthly=projected,
    )


def test_on_track_spreads_the_monthly_rate_over_the_days_left() -> None:
    projection = quota.project(credits_quota(), now=MID)
    # 6,000 a month over 15 of 30 days adds 3,000 to the 2,000 used: 50% of 10,000.
    assert projection.additional == pytest.approx(3_000)
    assert projection.ratio == pytest.approx(0.5)
    assert projection.used_pct == pytest.approx(20)
    assert projection.projected_pct == pytest.approx(30)
    assert (projection.status, projection.pill, projection.percent_label) == (
        "safe",
        "On track",
        "50%",
    )
    assert projection.cap_reach_date is None
    assert projection.status_line is None


def test_warning_at_85_percent() -> None:
    projection = quota.project(credits_quota(used=5_500), now=MID)
    assert projection.ratio == pytest.approx(0.85)
    assert (projection.status, projection.pill) == ("warning", "Nearing limit")
    assert projection.status_line is not None


def test_the_delta_of_an_edited_scanner_can_push_it_to_the_cap_before_the_period_ends() -> None:
    base = credits_quota()
    # +12,000 a month: 18,000 a month is 600 a day; 8,000 left lasts 13.33 days from Jun 16.
    projection = quota.project(base, delta_monthly=12_000, now=MID)
    assert projection.status == "danger"
    assert projection.cap_reach_date == datetime(2026, 6, 29, 8, tzinfo=UTC)
    assert projection.pill == "Limit by Jun 29, 2026"
    assert projection.status_line == "Quota projected to run out on Jun 29, 2026."
    assert [segment.name for segment in projection.segments] == [
        "Spent",
        "Scanners",
        "This change",
    ]
    assert projection.segments[-1].amount == pytest.approx(6_000)


def test_a_negative_delta_lowers_the_projection_never_below_zero() -> None:
    projection = quota.project(credits_quota(), delta_monthly=-50_000, now=MID)
    assert projection.monthly_rate == 0
    assert projection.ratio == pytest.approx(0.2)


def test_backfills_are_one_off_not_pro_rated() -> None:
    projection = quota.project(credits_quota(scanners=0, backfills=4_000), now=MID)
    assert projection.additional == pytest.approx(4_000)
    assert projection.ratio == pytest.approx(0.6)


def test_142_percent_is_danger_and_labelled() -> None:
    projection = quota.project(credits_quota(used=9_000, scanners=10_400), now=MID)
    assert projection.percent_label == "142%"
    assert projection.status == "danger"


def test_over_because_of_a_one_off_backfill_has_no_cap_date() -> None:
    projection = quota.project(credits_quota(used=5_000, scanners=0, backfills=6_000), now=MID)
    assert projection.cap_reach_date is None
    assert (projection.status, projection.pill) == ("danger", "Over limit")


def test_exhausted_is_danger_with_the_reset_date() -> None:
    projection = quota.project(credits_quota(used=10_000), now=MID)
    assert (projection.status, projection.pill) == ("danger", "Limit reached")
    assert projection.status_line == (
        "Monthly Replay Vision spend limit reached. Resets Jul 1, 2026."
    )


def test_used_past_the_limit_is_over_limit() -> None:
    assert quota.project(credits_quota(used=10_500), now=MID).pill == "Over limit"


def test_uncapped_has_no_meter() -> None:
    projection = quota.project(credits_quota(limit=None), now=MID)
    assert not projection.metered
    assert (projection.status, projection.pill, projection.percent_label) == (
        "safe",
        "No spend limit",
        "—",
    )
    assert projection.segments == ()


def test_a_zero_credit_limit_blocks_everything() -> None:
    projection = quota.project(credits_quota(limit=0, used=0, exhausted=False), now=MID)
    assert projection.metered
    assert (projection.status, projection.percent_label, projection.pill) == (
        "danger",
        "100%",
        "Limit reached",
    )


def test_seed_era_counts_observations_with_the_same_rule() -> None:
    projection = quota.project(seed_quota(), delta_monthly=200, now=MID)
    # (1,000 + 200) a month over half the period adds 600 to the 600 used: 40% of 3,000.
    assert projection.unit == "observations"
    assert projection.one_off == 0
    assert projection.ratio == pytest.approx(0.4)
    assert quota.amount(projection.used, projection.unit) == "600 observations"


def test_seed_era_quota_of_zero_has_no_meter() -> None:
    projection = quota.project(seed_quota(limit=0, used=0), now=MID)
    assert not projection.metered
    assert projection.pill == "No quota"


def test_seed_era_exhausted_names_the_counts() -> None:
    projection = quota.project(seed_quota(used=3_000), now=MID)
    assert projection.status_line == (
        "Monthly observation quota reached (3,000 / 3,000). Resets Jul 1, 2026."
    )


def test_a_quota_without_a_period_uses_the_utc_calendar_month() -> None:
    bare = replace(credits_quota(), period_start=None, period_end=None)
    projection = quota.project(bare, now=MID)
    assert projection.period_end == END
    assert projection.ratio == pytest.approx(0.5)


def test_after_the_period_end_nothing_more_is_projected() -> None:
    projection = quota.project(credits_quota(), now=datetime(2026, 7, 2, tzinfo=UTC))
    assert projection.additional == 0
    assert projection.ratio == pytest.approx(0.2)


def test_amount_names_the_unit() -> None:
    assert quota.amount(2_240, "credits") == "2,240 credits"
    assert quota.amount(1, "observations") == "1 observation"
    assert quota.amount(None, "credits") == "—"


def test_monthly_room_keeps_the_projection_at_the_limit() -> None:
    base = credits_quota()
    # 8,000 left over half a period allows 16,000 a month in all; others run 6,000 - 1,000.
    room = quota.monthly_room(base, stored=1_000, now=MID)
    assert room == pytest.approx(11_000)
    at_room = quota.project(base, delta_monthly=round(room) - 1_000, now=MID)
    assert at_room.ratio == pytest.approx(1.0)


def test_monthly_room_is_zero_when_used_and_backfills_fill_the_limit() -> None:
    assert quota.monthly_room(credits_quota(used=6_000, backfills=4_000), now=MID) == 0


def test_monthly_room_needs_a_meter() -> None:
    assert quota.monthly_room(credits_quota(limit=None), now=MID) is None
    assert quota.monthly_room(seed_quota(), now=MID) == pytest.approx(3_800)


def test_a_projection_line_is_coloured_text_not_an_alert() -> None:
    """Issue 15 item 16 (142% with no warning) is answered in the status colour, while alert
    boxes stay for what failed: a field error is never confused with a projection."""
    from streamlit.testing.v1 import AppTest

    def page() -> None:
        from vision_console import quota_meter

        quota_meter.status_note("Over limit by Dec 20 [142%]", "danger")
        quota_meter.status_note("Nearing limit", "warning")
        quota_meter.status_note("On track", "safe")

    at = AppTest.from_function(page).run()
    assert not at.error and not at.warning
    marks = [str(m.value) for m in at.markdown]
    assert marks[0].startswith(":red[:material/block: ") and "\\[142" in marks[0]  # escaped
    assert marks[1].startswith(":orange[:material/warning: ")
    assert [str(c.value) for c in at.caption] == ["On track"]
