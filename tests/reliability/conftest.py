"""Reliability fixtures: an isolated console per test, and a log of the client's retries."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
import streamlit as st

CONSOLE_ENV = (
    "POSTHOG_HOST",
    "POSTHOG_PROJECT_ID",
    "POSTHOG_PERSONAL_API_KEY",
    "VISION_CONSOLE_READ_ONLY",
    "VISION_CONSOLE_ALLOWED_HOSTS",
)


@pytest.fixture(autouse=True)
def _isolated_console(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No developer setting leaks in and no cached read outlives its test (the fresh request
    budget is tests/conftest.py's)."""
    for name in CONSOLE_ENV:
        monkeypatch.delenv(name, raising=False)
    st.cache_data.clear()
    yield
    st.cache_data.clear()


class RetryLog(logging.Handler):
    """Counts the client's retry decisions (it logs each one at DEBUG on ``vision_api``)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.retried = 0
        self.gave_up = 0

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.startswith("Retrying "):
            self.retried += 1
        elif message.startswith("Not retrying ") and "budget" in message:
            self.gave_up += 1


@pytest.fixture
def retry_log() -> Iterator[RetryLog]:
    logger = logging.getLogger("vision_api")
    handler, level = RetryLog(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(level)
