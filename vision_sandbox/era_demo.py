"""What makes the demo dataset valid and lively in its era, applied once after seeding.

:mod:`.demo` seeds the seed era's world (its two models, no credit fields). For the current era
this moves scanners onto today's models (old snapshots keep the ids they ran with, as in
PostHog), re-estimates volumes with the 7-day window and sampling modes, and adds the credit era's
data: scanner tags, two per-scanner credit limits (one of them reached), and thumbs up/down labels
on some observations. Both eras get ``result_confidence`` filled from the stored results.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta

from . import credits
from .db import Database
from .eras import EraRules
from .estimate import estimate_volume
from .scan_model import unit
from .scanners import window_for
from .timeutil import from_iso, to_iso, utcnow

RETIRED_TO_CURRENT = {"gemini-3.1-flash-lite-preview": "gemini-3.5-flash-lite"}
CURRENT_SETTINGS: dict[str, dict[str, object]] = {
    "Checkout friction": {"tags": ["checkout", "revenue"]},
    "Rage clicks": {"tags": ["ux", "frustration"], "sampling_mode": "balanced"},
    "Session intent": {"tags": ["research"]},
    "UX quality": {"tags": ["ux"], "model": "gemini-3.8-flash"},
    "Session summaries": {"credit_limit": 5_000},
    "Pricing page confusion": {"tags": ["pricing"], "sampling_mode": "focused"},
}
# This scanner's credit limit is set to what it has already used: it shows "limit reached".
AT_LIMIT = "Rage clicks"
LABELLED = ("Checkout friction", "UX quality", "Session intent", "Rage clicks")
LABEL_SHARE = 0.15
DOWN_FEEDBACK = (
    "The user paid without trouble; the slow spinner was the page, not the form.",
    "Missed the declined card at the end of the session.",
    "Wrong category: they were comparing prices, not browsing.",
    "",
)


def apply(db: Database, rules: EraRules, project_id: int) -> None:
    """Adjust a freshly seeded demo database to ``rules``' era."""
    with db.write() as conn:
        conn.execute(
            "UPDATE observations SET result_confidence = "
            "json_extract(scanner_result, '$.model_output.confidence') "
            "WHERE scanner_result IS NOT NULL AND result_confidence IS NULL"
        )
    if rules.credit_era:
        _current(db, rules, project_id)


def _current(db: Database, rules: EraRules, project_id: int) -> None:
    now = utcnow()
    with db.write() as conn:
        for old, new in RETIRED_TO_CURRENT.items():
            conn.execute("UPDATE scanners SET model = ? WHERE model = ?", (new, old))
        for name, settings in CURRENT_SETTINGS.items():
            for column, value in settings.items():
                stored = json.dumps(value) if column == "tags" else value
                conn.execute(
                    f"UPDATE scanners SET {column} = ? WHERE project_id = ? AND name = ?",
                    (stored, project_id, name),
                )
        for row in conn.execute("SELECT * FROM scanners").fetchall():
            query = json.loads(row["query"])
            volume = estimate_volume(
                conn,
                row["project_id"],
                query,
                row["sampling_rate"],
                window_days=window_for(rules, query),
                sampling_mode=row["sampling_mode"],
            )
            conn.execute(
                "UPDATE scanners SET estimated_monthly_observations = ? WHERE id = ?",
                (volume.per_month, row["id"]),
            )
        at_limit = conn.execute(
            "SELECT id FROM scanners WHERE project_id = ? AND name = ?", (project_id, AT_LIMIT)
        ).fetchone()
        if at_limit is not None:
            spent = credits.usage(conn, now, scanner_ids=[at_limit["id"]]).get(at_limit["id"])
            limit = max(1, spent.against_limit if spent else 0)
            conn.execute(
                "UPDATE scanners SET credit_limit = ? WHERE id = ?", (limit, at_limit["id"])
            )
        _labels(conn, project_id, now)


def _labels(conn: sqlite3.Connection, project_id: int, now: datetime) -> None:
    """Label about one in seven succeeded observations of a few scanners, mostly thumbs up."""
    marks = ", ".join("?" * len(LABELLED))
    rows = conn.execute(
        "SELECT o.pk, o.id, o.created_at FROM observations o JOIN scanners s "
        f"ON s.id = o.scanner_id WHERE s.project_id = ? AND s.name IN ({marks}) "
        "AND o.status = 'succeeded'",
        (project_id, *LABELLED),
    ).fetchall()
    updates = []
    for row in rows:
        if unit("label", row["id"]) >= LABEL_SHARE:
            continue
        is_correct = unit("verdict", row["id"]) < 0.78
        feedback = (
            ""
            if is_correct
            else DOWN_FEEDBACK[int(unit("feedback", row["id"]) * len(DOWN_FEEDBACK))]
        )
        rated = from_iso(row["created_at"]) + timedelta(hours=1 + 40 * unit("when", row["id"]))
        updates.append((int(is_correct), feedback, to_iso(min(rated, now)), row["pk"]))
    conn.executemany(
        "UPDATE observations SET label_is_correct = ?, label_feedback = ?, label_updated_at = ? "
        "WHERE pk = ?",
        updates,
    )
