"""A faithful local implementation of the PostHog Replay Vision scanners API over SQLite.

``Sandbox.start()`` serves it in-process on a free port (tests, the console's demo mode);
``python -m vision_sandbox`` runs it standalone. It speaks one era exactly (``era=``/``--era``,
see :mod:`.eras`): ``current``, today's credit-era API (``vision-api-current-era.md``, the
default), or ``seed``, the API of ``vision-api-contract.md``. ``recordings_query`` documents the
supported RecordingsQuery subset.

Choices where the contract is silent or unconfirmed:

* Each project is its own organisation: the monthly quota and "other enabled scanners" are
  counted per project.
* Current era: ``started_at``/``completed_at`` sort NULLs last in both directions, like the
  result keys; the seed era puts them first when descending (plain Postgres ordering).
* Current era: the billing period is the UTC calendar month, the default credit limit is 15,000
  credits a month, and the per-scanner 402's wording is ours (PostHog's was not found).
* Observation neighbours (previous/next) are filled on retrieve and honour filters and
  ``order_by`` given on the retrieve URL; list rows carry nulls.
* Request bodies are capped at 1,000,000 bytes (400 ``parse_error``); a non-JSON content type
  with a body answers 415; NaN/Infinity in JSON are parse errors.
* A 503 injected on ``POST .../observe/`` answers the era's hand-built body: the seed's
  ``{"error": ...}``, today's ``{"detail": ...}``.
"""

from __future__ import annotations

from .demo import DEMO_API_KEY, OTHER_API_KEY
from .server import Sandbox
from .shared import running_sandbox, shared_sandbox

__all__ = ["DEMO_API_KEY", "OTHER_API_KEY", "Sandbox", "running_sandbox", "shared_sandbox"]
