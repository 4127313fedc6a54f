"""Today's API (current era): credit quota, models, scanner credit fields and limits, labels,
bulk scans, retries, the newer filters and sorts, and the stats blocks, over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import requests

from vision_sandbox import Sandbox, credits

from .conftest import (
    Api,
    assert_error,
    insert_observations,
    now_iso,
    plan_of,
    recorded_sql,
    scanner_body,
)


def vision(api: Api, method: str, path: str, body: Any = None) -> requests.Response:
    """A request under ``/api/projects/{id}/vision/`` (outside ``scanners/``)."""
    url = f"{api.sb.base_url}/api/projects/{api.project_id}/vision/{path}"
    return api.session.request(
        method, url, json=body, headers={"Authorization": f"Bearer {api.key}"}, timeout=10
    )


def _next_period() -> str:
    now = datetime.now(UTC)
    month = 1 if now.month == 12 else now.month + 1
    return f"{datetime(2000, month, 1).strftime('%b')} 1"


@pytest.fixture
def limited() -> Iterator[Api]:
    """A fresh current-era sandbox with a 100-credit monthly limit and slow scans."""
    with Sandbox.start(seed="empty", scan_delay=60, credit_limit=100) as sb:
        client = Api(sb)
        yield client
        client.session.close()


# --- quota -------------------------------------------------------------------------------


def test_quota_is_in_credits(api: Api) -> None:
    body = vision(api, "GET", "quota/").json()
    assert set(body) == {
        "credit_limit",
        "credits_used",
        "credits_settled",
        "credits_reserved",
        "remaining",
        "exhausted",
        "period_start",
        "period_end",
        "projected_monthly_credits",
        "scanners_monthly_credits",
        "backfills_committed_credits",
        "free_monthly_credits",
    }
    assert body["credit_limit"] == 15_000
    assert body["credits_used"] == body["credits_settled"] + body["credits_reserved"]
    assert body["remaining"] == max(0, 15_000 - body["credits_used"])
    assert body["exhausted"] is False
    assert body["projected_monthly_credits"] == (
        body["scanners_monthly_credits"] + body["backfills_committed_credits"]
    )
    assert body["scanners_monthly_credits"] > 0
    assert body["free_monthly_credits"] == 2_500


def test_quota_settles_succeeded_and_reserves_in_flight(limited: Api) -> None:
    scanner = limited.create(model="gemini-3.8-flash")
    insert_observations(
        limited.sb,
        scanner["id"],
        [
            {"created_at": now_iso(), "model": "gemini-3.5-flash-lite"},
            {"created_at": now_iso(), "model": "gemini-3.1-flash-lite-preview"},
            {"created_at": now_iso(), "status": "failed", "model": "gemini-3-flash-preview"},
            {"created_at": now_iso(), "status": "running", "model": "gemini-3-flash-preview"},
        ],
    )
    body = vision(limited, "GET", "quota/").json()
    assert (body["credits_settled"], body["credits_reserved"]) == (4, 5)
    assert body["remaining"] == 91
    series = vision(limited, "GET", "quota/spend_series/").json()
    assert set(series) == {"period_start", "period_end", "days"}
    assert series["days"][0]["date"] == series["period_start"][:10]
    assert series["days"][-1]["date"] == datetime.now(UTC).date().isoformat()
    assert sum(day["credits"] for day in series["days"]) == 4


@pytest.mark.parametrize(("limit", "remaining", "exhausted"), [(None, None, False), (0, 0, True)])
def test_uncapped_and_blocked_quota(
    limit: int | None, remaining: int | None, exhausted: bool
) -> None:
    with Sandbox.start(seed="empty", credit_limit=limit, scan_delay=0.05) as sb:
        api = Api(sb)
        body = vision(api, "GET", "quota/").json()
        assert (body["credit_limit"], body["remaining"], body["exhausted"]) == (
            limit,
            remaining,
            exhausted,
        )
        scanner = api.create()
        response = api.post(f"{scanner['id']}/observe/", {"session_id": "s"})
        if limit == 0:
            assert_error(
                response,
                402,
                code="quota_limit_exceeded",
                detail="Starting this observation would exceed your monthly Replay vision "
                f"limit of $0.00. Resets {_next_period()}.",
            )
        else:
            assert response.status_code == 202


def test_observe_402_when_the_credit_limit_would_be_exceeded(limited: Api) -> None:
    scanner = limited.create(model="gemini-3.8-flash")
    insert_observations(limited.sb, scanner["id"], [{"created_at": now_iso(), "model": "x"}] * 6)
    response = limited.post(f"{scanner['id']}/observe/", {})
    assert_error(response, 402, code="quota_limit_exceeded", error_type="server_error")
    assert "limit of $1.00." in response.json()["detail"]
    cheap = limited.create(model="gemini-3.5-flash-lite")
    assert limited.post(f"{cheap['id']}/observe/", {"session_id": "s"}).status_code == 202


# --- models --------------------------------------------------------------------------------


def test_retired_model_rejected_on_create_and_patch_but_kept_on_read(api: Api) -> None:
    retired = "gemini-3.1-flash-lite-preview"
    assert_error(
        api.post("", scanner_body(model=retired)),
        400,
        detail=f'"{retired}" is not a valid choice.',
        attr="model",
        code="invalid_choice",
    )
    scanner = api.create()
    with api.sb.db.write() as conn:
        conn.execute("UPDATE scanners SET model = ? WHERE id = ?", (retired, scanner["id"]))
    read = api.get(scanner["id"]).json()
    assert read["model"] == retired and read["credits_per_observation"] == 2
    assert_error(api.patch(scanner["id"], {"model": retired}), 400, attr="model")
    assert (
        api.patch(scanner["id"], {"model": "gemini-3.8-flash"}).json()["credits_per_observation"]
        == 15
    )


# --- scanner fields ------------------------------------------------------------------------


def test_scanner_credit_fields_and_defaults(api: Api) -> None:
    created = api.create()
    assert created["tags"] == []
    assert created["sampling_mode"] == "comprehensive"
    assert created["credit_limit"] is None
    assert created["limit_reached"] is False
    assert created["credits_this_month"] == 0
    assert created["observations_this_month"] == 0
    assert created["credits_used_against_limit"] == 0
    assert created["estimated_monthly_credits"] == created["estimated_monthly_observations"] * 5


def test_tags_are_normalised_and_replaced_on_patch(api: Api) -> None:
    created = api.create(tags=[" Checkout ", "checkout", "UX"])
    assert created["tags"] == ["checkout", "ux"]
    assert api.patch(created["id"], {"description": "x"}).json()["tags"] == ["checkout", "ux"]
    assert api.patch(created["id"], {"tags": ["Growth"]}).json()["tags"] == ["growth"]


@pytest.mark.parametrize(
    ("tags", "attr", "detail"),
    [
        (["a,b"], "tags", "Tags cannot contain commas."),
        (["x"] * 33, "tags", "Ensure this field has no more than 32 elements."),
        ("ux", "tags", 'Expected a list of items but got type "str".'),
        (["ok", "x" * 256], "tags__1", "Ensure this field has no more than 255 characters."),
        (["  "], "tags__0", "This field may not be blank."),
    ],
)
def test_tag_errors(api: Api, tags: Any, attr: str, detail: str) -> None:
    assert_error(api.post("", scanner_body(tags=tags)), 400, attr=attr, detail=detail)


@pytest.mark.parametrize(
    ("value", "detail"),
    [
        (0, "Ensure this value is greater than or equal to 1."),
        (2_147_483_648, "Ensure this value is less than or equal to 2147483647."),
        ("lots", "A valid integer is required."),
        (1.5, "A valid integer is required."),
    ],
)
def test_credit_limit_errors(api: Api, value: Any, detail: str) -> None:
    assert_error(
        api.post("", scanner_body(credit_limit=value)), 400, attr="credit_limit", detail=detail
    )


def test_spend_fields_price_by_snapshot_model_and_limit_gate(limited: Api) -> None:
    scanner = limited.create(credit_limit=20)
    insert_observations(
        limited.sb,
        scanner["id"],
        [
            {"created_at": now_iso(), "model": "gemini-3.8-flash"},
            {"created_at": now_iso(days=40), "model": "gemini-3.8-flash"},
            {"created_at": now_iso(), "status": "pending", "model": "gemini-3-flash-preview"},
        ],
    )
    read = limited.get(scanner["id"]).json()
    assert read["credits_this_month"] == 15
    assert read["observations_this_month"] == 1
    assert read["credits_used_against_limit"] == 20
    assert read["limit_reached"] is True
    response = limited.post(f"{scanner['id']}/observe/", {"session_id": "s"})
    assert_error(response, 402, code="quota_limit_exceeded")
    assert "this scanner's credit limit of 20 credits" in response.json()["detail"]
    assert limited.patch(scanner["id"], {"credit_limit": None}).json()["limit_reached"] is False


def test_list_filters_by_tags_and_orders_by_credits_this_month(limited: Api) -> None:
    low = limited.create(tags=["Team-A"])
    high = limited.create(tags=["team-b"])
    limited.create()
    insert_observations(limited.sb, high["id"], [{"created_at": now_iso(), "model": "x"}])
    names = {s["id"] for s in limited.get(tags="team-a,TEAM-B").json()["results"]}
    assert names == {low["id"], high["id"]}
    ordered = limited.get(order_by="-credits_this_month").json()["results"]
    assert ordered[0]["id"] == high["id"]
    assert limited.get(order_by="credits_this_month").json()["results"][-1]["id"] == high["id"]


# --- observations: shape, labels, retry, bulk ----------------------------------------------


def test_observation_has_label_and_backfill_id(api: Api) -> None:
    scanner = api.create()
    [oid] = insert_observations(api.sb, scanner["id"], [{"label": (True, "", now_iso())}])
    one = api.get(f"{scanner['id']}/observations/{oid}/").json()
    assert one["label"] == {"is_correct": True, "feedback": ""}
    assert one["backfill_id"] is None


def test_label_endpoints_on_both_routes(api: Api) -> None:
    scanner = api.create()
    first, second = insert_observations(api.sb, scanner["id"], [{}, {}])
    response = api.post(f"{scanner['id']}/observations/{first}/label/", {"is_correct": False})
    assert (response.status_code, response.json()) == (200, {"is_correct": False, "feedback": ""})
    replaced = vision(
        api, "POST", f"observations/{first}/label/", {"is_correct": True, "feedback": "Right."}
    )
    assert replaced.json() == {"is_correct": True, "feedback": "Right."}
    assert api.get(f"{scanner['id']}/observations/{first}/").json()["label"] == replaced.json()
    labeled = api.get(f"{scanner['id']}/observations/", labeled="true").json()["results"]
    assert [o["id"] for o in labeled] == [first]
    unlabeled = api.get(f"{scanner['id']}/observations/", labeled="false").json()["results"]
    assert [o["id"] for o in unlabeled] == [second]
    assert api.delete(f"{scanner['id']}/observations/{first}/label/").status_code == 204
    assert vision(api, "DELETE", f"observations/{first}/label/").status_code == 204
    assert api.get(f"{scanner['id']}/observations/{first}/").json()["label"] is None
    assert_error(vision(api, "POST", f"observations/{scanner['id']}/label/", {}), 404)


@pytest.mark.parametrize(
    ("body", "attr", "detail"),
    [
        ({}, "is_correct", "This field is required."),
        ({"is_correct": "maybe"}, "is_correct", "Must be a valid boolean."),
        (
            {"is_correct": True, "feedback": "x" * 5001},
            "feedback",
            "Ensure this field has no more than 5000 characters.",
        ),
    ],
)
def test_label_errors(api: Api, body: dict[str, Any], attr: str, detail: str) -> None:
    scanner = api.create()
    [oid] = insert_observations(api.sb, scanner["id"], [{}])
    response = api.post(f"{scanner['id']}/observations/{oid}/label/", body)
    assert_error(response, 400, attr=attr, detail=detail)


def test_retry_replaces_a_failed_observation(api: Api) -> None:
    scanner = api.create()
    session = api.sb.sample_sessions("eligible", 9)[8]
    [failed, done] = insert_observations(
        api.sb,
        scanner["id"],
        [{"status": "failed", "session_id": session}, {"session_id": "other"}],
    )
    assert_error(
        api.post(f"{scanner['id']}/observations/{done}/retry/"),
        400,
        detail="Only failed observations can be retried.",
    )
    response = api.post(f"{scanner['id']}/observations/{failed}/retry/")
    assert response.status_code == 202
    assert response.json() == {
        "workflow_id": f"replay-vision-apply-scanner-{scanner['id']}-{session}"
    }
    assert_error(api.get(f"{scanner['id']}/observations/{failed}/"), 404)
    again = api.wait_for_observation(
        scanner["id"], session, lambda o: o["status"] in ("succeeded", "failed", "ineligible")
    )
    assert again["id"] != failed and again["triggered_by"] == "retry"
    assert api.get(f"{scanner['id']}/observations/", triggered_by="retry").json()["count"] == 1


def test_retry_on_the_project_route(api: Api) -> None:
    scanner = api.create()
    [failed] = insert_observations(api.sb, scanner["id"], [{"status": "failed"}])
    assert vision(api, "POST", f"observations/{failed}/retry/").status_code == 202


def test_bulk_observe_outcomes(limited: Api) -> None:
    scanner = limited.create(credit_limit=15)
    insert_observations(limited.sb, scanner["id"], [{"session_id": "done"}])
    insert_observations(limited.sb, scanner["id"], [{"session_id": "busy", "status": "running"}])
    ids = ["new-1", "done", "new-1", "busy", "new-2", "new-3"]
    response = limited.post(f"{scanner['id']}/bulk_observe/", {"session_ids": ids})
    assert response.status_code == 202
    assert response.json() == {
        "started": 1,
        "results": [
            {"session_id": "new-1", "scan_outcome": "started"},
            {"session_id": "done", "scan_outcome": "already_scanned"},
            {"session_id": "busy", "scan_outcome": "already_running"},
            {"session_id": "new-2", "scan_outcome": "skipped_scanner_limit"},
            {"session_id": "new-3", "scan_outcome": "skipped_scanner_limit"},
        ],
    }
    again = limited.post(f"{scanner['id']}/bulk_observe/", {"session_ids": ["new-1"]}).json()
    assert again["results"] == [{"session_id": "new-1", "scan_outcome": "already_running"}]
    open_scanner = limited.create(model="gemini-3.8-flash")
    many = [f"q-{i}" for i in range(10)]
    spent = limited.post(f"{open_scanner['id']}/bulk_observe/", {"session_ids": many}).json()
    outcomes = [r["scan_outcome"] for r in spent["results"]]
    assert outcomes.count("started") == spent["started"] == (100 - 3 * 5) // 15
    assert set(outcomes[spent["started"] :]) == {"skipped_quota"}


@pytest.mark.parametrize(
    ("body", "attr", "detail"),
    [
        ({}, "session_ids", "This field is required."),
        ({"session_ids": []}, "session_ids", "This list may not be empty."),
        (
            {"session_ids": [f"s{i}" for i in range(201)]},
            "session_ids",
            "Ensure this field has no more than 200 elements.",
        ),
        (
            {"session_ids": ["ok", "x" * 129]},
            "session_ids__1",
            "Ensure this field has no more than 128 characters.",
        ),
    ],
)
def test_bulk_observe_errors(api: Api, body: dict[str, Any], attr: str, detail: str) -> None:
    scanner = api.create()
    assert_error(api.post(f"{scanner['id']}/bulk_observe/", body), 400, attr=attr, detail=detail)


# --- filters, sorts, stats -----------------------------------------------------------------


@pytest.fixture
def varied(api: Api) -> tuple[Api, str, list[str]]:
    scanner = api.create(scanner_type="scorer")
    ids = insert_observations(
        api.sb,
        scanner["id"],
        [
            {"score": 2, "created_at": now_iso(days=10), "email": "ann@shop.io", "confidence": 0.4},
            {"score": 7, "created_at": now_iso(days=3), "email": "bob@ACME.com", "confidence": 0.9},
            {"status": "failed", "created_at": now_iso(hours=2)},
            {"score": 9, "created_at": "2030-01-02T10:00:00.000000Z", "confidence": 0.7},
        ],
    )
    return api, scanner["id"], ids


def _ids(api: Api, sid: str, **params: Any) -> list[str]:
    return [o["id"] for o in api.get(f"{sid}/observations/", **params).json()["results"]]


def test_score_range_excludes_unscored_rows(varied: tuple[Api, str, list[str]]) -> None:
    api, sid, ids = varied
    assert set(_ids(api, sid, min_score=5)) == {ids[1], ids[3]}
    assert set(_ids(api, sid, min_score=2, max_score=7)) == {ids[0], ids[1]}
    stats = api.get(f"{sid}/observations/stats/", max_score=8).json()
    assert stats["status_counts"]["total"] == 2
    assert_error(api.get(f"{sid}/observations/", min_score="high"), 400, attr="min_score")


def test_date_range_absolute_relative_and_whole_day(varied: tuple[Api, str, list[str]]) -> None:
    api, sid, ids = varied
    assert set(_ids(api, sid, date_from="-7d")) == {ids[1], ids[2], ids[3]}
    assert set(_ids(api, sid, date_from="-7d", date_to="now")) == {ids[1], ids[2]}
    assert _ids(api, sid, date_from="2030-01-02", date_to="2030-01-02") == [ids[3]]
    assert _ids(api, sid, date_to="2030-01-02T09:00:00Z", date_from="2029-12-31") == []
    assert_error(api.get(f"{sid}/observations/", date_from="yesterday"), 400, attr="date_from")


def test_subject_session_csv_and_backfill_filters(varied: tuple[Api, str, list[str]]) -> None:
    api, sid, ids = varied
    assert _ids(api, sid, recording_subject="acme") == [ids[1]]
    one = api.get(f"{sid}/observations/{ids[0]}/").json()
    two = api.get(f"{sid}/observations/{ids[1]}/").json()
    both = f"{one['session_id']},{two['session_id']},nope"
    assert set(_ids(api, sid, session_id=both)) == {ids[0], ids[1]}
    assert _ids(api, sid, backfill_id="00000000-0000-4000-8000-000000000000") == []
    assert_error(api.get(f"{sid}/observations/", backfill_id="nope"), 400, attr="backfill_id")


@pytest.mark.parametrize("key", ["recording_subject_email", "result_confidence"])
def test_new_sort_keys_put_nulls_last_both_ways(
    varied: tuple[Api, str, list[str]], key: str
) -> None:
    api, sid, ids = varied
    ascending = _ids(api, sid, order_by=key)
    descending = _ids(api, sid, order_by=f"-{key}")
    if key == "recording_subject_email":
        assert ascending[:2] == [ids[0], ids[1]] and descending[:2] == [ids[1], ids[0]]
        assert set(ascending[2:]) == set(descending[2:]) == {ids[2], ids[3]}
    else:
        assert ascending[:3] == [ids[0], ids[3], ids[1]]
        assert descending[:3] == [ids[1], ids[3], ids[0]]
        assert ascending[3] == descending[3] == ids[2]


def test_stats_labels_block(api: Api) -> None:
    scanner = api.create()
    insert_observations(
        api.sb,
        scanner["id"],
        [
            {"created_at": now_iso(days=2), "label": (True, "", now_iso(days=1))},
            {"created_at": now_iso(days=2), "label": (False, "no", now_iso())},
            {"created_at": now_iso(days=1), "label": (True, "", now_iso()), "version": 2},
            {"created_at": now_iso(days=40), "label": (True, "", now_iso(days=39))},
            {"created_at": now_iso()},
        ],
    )
    block = api.get(f"{scanner['id']}/observations/stats/").json()["labels"]
    assert (block["up_total"], block["down_total"]) == (3, 1)
    assert [(d["up"], d["down"]) for d in block["by_day"]] == [(1, 1), (1, 0)]
    assert sum(d["up"] + d["down"] for d in block["by_rating_day"]) == 3
    markers = {m["version"]: m for m in block["version_markers"]}
    assert (markers[1]["up"], markers[1]["down"], markers[1]["total"]) == (2, 1, 4)
    assert (markers[2]["up"], markers[2]["total"]) == (1, 1)
    assert set(markers[1]) >= {"date", "version", "prompt", "query", "sampling_mode"}


def test_stats_summarizer_block(api: Api) -> None:
    summarizer = api.create(scanner_type="summarizer")
    facets = {"friction_points": ["Slow Checkout", "slow checkout"], "keywords": ["pricing"]}
    insert_observations(
        api.sb, summarizer["id"], [{"output": facets}, {"output": facets}, {"output": {}}]
    )
    block = api.get(f"{summarizer['id']}/observations/stats/").json()["summarizer"]
    assert block == {
        "friction_ranked": [{"term": "slow checkout", "count": 2}],
        "keyword_ranked": [{"term": "pricing", "count": 2}],
        "total_with_facets": 2,
        "total_with_friction": 2,
    }
    monitor = api.create()
    assert api.get(f"{monitor['id']}/observations/stats/").json()["summarizer"] is None


def test_sampling_mode_on_a_scanner_narrows_its_estimate(api: Api) -> None:
    everything = api.create()["estimated_monthly_observations"]
    focused = api.create(sampling_mode="focused")["estimated_monthly_observations"]
    assert 0 < focused < everything
    assert_error(api.post("", scanner_body(sampling_mode="most")), 400, attr="sampling_mode")


# --- demo ------------------------------------------------------------------------------------


def test_current_demo_data(api: Api) -> None:
    # By name: other tests share this sandbox and their scanners fill the first page.
    names = ("Rage clicks", "Checkout friction", "Pricing page confusion")
    demo = {
        name: next(s for s in api.get(search=name).json()["results"] if s["name"] == name)
        for name in names
    }
    models = {s["model"] for s in demo.values()}
    assert models <= {"gemini-3.5-flash-lite", "gemini-3-flash-preview", "gemini-3.8-flash"}
    assert demo["Rage clicks"]["limit_reached"] is True
    assert demo["Checkout friction"]["tags"] == ["checkout", "revenue"]
    assert demo["Pricing page confusion"]["sampling_mode"] == "focused"
    checkout = demo["Checkout friction"]["id"]
    assert api.get(f"{checkout}/observations/", labeled="true").json()["count"] > 10
    assert api.get(f"{checkout}/observations/", status="failed").json()["count"] > 0


def test_the_credit_ledger_counts_over_the_billing_index(limited: Api) -> None:
    """The quota, the scanner list's monthly fields and the spend series count a month's rows
    per snapshot over the billing index and read each snapshot's model once: reading it from
    every row took 0.6 s of each call at a million rows (now 50–90 ms). Checked on the plan."""
    scanner = limited.create()
    insert_observations(limited.sb, scanner["id"], [{"verdict": "yes"}] * 3)
    conn = limited.sb.db.conn()
    with recorded_sql(conn) as statements:
        spent = credits.project_totals(conn, limited.sb.project_id, datetime.now(UTC))
        credits.spend_series(conn, limited.sb.project_id, datetime.now(UTC))
    assert spent.observations == 3
    counting = [sql for sql in statements if "SUM(g.n)" in sql]
    assert len(counting) == 2
    for sql in counting:
        plan = plan_of(conn, sql)
        reads = [str(step[3]) for step in plan.steps if " o " in f"{step[3]} "]
        assert reads and all("COVERING INDEX obs_scanner_billing_v3" in r for r in reads), plan
