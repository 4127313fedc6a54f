"""How long a run of requests takes inside PostHog's per-key request limits: the ETA's floor.

PostHog allows a personal API key 480 requests a minute and 4,800 an hour (sliding windows);
the client's pacer keeps the console under them. Long work (loading every scanner's activity,
exporting a million observations) is bounded by that budget as much as by latency, so an ETA
takes the slower of the two: the rate measured so far, and the rate the budget allows.
"""

from __future__ import annotations

from vision_api import PacerLimits

PER_MINUTE = PacerLimits().per_minute
PER_HOUR = PacerLimits().per_hour
"""The limits the client's pacer keeps to (one source: ``vision_api.PacerLimits``)."""


def budget_seconds(requests: int) -> float:
    """The least time ``requests`` requests can take within the per-minute and hourly limits.

    The first hour's allowance goes at the per-minute rate; beyond it, the hourly rate.
    Requests other work of the same key already made are not counted (the viewer's ETA is a
    floor, not a promise).
    """
    if requests <= 0:
        return 0.0
    burst = min(requests, PER_HOUR)
    seconds = burst / PER_MINUTE * 60
    if requests > PER_HOUR:
        seconds = max(seconds, 3600.0) + (requests - PER_HOUR) / PER_HOUR * 3600
    return seconds


def eta_seconds(requests_left: int, requests_done: int, elapsed_s: float) -> float:
    """Seconds left for ``requests_left`` requests: the measured pace or the budget, the slower."""
    if requests_left <= 0:
        return 0.0
    measured = elapsed_s / requests_done * requests_left if requests_done > 0 else 0.0
    return max(measured, budget_seconds(requests_left))
