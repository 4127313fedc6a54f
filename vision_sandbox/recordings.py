"""The synthetic session recordings the estimate counts and the scan model reads.

Deterministic for a seed: about ``per_day`` sessions a day over ``days`` days, with durations,
activity, start URL, browser, OS, country, person, events, console errors and test accounts drawn
so that every eligibility outcome occurs.
"""

from __future__ import annotations

import random
import sqlite3
from datetime import datetime, timedelta

from .timeutil import to_iso

PAGES = (
    "/",
    "/pricing",
    "/checkout",
    "/checkout/payment",
    "/signup",
    "/onboarding",
    "/docs/getting-started",
    "/account/settings",
    "/cart",
    "/search",
    "/blog/launch-week",
    "/support",
)
BROWSERS = (("Chrome", 55), ("Safari", 22), ("Firefox", 10), ("Edge", 8), ("Samsung Internet", 5))
OSES = (("Mac OS X", 30), ("Windows", 30), ("iOS", 18), ("Android", 15), ("Linux", 7))
COUNTRIES = ("US", "GB", "DE", "FR", "IN", "BR", "CA", "AU", "JP", "NL", "ES", "PL")
FIRST = (
    "maria",
    "james",
    "aiko",
    "lena",
    "omar",
    "sofia",
    "liam",
    "priya",
    "noah",
    "chen",
    "eva",
    "tomas",
)
LAST = ("garcia", "smith", "tanaka", "muller", "haddad", "rossi", "brown", "patel", "jones", "wang")
EVENTS = (
    "$autocapture",
    "$rageclick",
    "$exception",
    "signed_up",
    "checkout_started",
    "purchase_completed",
    "$web_vitals",
    "search_performed",
)


def _picker(options: tuple[tuple[str, int], ...]) -> tuple[list[str], list[float]]:
    """Values and cumulative weights, for :func:`random.Random.choices`."""
    total = 0.0
    cumulative = []
    for _, weight in options:
        total += weight
        cumulative.append(total)
    return [value for value, _ in options], cumulative


def _below(rng: random.Random, n: int) -> int:
    """A fast uniform integer in [0, n)."""
    return int(rng.random() * n)


def session_uuid(rng: random.Random, start: datetime) -> str:
    """A UUIDv7-shaped session id (time-ordered, like PostHog's)."""
    ms = int(start.timestamp() * 1000)
    a = rng.getrandbits(12)
    b = rng.getrandbits(62)
    h = f"{ms:012x}"
    return f"{h[:8]}-{h[8:12]}-7{a:03x}-{0x8000 | (b >> 48) & 0x3FFF:04x}-{b & 0xFFFFFFFFFFFF:012x}"


def generate(
    conn: sqlite3.Connection,
    project_id: int,
    *,
    now: datetime,
    days: int,
    per_day: int,
    seed: int,
    host: str,
) -> None:
    """Insert ``days`` days of recordings (and their events) for ``project_id``."""
    rng = random.Random(seed)
    people = [f"{rng.choice(FIRST)}.{rng.choice(LAST)}{i}" for i in range(max(20, per_day * 2))]
    browsers, browser_weights = _picker(BROWSERS)
    oses, os_weights = _picker(OSES)
    rows = []
    events: list[tuple[str, str, int]] = []
    for _ in range(days * per_day):
        start = now - timedelta(seconds=rng.uniform(600, days * 86400))
        roll = rng.random()
        if roll < 0.06:
            duration = rng.uniform(2, 14)
        elif roll < 0.015 + 0.06:
            duration = rng.uniform(3700, 9000)
        else:
            duration = min(3500.0, rng.lognormvariate(5.2, 0.9) + 15)
        active_ratio = rng.uniform(0.02, 0.15) if rng.random() < 0.05 else rng.uniform(0.35, 0.95)
        active = duration * active_ratio
        if duration > 3700 and rng.random() < 0.7:
            active = rng.uniform(3601, duration)
        page = rng.choice(PAGES)
        person = rng.choice(people) if rng.random() < 0.7 else None
        test_account = rng.random() < 0.05
        email = None
        if person is not None:
            email = f"{person}@{'test.example.com' if test_account else 'example.org'}"
        errors = 0 if rng.random() < 0.72 else 1 + _below(rng, 9)
        session_id = session_uuid(rng, start)
        names = ["$pageview"] if rng.random() > 0.02 else []
        if names:
            names += rng.sample(EVENTS, 1 + _below(rng, 4))
            if errors and "$exception" not in names:
                names.append("$exception")
            if page.startswith("/checkout") and "checkout_started" not in names:
                names.append("checkout_started")
        counts = {name: 1 + _below(rng, 12) for name in names}
        rows.append(
            (
                session_id,
                project_id,
                to_iso(start),
                round(duration, 1),
                round(active, 1),
                f"https://{host}{page}",
                rng.choices(browsers, cum_weights=browser_weights)[0],
                rng.choices(oses, cum_weights=os_weights)[0],
                rng.choice(COUNTRIES),
                person or f"anon-{rng.getrandbits(40):010x}",
                email,
                sum(counts.values()),
                errors,
                _below(rng, 7),
                _below(rng, 41),
                int(test_account),
            )
        )
        events.extend((session_id, name, n) for name, n in counts.items())
    conn.executemany(
        "INSERT INTO recordings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows
    )
    conn.executemany("INSERT INTO recording_events VALUES (?, ?, ?)", events)
