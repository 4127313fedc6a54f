"""Bad input: URL parameters and form fields fuzzed through the real pages (hypothesis).

Every value a person can put in a link or type into a form is generated: valid choices, near
misses, any Unicode, huge and empty strings, numbers out of range. The page must never raise,
must keep rendering, and must say what it did with a value it could not use: an ignored URL
value gets a warning (the page's own parser decides which values are invalid), a rejected form
value an error, and an accepted one is saved or applied.

One AppTest session per test serves all its examples (a rerun with a new URL is what a pasted
link does), so the example counts stay small and the whole module takes seconds.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from tests.app.conftest import make_app
from tests.reliability.walk import alerts, assert_no_exception, form_key, plain
from vision_api import NotFoundError, VisionClient
from vision_console import url_state
from vision_console.estimate import inputs as estimate_inputs
from vision_console.observations import state as observations_state
from vision_console.render import escape_markdown
from vision_console.scanner_config import form as scanner_form
from vision_console.scanners import list_query as scanner_list
from vision_sandbox import Sandbox

pytestmark = pytest.mark.timeout(300)

FUZZ = settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

DEAD_ALLOWED_HOST = "http://127.0.0.1:9"
"""On the allow-list, so a connection is made, but nothing listens there (nothing is sent
before a page asks)."""

GARBAGE = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="abc-_,.%/\\", min_size=300, max_size=600),
    st.integers(-(10**15), 10**15).map(str),
    st.sampled_from(["", " ", "0", "-1", "1e9", "nan", "inf", "%00", "../..", "null", "true"]),
    st.uuids().map(str),
)


def near_misses(choices: list[str]) -> st.SearchStrategy[str]:
    """Valid choices, their case variants, and comma lists mixing them with garbage."""
    valid = st.sampled_from(choices)
    return st.one_of(
        valid,
        valid.map(str.upper),
        st.lists(st.one_of(valid, GARBAGE), min_size=1, max_size=4).map(",".join),
    )


def url_values(options: dict[str, list[str]]) -> st.SearchStrategy[dict[str, str]]:
    """A URL: some of the page's parameters, each valid, nearly valid or garbage."""
    return st.dictionaries(
        st.sampled_from(sorted(options)),
        st.deferred(lambda: st.one_of(GARBAGE, st.just(""))),
        max_size=4,
    ).flatmap(
        lambda chosen: st.fixed_dictionaries(
            {name: st.one_of(near_misses(options[name]), GARBAGE) for name in chosen}
        )
    )


def warnings(at: AppTest) -> list[str]:
    return [plain(w.value) for w in at.warning]


def load_with_url(at: AppTest, params: dict[str, str]) -> AppTest:
    for name in list(at.query_params):
        del at.query_params[name]
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    assert_no_exception(at, f"URL {params!r}")
    return at


@pytest.fixture(scope="module")
def fuzz_sandbox() -> Iterator[Sandbox]:
    with Sandbox.start(seed="demo", scan_delay=0.05, era="current") as sb:
        yield sb


@pytest.fixture(scope="module")
def client(fuzz_sandbox: Sandbox) -> Iterator[VisionClient]:
    with VisionClient(
        base_url=fuzz_sandbox.base_url,
        project_id=fuzz_sandbox.project_id,
        api_key=fuzz_sandbox.api_key,
    ) as made:
        yield made


def page_session(sandbox: Sandbox, page: str) -> AppTest:
    at = make_app(sandbox, page)
    assert_no_exception(at, page)
    return at


# --- URL parameters ---------------------------------------------------------------------------


def test_scanners_url_parameters(fuzz_sandbox: Sandbox, client: VisionClient) -> None:
    some_id = next(iter(client.scanners.iter())).id
    options = {
        "q": ["checkout", "Rage"],
        "enabled": list(scanner_list.ENABLED_CHOICES),
        "type": ["monitor", "scorer", "classifier", "summarizer"],
        "creator": ["1", "2", "3"],
        "signals": list(scanner_list.SIGNALS_CHOICES),
        "sort": list(scanner_list.SORTS),
        "page": ["1", "2", "10000"],
        "scanner": [some_id],
    }
    at = page_session(fuzz_sandbox, "scanners")

    known = {s.id: s.name for s in client.scanners.iter()}

    @FUZZ
    @given(url_values(options))
    def check(params: dict[str, str]) -> None:
        load_with_url(at, params)
        values, notices = url_state.parse_params(params, scanner_list.PARAMS)
        linked = str(values.get("scanner") or "")
        if linked:  # a list link naming a scanner (from before the scanner page) opens its page
            name = known.get(linked.lower())
            if name is not None:
                assert at.title and at.title[0].value == escape_markdown(name), params
                assert at.query_params["id"] == linked.lower()
            else:  # no scanner of this project: the scanner page says why (none, or the last)
                assert alerts(at), params
                assert not (at.title and at.title[0].value == "Scanners"), params
            return
        assert at.title and at.title[0].value == "Scanners"
        if notices:
            assert warnings(at), (params, notices)

    check()


def test_observations_url_parameters(fuzz_sandbox: Sandbox, client: VisionClient) -> None:
    scanners = list(client.scanners.iter())
    monitor = next(s for s in scanners if s.scanner_type == "monitor")
    first = client.observations.list(monitor.id, limit=1).items[0]
    options = {
        "scanner": [s.id for s in scanners] + [monitor.name],
        "status": list(observations_state.STATUSES),
        "verdict": ["yes", "no", "inconclusive"],
        "tags": ["completed", "abandoned"],
        "triggered_by": list(observations_state.TRIGGERS),
        "session": [first.session_id],
        "days": ["1", "14", "365", "366"],
        "sort": list(observations_state.ALL_SORTS),
        "page": ["1", "2", "999999"],
        "size": [str(size) for size in observations_state.PAGE_SIZES],
        "bucket": ["1-2", "5–5"],
        "min_score": ["0", "2.5", "7", "-3", "1e7"],
        "max_score": ["10", "4", "0.5", "nan"],
        "date_from": ["2026-11-01", "2026-12-31", "01/11/2026"],
        "date_to": ["2026-12-01", "2026-10-01", "2026-02-30"],
        "subject": ["example.com", "ALICE", "@"],
        "labeled": list(observations_state.LABELED),
        "per": ["day", "week", "month"],
        "obs": [first.id],
        "trends": ["true", "false", "maybe"],
        "ratings": ["1", "no"],
        "whole_set": ["yes", "0", "2"],
    }
    assert set(options) == {param.name for param in observations_state.PARAMS}
    at = page_session(fuzz_sandbox, "observations")

    @FUZZ
    @given(url_values(options))
    def check(params: dict[str, str]) -> None:
        load_with_url(at, params)
        assert at.title and at.title[0].value == "Observations"
        _values, notices = url_state.parse_params(params, observations_state.PARAMS)
        if notices:
            assert warnings(at), (params, notices)

    check()


def test_estimate_url_parameter(fuzz_sandbox: Sandbox, client: VisionClient) -> None:
    ids = [s.id for s in client.scanners.iter()]
    at = page_session(fuzz_sandbox, "estimate")

    @FUZZ
    @given(url_values({"scanner": ids}))
    def check(params: dict[str, str]) -> None:
        at.session_state[estimate_inputs.STATE.key("scanner")] = estimate_inputs.DRAFT_SOURCE
        load_with_url(at, params)
        assert at.title and at.title[0].value == "Estimate"
        _values, notices = url_state.parse_params(params, estimate_inputs.PARAMS)
        if notices:
            assert warnings(at), (params, notices)

    check()


# --- forms ------------------------------------------------------------------------------------


TEXT = st.one_of(st.text(max_size=60), st.text(min_size=250, max_size=300), st.just(""))
JSON_TEXT = st.one_of(
    st.just(""),
    st.just("{}"),
    st.just('{"order": }'),
    st.just("[1, 2]"),
    st.just('{"date_from": "-7d", "limit": 5}'),
    st.text(max_size=40),
)


def open_blank_form(at: AppTest) -> None:
    at.button(key="scanners.new").click().run()
    at.button(key="scanners.template.blank").click().run()


@FUZZ
@given(
    name=TEXT,
    description=TEXT,
    prompt=TEXT,
    rate=st.floats(0.0, 100.0, allow_nan=False),
    extra=JSON_TEXT,
)
def test_scanner_form_fields(
    fuzz_sandbox: Sandbox,
    client: VisionClient,
    name: str,
    description: str,
    prompt: str,
    rate: float,
    extra: str,
) -> None:
    # A field keeps at most its max_chars (a browser stops the typing there, Streamlit cuts
    # what arrives longer), so that is what the form holds and saves.
    name = name[: scanner_form.MAX_NAME]
    at = page_session(fuzz_sandbox, "scanners")
    open_blank_form(at)
    at.text_input(key=form_key(at, "name")).set_value(name)
    at.text_area(key=form_key(at, "description")).set_value(description)
    at.text_area(key=form_key(at, "prompt")).set_value(prompt)
    at.number_input(key=form_key(at, "rate_pct")).set_value(rate)
    at.text_area(key=form_key(at, "q_extra")).set_value(extra)
    at.button(key=form_key(at, "submit")).click().run()
    assert_no_exception(at, "save")
    if "scanners.form" in at.session_state:  # not saved: the form says why, values kept
        assert at.error, "the form stayed open without saying why"
        assert at.text_input(key=form_key(at, "name")).value == name
        assert at.text_area(key=form_key(at, "prompt")).value == prompt
    else:  # saved: exactly this scanner exists, then it is removed again
        created = [
            s for s in client.scanners.list(search=name.strip()).items if s.name == name.strip()
        ]
        assert len(created) == 1
        with contextlib.suppress(NotFoundError):
            client.scanners.delete(created[0].id)


@FUZZ
@given(
    low=st.one_of(st.none(), st.floats(0, 10**7, allow_nan=False)),
    high=st.one_of(st.none(), st.floats(0, 10**7, allow_nan=False)),
    extra=JSON_TEXT,
    events=st.lists(st.text(min_size=1, max_size=30), max_size=3),
)
def test_estimate_query_fields(
    fuzz_sandbox: Sandbox, low: float | None, high: float | None, extra: str, events: list[str]
) -> None:
    at = page_session(fuzz_sandbox, "estimate")
    prefix = "estimate:draft"
    at.session_state[f"{prefix}:query_open"] = True  # the filters form is built only while open
    at.run()
    at.number_input(key=f"{prefix}:duration_min").set_value(low)
    at.number_input(key=f"{prefix}:duration_max").set_value(high)
    at.text_area(key=f"{prefix}:extra").set_value(extra)
    at.multiselect(key=f"{prefix}:events").set_value(events)
    at.button(key=f"FormSubmitter:{prefix}:query_form-Update estimate").click().run()
    assert_no_exception(at, "update estimate")
    shown = {m.label for m in at.metric}
    assert "Matching sessions" in shown or at.error or at.info, "neither an estimate nor why not"


@FUZZ
@given(
    host=st.one_of(GARBAGE, st.just(DEAD_ALLOWED_HOST)),
    project=st.one_of(GARBAGE, st.just("1")),
    key=st.one_of(st.just(""), st.text(max_size=80)),
)
def test_connect_form_fields(fuzz_sandbox: Sandbox, host: str, project: str, key: str) -> None:
    at = make_app(fuzz_sandbox, frame_only=True, secrets={"allowed_hosts": [DEAD_ALLOWED_HOST]})
    at.text_input(key="connect_host").set_value(host)
    at.text_input(key="connect_project").set_value(project)
    at.text_input(key="connect_api_key").set_value(key)
    at.get("form_submit_button")[0].click().run()
    assert_no_exception(at, "connect")
    sidebar_errors = [plain(e.value) for e in at.sidebar.error]
    connected = any("your own key" in plain(c.value) for c in at.sidebar.caption)
    assert sidebar_errors or connected, "neither connected nor told why not"
    assert not (sidebar_errors and connected)
    if connected:
        assert host == DEAD_ALLOWED_HOST and key.strip()
    elif key.strip():
        assert key.strip() not in " ".join(sidebar_errors)  # a typed key is never echoed
