"""vision_console.connection.per_thread: one client per worker thread, same settings, all closed
afterwards."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from vision_api import VisionClient
from vision_console import connection
from vision_sandbox import Sandbox


def test_each_thread_gets_its_own_client_with_the_viewers_settings(sandbox: Sandbox) -> None:
    with VisionClient(
        base_url=sandbox.base_url,
        project_id=sandbox.project_id,
        api_key=sandbox.api_key,
        timeout=(2.0, 7.0),
        max_retries=1,
    ) as viewer:
        seen: dict[int, VisionClient] = {}
        lock = threading.Lock()
        with connection.per_thread(viewer) as own_client:

            def work(_: int) -> int:
                client = own_client()
                assert own_client() is client  # the same one for the whole thread
                with lock:
                    seen[threading.get_ident()] = client
                return client.scanners.stats().total  # the copied key authenticates

            with ThreadPoolExecutor(max_workers=3) as pool:
                totals = list(pool.map(work, range(12)))
        assert len(set(totals)) == 1
        clients = list(seen.values())
        assert 1 <= len(clients) <= 3 and len({id(c) for c in clients}) == len(clients)
        assert viewer not in clients
        for client in clients:
            assert (client.base_url, client.project_id) == (viewer.base_url, viewer.project_id)
            assert (client.timeout, client.max_retries) == ((2.0, 7.0), 1)
            assert sandbox.api_key not in repr(client)


def test_every_thread_client_is_closed_when_the_block_ends(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    closed: list[VisionClient] = []
    real_close = VisionClient.close

    def recording_close(self: VisionClient) -> None:
        closed.append(self)
        real_close(self)

    monkeypatch.setattr(VisionClient, "close", recording_close)
    viewer = VisionClient(
        base_url=sandbox.base_url, project_id=sandbox.project_id, api_key=sandbox.api_key
    )
    with viewer:
        with (
            connection.per_thread(viewer) as own_client,
            ThreadPoolExecutor(max_workers=2) as pool,
        ):
            made = set(pool.map(lambda _: own_client(), range(6)))
            assert not closed  # in use until the block ends
        assert set(closed) == made and viewer not in closed
