"""Observations on today's API (issue 13) and the score bucket applied everywhere (issue 15
item 7), in AppTest against the sandbox over real HTTP: ratings, the current era's filters,
trends; and on a seed-era server those controls are absent, not broken. Retries are tested in
test_observations_retry.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from streamlit.testing.v1 import AppTest

from vision_api import Scanner, VisionClient
from vision_console.observations import state as obs_state
from vision_sandbox import Sandbox

from .conftest import AppFactory, make_app
from .test_observations_page import Sent, demo_scanner, metrics, open_page, sent, table

__all__ = ["sent"]  # the request spy fixture, shared with the page's main tests

pytestmark = pytest.mark.timeout(300)
key = obs_state.STATE.key


@pytest.fixture(scope="module")
def client(sandbox: Sandbox) -> Iterator[VisionClient]:
    with VisionClient(
        base_url=sandbox.base_url, project_id=sandbox.project_id, api_key=sandbox.api_key
    ) as c:
        yield c


def clicked(at: AppTest, button: str) -> AppTest:
    at.button(key=button).click().run()
    assert not at.exception, at.exception
    return at


# --- issue 15 item 7: a score bucket is applied to the metrics and the sort box too ----------


def test_a_score_bucket_narrows_the_metrics_and_the_sort_box(
    app: AppFactory, client: VisionClient
) -> None:
    scanner = demo_scanner(client, "scorer")
    stats = client.observations.stats(scanner.id)
    assert stats.scorer is not None and stats.scorer.histogram is not None
    histogram = stats.scorer.histogram
    label, count = max(zip(histogram.labels, histogram.counts, strict=True), key=lambda p: p[1])
    assert count < stats.status_counts.total
    at = open_page(app, scanner=scanner.id, bucket=label)
    shown = metrics(at)
    assert shown["Observations"] == f"{count:,}"
    assert (shown["Failed"], shown["In flight"], shown["Success rate"]) == ("0", "0", "100%")
    sort = at.selectbox(key=key("sort"))
    assert sort.value == "result_score"
    assert list(sort.options) == ["Score (lowest first)", "Score (highest first)"]
    assert len(table(at)) == min(count, 50)


# --- the current era's filters go to the server ----------------------------------------------


def test_subject_and_rated_filters_reach_the_stats_and_the_list(
    app: AppFactory, client: VisionClient, sent: Sent
) -> None:
    scanner = demo_scanner(client, "monitor")
    sent.clear()
    at = open_page(app, scanner=scanner.id, subject="@", labeled="unlabeled")
    assert at.text_input(key=key("subject")).value == "@"
    (stats_query,) = sent.stats()
    assert (stats_query["recording_subject"], stats_query["labeled"]) == ("@", "false")
    assert all(q["recording_subject"] == "@" for q in sent.lists())
    expected = client.observations.stats(
        scanner.id, extra_params={"recording_subject": "@", "labeled": "false"}
    )
    assert metrics(at)["Observations"] == f"{expected.status_counts.total:,}"


def test_a_score_range_filters_on_the_server(app: AppFactory, client: VisionClient) -> None:
    scanner = demo_scanner(client, "scorer")
    at = open_page(app, scanner=scanner.id, min_score="6", max_score="8")
    expected = client.observations.stats(
        scanner.id, extra_params={"min_score": "6", "max_score": "8"}
    )
    assert metrics(at)["Observations"] == f"{expected.status_counts.total:,}"
    assert table(at)["Result"].between(6, 8).all()


def test_a_backwards_range_is_explained_on_the_filters(
    app: AppFactory, client: VisionClient
) -> None:
    scanner = demo_scanner(client, "scorer")
    at = open_page(app, scanner=scanner.id, min_score="8", max_score="2")
    assert any("Min score is above max score" in e.value for e in at.error)


# --- ratings ---------------------------------------------------------------------------------


def test_rate_an_observation_from_its_detail_then_remove_the_rating(
    app: AppFactory, client: VisionClient
) -> None:
    scanner = demo_scanner(client, "monitor")
    target = client.observations.list(
        scanner.id, status="succeeded", extra_params={"labeled": "false"}, limit=1
    ).items[0]
    at = open_page(app, scanner=scanner.id, obs=target.id)
    assert any(c.value == "Not rated yet." for c in at.caption)
    at.text_area(key=f"observations.feedback:{target.id}").input("Missed the <b>retry</b>")
    clicked(at, "observations.rate_down")
    label = client.observations.retrieve(scanner.id, target.id).label
    assert label is not None and (label.is_correct, label.feedback) == (
        False,
        "Missed the <b>retry</b>",
    )
    assert any(c.value == "Rated 👎 wrong" for c in at.caption)
    assert "Missed the <b>retry</b>" in [t.value for t in at.text]  # plain text, not HTML
    clicked(at, "observations.rate_remove")
    assert client.observations.retrieve(scanner.id, target.id).label is None


def test_rate_the_selected_row_from_the_table(app: AppFactory, client: VisionClient) -> None:
    scanner = demo_scanner(client, "monitor")
    target = client.observations.list(
        scanner.id, status="succeeded", extra_params={"labeled": "false"}, limit=1
    ).items[0]
    at = open_page(app, scanner=scanner.id, session=target.session_id)
    view = obs_state.View(scanner=scanner.id, session=target.session_id)
    at.session_state[obs_state.table_key(view)] = {
        "selection": {"rows": [0], "columns": [], "cells": []}
    }
    at.run()
    clicked(at, "observations.quick_up")
    label = client.observations.retrieve(scanner.id, target.id).label
    assert label is not None and label.is_correct
    assert list(table(at)["Rating"]) == ["👍"]
    client.observations.unlabel(scanner.id, target.id)


def test_the_ratings_section_charts_by_day_and_agreement(
    app: AppFactory, client: VisionClient
) -> None:
    scanner = demo_scanner(client, "monitor")
    rated = client.observations.list(scanner.id, status="succeeded", limit=3).items
    for item, right in zip(rated, (True, True, False), strict=True):
        client.observations.label(scanner.id, item.id, is_correct=right)
    at = open_page(app, scanner=scanner.id, ratings="true")
    keys = {chart.proto.id for chart in at.get("vega_lite_chart")}
    assert at.get("vega_lite_chart")
    titles = [c.proto.spec for c in at.get("vega_lite_chart")]
    assert any("Ratings by day" in spec for spec in titles), keys
    assert any("Agreement by scanner version" in spec for spec in titles)
    assert any("Agreement by verdict" in spec for spec in titles)


# --- trends ----------------------------------------------------------------------------------


def test_trends_call_out_the_change_against_last_week(
    app: AppFactory, client: VisionClient, sent: Sent
) -> None:
    scanner = demo_scanner(client, "monitor")
    at = open_page(app, scanner=scanner.id, trends="true")
    assert any("vs last week" in i.value or "to compare" in i.value for i in at.info)
    sent.clear()
    at.radio(key=key("per")).set_value("week").run()
    assert not at.exception
    assert sent.lists() == [] and sent.stats() == []  # from rows in hand
    assert at.query_params["per"] == "week"


# --- the seed era: these controls are absent, not broken --------------------------------------


def test_on_a_seed_era_server_ratings_retries_and_new_filters_are_absent(
    seed_sandbox: Sandbox,
) -> None:
    with VisionClient(
        base_url=seed_sandbox.base_url,
        project_id=seed_sandbox.project_id,
        api_key=seed_sandbox.api_key,
    ) as seed_client:
        scanner: Scanner = demo_scanner(seed_client, "monitor")
        failed = seed_client.observations.list(scanner.id, status="failed", limit=1).items[0]
    at = make_app(
        seed_sandbox, "observations", query_params={"scanner": scanner.id, "subject": "ada"}
    )
    assert not at.exception, at.exception
    assert any("subject" in w.value for w in at.warning)
    widget_keys = {w.key for w in at.text_input} | {w.key for w in at.selectbox}
    assert key("subject") not in widget_keys and key("labeled") not in widget_keys
    assert "Rating" not in table(at).columns
    at.query_params["obs"] = failed.id
    at = make_app(
        seed_sandbox, "observations", query_params={"scanner": scanner.id, "obs": failed.id}
    )
    buttons = {b.key for b in at.button}
    assert "observations.retry_one" not in buttons and "observations.rate_up" not in buttons
    assert "observations.retry_all" not in buttons
