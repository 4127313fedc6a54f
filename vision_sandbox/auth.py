"""Personal API keys: who is calling, on which projects, with which scopes (contract §1.2-§1.3).

Keys are stored only as SHA-256 digests, so the database never holds a usable secret.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from .catalog import SCOPES
from .db import Database
from .errors import authentication_failed, not_authenticated, permission_denied

PROJECT_DENIED = "You don't have access to the project."


@dataclass(frozen=True)
class Caller:
    """An authenticated key: its user, scopes and projects."""

    user_id: int
    scopes: frozenset[str]
    project_ids: frozenset[int]
    key_hash: str = ""


def digest(key: str) -> str:
    """The stored form of a key."""
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> str:
    """A fresh random personal API key."""
    return "phx_" + secrets.token_urlsafe(30)


def store_key(
    db: Database, key: str, user_id: int, scopes: Sequence[str], project_ids: Sequence[int]
) -> None:
    """Register ``key`` for ``user_id`` (replacing any key with the same value)."""
    with db.write() as conn:
        conn.execute(
            "INSERT OR REPLACE INTO api_keys (key_hash, user_id, scopes, project_ids) "
            "VALUES (?, ?, ?, ?)",
            (digest(key), user_id, json.dumps(sorted(scopes)), json.dumps(list(project_ids))),
        )


def authenticate(db: Database, authorization: str | None) -> Caller:
    """Resolve the ``Authorization`` header to a caller, or raise the contract's 401."""
    if not authorization:
        raise not_authenticated()
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise not_authenticated()
    row = (
        db.conn()
        .execute(
            "SELECT user_id, scopes, project_ids FROM api_keys WHERE key_hash = ?",
            (digest(token.strip()),),
        )
        .fetchone()
    )
    if row is None:
        raise authentication_failed()
    scopes = frozenset(json.loads(row["scopes"]))
    if "*" in scopes:
        scopes = frozenset(SCOPES)
    projects = frozenset(json.loads(row["project_ids"]))
    return Caller(row["user_id"], scopes, projects, digest(token.strip()))


def has_scope(scopes: frozenset[str], required: str) -> bool:
    """PostHog's rule: a ``:write`` scope also grants ``:read``; a key with no scopes at all
    (a legacy key) is not scope-limited."""
    if not scopes or required in scopes:
        return True
    return required.endswith(":read") and required[: -len("read")] + "write" in scopes


def authorize(caller: Caller, project_id: int, required: Sequence[str]) -> None:
    """Raise 403 naming the first missing scope, or when the key cannot reach the project."""
    for scope in required:
        if not has_scope(caller.scopes, scope):
            raise permission_denied(f"API key missing required scope '{scope}'")
    if project_id not in caller.project_ids:
        raise permission_denied(PROJECT_DENIED)
