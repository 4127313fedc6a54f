"""Unit tests for vision_console.estimate.filters: the recordings section's label."""

from __future__ import annotations

from typing import Any

import pytest

from vision_console.estimate import filters


@pytest.mark.parametrize(
    ("query", "summary"),
    [
        ({}, "all recordings · with test accounts"),
        ({"filter_test_accounts": True}, "all recordings · without test accounts"),
        (
            {
                "operand": "OR",
                "having_predicates": [
                    {"key": "duration", "type": "recording", "operator": "gt", "value": 15},
                    {"key": "duration", "type": "recording", "operator": "lt", "value": 600},
                    {"key": "active_seconds", "type": "recording", "operator": "gt", "value": 2.5},
                ],
                "events": [
                    {"id": "$pageview", "name": "$pageview", "type": "events"},
                    {"id": "$rageclick", "name": "$rageclick", "type": "events"},
                ],
                "properties": [
                    {"key": "$browser", "type": "event", "operator": "exact", "value": ["Safari"]}
                ],
            },
            "duration 15–600 s · active > 2.5 s · 2 events · 1 property filter · any may match"
            " · with test accounts",
        ),
        (
            {
                "console_log_filters": [
                    {
                        "key": "level",
                        "type": "log_entry",
                        "operator": "exact",
                        "value": ["error", "warn"],
                    }
                ],
                "date_from": "-7d",
                "kind": "RecordingsQuery",
                "person_uuid": "x",
                "actions": [],
            },
            "console error/warn · 2 other filters · with test accounts · its dates are ignored",
        ),
    ],
)
def test_query_label_summarises_in_plain_words(query: dict[str, Any], summary: str) -> None:
    assert filters.query_label(query) == f"Recordings filter · {summary}"


def test_query_label_names_no_user_text_and_flags_a_rejected_edit() -> None:
    hostile = "[click](https://evil.example) :red[boo] $x$"
    query = {
        "events": [{"id": hostile, "name": hostile, "type": "events"}],
        "properties": [
            {"key": "email", "type": "person", "operator": "icontains", "value": hostile}
        ],
        hostile: 1,
    }
    label = filters.query_label(query, rejected_edit=True)
    assert label == (
        "Recordings filter · 1 event · 1 property filter · 1 other filter · with test accounts"
        " · last edit not applied"
    )
