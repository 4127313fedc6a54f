"""Scanner endpoints over HTTP: create, read, list filters/order/pagination, PATCH, DELETE."""

from __future__ import annotations

from .conftest import Api, assert_error, insert_observations, scanner_body, unique_name


def test_create_returns_full_scanner_with_defaults_and_credit_fields(api: Api) -> None:
    body = scanner_body(query={"filter_test_accounts": True, "date_from": "-7d"})
    response = api.post("", body)
    assert response.status_code == 201
    created = response.json()
    assert created["name"] == body["name"]
    assert created["enabled"] is True
    assert created["sampling_rate"] == 1.0
    assert created["scanner_version"] == 1
    assert created["provider"] == "google"
    assert created["description"] == ""
    assert created["emits_signals"] is False
    assert created["query"] == {"filter_test_accounts": True}
    assert created["created_by"]["email"] == "ada@example.com"
    assert isinstance(created["estimated_monthly_observations"], int)
    assert created["credits_per_observation"] == 5
    assert created["estimated_monthly_credits"] == created["estimated_monthly_observations"] * 5
    assert api.get(created["id"]).json() == created


def test_lite_model_costs_two_credits(api: Api) -> None:
    created = api.create(model="gemini-3.5-flash-lite")
    assert created["credits_per_observation"] == 2


def test_trailing_slash_and_environments_alias_are_equivalent(api: Api) -> None:
    created = api.create()
    no_slash = api.request("GET", created["id"])
    alias = api.session.get(
        f"{api.sb.base_url}/api/environments/{api.project_id}/vision/scanners/{created['id']}/",
        headers={"Authorization": f"Bearer {api.key}"},
        timeout=10,
    )
    assert no_slash.json() == alias.json() == created


def test_list_defaults_to_name_order_and_limit_100(api: Api) -> None:
    page = api.get().json()
    names = [s["name"].lower() for s in page["results"]]
    assert names == sorted(names)
    assert len(page["results"]) == min(page["count"], 100)


def test_list_pagination_links_carry_the_query(api: Api) -> None:
    marker = unique_name("paged")
    for i in range(5):
        api.create(name=f"{marker} {i}")
    first = api.get(search=marker, limit=2).json()
    assert first["count"] == 5
    assert first["previous"] is None
    assert "offset=2" in first["next"] and "search=" in first["next"]
    second = api.session.get(
        first["next"], headers={"Authorization": f"Bearer {api.key}"}, timeout=10
    )
    second_page = second.json()
    assert [s["name"] for s in second_page["results"]] == [f"{marker} 2", f"{marker} 3"]
    assert second_page["previous"] is not None and "offset" not in second_page["previous"]
    last = api.get(search=marker, limit=2, offset=4).json()
    assert last["next"] is None
    assert [s["name"] for s in last["results"]] == [f"{marker} 4"]


def test_bad_limit_and_offset_fall_back_to_defaults(api: Api) -> None:
    page = api.get(limit="abc", offset="-3").json()
    assert len(page["results"]) == min(page["count"], 100)


def test_list_filters_combine(api: Api) -> None:
    marker = unique_name("filters")
    api.create(name=f"{marker} monitor on", scanner_type="monitor")
    api.create(name=f"{marker} monitor off", scanner_type="monitor", enabled=False)
    api.create(name=f"{marker} scorer", scanner_type="scorer", emits_signals=True)

    def names(**params: str) -> list[str]:
        return [s["name"] for s in api.get(search=marker, **params).json()["results"]]

    assert names(enabled="disabled") == [f"{marker} monitor off"]
    assert names(enabled="TRUE") == [f"{marker} monitor on", f"{marker} scorer"]
    assert len(names(enabled="enabled,disabled")) == 3
    assert names(scanner_type="scorer") == [f"{marker} scorer"]
    assert len(names(scanner_type=" monitor , scorer ,")) == 3
    assert names(emits_signals="true") == [f"{marker} scorer"]
    assert len(names(emits_signals="maybe")) == 3
    assert len(names(created_by="1")) == 3
    assert names(created_by="2") == []


def test_search_matches_description_and_prompt_case_insensitively(api: Api) -> None:
    token = unique_name("needle").replace(" ", "")
    api.create(description=f"about {token.upper()}")
    api.create(scanner_config={"prompt": f"Look for {token}"})
    assert api.get(search=token.lower()).json()["count"] == 2
    assert api.get(search="   ").json()["count"] == api.get().json()["count"]


def test_order_by_keys_and_descending(api: Api) -> None:
    marker = unique_name("order")
    api.create(name=f"{marker} b", sampling_rate=0.5)
    api.create(name=f"{marker} a", sampling_rate=0.9)
    api.create(name=f"{marker} c", sampling_rate=0.1)
    rates = [
        s["sampling_rate"]
        for s in api.get(search=marker, order_by="-sampling_rate").json()["results"]
    ]
    assert rates == [0.9, 0.5, 0.1]
    names = [s["name"] for s in api.get(search=marker, order_by="-name").json()["results"]]
    assert names == [f"{marker} c", f"{marker} b", f"{marker} a"]
    by_creator = api.get(order_by="created_by").json()["results"]
    labels = [s["created_by"]["first_name"] for s in by_creator if s["created_by"]]
    assert labels == sorted(labels)


def test_patch_bumps_version_only_on_tracked_value_changes(api: Api) -> None:
    created = api.create()
    sid = created["id"]
    renamed = api.patch(sid, {"name": unique_name("renamed"), "description": "x", "enabled": False})
    assert renamed.status_code == 200
    assert renamed.json()["scanner_version"] == 1
    same = api.patch(sid, {"scanner_config": dict(created["scanner_config"]), "sampling_rate": 1})
    assert same.json()["scanner_version"] == 1
    changed = api.patch(sid, {"scanner_config": {"prompt": "Something else?"}})
    assert changed.json()["scanner_version"] == 2
    assert api.patch(sid, {"model": "gemini-3.5-flash-lite"}).json()["scanner_version"] == 3
    assert api.patch(sid, {"emits_signals": True}).json()["scanner_version"] == 4
    assert api.patch(sid, {"query": {"filter_test_accounts": True}}).json()["scanner_version"] == 5
    assert api.patch(sid, {"scanner_type": "monitor"}).json()["scanner_version"] == 5
    assert api.patch(sid, {"sampling_mode": "focused"}).json()["scanner_version"] == 6
    assert api.patch(sid, {"tags": ["a"], "credit_limit": 50}).json()["scanner_version"] == 6
    assert api.get(sid).json()["scanner_version"] == 6


def test_patch_volume_change_recomputes_estimate(api: Api) -> None:
    created = api.create()
    halved = api.patch(created["id"], {"sampling_rate": 0.5}).json()
    full = created["estimated_monthly_observations"]
    assert abs(halved["estimated_monthly_observations"] - full / 2) <= 1
    assert halved["estimated_monthly_credits"] == halved["estimated_monthly_observations"] * 5


def test_patch_ignores_read_only_fields(api: Api) -> None:
    created = api.create()
    response = api.patch(created["id"], {"scanner_version": 99, "id": "nope", "created_by": None})
    assert response.status_code == 200
    assert response.json()["scanner_version"] == 1
    assert response.json()["id"] == created["id"]


def test_reenabling_resets_the_sweep_watermark(api: Api) -> None:
    created = api.create(enabled=False)
    enabled = api.patch(created["id"], {"enabled": True}).json()
    assert enabled["enabled"] is True
    assert enabled["last_swept_at"] >= created["last_swept_at"]


def test_delete_cascades_to_observations(api: Api) -> None:
    created = api.create()
    insert_observations(api.sb, created["id"], [{"verdict": "yes"}, {"status": "failed"}])
    assert api.get(f"{created['id']}/observations/").json()["count"] == 2
    response = api.delete(created["id"])
    assert response.status_code == 204 and response.content == b""
    assert_error(api.get(created["id"]), 404, detail="Not found.", code="not_found")
    assert_error(api.get(f"{created['id']}/observations/"), 404)
    with api.sb.db.write() as conn:
        left = conn.execute(
            "SELECT COUNT(*) FROM observations WHERE scanner_id = ?", (created["id"],)
        ).fetchone()[0]
    assert left == 0
    assert_error(api.delete(created["id"]), 404)


def test_put_is_not_allowed(api: Api) -> None:
    created = api.create()
    response = api.request("PUT", created["id"], json=scanner_body())
    assert_error(
        response,
        405,
        detail='Method "PUT" not allowed.',
        code="method_not_allowed",
        error_type="invalid_request",
    )


def test_creators_are_distinct_and_ordered(api: Api) -> None:
    creators = api.get("creators/").json()["creators"]
    keys = [(c["first_name"], c["last_name"], c["email"], c["id"]) for c in creators]
    assert keys == sorted(keys)
    assert len({c["id"] for c in creators}) == len(creators)
    assert {"Ada", "Grace", "Alan"} <= {c["first_name"] for c in creators}
    assert set(creators[0]) >= {"id", "uuid", "distinct_id", "email", "hedgehog_config"}


def test_scanner_stats_count_by_type_ignoring_list_filters(empty_api: Api) -> None:
    empty = empty_api.get("stats/").json()
    assert empty == {
        "total": 0,
        "enabled": 0,
        "by_type": {
            t: {"enabled": 0, "total": 0} for t in ("monitor", "classifier", "scorer", "summarizer")
        },
    }
    empty_api.create(scanner_type="monitor")
    empty_api.create(scanner_type="monitor", enabled=False)
    empty_api.create(scanner_type="summarizer")
    stats = empty_api.get("stats/", scanner_type="scorer", enabled="false").json()
    assert stats["total"] == 3 and stats["enabled"] == 2
    assert stats["by_type"]["monitor"] == {"enabled": 1, "total": 2}
    assert stats["by_type"]["summarizer"] == {"enabled": 1, "total": 1}
    assert stats["by_type"]["scorer"] == {"enabled": 0, "total": 0}


def test_head_is_served_like_get_without_a_body(api: Api) -> None:
    response = api.request("HEAD", "")
    assert response.status_code == 200
    assert response.content == b""
    assert api.request("HEAD", "00000000-0000-0000-0000-000000000000").status_code == 404
