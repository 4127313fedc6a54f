"""A tiny Vision API that answers with damaged data: the bad-data tests point the console at it.

It serves every read the console makes (scanner list, stats, creators, one scanner, observation
lists, stats and details, the estimate) from one set of well-formed documents, then damages them
according to the active ``variant``:

* ``sparse``  - every optional field left out;
* ``nulls``   - every optional field null;
* ``unknown`` - enum values and fields this console has never heard of (a new scanner type,
  observation status, verdict, trigger, model, sampling mode);
* ``huge``    - 100,000-character names, prompts and reasoning, Markdown and HTML in them,
  hundreds of tags;
* ``not_json`` - a 200 with an HTML body (a proxy's login page, say);
* ``wrong_shape`` - JSON, but lists where objects belong and text where numbers belong.

The first four are valid by the API's contract (pages must show what they can); the last two
are not (pages must say the answer was not understood).
"""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

PROJECT_ID = 1
API_KEY = "phx_stub_key_for_bad_data_tests"
VARIANTS = ("sparse", "nulls", "unknown", "huge", "not_json", "wrong_shape")
CONTRACT_VALID = ("sparse", "nulls", "unknown", "huge")
HUGE = 100_000
NASTY = "**bold** <script>alert(1)</script> [link](javascript:alert(1)) $x$ :red[red] "

Doc = dict[str, Any]

# Required fields per document kind (the client's models fail without them); everything else
# is optional and may be missing or null.
REQUIRED = {
    "user": {"id"},
    "scanner": {
        "id",
        "name",
        "scanner_type",
        "sampling_rate",
        "model",
        "enabled",
        "scanner_version",
        "created_at",
    },
    "observation": {"id", "scanner_id", "status", "created_at"},
    "obs_stats": {"status_counts", "coverage"},
    "status_counts": {"total"},
    "scanner_stats": {"total", "enabled"},
    "estimate": {"matched_sessions_in_window", "window_days", "estimated_observations_per_month"},
}

TYPES = ("monitor", "classifier", "scorer", "summarizer")
SCANNER_IDS = {kind: f"5ca00000-0000-4000-8000-00000000000{i}" for i, kind in enumerate(TYPES)}
UNKNOWN_TYPE_ID = "5ca00000-0000-4000-8000-0000000000ff"
CREATED = "2026-11-01T10:00:00.000000Z"


def _user(uid: int) -> Doc:
    return {
        "id": uid,
        "uuid": f"0190a000-0000-7000-8000-00000000000{uid}",
        "distinct_id": f"user-{uid}",
        "first_name": f"First{uid}",
        "last_name": f"Last{uid}",
        "email": f"user{uid}@example.com",
        "is_email_verified": True,
        "role_at_organization": "engineering",
    }


CONFIGS: dict[str, Doc] = {
    "monitor": {"prompt": "Did checkout fail?", "allow_inconclusive": True},
    "classifier": {"prompt": "How did it end?", "tags": ["done", "lost"], "multi_label": False},
    "scorer": {"prompt": "How smooth was it?", "scale": {"min": 0, "max": 10, "label": "Ease"}},
    "summarizer": {"prompt": "Summarise the session.", "length": "short"},
}
OUTPUTS: dict[str, Doc] = {
    "monitor": {"verdict": "yes", "confidence": 0.9, "reasoning": "The card was declined."},
    "classifier": {"tags": ["done"], "tags_freeform": ["fast"], "reasoning": "Finished."},
    "scorer": {"score": 7, "label": "Ease", "reasoning": "Mostly smooth."},
    "summarizer": {"title": "Quick visit", "summary": "Looked at pricing, left."},
}
TYPE_STATS: dict[str, Doc] = {
    "monitor": {"monitor": {"yes_total": 1, "no_total": 1, "inconclusive_total": 0}},
    "classifier": {
        "classifier": {
            "fixed_ranked": [{"tag": "done", "count": 1}],
            "freeform_ranked": [{"tag": "fast", "count": 1}],
            "total_with_tags": 1,
        }
    },
    "scorer": {
        "scorer": {
            "summary": {
                "min": 7.0,
                "p25": 7.0,
                "median": 7.0,
                "mean": 7.0,
                "p75": 7.0,
                "max": 7.0,
                "count": 1,
            },
            "histogram": {"labels": ["0–4", "5–9", "10–10"], "counts": [0, 1, 0]},
        }
    },
    "summarizer": {},
}


def scanner_doc(kind: str) -> Doc:
    return {
        "id": SCANNER_IDS[kind],
        "name": f"Stub {kind}",
        "description": f"A {kind} served by the stub.",
        "scanner_type": kind,
        "scanner_config": copy.deepcopy(CONFIGS[kind]),
        "query": {"filter_test_accounts": True},
        "sampling_rate": 0.5,
        "provider": "google",
        "model": "gemini-3-flash-preview",
        "enabled": True,
        "emits_signals": False,
        "scanner_version": 1,
        "estimated_monthly_observations": 100,
        "credits_per_observation": 5,
        "estimated_monthly_credits": 500,
        "last_swept_at": CREATED,
        "created_at": CREATED,
        "updated_at": CREATED,
        "created_by": _user(1),
    }


def observation_doc(kind: str, index: int) -> Doc:
    succeeded = index == 0
    return {
        "id": f"0b5e0000-0000-4000-8000-0000000{TYPES.index(kind)}000{index}",
        "scanner_id": SCANNER_IDS[kind],
        "session_id": f"session-{kind}-{index}",
        "status": "succeeded" if succeeded else "failed",
        "error_reason": "" if succeeded else "model_error: the model timed out",
        "workflow_id": f"wf-{kind}-{index}",
        "scanner_snapshot": {
            "name": f"Stub {kind}",
            "scanner_type": kind,
            "scanner_version": 1,
            "model": "gemini-3-flash-preview",
            "provider": "google",
            "emits_signals": False,
            "scanner_config": copy.deepcopy(CONFIGS[kind]),
        },
        "scanner_result": (
            {
                "model_output": {"scanner_type": kind, **copy.deepcopy(OUTPUTS[kind])},
                "signals_count": 0,
            }
            if succeeded
            else None
        ),
        "triggered_by": "schedule",
        "triggered_by_user": None,
        "started_at": CREATED,
        "completed_at": CREATED,
        "created_at": f"2026-11-2{index}T10:00:00.000000Z",
        "distinct_id": f"person-{index}",
        "recording_subject_email": f"person{index}@example.org",
        "previous_observation_id": None,
        "next_observation_id": None,
    }


def obs_stats_doc(kind: str) -> Doc:
    base: Doc = {
        "status_counts": {
            "total": 2,
            "succeeded": 1,
            "failed": 1,
            "ineligible": 0,
            "in_flight": 0,
            "success_rate": 50,
        },
        "coverage": {"recent_sessions": 2, "total_sessions": 2, "recent_days": 14},
        "available_tags": ["done", "fast"] if kind == "classifier" else [],
        "monitor": None,
        "classifier": None,
        "scorer": None,
    }
    base.update(copy.deepcopy(TYPE_STATS[kind]))
    return base


# --- damage ----------------------------------------------------------------------------------


def _strip(doc: Doc, kind: str, replace_with_null: bool) -> Doc:
    """Drop (or null) every optional field of a document and of the documents it embeds."""
    required = REQUIRED[kind]
    out: Doc = {}
    for key, value in doc.items():
        if key in required:
            if kind == "obs_stats" and key == "status_counts":
                value = _strip(value, "status_counts", replace_with_null)
            elif kind == "obs_stats" and key == "coverage":
                value = {} if not replace_with_null else dict.fromkeys(value)
            out[key] = value
        elif replace_with_null:
            out[key] = None
    return out


def _unknown(doc: Doc, kind: str) -> Doc:
    out = copy.deepcopy(doc)
    out["field_from_the_future"] = {"nested": [1, 2, 3]}
    if kind == "scanner":
        out["model"] = "gpt-9-turbo"
        out["sampling_mode"] = "adaptive"
        out["provider"] = "someone-new"
    if kind == "observation":
        out["triggered_by"] = "webhook"
        if out.get("scanner_result"):
            out["scanner_result"]["model_output"]["verdict"] = "maybe"
            out["scanner_result"]["model_output"]["sentiment"] = "mixed"
        else:
            out["status"] = "queued"
    if kind == "obs_stats" and out.get("monitor"):
        out["monitor"]["maybe_total"] = 3
    return out


def _huge(doc: Doc, kind: str) -> Doc:
    out = copy.deepcopy(doc)
    long_text = (NASTY * (HUGE // len(NASTY) + 1))[:HUGE]
    if kind == "scanner":
        out["name"] = out["name"] + " " + long_text
        out["description"] = long_text
        out["scanner_config"]["prompt"] = long_text
        if "tags" in out["scanner_config"]:
            out["scanner_config"]["tags"] = [f"tag {i} {NASTY}" for i in range(300)]
    if kind == "observation":
        out["session_id"] = out["session_id"] + "-" + "x" * 5000
        out["error_reason"] = long_text if out["error_reason"] else ""
        if out.get("scanner_result"):
            output = out["scanner_result"]["model_output"]
            for field in ("reasoning", "summary", "title"):
                if field in output:
                    output[field] = long_text
            if "tags_freeform" in output:
                output["tags_freeform"] = [f"free {i} {NASTY}" for i in range(300)]
    if kind == "obs_stats":
        out["available_tags"] = [f"tag {i} {NASTY}" for i in range(300)]
        if out.get("classifier"):
            out["classifier"]["freeform_ranked"] = [
                {"tag": f"free {i} {NASTY}", "count": i} for i in range(300)
            ]
    if kind == "user":
        out["first_name"] = long_text
    return out


def damage(doc: Doc, kind: str, variant: str) -> Any:
    if variant == "sparse":
        return _strip(doc, kind, replace_with_null=False)
    if variant == "nulls":
        return _strip(doc, kind, replace_with_null=True)
    if variant == "unknown":
        return _unknown(doc, kind)
    if variant == "huge":
        return _huge(doc, kind)
    if variant == "wrong_shape":
        return [doc] if kind in ("scanner", "observation") else {**doc, "total": "many"}
    return doc


# --- routes ----------------------------------------------------------------------------------


def _page(items: list[Any], variant: str, limit: int | None = None) -> Any:
    """A list page; like the real API it honours ``limit`` (the client refuses extra rows)."""
    if variant == "wrong_shape":
        return {"count": "several", "results": {"first": items[:1]}}
    shown = items if limit is None else items[:limit]
    return {"count": len(items), "next": None, "previous": None, "results": shown}


def _scanners(variant: str) -> list[Doc]:
    docs = [damage(scanner_doc(kind), "scanner", variant) for kind in TYPES]
    if variant == "unknown":
        extra = scanner_doc("monitor")
        extra.update(
            id=UNKNOWN_TYPE_ID,
            name="Stub detector",
            scanner_type="detector",
            scanner_config={"prompt": "Anything odd?", "sensitivity": "high"},
        )
        docs.append(extra)
    return docs


def _kind_of(scanner_id: str) -> str:
    return next((k for k, v in SCANNER_IDS.items() if v == scanner_id), "monitor")


def respond(method: str, path: str, variant: str, limit: int | None = None) -> tuple[int, Any]:
    """(status, JSON body) for one request; 404 for anything the console should not ask."""
    root = f"/api/projects/{PROJECT_ID}/vision/scanners/"
    if not path.startswith(root):
        return 404, {"type": "invalid_request", "code": "not_found", "detail": "Not found."}
    rest = path[len(root) :].strip("/")
    parts = rest.split("/") if rest else []
    if method == "POST" and parts == ["estimate"]:
        estimate = {
            "matched_sessions_in_window": 900,
            "window_days": 30,
            "estimated_observations_per_month": 900,
            "other_enabled_scanners_monthly": 1200,
            "sampling_rate": 1.0,
            "credits_per_observation": 5,
            "estimated_credits_per_month": 4500,
            "other_enabled_scanners_monthly_credits": 6000,
        }
        return 200, damage(estimate, "estimate", variant)
    if method != "GET":
        return 405, {"type": "invalid_request", "code": "method_not_allowed", "detail": "No."}
    if not parts:
        return 200, _page(_scanners(variant), variant, limit)
    if parts == ["stats"]:
        stats = {
            "total": 4,
            "enabled": 4,
            "by_type": {kind: {"enabled": 1, "total": 1} for kind in TYPES},
        }
        return 200, damage(stats, "scanner_stats", variant)
    if parts == ["creators"]:
        users = [damage(_user(uid), "user", variant) for uid in (1, 2)]
        return 200, ({"creators": users} if variant != "wrong_shape" else {"creators": "all"})
    kind = _kind_of(parts[0])
    if len(parts) == 1:
        for kind_ in TYPES:
            if SCANNER_IDS[kind_] == parts[0]:
                return 200, damage(scanner_doc(kind_), "scanner", variant)
    if parts[1:] == ["observations"]:
        items = [damage(observation_doc(kind, i), "observation", variant) for i in range(2)]
        return 200, _page(items, variant, limit)
    if parts[1:] == ["observations", "stats"]:
        return 200, damage(obs_stats_doc(kind), "obs_stats", variant)
    if len(parts) == 3 and parts[1] == "observations":
        for i in range(2):
            doc = observation_doc(kind, i)
            if doc["id"] == parts[2]:
                return 200, damage(doc, "observation", variant)
    return 404, {"type": "invalid_request", "code": "not_found", "detail": "Not found."}


class StubAPI:
    """The stub on a free loopback port; ``variant`` may be changed between page loads."""

    def __init__(self) -> None:
        self.variant = "sparse"
        self.requests: list[tuple[str, str]] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                path = self.path.split("?", 1)[0]
                length = int(self.headers.get("content-length") or 0)
                if length:
                    self.rfile.read(length)
                stub.requests.append((self.command, path))
                if self.headers.get("authorization") != f"Bearer {API_KEY}":
                    self._send(401, b'{"detail": "Invalid token."}', "application/json")
                    return
                if stub.variant == "not_json":
                    page = b"<html><body><h1>Please sign in</h1></body></html>"
                    self._send(200, page, "text/html; charset=utf-8")
                    return
                limit = parse_qs(urlsplit(self.path).query).get("limit", [""])[0]
                status, body = respond(
                    self.command, path, stub.variant, int(limit) if limit.isdigit() else None
                )
                self._send(status, json.dumps(body).encode(), "application/json")

            def _send(self, status: int, body: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("content-type", content_type)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PATCH = do_DELETE = _answer

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # The console connects to it through secrets, like to the sandbox.
    @property
    def project_id(self) -> int:
        return PROJECT_ID

    @property
    def api_key(self) -> str:
        return API_KEY


@contextmanager
def running() -> Iterator[StubAPI]:
    stub = StubAPI()
    try:
        yield stub
    finally:
        stub.stop()
