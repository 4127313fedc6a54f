"""The sidebar's "Test connection": who and what is connected, or exactly what is wrong."""

from __future__ import annotations

from dataclasses import dataclass

from vision_api import (
    APIConnectionError,
    AuthenticationError,
    ConfigurationError,
    NotFoundError,
    PermissionDeniedError,
    VisionAPIError,
    VisionClient,
)


@dataclass(frozen=True)
class CheckResult:
    """The outcome of a connection test, as plain sentences (no secrets in them)."""

    ok: bool
    message: str
    field: str | None = None
    """The connect-form field a failure is about ("host", "project_id", "api_key")."""


def check_connection(client: VisionClient, host: str, project_id: int) -> CheckResult:
    """Probe read access to scanners, then to observations (which needs recording access).

    Uses only read endpoints, so a test never spends quota or changes anything.
    """
    where = f"project {project_id} at {host}"
    try:
        stats = client.scanners.stats()
        summary = f"{stats.total} scanners, {stats.enabled} enabled"
        first = client.scanners.list(limit=1).items
        if first:
            client.observations.list(first[0].id, limit=1)
    except AuthenticationError:
        return CheckResult(
            False,
            f"The API key was rejected by {host}. Check that it is a valid personal API key.",
            "api_key",
        )
    except PermissionDeniedError as exc:
        scope = getattr(exc, "missing_scope", None)
        if scope:
            return CheckResult(
                False, f"The API key is missing the scope '{scope}' for {where}.", "api_key"
            )
        return CheckResult(
            False,
            f"The API key has no access to {where}: check the project id, "
            "or use a key that is allowed on this project.",
            "project_id",
        )
    except NotFoundError:
        return CheckResult(
            False,
            f"No Replay Vision API for {where}: check the project id "
            "(and that Replay Vision is enabled for it).",
            "project_id",
        )
    except APIConnectionError:
        return CheckResult(
            False, f"{host} is unreachable. Check the host and your network.", "host"
        )
    except ConfigurationError as exc:  # the host policy refused an address after DNS
        return CheckResult(False, str(exc), "host")
    except VisionAPIError as exc:
        return CheckResult(False, f"The connection test failed: {type(exc).__name__}.", "host")
    return CheckResult(True, f"Connected to {where}: {summary}.")
