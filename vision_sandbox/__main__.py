"""``python -m vision_sandbox``: run the local Vision API until interrupted."""

from __future__ import annotations

import argparse
import threading

from .demo import DEMO_API_KEY
from .eras import DEFAULT_ERA, ERAS
from .server import DEFAULT_CREDIT_LIMIT, Sandbox


def _credit_limit(text: str) -> int | None:
    """``--credit-limit``: a non-negative integer, or ``none`` for uncapped."""
    if text.strip().lower() == "none":
        return None
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("the credit limit cannot be negative")
    return value


def main(argv: list[str] | None = None) -> None:
    """Parse options, start the sandbox, print its URL and key, serve until Ctrl-C."""
    parser = argparse.ArgumentParser(prog="python -m vision_sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--db", default=None, help="SQLite file (kept across restarts)")
    parser.add_argument("--seed", choices=("demo", "empty"), default="demo")
    parser.add_argument("--api-key", default=DEMO_API_KEY)
    parser.add_argument("--project-id", type=int, default=1)
    parser.add_argument(
        "--observations",
        type=int,
        default=None,
        help="add N bulk observations to the demo scorer when first seeded",
    )
    parser.add_argument("--monthly-quota", type=int, default=3000)
    parser.add_argument("--scan-delay", type=float, default=2.0)
    parser.add_argument(
        "--sweep-interval",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="sweep enabled scanners every SECONDS (a few scheduled observations a minute) and "
        "finish the seeded in-flight scans; 0 = off",
    )
    parser.add_argument(
        "--scanners", type=int, default=None, help="grow the project to N generated scanners"
    )
    parser.add_argument(
        "--era",
        choices=ERAS,
        default=DEFAULT_ERA,
        help="the API to speak: today's credit era (current) or the seed era (seed)",
    )
    parser.add_argument(
        "--rate-limits",
        choices=("posthog", "off"),
        default="off",
        help="posthog: 480/min and 4,800/h per key; estimate 20/min and 200/h per project",
    )
    parser.add_argument(
        "--credit-limit",
        type=_credit_limit,
        default=DEFAULT_CREDIT_LIMIT,
        metavar="CREDITS|none",
        help="current era: credits a month (none = uncapped, 0 = blocked)",
    )
    args = parser.parse_args(argv)
    sandbox = Sandbox.start(
        db_path=args.db,
        seed=args.seed,
        host=args.host,
        port=args.port,
        observations=args.observations,
        monthly_quota=args.monthly_quota,
        scan_delay=args.scan_delay,
        api_key=args.api_key,
        project_id=args.project_id,
        sweep_interval=args.sweep_interval,
        scanners=args.scanners,
        era=args.era,
        rate_limits="posthog" if args.rate_limits == "posthog" else None,
        credit_limit=args.credit_limit,
    )
    print(f"Vision sandbox running at {sandbox.base_url} ({sandbox.era} era)")
    print(f"API: {sandbox.base_url}/api/projects/{sandbox.project_id}/vision/scanners/")
    print(f"Project id: {sandbox.project_id}   API key: {sandbox.api_key}")
    print("Press Ctrl-C to stop.")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.stop()


if __name__ == "__main__":
    main()
