"""The one registry of per-scanner-type facts: every page asks here, none keeps its own table.

A scanner type decides its label and colour, its configuration (the form's fields and how they
validate), what one observation's result is (the table's result column, the detail's headline,
the export's columns), its stats block, its distribution chart and the filter that chart clicks
into, and the sort keys that only make sense for it. All of that is one ``TypeFacts`` entry.

Adding a type is one ``case`` in ``_facts`` below; mypy checks the ``match`` is exhaustive over
``ScannerType`` (``assert_never``), and ``TypeFacts`` has no defaults, so a new fact must be
given for every type. A chart kind or config field kind that is new too needs its builder or
widget (``observations/charts.py``, ``scanners/form_panel.py``), each dispatched by an
exhaustive ``match`` of its own.

A type this console does not know (a newer server) gets ``generic_facts``: it renders with its
raw name, no type-specific filter, chart or sort, its configuration kept as it is, and
``is_known`` lets a page say so with a notice instead of guessing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, assert_never, get_args

from vision_api import Observation, ObservationStats

ScannerType = Literal["monitor", "classifier", "scorer", "summarizer"]
KNOWN_TYPES: tuple[ScannerType, ...] = get_args(ScannerType)

ConfigFieldKind = Literal["toggle", "tag_list", "scale", "choice"]
"""How a ``scanner_config`` key is edited and validated (``scanners/form_panel.py`` draws it,
``scanner_config/form.py`` validates it, each by an exhaustive match over this)."""

ChartKind = Literal["verdicts", "score_histogram", "tag_ranking"]
"""A distribution chart drawn from a stats block (``observations/charts.py`` builds each)."""

FilterKind = Literal["verdict", "tags", "bucket"]
"""An observation filter only one type has; its values come from that type's chart clicks."""

VersionChartKind = Literal["verdict_mix", "score_by_version", "tag_mix"]
"""How the Versions tab compares a type's results across scanner versions."""

BadgeColor = Literal["blue", "violet", "orange", "green", "red", "gray"]

GENERIC_COLOR = "#868e96"

VERDICTS: tuple[str, ...] = ("yes", "no", "inconclusive")
SUMMARY_LENGTHS: Mapping[str, str] = {
    "short": "Short (1–2 sentences)",
    "medium": "Medium (1 paragraph)",
    "long": "Long (3–5 paragraphs)",
}


@dataclass(frozen=True, slots=True)
class ConfigField:
    """One key of ``scanner_config`` beside the prompt, as the form shows it."""

    name: str
    kind: ConfigFieldKind
    label: str
    help: str
    default: Any
    choices: Mapping[str, str] | None = None
    """For ``choice``: value -> label, in display order."""
    messages: tuple[str, ...] = ()
    """How the server's messages about this key begin (lowercase), so a message that names no
    sub-attr still lands under this field on the form."""


@dataclass(frozen=True, slots=True)
class Headline:
    """One observation's result in a few words: label, value and an optional caption."""

    label: str
    value: str
    caption: str = ""


@dataclass(frozen=True, slots=True)
class TypeFacts:
    """Everything the console knows about one scanner type."""

    key: str
    label: str
    blurb: str
    """One line under the type picker: what a scanner of this type does."""
    icon: str
    color: str
    """Hex colour of the type in every chart (PostHog's badge colours)."""
    badge: BadgeColor
    """Streamlit badge colour of the type."""
    config_fields: tuple[ConfigField, ...]
    """Config keys besides ``prompt``, in form order."""
    prompt_label: str
    """The form's label for ``scanner_config.prompt``."""
    prompt_help: str
    """The help beside the prompt: what a good prompt for this type says."""
    result_label: str
    """The table's result column heading, the detail's headline label."""
    result_column: str
    """The record-frame column that holds the result (``observations/records.py``)."""
    export_columns: tuple[str, ...]
    """Record columns only this type fills; exported beside the common ones."""
    headline: Callable[[Observation, Mapping[str, Any]], Headline]
    """The result of one succeeded observation, given the scanner config it ran with."""
    summarize_config: Callable[[Mapping[str, Any]], str]
    """The scanner's settings in one line (the scanner page's detail card)."""
    stats_block: Callable[[ObservationStats], object | None]
    """The type's own block of the stats answer, or None when absent."""
    distribution_chart: ChartKind | None
    no_distribution: str
    """Shown where the distribution chart would be when there is nothing to draw."""
    observation_filter: FilterKind | None
    sort_keys: tuple[str, ...]
    """``order_by`` keys of the observations list that only this type can use."""
    version_chart: VersionChartKind | None
    trend_by: str | None
    """A record column charted over time beside the outcome (the monitor's verdicts)."""


# -- per-type behaviour ------------------------------------------------------------------------


def _number_text(value: float) -> str:
    return f"{value:g}"


def _monitor_headline(observation: Observation, _config: Mapping[str, Any]) -> Headline:
    verdict = observation.verdict
    return Headline("Verdict", verdict.upper() if verdict else "—")


def _scorer_headline(observation: Observation, config: Mapping[str, Any]) -> Headline:
    score = observation.score
    scale = config.get("scale") if isinstance(config.get("scale"), Mapping) else {}
    top = scale.get("max") if isinstance(scale, Mapping) else None
    value = "—" if score is None else _number_text(score)
    if score is not None and isinstance(top, int | float) and not isinstance(top, bool):
        value += f" / {_number_text(top)}"
    label = observation.scanner_result.score_label if observation.scanner_result else None
    if not label and isinstance(scale, Mapping) and isinstance(scale.get("label"), str):
        label = scale["label"]
    return Headline("Score", value, label or "")


def _classifier_headline(observation: Observation, _config: Mapping[str, Any]) -> Headline:
    tags = [*observation.tags, *(f"{tag} (freeform)" for tag in observation.tags_freeform)]
    return Headline("Tags", ", ".join(tags) or "No tags")


def _summarizer_headline(observation: Observation, _config: Mapping[str, Any]) -> Headline:
    return Headline("Summary", observation.title or "—")


def _generic_headline(observation: Observation, _config: Mapping[str, Any]) -> Headline:
    return Headline("Result", observation.title or observation.verdict or "—")


def _monitor_config(config: Mapping[str, Any]) -> str:
    inconclusive = " / inconclusive" if config.get("allow_inconclusive") else ""
    return f"Verdicts: yes / no{inconclusive}"


def _classifier_config(config: Mapping[str, Any]) -> str:
    tags = config.get("tags") if isinstance(config.get("tags"), list) else []
    mode = "one tag" if config.get("multi_label") is False else "one or more tags"
    extra = ", plus freeform tags" if config.get("allow_freeform_tags") else ""
    return f"Tags ({mode}{extra}): " + ", ".join(str(tag) for tag in tags or ())


def _scorer_config(config: Mapping[str, Any]) -> str:
    scale = config.get("scale") if isinstance(config.get("scale"), Mapping) else {}
    assert isinstance(scale, Mapping)
    label = f" ({scale['label']})" if scale.get("label") else ""
    return f"Score from {scale.get('min')} to {scale.get('max')}{label}"


def _summarizer_config(config: Mapping[str, Any]) -> str:
    length = str(config.get("length", "medium"))
    return f"Summary length: {SUMMARY_LENGTHS.get(length, length)}"


def _generic_config(config: Mapping[str, Any]) -> str:
    keys = sorted(str(key) for key in config if key != "prompt")
    return "Settings: " + (", ".join(keys) if keys else "prompt only")


# -- the registry -----------------------------------------------------------------------------


def _facts(kind: ScannerType) -> TypeFacts:
    """The facts of one known type; mypy fails here when a ``ScannerType`` has no case."""
    match kind:
        case "monitor":
            return TypeFacts(
                key=kind,
                label="Monitor",
                blurb="Answers a yes/no question about each session.",
                icon=":material/fact_check:",
                color="#1d4aff",
                badge="blue",
                config_fields=(
                    ConfigField(
                        "allow_inconclusive",
                        "toggle",
                        "Allow inconclusive",
                        "Let the model answer 'inconclusive' when the recording cannot tell.",
                        False,
                    ),
                ),
                prompt_label="Prompt",
                prompt_help="One focused, observable question works best.",
                result_label="Verdict",
                result_column="verdict",
                export_columns=("verdict",),
                headline=_monitor_headline,
                summarize_config=_monitor_config,
                stats_block=lambda stats: stats.monitor,
                distribution_chart="verdicts",
                no_distribution="No verdicts yet in this set.",
                observation_filter="verdict",
                sort_keys=("result_verdict",),
                version_chart="verdict_mix",
                trend_by="verdict",
            )
        case "classifier":
            return TypeFacts(
                key=kind,
                label="Classifier",
                blurb="Tags each session from a vocabulary you define.",
                icon=":material/sell:",
                color="#7c3aed",
                badge="violet",
                config_fields=(
                    ConfigField(
                        "tags",
                        "tag_list",
                        "Tags",
                        "One tag per line (at most 100).",
                        [],
                        messages=(
                            "tag",
                            "categor",
                            "add at least one categor",
                            "you can have at most",
                        ),
                    ),
                    ConfigField(
                        "multi_label",
                        "toggle",
                        "Allow several tags per session",
                        "Off: the model picks exactly one tag.",
                        True,
                    ),
                    ConfigField(
                        "allow_freeform_tags",
                        "toggle",
                        "Allow freeform tags",
                        "Let the model add tags outside the vocabulary.",
                        False,
                    ),
                ),
                prompt_label="Prompt",
                prompt_help="One focused, observable question works best.",
                result_label="Tags",
                result_column="all_tags",
                export_columns=("tags", "tags_freeform"),
                headline=_classifier_headline,
                summarize_config=_classifier_config,
                stats_block=lambda stats: stats.classifier,
                distribution_chart="tag_ranking",
                no_distribution="No tags assigned yet in this set.",
                observation_filter="tags",
                sort_keys=(),
                version_chart="tag_mix",
                trend_by=None,
            )
        case "scorer":
            return TypeFacts(
                key=kind,
                label="Scorer",
                blurb="Scores each session on a numeric scale.",
                icon=":material/speed:",
                color="#f59f00",
                badge="orange",
                config_fields=(
                    ConfigField(
                        "scale",
                        "scale",
                        "Scale",
                        "The lowest and highest score, and what the score measures.",
                        {"min": 1, "max": 5},
                        messages=("scale",),
                    ),
                ),
                prompt_label="Prompt",
                prompt_help="One focused, observable question works best.",
                result_label="Score",
                result_column="score",
                export_columns=("score", "score_label"),
                headline=_scorer_headline,
                summarize_config=_scorer_config,
                stats_block=lambda stats: stats.scorer,
                distribution_chart="score_histogram",
                no_distribution="No scores yet in this set.",
                observation_filter="bucket",
                sort_keys=("result_score",),
                version_chart="score_by_version",
                trend_by=None,
            )
        case "summarizer":
            return TypeFacts(
                key=kind,
                label="Summarizer",
                blurb="Writes a title and summary of each session.",
                icon=":material/notes:",
                color="#2f9e44",
                badge="green",
                config_fields=(
                    ConfigField(
                        "length",
                        "choice",
                        "Summary length",
                        "How long each summary is.",
                        "medium",
                        SUMMARY_LENGTHS,
                    ),
                ),
                prompt_label="Additional context",
                prompt_help=(
                    "The core summarizer prompt is built in; add what matters for your product."
                ),
                result_label="Summary",
                result_column="title",
                export_columns=("title", "summary"),
                headline=_summarizer_headline,
                summarize_config=_summarizer_config,
                stats_block=lambda stats: stats.summarizer,
                distribution_chart=None,
                no_distribution=(
                    "Summarizers have no distribution chart: read the summaries in the table, "
                    "or see trends and versions below."
                ),
                observation_filter=None,
                sort_keys=(),
                version_chart=None,
                trend_by=None,
            )
        case _:
            assert_never(kind)


REGISTRY: Mapping[str, TypeFacts] = {kind: _facts(kind) for kind in KNOWN_TYPES}


def is_known(kind: str) -> bool:
    """Whether this console knows the type (a newer server may send others)."""
    return kind in REGISTRY


def generic_facts(kind: str) -> TypeFacts:
    """Facts for a type this console does not know: shown by name, nothing type-specific."""
    return TypeFacts(
        key=kind,
        label=kind.replace("_", " ").capitalize() or "Unknown",
        blurb="A scanner type this console does not know yet; shown as the API returns it.",
        icon=":material/help:",
        color=GENERIC_COLOR,
        badge="gray",
        config_fields=(),
        prompt_label="Prompt",
        prompt_help="The scanner's instructions, as the API stores them.",
        result_label="Result",
        result_column="title",
        export_columns=("title", "summary", "verdict", "score"),
        headline=_generic_headline,
        summarize_config=_generic_config,
        stats_block=lambda _stats: None,
        distribution_chart=None,
        no_distribution="This console has no chart for this scanner type.",
        observation_filter=None,
        sort_keys=(),
        version_chart=None,
        trend_by=None,
    )


def facts(kind: str) -> TypeFacts:
    """The facts of ``kind``, known or not (never raises)."""
    return REGISTRY.get(kind) or generic_facts(kind)


def label(kind: str) -> str:
    """The type's display label ("Monitor"; an unknown type by its own name)."""
    return facts(kind).label


def unknown_type_notice(kind: str) -> str:
    """What a page says about a scanner whose type this console does not know."""
    return (
        f"This scanner's type, {kind!r}, is newer than this console: it is shown generically, "
        "without type-specific filters, charts or settings. Its settings are kept as they are."
    )


def all_sort_keys() -> tuple[str, ...]:
    """Every type-specific sort key (a newer server's list may accept all of them)."""
    return tuple(dict.fromkeys(key for facts in REGISTRY.values() for key in facts.sort_keys))
