"""AppTest of the Estimate page against the shared sandbox of each era.

The page's numbers are compared with what the estimate and quota endpoints answer for the same
inputs; requests are counted at the sandbox to show that only a new query (or scanner, model or
coverage) is sent, never a rate change; 429s are injected at the sandbox. Every test runs once
on the current era (credits, 7-day window, session coverage) and once on the seed era
(observations, 30-day window).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

import vision_api
import vision_api._client
from tests.app.conftest import AppFactory, make_app
from vision_api import Era, Estimate, Scanner, VisionClient
from vision_console import cost, models_catalog, navigation, sampling_modes
from vision_console import format as fmt
from vision_console.estimate import charts, inputs
from vision_console.scanners import form_panel as scanner_form_view
from vision_sandbox import Sandbox

DEFAULT_MODEL = models_catalog.DEFAULT_MODEL
LITE_MODELS: dict[str, str] = {
    "current": "gemini-3.5-flash-lite",
    "seed": "gemini-3.1-flash-lite-preview",
}
ESTIMATE_PATH = "/scanners/estimate/"
DRAFT = f"estimate:{inputs.DRAFT_SOURCE}"
SOURCE = inputs.STATE.key("scanner")
FILTER_SECTION = "Recordings filter"


@pytest.fixture
def era_sandbox(any_era_sandbox: Sandbox) -> Iterator[Sandbox]:
    """The sandbox of the era under test (each test runs once per era)."""
    yield any_era_sandbox
    any_era_sandbox.faults.reset()


@pytest.fixture
def era(era_sandbox: Sandbox) -> Era:
    found: Era = era_sandbox.era
    return found


@pytest.fixture
def app(era_sandbox: Sandbox) -> AppFactory:
    def factory(page: str | None = None, **options: Any) -> AppTest:
        return make_app(era_sandbox, page, **options)

    return factory


@pytest.fixture
def lite(era: Era) -> str:
    """The era's cheapest model (2 credits an observation)."""
    return LITE_MODELS[era]


@pytest.fixture
def client(era_sandbox: Sandbox) -> Iterator[VisionClient]:
    with VisionClient(
        base_url=era_sandbox.base_url,
        project_id=era_sandbox.project_id,
        api_key=era_sandbox.api_key,
    ) as c:
        yield c


@pytest.fixture
def own_scanner(client: VisionClient, era: Era, lite: str) -> Iterator[Scanner]:
    extra = {"sampling_mode": "comprehensive"} if era == "current" else {}
    scanner = client.scanners.create(
        name=f"Estimate page {uuid.uuid4().hex[:8]}",
        scanner_type="monitor",
        scanner_config={"prompt": "Did checkout fail?"},
        model=lite,
        sampling_rate=0.3,
        query={"filter_test_accounts": True},
        **extra,
    )
    yield scanner
    client.scanners.delete(scanner.id)


def draft_mode(era: Era) -> str | None:
    """The coverage a new draft is estimated with (none in the seed era)."""
    return sampling_modes.DEFAULT_FOR_NEW if era == "current" else None


def server_estimate(
    client: VisionClient,
    era: Era,
    query: dict[str, Any] | None = None,
    *,
    mode: str | None = None,
    **options: Any,
) -> Estimate:
    """What the endpoint answers for the page's inputs (the draft's coverage by default)."""
    chosen = mode if mode is not None else draft_mode(era)
    extra = {"sampling_mode": chosen} if era == "current" else {}
    options.setdefault("model", DEFAULT_MODEL)
    return client.scanners.estimate(query=query or {}, **options, **extra)


def others(estimate: Estimate, era: Era) -> int | None:
    """The other enabled scanners in the era's unit: credits now, observations in the seed."""
    if era == "current":
        return estimate.other_enabled_scanners_monthly_credits
    return estimate.other_enabled_scanners_monthly


def credits_of(estimate: Estimate, model: str) -> int:
    if estimate.estimated_credits_per_month is not None:
        return estimate.estimated_credits_per_month
    return estimate.estimated_observations_per_month * models_catalog.credits_per_observation(model)


def open_page(app: AppFactory, scanner: Scanner | None = None, **options: Any) -> AppTest:
    params = {"scanner": scanner.id} if scanner else {}
    at = app("estimate", query_params=params, **options)
    assert not at.exception, at.exception
    return at


def number(at: AppTest, label: str) -> int:
    value = next(m.value for m in at.metric if m.label == label)
    return int(value.replace(",", ""))


def set_rate(at: AppTest, prefix: str, percent: float) -> AppTest:
    at.number_input(key=f"{prefix}:rate_exact").set_value(percent).run()
    assert not at.exception, at.exception
    return at


def section_label(at: AppTest, title: str) -> str:
    """The label of the page's collapsible section whose label starts with ``title``."""
    return next(e.label for e in at.expander if e.label.startswith(title))


def toggle_section(at: AppTest, key: str, opened: bool = True) -> AppTest:
    """Open (or close) a lazy section as a click would: its key's state, then a rerun."""
    at.session_state[key] = opened
    at.run()
    assert not at.exception, at.exception
    return at


def open_filters(at: AppTest, prefix: str, opened: bool = True) -> AppTest:
    return toggle_section(at, f"{prefix}:query_open", opened)


def open_budget(at: AppTest, prefix: str, opened: bool = True) -> AppTest:
    return toggle_section(at, f"{prefix}:budget_open", opened)


def submit_filters(at: AppTest, prefix: str) -> AppTest:
    at.button(key=f"FormSubmitter:{prefix}:query_form-Update estimate").click().run()
    assert not at.exception, at.exception
    return at


def test_numbers_equal_the_endpoints_at_any_rate(
    app: AppFactory, client: VisionClient, era: Era
) -> None:
    at = set_rate(open_page(app), DRAFT, 100.0)
    full = server_estimate(client, era, sampling_rate=1.0)
    assert number(at, "Matching sessions") == full.matched_sessions_in_window
    assert number(at, "Observations / month") == full.estimated_observations_per_month
    assert number(at, "Credits / month") == credits_of(full, DEFAULT_MODEL)
    assert number(at, "Other scanners") == others(full, era)
    sessions = next(m for m in at.metric if m.label == "Matching sessions")
    assert sessions.proto.delta == f"in the {fmt.last_days(full.window_days)}"
    assert full.window_days == (7 if era == "current" else 30)
    credits = next(m for m in at.metric if m.label == "Credits / month")
    dollars = fmt.money(cost.dollars_for(credits_of(full, DEFAULT_MODEL)))
    assert credits.proto.delta == f"≈ {dollars}"
    for percent in (37.37, 0.01, 0.0):
        set_rate(at, DRAFT, percent)
        server = server_estimate(client, era, sampling_rate=percent / 100)
        assert number(at, "Observations / month") == server.estimated_observations_per_month
        assert number(at, "Credits / month") == credits_of(server, DEFAULT_MODEL)


def test_the_fleet_and_quota_are_in_the_eras_unit(
    app: AppFactory, client: VisionClient, era: Era
) -> None:
    """Issue 13: today's estimate sends the others in credits only; the page showed 0 others,
    a 100% share and a quota of 3,000 observations ("ok") that no API call had read."""
    at = set_rate(open_page(app), DRAFT, 100.0)
    full = server_estimate(client, era, sampling_rate=1.0)
    fleet_others = others(full, era)
    assert fleet_others
    mine = (
        credits_of(full, DEFAULT_MODEL)
        if era == "current"
        else (full.estimated_observations_per_month)
    )
    share = next(m for m in at.metric if m.label == "Share")
    assert share.value == fmt.percent(mine / (mine + fleet_others))
    assert share.proto.delta == ("of spend" if era == "current" else "of observations")
    limit = client.quota.retrieve()
    unit = "credits" if era == "current" else "observations"
    assert limit.unit == unit and limit.limit is not None
    summary = f"of {fmt.count(limit.limit)} {unit} used"
    assert any(summary in c.value for c in at.caption), [c.value for c in at.caption]
    quota_metric = next(m for m in at.metric if m.label == "Quota")
    assert quota_metric.value.endswith("%")
    assert len(at.get("vega_lite_chart")) == 2  # the quota meter and the cost curve


def test_moving_the_rate_sends_no_request(app: AppFactory, era_sandbox: Sandbox) -> None:
    at = open_page(app)
    before = number(at, "Observations / month")
    era_sandbox.requests.clear()
    at.slider(key=f"{DRAFT}:rate_slider").set_value(55).run()
    assert at.number_input(key=f"{DRAFT}:rate_exact").value == 55.0
    set_rate(at, DRAFT, 3.25)
    assert at.slider(key=f"{DRAFT}:rate_slider").value == 3, "the nearest whole percent"
    assert number(at, "Observations / month") != before
    assert era_sandbox.requests.count() == 0


def test_the_rate_slider_steps_in_whole_percents_and_the_exact_rate_is_checked(
    app: AppFactory,
) -> None:
    """Issue 15 item 15: arrow keys moved the rate by 0.01%; and, like the form, a typed 150%
    is explained instead of silently clamped."""
    at = open_page(app)
    assert at.slider(key=f"{DRAFT}:rate_slider").step == 1
    set_rate(at, DRAFT, 150.0)
    assert any(str(e.value) == "Sampling rate can be at most 100%." for e in at.error)


def test_a_new_query_or_model_is_estimated_once(
    app: AppFactory, era_sandbox: Sandbox, lite: str
) -> None:
    at = open_filters(open_page(app), DRAFT)
    era_sandbox.requests.clear()
    at.toggle(key=f"{DRAFT}:tests").set_value(True)
    submit_filters(at, DRAFT)
    assert era_sandbox.requests.count(path_contains=ESTIMATE_PATH) == 1
    at.selectbox(key=f"{DRAFT}:model").set_value(lite).run()
    assert era_sandbox.requests.count(path_contains=ESTIMATE_PATH) == 2
    set_rate(at, DRAFT, 12.0)
    at.run()
    assert era_sandbox.requests.count(path_contains=ESTIMATE_PATH) == 2
    assert number(at, "Credits / month") == 2 * number(at, "Observations / month")


def test_session_coverage_is_an_input_of_the_current_era_only(
    app: AppFactory, era_sandbox: Sandbox, client: VisionClient, era: Era
) -> None:
    at = open_page(app)
    modes = [s for s in at.selectbox if s.key == f"{DRAFT}:sampling_mode"]
    if era == "seed":
        assert not modes  # the seed era has no sampling mode
        return
    assert modes[0].value == sampling_modes.DEFAULT_FOR_NEW
    assert modes[0].options == [sampling_modes.LABELS[mode] for mode in sampling_modes.MODES]
    era_sandbox.requests.clear()
    modes[0].set_value("focused").run()
    assert not at.exception, at.exception
    assert era_sandbox.requests.count(path_contains=ESTIMATE_PATH) == 1
    focused = server_estimate(client, era, mode="focused")
    assert number(at, "Matching sessions") == focused.matched_sessions_in_window
    era_sandbox.requests.clear()
    at.selectbox(key=f"{DRAFT}:sampling_mode").set_value("balanced").run()
    set_rate(at, DRAFT, 64.0)
    at.selectbox(key=f"{DRAFT}:sampling_mode").set_value("focused").run()
    assert era_sandbox.requests.count(path_contains=ESTIMATE_PATH) == 0  # each mode asked once


def test_only_the_eras_models_are_offered(app: AppFactory, era: Era) -> None:
    at = open_page(app)
    offered = at.selectbox(key=f"{DRAFT}:model").options
    labels = [models_catalog.model_option_label(m.id) for m in vision_api.models_for(era)]
    assert offered == labels
    retired = "gemini-3.1-flash-lite-preview"
    assert (models_catalog.model_option_label(retired) in offered) == (era == "seed")


def test_a_scanner_is_prefilled_and_left_out_of_the_others(
    app: AppFactory, client: VisionClient, own_scanner: Scanner, era: Era, lite: str
) -> None:
    at = open_page(app, own_scanner)
    prefix = f"estimate:{own_scanner.id}"
    assert at.selectbox(key=SOURCE).value == own_scanner.id
    assert at.selectbox(key=f"{prefix}:model").value == lite
    assert at.number_input(key=f"{prefix}:rate_exact").value == pytest.approx(30.0)
    assert not at.toggle  # the filters start collapsed, summarised in their label
    assert section_label(at, FILTER_SECTION) == (
        f"{FILTER_SECTION} · all recordings · without test accounts"
    )
    assert open_filters(at, prefix).toggle(key=f"{prefix}:tests").value is True
    mode = "comprehensive" if era == "current" else None
    mine = server_estimate(
        client,
        era,
        own_scanner.query,
        mode=mode,
        sampling_rate=0.3,
        scanner_id=own_scanner.id,
        model=lite,
    )
    everyone = server_estimate(client, era, own_scanner.query, mode=mode, model=lite)
    assert number(at, "Other scanners") == others(mine, era)
    saved = client.scanners.retrieve(own_scanner.id)
    counted = saved.estimated_monthly_observations
    if era == "current":
        counted = models_catalog.scanner_monthly_credits(saved)
    assert (others(everyone, era) or 0) - (others(mine, era) or 0) == counted
    assert number(at, "Observations / month") == mine.estimated_observations_per_month
    assert number(at, "Credits / month") == credits_of(mine, lite)


def test_a_429_keeps_the_last_estimate_marked_stale(app: AppFactory, era_sandbox: Sandbox) -> None:
    at = open_filters(open_page(app), DRAFT)
    shown = number(at, "Matching sessions")
    # A short Retry-After: the client's pacer holds this project's estimates for every client
    # in the process until it passes, and the next test must not wait for it.
    era_sandbox.faults.fail_next(5, status=429, path_contains=ESTIMATE_PATH, retry_after=3)
    at.toggle(key=f"{DRAFT}:tests").set_value(True)
    submit_filters(at, DRAFT)
    assert any("Stale" in w.value for w in at.warning)
    assert any("throttling" in w.value and "3 seconds" in w.value for w in at.warning)
    assert any("retrying automatically in" in c.value for c in at.caption)
    assert number(at, "Matching sessions") == shown
    era_sandbox.requests.clear()
    at.run()
    set_rate(at, DRAFT, 42.0)  # the stale estimate still scales, and nothing is sent
    assert era_sandbox.requests.count(path_contains=ESTIMATE_PATH) == 0
    assert any("Stale" in w.value for w in at.warning)


def test_the_page_retries_once_retry_after_has_passed(
    app: AppFactory, era_sandbox: Sandbox, client: VisionClient, era: Era
) -> None:
    at = open_filters(open_page(app), DRAFT)
    era_sandbox.faults.fail_next(4, status=429, path_contains=ESTIMATE_PATH, retry_after=1)
    at.toggle(key=f"{DRAFT}:tests").set_value(True)
    submit_filters(at, DRAFT)  # the client waits out each 1 s Retry-After, then gives up
    assert any("Stale" in w.value for w in at.warning)
    era_sandbox.faults.reset()
    time.sleep(1.1)  # let the page's own Retry-After pass
    at.run()
    assert not any("Stale" in w.value for w in at.warning)
    fresh = server_estimate(client, era, {"filter_test_accounts": True})
    assert number(at, "Matching sessions") == fresh.matched_sessions_in_window


def test_save_applies_only_the_changed_rate_after_review(
    app: AppFactory, era_sandbox: Sandbox, client: VisionClient, own_scanner: Scanner, lite: str
) -> None:
    at = open_page(app, own_scanner)
    prefix = f"estimate:{own_scanner.id}"
    assert any("nothing to save" in c.value for c in at.caption)
    set_rate(at, prefix, 12.5)
    at.button(key=f"estimate:save:{own_scanner.id}").click().run()
    assert not at.table  # the review is a dataframe: cells are text, never Markdown
    review = at.dataframe[-1].value
    assert list(review.loc["Sampling rate"]) == ["30%", "12.5%"]
    after_credits = f"{number(at, 'Credits / month'):,}"
    assert review.loc["Credits / month", "After"].startswith(after_credits)
    era_sandbox.requests.clear()
    at.button(key=f"estimate:confirm:{own_scanner.id}").click().run()
    assert not at.exception
    assert era_sandbox.requests.count(method="PATCH") == 1
    saved = client.scanners.retrieve(own_scanner.id)
    assert saved.sampling_rate == pytest.approx(0.125)
    assert saved.query == {"filter_test_accounts": True}
    assert saved.model == lite
    assert saved.scanner_version == own_scanner.scanner_version + 1
    assert any("nothing to save" in c.value for c in at.caption)


def test_save_applies_a_new_query(
    app: AppFactory, client: VisionClient, own_scanner: Scanner
) -> None:
    prefix = f"estimate:{own_scanner.id}"
    at = open_filters(open_page(app, own_scanner), prefix)
    at.toggle(key=f"{prefix}:tests").set_value(False)
    at.number_input(key=f"{prefix}:duration_min").set_value(60.0)
    submit_filters(at, prefix)
    at.button(key=f"estimate:save:{own_scanner.id}").click().run()
    at.button(key=f"estimate:confirm:{own_scanner.id}").click().run()
    saved = client.scanners.retrieve(own_scanner.id)
    assert saved.query == {
        "having_predicates": [
            {"key": "duration", "type": "recording", "operator": "gt", "value": 60}
        ]
    }
    assert saved.sampling_rate == pytest.approx(0.3)


def test_budget_calculator_moves_the_rate_without_a_request(
    app: AppFactory, era_sandbox: Sandbox
) -> None:
    at = open_budget(open_page(app), DRAFT)
    era_sandbox.requests.clear()
    at.number_input(key=f"{DRAFT}:budget").set_value(1000.0).run()
    assert any("At most 1,000 credits" in m.value for m in at.markdown)
    use = next(b for b in at.button if b.key == f"{DRAFT}:use_budget_rate")
    use.click().run()
    assert number(at, "Credits / month") <= 1000
    rate = at.number_input(key=f"{DRAFT}:rate_exact").value
    set_rate(at, DRAFT, rate + 0.5)
    assert number(at, "Credits / month") > 1000
    at.number_input(key=f"{DRAFT}:budget").set_value(0.0).run()
    assert any("must be paused" in m.value for m in at.markdown)
    assert era_sandbox.requests.count() == 0


def test_the_sampling_floor_is_explained_and_blocks_saving(
    app: AppFactory, own_scanner: Scanner
) -> None:
    at = set_rate(open_page(app, own_scanner), f"estimate:{own_scanner.id}", 0.005)
    assert any("at least 0.01%" in e.value for e in at.error)
    assert not [b for b in at.button if b.key == f"estimate:save:{own_scanner.id}"]


def test_invalid_filters_keep_the_estimate_and_say_why(
    app: AppFactory, era_sandbox: Sandbox
) -> None:
    at = open_filters(open_page(app), DRAFT)
    shown = number(at, "Matching sessions")
    era_sandbox.requests.clear()
    at.text_area(key=f"{DRAFT}:extra").input('{"not_a_filter": 1}')
    submit_filters(at, DRAFT)
    assert any("Recording filter is invalid" in e.value for e in at.error)
    assert number(at, "Matching sessions") == shown
    assert era_sandbox.requests.count() == 0


def test_a_draft_is_handed_to_the_create_form(app: AppFactory, lite: str, era: Era) -> None:
    at = open_filters(set_rate(open_page(app), DRAFT, 7.5), DRAFT)
    if era == "current":
        at.selectbox(key=f"{DRAFT}:sampling_mode").set_value("focused").run()
    at.toggle(key=f"{DRAFT}:tests").set_value(True)
    submit_filters(at, DRAFT)
    at.selectbox(key=f"{DRAFT}:model").set_value(lite).run()
    next(b for b in at.button if b.label == "Create a scanner with these settings").click().run()
    assert not at.exception, at.exception
    session = at.session_state[scanner_form_view.SESSION_KEY]
    assert session.mode == "create"
    assert at.number_input(key=session.key("rate_pct")).value == pytest.approx(7.5)
    assert at.checkbox(key=session.key("q_test_accounts")).value is True
    assert at.selectbox(key=session.key("model")).value == lite
    if era == "current":
        assert at.radio(key=session.key("sampling_mode")).value == "focused"


def test_read_only_console_estimates_but_offers_no_save(
    app: AppFactory, own_scanner: Scanner
) -> None:
    at = set_rate(
        open_page(app, own_scanner, secrets={"read_only": True}), f"estimate:{own_scanner.id}", 50.0
    )
    assert any("read-only" in i.value for i in at.info)
    assert not [b for b in at.button if b.key == f"estimate:save:{own_scanner.id}"]
    assert number(at, "Observations / month") >= 0


def test_an_idle_rerun_builds_no_chart_and_a_rate_change_marks_the_new_rate(
    app: AppFactory, era_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    chosen: list[float] = []
    real = charts.cost_curve_chart

    def recording(curve: Any, chosen_rate: float, **options: Any) -> Any:
        chosen.append(chosen_rate)
        return real(curve, chosen_rate, **options)

    monkeypatch.setattr(charts, "cost_curve_chart", recording)
    at = open_page(app)
    assert len(chosen) == 1
    era_sandbox.requests.clear()
    at.run()
    at.run()
    assert not at.exception, at.exception
    assert len(chosen) == 1  # nothing changed: the kept spec is drawn again
    assert len(at.get("vega_lite_chart")) == 2  # the quota meter and the curve
    at.slider(key=f"{DRAFT}:rate_slider").set_value(55.0).run()
    assert not at.exception, at.exception
    assert chosen[1:] == [0.55]  # one new spec, marking the new rate
    assert era_sandbox.requests.count() == 0


def test_the_filters_are_summarised_collapsed_and_keep_what_was_applied(
    app: AppFactory, era_sandbox: Sandbox, client: VisionClient, era: Era
) -> None:
    at = open_page(app)
    everything = number(at, "Matching sessions")
    assert section_label(at, FILTER_SECTION) == (
        f"{FILTER_SECTION} · all recordings · with test accounts"
    )
    assert not at.toggle and not at.text_area  # collapsed: the form is not built at all
    open_filters(at, DRAFT)
    at.toggle(key=f"{DRAFT}:tests").set_value(True)
    at.number_input(key=f"{DRAFT}:duration_min").set_value(60.0)
    at.multiselect(key=f"{DRAFT}:levels").set_value(["error"])
    submit_filters(at, DRAFT)
    summary = f"{FILTER_SECTION} · duration > 60 s · console error · without test accounts"
    assert section_label(at, FILTER_SECTION) == summary
    assert at.toggle(key=f"{DRAFT}:tests").value is True  # still open after the update

    applied = {
        "filter_test_accounts": True,
        "having_predicates": [
            {"key": "duration", "type": "recording", "operator": "gt", "value": 60}
        ],
        "console_log_filters": [
            {"key": "level", "type": "log_entry", "operator": "exact", "value": ["error"]}
        ],
    }
    fresh = server_estimate(client, era, applied)
    assert fresh.matched_sessions_in_window != everything  # so the check below can tell
    era_sandbox.requests.clear()
    open_filters(at, DRAFT, opened=False)
    assert not at.toggle
    assert section_label(at, FILTER_SECTION) == summary
    assert number(at, "Matching sessions") == fresh.matched_sessions_in_window
    assert era_sandbox.requests.count(path_contains=ESTIMATE_PATH) == 0  # collapsing sends nothing

    open_filters(at, DRAFT)
    assert at.toggle(key=f"{DRAFT}:tests").value is True
    assert at.number_input(key=f"{DRAFT}:duration_min").value == 60.0
    assert at.multiselect(key=f"{DRAFT}:levels").value == ["error"]


def test_a_rejected_edit_is_flagged_and_kept_while_collapsed(app: AppFactory) -> None:
    at = open_filters(open_page(app), DRAFT)
    typed = '{"not_a_filter": 1}'
    at.text_area(key=f"{DRAFT}:extra").input(typed)
    at.toggle(key=f"{DRAFT}:tests").set_value(True)
    submit_filters(at, DRAFT)
    flagged = f"{FILTER_SECTION} · all recordings · with test accounts · last edit not applied"
    assert section_label(at, FILTER_SECTION) == flagged
    assert at.text_area(key=f"{DRAFT}:extra").value == typed  # open beside its error

    open_filters(at, DRAFT, opened=False)
    assert any("Recording filter is invalid" in e.value for e in at.error)
    assert section_label(at, FILTER_SECTION) == flagged
    open_filters(at, DRAFT)
    assert at.text_area(key=f"{DRAFT}:extra").value == typed
    assert at.toggle(key=f"{DRAFT}:tests").value is True

    at.text_area(key=f"{DRAFT}:extra").input("{}")
    submit_filters(at, DRAFT)
    assert not at.error
    assert section_label(at, FILTER_SECTION) == (
        f"{FILTER_SECTION} · all recordings · without test accounts"
    )


def test_the_budget_calculator_collapsed_keeps_its_answer(app: AppFactory) -> None:
    at = open_page(app)
    idle = "Budget calculator: the highest rate that fits a monthly budget"
    assert section_label(at, "Budget calculator") == idle
    assert not [n for n in at.number_input if n.key == f"{DRAFT}:budget"]
    open_budget(at, DRAFT)
    at.segmented_control(key=f"{DRAFT}:budget_unit").set_value("$").run()
    at.number_input(key=f"{DRAFT}:budget").set_value(10.0).run()
    answer = next(m.value for m in at.markdown if "At most 1,000 credits" in m.value)
    rate = answer.split("**")[1]
    label = f"Budget calculator: 1,000 credits a month · at most {rate}"
    assert section_label(at, "Budget calculator") == label

    open_budget(at, DRAFT, opened=False)
    assert section_label(at, "Budget calculator") == label
    assert not any("At most" in m.value for m in at.markdown)
    open_budget(at, DRAFT)
    assert at.number_input(key=f"{DRAFT}:budget").value == 10.0
    assert at.segmented_control(key=f"{DRAFT}:budget_unit").value == "$"


def test_switching_source_and_back_starts_from_the_scanners_own_filters(
    app: AppFactory, own_scanner: Scanner
) -> None:
    prefix = f"estimate:{own_scanner.id}"
    at = open_filters(open_page(app, own_scanner), prefix)
    at.toggle(key=f"{prefix}:tests").set_value(False)
    submit_filters(at, prefix)
    assert section_label(at, FILTER_SECTION).endswith("· with test accounts")
    at.selectbox(key=SOURCE).set_value(inputs.DRAFT_SOURCE).run()
    at.selectbox(key=SOURCE).set_value(own_scanner.id).run()
    assert not at.exception, at.exception
    assert section_label(at, FILTER_SECTION).endswith("· without test accounts")
    assert not at.toggle  # collapsed again, as on a first visit
    assert open_filters(at, prefix).toggle(key=f"{prefix}:tests").value is True


def test_the_source_is_mirrored_in_the_url_and_a_bad_link_falls_back_to_the_draft(
    app: AppFactory, own_scanner: Scanner
) -> None:
    at = open_page(app)
    assert at.selectbox(key=SOURCE).value == inputs.DRAFT_SOURCE
    assert "scanner" not in at.query_params  # the default is left out of links
    at.selectbox(key=SOURCE).set_value(own_scanner.id).run()
    assert at.query_params["scanner"] == own_scanner.id
    at.selectbox(key=SOURCE).set_value(inputs.DRAFT_SOURCE).run()
    assert "scanner" not in at.query_params

    garbled = app("estimate", query_params={"scanner": "not-an-id"})
    assert garbled.selectbox(key=SOURCE).value == inputs.DRAFT_SOURCE
    assert any("expected an id like" in w.value for w in garbled.warning)

    missing = app("estimate", query_params={"scanner": str(uuid.uuid4())})
    assert missing.selectbox(key=SOURCE).value == inputs.DRAFT_SOURCE
    assert any("linked scanner was not found" in w.value for w in missing.warning)
    assert "scanner" not in missing.query_params


def test_the_source_is_kept_when_the_viewer_comes_back_from_another_page(
    app: AppFactory, own_scanner: Scanner
) -> None:
    at = open_page(app, own_scanner)
    at.switch_page(navigation.OVERVIEW.path).run()
    assert SOURCE not in at.session_state  # Streamlit forgot the widget the page did not draw
    at.switch_page(navigation.ESTIMATE.path).run()
    assert not at.exception, at.exception
    assert at.selectbox(key=SOURCE).value == own_scanner.id
    assert at.query_params["scanner"] == own_scanner.id


def test_switching_the_budget_unit_converts_the_amount(app: AppFactory) -> None:
    """Issue 15 item 2: 1,000 credits became $1,000 on a switch to $ (and "at most 100%")."""
    at = open_budget(open_page(app), DRAFT)
    at.number_input(key=f"{DRAFT}:budget").set_value(1000.0).run()
    before = section_label(at, "Budget calculator")
    assert before.startswith("Budget calculator: 1,000 credits a month")
    at.segmented_control(key=f"{DRAFT}:budget_unit").set_value("$").run()
    assert not at.exception, at.exception
    assert at.number_input(key=f"{DRAFT}:budget").value == pytest.approx(10.0)
    assert section_label(at, "Budget calculator") == before
    at.segmented_control(key=f"{DRAFT}:budget_unit").set_value("credits").run()
    assert at.number_input(key=f"{DRAFT}:budget").value == pytest.approx(1000.0)
    assert section_label(at, "Budget calculator") == before
