"""Bulk export benchmark: `observations.fetch_all` against a naive sequential page loop.

Seeds a sandbox with a scanner holding ~50,000 observations, then fetches all of them twice in
the same run: the naive way (default page size, one request at a time, what `iter()` does)
and with `fetch_all` (large pages, a few requests in flight). Prints wall time, requests made
(counted by the sandbox), peak Python memory (tracemalloc) and the speed-up.

The sandbox runs in its own process, as the API does in production, so the client's
threads do not share an interpreter lock with the server.

    python bench/bulk_fetch.py [--observations 50000] [--page-size N] [--workers N]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import tracemalloc
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Runnable as `python bench/bulk_fetch.py` from a checkout, installed or not.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from vision_api import Observation, VisionClient
from vision_api._constants import BULK_MAX_WORKERS, BULK_PAGE_SIZE
from vision_sandbox import DEMO_API_KEY

TARGET_SPEEDUP = 4.0
BULK_SCANNER = "UX quality"  # the demo scorer the sandbox adds bulk rows to


@dataclass
class Result:
    name: str
    seconds: float
    requests: int
    client_cpu: float
    server_cpu: float | None
    peak_mib: float
    ids: list[str]


class SandboxProcess:
    """`python -m vision_sandbox` in a child process, on a free loopback port."""

    def __init__(self, observations: int, db_path: Path) -> None:
        self.port = _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        command = [
            sys.executable, "-m", "vision_sandbox", "--seed", "demo",
            "--observations", str(observations), "--port", str(self.port), "--db", str(db_path),
        ]  # fmt: skip
        self.process = subprocess.Popen(
            command,
            cwd=Path(__file__).resolve().parents[1],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.startswith("Vision sandbox running"):
                return
        raise RuntimeError("the sandbox process exited before serving")

    def reset_request_log(self) -> None:
        self._control("POST", "/_sandbox/requests/reset")

    def requests_made(self, path_contains: str) -> int:
        entries = self._control("GET", "/_sandbox/requests")["entries"]
        return sum(1 for entry in entries if path_contains in entry["path"])

    def _control(self, method: str, path: str) -> dict[str, Any]:
        request = urllib.request.Request(
            self.base_url + path, method=method, data=b"" if method == "POST" else None
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            body: dict[str, Any] = json.loads(response.read())
            return body

    def cpu_seconds(self) -> float | None:
        """User + system CPU the sandbox process has used (Linux), to see past a busy machine."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--observations", type=int, default=50_000)
    parser.add_argument("--page-size", type=int, default=BULK_PAGE_SIZE)
    parser.add_argument("--workers", type=int, default=BULK_MAX_WORKERS)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="vision-bench-") as tmp:
        started = time.perf_counter()
        sandbox = SandboxProcess(args.observations, Path(tmp) / "sandbox.sqlite3")
        print(f"Seeded and started the sandbox in {time.perf_counter() - started:.1f}s")
        try:
            client = VisionClient(base_url=sandbox.base_url, project_id=1, api_key=DEMO_API_KEY)
            with client:
                scanner_id = _bulk_scanner(client)
                total = client.observations.list(scanner_id, limit=1).count
                # Warm the server's caches (a read at the deepest offset walks the whole index)
                # so neither contender pays the cold start for the other.
                client.observations.list(scanner_id, limit=1, offset=max(total - 1, 0))
                print(f"Scanner {BULK_SCANNER!r}: {total:,} observations\n")

                def naive() -> list[Observation]:
                    return list(client.observations.iter(scanner_id))

                def bulk() -> list[Observation]:
                    return client.observations.fetch_all(
                        scanner_id, page_size=args.page_size, max_workers=args.workers
                    )

                baseline = _measure("naive loop (page 100, sequential)", naive, sandbox)
                fast = _measure(
                    f"fetch_all (page {args.page_size}, {args.workers} workers)", bulk, sandbox
                )
        finally:
            sandbox.stop()

    if fast.ids != baseline.ids:
        print("MISMATCH: fetch_all did not return the same observations in the same order")
        return 1
    speedup = baseline.seconds / fast.seconds
    _print_table([baseline, fast], total, speedup)
    verdict = "meets" if speedup >= TARGET_SPEEDUP else "MISSES"
    print(f"\nSpeed-up {speedup:.1f}x {verdict} the {TARGET_SPEEDUP:.0f}x target.")
    # Wall time depends on how many cores are free; CPU seconds do not.
    load = os.getloadavg()[0]
    print(f"Load average {load:.1f} on {os.cpu_count()} cores during the run.")
    # A measurement, not a test: only a wrong result fails the run (and `make bench`).
    return 0


def _bulk_scanner(client: VisionClient) -> str:
    page = client.scanners.list(search=BULK_SCANNER)
    for scanner in page:
        if scanner.name == BULK_SCANNER:
            return scanner.id
    raise RuntimeError(f"the sandbox has no {BULK_SCANNER!r} scanner")


def _measure(name: str, fetch: Callable[[], list[Observation]], sandbox: SandboxProcess) -> Result:
    """Wall and CPU time of a clean run, then peak memory of a second run under tracemalloc.

    tracemalloc slows every allocation, so it is kept out of the timed run. CPU seconds (the
    client's and the sandbox's) do not depend on how busy the machine is, wall time does.
    """
    sandbox.reset_request_log()
    server_before = sandbox.cpu_seconds()
    cpu_before = time.process_time()
    started = time.perf_counter()
    items = fetch()
    seconds = time.perf_counter() - started
    client_cpu = time.process_time() - cpu_before
    server_after = sandbox.cpu_seconds()
    server_cpu = (
        None if server_before is None or server_after is None else server_after - server_before
    )
    requests = sandbox.requests_made("/observations")
    ids = [obs.id for obs in items]
    del items

    tracemalloc.start()
    try:
        fetch()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    print(f"  {name}: {seconds:.2f}s, {requests} requests, peak {peak / 2**20:.0f} MiB")
    return Result(name, seconds, requests, client_cpu, server_cpu, peak / 2**20, ids)


def _print_table(results: list[Result], total: int, speedup: float) -> None:
    print(
        f"\n| approach ({total:,} observations) | wall time | requests | client CPU "
        "| sandbox CPU | peak memory |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for r in results:
        server = "n/a" if r.server_cpu is None else f"{r.server_cpu:.1f} s"
        print(
            f"| {r.name} | {r.seconds:.2f} s | {r.requests} | {r.client_cpu:.1f} s "
            f"| {server} | {r.peak_mib:.0f} MiB |"
        )
    print(f"| **speed-up (wall time)** | **{speedup:.1f}x** | | | | |")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


if __name__ == "__main__":
    sys.exit(main())
