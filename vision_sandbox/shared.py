"""One running sandbox per database file in this process, whoever asks for it.

The console's demo mode must start its sandbox once per server process. Streamlit's
``st.cache_resource`` is not enough for that: any viewer's "clear cache" empties it, and the
next run would start a second server on the same SQLite file. This registry lives outside
Streamlit, keyed by the resolved database path.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from .server import Sandbox

_lock = threading.Lock()
_running: dict[Path, Sandbox] = {}


def shared_sandbox(db_path: str | Path, seed: str = "demo", **options: Any) -> Sandbox:
    """The sandbox serving ``db_path`` in this process, started on a free port if needed.

    ``options`` go to :meth:`Sandbox.start` the first time (era, rate limits, sweeping)."""
    key = Path(db_path).resolve()
    with _lock:
        sandbox = _running.get(key)
        if sandbox is None:
            sandbox = Sandbox.start(
                db_path=key, seed="empty" if seed == "empty" else "demo", **options
            )
            _running[key] = sandbox
        return sandbox


def running_sandbox(db_path: str | Path) -> Sandbox | None:
    """The sandbox already serving ``db_path`` in this process, if any (never starts one)."""
    with _lock:
        return _running.get(Path(db_path).resolve())
