"""Quick-start scanner templates: the five PostHog ships, with prompts written to be used as is.

Each template fills the create form (type, name, description, prompt and type settings, a sensible
recordings filter, sampling and model); the user reviews and saves. A template's settings are its
``scanner_config`` as the API stores it (besides the prompt), shown through the same registry
widgets as a stored scanner's. Prompts follow the lessons
PostHog drew from its own use: one focused, observable question, explicit criteria, an escape
answer (inconclusive, a catch-all tag) so the model is not forced to guess.

Pure Python, no Streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vision_console import models_catalog, scanner_types
from vision_console.scanner_config import form as forms
from vision_console.scanner_config.query import BuilderState
from vision_console.scanner_types import ScannerType


@dataclass(frozen=True)
class Template:
    """A named starting point for the create form."""

    key: str
    title: str
    icon: str
    blurb: str
    scanner_type: ScannerType
    """A type of the registry (mypy checks the literal), so its form fields exist."""
    name: str
    description: str
    prompt: str
    config: dict[str, Any] = field(default_factory=dict)
    """``scanner_config`` besides the prompt, as the API stores it."""
    query: BuilderState = field(default_factory=BuilderState)
    model: str = models_catalog.DEFAULT_MODEL
    sampling_rate: float = forms.DEFAULT_SAMPLING_RATE

    def form(self) -> forms.ScannerForm:
        """A fresh create form filled from this template."""
        return forms.ScannerForm(
            scanner_type=self.scanner_type,
            name=self.name,
            description=self.description,
            prompt=self.prompt,
            config=forms.form_config(self.scanner_type, self.config),
            query=self.query,
            sampling_rate=self.sampling_rate,
            model=self.model,
        )


# Skip the very short and test-account sessions every template would waste credits on.
_REAL_SESSIONS = BuilderState(filter_test_accounts=True, duration_min=30)

TEMPLATES: tuple[Template, ...] = (
    Template(
        key="dead_ends",
        title="Dead ends",
        icon=":material/block:",
        blurb="Monitor: did the user get stuck on a page with no way forward?",
        scanner_type="monitor",
        name="Dead ends",
        description="Sessions where the user reached a page or state with no way forward.",
        prompt=(
            "Did the user hit a dead end: a page or state where they could not continue what "
            "they were trying to do?\n\n"
            "Count it as a dead end when you see at least one of:\n"
            '- an error page (404, 500, "something went wrong") reached from inside the product;\n'
            "- an empty state with no button, link or hint about what to do next;\n"
            "- a button or link the user clicked repeatedly without anything happening;\n"
            "- a form that would not submit, with or without a visible validation message;\n"
            "- the user going back and forth between the same two pages and then leaving.\n\n"
            "Answer yes only if such a moment clearly stopped the user. Answer no if the user "
            "always had a visible way forward, even if they chose not to take it. Answer "
            "inconclusive when the recording does not show enough of the session to tell. "
            "Cite the moment your answer relies on."
        ),
        config={"allow_inconclusive": True},
        query=_REAL_SESSIONS,
        model="gemini-3.1-flash-lite-preview",
    ),
    Template(
        key="session_summary",
        title="Session summary",
        icon=":material/summarize:",
        blurb="Summarizer: a title and one paragraph on what happened in each session.",
        scanner_type="summarizer",
        name="Session summary",
        description="A short, readable account of each session for people who won't watch it.",
        prompt=(
            "Write for a product manager who has not seen the recording. Say what the user set "
            "out to do, the main steps they took (naming the pages and features involved), and "
            "how the session ended: task done, abandoned, or blocked. Mention errors, long "
            "hesitations and repeated actions only when they changed the outcome. Do not guess "
            "the user's identity or intentions beyond what the recording shows."
        ),
        config={"length": "medium"},
        query=_REAL_SESSIONS,
    ),
    Template(
        key="user_intent",
        title="User intent",
        icon=":material/travel_explore:",
        blurb="Classifier: why did the user come? One tag per session.",
        scanner_type="classifier",
        name="User intent",
        description="The main reason the user visited, one tag per session.",
        prompt=(
            "What was the user's main goal in this session? Pick the single tag that best "
            "describes why they came, judged by what they spent most of the session doing:\n"
            "- browsing: looking around without a specific goal;\n"
            "- purchasing: choosing a plan or product, checking out, or paying;\n"
            "- researching: reading docs, pricing or comparisons to decide something later;\n"
            "- support: looking for help, contacting support, or troubleshooting a problem;\n"
            "- account_management: settings, billing details, team members, or security;\n"
            "- returning_task: coming back to continue work they had already started."
        ),
        config={
            "tags": [
                "browsing",
                "purchasing",
                "researching",
                "support",
                "account_management",
                "returning_task",
            ],
            "multi_label": False,
            "allow_freeform_tags": False,
        },
        query=_REAL_SESSIONS,
    ),
    Template(
        key="frustration_score",
        title="Frustration score",
        icon=":material/sentiment_dissatisfied:",
        blurb="Scorer: how frustrated did the user look, from 0 to 10?",
        scanner_type="scorer",
        name="Frustration score",
        description="How frustrated the user appears, from 0 (smooth) to 10 (furious).",
        prompt=(
            "Rate how frustrated the user appears, from 0 to 10.\n\n"
            "Signs of frustration: rage clicks, clicks on things that are not clickable, "
            "submitting the same form several times, error messages, rapid back-and-forth "
            "navigation, long pauses right after an error, and abandoning a flow midway.\n\n"
            "Use the whole scale: 0–1 for a smooth session; 2–4 for a hiccup the user "
            "recovered from quickly; 5–7 for repeated obstacles that slowed them down; 8–10 for "
            "a blocked or abandoned task with visible struggle. Base the score on what you can "
            "see, and cite the moments that drove it."
        ),
        config={"scale": {"min": 0, "max": 10, "label": "frustration"}},
        query=_REAL_SESSIONS,
    ),
    Template(
        key="session_outcome",
        title="Session outcome",
        icon=":material/flag:",
        blurb="Classifier: did the user get done what they came for?",
        scanner_type="classifier",
        name="Session outcome",
        description="How each session ended: completed, abandoned, blocked, or just browsing.",
        prompt=(
            "How did this session end for the user? Pick exactly one tag:\n"
            "- task_completed: they finished what they were doing (a purchase, a saved "
            "setting, a sent message, a created item);\n"
            "- task_abandoned: they started a task and left before finishing, with no error "
            "stopping them;\n"
            "- blocked_by_error: an error, a broken page or a failing form stopped them;\n"
            "- browsing_only: they never started a concrete task;\n"
            "- inconclusive: the recording does not show enough to tell."
        ),
        config={
            "tags": [
                "task_completed",
                "task_abandoned",
                "blocked_by_error",
                "browsing_only",
                "inconclusive",
            ],
            "multi_label": False,
            "allow_freeform_tags": False,
        },
        query=_REAL_SESSIONS,
    ),
)
_BY_KEY = {template.key: template for template in TEMPLATES}


def template(key: str) -> Template | None:
    """The template called ``key``, or None (URL values are untrusted)."""
    return _BY_KEY.get(key)


def blank_form(scanner_type: str = scanner_types.KNOWN_TYPES[0]) -> forms.ScannerForm:
    """An empty create form for ``scanner_type`` (“Create from scratch”): registry defaults."""
    return forms.ScannerForm(scanner_type=scanner_type, config=forms.form_config(scanner_type, {}))
