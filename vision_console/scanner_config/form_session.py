"""State of the Scanners page's create/edit form: which form is open, and what it found.

A ``FormSession`` is one opening of the form: the ``ScannerForm`` it was seeded with (a template,
a blank form, or the stored scanner read live), the version it opened on, the draft as last typed,
and the errors, problem or conflict the last submit left. Shared by the Scanners page, which draws
the form, and Estimate, which opens it seeded with a draft (``open_seeded``) before switching page.

The session lives in ``st.session_state`` (not a widget key), so it outlives a visit to another
page; the form's widgets keep their values across pages themselves (``persist_state``), and
``draft`` holds what was typed for everything else (the unsaved-changes notice, the property
table). ``close`` forgets the widgets' values with the session.

The server's era decides which optional fields the form has (``features``: sampling mode, tags,
credit limit on current servers) and which models it offers; a scanner on a model the server
has retired opens with no model picked, so saving never sends the retired id back.
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass, field
from typing import Any, Literal

import streamlit as st

from vision_api import Era, Scanner, VisionAPIError
from vision_console import cache, models_catalog, scanner_types, server_era
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
    era: Era = "seed"
    errors: dict[str, str] = field(default_factory=dict)
    """The last submit's errors by API attr; the server's stay until their field changes."""
    failed: ScannerForm | None = None
    """The form as it was when the last submit failed (to tell which fields changed since)."""
    attempted: bool = False
    """A submit was tried: from then on every field's problem shows as it is typed."""
    problem: ErrorMessage | None = None
    conflict: Conflict | None = None
    draft: ScannerForm | None = None
    """The form as last typed (None until the form has been drawn once)."""
    confirm_discard: bool = False
    focus: str | None = None
    """The field the error summary asked to scroll to, once."""

    def key(self, name: str) -> str:
        return f"sf.{self.form_id}.{name}"

    @property
    def prefix(self) -> str:
        """The start of every widget key of this opening."""
        return f"sf.{self.form_id}."

    def unsaved(self) -> list[str]:
        """The slots the draft changed from the form as opened (empty: nothing to lose)."""
        if self.draft is None:
            return []
        return forms.changed_slots(self.seed, self.draft)


def era_features(era: Era) -> frozenset[str]:
    """The optional write fields a server of ``era`` takes."""
    return frozenset(forms.ERA_FIELDS) if era == "current" else frozenset()


def _for_server(seed: ScannerForm, era: Era) -> ScannerForm:
    """``seed`` with the era's fields, and without a model the server would refuse."""
    model = seed.model
    if isinstance(model, str) and models_catalog.is_retired(model, era):
        model = None
    return dataclasses.replace(seed, features=era_features(era), model=model)


def _open(session: FormSession) -> None:
    close()
    st.session_state[SESSION_KEY] = session


def open_create(
    template_key: str | None = None, scanner_type: str = scanner_types.KNOWN_TYPES[0]
) -> None:
    """Open the create form, from a template or from scratch."""
    chosen = templates.template(template_key) if template_key else None
    seed = chosen.form() if chosen else templates.blank_form(scanner_type)
    era = server_era.connected()
    _open(
        FormSession(
            form_id=f"new{next(_ids)}",
            mode="create",
            seed=_for_server(seed, era),
            template=template_key,
            era=era,
        )
    )


def open_seeded(seed: ScannerForm, origin: str) -> None:
    """Open the create form seeded with a form built elsewhere (Estimate's draft); ``origin``
    prefixes its widget keys so they never meet another opening's."""
    era = server_era.connected()
    _open(
        FormSession(
            form_id=f"{origin}{next(_ids)}", mode="create", seed=_for_server(seed, era), era=era
        )
    )


def open_edit(scanner: Scanner) -> None:
    """Open the edit form on a stored scanner, remembering it and its version."""
    era = server_era.connected()
    retired = models_catalog.is_retired(scanner.model, era)
    _open(
        FormSession(
            form_id=f"edit{next(_ids)}",
            mode="edit",
            seed=forms.form_from_scanner(scanner, era_features(era), retired=retired),
            scanner_id=scanner.id,
            original=scanner,
            opened_version=scanner.scanner_version,
            era=era,
        )
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
    """Close the open form, forgetting its widgets' kept values with it."""
    session = current()
    st.session_state.pop(SESSION_KEY, None)
    if session is not None:
        for name in [k for k in st.session_state if str(k).startswith(session.prefix)]:
            del st.session_state[name]


def current() -> FormSession | None:
    session = st.session_state.get(SESSION_KEY)
    return session if isinstance(session, FormSession) else None


def flash(message: str, icon: str = ":material/check_circle:") -> None:
    """Queue a toast for the next run (a save is followed by ``st.rerun``)."""
    st.session_state.setdefault(FLASH_KEY, []).append((message, icon))


def show_flashes() -> None:
    for message, icon in st.session_state.pop(FLASH_KEY, []):
        st.toast(message, icon=icon)
