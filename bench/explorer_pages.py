"""Explorer pages at scale: one 50-row page of the sandbox's list, by sort, filter and depth.

A demo database gets ``--size`` bulk observations on the "UX quality" scorer and as many on the
"Checkout friction" monitor, then the sandbox's indexes. Each case is an explorer view (a sort
and a status or verdict filter, the filters a viewer sets most: the status picker and a click
on a verdict bar), read at its first page, halfway through its rows and at its last page
(where a viewer who types a page number lands). Timed in the same run:

- **sandbox**: the list's own path (``observations.page_rows``: the offset walked over the row
  keys an index holds, from whichever end is nearer, then only the page's rows read);
- **naive**: one ``SELECT o.* ... ORDER BY key IS NULL, key, id LIMIT ? OFFSET ?`` on the same
  file and indexes, the query a first version writes.

Both must return the same rows in the same order (checked on every case). "open" times the
previous and next ids of one row of that page, as opening an observation reads them: the
sandbox's one-row seeks against reading every id of the view in order (both must agree).
Median of ``--repeats`` (the naive paths stop early past a few seconds).

    python bench/explorer_pages.py             # a million rows a scanner (about 5 minutes)
    python bench/explorer_pages.py --size 20000
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchkit.apptest import machine_note, markdown_table

from vision_sandbox import demo, observations
from vision_sandbox.bulk import add_bulk_observations
from vision_sandbox.db import Database
from vision_sandbox.eras import CURRENT
from vision_sandbox.schema import INDEXES

PAGE = 50
NAIVE_BUDGET_S = 6.0
SCANNERS = {"scorer": "UX quality", "monitor": "Checkout friction"}


@dataclass(frozen=True)
class View:
    """One explorer view: whose rows, in which order, under which filter."""

    scanner: str
    key: str
    descending: bool
    params: dict[str, str]

    @property
    def sort(self) -> str:
        return f"{self.key} {'desc' if self.descending else 'asc'}"

    @property
    def naive_order(self) -> str:
        """The order in one ORDER BY: rows without a value last, by expression."""
        direction = "DESC" if self.descending else "ASC"
        return f"ORDER BY o.{self.key} IS NULL, o.{self.key} {direction}, o.id"

    @property
    def filter(self) -> str:
        return ", ".join(f"{name}={value}" for name, value in self.params.items()) or "none"


VIEWS = (
    View("scorer", "created_at", True, {}),
    View("scorer", "created_at", False, {"status": "succeeded"}),
    View("scorer", "started_at", True, {"status": "succeeded"}),
    View("scorer", "completed_at", True, {"status": "succeeded,failed"}),
    View("scorer", "result_score", True, {"status": "succeeded,failed"}),
    View("scorer", "scanner_version", True, {"status": "succeeded"}),
    View("monitor", "created_at", True, {"verdict": "no"}),
    View("monitor", "created_at", True, {"verdict": "no", "status": "succeeded"}),
    View("monitor", "started_at", True, {"verdict": "yes"}),
    View("monitor", "status", False, {"verdict": "no"}),
    View("monitor", "result_verdict", False, {"status": "succeeded"}),
)


def build(path: Path, size: int) -> dict[str, str]:
    """The demo database with ``size`` bulk rows on each scanner; returns their ids by kind."""
    db = Database(path, with_indexes=False)
    demo.seed_base(db, 1, 2, 3000, demo.DEMO_API_KEY)
    demo.seed_demo(db, 1, 2)
    for name in SCANNERS.values():
        add_bulk_observations(db, 1, size, name)
    db.conn().executescript(INDEXES)
    db.conn().execute("ANALYZE")
    ids = {
        kind: str(
            db.conn().execute("SELECT id FROM scanners WHERE name = ?", (name,)).fetchone()[0]
        )
        for kind, name in SCANNERS.items()
    }
    db.close()
    return ids


def naive_page(db: Database, flt: observations.Filter, view: View, offset: int) -> list[str]:
    """One query: the filtered rows sorted (nulls last, by expression), skipped, read whole."""
    rows = (
        db.conn()
        .execute(
            f"SELECT o.* FROM observations o WHERE {flt.where} {view.naive_order} LIMIT ? OFFSET ?",
            (*flt.args, PAGE, offset),
        )
        .fetchall()
    )
    return [row["id"] for row in rows]


def sandbox_page(
    db: Database, flt: observations.Filter, view: View, offset: int, total: int
) -> list[str]:
    """The sandbox's list path (the count it reads first lets a late page walk from the end)."""
    rows = observations.page_rows(
        db.conn(), flt, view.key, view.descending, PAGE, offset, CURRENT, total
    )
    return [row["id"] for row in rows]


def naive_neighbours(db: Database, flt: observations.Filter, view: View, obs_id: str) -> object:
    """Read every id of the view in order and take the two beside ``obs_id``."""
    ids = [
        row[0]
        for row in db.conn().execute(
            f"SELECT o.id FROM observations o WHERE {flt.where} {view.naive_order}",
            flt.args,
        )
    ]
    at = ids.index(obs_id)
    return (ids[at - 1] if at else None), (ids[at + 1] if at + 1 < len(ids) else None)


def sandbox_neighbours(db: Database, flt: observations.Filter, view: View, obs_id: str) -> object:
    """The sandbox's retrieve path: one-row seeks beside the opened observation."""
    return observations.neighbours(db.conn(), flt, view.key, view.descending, obs_id, CURRENT)


def timed(fn: Callable[[], Any], repeats: int, budget_s: float) -> tuple[float, Any]:
    """(median ms, last result) of ``fn``, stopping early once ``budget_s`` is spent."""
    times: list[float] = []
    started = time.perf_counter()
    result = None
    for _ in range(repeats):
        t = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t) * 1000)
        if time.perf_counter() - started > budget_s:
            break
    return statistics.median(times), result


def measure(db: Database, ids: dict[str, str], repeats: int) -> list[list[object]]:
    """One table row per view and depth."""
    table: list[list[object]] = []
    for view in VIEWS:
        flt = observations.build_filter(ids[view.scanner], view.params, CURRENT)
        matching = observations.count(db.conn(), flt)
        last = (matching - 1) // PAGE * PAGE
        for depth, offset in (
            ("first", 0),
            ("middle", matching // 2 // PAGE * PAGE),
            ("last", last),
        ):
            fast, fast_ids = timed(
                partial(sandbox_page, db, flt, view, offset, matching), repeats, 30.0
            )
            slow, slow_ids = timed(
                partial(naive_page, db, flt, view, offset), repeats, NAIVE_BUDGET_S
            )
            if fast_ids != slow_ids:
                raise SystemExit(f"{view} at {offset}: the two paths disagree on the page")
            opened = fast_ids[len(fast_ids) // 2]
            seek, beside = timed(partial(sandbox_neighbours, db, flt, view, opened), repeats, 30)
            scan, scanned = timed(
                partial(naive_neighbours, db, flt, view, opened), repeats, NAIVE_BUDGET_S
            )
            if beside != scanned:
                raise SystemExit(f"{view} at {offset}: the two paths disagree on the neighbours")
            table.append(
                [
                    view.scanner,
                    view.sort,
                    view.filter,
                    f"{matching:,}",
                    f"{depth} ({offset:,})",
                    f"{slow:,.1f}",
                    f"{fast:,.1f}",
                    f"{slow / fast:,.0f}x" if fast > 0 else "-",
                    f"{scan:,.1f}",
                    f"{seek:,.1f}",
                ]
            )
            print(f"  {view.scanner} {view.sort} [{view.filter}] {depth}: done", flush=True)
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="bulk rows per scanner")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="explorer-pages-") as tmp:
        started = time.perf_counter()
        ids = build(Path(tmp) / "bench.sqlite3", args.size)
        print(f"Built {args.size:,} bulk rows a scanner in {time.perf_counter() - started:.0f} s")
        db = Database(Path(tmp) / "bench.sqlite3")
        rows = measure(db, ids, args.repeats)
        db.close()
    print(
        f"\nOne {PAGE}-row page, ms (median of {args.repeats}); every page matched the naive one."
    )
    header = [
        *("scanner", "sort", "filter", "rows", "page (offset)", "naive", "sandbox", "speedup"),
        *("open: naive", "open: sandbox"),
    ]
    print(markdown_table(header, rows))
    print(machine_note())


if __name__ == "__main__":
    main()
