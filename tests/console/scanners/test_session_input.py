"""Session ids typed or pasted for a scan: canonical ids, recording links, and clear refusals
(issue 15 item 10: "not-a-session" was accepted and "requested")."""

from __future__ import annotations

import pytest

from vision_console.scanners import session_input
from vision_console.scanners.session_input import SessionInputError

SID = "0190b7c2-8a3e-7c41-9b0d-5e2f1a6c3d4b"
OTHER = "0190b7c2-8a3e-7c41-9b0d-000000000002"


@pytest.mark.parametrize(
    "typed",
    [
        SID,
        f"  {SID.upper()} \n",
        f"https://us.posthog.com/project/1/replay/{SID}?t=12",
        f"https://eu.posthog.com/replay/home?sessionRecordingId={SID}",
    ],
)
def test_ids_and_recording_links_give_the_canonical_id(typed: str) -> None:
    assert session_input.session_id_from_input(typed) == SID


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Paste a session id or a recording link first."),
        ("not-a-session", "This isn't a session id"),
        ("0190b7c2-aaaa", "This isn't a session id"),
        ("two words", "This isn't a session id"),
        ("javascript://x/replay/abc", "Only http(s) recording links are understood."),
        ("https://us.posthog.com/insights/abc", "This link doesn't point at a recording."),
        ("https://us.posthog.com/replay/home", "This link is a list of recordings"),
        ("https://us.posthog.com/replay/nope", "This isn't a session id"),
        ("x" * 3000, "This is too long"),
    ],
)
def test_anything_else_is_refused_with_what_was_expected(typed: str, message: str) -> None:
    with pytest.raises(SessionInputError) as caught:
        session_input.session_id_from_input(typed)
    assert str(caught.value).startswith(message)


def test_a_pasted_list_is_split_deduplicated_in_order_and_links_read() -> None:
    pasted = f"{SID}\n{OTHER}, https://us.posthog.com/replay/{SID}\n\n{SID.upper()}; {OTHER}"
    read = session_input.parse_many(pasted)
    assert read.session_ids == (SID, OTHER)
    assert read.duplicates == 3 and read.refused == () and read.problem() is None


def test_a_pasted_list_names_the_first_item_it_cannot_read() -> None:
    read = session_input.parse_many(f"{SID}\nnot-a-session\nhttps://x.example/insights\n")
    assert read.session_ids == (SID,)
    assert [r.position for r in read.refused] == [2, 3]
    problem = read.problem() or ""
    assert problem.startswith("Item 2, 'not-a-session': This isn't a session id")
    assert problem.endswith("(1 more not understood)")


def test_more_than_two_hundred_distinct_sessions_are_refused_before_sending() -> None:
    ids = [f"0190b7c2-8a3e-7c41-9b0d-{n:012x}" for n in range(201)]
    read = session_input.parse_many("\n".join(ids + ids[:5]))
    assert len(read.session_ids) == 201 and read.duplicates == 5
    assert (
        read.problem()
        == "201 distinct sessions: at most 200 can be scanned at once. Split the list."
    )
    assert session_input.parse_many("\n".join(ids[:200])).problem() is None


def test_an_empty_paste_asks_for_ids() -> None:
    assert session_input.parse_many(" \n ,").problem() == (
        "Paste at least one session id or recording link."
    )
