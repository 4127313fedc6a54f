"""The seed era speaks exactly the seed's shapes (contract Era S) and the seed source's quirks."""

from __future__ import annotations

import pytest

from vision_sandbox import Sandbox

from .conftest import Api, assert_error, insert_observations, now_iso, scanner_body

SEED_SCANNER_KEYS = {
    "id",
    "name",
    "description",
    "scanner_type",
    "scanner_config",
    "query",
    "sampling_rate",
    "provider",
    "model",
    "enabled",
    "emits_signals",
    "scanner_version",
    "estimated_monthly_observations",
    "last_swept_at",
    "created_at",
    "updated_at",
    "created_by",
}
SEED_OBSERVATION_KEYS = {
    "id",
    "scanner_id",
    "session_id",
    "status",
    "error_reason",
    "workflow_id",
    "scanner_snapshot",
    "scanner_result",
    "triggered_by",
    "triggered_by_user",
    "started_at",
    "completed_at",
    "created_at",
    "distinct_id",
    "recording_subject_email",
    "previous_observation_id",
    "next_observation_id",
}


def test_scanner_has_exactly_the_seed_fields(seed_api: Api) -> None:
    created = seed_api.create(sampling_mode="focused", tags=["x"], credit_limit=5)
    assert set(created) == SEED_SCANNER_KEYS
    listed = seed_api.get().json()["results"]
    assert listed and all(set(s) == SEED_SCANNER_KEYS for s in listed)


def test_observation_and_stats_have_no_current_era_fields(seed_api: Api) -> None:
    scanner = next(s for s in seed_api.get().json()["results"] if s["name"] == "UX quality")
    page = seed_api.get(f"{scanner['id']}/observations/", limit=5).json()
    assert all(set(o) == SEED_OBSERVATION_KEYS for o in page["results"])
    one = seed_api.get(f"{scanner['id']}/observations/{page['results'][0]['id']}/").json()
    assert set(one) == SEED_OBSERVATION_KEYS
    stats = seed_api.get(f"{scanner['id']}/observations/stats/").json()
    assert set(stats) == {
        "status_counts",
        "coverage",
        "available_tags",
        "monitor",
        "classifier",
        "scorer",
    }


def test_seed_quota_counts_observations(seed_api: Api) -> None:
    response = seed_api.session.get(
        f"{seed_api.sb.base_url}/api/projects/{seed_api.project_id}/vision/quota/",
        headers={"Authorization": f"Bearer {seed_api.key}"},
        timeout=10,
    )
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "monthly_quota",
        "usage_this_month",
        "remaining",
        "exhausted",
        "period_start",
        "period_end",
        "projected_monthly_observations",
    }
    assert body["monthly_quota"] == 3000
    assert 0 < body["usage_this_month"] < 3000
    assert body["remaining"] == 3000 - body["usage_this_month"]
    assert body["exhausted"] is False
    assert body["period_start"].endswith("-01T00:00:00.000000Z")
    assert body["projected_monthly_observations"] > 0


@pytest.mark.parametrize(
    "path",
    [
        "quota/spend_series/",
        "scanners/{sid}/bulk_observe/",
        "scanners/{sid}/observations/{oid}/label/",
        "scanners/{sid}/observations/{oid}/retry/",
        "observations/{oid}/label/",
    ],
)
def test_current_era_endpoints_do_not_exist(seed_api: Api, path: str) -> None:
    scanner = seed_api.create()
    [oid] = insert_observations(seed_api.sb, scanner["id"], [{"status": "failed"}])
    url = f"{seed_api.sb.base_url}/api/projects/{seed_api.project_id}/vision/" + path.format(
        sid=scanner["id"], oid=oid
    )
    response = seed_api.session.post(
        url, json={}, headers={"Authorization": f"Bearer {seed_api.key}"}, timeout=10
    )
    assert_error(response, 404, code="not_found")


def test_seed_models_and_the_current_ones_rejected(seed_api: Api) -> None:
    assert seed_api.create(model="gemini-3.1-flash-lite-preview")["model"] == (
        "gemini-3.1-flash-lite-preview"
    )
    assert_error(
        seed_api.post("", scanner_body(model="gemini-3.8-flash")),
        400,
        detail='"gemini-3.8-flash" is not a valid choice.',
        attr="model",
        code="invalid_choice",
    )


def test_seed_triggers_reject_retry(seed_api: Api) -> None:
    scanner = seed_api.create()
    assert_error(
        seed_api.get(f"{scanner['id']}/observations/", triggered_by="retry"),
        400,
        detail="Invalid value(s) ['retry']; allowed: ['on_demand', 'schedule'].",
        attr="triggered_by",
    )


def test_seed_session_id_filter_is_one_exact_value(seed_api: Api) -> None:
    scanner = seed_api.create()
    insert_observations(seed_api.sb, scanner["id"], [{"session_id": "a"}, {"session_id": "b"}])
    assert seed_api.get(f"{scanner['id']}/observations/", session_id="a,b").json()["count"] == 0
    assert seed_api.get(f"{scanner['id']}/observations/", session_id="a").json()["count"] == 1


@pytest.mark.parametrize("key", ["started_at", "completed_at"])
def test_seed_descending_time_order_puts_in_flight_rows_first(seed_api: Api, key: str) -> None:
    scanner = seed_api.create()
    rows = [
        {"status": "succeeded", "started_at": f"2030-01-01T00:00:0{i}.000000Z"} for i in (1, 2)
    ] + [{"status": "pending"}, {"status": "pending"}]
    ids = insert_observations(seed_api.sb, scanner["id"], rows)
    listed = seed_api.get(f"{scanner['id']}/observations/", order_by=f"-{key}").json()["results"]
    statuses = [o["status"] for o in listed]
    assert statuses[:2] == ["pending", "pending"]
    ascending = seed_api.get(f"{scanner['id']}/observations/", order_by=key).json()["results"]
    assert [o["status"] for o in ascending][-2:] == ["pending", "pending"]
    if key == "started_at":
        assert [o["id"] for o in listed][2:] == [ids[1], ids[0]]
    middle = listed[1]["id"]
    detail = seed_api.get(f"{scanner['id']}/observations/{middle}/", order_by=f"-{key}").json()
    assert detail["previous_observation_id"] == listed[0]["id"]
    assert detail["next_observation_id"] == listed[2]["id"]


def test_current_era_sorts_in_flight_rows_last_both_ways(api: Api) -> None:
    scanner = api.create()
    rows = [
        {"status": "succeeded", "started_at": "2030-01-01T00:00:01.000000Z"},
        {"status": "pending"},
    ]
    insert_observations(api.sb, scanner["id"], rows)
    for order in ("started_at", "-started_at", "completed_at", "-completed_at"):
        listed = api.get(f"{scanner['id']}/observations/", order_by=order).json()["results"]
        assert [o["status"] for o in listed] == ["succeeded", "pending"]


def test_seed_observe_quota_402_and_no_already_scanned_200() -> None:
    with Sandbox.start(seed="empty", era="seed", monthly_quota=1, scan_delay=0.05) as sb:
        api = Api(sb)
        scanner = api.create()
        insert_observations(sb, scanner["id"], [{"session_id": "done", "created_at": now_iso()}])
        response = api.post(f"{scanner['id']}/observe/", {"session_id": "done"})
        assert_error(response, 402, code="quota_limit_exceeded", error_type="server_error")
        assert "quota of 1 observations reached" in response.json()["detail"]
