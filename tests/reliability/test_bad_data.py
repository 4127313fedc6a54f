"""Bad data from the API: every page against a server whose answers are damaged.

``stub_api`` serves the console's reads with optional fields missing or null, values no
version of this console knows, enormous strings with Markdown and HTML in them, HTML instead of
JSON, and JSON of the wrong shape. Nothing may raise. Contract-valid damage must still show the
data (scanners, observations, numbers); invalid answers must be explained on the page.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from streamlit.testing.v1 import AppTest

from tests.reliability import stub_api
from tests.reliability.stub_api import CONTRACT_VALID, SCANNER_IDS, TYPES, VARIANTS, StubAPI
from tests.reliability.walk import Viewer, alerts, metrics

pytestmark = pytest.mark.timeout(240)

NOT_UNDERSTOOD = "does not understand"


@pytest.fixture(scope="module")
def stub() -> Iterator[StubAPI]:
    with stub_api.running() as running:
        yield running


def visit(viewer: Viewer, page: str, **query: str) -> AppTest:
    return viewer.open(page, **query)


def texts(at: AppTest) -> str:
    """Everything a person can read on the page, tables included."""
    kinds = ("title", "text", "markdown", "caption", "code")
    parts = [str(e.value) for kind in kinds for e in at.get(kind)]
    parts += alerts(at) + [f"{m.label} {m.value}" for m in at.metric]
    parts += [frame.value.to_string() for frame in at.dataframe]
    parts += [str(box.options) for box in at.selectbox]
    return "\n".join(parts).replace("\\", "")


@pytest.mark.parametrize("variant", CONTRACT_VALID)
def test_contract_valid_damage_still_shows_the_data(stub: StubAPI, variant: str) -> None:
    stub.variant = variant
    viewer = Viewer(stub)
    overview = viewer.settle("overview")
    assert not any(NOT_UNDERSTOOD in a for a in alerts(overview)), alerts(overview)
    assert "Stub monitor" in texts(overview)

    scanners = visit(viewer, "scanners")
    table = scanners.dataframe[0].value
    assert len(table) >= len(TYPES)
    assert all(any(f"Stub {kind}" in str(name) for name in table["Name"]) for kind in TYPES)

    for kind in TYPES:  # each type's charts and table, with its first observation opened
        opened = stub_api.observation_doc(kind, 0)["id"]
        page = visit(viewer, "observations", scanner=SCANNER_IDS[kind], obs=opened)
        shown = texts(page)
        assert not any(NOT_UNDERSTOOD in a for a in alerts(page)), (kind, alerts(page))
        tables = [f.value for f in page.dataframe if "Status" in f.value.columns]
        assert tables and len(tables[0]) == 2, (kind, alerts(page))
        if variant not in ("sparse", "nulls"):  # there, the session id is among the missing
            assert f"session-{kind}-0" in shown, (kind, alerts(page))
        if variant == "unknown":  # the opened observation's own words are shown
            output = stub_api.OUTPUTS[kind]
            assert str(output.get("reasoning") or output.get("summary")) in shown, kind

    if variant == "unknown":  # a scanner type that did not exist when this console was written
        page = visit(viewer, "observations", scanner=stub_api.UNKNOWN_TYPE_ID)
        assert "Stub detector" in texts(page)

    estimate = visit(viewer, "estimate")
    assert metrics(estimate).get("Matching sessions") == "900", alerts(estimate)


@pytest.mark.parametrize("variant", sorted(set(VARIANTS) - set(CONTRACT_VALID)))
def test_answers_that_break_the_contract_are_explained(stub: StubAPI, variant: str) -> None:
    stub.variant = variant
    viewer = Viewer(stub)
    for page in ("overview", "scanners", "observations", "estimate"):
        at = visit(viewer, page) if page != "overview" else viewer.at
        assert any(NOT_UNDERSTOOD in a for a in alerts(at)), (page, alerts(at))
