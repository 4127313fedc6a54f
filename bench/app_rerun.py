"""Script time per rerun of each page with warm caches, as a multiple of an empty page's rerun.

For each data size (the demo alone, then with 1,000 and 10,000 bulk observations on the demo
scorer, which the Observations page explores), every page is loaded once, then re-run with
nothing changed, round-robin with an empty Streamlit page so that load from other processes hits
all of them alike. Reported per page: median wall and CPU time of a rerun, each as a multiple
of the empty page's (target: under 3x), the requests those reruns sent (target 0), and how many
Altair specs each rerun built (``to_dict`` calls: a chart rebuilt on every rerun costs far more
than drawing a spec built once). Also measured: the console's floor (``app.py`` stopped right after
``frame.draw``: page config, navigation, connection and sidebar, what every page pays before
drawing anything of its own; each console page's CPU is also shown as a multiple of it), and
the naive app's pages on the demo data.

    python bench/app_rerun.py [--repeats 15] [--sizes 0,1000,10000]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import altair as alt
import streamlit as st
from benchkit import apptest as kit
from streamlit.testing.v1 import AppTest

from vision_sandbox import Sandbox

PAGES = ("overview", "scanners", "observations", "estimate")
EXPLORED_SCANNER = "UX quality"  # the demo scorer the sandbox adds bulk observations to
EMPTY_PAGE = "import streamlit as st\n"
TARGET_RATIO = 3.0
PROFILE_FOCUS = r"/vision_console/|/pages/|app.py|to_dict|dataframe|altair_chart|ThreadPool|submit"


@dataclass
class Samples:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    requests: int = 0
    specs: int = 0
    runs: int = 0


class SpecCounter:
    """Counts Altair ``to_dict`` calls (each builds and validates a whole chart spec)."""

    def __init__(self) -> None:
        self.calls = 0

    @contextmanager
    def installed(self) -> Iterator[None]:
        original: Callable[..., Any] = alt.TopLevelMixin.to_dict

        def counting(chart: Any, *args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            return original(chart, *args, **kwargs)

        setattr(alt.TopLevelMixin, "to_dict", counting)  # noqa: B010 - patched for counting
        try:
            yield
        finally:
            setattr(alt.TopLevelMixin, "to_dict", original)  # noqa: B010


FLOOR = "console frame, no page body"


@contextmanager
def page_body_skipped() -> Iterator[None]:
    """Run ``app.py`` as it is, but stop at its title: what is left is ``frame.draw``.

    Every page's first call after the frame is ``st.title``, so stopping there measures the
    frame alone (page config, navigation links, connection, sidebar).
    """
    original = st.title
    st.title = lambda *_args, **_kwargs: st.stop()
    try:
        yield
    finally:
        st.title = original


def open_pages(sandbox: Sandbox, explored: str, naive: bool) -> dict[str, AppTest]:
    """One warm session per page (each loaded once, so its caches hold what it needs)."""
    sessions = {}
    for page in PAGES:
        at = kit.open_naive(sandbox) if naive else kit.open_console(sandbox)
        at.run()
        if page == "observations":
            at.query_params["scanner"] = explored
        at.switch_page(kit.naive_page(page) if naive else kit.console_page(page)).run()
        kit.check(at, f"{page} (naive={naive})")
        at.run()  # the first rerun may still settle widget state; measure from the second
        sessions[page] = at
    return sessions


def measure(
    apps: dict[str, AppTest], repeats: int, sandbox: Sandbox, counter: SpecCounter
) -> dict[str, Samples]:
    """Rerun every app ``repeats`` times, interleaved, timing each rerun."""
    samples = {name: Samples() for name in apps}
    for _ in range(repeats):
        for name, at in apps.items():
            sandbox.requests.clear()
            counter.calls = 0
            skip = page_body_skipped() if name == FLOOR else nullcontext()
            with skip:
                cpu, wall = time.process_time(), time.perf_counter()
                at.run()
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            kit.check(at, name)
            got = samples[name]
            got.wall.append(wall)
            got.cpu.append(cpu)
            got.requests += sandbox.requests.count()
            got.specs += counter.calls
            got.runs += 1
    return samples


def print_profile(apps: dict[str, AppTest], reruns: int = 5) -> None:
    """The project's own functions and the library calls costing most in idle reruns."""
    for name, at in apps.items():
        if not name.startswith("console") or name == FLOOR:
            continue
        profiler = cProfile.Profile()
        with kit.profiled_script_runs(profiler):
            for _ in range(reruns):
                at.run()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
        stats.print_stats(PROFILE_FOCUS, 14)
        print(f"\n--- {name}: cumulative seconds over {reruns} idle reruns ---")
        print(out.getvalue().split("function)\n", 1)[-1].rstrip())


def run_size(
    observations: int, repeats: int, with_naive: bool, profile: bool
) -> list[list[object]]:
    print(f"Sandbox with {observations:,} bulk observations…", flush=True)
    rows: list[list[object]] = []
    with Sandbox.start(seed="demo", scan_delay=0.05, observations=observations) as sandbox:
        explored = kit.scanner_id_named(sandbox, EXPLORED_SCANNER)
        empty = AppTest.from_string(EMPTY_PAGE, default_timeout=kit.TIMEOUT_S)
        empty.run()
        floor = kit.open_console(sandbox)
        with page_body_skipped():
            floor.run()
        apps: dict[str, AppTest] = {"empty page": empty, FLOOR: floor}
        apps |= {f"console {p}": at for p, at in open_pages(sandbox, explored, False).items()}
        if with_naive:
            apps |= {f"naive {p}": at for p, at in open_pages(sandbox, explored, True).items()}
        counter = SpecCounter()
        with counter.installed():
            samples = measure(apps, repeats, sandbox, counter)
        if profile:
            print_profile(apps)
    base_wall = kit.median(samples["empty page"].wall)
    base_cpu = kit.median(samples["empty page"].cpu)
    floor_cpu = kit.median(samples[FLOOR].cpu)
    for name, got in samples.items():
        wall, cpu = kit.median(got.wall), kit.median(got.cpu)
        rows.append(
            [
                f"{observations:,}",
                name,
                f"{wall * 1000:.1f}",
                f"{wall / base_wall:.1f}x",
                f"{cpu * 1000:.1f}",
                f"{cpu / base_cpu:.1f}x",
                f"{cpu / floor_cpu:.1f}x" if name.startswith("console") else "",
                f"{got.requests / got.runs:g}",
                f"{got.specs / got.runs:g}",
            ]
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--sizes", default="0,1000,10000")
    parser.add_argument(
        "--profile", action="store_true", help="also print where each console page's rerun goes"
    )
    args = parser.parse_args()
    kit.clean_environment()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    rows: list[list[object]] = []
    with kit.server_like_script_cache():
        for index, size in enumerate(sizes):
            rows += run_size(size, args.repeats, index == 0, args.profile and index == 0)
    header = [
        "bulk obs",
        "app / page",
        "wall ms",
        "× empty",
        "CPU ms",
        "CPU × empty",
        "CPU × console floor",
        "requests / rerun",
        "specs built / rerun",
    ]
    print()
    print(kit.machine_note())
    print(f"Rerun with nothing changed, warm caches: medians of {args.repeats} reruns each")
    print(kit.markdown_table(header, rows))
    over = [
        f"{row[1]} at {row[0]} ({row[5]} CPU)"
        for row in rows
        if str(row[1]).startswith("console") and float(str(row[5]).rstrip("x")) >= TARGET_RATIO
    ]
    print()
    if over:
        print(f"Over the {TARGET_RATIO:g}x target: " + "; ".join(over))
    else:
        print(f"Every console page reruns within {TARGET_RATIO:g}x an empty page.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
