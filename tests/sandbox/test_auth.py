"""Authentication, scopes and project isolation (contract §1.2, §1.3)."""

from __future__ import annotations

import pytest

from vision_sandbox import Sandbox

from .conftest import Api, assert_error, scanner_body


def test_missing_credentials_are_401(api: Api) -> None:
    anonymous = Api(api.sb, key="")
    assert_error(
        anonymous.get(),
        401,
        detail="Authentication credentials were not provided.",
        code="not_authenticated",
        error_type="authentication_error",
    )


def test_unknown_key_is_401(api: Api) -> None:
    stranger = Api(api.sb, key="phx_not_a_real_key")
    assert_error(
        stranger.get(),
        401,
        detail="Personal API key found in request Authorization header is invalid.",
        code="authentication_failed",
    )


def test_non_bearer_scheme_is_unauthenticated(api: Api) -> None:
    response = api.session.get(api.base, headers={"Authorization": f"Basic {api.key}"}, timeout=10)
    assert_error(response, 401, code="not_authenticated")


def _missing(scope: str) -> str:
    return f"API key missing required scope '{scope}'"


def test_read_only_key_can_read_but_not_write(sandbox: Sandbox) -> None:
    writer = Api(sandbox)
    created = writer.create()
    reader = Api(sandbox, key=sandbox.add_api_key(scopes=["replay_scanner:read"]))
    assert reader.get().status_code == 200
    assert reader.get(created["id"]).status_code == 200
    assert reader.get("stats/").status_code == 200
    assert reader.get("creators/").status_code == 200
    for response in (
        reader.post("", scanner_body()),
        reader.patch(created["id"], {"description": "x"}),
        reader.delete(created["id"]),
        reader.post(f"{created['id']}/observe/", {"session_id": "s"}),
    ):
        assert_error(
            response,
            403,
            detail=_missing("replay_scanner:write"),
            code="permission_denied",
            error_type="authentication_error",
        )
    for response in (
        reader.get(f"{created['id']}/observations/"),
        reader.get(f"{created['id']}/observations/stats/"),
        reader.post("estimate/", {}),
    ):
        assert_error(response, 403, detail=_missing("session_recording:read"))


def test_write_without_recordings_scope(sandbox: Sandbox) -> None:
    key = sandbox.add_api_key(scopes=["replay_scanner:read", "replay_scanner:write"])
    client = Api(sandbox, key=key)
    assert_error(client.post("", scanner_body()), 403, detail=_missing("session_recording:read"))
    created = Api(sandbox).create()
    assert client.delete(created["id"]).status_code == 204


def test_scope_is_checked_before_the_object_exists(sandbox: Sandbox) -> None:
    reader = Api(sandbox, key=sandbox.add_api_key(scopes=["replay_scanner:read"]))
    response = reader.delete("00000000-0000-0000-0000-000000000000")
    assert_error(response, 403, detail=_missing("replay_scanner:write"))


def test_key_cannot_reach_another_project(sandbox: Sandbox) -> None:
    intruder = Api(sandbox, project_id=sandbox.other_project_id)
    assert_error(intruder.get(), 403, code="permission_denied")


def test_projects_do_not_see_each_others_scanners(sandbox: Sandbox) -> None:
    mine = Api(sandbox)
    theirs = Api(sandbox, key=sandbox.other_api_key, project_id=sandbox.other_project_id)
    their_scanner = theirs.create()
    my_ids = {s["id"] for s in mine.get(limit=1000).json()["results"]}
    their_ids = {s["id"] for s in theirs.get(limit=1000).json()["results"]}
    assert their_scanner["id"] in their_ids
    assert not my_ids & their_ids
    assert_error(mine.get(their_scanner["id"]), 404)
    assert_error(mine.get(f"{their_scanner['id']}/observations/"), 404)
    assert_error(mine.patch(their_scanner["id"], {"name": "stolen"}), 404)
    assert_error(mine.delete(their_scanner["id"]), 404)
    assert_error(
        mine.post("estimate/", {"scanner_id": their_scanner["id"]}),
        400,
        detail="No scanner with this id exists in this project.",
        attr="scanner_id",
    )
    assert theirs.get("creators/").json()["creators"][0]["first_name"] == "Katherine"


@pytest.mark.parametrize("project", ["@current"])
def test_current_project_alias(sandbox: Sandbox, project: str) -> None:
    client = Api(sandbox)
    client.project_id = project  # type: ignore[assignment]
    assert client.get().json()["count"] == Api(sandbox).get().json()["count"]
