"""The sandbox's database file across versions: what opening an older file brings up to date."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from vision_sandbox.db import Database


def _analysed_indexes(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {row[0] for row in conn.execute("SELECT DISTINCT idx FROM sqlite_stat1")}


def test_an_analysed_file_gets_statistics_for_an_index_added_since(tmp_path: Path) -> None:
    """A bulk database is analysed once filled; an index a later version adds has no
    statistics there, and SQLite's planner then picked it for an order it does not give (a
    page deep in a million rows sorted every row before it). Opening the file analyses it."""
    path = tmp_path / "sandbox.sqlite3"
    Database(path).close()
    with sqlite3.connect(path) as conn:  # foreign keys off: a row without its recording
        conn.execute("INSERT INTO recording_events VALUES ('session', '$pageview', 3)")
        conn.execute("ANALYZE")
        conn.execute("DELETE FROM sqlite_stat1 WHERE idx = 'recording_events_event'")
    assert "recording_events_event" not in _analysed_indexes(path)

    Database(path).close()

    assert "recording_events_event" in _analysed_indexes(path)


def test_a_file_never_analysed_is_left_to_the_planner_defaults(tmp_path: Path) -> None:
    """Only a file someone analysed gets statistics on open: a small demo file opens as fast
    as ever, with no ``sqlite_stat1`` table created for it."""
    path = tmp_path / "sandbox.sqlite3"
    Database(path).close()
    Database(path).close()
    with sqlite3.connect(path) as conn:
        found = conn.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        assert found.fetchone() is None
