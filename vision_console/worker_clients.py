"""One ``VisionClient`` per worker thread, made from the viewer's own client.

A ``VisionClient`` owns a ``requests.Session``, which has no thread-safety guarantee, so a
thread pool must not share the viewer's client. ``per_thread(client)`` hands each calling thread
its own client with the same host, project, key, timeout and retry policy, and closes them all
when the block ends, as ``vision_api``'s own ``fetch_all`` does with one session per worker.

Each copy comes from ``VisionClient.copy()``: the key moves between the clients' settings and is
never returned, stored elsewhere, logged or put in an error message.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from vision_api import VisionClient


@contextmanager
def per_thread(client: VisionClient) -> Iterator[Callable[[], VisionClient]]:
    """A factory returning the calling thread's own copy of ``client``; all closed on exit.

    A pool of N threads opens at most N clients, whatever the number of tasks.
    """
    local = threading.local()
    opened: list[VisionClient] = []
    lock = threading.Lock()

    def client_for_this_thread() -> VisionClient:
        own: VisionClient | None = getattr(local, "client", None)
        if own is None:
            own = client.copy()
            local.client = own
            with lock:
                opened.append(own)
        return own

    try:
        yield client_for_this_thread
    finally:
        for own in opened:
            own.close()
