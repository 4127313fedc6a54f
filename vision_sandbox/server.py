"""``Sandbox``: the local Vision API running in-process on a background uvicorn thread."""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Literal

import uvicorn

from . import auth, demo, era_demo
from .app import create_app
from .bulk import add_bulk_observations
from .catalog import SCOPES
from .db import Database
from .eras import DEFAULT_ERA, Era, EraRules, rules_for
from .faults import Faults, RequestLog
from .fleet import grow_fleet
from .scan_model import eligibility_error, failure_reason
from .sweeper import Sweeper
from .throttle import Clock, RateLimits, Throttles
from .worker import Worker

SeedName = Literal["demo", "empty"]
DEFAULT_CREDIT_LIMIT = 15_000
_STARTUP_TIMEOUT_S = 15.0


def _warning_or_worse(record: logging.LogRecord) -> bool:
    return record.levelno >= logging.WARNING


def _quiet_uvicorn() -> None:
    """Keep uvicorn's per-request and lifecycle INFO lines out of the host process's output.

    ``access_log=False`` is not enough inside Streamlit: Streamlit re-attaches handlers to the
    ``uvicorn.*`` loggers at INFO, and uvicorn logs access whenever its logger has handlers.
    A filter on the logger survives both (the sandbox's own request log keeps the record).
    """
    for name in ("uvicorn.access", "uvicorn.error"):
        logger = logging.getLogger(name)
        if _warning_or_worse not in logger.filters:
            logger.addFilter(_warning_or_worse)


class Sandbox:
    """A running sandbox: its URL, keys, fault controls and request log.

    Use :meth:`start` (or ``with Sandbox.start(...) as sb:``); :meth:`stop` shuts it down.
    """

    def __init__(
        self,
        db: Database,
        server: uvicorn.Server,
        thread: threading.Thread,
        worker: Worker,
        faults: Faults,
        requests: RequestLog,
        api_key: str,
        project_id: int,
        other_project_id: int,
        temp_dir: Path | None,
        sweeper: Sweeper | None = None,
        rules: EraRules | None = None,
    ) -> None:
        self.db = db
        self.rules = rules or rules_for(DEFAULT_ERA)
        self.era: Era = self.rules.name
        self.sweeper = sweeper or Sweeper(db, worker.wake)
        self._server = server
        self._thread = thread
        self._worker = worker
        self.faults = faults
        self.requests = requests
        self.api_key = api_key
        self.project_id = project_id
        self.other_project_id = other_project_id
        self.other_api_key = demo.OTHER_API_KEY
        self._temp_dir = temp_dir
        sockets = server.servers[0].sockets
        host, port = sockets[0].getsockname()[:2]
        shown = f"[{host}]" if ":" in str(host) else str(host)
        self.host = str(host)
        self.port = int(port)
        self.base_url = f"http://{shown}:{self.port}"

    @classmethod
    def start(
        cls,
        db_path: str | Path | None = None,
        seed: SeedName = "demo",
        host: str = "127.0.0.1",
        port: int = 0,
        observations: int | None = None,
        monthly_quota: int = 3000,
        scan_delay: float = 0.5,
        api_key: str = demo.DEMO_API_KEY,
        project_id: int = 1,
        sweep_interval: float | None = None,
        finish_in_flight: bool | None = None,
        scanners: int | None = None,
        era: Era = DEFAULT_ERA,
        rate_limits: RateLimits | None = None,
        clock: Clock | None = None,
        credit_limit: int | None = DEFAULT_CREDIT_LIMIT,
    ) -> Sandbox:
        """Open (or create and seed) the database and serve it on ``host:port`` (0 = free port).

        An existing database is reopened as it is (never reseeded); ``monthly_quota`` and the
        key are applied on every start. ``observations`` adds that many bulk rows to the demo
        scorer when the database is first seeded.

        ``sweep_interval`` (seconds; 0/None = off) sweeps enabled scanners on a schedule, a few
        scheduled observations a minute (:mod:`.sweeper`); ``sandbox.sweeper.tick()`` sweeps once
        by hand either way. ``finish_in_flight`` (default: on with the sweeper) lets the worker
        finish observations left pending/running without a job, such as the demo's seeded ones.
        ``scanners`` grows the first project to that many scanners (:mod:`.fleet`).

        ``era`` picks the API the sandbox speaks, ``"current"`` (credits) or ``"seed"``
        (:mod:`.eras`); a demo database is seeded for its era the first time.
        ``rate_limits="posthog"`` turns on PostHog's throttles (:mod:`.throttle`), timed by
        ``clock`` (seconds, default ``time.monotonic``) so tests need not sleep.
        ``credit_limit`` is the current era's credits per month (None = uncapped, 0 = blocked),
        applied on every start like ``monthly_quota``.
        """
        rules = rules_for(era)
        if rate_limits not in (None, "posthog"):
            raise ValueError(f"rate_limits must be None or 'posthog', got {rate_limits!r}")
        if seed not in ("demo", "empty"):
            raise ValueError(f"seed must be 'demo' or 'empty', got {seed!r}")
        temp_dir = None
        if db_path is None:
            temp_dir = Path(tempfile.mkdtemp(prefix="vision-sandbox-"))
            path = temp_dir / "sandbox.sqlite3"
        else:
            path = Path(db_path)
            path.parent.mkdir(parents=True, exist_ok=True)
        db = Database(path)
        if db.get_meta(demo.SEED_MARKER) is None:
            other = project_id + 1
            demo.seed_base(db, project_id, other, monthly_quota, api_key)
            if seed == "demo":
                demo.seed_demo(db, project_id, other)
                add_bulk_observations(db, project_id, observations or 0)
                era_demo.apply(db, rules, project_id)
            with db.write() as conn:
                conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (demo.SEED_MARKER, seed))
        project_id = int(db.get_meta("project_id") or project_id)
        other_project_id = int(db.get_meta("other_project_id") or project_id + 1)
        if scanners:
            grow_fleet(db, project_id, scanners, models=rules.models)
        auth.store_key(db, api_key, 1, SCOPES, [project_id])
        with db.write() as conn:
            conn.execute(
                "UPDATE projects SET monthly_quota = ?, credit_limit = ?",
                (monthly_quota, credit_limit),
            )
        faults, log = Faults(), RequestLog()
        worker = Worker(db, scan_delay)
        sweeper = Sweeper(db, worker.wake, sweep_interval, credit_era=rules.credit_era)
        throttles = Throttles(clock) if rate_limits == "posthog" else None
        app = create_app(db, faults, log, on_enqueue=worker.wake, rules=rules, throttles=throttles)
        _quiet_uvicorn()
        config = uvicorn.Config(
            app,
            host=host,
            port=port,
            log_level="warning",
            access_log=False,
            lifespan="off",
            # The peer address is the truth: forwarding headers must not make a request look
            # like loopback to the /_sandbox/ controls.
            proxy_headers=False,
            forwarded_allow_ips="",
            server_header=False,
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, name="sandbox-uvicorn", daemon=True)
        thread.start()
        deadline = time.monotonic() + _STARTUP_TIMEOUT_S
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                worker.stop()
                db.close()
                raise RuntimeError(f"the sandbox could not start on {host}:{port}")
            time.sleep(0.01)
        worker.start()
        if finish_in_flight if finish_in_flight is not None else sweeper.interval is not None:
            worker.adopt_in_flight()
        sweeper.start()
        return cls(
            db,
            server,
            thread,
            worker,
            faults,
            log,
            api_key,
            project_id,
            other_project_id,
            temp_dir,
            sweeper,
            rules,
        )

    def add_api_key(
        self, scopes: Sequence[str] = SCOPES, project_ids: Sequence[int] | None = None
    ) -> str:
        """A new key for the demo user with exactly ``scopes`` on ``project_ids``."""
        key = auth.new_key()
        auth.store_key(self.db, key, 1, list(scopes), list(project_ids or [self.project_id]))
        return key

    def sample_sessions(
        self, kind: str = "eligible", n: int = 5, project_id: int | None = None
    ) -> list[str]:
        """Recording ids whose scan ends a known way.

        ``kind`` is ``eligible`` (scans succeed), ``failing`` (scans fail), or an ineligibility
        kind: ``too_short``, ``too_inactive``, ``too_long``, ``no_events``. Unknown session ids
        end ``no_recording``.
        """
        rows = self.db.conn().execute(
            "SELECT * FROM recordings WHERE project_id = ? ORDER BY session_id",
            (project_id or self.project_id,),
        )
        found: list[str] = []
        for row in rows:
            reason = eligibility_error(dict(row))
            failing = reason is None and failure_reason(row["session_id"]) is not None
            if kind == "eligible":
                matches = reason is None and not failing
            elif kind == "failing":
                matches = failing
            else:
                matches = reason is not None and reason.startswith(kind + ":")
            if matches:
                found.append(str(row["session_id"]))
                if len(found) >= n:
                    break
        return found

    def stop(self) -> None:
        """Stop serving, stop the worker, close the database (and remove a temporary one)."""
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self.sweeper.stop()
        self._worker.stop()
        self.db.close()
        if self._temp_dir is not None:
            shutil.rmtree(self._temp_dir, ignore_errors=True)

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return (
            f"Sandbox(base_url={self.base_url!r}, project_id={self.project_id}, era={self.era!r})"
        )
