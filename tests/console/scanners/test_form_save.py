"""When an edit must stop and ask: the stored scanner moved since the form opened."""

from __future__ import annotations

from typing import Any

from vision_api import Scanner
from vision_console.scanners.form_save import find_conflict

OPENED: dict[str, Any] = {
    "id": "0b7c2d4e-0000-4000-8000-000000000001",
    "name": "Checkout errors",
    "description": "Old",
    "scanner_type": "monitor",
    "scanner_config": {"prompt": "Did it fail?"},
    "query": {},
    "sampling_rate": 0.5,
    "provider": "google",
    "model": "gemini-3-flash-preview",
    "enabled": True,
    "emits_signals": False,
    "scanner_version": 2,
    "created_at": "2026-11-01T10:00:00Z",
}


def live(**changes: Any) -> Scanner:
    return Scanner.from_dict({**OPENED, **changes})


OPENED_SCANNER = live()


def test_nothing_moved_means_no_conflict():
    assert find_conflict(OPENED_SCANNER, live(), {"description": "New"}, 2) is None


def test_a_moved_version_stops_the_save_and_names_what_moved():
    conflict = find_conflict(
        OPENED_SCANNER,
        live(scanner_config={"prompt": "Other"}, scanner_version=3),
        {"sampling_rate": 1},
        2,
    )
    assert conflict is not None
    assert (conflict.opened_version, conflict.live_version) == (2, 3)
    assert conflict.moved_fields == ["scanner_config"]
    assert conflict.changes == {"sampling_rate": 1}
    assert conflict.live.scanner_config == {"prompt": "Other"}


def test_an_untracked_field_changed_by_both_is_a_conflict_without_a_version_bump():
    conflict = find_conflict(OPENED_SCANNER, live(description="Theirs"), {"description": "Mine"}, 2)
    assert conflict is not None and conflict.moved_fields == ["description"]


def test_an_untracked_field_changed_only_elsewhere_is_not_a_conflict():
    changes = {"description": "Mine"}
    assert find_conflict(OPENED_SCANNER, live(name="Renamed"), changes, 2) is None
