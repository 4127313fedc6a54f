"""A scripted viewer walking the console in AppTest: what it sees, and how it reacts.

Shared by the reliability tests. A viewer reads text (alerts are Markdown-escaped, so the
backslashes are dropped before comparing), and, like a person, presses "rerun" when a page
says a failure was temporary.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from streamlit.testing.v1 import AppTest

from tests.app.conftest import make_app
from vision_console import navigation
from vision_console.scanners import form_panel as form_view

TRANSIENT = ("temporary failure", "throttling", "did not answer in time", "unreachable")
"""Phrases of ``vision_console.render.explain`` for failures that go away by themselves."""

SCANNERS_PATH = "/vision/scanners/"


def page_path(page: str) -> str:
    """A console page as AppTest switches to it (relative to app.py)."""
    return navigation.by_name(page).path


def plain(value: object) -> str:
    return str(value).replace("\\", "")


def alerts(at: AppTest) -> list[str]:
    """Every error, warning and info on the page, as a person reads it."""
    return [plain(e.value) for kind in ("error", "warning", "info") for e in at.get(kind)]


def problems(at: AppTest) -> list[str]:
    """Errors and warnings only."""
    return [plain(e.value) for kind in ("error", "warning") for e in at.get(kind)]


def says(at: AppTest, fragment: str) -> bool:
    return any(fragment in text for text in alerts(at))


def transient_failure(at: AppTest) -> bool:
    return any(phrase in text for text in problems(at) for phrase in TRANSIENT)


def metric(at: AppTest, label: str) -> str:
    return next(str(m.value) for m in at.metric if m.label == label)


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: str(m.value) for m in at.metric}


def assert_no_exception(at: AppTest, where: str) -> None:
    assert not at.exception, f"{where}: {[e.value for e in at.exception]}"


class Viewer:
    """One console session and the reruns it needed to see each page through failures."""

    def __init__(self, sandbox: Any, **options: Any) -> None:
        self.at = make_app(sandbox, **options)
        self.reruns = 0
        assert_no_exception(self.at, "first load")

    def settle(self, where: str, attempts: int = 6) -> AppTest:
        """Re-run (as a person presses R) while the page reports a temporary failure."""
        assert_no_exception(self.at, where)
        for _ in range(attempts):
            if not transient_failure(self.at):
                return self.at
            self.reruns += 1
            self.at.run()
            assert_no_exception(self.at, where)
        raise AssertionError(f"{where}: still failing after {attempts} reruns: {problems(self.at)}")

    def open(self, page: str, **query: str) -> AppTest:
        for name in list(self.at.query_params):
            del self.at.query_params[name]
        for name, value in query.items():
            self.at.query_params[name] = value
        self.at.switch_page(page_path(page)).run()
        return self.settle(page)

    def follow(self, page: str) -> AppTest:
        """Stay on the page the app's own ``st.switch_page`` opened (with the query it set).

        A browser stays where the app sent it; AppTest keeps requesting the page it last
        switched to itself, so the viewer names the page the app moved to.
        """
        self.at.switch_page(page_path(page)).run()
        return self.settle(page)

    def submit_until_saved(
        self, where: str, saved: Callable[[AppTest], bool], attempts: int = 8
    ) -> int:
        """Press the form's save button until ``saved``; a failed save keeps the form open.

        Returns how many times it was pressed (each press may send one write, never more).
        """
        for pressed in range(1, attempts + 1):
            self.at.button(key=form_key(self.at, "submit")).click().run()
            assert_no_exception(self.at, where)
            if saved(self.at):
                return pressed
            assert form_view.SESSION_KEY in self.at.session_state, (
                f"{where}: the form closed without saving: {problems(self.at)}"
            )
            wait = _retry_after(problems(self.at))
            if wait:
                time.sleep(wait)
        raise AssertionError(f"{where}: not saved after {attempts} presses: {problems(self.at)}")


def _retry_after(messages: list[str]) -> float:
    """A person told "try again in N seconds" waits that long (capped for the test)."""
    for text in messages:
        if "Try again in " in text and " seconds" in text:
            number = text.split("Try again in ", 1)[1].split(" seconds", 1)[0]
            try:
                return min(float(number), 2.0)
            except ValueError:
                return 0.0
    return 0.0


def form_key(at: AppTest, name: str) -> str:
    session = at.session_state[form_view.SESSION_KEY]
    key: str = session.key(name)
    return key


def writes(log: Any) -> Mapping[str, int]:
    """Write requests the sandbox received, by method."""
    return {method: log.count(method=method) for method in ("POST", "PATCH", "PUT", "DELETE")}
