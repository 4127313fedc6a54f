"""Each error class from a real sandbox error, with the fields callers show to people."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from vision_api import (
    AuthenticationError,
    BadRequestError,
    NotFoundError,
    PermissionDeniedError,
    QuotaExceededError,
    RateLimitError,
    VisionClient,
)

from .conftest import DEFAULT_MODEL, MONITOR_CONFIG, unique_name


def _client_for(sandbox: Any, api_key: str, **options: Any) -> VisionClient:
    return VisionClient(
        base_url=sandbox.base_url, project_id=sandbox.project_id, api_key=api_key, **options
    )


def test_bad_key_is_an_authentication_error(sandbox: Any) -> None:
    with (
        _client_for(sandbox, "phx_not_a_real_key") as client,
        pytest.raises(AuthenticationError) as caught,
    ):
        client.scanners.list()
    err = caught.value
    assert err.status_code == 401
    assert (err.type, err.code) == ("authentication_error", "authentication_failed")
    assert "invalid" in err.detail


def test_missing_scope_is_named(sandbox: Any) -> None:
    read_only = sandbox.add_api_key(scopes=["replay_scanner:read"])
    with _client_for(sandbox, read_only) as client:
        assert client.scanners.list(limit=1) is not None
        with pytest.raises(PermissionDeniedError) as caught:
            client.scanners.create(
                name=unique_name(),
                scanner_type="monitor",
                scanner_config=MONITOR_CONFIG,
                model=DEFAULT_MODEL,
            )
    assert caught.value.status_code == 403
    assert caught.value.missing_scope == "replay_scanner:write"


def test_unknown_scanner_is_not_found(client: VisionClient) -> None:
    missing = str(uuid.uuid4())
    with pytest.raises(NotFoundError) as caught:
        client.scanners.retrieve(missing)
    assert (caught.value.status_code, caught.value.code) == (404, "not_found")
    with pytest.raises(NotFoundError):
        client.observations.list(missing)
    with pytest.raises(NotFoundError):
        client.observations.list("not-a-uuid")


def test_other_projects_scanner_is_not_found(sandbox: Any, client: VisionClient) -> None:
    other = VisionClient(
        base_url=sandbox.base_url,
        project_id=sandbox.other_project_id,
        api_key=sandbox.other_api_key,
    )
    with other:
        theirs = other.scanners.create(
            name=unique_name(),
            scanner_type="monitor",
            scanner_config=MONITOR_CONFIG,
            model=DEFAULT_MODEL,
        )
    with pytest.raises(NotFoundError):
        client.scanners.retrieve(theirs.id)


def test_duplicate_name_is_a_bad_request_on_the_name_field(client: VisionClient) -> None:
    name = unique_name()
    fields: dict[str, Any] = {
        "name": name,
        "scanner_type": "monitor",
        "scanner_config": MONITOR_CONFIG,
        "model": DEFAULT_MODEL,
    }
    client.scanners.create(**fields)
    with pytest.raises(BadRequestError) as caught:
        client.scanners.create(**fields)
    err = caught.value
    assert (err.status_code, err.type, err.attr) == (400, "validation_error", "name")
    assert err.detail == "A scanner with this name already exists in this team."


def test_invalid_filter_names_its_field(client: VisionClient) -> None:
    with pytest.raises(BadRequestError) as caught:
        client.scanners.list(scanner_type=["bogus"])
    assert caught.value.attr == "scanner_type"
    assert "bogus" in caught.value.detail


def test_quota_exhausted_is_a_quota_error() -> None:
    from vision_sandbox import Sandbox

    with Sandbox.start(seed="empty", monthly_quota=1, scan_delay=0.05, era="seed") as sb:
        client = VisionClient(base_url=sb.base_url, project_id=sb.project_id, api_key=sb.api_key)
        scanner = client.scanners.create(
            name=unique_name(),
            scanner_type="monitor",
            scanner_config=MONITOR_CONFIG,
            model=DEFAULT_MODEL,
        )
        # The quota counts queued and in-flight scans, so the second request is refused.
        client.scanners.observe(scanner.id, "session-one")
        with pytest.raises(QuotaExceededError) as caught:
            client.scanners.observe(scanner.id, "session-two")
    assert caught.value.status_code == 402
    assert caught.value.code == "quota_limit_exceeded"
    assert "quota" in caught.value.detail


def test_a_blocked_credit_limit_is_a_quota_error() -> None:
    from vision_sandbox import Sandbox

    with Sandbox.start(seed="empty", credit_limit=0, scan_delay=0.05, era="current") as sb:
        client = VisionClient(base_url=sb.base_url, project_id=sb.project_id, api_key=sb.api_key)
        scanner = client.scanners.create(
            name=unique_name(),
            scanner_type="monitor",
            scanner_config=MONITOR_CONFIG,
            model=DEFAULT_MODEL,
        )
        with pytest.raises(QuotaExceededError) as caught:
            client.scanners.observe(scanner.id, "session-one")
        assert client.quota.retrieve().exhausted
    assert (caught.value.status_code, caught.value.code) == (402, "quota_limit_exceeded")
    assert "limit" in caught.value.detail


def test_throttling_is_a_rate_limit_error_with_retry_after(
    client: VisionClient, sandbox: Any
) -> None:
    sandbox.faults.fail_next(1, status=429, path_contains="/scanners", retry_after=7)
    no_retries = _client_for(sandbox, sandbox.api_key, max_retries=0)
    with no_retries, pytest.raises(RateLimitError) as caught:
        no_retries.scanners.list()
    assert caught.value.status_code == 429
    assert caught.value.retry_after == 7.0
