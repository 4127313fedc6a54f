"""Unit tests for vision_console.estimate.results: the price the numbers are computed at."""

from __future__ import annotations

from collections.abc import Callable

from vision_api import Estimate
from vision_console.estimate import results


def test_price_uses_the_estimates_figure_only_for_its_own_model(
    make_estimate: Callable[..., Estimate],
) -> None:
    priced = make_estimate(credits_per_observation=7)
    flash = "gemini-3-flash-preview"
    assert results.price_for(flash, priced, flash) == 7
    assert results.price_for("gemini-3.1-flash-lite-preview", priced, flash) == 2
    assert results.price_for(flash, priced, None) == 5
    assert results.price_for(flash, None, None) == 5
    assert results.price_for("gemini-9-unknown", None, None) == 15
