"""What a viewer has loaded of the fleet's activity: pages, what is missing, "n of N"."""

from __future__ import annotations

from tests.console.overview.builders import make_scanner, make_stats
from vision_console.overview import progressive
from vision_console.overview.activity import FleetActivity


def test_pages_split_the_fleet_and_the_last_one_is_short() -> None:
    scanners = [make_scanner(f"s{i:02}") for i in range(45)]
    assert progressive.pages(45) == 3 and progressive.pages(0) == 1
    assert [s.name for s in progressive.page_of(scanners, 2)] == [f"s{i}" for i in range(40, 45)]
    assert progressive.page_of(scanners, 3) == []


def test_loaded_counts_tried_scanners_failures_included_and_versions_each_addition() -> None:
    a, b, c = (make_scanner(name) for name in "abc")
    state = progressive.Loaded()
    assert state.missing([a.id, b.id, c.id]) == [a.id, b.id, c.id]
    found = FleetActivity(
        stats={a.id: make_stats(1, 1, 1, 0, 100)},
        recent={a.id: ()},
        limits={a.id: 2, b.id: 100},
        errors={b.id: RuntimeError("503")},
    )
    state.add([a.id, b.id], found, seconds=0.5)
    assert state.missing([a.id, b.id, c.id]) == [c.id]
    assert state.count([a.id, b.id, c.id]) == 2 and state.version == 1
    snapshot = state.activity()
    assert set(snapshot.stats) == {a.id} and set(snapshot.errors) == {b.id}
    snapshot.stats.clear()  # a snapshot is a copy: the viewer's state is untouched
    assert set(state.stats) == {a.id}


def test_the_note_says_what_is_loaded_and_what_the_rest_costs() -> None:
    note = progressive.rest_note(1_000, 20)
    assert "20 of 1,000 scanners" in note
    assert "1,960 requests" in note and "4m 05s" in note
