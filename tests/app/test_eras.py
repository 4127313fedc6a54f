"""Every page on both eras of the API (issue 13): one console adapts to what the server speaks,
offers only what that server has, and counts in its unit."""

from __future__ import annotations

from typing import Any

import pytest

import vision_api
from tests.app.conftest import make_app
from vision_sandbox import Sandbox

PAGES = [None, "scanners", "observations", "estimate"]


def era_of(sandbox: Sandbox, seed_sandbox: Sandbox) -> vision_api.Era:
    return "seed" if sandbox is seed_sandbox else "current"


def sidebar_text(at: Any) -> str:
    return " ".join(str(c.value) for c in at.sidebar.caption)


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page or "overview")
def test_every_page_opens_and_names_the_era(
    any_era_sandbox: Sandbox, seed_sandbox: Sandbox, page: str | None
) -> None:
    era = era_of(any_era_sandbox, seed_sandbox)
    at = make_app(any_era_sandbox, page)
    assert not at.exception, at.exception
    at.run()  # the era is named once a read has detected it (the sidebar sends no request)
    unit = "credits" if era == "current" else "observations"
    assert f"API: {era} era · quota in {unit}" in sidebar_text(at)


def test_estimate_offers_the_eras_models_and_sampling_modes_only_today(
    any_era_sandbox: Sandbox, seed_sandbox: Sandbox
) -> None:
    era = era_of(any_era_sandbox, seed_sandbox)
    at = make_app(any_era_sandbox, "estimate")
    model = next(box for box in at.selectbox if box.label == "Model")
    offered = [str(option).split(" · ")[0] for option in model.options]
    assert offered == [info.name for info in vision_api.models_for(era)]
    has_modes = any(box.label == "Sampling mode" for box in at.selectbox)
    assert has_modes is (era == "current")


def test_observations_offers_ratings_and_new_filters_only_where_the_server_has_them(
    any_era_sandbox: Sandbox, seed_sandbox: Sandbox
) -> None:
    era = era_of(any_era_sandbox, seed_sandbox)
    at = make_app(any_era_sandbox, "observations")
    assert not at.exception, at.exception
    labels = {widget.label for widget in (*at.selectbox, *at.text_input)}
    assert ("Rated" in labels) is (era == "current")


def test_the_overview_quota_is_in_the_eras_unit(
    any_era_sandbox: Sandbox, seed_sandbox: Sandbox
) -> None:
    era = era_of(any_era_sandbox, seed_sandbox)
    at = make_app(any_era_sandbox)
    text = " ".join(str(m.value) for m in (*at.markdown, *at.caption))
    unit = "credits" if era == "current" else "observations"
    other = "observations" if era == "current" else "credits"
    assert f"{unit} used" in text
    assert f"{other} used" not in text
