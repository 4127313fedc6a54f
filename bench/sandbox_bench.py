"""Sandbox scale benchmark: p50 latency of observation list and stats, indexed vs naive.

For each size N a demo database gets N bulk observations on one scorer. The naive baseline runs
first on the same file, without the sandbox's indexes: one ``ORDER BY ... NULLS LAST`` query per
page and stats aggregated in Python over every row. Then the indexes are built and the sandbox's
own code path is timed in-process (store) and over real HTTP (a sandbox served on that file).

The list case is the brief's hard one: ``status=succeeded``, ordered by ``-result_score``, first
page of 100. Stats are unfiltered (status counts, coverage, scorer summary and histogram).

    python bench/sandbox_bench.py            # 10k, 100k, 1M (a few minutes)
    python bench/sandbox_bench.py --quick    # 10k, 100k
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from vision_sandbox import Sandbox, demo, observations, stats
from vision_sandbox.bulk import add_bulk_observations
from vision_sandbox.db import Database
from vision_sandbox.eras import CURRENT
from vision_sandbox.schema import INDEXES

LIST_PARAMS = {"status": "succeeded", "order_by": "-result_score", "limit": "100"}
NAIVE_BUDGET_S = 8.0


def p50(fn: Callable[[], Any], repeats: int, budget_s: float = 30.0) -> float:
    """Median wall time of ``fn`` in milliseconds (stops early past ``budget_s``)."""
    fn()
    times: list[float] = []
    started = time.perf_counter()
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
        if time.perf_counter() - started > budget_s and len(times) >= 3:
            break
    return statistics.median(times)


def build(path: Path, size: int) -> tuple[Database, str]:
    """A demo database without the sandbox indexes plus ``size`` bulk observations."""
    db = Database(path, with_indexes=False)
    demo.seed_base(db, 1, 2, 3000, demo.DEMO_API_KEY)
    demo.seed_demo(db, 1, 2)
    add_bulk_observations(db, 1, size)
    with db.write() as conn:
        conn.execute("INSERT OR REPLACE INTO meta VALUES (?, 'demo')", (demo.SEED_MARKER,))
    scanner_id = (
        db.conn().execute("SELECT id FROM scanners WHERE name = 'UX quality'").fetchone()[0]
    )
    return db, str(scanner_id)


def naive_list(db: Database, scanner_id: str) -> None:
    """One query per page, nulls last by expression, no helpful index."""
    conn = db.conn()
    conn.execute(
        "SELECT COUNT(*) FROM observations WHERE scanner_id = ? AND status = 'succeeded'",
        (scanner_id,),
    ).fetchone()
    rows = conn.execute(
        "SELECT o.* FROM observations o WHERE o.scanner_id = ? AND o.status = 'succeeded' "
        "ORDER BY o.result_score IS NULL, o.result_score DESC, o.id LIMIT 100",
        (scanner_id,),
    ).fetchall()
    observations.serialize_rows(conn, rows, CURRENT)


def naive_stats(db: Database, scanner_id: str) -> dict[str, Any]:
    """Fetch every row of the scanner and aggregate in Python."""
    rows = (
        db.conn()
        .execute(
            "SELECT status, session_id, created_at, result_score FROM observations "
            "WHERE scanner_id = ?",
            (scanner_id,),
        )
        .fetchall()
    )
    by_status = Counter(row[0] for row in rows)
    cutoff = (datetime.now(UTC) - timedelta(days=14)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    sessions = {row[1] for row in rows if row[1]}
    recent = {row[1] for row in rows if row[1] and row[2] >= cutoff}
    scores = sorted(row[3] for row in rows if row[0] == "succeeded" and row[3] is not None)

    def quantile(q: float) -> float:
        pos = q * (len(scores) - 1)
        low = math.floor(pos)
        high = min(low + 1, len(scores) - 1)
        return float(scores[low] + (pos - low) * (scores[high] - scores[low]))

    return {
        "status": dict(by_status),
        "sessions": (len(sessions), len(recent)),
        "summary": [scores[0], quantile(0.25), quantile(0.5), quantile(0.75), scores[-1]],
        "histogram": Counter(round(s) for s in scores),
    }


def indexed_list(db: Database, scanner_id: str) -> None:
    """The sandbox's own list path."""
    conn = db.conn()
    flt = observations.build_filter(scanner_id, LIST_PARAMS, CURRENT)
    key, descending = observations.order_of(LIST_PARAMS, CURRENT)
    observations.count(conn, flt)
    rows = observations.page_rows(conn, flt, key, descending, 100, 0, CURRENT)
    observations.serialize_rows(conn, rows, CURRENT)


def indexed_stats(db: Database, scanner_id: str) -> None:
    """The sandbox's own stats path."""
    flt = observations.build_filter(scanner_id, {}, CURRENT)
    scale = {"scale": {"min": 1, "max": 10}}
    stats.compute(db.conn(), flt, "scorer", scale, 14)


def measure(size: int, repeats: int) -> dict[str, float]:
    """Every timing for one size."""
    with tempfile.TemporaryDirectory(prefix="sandbox-bench-") as tmp:
        path = Path(tmp) / "bench.sqlite3"
        t = time.perf_counter()
        db, scanner_id = build(path, size)
        result = {"build_s": time.perf_counter() - t}
        result["naive_list"] = p50(lambda: naive_list(db, scanner_id), repeats, NAIVE_BUDGET_S)
        result["naive_stats"] = p50(lambda: naive_stats(db, scanner_id), repeats, NAIVE_BUDGET_S)
        t = time.perf_counter()
        db.conn().executescript(INDEXES)
        db.conn().execute("ANALYZE")
        result["index_s"] = time.perf_counter() - t
        result["list"] = p50(lambda: indexed_list(db, scanner_id), repeats)
        result["stats"] = p50(lambda: indexed_stats(db, scanner_id), repeats)
        db.close()
        with Sandbox.start(db_path=path) as sb, requests.Session() as http:
            http.headers["Authorization"] = f"Bearer {sb.api_key}"
            base = f"{sb.base_url}/api/projects/{sb.project_id}/vision/scanners/{scanner_id}"

            def get(url: str, params: dict[str, str] | None = None) -> None:
                response = http.get(url, params=params, timeout=60)
                response.raise_for_status()

            result["http_list"] = p50(lambda: get(f"{base}/observations/", LIST_PARAMS), repeats)
            result["http_stats"] = p50(lambda: get(f"{base}/observations/stats/"), repeats)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10k and 100k only")
    parser.add_argument("--sizes", help="comma-separated observation counts")
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    if args.sizes:
        sizes = [int(s) for s in args.sizes.split(",")]
    else:
        sizes = [10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000]
    print(
        "p50 latency in ms (list: status=succeeded, order_by=-result_score, limit 100; stats: all)"
    )
    header = (
        f"{'observations':>12} | {'list naive':>10} | {'list':>7} | {'list HTTP':>9} | "
        f"{'stats naive':>11} | {'stats':>7} | {'stats HTTP':>10} | {'build s':>7} | {'index s':>7}"
    )
    print(header)
    print("-" * len(header))
    for size in sizes:
        r = measure(size, args.repeats)
        print(
            f"{size:>12,} | {r['naive_list']:>10.1f} | {r['list']:>7.1f} | "
            f"{r['http_list']:>9.1f} | "
            f"{r['naive_stats']:>11.1f} | {r['stats']:>7.1f} | {r['http_stats']:>10.1f} | "
            f"{r['build_s']:>7.1f} | {r['index_s']:>7.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
