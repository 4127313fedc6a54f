"""Interaction latency in a real browser: click → updated chart and table, on Observations.

Three apps are served at once by ``streamlit run`` over one sandbox process (the demo data):
the console's Observations page on the demo monitor with the most "no" verdicts, the naive
baseline's (``bench/naive``), and the **floor**: a trivial Streamlit app (written to a temp
file) whose widgets make the same round trip (a bar chart with a click selection, a status
multiselect, a "Next" button, a 50-row table) over data it holds in memory, so its time is
Streamlit's own widget → rerun → redraw cost with no API and no real work.

Each round opens a new session and does three interactions in turn, timing each from just
before the click to the end of the rerun it triggers (the frontend's script state, watched by
a MutationObserver in the page; a rerun so fast that React never drew its "running" state ends
at the last change it made to the page):

- **next page**: the next-page button;
- **verdict bar**: click the "no" bar of the verdict chart (the naive app has no clickable
  chart: n/a);
- **filter**: type "succ" in the Status multiselect and press Enter (picks Succeeded);
- **no-change rerun**: Streamlit's "r" shortcut, a full rerun in which nothing changes: what
  the page's elements cost the frontend on every full rerun, before any of the page's own
  work. Not held to the target; it says how much of a filter click is left to the page.

The first round of each app is cold (empty caches); the table shows the median of the others.
Target: the console within 1.5x the floor.

``--anatomy`` times the same interactions on the floor with the console's parts added one at a
time (its chart following the filter, two more such charts, a metric strip, ten more filter
widgets), interleaved with the plain floor: what each kind of element costs Streamlit's
frontend per click, and so what a page like the console's costs before any of its own work.

    .venv/bin/python bench/browser_latency.py [--rounds 5] [--anatomy]
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchkit import apptest as kit
from benchkit import browser as chromium
from benchkit.servers import ROOT, SandboxProcess, StreamlitServer
from playwright.sync_api import Browser, Page, sync_playwright

from vision_api import VisionClient

TIMEOUT_MS = 120_000
TARGET_RATIO = 1.5
TARGETED = ("next page", "verdict bar", "filter")
"""The issue's interactions, held to the target."""
INTERACTIONS = (*TARGETED, "no-change rerun")

FLOOR_APP = textwrap.dedent(
    '''
    """The floor: the same widget round trips as the Observations page, no API, no work."""
    import altair as alt
    import pandas as pd
    import streamlit as st

    LIVE_CHART = False  # the anatomy's parts (see ANATOMY): all off in the floor itself
    MORE_CHARTS = 0
    METRICS = 0
    MORE_WIDGETS = 0

    ROWS = pd.DataFrame(
        {
            "Status": ["succeeded", "failed", "ineligible"] * 400,
            "Verdict": ["yes", "no", "no", "yes"] * 300,
            "Session": [f"session-{i}" for i in range(1200)],
        }
    )
    verdict = st.session_state.get("floor_verdict")
    status = st.multiselect("Status", ["succeeded", "failed", "ineligible"], key="floor_status",
                            format_func=str.capitalize)
    rows = ROWS[ROWS["Status"].isin(status)] if status else ROWS
    if verdict:
        rows = rows[rows["Verdict"] == verdict]
    counted = rows if LIVE_CHART else ROWS
    counts = counted.groupby("Verdict", as_index=False).size().rename(columns={"size": "count"})
    pick = alt.selection_point(fields=["Verdict"], name="pick")
    chart = (
        alt.Chart(counts).mark_bar()
        .transform_calculate(label='"Verdict: " + datum.Verdict + "; count: " + datum.count')
        .encode(x="count:Q", y="Verdict:N", description="label:N",
                tooltip=[alt.Tooltip("Verdict:N", title="Verdict"), "count:Q"])
        .add_params(pick)
    )
    event = st.altair_chart(chart, on_select="rerun", key="floor_chart")
    picked = (event.selection.get("pick") or [{}]) if event else [{}]
    if picked and picked[0].get("Verdict") != verdict:
        st.session_state["floor_verdict"] = picked[0].get("Verdict")
        st.rerun()
    for number in range(MORE_CHARTS):
        by_status = rows.groupby("Status", as_index=False).size()
        st.altair_chart(alt.Chart(by_status).mark_bar().encode(x="size:Q", y="Status:N"),
                        key=f"floor_more_{number}")
    if METRICS:
        with st.container(horizontal=True):
            for number in range(METRICS):
                st.metric(f"Metric {number}", f"{len(rows) + number:,}", help="A count")
    if MORE_WIDGETS:
        with st.container(horizontal=True):
            for number in range(MORE_WIDGETS):
                st.selectbox(f"Filter {number}", ["any", "some"], key=f"floor_widget_{number}")
    page = st.session_state.setdefault("floor_page", 0)
    st.dataframe(rows.iloc[page * 50 : (page + 1) * 50], hide_index=True)
    st.button("Next", key="floor_next", on_click=st.session_state.update,
              args=({"floor_page": page + 1},))
    '''
)

ANATOMY: dict[str, dict[str, object]] = {
    "floor": {},
    "+ its chart follows the filter": {"LIVE_CHART": True},
    "+ 2 more charts following it": {"LIVE_CHART": True, "MORE_CHARTS": 2},
    "+ 6 metrics following it": {"METRICS": 6},
    "+ 10 more filter widgets": {"MORE_WIDGETS": 10},
}
"""The console's kinds of element, added to the floor one at a time (``--anatomy``)."""


FLOOR_BAR = '[aria-label^="Verdict: no;"]'


def floor_variant(parts: dict[str, object]) -> str:
    """The floor app with ``parts`` (ANATOMY's switches) turned on."""
    script = FLOOR_APP
    for name, value in parts.items():
        script, found = re.subn(rf"^{name} = .*$", f"{name} = {value!r}", script, flags=re.M)
        if not found:
            raise ValueError(f"the floor app has no switch {name}")
    return script


WATCH = """
() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const main = document.querySelector('[data-testid="stMain"]');
  window.__bench = {t0: 0, started: 0, ended: 0, changed: 0};
  if (window.__benchObserver) window.__benchObserver.disconnect();
  if (window.__benchChanges) window.__benchChanges.disconnect();
  window.__benchObserver = new MutationObserver(() => {
    const state = app.getAttribute('data-test-script-state');
    const b = window.__bench;
    if (!b.t0) return;
    if (state !== 'notRunning' && !b.started) b.started = performance.now();
    if (state === 'notRunning' && b.started && !b.ended) b.ended = performance.now();
  });
  window.__benchObserver.observe(app, {attributes: true,
                                      attributeFilter: ['data-test-script-state']});
  window.__benchChanges = new MutationObserver(() => {
    if (window.__bench.t0) window.__bench.changed = performance.now();
  });
  window.__benchChanges.observe(main, {childList: true, characterData: true, subtree: true});
}
"""
QUIET_MS = 2_000
"""A rerun whose "running" state React never drew (a fast fragment run: about 1 in 15 first
Next-page clicks here) ends at the page's last change, once the page has been quiet this long."""
DONE = f"""
() => {{
  const b = window.__bench;
  return b.ended > 0 || (!b.started && b.changed > 0 && performance.now() - b.changed > {QUIET_MS});
}}
"""


@dataclass(frozen=True)
class App:
    name: str
    script: Path
    path: str
    next_label: str
    bar_label: str | None  # CSS attribute selectors picking the bar to click


def timed(page: Page, act: object) -> float:
    """Seconds from just before ``act()`` to the end of the rerun it triggered."""
    page.evaluate(WATCH)
    page.evaluate("() => { window.__bench.t0 = performance.now(); }")
    act()  # type: ignore[operator]
    page.wait_for_function(DONE, timeout=TIMEOUT_MS, polling="raf")
    chromium.wait_idle(page, TIMEOUT_MS)
    elapsed = page.evaluate(
        "() => (window.__bench.ended || window.__bench.changed) - window.__bench.t0"
    )
    problems = chromium.exceptions(page)
    if problems:
        raise RuntimeError(f"the page shows an exception: {problems}")
    return float(elapsed) / 1000


def round_trip(browser: Browser, url: str, app: App) -> dict[str, float | None]:
    """One new session: open the page, then the three interactions in turn."""
    context = browser.new_context(viewport=chromium.VIEWPORT)
    try:
        page = context.new_page()
        page.goto(url)
        chromium.wait_idle(page, TIMEOUT_MS)
        page.wait_for_selector(chromium.FIRST_MARK, timeout=TIMEOUT_MS)
        found: dict[str, float | None] = {}
        main = page.locator('[data-testid="stMain"]')
        button = main.get_by_role("button", name=app.next_label)
        found["next page"] = timed(page, lambda: button.first.click())
        if app.bar_label is None:
            found["verdict bar"] = None
        else:
            bar = main.locator(chromium.CHART).locator(f"path{app.bar_label}")
            bar.first.wait_for(timeout=TIMEOUT_MS)
            found["verdict bar"] = timed(page, lambda: bar.first.click())
        box = main.get_by_role("combobox", name="Status")
        box.click()
        box.fill("succ")
        page.get_by_role("option").first.wait_for(timeout=TIMEOUT_MS)
        found["filter"] = timed(page, lambda: box.press("Enter"))
        page.keyboard.press("Escape")
        page.evaluate("() => document.activeElement && document.activeElement.blur()")
        found["no-change rerun"] = timed(page, lambda: page.keyboard.press("r"))
        return found
    finally:
        context.close()


def monitor_with_most_no(sandbox: SandboxProcess) -> str:
    with VisionClient(
        base_url=sandbox.base_url, project_id=sandbox.project_id, api_key=sandbox.api_key
    ) as client:
        monitors = [s for s in client.scanners.iter() if s.scanner_type == "monitor"]

        def no_count(scanner_id: str) -> int:
            stats = client.observations.stats(scanner_id)
            return stats.monitor.no_total if stats.monitor else 0

        return max((s.id for s in monitors), key=no_count)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--anatomy", action="store_true", help="time the floor with the console's parts added"
    )
    args = parser.parse_args()
    kit.clean_environment()
    with tempfile.TemporaryDirectory() as work_dir:
        work = Path(work_dir)
        sandbox = SandboxProcess.start(work / "sandbox.sqlite3")
        try:
            if args.anatomy:
                apps = anatomy_apps(work)
            else:
                apps = comparison_apps(work, monitor_with_most_no(sandbox))
            results = run_rounds(apps, sandbox, work, args.rounds)
        finally:
            sandbox.stop()
    print(anatomy_report(results) if args.anatomy else report(results, args.rounds))
    return 0


def comparison_apps(work: Path, scanner: str) -> list[App]:
    """The console, the naive app and the floor, on the demo monitor with the most "no"."""
    floor_script = work / "floor_app.py"
    floor_script.write_text(FLOOR_APP)
    return [
        App("console", ROOT / "app.py", f"observations?scanner={scanner}", "Next page",
            # the Verdicts chart's bar, not the Ratings' agreement-by-verdict one
            '[aria-label^="Verdict: no;"][aria-label*="Share of verdicts"]'),
        App("naive", ROOT / "bench" / "naive" / "naive_app.py",
            f"naive_observations?scanner={scanner}", "Next", None),
        App("floor", floor_script, "", "Next", FLOOR_BAR),
    ]  # fmt: skip


def anatomy_apps(work: Path) -> list[App]:
    """The floor and each of its ANATOMY variants, one script each."""
    apps = []
    for number, (name, parts) in enumerate(ANATOMY.items()):
        script = work / f"anatomy_{number}.py"
        script.write_text(floor_variant(parts))
        apps.append(App(name, script, "", "Next", FLOOR_BAR))
    return apps


def run_rounds(
    apps: list[App], sandbox: SandboxProcess, work: Path, rounds: int
) -> dict[str, list[dict[str, float | None]]]:
    """Each app served by its own ``streamlit run``; every round visits them all, in turn
    forwards then backwards, so a drift in the machine's load falls on each alike."""
    results: dict[str, list[dict[str, float | None]]] = {app.name: [] for app in apps}
    servers = {
        app.name: StreamlitServer.start(app.script, sandbox.env(), work / f"server_{number}")
        for number, app in enumerate(apps)
    }
    try:
        with sync_playwright() as playwright:
            browser = chromium.launch(playwright)
            try:
                for server in servers.values():
                    chromium.open_home(browser, server.url, TIMEOUT_MS)
                for round_number in range(rounds):
                    for app in apps if round_number % 2 == 0 else apps[::-1]:
                        url = f"{servers[app.name].url}/{app.path}"
                        results[app.name].append(round_trip(browser, url, app))
                    print(f"  round {round_number + 1}: done", file=sys.stderr)
            finally:
                browser.close()
    finally:
        for server in servers.values():
            server.stop()
    return results


def median_of(rounds: list[dict[str, float | None]], name: str) -> float | None:
    warm = rounds[1:] or rounds
    values = [r[name] for r in warm if r[name] is not None]
    return kit.median(v for v in values if v is not None) if values else None


def report(results: dict[str, list[dict[str, float | None]]], rounds: int) -> str:
    floor = {name: median_of(results["floor"], name) for name in INTERACTIONS}
    rows = []
    for app, measured in results.items():
        cold = measured[0]
        row: list[object] = [app]
        for name in INTERACTIONS:
            warm = median_of(measured, name)
            if warm is None:
                row.append("n/a")
                continue
            base = floor[name]
            ratio = f" ({warm / base:.2f}x)" if base else ""
            cold_value = cold[name]
            cold_text = f"{cold_value * 1000:.0f}" if cold_value is not None else "n/a"
            row.append(f"{warm * 1000:.0f}{ratio}, cold {cold_text}")
        rows.append(row)
    lines = [
        f"Click → rerun finished, ms: median of {max(1, rounds - 1)} warm sessions "
        "(x the floor), and the cold first session",
        "",
        kit.markdown_table(["app", *INTERACTIONS], rows),
        "",
    ]
    console = {name: median_of(results["console"], name) for name in TARGETED}
    ratios = [
        value / base
        for name in TARGETED
        if (value := console[name]) is not None and (base := floor[name])
    ]
    worst = max(ratios, default=0.0)
    lines.append(
        f"Console at worst {worst:.2f}x the floor on {', '.join(TARGETED)} "
        f"(target {TARGET_RATIO}x)."
    )
    if worst <= TARGET_RATIO:
        lines.append("Target met: every interaction within 1.5x the floor.")
    lines.append(kit.machine_note())
    return "\n".join(lines)


def anatomy_report(results: dict[str, list[dict[str, float | None]]]) -> str:
    """Each variant's warm median and what it adds to the plain floor."""
    floor = {name: median_of(results["floor"], name) for name in INTERACTIONS}
    rows = []
    for variant, measured in results.items():
        row: list[object] = [variant]
        for name in INTERACTIONS:
            value, base = median_of(measured, name), floor[name]
            if value is None or base is None:
                row.append("n/a")
            elif variant == "floor":
                row.append(f"{value * 1000:.0f}")
            else:
                row.append(f"{value * 1000:.0f} ({(value - base) * 1000:+.0f})")
        rows.append(row)
    return "\n".join(
        [
            "Click → rerun finished, ms: median of the warm sessions (difference to the floor)",
            "",
            kit.markdown_table(["floor with", *INTERACTIONS], rows),
            "",
            kit.machine_note(),
        ]
    )


if __name__ == "__main__":
    sys.exit(main())
