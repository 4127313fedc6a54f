"""vision_console.observations.reads: a list window's typed observations, read when needed."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pytest

from vision_api import Observation
from vision_console.observations import reads

Factory = Callable[..., Observation]


def test_the_typed_observations_are_read_only_once_something_needs_one(
    observation: Factory,
) -> None:
    items = [observation("monitor", index) for index in range(3)]
    loads: list[int] = []

    def load() -> list[Observation]:
        loads.append(1)
        return items

    window = reads.Window("scanner", pd.DataFrame({"id": [item.id for item in items]}), load)
    assert loads == []
    assert window.observation_at(2) is items[2]
    assert window.observation_at(0) is items[0]
    assert loads == [1]


def test_an_open_row_is_found_by_its_id_when_the_list_answer_moved_on(
    observation: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The shared frame and the list answer expire apart: a newer answer (one observation
    arrived, another dropped out) must not open the row's neighbour."""
    old = [observation("monitor", index) for index in range(3)]
    newer = [observation("monitor", 9), *old[1:]]
    read_alone: list[str] = []

    def observation_alone(scanner_id: str, observation_id: str) -> Observation:
        read_alone.append(observation_id)
        return old[0]

    monkeypatch.setattr(reads, "observation", observation_alone)
    window = reads.Window("scanner", pd.DataFrame({"id": [item.id for item in old]}), lambda: newer)
    assert window.observation_at(1) is newer[1]
    assert window.observation_at(0) is old[0]
    assert read_alone == [old[0].id]
