"""State of the Scanners page's create/edit form: which form is open, and what it found.

A ``FormSession`` is one opening of the form: the ``ScannerForm`` it was seeded with (a template,
a blank form, or the stored scanner read live), the version it opened on, and the errors,
problem or conflict the last submit left. Shared by the Scanners page, which draws the form, and
Estimate, which opens it seeded with a draft (``open_seeded``) before switching page.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any, Literal

import streamlit as st

from vision_api import Scanner, VisionAPIError
from vision_console import cache, scanner_types
from vision_console.render import ErrorMessage, explain
from vision_console.scanner_config import form as forms
from vision_console.scanner_config import templates
from vision_console.scanner_config.form import ScannerForm

SESSION_KEY = "scanners.form"
FLASH_KEY = "scanners.flash"
SELECT_KEY = "scanners.select_after_save"
_ids = itertools.count(1)


@dataclass
class Conflict:
    """An edit stopped because the stored scanner moved since the form opened."""

    changes: dict[str, Any]
    opened_version: int | None
    live_version: int | None
    moved_fields: list[str]
    live: Scanner


@dataclass
class FormSession:
    """One opening of the form: what it was seeded with and what the last submit found."""

    form_id: str
    mode: Literal["create", "edit"]
    seed: ScannerForm
    scanner_id: str | None = None
    original: Scanner | None = None
    opened_version: int | None = None
    template: str | None = None
    errors: dict[str, str] = field(default_factory=dict)
    problem: ErrorMessage | None = None
    conflict: Conflict | None = None

    def key(self, name: str) -> str:
        return f"sf.{self.form_id}.{name}"


def open_create(
    template_key: str | None = None, scanner_type: str = scanner_types.KNOWN_TYPES[0]
) -> None:
    """Open the create form, from a template or from scratch."""
    chosen = templates.template(template_key) if template_key else None
    seed = chosen.form() if chosen else templates.blank_form(scanner_type)
    st.session_state[SESSION_KEY] = FormSession(
        form_id=f"new{next(_ids)}", mode="create", seed=seed, template=template_key
    )


def open_seeded(seed: ScannerForm, origin: str) -> None:
    """Open the create form seeded with a form built elsewhere (Estimate's draft); ``origin``
    prefixes its widget keys so they never meet another opening's."""
    st.session_state[SESSION_KEY] = FormSession(
        form_id=f"{origin}{next(_ids)}", mode="create", seed=seed
    )


def open_edit(scanner: Scanner) -> None:
    """Open the edit form on a stored scanner, remembering it and its version."""
    st.session_state[SESSION_KEY] = FormSession(
        form_id=f"edit{next(_ids)}",
        mode="edit",
        seed=forms.form_from_scanner(scanner),
        scanner_id=scanner.id,
        original=scanner,
        opened_version=scanner.scanner_version,
    )


def open_edit_latest(scanner_id: str) -> ErrorMessage | None:
    """Open the edit form on the scanner as stored right now (not a cached copy).

    Seeding from a live read means the version the form remembers is the server's current
    one, so the "changed since you opened it" check only fires for real concurrent edits.
    """
    try:
        live = cache.live_scanner(scanner_id)
    except VisionAPIError as exc:
        return explain(exc, "open the scanner for editing")
    open_edit(live)
    return None


def close() -> None:
    st.session_state.pop(SESSION_KEY, None)


def current() -> FormSession | None:
    session = st.session_state.get(SESSION_KEY)
    return session if isinstance(session, FormSession) else None


def flash(message: str, icon: str = ":material/check_circle:") -> None:
    """Queue a toast for the next run (a save is followed by ``st.rerun``)."""
    st.session_state.setdefault(FLASH_KEY, []).append((message, icon))


def show_flashes() -> None:
    for message, icon in st.session_state.pop(FLASH_KEY, []):
        st.toast(message, icon=icon)
