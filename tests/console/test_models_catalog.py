"""The model catalog prices models like the server: table first, API figure wins, unknown = max;
a form offers the connected era's models only."""

from vision_api import Scanner
from vision_console import models_catalog as mc


def test_known_models_have_the_contract_prices():
    assert mc.credits_per_observation("gemini-3-flash-preview") == 5
    assert mc.credits_per_observation("gemini-3.1-flash-lite-preview") == 2
    assert mc.credits_per_observation("gemini-3.7-flash") == 15


def test_unknown_model_is_priced_at_the_highest_known_price():
    assert mc.credits_per_observation("gemini-9-ultra") == 15
    assert mc.credits_per_observation(None) == 15
    assert mc.model_label("gemini-9-ultra") == "gemini-9-ultra"


def test_price_reported_by_the_api_wins_over_the_table():
    assert mc.credits_per_observation("gemini-3-flash-preview", reported=7) == 7
    assert mc.scanner_price(_scanner(model="gemini-9-ultra", credits_per_observation=3)) == 3


def test_unusable_reported_price_falls_back_to_the_table():
    for bad in (None, -1, 2.5, True, "5", float("nan")):
        assert mc.credits_per_observation("gemini-3-flash-preview", reported=bad) == 5


def test_option_label_names_the_model_and_its_price():
    assert mc.model_option_label("gemini-3-flash-preview") == (
        "Gemini 3 Flash · 5 credits/observation"
    )


def test_each_era_offers_its_own_models_cheapest_first():
    assert mc.selectable_models(era="current") == [
        "gemini-3.5-flash-lite",
        "gemini-3-flash-preview",
        "gemini-3.8-flash",
    ]
    assert mc.selectable_models(era="seed") == [
        "gemini-3.1-flash-lite-preview",
        "gemini-3-flash-preview",
    ]


def test_a_retired_model_is_not_offered_but_a_newer_unknown_one_is_kept():
    """Issue 13: "Gemini 3 Flash Lite" (gemini-3.1-flash-lite-preview) is a 400 today."""
    assert mc.is_retired("gemini-3.1-flash-lite-preview", "current")
    assert not mc.is_retired("gemini-3.1-flash-lite-preview", "seed")
    assert not mc.is_retired("gemini-9-ultra", "current")
    assert "gemini-3.1-flash-lite-preview" not in mc.selectable_models(
        "gemini-3.1-flash-lite-preview", era="current"
    )
    assert mc.selectable_models("gemini-9-ultra", era="current")[-1] == "gemini-9-ultra"


def test_credits_convert_to_dollars_at_a_cent_each():
    assert mc.credits_to_usd(600) == 6.0


def _scanner(**fields: object) -> Scanner:
    data: dict[str, object] = {
        "id": "7d0c2f0e-1111-4a4a-9b9b-0123456789ab",
        "name": "Checkout",
        "description": "",
        "scanner_type": "monitor",
        "scanner_config": {"prompt": "Did checkout fail?"},
        "query": {},
        "sampling_rate": 0.5,
        "provider": "google",
        "model": "gemini-3-flash-preview",
        "enabled": True,
        "emits_signals": False,
        "scanner_version": 1,
        "estimated_monthly_observations": 120,
        "created_at": "2026-10-01T00:00:00Z",
        "created_by": None,
    }
    data.update(fields)
    return Scanner.from_dict(data)


def test_a_saved_scanners_price_and_month_read_its_typed_fields():
    assert mc.scanner_price(_scanner()) == 5
    assert mc.scanner_price(_scanner(credits_per_observation=9)) == 9
    assert mc.scanner_price(_scanner(model="gemini-9-unknown")) == mc.UNKNOWN_MODEL_CREDITS
    assert mc.scanner_monthly_credits(_scanner()) == 600
    assert mc.scanner_monthly_credits(_scanner(estimated_monthly_credits=42)) == 42
    assert mc.scanner_monthly_credits(_scanner(estimated_monthly_observations=None)) is None
    lite = _scanner(model="gemini-3.1-flash-lite-preview", estimated_monthly_observations=50)
    assert mc.scanner_monthly_credits(lite) == 100
