"""Users as the API shows them (UserBasic), looked up in batches."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

_COLUMNS = (
    "id, uuid, distinct_id, first_name, last_name, email, is_email_verified, role_at_organization"
)


def user_basic(row: sqlite3.Row) -> dict[str, Any]:
    """The UserBasic object for a ``users`` row."""
    verified = row["is_email_verified"]
    return {
        "id": row["id"],
        "uuid": row["uuid"],
        "distinct_id": row["distinct_id"],
        "first_name": row["first_name"],
        "last_name": row["last_name"],
        "email": row["email"],
        "is_email_verified": None if verified is None else bool(verified),
        "hedgehog_config": None,
        "role_at_organization": row["role_at_organization"],
    }


def users_by_id(conn: sqlite3.Connection, ids: Iterable[int | None]) -> dict[int, dict[str, Any]]:
    """UserBasic objects for ``ids`` (Nones skipped), in one query."""
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    placeholders = ", ".join("?" * len(wanted))
    rows = conn.execute(f"SELECT {_COLUMNS} FROM users WHERE id IN ({placeholders})", wanted)
    return {row["id"]: user_basic(row) for row in rows}


def insert_user(
    conn: sqlite3.Connection,
    user_id: int,
    first_name: str,
    last_name: str,
    email: str,
    role: str | None = None,
) -> None:
    """Add a user with a deterministic uuid and distinct_id."""
    conn.execute(
        f"INSERT OR IGNORE INTO users ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            user_id,
            f"0190a000-0000-7000-8000-{user_id:012d}",
            f"user-{user_id}",
            first_name,
            last_name,
            email,
            1,
            role,
        ),
    )
