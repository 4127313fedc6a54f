"""HTTP requests per interaction, counted at the sandbox: the console beside a naive baseline.

One scripted AppTest session per page (first load, rerun with nothing changed, filter change,
sort, page, row select, slider move, switch to another page and back), run against the real
console and against ``bench/naive`` (no caching, sequential fetches) in the same process, on the
same sandbox. Requests are counted where they arrive: the sandbox's request log. The project is
grown to 60 scanners so the Scanners list has a second page; the Observations page explores the
demo's 600-observation monitor. Target: 0 requests for every step that changes no query input.
A Scanners row opens that scanner's own page, whose first load reads its data: that step is
counted and marked, outside the target. Each session starts on cold caches and a fresh request
budget (the naive app's hundreds of calls on the same key must not throttle the console).

    python bench/app_requests.py [--era current|seed]
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchkit import apptest as kit
from streamlit.testing.v1 import AppTest

from vision_console.estimate import inputs as estimate_inputs
from vision_sandbox import Sandbox

FLEET_SIZE = 60
EXPLORED_SCANNER = "Checkout friction"
STEPS = ("first load", "idle rerun", "filter", "sort", "page", "row select", "slider", "back")
NO_QUERY_CHANGE = ("idle rerun", "row select", "slider", "back")
"""Steps that change no input of any API query: the console should send nothing."""

Actions = dict[str, kit.Action]


@dataclass
class PageScript:
    """What a viewer does on one page, spelled for the console and for the naive app."""

    page: str
    away: str
    console: Actions
    naive: Actions
    query_params: dict[str, str] = field(default_factory=dict)
    opens_page: tuple[str, ...] = ()
    """Console steps that open another page (a Scanners row opens the scanner's own page),
    whose first load reads that page's data: counted and marked, but outside the target."""


@dataclass
class Measured:
    counts: dict[str, int]
    seconds: float


def _draft(name: str) -> str:
    return f"estimate:{estimate_inputs.DRAFT_SOURCE}:{name}"


def _exclude_test_accounts(at: AppTest, toggle_key: str, section_key: str | None = None) -> None:
    """Edit the Estimate page's recordings filter and apply it (a form).

    The console builds that form only while its section is open: opening it is a run of its
    own (it sends no request), counted with the step.
    """
    if section_key is not None:
        at.session_state[section_key] = True
        at.run()
    at.toggle(key=toggle_key).set_value(True)
    kit.button_labelled(at, "Update estimate").click()


def scripts(explored_id: str) -> list[PageScript]:
    """The interactions each page has; a step a page does not offer is left out."""
    return [
        PageScript(
            "overview",
            "estimate",
            console={"row select": lambda at: kit.select_row(at, "overview_fleet", 1)},
            naive={"row select": lambda at: kit.select_row(at, "naive_fleet", 1)},
        ),
        PageScript(
            "scanners",
            "estimate",
            console={
                "filter": lambda at: at.multiselect(key="scanners.type").set_value(["monitor"]),
                "sort": lambda at: at.selectbox(key="scanners.sort").set_value("-created_at"),
                "page": lambda at: at.button(key="scanners.next").click(),
                "row select": lambda at: kit.select_row(at, "scanners.table", 1),
            },
            naive={
                "filter": lambda at: at.multiselect(key="naive_type").set_value(["monitor"]),
                "sort": lambda at: at.selectbox(key="naive_scanners_sort").set_value("-created_at"),
                "page": lambda at: at.button(key="naive_scanners_next").click(),
                "row select": lambda at: kit.select_row(at, "naive_scanners_table", 1),
            },
            opens_page=("row select",),
        ),
        PageScript(
            "observations",
            "estimate",
            query_params={"scanner": explored_id},
            console={
                "filter": lambda at: at.multiselect(key="observations.status").set_value(
                    ["succeeded"]
                ),
                "sort": lambda at: at.selectbox(key="observations.sort").set_value("created_at"),
                "page": lambda at: at.button(key="observations.next_page").click(),
                "row select": lambda at: kit.select_row(
                    at, kit.table_key(at, "observations.table:"), 1
                ),
            },
            naive={
                "filter": lambda at: at.multiselect(key="naive_status").set_value(["succeeded"]),
                "sort": lambda at: at.selectbox(key="naive_obs_sort").set_value("created_at"),
                "page": lambda at: at.button(key="naive_obs_next").click(),
                "row select": lambda at: kit.select_row(at, "naive_obs_table", 1),
            },
        ),
        PageScript(
            "estimate",
            "scanners",
            console={
                "filter": lambda at: _exclude_test_accounts(
                    at, _draft("tests"), _draft("query_open")
                ),
                "slider": lambda at: at.slider(key=_draft("rate_slider")).set_value(25.0),
            },
            naive={
                "filter": lambda at: _exclude_test_accounts(at, "naive_tests"),
                "slider": lambda at: at.slider(key="naive_rate").set_value(25.0),
            },
        ),
    ]


def run_session(
    sandbox: Sandbox, at: AppTest, page_path: str, away_path: str, script: PageScript, naive: bool
) -> Measured:
    """Drive one page through every step it offers, counting the requests of each."""
    log = sandbox.requests
    counts: dict[str, int] = {}
    actions = script.naive if naive else script.console
    started = time.perf_counter()
    # A new session opening this page directly (as a shared link does), on cold caches and a
    # fresh request budget.
    kit.clear_shared_caches()
    kit.fresh_request_budget()
    for name, value in script.query_params.items():
        at.query_params[name] = value
    log.clear()
    at.switch_page(page_path).run()
    kit.check(at, f"{script.page}: first load")
    counts["first load"] = log.count()
    log.clear()
    at.run()
    counts["idle rerun"] = log.count()
    for step in STEPS[2:-1]:
        action = actions.get(step)
        if action is None:
            continue
        log.clear()
        action(at)
        at.run()
        kit.check(at, f"{script.page}: {step}")
        counts[step] = log.count()
    at.switch_page(away_path).run()
    kit.check(at, f"{script.page}: away")
    log.clear()
    at.switch_page(page_path).run()
    kit.check(at, f"{script.page}: back")
    counts["back"] = log.count()
    return Measured(counts, time.perf_counter() - started)


OPENS_PAGE_MARK = "†"


def cell(measured: Measured, step: str, script: PageScript, naive: bool) -> object:
    """A step's request count for the table; a console step that opens another page marked."""
    count = measured.counts.get(step)
    if count is None:
        return "—"
    return f"{count} {OPENS_PAGE_MARK}" if not naive and step in script.opens_page else count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--era",
        choices=("current", "seed"),
        default="current",
        help="which era of the API the sandbox speaks (the console adapts to each)",
    )
    era = parser.parse_args().era
    kit.clean_environment()
    print(f"Starting a {era}-era demo sandbox, grown to {FLEET_SIZE} scanners…", flush=True)
    with Sandbox.start(seed="demo", scan_delay=0.05, era=era) as sandbox:
        kit.grow_fleet(sandbox, FLEET_SIZE)
        explored = kit.scanner_id_named(sandbox, EXPLORED_SCANNER)
        rows: list[list[object]] = []
        missed: list[str] = []
        totals = {"console": 0, "naive": 0}
        for script in scripts(explored):
            for naive in (False, True):
                app = kit.open_naive(sandbox) if naive else kit.open_console(sandbox)
                to_path = kit.naive_page if naive else kit.console_page
                measured = run_session(
                    sandbox, app, to_path(script.page), to_path(script.away), script, naive
                )
                which = "naive" if naive else "console"
                totals[which] += sum(measured.counts.values())
                rows.append(
                    [
                        script.page if not naive else "",
                        which,
                        *(cell(measured, step, script, naive) for step in STEPS),
                        sum(measured.counts.values()),
                        f"{measured.seconds:.1f}",
                    ]
                )
                if not naive:
                    missed += [
                        f"{script.page}: {step} sent {measured.counts[step]}"
                        for step in NO_QUERY_CHANGE
                        if measured.counts.get(step, 0) > 0 and step not in script.opens_page
                    ]
    header = ["page", "app", *STEPS, "total", "session s"]
    print()
    print(f"HTTP requests per interaction (counted at the sandbox, {era} era)")
    print(kit.markdown_table(header, rows))
    print()
    print(f"{OPENS_PAGE_MARK} the step opens another page, which loads that page's data.")
    print(kit.machine_note())
    print(f"Whole script: console {totals['console']} requests, naive {totals['naive']}.")
    if missed:
        print("Target missed (requests on steps that change no query input): " + "; ".join(missed))
    else:
        print("Target met: no request on any step that changes no query input.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
