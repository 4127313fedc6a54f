"""The Estimate page's inputs: the scanner to start from, its model, coverage and rate, its filters.

The source (a saved scanner, or a new draft) is the page's one piece of URL state, ``?scanner=<id>``
(the Scanners page links here with it), kept by ``STATE``. Every other input belongs to its
source: its keys are prefixed ``estimate:<source>:``, so switching source starts from that
scanner's own settings, and coming back finds what was typed for it. The recordings filters are in
``vision_console.estimate.filters``, applied once per "Update estimate".

The connected server's era decides what can be chosen: its own models only (a retired model is
never offered: the server would refuse it), and the session coverage (``sampling_mode``) in the
current era, which has it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import streamlit as st

from vision_api import Era, Scanner, VisionAPIError
from vision_console import (
    cache,
    cost,
    models_catalog,
    rate_input,
    render,
    sampling_modes,
    server_era,
    url_state,
)
from vision_console.estimate import filters
from vision_console.scanner_config import form as forms

DRAFT_SOURCE = "draft"
"""The source value of a scanner that does not exist yet (the default: left out of the URL)."""

DRAFT_MODEL = models_catalog.DEFAULT_MODEL
DRAFT_RATE = forms.DEFAULT_SAMPLING_RATE
"""A new draft starts where the scanner form's create mode starts."""


PARAMS = (url_state.Param("scanner", DRAFT_SOURCE, url_state.uuid_text),)
STATE = url_state.PageState("estimate", PARAMS, arrival="scanner")
"""``scanner``: the id of the scanner being estimated, or the draft."""


@dataclass(frozen=True)
class Inputs:
    """What the page estimates: the applied inputs of one source."""

    scanner: Scanner | None
    """The saved scanner started from, or None for a new draft."""
    prefix: str
    """Session-key prefix of this source's widgets (``estimate:<source>``)."""
    era: Era
    model: str
    sampling_mode: str | None
    """The session coverage (current era); None in the seed era, which has none."""
    rate: float
    query: dict[str, Any]
    """The applied recordings query (the last valid "Update estimate")."""
    query_error: str | None
    """Why the last submitted filters were rejected, or None."""


def key(prefix: str, name: str) -> str:
    """The session key of one of a source's inputs."""
    return f"{prefix}:{name}"


def source_labels(scanners: Mapping[str, Scanner]) -> dict[str, str]:
    """The picker's label of each source, unique: Streamlit keeps a choice by its label, so two
    scanners of one name (a non-conforming API) get their ids to tell them apart."""
    names = Counter(scanner.name for scanner in scanners.values())
    labels = {DRAFT_SOURCE: "A new draft"}
    for sid, scanner in scanners.items():
        labels[sid] = scanner.name if names[scanner.name] == 1 else f"{scanner.name} · {sid}"
    return labels


def source() -> Scanner | None:
    """The "Start from" picker: a saved scanner, or None for a new draft (mirrored in the URL)."""
    linked = STATE.sync()
    STATE.show_notices()
    try:
        scanners = cache.remember(
            "estimate:scanners", (), lambda: {found.id: found for found in cache.all_scanners()}
        )
    except VisionAPIError as error:
        render.show_api_error(error, "load the scanners to start from")
        scanners = {}
    picked = STATE.get("scanner")
    if picked != DRAFT_SOURCE and picked not in scanners:
        if linked:
            st.warning("The linked scanner was not found; starting from a new draft.")
        STATE.reset("scanner")  # a bad link, or a scanner deleted meanwhile
    labels = source_labels(scanners)
    st.selectbox(
        "Start from",
        [DRAFT_SOURCE, *scanners],
        key=STATE.key("scanner"),
        format_func=labels.__getitem__,
    )
    STATE.write_url()
    return scanners.get(STATE.get("scanner"))


def section(scanner: Scanner | None) -> Inputs:
    """The model, coverage, sampling rate and recordings filters of ``scanner`` (or the draft)."""
    prefix = f"estimate:{scanner.id if scanner else DRAFT_SOURCE}"
    era = server_era.connected()
    model = model_picker(prefix, scanner.model if scanner else DRAFT_MODEL, era)
    mode = None
    if era == "current":
        saved_mode = scanner.sampling_mode if scanner else sampling_modes.DEFAULT_FOR_NEW
        mode = mode_picker(prefix, saved_mode or sampling_modes.SERVER_DEFAULT)
    rate = rate_inputs(prefix, scanner.sampling_rate if scanner else DRAFT_RATE)
    query, query_error = filters.editor(prefix, (scanner.query or {}) if scanner else {})
    if query_error:
        st.error(render.escape_markdown(query_error), icon=":material/error:")
    return Inputs(scanner, prefix, era, model, mode, rate, query, query_error)


def model_picker(prefix: str, current: str, era: Era) -> str:
    """The model, labelled with its price per observation (the price drives the credits).

    Only ``era``'s models are offered: a scanner on a retired model starts from the era's
    default, with a note, since the server refuses a retired id on estimate and on save.
    """
    options = models_catalog.selectable_models(current, era)
    model_key = key(prefix, "model")
    retired = current not in options
    if model_key not in st.session_state or st.session_state[model_key] not in options:
        fallback = models_catalog.DEFAULT_MODEL
        st.session_state[model_key] = (
            current if not retired else (fallback if fallback in options else options[0])
        )
    picked: str = st.selectbox(
        "Model", options, key=model_key, format_func=models_catalog.model_option_label
    )
    if retired:
        st.caption(
            f"This scanner uses {render.escape_markdown(models_catalog.model_label(current))}, "
            "which the server no longer accepts: it is estimated (and would be saved) with the "
            "model chosen here."
        )
    return picked


def mode_picker(prefix: str, current: str) -> str:
    """The sampling mode (PostHog's "session coverage"), named as in the scanner form, its
    options in PostHog's words; an unknown mode is kept."""
    options = list(sampling_modes.MODES)
    if current not in options:
        options.append(current)
    mode_key = key(prefix, "sampling_mode")
    if mode_key not in st.session_state or st.session_state[mode_key] not in options:
        st.session_state[mode_key] = current
    picked: str = st.selectbox(
        forms.FIELD_LABELS["sampling_mode"],
        options,
        key=mode_key,
        format_func=sampling_modes.label,
        help=sampling_modes.HELP,
    )
    return picked


def rate_keys(prefix: str) -> tuple[str, str]:
    """Session keys of the slider and the exact input (both in percent)."""
    return key(prefix, "rate_slider"), key(prefix, "rate_exact")


def set_rate(prefix: str, rate: float) -> None:
    """Move both rate inputs to ``rate`` (a fraction); for callbacks such as "Use this rate"."""
    rate_input.set_rate(*rate_keys(prefix), rate)


def rate_inputs(prefix: str, initial: float) -> float:
    """The shared slider and exact input (``rate_input``); returns the rate (0..1)."""
    slider_key, exact_key = rate_keys(prefix)
    if slider_key not in st.session_state or exact_key not in st.session_state:
        set_rate(prefix, initial)
    typed = rate_input.draw(
        slider_key,
        exact_key,
        label="Sampling rate",
        help="Share of matching recordings the scanner observes. Moving it sends no request; "
        "arrow keys move it by 1%, and the exact rate beside it takes down to 0.01%.",
    )
    rate = initial if typed is None else typed
    problem = cost.check_sampling_rate(rate)
    if problem:
        st.error(problem, icon=":material/error:")
        return min(1.0, max(0.0, rate))
    return rate
