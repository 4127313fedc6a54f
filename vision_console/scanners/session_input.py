"""Session ids typed or pasted by a person: one for "scan a recording", up to 200 for a bulk scan.

PostHog session ids are UUIDs (time-ordered v7 in practice: ``0190b7c2-8a3e-7c41-9b0d-…``), so
anything else is refused on the field with what was expected, before a request is sent (issue
15 item 10: "not-a-session" used to be accepted and "requested"). A recording link is accepted
too: ``…/replay/<id>`` paths and ``?sessionRecordingId=<id>`` links, http(s) only. Ids come back
in their canonical lower-case form, so one session pasted twice in two spellings is one session.
Everything here is pure.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

MAX_BULK = 200
"""The API's bound on ``bulk_observe``: 1 to 200 session ids a request."""
MAX_INPUT_LINE = 2_000
"""A pasted line longer than this is not a link to a recording; refused unread."""

EXPECTED = "a session id looks like 0190b7c2-8a3e-7c41-9b0d-5e2f1a6c3d4b"
_HYPHENATED = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
_SEPARATORS = re.compile(r"[\s,;]+")


class SessionInputError(ValueError):
    """What was typed is not a usable session id; the message says why and what would be."""


def session_id_from_input(text: str) -> str:
    """The canonical session id in a raw id or a PostHog recording link.

    Raises ``SessionInputError`` with a message for the field when there is none.
    """
    value = (text or "").strip()
    if not value:
        raise SessionInputError("Paste a session id or a recording link first.")
    if len(value) > MAX_INPUT_LINE:
        raise SessionInputError("This is too long to be a session id or a recording link.")
    if "://" in value:
        value = _id_in_link(value)
    if not _HYPHENATED.match(value):
        raise SessionInputError(f"This isn't a session id: {EXPECTED} (or paste a recording link).")
    return str(uuid.UUID(value))


def _id_in_link(link: str) -> str:
    parts = urlsplit(link)
    if parts.scheme not in ("http", "https"):
        raise SessionInputError("Only http(s) recording links are understood.")
    from_query = parse_qs(parts.query).get("sessionRecordingId")
    if from_query:
        return from_query[0].strip()
    segments = [s for s in parts.path.split("/") if s]
    if "replay" in segments and segments.index("replay") + 1 < len(segments):
        found = segments[segments.index("replay") + 1]
        if found in ("home", "playlists"):
            raise SessionInputError("This link is a list of recordings, not one recording.")
        return found
    raise SessionInputError("This link doesn't point at a recording.")


@dataclass(frozen=True)
class Refused:
    """One pasted item that is not a session: where it was, what it was, and why."""

    position: int
    text: str
    reason: str


@dataclass(frozen=True)
class BulkInput:
    """A pasted list read: the distinct sessions in order, the items refused, the repeats."""

    session_ids: tuple[str, ...]
    refused: tuple[Refused, ...]
    duplicates: int

    @property
    def too_many(self) -> bool:
        return len(self.session_ids) > MAX_BULK

    def problem(self) -> str | None:
        """The field's message when this list cannot be sent as it is, else None."""
        if not self.session_ids and not self.refused:
            return "Paste at least one session id or recording link."
        if self.refused:
            first = self.refused[0]
            shown = first.text if len(first.text) <= 60 else first.text[:59] + "…"
            more = len(self.refused) - 1
            tail = f" ({more} more not understood)" if more else ""
            return f"Item {first.position}, {shown!r}: {first.reason}{tail}"
        if self.too_many:
            return (
                f"{len(self.session_ids):,} distinct sessions: at most {MAX_BULK} can be scanned "
                "at once. Split the list."
            )
        return None


def parse_many(text: str) -> BulkInput:
    """Session ids and recording links separated by new lines, spaces, commas or semicolons.

    Repeats (also in different spellings or as a link and an id) are counted and dropped, the
    first occurrence keeping its place, as the API de-duplicates in order too.
    """
    seen: dict[str, None] = {}
    refused: list[Refused] = []
    duplicates = 0
    items = [item for item in _SEPARATORS.split(text or "") if item]
    for position, item in enumerate(items, start=1):
        try:
            session_id = session_id_from_input(item)
        except SessionInputError as exc:
            refused.append(Refused(position, item, str(exc)))
            continue
        if session_id in seen:
            duplicates += 1
        seen.setdefault(session_id, None)
    return BulkInput(tuple(seen), tuple(refused), duplicates)
