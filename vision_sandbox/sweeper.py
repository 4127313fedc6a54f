"""The schedule: a thread that sweeps enabled scanners now and then, as PostHog's sweep does.

Each tick schedules a few scans in total (``per_minute`` on average across every project), so a
demo left open keeps producing observations without flooding the quota. A tick picks scanners at
random weighted by their expected monthly volume (matched sessions x sampling rate), and for each
the most recent recording that matches its query, passes the scan eligibility gate, falls in the
scanner's deterministic sample (a hash of scanner and session under the sampling rate) and has no
observation yet. Scans go through the :mod:`.worker` as jobs without a user, so they run the
same lifecycle as on-demand scans and read ``triggered_by: "schedule"``. Every tick moves the
enabled scanners' ``last_swept_at`` watermark to now.

A scanner's ``sampling_mode`` pre-filters its sessions as in the estimate. Like PostHog, a sweep
silently skips a scan its era's quota would refuse (the seed era's observation quota; the current
era's credit limit and the scanner's own); the sandbox also keeps :data:`ON_DEMAND_RESERVE` of
the project's quota free so "Scan now" still works in a demo left running.
"""

from __future__ import annotations

import json
import logging
import random
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from . import credits, quota
from .db import Database
from .errors import ApiError
from .estimate import WINDOW_DAYS
from .observe import observation_usage, workflow_id
from .recordings_query import compile_filters
from .sampling import mode_clause
from .scan_model import MAX_ACTIVE_S, MIN_ACTIVE_S, MIN_DURATION_S, unit
from .timeutil import to_iso, utcnow

_log = logging.getLogger(__name__)
DEFAULT_PER_MINUTE = 4.0
ON_DEMAND_RESERVE = 0.1


@dataclass(frozen=True)
class Scheduled:
    """One scan a tick queued."""

    project_id: int
    scanner_id: str
    session_id: str


def in_sample(scanner_id: str, session_id: str, sampling_rate: float) -> bool:
    """Whether the scanner's sample takes this session (stable for a given pair and rate)."""
    return unit("sample", scanner_id, session_id) < sampling_rate


class Sweeper:
    """Schedules scans for enabled scanners; :meth:`tick` is one sweep, the thread repeats it."""

    def __init__(
        self,
        db: Database,
        on_enqueue: Callable[[], None],
        interval: float | None = None,
        per_minute: float = DEFAULT_PER_MINUTE,
        seed: int | None = None,
        credit_era: bool = False,
    ) -> None:
        self._db = db
        self._credit_era = credit_era
        self._on_enqueue = on_enqueue
        self.interval = interval if interval and interval > 0 else None
        self._per_tick = per_minute * (self.interval or 60.0) / 60.0
        self._carry = 0.0
        self._rng = random.Random(seed)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sandbox-sweeper", daemon=True)

    def start(self) -> None:
        """Start sweeping every ``interval`` seconds (nothing happens when it is off)."""
        if self.interval is not None:
            self._thread.start()

    def stop(self) -> None:
        """Stop the thread and wait for it."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def _run(self) -> None:
        assert self.interval is not None
        while not self._stop.wait(self.interval):
            try:
                self.tick()
            except Exception:
                _log.exception("a scheduled sweep failed; the next one will try again")

    def _budget(self) -> int:
        """Scans this tick may queue: ``per_minute`` spread over ticks, fractions carried over."""
        self._carry += self._per_tick
        count = int(self._carry)
        self._carry -= count
        return count

    def tick(self, budget: int | None = None) -> list[Scheduled]:
        """Sweep once: queue up to ``budget`` scans (default: this tick's share of the rate)."""
        wanted = self._budget() if budget is None else budget
        now = utcnow()
        scheduled: list[Scheduled] = []
        with self._db.write() as conn:
            pool = conn.execute(
                "SELECT *, COALESCE(estimated_monthly_observations, 1) AS weight "
                "FROM scanners WHERE enabled = 1 AND sampling_rate > 0 ORDER BY id"
            ).fetchall()
            pool = [row for row in pool if row["weight"] > 0]
            while pool and len(scheduled) < wanted:
                row = self._rng.choices(pool, weights=[r["weight"] for r in pool])[0]
                if not self._reserve_free(conn, row["project_id"], now):
                    pool = [other for other in pool if other["project_id"] != row["project_id"]]
                    continue
                session_id = None
                try:
                    quota.check_observe(conn, row["project_id"], row, now, self._credit_era)
                    session_id = _next_session(conn, row, now)
                except ApiError:
                    pass
                if session_id is None:
                    pool.remove(row)
                    continue
                conn.execute(
                    "INSERT OR IGNORE INTO jobs (workflow_id, project_id, scanner_id, "
                    "session_id, user_id, created_at) VALUES (?, ?, ?, ?, NULL, ?)",
                    (
                        workflow_id(row["id"], session_id),
                        row["project_id"],
                        row["id"],
                        session_id,
                        to_iso(now),
                    ),
                )
                scheduled.append(Scheduled(row["project_id"], row["id"], session_id))
            conn.execute("UPDATE scanners SET last_swept_at = ? WHERE enabled = 1", (to_iso(now),))
        if scheduled:
            self._on_enqueue()
        return scheduled

    def _reserve_free(self, conn: sqlite3.Connection, project_id: int, now: datetime) -> bool:
        """The project's quota has more than the on-demand reserve left this month."""
        if self._credit_era:
            limit = credits.credit_limit(conn, project_id)
            room = quota.org_room(conn, project_id, now)
            return limit is None or room is None or room > limit * ON_DEMAND_RESERVE
        allowed = conn.execute(
            "SELECT monthly_quota FROM projects WHERE id = ?", (project_id,)
        ).fetchone()[0]
        used = observation_usage(conn, project_id, now)
        return bool(used < int(allowed) * (1 - ON_DEMAND_RESERVE))


def _next_session(conn: sqlite3.Connection, scanner: sqlite3.Row, now: datetime) -> str | None:
    """The most recent unobserved, eligible, sampled recording matching the scanner's query."""
    try:
        where, params = compile_filters(json.loads(scanner["query"]))
        mode_sql, mode_args = mode_clause(scanner["sampling_mode"] or "comprehensive")
        rows = conn.execute(
            "SELECT r.session_id FROM recordings r WHERE r.project_id = ? AND r.start_time >= ? "
            "AND r.duration >= ? AND r.active_seconds >= ? AND r.active_seconds <= ? "
            "AND r.event_count > 0 AND " + mode_sql + " AND " + where + " "
            "AND NOT EXISTS (SELECT 1 FROM observations o "
            "WHERE o.scanner_id = ? AND o.session_id = r.session_id) AND NOT EXISTS "
            "(SELECT 1 FROM jobs j WHERE j.scanner_id = ? AND j.session_id = r.session_id) "
            "ORDER BY r.start_time DESC",
            [
                scanner["project_id"],
                to_iso(now - timedelta(days=WINDOW_DAYS)),
                MIN_DURATION_S,
                MIN_ACTIVE_S,
                MAX_ACTIVE_S,
                *mode_args,
                *params,
                scanner["id"],
                scanner["id"],
            ],
        )
    except (ApiError, sqlite3.OperationalError, ValueError, TypeError):
        return None
    for (session_id,) in rows:
        if in_sample(scanner["id"], session_id, scanner["sampling_rate"]):
            return str(session_id)
    return None
