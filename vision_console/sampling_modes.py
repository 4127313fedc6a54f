"""Sampling modes (session coverage) as PostHog words them: one place for every page.

A current-era scanner pre-filters recordings by activity before random sampling
(``sampling_mode``): ``comprehensive`` keeps every recording, ``balanced`` skips the least
active, ``focused`` keeps only the most active. The labels are PostHog's since PR #87274;
the seed era has no sampling mode at all. Pure Python.
"""

from __future__ import annotations

from vision_api.models import SAMPLING_MODES

MODES: tuple[str, ...] = tuple(SAMPLING_MODES)
"""Widest coverage last, as PostHog orders its segmented control."""

SERVER_DEFAULT = "comprehensive"
"""What the server assumes when a request names no mode."""

LABELS = {
    "comprehensive": "All recordings",
    "balanced": "Medium and high activity recordings",
    "focused": "High activity recordings only",
}

HELP = (
    "Which recordings a scan considers before sampling. Activity means interactions, errors "
    "and navigation: narrower coverage matches fewer recordings and costs less."
)


def label(mode: str | None) -> str:
    """PostHog's label of ``mode``; an unknown mode (the enum is open) as itself."""
    if mode is None:
        return LABELS[SERVER_DEFAULT]
    return LABELS.get(mode, mode)


DEFAULT_FOR_NEW = "balanced"
"""New scanners start at medium-plus coverage, as PostHog's form does since PR #87274."""
