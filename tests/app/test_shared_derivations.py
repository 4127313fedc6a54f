"""A new viewer of the same credentials reuses the stats chart specs an earlier viewer built.

Building Altair specs was most of what a new session's first run of the Observations page
cost once reads are cached; ``vision_console.cache.shared`` keeps them per credentials, write
generation and code version, so the second viewer builds no stats chart, another filter still
gets its own, and an edit of the code builds them anew.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import altair as alt
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.app.conftest import make_app
from vision_api import VisionClient
from vision_console import cache
from vision_console.observations import stats_charts
from vision_sandbox import Sandbox


class SpecBuilds:
    """Counts Altair ``to_dict`` calls (each builds and validates one chart spec), and
    how many of them the stats charts (status, coverage, the type's distribution) made."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        self.stats_charts = 0
        original = alt.TopLevelMixin.to_dict

        def counting(chart: Any, *args: Any, **kwargs: Any) -> Any:
            self.count += 1
            return original(chart, *args, **kwargs)

        build_stats_specs = stats_charts.specs

        def counting_stats(*args: Any, **kwargs: Any) -> Any:
            before = self.count
            try:
                return build_stats_specs(*args, **kwargs)
            finally:
                self.stats_charts += self.count - before

        monkeypatch.setattr(alt.TopLevelMixin, "to_dict", counting)
        monkeypatch.setattr(stats_charts, "specs", counting_stats)

    def reset(self) -> None:
        self.count = self.stats_charts = 0


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> Iterator[SpecBuilds]:
    st.cache_data.clear()
    yield SpecBuilds(monkeypatch)
    st.cache_data.clear()


def scorer_id(sandbox: Sandbox) -> str:
    with VisionClient(
        base_url=sandbox.base_url, project_id=sandbox.project_id, api_key=sandbox.api_key
    ) as client:
        return next(s.id for s in client.scanners.iter() if s.name == "UX quality")


def chart_specs(at: AppTest) -> list[dict[str, Any]]:
    return [json.loads(element.proto.spec) for element in at.get("vega_lite_chart")]


def open_observations(sandbox: Sandbox, **params: str) -> AppTest:
    at = make_app(sandbox, "observations", query_params=params)
    assert not at.exception, at.exception
    return at


def test_a_second_viewer_reuses_the_specs_and_sees_the_same_charts(
    sandbox: Sandbox, builds: SpecBuilds
) -> None:
    scanner = scorer_id(sandbox)
    first = open_observations(sandbox, scanner=scanner)
    assert builds.stats_charts >= 3  # status, coverage and the score histogram
    built_by_first = builds.count
    builds.reset()
    second = open_observations(sandbox, scanner=scanner)
    assert builds.stats_charts == 0
    assert builds.count < built_by_first
    assert chart_specs(second) == chart_specs(first)


def test_other_content_gets_its_own_specs(sandbox: Sandbox, builds: SpecBuilds) -> None:
    scanner = scorer_id(sandbox)
    everything = open_observations(sandbox, scanner=scanner)
    builds.reset()
    failed_only = open_observations(sandbox, scanner=scanner, status="failed")
    assert builds.stats_charts >= 2
    assert chart_specs(failed_only) != chart_specs(everything)


def test_an_edit_of_the_code_builds_the_specs_anew(
    sandbox: Sandbox, builds: SpecBuilds, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Refresh after editing a chart under ``make run`` shows the edited chart."""
    scanner = scorer_id(sandbox)
    open_observations(sandbox, scanner=scanner)
    builds.reset()
    edited = cache.code_version() + "-edited"
    monkeypatch.setattr(cache, "code_version", lambda: edited)
    open_observations(sandbox, scanner=scanner)
    assert builds.stats_charts >= 3


def test_the_code_version_follows_the_source_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = tmp_path / "charts.py"
    module.write_text("A = 1\n")
    monkeypatch.setattr(cache, "_SOURCE_ROOTS", (tmp_path,))
    before = cache.code_version()
    assert cache.code_version() == before
    module.write_text("A = 22\n")
    assert cache.code_version() != before
