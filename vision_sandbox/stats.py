"""Observation stats over a filtered set, exactly per contract §4.9.

Everything is aggregated in SQL (grouped counts), so cost grows with the number of distinct
values, not rows: scorer percentiles and the histogram are computed from (score, count) pairs.
"""

from __future__ import annotations

import json
import math
import sqlite3
from datetime import timedelta
from typing import Any

from . import labels
from .eras import EraRules
from .observations import Filter
from .timeutil import to_iso, utcnow

TOP_TAGS = 10
HISTOGRAM_TARGET_BUCKETS = 21


def success_rate(succeeded: int, failed: int) -> int | None:
    """round(succeeded / (succeeded + failed) * 100), half to even; None without terminal runs.

    The order of operations is PostHog's: dividing first can land a float just off .5
    (23/40 * 100 is 57.49999999999999, so 57), where 100 * 23 / 40 is 57.5 and rounds to 58.
    """
    denominator = succeeded + failed
    return None if denominator == 0 else round(succeeded / denominator * 100)


def percentile(values: list[tuple[float, int]], fraction: float) -> float:
    """Continuous percentile over sorted (value, count) pairs, like percentile_cont."""
    total = sum(c for _, c in values)
    position = fraction * (total - 1)
    low_index = math.floor(position)
    low, high = _nth(values, low_index), _nth(values, min(low_index + 1, total - 1))
    return low + (position - low_index) * (high - low)


def _nth(values: list[tuple[float, int]], index: int) -> float:
    seen = 0
    for value, c in values:
        seen += c
        if index < seen:
            return value
    return values[-1][0]


def histogram(
    values: list[tuple[float, int]], scale: dict[str, Any] | None
) -> dict[str, list[Any]]:
    """Integer buckets over the scale (or the observed range), about 21 of them at most."""
    has_scale = isinstance(scale, dict) and _number(scale.get("min")) and _number(scale.get("max"))
    lo = math.floor(scale["min"] if has_scale and scale else values[0][0])
    hi = math.ceil(scale["max"] if has_scale and scale else values[-1][0])
    span = max(0, hi - lo)
    width = max(1, math.ceil((span + 1) / HISTOGRAM_TARGET_BUCKETS))
    buckets = span // width + 1
    counts = [0] * buckets
    for value, c in values:
        index = (round(value) - lo) // width
        counts[min(max(index, 0), buckets - 1)] += c
    labels = []
    for i in range(buckets):
        start = lo + i * width
        labels.append(str(start) if width == 1 else f"{start}–{min(start + width - 1, hi)}")
    return {"labels": labels, "counts": counts}


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def compute(
    conn: sqlite3.Connection,
    flt: Filter,
    scanner_type: str,
    config: dict[str, Any],
    recent_days: int,
    rules: EraRules | None = None,
    scanner: sqlite3.Row | None = None,
) -> dict[str, Any]:
    """The stats body for ``flt`` on a scanner of ``scanner_type`` with ``config``.

    The credit era (``rules.credit_era``, with the ``scanner`` row) adds the ``labels`` and
    ``summarizer`` blocks.
    """
    base = f"FROM observations o WHERE {flt.where}"
    cutoff = to_iso(utcnow() - timedelta(days=recent_days))
    # One pass over a covering index gives status counts, recent counts and the result column
    # the scanner type needs (verdicts for monitors, scores for scorers).
    result_column = {"monitor": "o.result_verdict", "scorer": "o.result_score"}.get(scanner_type)
    by_status: dict[str, int] = {}
    by_result: dict[Any, int] = {}
    recent_rows = 0
    group = f"o.status, {result_column}" if result_column else "o.status"
    for status, result, n, recent in conn.execute(
        f"SELECT o.status, {result_column or 'NULL'}, COUNT(*), TOTAL(o.created_at >= ?) "
        f"{base} GROUP BY {group}",
        (cutoff, *flt.args),
    ):
        by_status[status] = by_status.get(status, 0) + int(n)
        recent_rows += int(recent)
        if status == "succeeded" and result is not None:
            by_result[result] = int(n)
    succeeded, failed = by_status.get("succeeded", 0), by_status.get("failed", 0)
    sessions = _sessions(conn, flt, cutoff, sum(by_status.values()), recent_rows)
    body: dict[str, Any] = {
        "status_counts": {
            "total": sum(by_status.values()),
            "succeeded": succeeded,
            "failed": failed,
            "ineligible": by_status.get("ineligible", 0),
            "in_flight": by_status.get("pending", 0) + by_status.get("running", 0),
            "success_rate": success_rate(succeeded, failed),
        },
        "coverage": {
            "recent_sessions": int(sessions[1]),
            "total_sessions": int(sessions[0]),
            "recent_days": recent_days,
        },
        "available_tags": [],
        "monitor": None,
        "classifier": None,
        "scorer": None,
    }
    if scanner_type == "monitor":
        body["monitor"] = {
            "yes_total": by_result.get("yes", 0),
            "no_total": by_result.get("no", 0),
            "inconclusive_total": by_result.get("inconclusive", 0),
        }
    elif scanner_type == "classifier":
        body["classifier"], body["available_tags"] = _classifier(conn, flt)
    elif scanner_type == "scorer":
        scores = sorted((float(value), n) for value, n in by_result.items())
        body["scorer"] = _scorer(scores, config.get("scale"))
    if rules is not None and rules.credit_era and scanner is not None:
        body["labels"] = labels.stats_block(conn, flt, cutoff[:10], scanner)
        body["summarizer"] = _summarizer(conn, flt) if scanner_type == "summarizer" else None
    return body


def _summarizer(conn: sqlite3.Connection, flt: Filter) -> dict[str, Any]:
    """Friction points and keywords of succeeded summaries, each counted once per observation."""
    rows = conn.execute(
        "SELECT json_extract(o.scanner_result, '$.model_output.friction_points'), "
        "json_extract(o.scanner_result, '$.model_output.keywords') "
        f"FROM observations o WHERE {flt.where} AND o.status = 'succeeded'",
        flt.args,
    )
    friction: dict[str, int] = {}
    keywords: dict[str, int] = {}
    with_facets = with_friction = 0
    for friction_json, keyword_json in rows:
        points = _terms(friction_json)
        words = _terms(keyword_json)
        with_facets += int(friction_json is not None or keyword_json is not None)
        with_friction += int(bool(points))
        for term in points:
            friction[term] = friction.get(term, 0) + 1
        for term in words:
            keywords[term] = keywords.get(term, 0) + 1

    def ranked(counts: dict[str, int]) -> list[dict[str, Any]]:
        pairs = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
        return [{"term": term, "count": n} for term, n in pairs[:TOP_TAGS]]

    return {
        "friction_ranked": ranked(friction),
        "keyword_ranked": ranked(keywords),
        "total_with_facets": with_facets,
        "total_with_friction": with_friction,
    }


def _terms(raw: Any) -> set[str]:
    """Distinct lowercase terms of a JSON list (anything else counts as none)."""
    try:
        values = json.loads(raw) if isinstance(raw, str) else None
    except ValueError:
        return set()
    if not isinstance(values, list):
        return set()
    return {v.strip().lower() for v in values if isinstance(v, str) and v.strip()}


def _sessions(
    conn: sqlite3.Connection, flt: Filter, cutoff: str, rows: int, recent_rows: int
) -> tuple[int, int]:
    """(distinct sessions, distinct sessions created since ``cutoff``), blank ids excluded.

    (scanner_id, session_id) is unique, so matching rows are sessions and at most one of them
    has a blank id: subtract that row where it was counted.
    """
    blank = conn.execute(
        f"SELECT o.created_at FROM observations o WHERE {flt.where} AND o.session_id = ''",
        flt.args,
    ).fetchone()
    if blank is None:
        return rows, recent_rows
    return rows - 1, recent_rows - int(blank[0] >= cutoff)


def _classifier(conn: sqlite3.Connection, flt: Filter) -> tuple[dict[str, Any], list[str]]:
    joined = (
        "FROM observation_tags t JOIN observations o ON o.pk = t.obs_pk "
        f"WHERE {flt.where} AND o.status = 'succeeded'"
    )
    fixed: list[tuple[str, int]] = []
    freeform: list[tuple[str, int]] = []
    for tag, is_freeform, n in conn.execute(
        f"SELECT t.tag, t.freeform, COUNT(*) {joined} GROUP BY t.tag, t.freeform", flt.args
    ):
        (freeform if is_freeform else fixed).append((tag, int(n)))
    with_tags = conn.execute(f"SELECT COUNT(DISTINCT t.obs_pk) {joined}", flt.args).fetchone()[0]

    def ranked(pairs: list[tuple[str, int]]) -> list[dict[str, Any]]:
        pairs.sort(key=lambda pair: (-pair[1], pair[0]))
        return [{"tag": tag, "count": n} for tag, n in pairs[:TOP_TAGS]]

    available = sorted({tag for tag, _ in fixed} | {tag for tag, _ in freeform})
    block = {
        "fixed_ranked": ranked(fixed),
        "freeform_ranked": ranked(freeform),
        "total_with_tags": int(with_tags),
    }
    return block, available


def _scorer(values: list[tuple[float, int]], scale: Any) -> dict[str, Any]:
    if not values:
        return {"summary": None, "histogram": None}
    n = sum(c for _, c in values)
    summary = {
        "min": values[0][0],
        "p25": percentile(values, 0.25),
        "median": percentile(values, 0.5),
        "mean": sum(v * c for v, c in values) / n,
        "p75": percentile(values, 0.75),
        "max": values[-1][0],
        "count": n,
    }
    return {"summary": summary, "histogram": histogram(values, scale)}
