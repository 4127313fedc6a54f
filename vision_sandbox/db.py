"""SQLite access: one connection per thread in WAL mode, writes serialised by a lock.

The API serves requests on a thread pool and the scan worker writes from its own thread; WAL lets
readers run while a writer commits, and the process-wide lock keeps writers from meeting
``SQLITE_BUSY``.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .catalog import credits_per_observation
from .sampling import surfacing_score
from .schema import ADDED_COLUMNS, INDEXES, SCHEMA


class Database:
    """A SQLite database file shared by the sandbox's threads."""

    def __init__(self, path: Path, *, with_indexes: bool = True) -> None:
        self.path = path
        self._local = threading.local()
        self._write_lock = threading.RLock()
        self._all: list[sqlite3.Connection] = []
        self._all_lock = threading.Lock()
        conn = self.conn()
        conn.executescript(SCHEMA)
        _add_missing_columns(conn)
        if with_indexes:
            conn.executescript(INDEXES)
            _analyze_new_indexes(conn)

    def conn(self) -> sqlite3.Connection:
        """This thread's connection (autocommit; use :meth:`write` for transactions)."""
        existing: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if existing is not None:
            return existing
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=10000")
        conn.execute("PRAGMA cache_size=-65536")
        # Pricing and the surfacing score are needed inside SQL (sums, sampling-mode filters).
        conn.create_function("vision_credits", 1, _credits, deterministic=True)
        conn.create_function("surfacing_score", 4, surfacing_score, deterministic=True)
        self._local.conn = conn
        with self._all_lock:
            self._all.append(conn)
        return conn

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: committed on success, rolled back on any exception."""
        with self._write_lock:
            conn = self.conn()
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: every statement inside sees the same committed rows, so a count
        and the page it sizes agree while scans write (WAL readers never block writers)."""
        conn = self.conn()
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            conn.execute("COMMIT")

    def get_meta(self, key: str) -> str | None:
        """A value from the ``meta`` table (e.g. the seed marker)."""
        row = self.conn().execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def close(self) -> None:
        """Close every thread's connection."""
        with self._all_lock:
            for conn in self._all:
                try:
                    conn.close()
                except sqlite3.ProgrammingError:
                    continue
            self._all.clear()
        self._local = threading.local()


def _credits(model: object) -> int:
    """SQL ``vision_credits(model)``: one observation's price; unknown or NULL ids bill highest."""
    return credits_per_observation(model if isinstance(model, str) else "")


def _add_missing_columns(conn: sqlite3.Connection) -> None:
    """Bring a database file created before a column existed up to the current schema."""
    for table, column, declaration in ADDED_COLUMNS:
        present = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        if column not in present:
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")


def _analyze_new_indexes(conn: sqlite3.Connection) -> None:
    """Statistics for indexes added to a database analysed before they existed.

    A bulk database is analysed once it is filled (``bulk.add_bulk_observations``). An index a
    later version adds has no statistics there, and SQLite's planner then took it even for the
    order it does not give: newest first read a page deep in a million rows through the
    oldest-first index and sorted every row before it (0.3 s instead of 45 ms).
    """
    analysed = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'"
    ).fetchone()
    if analysed is None:
        return
    known = {row[0] for row in conn.execute("SELECT DISTINCT idx FROM sqlite_stat1")}
    indexes = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    ).fetchall()
    for (name,) in indexes:
        if name not in known:
            conn.execute(f'ANALYZE "{name}"')
