"""Helpers for the sandbox's over-HTTP tests: a thin ``requests`` wrapper and row builders."""

from __future__ import annotations

import itertools
import json
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from vision_sandbox import Sandbox
from vision_sandbox.eras import EraRules, rules_for
from vision_sandbox.observations import Filter, build_filter, snapshot_id

_names = itertools.count()


class Api:
    """Requests against one project of a sandbox, authenticated with one key."""

    def __init__(self, sb: Sandbox, key: str | None = None, project_id: int | None = None) -> None:
        self.sb = sb
        self.session = requests.Session()
        self.key = sb.api_key if key is None else key
        self.project_id = sb.project_id if project_id is None else project_id

    @property
    def base(self) -> str:
        return f"{self.sb.base_url}/api/projects/{self.project_id}/vision/scanners/"

    def request(self, method: str, path: str = "", **kwargs: Any) -> requests.Response:
        headers = kwargs.pop("headers", {})
        if self.key:
            headers.setdefault("Authorization", f"Bearer {self.key}")
        return self.session.request(method, self.base + path, headers=headers, timeout=10, **kwargs)

    def get(self, path: str = "", **params: Any) -> requests.Response:
        return self.request("GET", path, params=params)

    def post(self, path: str = "", body: Any = None, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, json=body, **kwargs)

    def patch(self, path: str, body: Any) -> requests.Response:
        return self.request("PATCH", path, json=body)

    def delete(self, path: str) -> requests.Response:
        return self.request("DELETE", path)

    def create(self, **overrides: Any) -> dict[str, Any]:
        """Create a scanner (a monitor unless told otherwise) and return it."""
        body = scanner_body(**overrides)
        response = self.post("", body)
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    def wait_for_observation(
        self, scanner_id: str, session_id: str, until: Callable[[dict[str, Any]], bool]
    ) -> dict[str, Any]:
        """Poll the list by session until ``until(observation)`` holds (10 s cap)."""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            results = self.get(f"{scanner_id}/observations/", session_id=session_id).json()
            if results["results"] and until(results["results"][0]):
                found: dict[str, Any] = results["results"][0]
                return found
            time.sleep(0.02)
        raise AssertionError(f"observation for {session_id} never reached the expected state")


def unique_name(prefix: str = "test") -> str:
    return f"{prefix} {next(_names)} {uuid.uuid4().hex[:6]}"


def scanner_body(**overrides: Any) -> dict[str, Any]:
    """A valid create body; ``scanner_type`` picks a matching default config."""
    scanner_type = overrides.get("scanner_type", "monitor")
    configs: dict[str, dict[str, Any]] = {
        "monitor": {"prompt": "Did the user hit an error?"},
        "classifier": {"prompt": "Why did they come?", "tags": ["alpha", "beta", "gamma"]},
        "scorer": {"prompt": "How smooth was it?", "scale": {"min": 1, "max": 10, "label": "UX"}},
        "summarizer": {"prompt": "Summarise the session.", "length": "short"},
    }
    body = {
        "name": unique_name(scanner_type),
        "scanner_type": scanner_type,
        "scanner_config": configs.get(scanner_type, configs["monitor"]),
        "model": "gemini-3-flash-preview",
    }
    body.update(overrides)
    return body


def assert_error(
    response: requests.Response,
    status: int,
    *,
    detail: str | None = None,
    attr: str | object | None = ...,
    code: str | None = None,
    error_type: str | None = None,
) -> dict[str, Any]:
    """The response is a contract-shaped error with the given fields."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == {"type", "code", "detail", "attr"}, body
    if detail is not None:
        assert body["detail"] == detail
    if attr is not ...:
        assert body["attr"] == attr
    if code is not None:
        assert body["code"] == code
    if error_type is not None:
        assert body["type"] == error_type
    return body


def insert_observations(sb: Sandbox, scanner_id: str, rows: list[dict[str, Any]]) -> list[str]:
    """Hand-build observations for ``scanner_id`` straight into the sandbox's database.

    Each row may set status, score, verdict, tags, freeform, created_at, session_id, triggered_by,
    version, model (snapshot), email, confidence, started_at, backfill_id, output (extra
    model_output keys) and label (``(is_correct, feedback, rated_at)``). Returns the new ids.
    """
    ids: list[str] = []
    with sb.db.write() as conn:
        scanner = conn.execute("SELECT * FROM scanners WHERE id = ?", (scanner_id,)).fetchone()
        for index, row in enumerate(rows):
            snapshot = {"name": scanner["name"], "scanner_version": row.get("version", 1)}
            if "model" in row:
                snapshot["model"] = row["model"]
            snap = snapshot_id(conn, snapshot)
            status = row.get("status", "succeeded")
            output: dict[str, Any] = {"scanner_type": scanner["scanner_type"], "confidence": 0.9}
            if "score" in row:
                output["score"] = row["score"]
            if "verdict" in row:
                output["verdict"] = row["verdict"]
            output["tags"] = row.get("tags", [])
            output["tags_freeform"] = row.get("freeform", [])
            output.update(row.get("output", {}))
            label = row.get("label")
            obs_id = str(uuid.uuid4())
            ids.append(obs_id)
            in_flight = status in ("pending", "running")
            cursor = conn.execute(
                "INSERT INTO observations (id, project_id, scanner_id, session_id, status, "
                "snapshot_id, scanner_result, triggered_by, created_at, result_verdict, "
                "result_score, scanner_version, completed_at, recording_subject_email, "
                "result_confidence, started_at, backfill_id, label_is_correct, label_feedback, "
                "label_updated_at, workflow_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    obs_id,
                    scanner["project_id"],
                    scanner_id,
                    row.get("session_id", f"hand-{index}-{uuid.uuid4().hex[:8]}"),
                    status,
                    snap,
                    json.dumps({"model_output": output, "signals_count": 0}),
                    row.get("triggered_by", "schedule"),
                    row.get("created_at", "2030-01-01T00:00:00.000000Z"),
                    row.get("verdict"),
                    row["score"] if isinstance(row.get("score"), int | float) else None,
                    row.get("version", 1),
                    None if in_flight else "2030-01-01T00:01:00.000000Z",
                    row.get("email"),
                    row.get("confidence"),
                    row.get("started_at"),
                    row.get("backfill_id"),
                    None if label is None else int(label[0]),
                    None if label is None else label[1],
                    None if label is None else label[2],
                    row.get("workflow_id", ""),
                ),
            )
            for tag in row.get("tags", []):
                conn.execute(
                    "INSERT INTO observation_tags VALUES (?, ?, ?, 0)",
                    (scanner_id, tag, cursor.lastrowid),
                )
            for tag in row.get("freeform", []):
                conn.execute(
                    "INSERT INTO observation_tags VALUES (?, ?, ?, 1)",
                    (scanner_id, tag, cursor.lastrowid),
                )
    return ids


def rows_with_ties_and_gaps() -> list[dict[str, object]]:
    """Scores and times that repeat (the id breaks ties), rows without a score or a start
    (the null run), in-flight rows without a completion, two versions."""
    rows: list[dict[str, object]] = []
    for n in range(9):
        rows.append(
            {
                "score": n % 3,
                "started_at": now_iso(minutes=n // 2),
                "created_at": now_iso(hours=n % 4),
                "version": 1 + n % 2,
            }
        )
    rows += [{"status": "failed"}, {"status": "running"}, {"status": "ineligible"}]
    return rows


LISTED_ORDERS = (
    "created_at",
    "started_at",
    "completed_at",
    "result_score",
    "status",
    "scanner_version",
)
"""The list orders the explorer offers on ``rows_with_ties_and_gaps`` (ties, NULLs, versions)."""


Listed = tuple[sqlite3.Connection, Filter, EraRules]
"""A listed scanner's connection, the filter listing its rows, and its era's rules."""


def listed_scanner(api: Api, era: str = "current") -> Listed:
    """A new scanner holding ``rows_with_ties_and_gaps``, the filter listing all of its rows
    and ``era``'s rules (where rows without a value sort)."""
    scanner = api.create()
    insert_observations(api.sb, scanner["id"], rows_with_ties_and_gaps())
    rules = rules_for(era)
    return api.sb.db.conn(), build_filter(scanner["id"], {}, rules), rules


@pytest.fixture(params=["current", "seed"])
def any_era_listed(request: pytest.FixtureRequest) -> Listed:
    """``listed_scanner`` on each era's sandbox in turn (the eras place rows without a value
    differently)."""
    api: Api = request.getfixturevalue("api" if request.param == "current" else "seed_api")
    return listed_scanner(api, request.param)


@contextmanager
def recorded_sql(conn: sqlite3.Connection) -> Iterator[list[str]]:
    """Every statement ``conn`` runs inside the block, in order (to check SQLite's plans)."""
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    try:
        yield statements
    finally:
        conn.set_trace_callback(None)


@dataclass(frozen=True)
class Plan:
    """SQLite's query plan for one statement: ``(id, parent, _, detail)`` steps."""

    steps: list[tuple[Any, ...]]

    @property
    def text(self) -> str:
        """Every step's detail, in order."""
        return " ".join(str(step[3]) for step in self.steps)

    @property
    def walk(self) -> str:
        """The steps under another step: a subquery's, such as the list's walk to its page
        (the outer query then reads only the page's own rows)."""
        return " ".join(str(step[3]) for step in self.steps if step[1] != 0)


def plan_of(conn: sqlite3.Connection, sql: str) -> Plan:
    """The plan SQLite picks for ``sql`` (a statement taken from ``recorded_sql``)."""
    return Plan([tuple(step) for step in conn.execute(f"EXPLAIN QUERY PLAN {sql}")])


def now_iso(**ago: float) -> str:
    """A timestamp ``ago`` (``days=``, ``hours=`` ...) before now, in the API's format."""
    return (datetime.now(UTC) - timedelta(**ago)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def add_recording(sb: Sandbox, days_ago: float, **features: Any) -> str:
    """Insert one recording into the sandbox's first project; returns its session id."""
    start = (datetime.now(UTC) - timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    row = {
        "session_id": f"rec-{uuid.uuid4().hex}",
        "project_id": sb.project_id,
        "start_time": start,
        "duration": 120.0,
        "active_seconds": 60.0,
        "start_url": "https://shop.example.com/",
        "browser": "Chrome",
        "os": "Mac OS X",
        "country": "US",
        "distinct_id": "person-1",
        "person_email": "someone@example.org",
        "event_count": 5,
        "console_error_count": 0,
        "console_warn_count": 0,
        "console_log_count": 0,
        "is_test_account": 0,
    }
    events = features.pop("events", ["$pageview"])
    row.update(features)
    with sb.db.write() as conn:
        conn.execute(
            f"INSERT INTO recordings ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
            list(row.values()),
        )
        conn.executemany(
            "INSERT INTO recording_events VALUES (?, ?, 1)",
            [(row["session_id"], e) for e in events],
        )
    return str(row["session_id"])


@pytest.fixture
def api(sandbox: Sandbox) -> Iterator[Api]:
    """Requests against the shared demo sandbox with the demo key."""
    client = Api(sandbox)
    yield client
    client.session.close()


@pytest.fixture
def empty_api(empty_sandbox: Sandbox) -> Iterator[Api]:
    """Requests against a fresh empty current-era sandbox."""
    client = Api(empty_sandbox)
    yield client
    client.session.close()


@pytest.fixture
def seed_api(seed_sandbox: Sandbox) -> Iterator[Api]:
    """Requests against the shared seed-era demo sandbox."""
    client = Api(seed_sandbox)
    yield client
    client.session.close()


@pytest.fixture
def any_api(any_era_sandbox: Sandbox) -> Iterator[Api]:
    """Requests against the shared demo sandbox of each era in turn."""
    client = Api(any_era_sandbox)
    yield client
    client.session.close()


@pytest.fixture
def empty_seed_api() -> Iterator[Api]:
    """Requests against a fresh empty seed-era sandbox."""
    with Sandbox.start(seed="empty", scan_delay=0.05, era="seed") as sb:
        client = Api(sb)
        yield client
        client.session.close()


@pytest.fixture(params=["current", "seed"])
def any_empty_api(request: pytest.FixtureRequest) -> Iterator[Api]:
    """Requests against a fresh empty sandbox of each era in turn."""
    with Sandbox.start(seed="empty", scan_delay=0.05, era=request.param) as sb:
        client = Api(sb)
        yield client
        client.session.close()
