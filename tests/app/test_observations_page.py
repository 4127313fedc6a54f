"""The Observations explorer in AppTest against the sandbox over real HTTP.

Charts are checked against the stats endpoint's own answer for the same filters; requests are
observed at the HTTP boundary (every ``requests`` send is recorded with its query string).
"""

from __future__ import annotations

import io
import json
import time
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pyarrow.ipc
import pytest
import requests
from streamlit.testing.v1 import AppTest

from vision_api import Scanner, VisionClient
from vision_console import navigation, scanner_types
from vision_console import observation_text as obs_text
from vision_console.observations import records
from vision_console.observations import state as obs_state
from vision_console.render import escape_markdown
from vision_sandbox import Sandbox

from .conftest import AppFactory, make_app

pytestmark = pytest.mark.timeout(300)

key = obs_state.STATE.key


# --- helpers --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(sandbox: Sandbox) -> Iterator[VisionClient]:
    with VisionClient(
        base_url=sandbox.base_url, project_id=sandbox.project_id, api_key=sandbox.api_key
    ) as c:
        yield c


def demo_scanner(client: VisionClient, scanner_type: str) -> Scanner:
    """The demo's largest enabled scanner of a type (the demo seeds every type)."""
    candidates = [
        s
        for s in client.scanners.iter()
        if s.scanner_type == scanner_type and s.enabled and not s.name.startswith("obs-test")
    ]
    return max(candidates, key=lambda s: client.observations.stats(s.id).status_counts.total)


class Sent:
    """Every HTTP request the console sends, with its decoded query string."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, dict[str, str]]] = []

    def record(self, prepared: requests.PreparedRequest) -> None:
        parts = urlsplit(prepared.url or "")
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        self.requests.append((prepared.method or "", parts.path, query))

    def clear(self) -> None:
        self.requests.clear()

    def lists(self) -> list[dict[str, str]]:
        return [
            q
            for _m, path, q in self.requests
            if path.endswith("/observations/") and "/stats" not in path
        ]

    def stats(self) -> list[dict[str, str]]:
        return [q for _m, path, q in self.requests if path.endswith("/observations/stats/")]


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> Sent:
    spy = Sent()
    original = requests.Session.send

    def send(self: requests.Session, prepared: requests.PreparedRequest, **kwargs: Any) -> Any:
        spy.record(prepared)
        return original(self, prepared, **kwargs)

    monkeypatch.setattr(requests.Session, "send", send)
    return spy


def open_page(app: AppFactory, **params: str) -> AppTest:
    at = app("observations", query_params=params)
    assert not at.exception, at.exception
    return at


def charts(at: AppTest) -> dict[str, list[list[dict[str, Any]]]]:
    """Each chart's datasets (decoded from Arrow), by chart title."""
    found: dict[str, list[list[dict[str, Any]]]] = {}
    for element in at.get("vega_lite_chart"):
        spec = json.loads(element.proto.spec)
        title = spec.get("title")
        name = title.get("text") if isinstance(title, dict) else str(title)
        found[name] = [
            pyarrow.ipc.open_stream(d.data.data).read_all().to_pylist()
            for d in element.proto.datasets
        ]
    return found


def chart(at: AppTest, prefix: str) -> list[list[dict[str, Any]]]:
    matches = [rows for name, rows in charts(at).items() if name.startswith(prefix)]
    assert matches, f"no chart titled {prefix!r}; have {list(charts(at))}"
    return matches[0]


def metrics(at: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


def table(at: AppTest) -> pd.DataFrame:
    frames = [frame.value for frame in at.dataframe if "Status" in frame.value.columns]
    assert frames, "no observation table"
    return frames[0]


def texts(at: AppTest) -> list[str]:
    return [t.value for t in at.text] + [c.value for c in at.code]


def popover_labels(at: AppTest) -> list[str]:
    """The labels of the page's popovers (AppTest has no popover accessor)."""

    def walk(node: Any) -> Iterator[str]:
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "popover") and proto.HasField("popover"):
            yield proto.popover.label
        for child in getattr(node, "children", {}).values():
            yield from walk(child)

    return list(walk(at.main))


def open_view_options(at: AppTest, is_open: bool = True) -> AppTest:
    """Open (or close) the popover holding rows per page and the coverage window."""
    at.session_state[obs_state.VIEW_OPTIONS_KEY] = is_open
    at.run()
    assert not at.exception, at.exception
    return at


def messages(at: AppTest) -> str:
    """Every info, warning and error, with Markdown escapes removed."""
    return " ".join(str(m.value) for m in [*at.info, *at.warning, *at.error]).replace("\\", "")


# --- charts per scanner type match the stats endpoint --------------------------------------


@pytest.mark.parametrize("scanner_type", ["monitor", "classifier", "scorer", "summarizer"])
def test_each_type_shows_its_charts_with_the_stats_values(
    app: AppFactory, client: VisionClient, scanner_type: str
) -> None:
    scanner = demo_scanner(client, scanner_type)
    at = open_page(app, scanner=scanner.id)
    stats = client.observations.stats(scanner.id).raw
    counts = stats["status_counts"]
    shown = metrics(at)
    assert shown["Observations"] == f"{counts['total']:,}"
    assert shown["Failed"] == f"{counts['failed']:,}"
    assert shown["In flight"] == f"{counts['in_flight']:,}"
    assert shown["Success rate"] == f"{counts['success_rate']}%"
    status_rows = chart(at, "Status")[0]
    assert {r["outcome"]: r["count"] for r in status_rows} == {
        "succeeded": counts["succeeded"],
        "failed": counts["failed"],
        "ineligible": counts["ineligible"],
        "in flight": counts["in_flight"],
    }
    coverage = {r["window"]: r["sessions"] for r in chart(at, "Coverage")[0]}
    assert coverage == {
        "Last 14 days": stats["coverage"]["recent_sessions"],
        "All time": stats["coverage"]["total_sessions"],
    }
    titles = list(charts(at))
    if scanner_type == "monitor":
        verdicts = {r["verdict"]: r["count"] for r in chart(at, "Verdicts")[0]}
        assert verdicts == {
            v: stats["monitor"][f"{v}_total"] for v in ("yes", "no", "inconclusive")
        }
    elif scanner_type == "scorer":
        buckets, rules = chart(at, "Score distribution")
        assert [r["count"] for r in buckets] == stats["scorer"]["histogram"]["counts"]
        assert [r["bucket"] for r in buckets] == stats["scorer"]["histogram"]["labels"]
        assert {r["stat"]: r["value"] for r in rules} == pytest.approx(
            {k: v for k, v in stats["scorer"]["summary"].items() if k != "count"}
        )
    elif scanner_type == "classifier":
        ranked = {(r["tag"], r["kind"]): r["count"] for r in chart(at, "Tags")[0]}
        expected = {(e["tag"], "fixed"): e["count"] for e in stats["classifier"]["fixed_ranked"]}
        expected |= {
            (e["tag"], "freeform"): e["count"] for e in stats["classifier"]["freeform_ranked"]
        }
        assert ranked == expected
    else:
        assert not [t for t in titles if t.startswith(("Verdicts", "Score", "Tags"))]
        assert "Summarizers have no distribution chart" in messages(at)


def test_charts_follow_the_filters(app: AppFactory, client: VisionClient) -> None:
    scanner = demo_scanner(client, "monitor")
    at = open_page(app, scanner=scanner.id, triggered_by="schedule", verdict="no")
    stats = client.observations.stats(scanner.id, triggered_by="schedule", verdict="no").raw
    assert metrics(at)["Observations"] == f"{stats['status_counts']['total']:,}"
    verdicts = {r["verdict"]: r["count"] for r in chart(at, "Verdicts")[0]}
    assert verdicts == {"yes": 0, "no": stats["monitor"]["no_total"], "inconclusive": 0}


# --- filters, sort, page reach the API; no redundant requests -------------------------------


def test_filters_reach_the_api_and_the_table(
    app: AppFactory, client: VisionClient, sent: Sent
) -> None:
    scanner = demo_scanner(client, "monitor")
    at = open_page(app, scanner=scanner.id)
    sent.clear()
    at.multiselect(key=key("status")).set_value(["failed", "ineligible"]).run()
    at.multiselect(key=key("triggered_by")).set_value(["schedule"]).run()
    assert not at.exception
    lists, stats = sent.lists(), sent.stats()
    assert lists[-1]["status"] == "failed,ineligible"
    assert lists[-1]["triggered_by"] == "schedule"
    assert stats[-1]["status"] == "failed,ineligible"
    assert set(table(at)["Status"]) <= {"failed", "ineligible"}
    assert table(at)["Reason"].notna().all()
    assert at.query_params["status"] == "failed,ineligible"


def test_session_and_recent_days_filters(app: AppFactory, client: VisionClient, sent: Sent) -> None:
    scanner = demo_scanner(client, "monitor")
    session_id = client.observations.list(scanner.id, limit=1).items[0].session_id
    at = open_page(app, scanner=scanner.id)
    sent.clear()
    at.text_input(key=key("session")).set_value(session_id).run()
    open_view_options(at).number_input(key=key("days")).set_value(30).run()
    assert sent.lists()[-1]["session_id"] == session_id
    assert sent.stats()[-1]["recent_days"] == "30"
    assert list(table(at)["Session"]) == [session_id]


def test_view_options_are_summarised_and_drawn_only_when_open(
    app: AppFactory, client: VisionClient, sent: Sent
) -> None:
    scanner = demo_scanner(client, "monitor")
    at = open_page(app, scanner=scanner.id, size="25", days="30")
    assert popover_labels(at) == ["25 rows · last 30 days"]
    drawn = {widget.key for widget in [*at.selectbox, *at.number_input]}
    assert not {key("size"), key("days")} & drawn
    sent.clear()
    open_view_options(at)
    assert sent.requests == []
    assert at.selectbox(key=key("size")).value == 25
    assert at.number_input(key=key("days")).value == 30
    at.number_input(key=key("days")).set_value(7).run()
    assert [q["recent_days"] for q in sent.stats()] == ["7"]
    assert popover_labels(at) == ["25 rows · last 7 days"]
    assert at.number_input(key=key("days")).value == 7  # still open under its new label
    assert "Sessions, last 7 days" in metrics(at)
    sent.clear()
    open_view_options(at, False).run()
    assert sent.requests == []
    assert (at.query_params["size"], at.query_params["days"]) == ("25", "7")
    assert popover_labels(at) == ["25 rows · last 7 days"]
    assert len(table(at)) == 25


def test_every_sort_key_reaches_the_api(app: AppFactory, client: VisionClient, sent: Sent) -> None:
    scanner = demo_scanner(client, "scorer")
    at = open_page(app, scanner=scanner.id)
    for order_by in obs_state.sort_choices("scorer"):
        sent.clear()
        at.selectbox(key=key("sort")).set_value(order_by).run()
        assert not at.exception
        if order_by == obs_state.DEFAULT_SORT:
            continue  # the page already holds the default order
        assert [q["order_by"] for q in sent.lists()] == [order_by]
        assert sent.stats() == []  # sorting does not change the stats


def test_sorted_table_follows_the_api_order(app: AppFactory, client: VisionClient) -> None:
    scanner = demo_scanner(client, "scorer")
    at = open_page(app, scanner=scanner.id, sort="-result_score", size="25")
    expected = client.observations.list(scanner.id, order_by="-result_score", limit=25).items
    assert list(table(at)["Session"]) == [o.session_id for o in expected]
    scores = list(table(at)["Result"].dropna())
    assert scores == sorted(scores, reverse=True) and len(scores) == 25


def test_a_rerun_without_changes_makes_no_request(
    app: AppFactory, client: VisionClient, sent: Sent
) -> None:
    at = open_page(app, scanner=demo_scanner(client, "classifier").id)
    sent.clear()
    at.run()
    at.run()
    assert sent.requests == []


def test_a_filter_change_makes_one_list_and_one_stats_request(
    app: AppFactory, client: VisionClient, sent: Sent
) -> None:
    at = open_page(app, scanner=demo_scanner(client, "monitor").id)
    sent.clear()
    at.multiselect(key=key("verdict")).set_value(["yes"]).run()
    assert (len(sent.lists()), len(sent.stats())) == (1, 1)
    assert len(sent.requests) == 2


def test_small_sets_page_without_requests(
    app: AppFactory, client: VisionClient, sent: Sent
) -> None:
    scanner = demo_scanner(client, "monitor")
    at = open_page(app, scanner=scanner.id, size="25")
    first_page = list(table(at)["Session"])
    sent.clear()
    at.button(key="observations.next_page").click().run()
    assert sent.requests == []
    second_page = list(table(at)["Session"])
    expected = client.observations.list(scanner.id, limit=25, offset=25).items
    assert second_page == [o.session_id for o in expected]
    assert first_page != second_page
    assert at.query_params["page"] == "2"


# --- URL round trip --------------------------------------------------------------------------


def test_a_copied_url_reproduces_the_view(app: AppFactory, client: VisionClient) -> None:
    scanner = demo_scanner(client, "monitor")
    params = {
        "scanner": scanner.id,
        "status": "succeeded",
        "verdict": "yes,no",
        "triggered_by": "schedule",
        "days": "30",
        "sort": "completed_at",
        "page": "2",
        "size": "25",
    }
    at = open_page(app, **params)
    assert dict(at.query_params) == params
    assert at.multiselect(key=key("verdict")).value == ["yes", "no"]
    assert at.selectbox(key=key("sort")).value == "completed_at"
    assert at.number_input(key=key("page")).value == 2
    again = open_page(app, **dict(at.query_params))
    assert list(table(again)["Session"]) == list(table(at)["Session"])
    expected = client.observations.list(
        scanner.id,
        status="succeeded",
        verdict=["yes", "no"],
        triggered_by="schedule",
        order_by="completed_at",
        limit=25,
        offset=25,
    ).items
    assert list(table(at)["Session"]) == [o.session_id for o in expected]


# --- leaving the page and coming back --------------------------------------------------------


def navigate(at: AppTest, page: str, **params: str) -> AppTest:
    """Go to another page as the sidebar does: the URL keeps only the params a link gives."""
    at.query_params.clear()
    at.query_params.update(params)
    at.switch_page(navigation.by_name(page).path).run()
    assert not at.exception, at.exception
    return at


def explored_view(app: AppFactory, client: VisionClient) -> AppTest:
    """A monitor's view off every default: filters, sort, size, page 2 and an open row."""
    scanner = demo_scanner(client, "monitor")
    at = open_page(app, scanner=scanner.id)
    assert at.selectbox(key=key("scanner")).value == scanner.id
    at.multiselect(key=key("status")).set_value(["succeeded"]).run()
    at.selectbox(key=key("sort")).set_value("completed_at").run()
    open_view_options(at).selectbox(key=key("size")).set_value(25).run()
    open_view_options(at, False).button(key="observations.next_page").click().run()
    table_key = obs_state.table_key(
        obs_state.View(
            scanner=scanner.id, status=("succeeded",), sort="completed_at", page=2, size=25
        )
    )
    at.session_state[table_key] = {"selection": {"rows": [2], "columns": [], "cells": []}}
    at.run()
    assert not at.exception, at.exception
    assert {"status", "sort", "size", "page", "obs"} <= set(at.query_params)
    return at


def test_going_to_another_page_and_back_restores_the_view_without_requests(
    app: AppFactory, client: VisionClient, sandbox: Sandbox
) -> None:
    at = explored_view(app, client)
    view, rows = dict(at.query_params), list(table(at)["Session"])
    navigate(at, "estimate")
    sandbox.requests.clear()
    navigate(at, "observations")
    assert sandbox.requests.count() == 0
    assert dict(at.query_params) == view
    assert at.selectbox(key=key("scanner")).value == view["scanner"]
    assert at.multiselect(key=key("status")).value == ["succeeded"]
    assert at.selectbox(key=key("sort")).value == "completed_at"
    assert "25 rows" in popover_labels(at)[0]
    assert at.number_input(key=key("page")).value == 2
    assert list(table(at)["Session"]) == rows
    observation = client.observations.retrieve(view["scanner"], view["obs"])
    assert any(observation.session_id in c.value.replace("\\", "") for c in at.caption)
    assert open_view_options(at).selectbox(key=key("size")).value == 25


def test_a_link_with_params_wins_over_the_remembered_view(
    app: AppFactory, client: VisionClient
) -> None:
    at = explored_view(app, client)
    other = demo_scanner(client, "classifier")
    navigate(at, "estimate")
    navigate(at, "observations", scanner=other.id)
    assert dict(at.query_params) == {"scanner": other.id}
    assert at.selectbox(key=key("scanner")).value == other.id
    assert at.multiselect(key=key("status")).value == []
    assert at.selectbox(key=key("sort")).value == obs_state.DEFAULT_SORT
    assert at.number_input(key=key("page")).value == 1


def test_widget_changes_are_written_to_the_url(app: AppFactory, client: VisionClient) -> None:
    at = open_page(app, scanner=demo_scanner(client, "scorer").id)
    at.selectbox(key=key("sort")).set_value("-result_score").run()
    open_view_options(at).selectbox(key=key("size")).set_value(100).run()
    assert at.query_params["sort"] == "-result_score"
    assert at.query_params["size"] == "100"
    assert "page" not in at.query_params


def test_invalid_url_values_fall_back_with_a_notice(app: AppFactory, client: VisionClient) -> None:
    scanner = demo_scanner(client, "scorer")
    at = open_page(
        app, scanner=scanner.id, days="999", sort="name", status="nope", verdict="yes", page="9999"
    )
    warnings = messages(at)
    for param in ("days", "sort", "status", "verdict", "page"):
        assert f"parameter {param}=" in warnings, param
    assert popover_labels(at) == ["50 rows · last 14 days"]
    assert open_view_options(at).number_input(key=key("days")).value == 14
    assert at.selectbox(key=key("sort")).value == "-created_at"
    assert at.multiselect(key=key("status")).value == []
    assert "sort" not in at.query_params and "days" not in at.query_params


def test_unknown_scanner_id_falls_back_to_the_first(app: AppFactory) -> None:
    at = open_page(app, scanner=str(uuid.uuid4()))
    assert "parameter scanner=" in messages(at)
    assert at.query_params["scanner"] == at.selectbox(key=key("scanner")).value


def test_a_scanner_named_in_the_url_is_opened_and_linked_by_id(
    app: AppFactory, client: VisionClient
) -> None:
    scanner = demo_scanner(client, "classifier")
    at = open_page(app, scanner=scanner.name.upper())
    assert at.selectbox(key=key("scanner")).value == scanner.id
    assert at.query_params["scanner"] == scanner.id
    assert not at.warning


def test_scanner_picker_shows_type_version_and_state(app: AppFactory, client: VisionClient) -> None:
    at = open_page(app)
    options = at.selectbox(key=key("scanner")).options
    for scanner in client.scanners.iter():
        enabled = "enabled" if scanner.enabled else "disabled"
        assert (
            f"{scanner.name} · {scanner_types.label(scanner.scanner_type)}"
            f" · v{scanner.scanner_version} · {enabled}"
        ) in options
    chosen = next(
        s for s in client.scanners.iter() if s.id == at.selectbox(key=key("scanner")).value
    )
    badges = next(m.value for m in at.markdown if "-badge[" in m.value)
    assert f"-badge[{scanner_types.label(chosen.scanner_type)}]" in badges
    assert f"v{chosen.scanner_version}]" in badges
    assert ("enabled]" if chosen.enabled else "disabled]") in badges


# --- score buckets ---------------------------------------------------------------------------


def test_a_score_bucket_shows_exactly_its_rows(app: AppFactory, client: VisionClient) -> None:
    scanner = demo_scanner(client, "scorer")
    histogram = client.observations.stats(scanner.id).raw["scorer"]["histogram"]
    label, count = max(
        zip(histogram["labels"], histogram["counts"], strict=True), key=lambda pair: pair[1]
    )
    at = open_page(app, scanner=scanner.id, bucket=label, size="100")
    rows = table(at)
    assert len(rows) == min(count, 100)
    low, _, high = label.partition("–")
    scores = rows["Result"].round()
    assert scores.between(int(low), int(high or low)).all()
    assert f"of {count:,}" in " ".join(c.value for c in at.caption)


# --- detail view -----------------------------------------------------------------------------


def test_selecting_a_row_opens_its_detail(app: AppFactory, client: VisionClient) -> None:
    scanner = demo_scanner(client, "monitor")
    at = open_page(app, scanner=scanner.id, status="succeeded", size="25")
    first = client.observations.list(scanner.id, status="succeeded", limit=25).items
    table_key = obs_state.table_key(
        obs_state.View(scanner=scanner.id, status=("succeeded",), size=25)
    )
    at.session_state[table_key] = {"selection": {"rows": [1], "columns": [], "cells": []}}
    at.run()
    assert not at.exception
    shown = first[1]
    assert at.query_params["obs"] == shown.id
    output = shown.scanner_result.model_output if shown.scanner_result else {}
    assert output["reasoning"] in texts(at)
    assert any(f"{shown.session_id}" in c.value.replace("\\", "") for c in at.caption)
    assert any(m.value.endswith(f"[{output['verdict'].upper()}]") for m in at.markdown)


def test_previous_and_next_walk_the_filtered_set(app: AppFactory, client: VisionClient) -> None:
    scanner = demo_scanner(client, "monitor")
    expected = client.observations.list(scanner.id, status="failed", limit=100).items
    assert len(expected) >= 3
    at = open_page(app, scanner=scanner.id, status="failed", obs=expected[0].id, size="25")
    assert at.query_params["obs"] == expected[0].id
    assert at.button(key="observations.detail_previous").disabled
    at.button(key="observations.detail_next").click().run()
    assert at.query_params["obs"] == expected[1].id
    at.button(key="observations.detail_next").click().run()
    assert at.query_params["obs"] == expected[2].id
    at.button(key="observations.detail_previous").click().run()
    assert at.query_params["obs"] == expected[1].id
    at.button(key="observations.detail_close").click().run()
    assert "obs" not in at.query_params


def test_next_crosses_to_the_following_page(app: AppFactory, client: VisionClient) -> None:
    scanner = demo_scanner(client, "monitor")
    expected = client.observations.list(scanner.id, limit=26).items
    at = open_page(app, scanner=scanner.id, size="25", obs=expected[24].id)
    at.button(key="observations.detail_next").click().run()
    assert at.query_params["page"] == "2"
    assert at.query_params["obs"] == expected[25].id


def test_a_failed_observation_explains_its_error(app: AppFactory, client: VisionClient) -> None:
    scanner = demo_scanner(client, "monitor")
    failed = client.observations.list(scanner.id, status="failed", limit=1).items[0]
    explained = obs_text.explain_error(failed)
    assert explained is not None
    at = open_page(app, scanner=scanner.id, status="failed", obs=failed.id)
    assert explained.label in " ".join(e.value.replace("\\", "") for e in at.error)
    assert explained.message in texts(at)
    fields = pd.concat([frame.value for frame in at.dataframe if "Field" in frame.value])
    values = dict(zip(fields["Field"], fields["Value"], strict=True))
    assert values["Status"] == "failed"
    assert values["Version"] == f"v{failed.scanner_snapshot.scanner_version}"
    assert values["Model"] == failed.scanner_snapshot.model
    assert values["Completed"] != "—"
    assert "Run time" in values


def test_an_observation_off_the_current_page_is_fetched(
    app: AppFactory, client: VisionClient
) -> None:
    scanner = demo_scanner(client, "monitor")
    oldest = client.observations.list(scanner.id, order_by="created_at", limit=1).items[0]
    at = open_page(app, scanner=scanner.id, size="25", obs=oldest.id)
    assert "not on this page" in " ".join(c.value for c in at.caption)
    assert at.query_params["obs"] == oldest.id


# --- whole set: trends, versions, export ----------------------------------------------------


def test_export_holds_every_row_of_the_filtered_set(
    app: AppFactory, client: VisionClient, sent: Sent
) -> None:
    scanner = demo_scanner(client, "monitor")
    at = app("observations", query_params={"scanner": scanner.id, "whole_set": "true"}, run=True)
    at.session_state["observations.whole_set_tab"] = "Export"
    at.run()
    total = client.observations.stats(scanner.id).status_counts.total
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Download CSV", "Download Parquet"]
    window = at.session_state["_vision_memo"]["observations:window"][1].records
    assert len(window) == total
    csv = pd.read_csv(io.BytesIO(records.to_csv_bytes(window, "monitor")), encoding="utf-8-sig")
    assert len(csv) == total
    assert f"{total:,} observations" in " ".join(c.value for c in at.caption)


def test_versions_are_compared_from_the_rows(app: AppFactory, client: VisionClient) -> None:
    scanner = demo_scanner(client, "monitor")
    at = app("observations", query_params={"scanner": scanner.id, "whole_set": "true"})
    at.session_state["observations.whole_set_tab"] = "Versions"
    at.run()
    rows = list(client.observations.iter(scanner.id, page_size=1000))
    by_version: dict[int, int] = {}
    for row in rows:
        version = row.scanner_snapshot.scanner_version if row.scanner_snapshot else None
        if version is not None:
            by_version[version] = by_version.get(version, 0) + 1
    summary = next(
        f.value
        for f in at.dataframe
        if "Version" in f.value.columns and "Observations" in f.value.columns
    )
    assert dict(zip(summary["Version"], summary["Observations"], strict=True)) == {
        f"v{v}": n for v, n in by_version.items()
    }
    assert chart(at, "Outcome by scanner version")
    assert chart(at, "Verdicts by scanner version")


# --- empty and error states ------------------------------------------------------------------


def test_a_new_scanner_says_there_are_no_observations_yet(
    app: AppFactory, client: VisionClient
) -> None:
    scanner = client.scanners.create(
        name=f"obs-test-empty-{uuid.uuid4().hex[:8]}",
        scanner_type="monitor",
        scanner_config={"prompt": "Did anything happen?"},
        model="gemini-3-flash-preview",
        enabled=False,
    )
    try:
        at = open_page(app, scanner=scanner.id)
        assert "No observations yet" in messages(at)
        assert not at.get("vega_lite_chart")
    finally:
        client.scanners.delete(scanner.id)


def test_filters_matching_nothing_say_so(app: AppFactory, client: VisionClient) -> None:
    at = open_page(app, scanner=demo_scanner(client, "monitor").id, session="no-such-session")
    assert "No observations match your filters." in messages(at)
    at.button(key="observations.clear").click().run()
    assert "session" not in at.query_params
    assert table(at) is not None


def test_observations_appear_after_a_scan(
    app: AppFactory, client: VisionClient, sandbox: Sandbox
) -> None:
    scanner = client.scanners.create(
        name=f"obs-test-live-{uuid.uuid4().hex[:8]}",
        scanner_type="scorer",
        scanner_config={"prompt": "How smooth?", "scale": {"min": 0, "max": 10}},
        model="gemini-3-flash-preview",
        enabled=False,
    )
    try:
        sessions = (
            sandbox.sample_sessions("eligible", 3)
            + sandbox.sample_sessions("failing", 1)
            + sandbox.sample_sessions("too_short", 1)
        )
        for session_id in sessions:
            client.scanners.observe(scanner.id, session_id)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            counts = client.observations.stats(scanner.id).status_counts
            if counts.total == len(sessions) and counts.in_flight == 0:
                break
            time.sleep(0.2)
        at = open_page(app, scanner=scanner.id)
        shown = metrics(at)
        assert shown["Observations"] == str(len(sessions))
        assert (shown["Failed"], shown["Ineligible"]) == ("1", "1")
        assert set(table(at)["Triggered by"]) == {"on demand"}
        assert "Too short" in set(table(at)["Reason"])
    finally:
        client.scanners.delete(scanner.id)


def test_a_server_error_is_explained(
    app: AppFactory, client: VisionClient, sandbox: Sandbox
) -> None:
    scanner = demo_scanner(client, "classifier")
    at = open_page(app, scanner=scanner.id)
    sandbox.faults.fail_next(1, status=500, path_contains="/observations/stats")
    at.multiselect(key=key("status")).set_value(["succeeded"]).run()
    assert not at.exception
    assert "Could not load this scanner's observation stats" in messages(at)
    assert not at.get("vega_lite_chart")
    at.button(key="observations.refresh").click().run()
    assert "Could not load" not in messages(at)
    assert at.get("vega_lite_chart")


def test_a_key_without_recording_access_is_explained(
    app: AppFactory, client: VisionClient, sandbox: Sandbox
) -> None:
    key = sandbox.add_api_key(scopes=["replay_scanner:read"])
    at = make_app(
        sandbox,
        "observations",
        api_key=key,
        query_params={"scanner": demo_scanner(client, "monitor").id},
    )
    assert not at.exception
    assert "session_recording" in messages(at)


def test_no_scanners_points_to_the_scanners_page(empty_sandbox: Sandbox) -> None:
    at = make_app(empty_sandbox, "observations")
    assert not at.exception
    assert "No scanners yet" in messages(at)


# --- large sets: server-side pages and the on-demand full fetch -----------------------------


@pytest.fixture(scope="module")
def bulk_sandbox() -> Iterator[Sandbox]:
    with Sandbox.start(seed="demo", observations=1200, scan_delay=0.05) as sb:
        yield sb


def test_large_sets_fetch_one_page_per_request_and_load_all_on_demand(
    bulk_sandbox: Sandbox, sent: Sent
) -> None:
    with VisionClient(
        base_url=bulk_sandbox.base_url,
        project_id=bulk_sandbox.project_id,
        api_key=bulk_sandbox.api_key,
    ) as bulk:
        scanner = next(s for s in bulk.scanners.iter() if s.name == "UX quality")
        total = bulk.observations.stats(scanner.id).status_counts.total
        expected = bulk.observations.list(scanner.id, limit=50, offset=50).items
    assert total > 1000
    at = make_app(
        bulk_sandbox,
        "observations",
        query_params={"scanner": scanner.id, "page": "2", "whole_set": "true"},
    )
    assert not at.exception
    assert sent.lists()[-1]["limit"] == "50" and sent.lists()[-1]["offset"] == "50"
    assert list(table(at)["Session"]) == [o.session_id for o in expected]
    sent.clear()
    at.button(key="observations.load_all").click().run()
    assert not at.exception
    loaded = at.session_state["_vision_memo"]["observations:whole_set"][1]
    assert len(loaded) == total
    # Only list pages, covering the whole set (their size is the client's fetch_all choice).
    assert sent.stats() == []
    assert sum(int(q["limit"]) for q in sent.lists()) >= total
    assert chart(at, "Observations over time by outcome")


def test_trends_ratings_and_the_whole_set_stay_closed_and_build_nothing_until_opened(
    app: AppFactory, client: VisionClient
) -> None:
    """A filter click reruns the page; the sections nobody opened must cost it nothing."""
    scanner = demo_scanner(client, "monitor")
    at = open_page(app, scanner=scanner.id)
    sections = ("trends", "ratings", "whole_set")
    assert {e.label for e in at.expander} >= {
        "Trends",
        "Ratings",
        "The whole filtered set: over time, versions, export",
    }
    memo = at.session_state["_vision_memo"]
    built = ("observations:trend", "observations:ratings", "observations:trends")
    assert not any(slot in memo for slot in built)
    assert not any(name in at.query_params for name in sections)

    at.session_state[obs_state.STATE.key("trends")] = True
    at.run()
    assert not at.exception, at.exception
    trends_box = next(e for e in at.expander if e.label == "Trends")
    assert trends_box.get("vega_lite_chart") or trends_box.caption
    assert "observations:trend" in at.session_state["_vision_memo"]
    assert at.query_params["trends"] in ("true", ["true"])


def test_a_closed_trends_section_keeps_its_period_and_a_link_reopens_it(
    app: AppFactory, client: VisionClient
) -> None:
    scanner = demo_scanner(client, "monitor")
    at = open_page(app, scanner=scanner.id, trends="true")
    at.radio(key=obs_state.STATE.key("per")).set_value("week").run()
    at.session_state[obs_state.STATE.key("trends")] = False
    at.run()
    at.run()  # a second run without the radio: Streamlit would have dropped its value
    assert not at.exception, at.exception
    assert at.query_params["per"] in ("week", ["week"])
    assert "trends" not in at.query_params

    at.session_state[obs_state.STATE.key("trends")] = True
    at.run()
    assert at.radio(key=obs_state.STATE.key("per")).value == "week"


def test_a_filter_change_updates_the_same_table_in_place_and_starts_it_unselected(
    app: AppFactory, client: VisionClient
) -> None:
    """One table widget per scanner: a new key per view remounted the grid on every click
    (about 100 ms in the browser); a new view must still open with no row selected."""
    scanner = demo_scanner(client, "monitor")
    at = open_page(app, scanner=scanner.id)
    (grid,) = at.dataframe
    table_id = grid.proto.id
    table_key = obs_state.table_key(obs_state.View(scanner=scanner.id))
    at.session_state[table_key] = {"selection": {"rows": [1], "columns": [], "cells": []}}
    at.run()
    assert "obs" in at.query_params, "the selected row's observation opened"

    at.multiselect(key=key("status")).set_value(["succeeded"]).run()
    assert not at.exception, at.exception
    (grid,) = at.dataframe
    assert grid.proto.id == table_id
    assert "obs" not in at.query_params
    assert at.session_state[table_key]["selection"]["rows"] == []


def test_a_clickable_chart_with_nothing_picked_is_redrawn_in_place_whatever_filter_changes(
    app: AppFactory, client: VisionClient
) -> None:
    """Its own filter changed in the filter bar or another one: a chart with no pick on it keeps
    its widget, so the browser swaps the data into the chart it drew (a new widget re-embedded
    it, about 60 ms a click; issue 14). A chart showing a pick starts over when its filter
    changes elsewhere: ``test_state``'s chart-generation tests, since AppTest cannot click one.
    """
    scanner = demo_scanner(client, "monitor")
    at = open_page(app, scanner=scanner.id)

    def clickable() -> dict[str, str]:
        ids = [chart.proto.id for chart in at.get("vega_lite_chart") if chart.proto.id]
        return {
            name: next(i for i in ids if f"chart_{name}:" in i) for name in ("status", "verdicts")
        }

    before = clickable()
    at.multiselect(key=key("status")).set_value(["succeeded"]).run()
    at.multiselect(key=key("verdict")).set_value(["no"]).run()
    assert not at.exception, at.exception
    assert clickable() == before
    assert at.get("vega_lite_chart")[0].proto.spec, "the charts were drawn, with their data"


def test_a_second_viewer_of_a_view_converts_no_observation(
    app: AppFactory, client: VisionClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The table's record frame and page grid are shared: a second viewer's filter click copies
    them instead of copying and converting every observation again (issue 14: click latency);
    opening a row still shows that row's observation."""
    scanner = demo_scanner(client, "monitor")
    converted: list[int] = []
    convert = records.observation_records

    def counting(items: Any, *args: Any, **kwargs: Any) -> pd.DataFrame:
        items = list(items)
        converted.append(len(items))
        return convert(items, *args, **kwargs)

    gridded: list[int] = []
    grid = records.table_frame

    def counting_grid(frame: pd.DataFrame, scanner_type: str) -> pd.DataFrame:
        gridded.append(len(frame))
        return grid(frame, scanner_type)

    monkeypatch.setattr(records, "observation_records", counting)
    monkeypatch.setattr(records, "table_frame", counting_grid)
    first = open_page(app, scanner=scanner.id, status="succeeded")
    assert converted and gridded, "the first viewer builds the frame and the page's grid"
    converted.clear()
    gridded.clear()
    second = open_page(app, scanner=scanner.id, status="succeeded")
    assert converted == [] and gridded == []
    assert table(second).equals(table(first))

    table_key = obs_state.table_key(obs_state.View(scanner=scanner.id))
    second.session_state[table_key] = {"selection": {"rows": [1], "columns": [], "cells": []}}
    second.run()
    assert not second.exception
    newest = client.observations.list(
        scanner.id, status=["succeeded"], order_by="-created_at", limit=2
    ).items
    assert second.query_params["obs"] == newest[1].id
    heading = f"Session {escape_markdown(newest[1].session_id)} · 2 of "
    assert any(text.value.startswith(heading) for text in second.caption)
