"""A viewer without a browser: one Streamlit session driven over the app's own websocket.

A browser tab and a running ``streamlit run`` server talk through ``/_stcore/stream``: the tab
sends a ``BackMsg`` asking for a (re)run of a page, the server runs the script in that session's
own thread and streams ``ForwardMsg`` deltas back until ``script_finished``. Speaking that
protocol directly gives real concurrent sessions on a real server (AppTest cannot: it swaps a
process-wide runtime in and out on every run) at a fraction of a browser's cost, so twenty of
them fit on a small machine. What it records of each run is what a load test checks: raised
exceptions, alerts, metric values and how many elements of each kind were drawn.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.sync.client import connect
from websockets.typing import Subprotocol

from vision_console import navigation

RUN_TIMEOUT_S = 120.0
FINISHED_SUCCESSFULLY = ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY


@dataclass
class PageRun:
    """What one script run sent to the viewer."""

    page: str
    seconds: float = 0.0
    finished: int | None = None
    exceptions: list[str] = field(default_factory=list)
    alerts: list[tuple[str, str]] = field(default_factory=list)
    metrics: dict[str, str] = field(default_factory=dict)
    elements: Counter[str] = field(default_factory=Counter)
    page_not_found: bool = False

    @property
    def ok(self) -> bool:
        return self.finished == FINISHED_SUCCESSFULLY and not self.exceptions

    def problems(self) -> list[str]:
        """Exceptions, errors and warnings, as text."""
        found = [f"exception: {text}" for text in self.exceptions]
        found += [f"{kind}: {body}" for kind, body in self.alerts if kind in ("ERROR", "WARNING")]
        if self.finished != FINISHED_SUCCESSFULLY:
            found.append(f"script ended with status {self.finished}")
        if self.page_not_found:
            found.append("page not found")
        return found


class StreamViewer:
    """One session on a console server, like one browser tab."""

    def __init__(self, base_url: str) -> None:
        url = base_url.replace("http://", "ws://", 1) + "/_stcore/stream"
        protocols = [Subprotocol("streamlit")]
        self._socket = connect(url, subprotocols=protocols, max_size=None, legacy=True)
        self.pages: dict[str, str] = {}
        """Page name (its script's stem) -> script hash, which the server routes by."""

    def run(self, page: str = "", query: str = "") -> PageRun:
        """Run ``page`` (a title such as "Scanners"; "" = the default page) with ``query``.

        A new session first opens the default page, as a browser's first request does, and
        learns the pages' script hashes from it.
        """
        if page and not self.pages:
            self.run()
        back = BackMsg()
        back.rerun_script.query_string = query
        name = Path(navigation.by_name(page.lower()).path).stem if page else ""
        if name in self.pages:
            back.rerun_script.page_script_hash = self.pages[name]
        else:
            back.rerun_script.page_name = name
        started = time.monotonic()
        self._socket.send(back.SerializeToString())
        run = PageRun(page)
        while run.finished is None:
            message = ForwardMsg()
            message.ParseFromString(self._socket.recv(timeout=RUN_TIMEOUT_S))
            self._read(message, run)
        run.seconds = time.monotonic() - started
        return run

    def _read(self, message: ForwardMsg, run: PageRun) -> None:
        kind = message.WhichOneof("type")
        if kind == "script_finished":
            run.finished = message.script_finished
        elif kind == "page_not_found":
            run.page_not_found = True
        elif kind == "navigation":
            for app_page in message.navigation.app_pages:
                self.pages[app_page.page_name] = app_page.page_script_hash
        elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            element = message.delta.new_element
            element_kind = element.WhichOneof("type") or "unknown"
            run.elements[element_kind] += 1
            if element_kind == "exception":
                run.exceptions.append(f"{element.exception.type}: {element.exception.message}")
            elif element_kind == "alert":
                run.alerts.append((Alert.Format.Name(element.alert.format), element.alert.body))
            elif element_kind == "metric":
                run.metrics[element.metric.label] = element.metric.body

    def close(self) -> None:
        self._socket.close()

    def __enter__(self) -> StreamViewer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
