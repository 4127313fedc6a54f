"""Typed, immutable models of the Vision API's JSON objects.

Attribute names equal the API's JSON field names. Every model keeps the JSON it was parsed
from in `.raw`, unknown fields included, so data from a newer API version is never lost.
Enumerations (scanner types, models, statuses, verdicts, triggers) are open strings: a value
this library has never heard of is kept as-is, not rejected. Timestamps become aware
`datetime`s. Models are frozen, slotted and picklable (safe for `st.cache_data`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal, Self

from ._exceptions import ResponseValidationError
from ._parse import Fields

SCANNER_TYPES = ("monitor", "classifier", "scorer", "summarizer")
"""Scanner types the API documents today; newer servers may send others."""

OBSERVATION_STATUSES = ("pending", "running", "succeeded", "failed", "ineligible")
"""Observation statuses; `pending` and `running` are in flight, the rest are terminal."""

VERDICTS = ("yes", "no", "inconclusive")
"""Monitor verdicts."""

TRIGGERS = ("schedule", "on_demand")
"""How an observation was started (`triggered_by`); newer servers add `retry` and `backfill`."""

SUMMARY_LENGTHS = ("short", "medium", "long")
"""Summarizer `scanner_config.length` values."""

SAMPLING_MODES = ("focused", "balanced", "comprehensive")
"""Current-era `sampling_mode` values (a pre-filter before random sampling); `comprehensive`
is the server's default and applies no filter."""

SCAN_OUTCOMES = (
    "started",
    "already_running",
    "already_scanned",
    "skipped_limit",
    "skipped_quota",
    "skipped_scanner_limit",
    "failed",
)
"""Per-session outcomes of a bulk scan documented today; newer servers may send others."""

QuotaUnit = Literal["credits", "observations"]
"""What a quota counts: credits (current era) or observations (seed era)."""


# Users ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class User:
    """A PostHog user as the API embeds it (`UserBasic`): scanner creators, triggerers."""

    id: int
    uuid: str
    distinct_id: str | None
    first_name: str
    last_name: str
    email: str
    is_email_verified: bool | None
    role_at_organization: str | None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: object, where: str = "User") -> Self:
        f = Fields(data, where)
        return cls(
            id=f.req_int("id"),
            uuid=f.text("uuid"),
            distinct_id=f.opt_text("distinct_id"),
            first_name=f.text("first_name"),
            last_name=f.text("last_name"),
            email=f.text("email"),
            is_email_verified=f.opt_bool("is_email_verified"),
            role_at_organization=f.opt_text("role_at_organization"),
            raw=f.data,
        )

    @property
    def display_name(self) -> str:
        """Full name when known, else the email (the label PostHog sorts creators by)."""
        full = f"{self.first_name} {self.last_name}".strip()
        return full or self.email or f"User {self.id}"


# Scanners ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Scanner:
    """A Replay Vision scanner: a prompt, a type, a model and a sampling schedule.

    Fields after `created_by` arrived in newer API versions and are None when the server
    does not send them.
    """

    id: str
    name: str
    description: str
    scanner_type: str
    scanner_config: dict[str, Any]
    query: dict[str, Any] | None
    sampling_rate: float
    provider: str
    model: str
    enabled: bool
    emits_signals: bool
    scanner_version: int
    estimated_monthly_observations: int | None
    last_swept_at: datetime | None
    created_at: datetime
    updated_at: datetime | None
    created_by: User | None
    sampling_mode: str | None = None
    credits_per_observation: int | None = None
    estimated_monthly_credits: int | None = None
    credits_this_month: int | None = None
    observations_this_month: int | None = None
    tags: tuple[str, ...] = ()
    credit_limit: int | None = None
    credits_used_against_limit: int | None = None
    limit_reached: bool | None = None
    user_access_level: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: object, where: str = "Scanner") -> Self:
        f = Fields(data, where)
        return cls(
            id=f.req_text("id"),
            name=f.req_text("name"),
            description=f.text("description"),
            scanner_type=f.req_text("scanner_type"),
            scanner_config=f.mapping("scanner_config"),
            query=f.opt_mapping("query"),
            sampling_rate=f.req_float("sampling_rate"),
            provider=f.text("provider"),
            model=f.req_text("model"),
            enabled=f.req_bool("enabled"),
            emits_signals=f.flag("emits_signals"),
            scanner_version=f.req_int("scanner_version"),
            estimated_monthly_observations=f.opt_int("estimated_monthly_observations"),
            last_swept_at=f.opt_datetime("last_swept_at"),
            created_at=f.req_datetime("created_at"),
            updated_at=f.opt_datetime("updated_at"),
            created_by=f.nested("created_by", User.from_dict),
            sampling_mode=f.opt_text("sampling_mode"),
            credits_per_observation=f.opt_int("credits_per_observation"),
            estimated_monthly_credits=f.opt_int("estimated_monthly_credits"),
            credits_this_month=f.opt_int("credits_this_month"),
            observations_this_month=f.opt_int("observations_this_month"),
            tags=f.texts("tags"),
            credit_limit=f.opt_int("credit_limit"),
            credits_used_against_limit=f.opt_int("credits_used_against_limit"),
            limit_reached=f.opt_bool("limit_reached"),
            user_access_level=f.opt_text("user_access_level"),
            raw=f.data,
        )

    @property
    def prompt(self) -> str:
        """The scanner's prompt (`scanner_config["prompt"]`), or "" when absent."""
        prompt = self.scanner_config.get("prompt")
        return prompt if isinstance(prompt, str) else ""


@dataclass(frozen=True, slots=True)
class ScannerTypeCount:
    """How many scanners of one type exist, and how many of them are enabled."""

    enabled: int
    total: int
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: object, where: str = "ScannerTypeCount") -> Self:
        f = Fields(data, where)
        return cls(enabled=f.integer("enabled"), total=f.integer("total"), raw=f.data)


@dataclass(frozen=True, slots=True)
class ScannerStats:
    """Team-wide scanner counts, independent of list filters (`GET /scanners/stats/`)."""

    total: int
    enabled: int
    by_type: dict[str, ScannerTypeCount]
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: object, where: str = "ScannerStats") -> Self:
        f = Fields(data, where)
        by_type = {
            name: ScannerTypeCount.from_dict(counts, f"{where}.by_type.{name}")
            for name, counts in f.mapping("by_type").items()
        }
        return cls(
            total=f.req_int("total"), enabled=f.req_int("enabled"), by_type=by_type, raw=f.data
        )


@dataclass(frozen=True, slots=True)
class Estimate:
    """Projected monthly volume of a proposed scanner (`POST /scanners/estimate/`).

    Credit fields come from newer API versions; on older ones they are None.
    """

    matched_sessions_in_window: int
    window_days: int
    estimated_observations_per_month: int
    other_enabled_scanners_monthly: int | None
    sampling_rate: float | None
    credits_per_observation: int | None = None
    estimated_credits_per_month: int | None = None
    other_enabled_scanners_monthly_credits: int | None = None
    active_backfill_credits: int | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: object, where: str = "Estimate") -> Self:
        f = Fields(data, where)
        return cls(
            matched_sessions_in_window=f.req_int("matched_sessions_in_window"),
            window_days=f.req_int("window_days"),
            estimated_observations_per_month=f.req_int("estimated_observations_per_month"),
            other_enabled_scanners_monthly=f.opt_int("other_enabled_scanners_monthly"),
            sampling_rate=f.opt_float("sampling_rate"),
            credits_per_observation=f.opt_int("credits_per_observation"),
            estimated_credits_per_month=f.opt_int("estimated_credits_per_month"),
            other_enabled_scanners_monthly_credits=f.opt_int(
                "other_enabled_scanners_monthly_credits"
            ),
            active_backfill_credits=f.opt_int("active_backfill_credits"),
            raw=f.data,
        )


@dataclass(frozen=True, slots=True)
class ObserveResult:
    """The answer to an on-demand scan request (`POST /scanners/{id}/observe/`).

    Normally the scan was started and `workflow_id` is set (HTTP 202); poll the observations
    list by `session_id` to follow it. Newer servers answer 200 with `observation_id` when
    the session was already scanned, and nothing was started or charged.
    """

    workflow_id: str | None
    observation_id: str | None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: object, where: str = "ObserveResult") -> Self:
        f = Fields(data, where)
        return cls(
            workflow_id=f.opt_text("workflow_id"),
            observation_id=f.opt_text("observation_id"),
            raw=f.data,
        )

    @property
    def already_scanned(self) -> bool:
        """True when the server reused an existing observation instead of starting a scan."""
        return self.workflow_id is None and self.observation_id is not None


@dataclass(frozen=True, slots=True)
class SessionOutcome:
    """What a bulk scan did with one session: `scan_outcome` is one of SCAN_OUTCOMES (open)."""

    session_id: str
    scan_outcome: str
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: object, where: str = "SessionOutcome") -> Self:
        f = Fields(data, where)
        return cls(
            session_id=f.req_text("session_id"),
            scan_outcome=f.req_text("scan_outcome"),
            raw=f.data,
        )

    @property
    def started(self) -> bool:
        """True when this session's scan was started (and will be charged if it succeeds)."""
        return self.scan_outcome == "started"


@dataclass(frozen=True, slots=True)
class BulkObserveResult:
    """The answer to a bulk scan (`POST /scanners/{id}/bulk_observe/`, current era).

    `results` has one entry per distinct session id, in the order sent. Limits never fail
    the whole call: a session the quota or a limit stopped says so in its `scan_outcome`.
    """

    started: int
    results: tuple[SessionOutcome, ...]
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: object, where: str = "BulkObserveResult") -> Self:
        f = Fields(data, where)
        return cls(
            started=f.integer("started"),
            results=f.nested_list("results", SessionOutcome.from_dict),
            raw=f.data,
        )

    def by_outcome(self) -> dict[str, tuple[str, ...]]:
        """Session ids grouped by outcome, in the order sent."""
        groups: dict[str, list[str]] = {}
        for outcome in self.results:
            groups.setdefault(outcome.scan_outcome, []).append(outcome.session_id)
        return {name: tuple(ids) for name, ids in groups.items()}


# Quota ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Quota:
    """The organisation's Replay Vision allowance this period (`GET /vision/quota/`).

    One shape for both eras: the current era counts credits (`credit_limit`, `credits_used`,
    `projected_monthly_credits`), the seed era counts observations (`monthly_quota`,
    `usage_this_month`, `projected_monthly_observations`); `unit` says which. `limit` None
    means uncapped; a credit limit of 0 blocks every scan. The figures span every project of
    the organisation. Fields after `projected_monthly` exist in the current era only.
    """

    unit: QuotaUnit
    limit: int | None
    used: int
    remaining: int | None
    exhausted: bool
    period_start: datetime | None
    period_end: datetime | None
    projected_monthly: int | None
    scanners_monthly_credits: int | None = None
    backfills_committed_credits: int | None = None
    free_monthly_credits: int | None = None
    credits_settled: int | None = None
    credits_reserved: int | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: object, where: str = "Quota") -> Self:
        f = Fields(data, where)
        credits = "credit_limit" in f.data or "monthly_quota" not in f.data
        if credits:
            limit = f.opt_int("credit_limit")
            used = f.integer("credits_used")
            projected = f.opt_int("projected_monthly_credits")
        else:
            limit = f.opt_int("monthly_quota")
            used = f.integer("usage_this_month")
            projected = f.opt_int("projected_monthly_observations")
        remaining = f.opt_int("remaining")
        if remaining is None and limit is not None and "remaining" not in f.data:
            remaining = max(0, limit - used)
        return cls(
            unit="credits" if credits else "observations",
            limit=limit,
            used=used,
            remaining=remaining,
            exhausted=f.flag("exhausted", default=limit is not None and used >= limit),
            period_start=f.opt_datetime("period_start"),
            period_end=f.opt_datetime("period_end"),
            projected_monthly=projected,
            scanners_monthly_credits=f.opt_int("scanners_monthly_credits"),
            backfills_committed_credits=f.opt_int("backfills_committed_credits"),
            free_monthly_credits=f.opt_int("free_monthly_credits"),
            credits_settled=f.opt_int("credits_settled"),
            credits_reserved=f.opt_int("credits_reserved"),
            raw=f.data,
        )

    @property
    def capped(self) -> bool:
        """False when there is no limit (the current era's `credit_limit: null`)."""
        return self.limit is not None


@dataclass(frozen=True, slots=True)
class DaySpend:
    """Settled credits of the observations created on one UTC day."""

    date: date
    credits: int
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: object, where: str = "DaySpend") -> Self:
        f = Fields(data, where)
        return cls(date=f.req_day("date"), credits=f.integer("credits"), raw=f.data)


@dataclass(frozen=True, slots=True)
class SpendSeries:
    """Credits spent per UTC day this period (`GET /vision/quota/spend_series/`, current era).

    One entry per day from `period_start` through today, zero-filled, across the organisation.
    """

    period_start: datetime | None
    period_end: datetime | None
    days: tuple[DaySpend, ...]
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: object, where: str = "SpendSeries") -> Self:
        f = Fields(data, where)
        return cls(
            period_start=f.opt_datetime("period_start"),
            period_end=f.opt_datetime("period_end"),
            days=f.nested_list("days", DaySpend.from_dict),
            raw=f.data,
        )

    @property
    def total(self) -> int:
        """Credits over every day in the series."""
        return sum(day.credits for day in self.days)


# Observations -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ScannerSnapshot:
    """The scanner as it was when an observation ran (name, version, model, config)."""

    name: str
    scanner_type: str
    scanner_version: int | None
    model: str
    provider: str
    emits_signals: bool | None
    scanner_config: dict[str, Any]
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: object, where: str = "ScannerSnapshot") -> Self:
        f = Fields(data, where)
        return cls(
            name=f.text("name"),
            scanner_type=f.text("scanner_type"),
            scanner_version=f.opt_int("scanner_version"),
            model=f.text("model"),
            provider=f.text("provider"),
            emits_signals=f.opt_bool("emits_signals"),
            scanner_config=f.mapping("scanner_config"),
            raw=f.data,
        )


class _SharedSnapshots:
    """Parses a snapshot, or returns the previous one when the JSON is equal to it."""

    __slots__ = ("_last",)

    def __init__(self) -> None:
        self._last: ScannerSnapshot | None = None

    def parse(self, data: object, where: str) -> ScannerSnapshot:
        last = self._last
        if last is not None and data == last.raw:
            return last
        self._last = ScannerSnapshot.from_dict(data, where)
        return self._last


@dataclass(frozen=True, slots=True)
class ScannerResult:
    """What the model produced: `model_output` (shape depends on scanner type) and signals.

    The typed accessors read `model_output` leniently: a key that is absent or of an
    unexpected type reads as None (or an empty tuple), so old and new outputs both render.
    """

    model_output: dict[str, Any]
    signals_count: int
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: object, where: str = "ScannerResult") -> Self:
        f = Fields(data, where)
        return cls(
            model_output=f.mapping("model_output"),
            signals_count=f.integer("signals_count"),
            raw=f.data,
        )

    @property
    def scanner_type(self) -> str | None:
        return _str_or_none(self.model_output.get("scanner_type"))

    @property
    def verdict(self) -> str | None:
        """Monitor verdict: `yes`, `no` or `inconclusive`."""
        return _str_or_none(self.model_output.get("verdict"))

    @property
    def score(self) -> float | None:
        """Scorer score, within the scanner's scale."""
        return _number_or_none(self.model_output.get("score"))

    @property
    def score_label(self) -> str | None:
        """The scorer scale's label echoed in the output (e.g. "Frustration")."""
        return _str_or_none(self.model_output.get("label"))

    @property
    def tags(self) -> tuple[str, ...]:
        """Classifier tags from the configured vocabulary."""
        return _strings(self.model_output.get("tags"))

    @property
    def tags_freeform(self) -> tuple[str, ...]:
        """Classifier tags the model invented (only when freeform tags are allowed)."""
        return _strings(self.model_output.get("tags_freeform"))

    @property
    def title(self) -> str | None:
        """Summarizer title."""
        return _str_or_none(self.model_output.get("title"))

    @property
    def summary(self) -> str | None:
        """Summarizer summary."""
        return _str_or_none(self.model_output.get("summary"))

    @property
    def reasoning(self) -> str | None:
        """The model's reasoning (monitor, classifier, scorer)."""
        return _str_or_none(self.model_output.get("reasoning"))

    @property
    def confidence(self) -> float | None:
        """The model's confidence, 0.0-1.0."""
        return _number_or_none(self.model_output.get("confidence"))


@dataclass(frozen=True, slots=True)
class Label:
    """A person's rating of an observation: right (👍, `is_correct`) or wrong, with feedback.

    One label per observation, shared by the whole team (current era).
    """

    is_correct: bool
    feedback: str
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: object, where: str = "Label") -> Self:
        f = Fields(data, where)
        return cls(is_correct=f.req_bool("is_correct"), feedback=f.text("feedback"), raw=f.data)


@dataclass(frozen=True, slots=True)
class Observation:
    """One scanner's run over one session recording, and its result once it succeeded.

    Result accessors (`verdict`, `score`, `tags`, `title`, ...) read `scanner_result` and are
    None (or empty) while the observation is in flight, failed, or of another scanner type.
    """

    id: str
    scanner_id: str
    session_id: str
    status: str
    error_reason: str
    workflow_id: str
    scanner_snapshot: ScannerSnapshot | None
    scanner_result: ScannerResult | None
    triggered_by: str
    triggered_by_user: User | None
    started_at: datetime | None
    completed_at: datetime | None
    created_at: datetime
    distinct_id: str | None = None
    recording_subject_email: str | None = None
    previous_observation_id: str | None = None
    next_observation_id: str | None = None
    label: Label | None = None
    backfill_id: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: object, where: str = "Observation") -> Self:
        return cls._parse(data, where, ScannerSnapshot.from_dict)

    @classmethod
    def page_parser(cls) -> Callable[[object, str], Self]:
        """A `from_dict` for the rows of one page that parses each distinct snapshot once.

        Rows of one scanner version carry equal snapshots; they share one parsed (immutable)
        ScannerSnapshot, which makes bulk exports markedly cheaper in time and memory.
        """
        snapshots = _SharedSnapshots()
        return lambda data, where: cls._parse(data, where, snapshots.parse)

    @classmethod
    def _parse(
        cls, data: object, where: str, parse_snapshot: Callable[[object, str], ScannerSnapshot]
    ) -> Self:
        f = Fields(data, where)
        return cls(
            id=f.req_text("id"),
            scanner_id=f.req_text("scanner_id"),
            session_id=f.text("session_id"),
            status=f.req_text("status"),
            error_reason=f.text("error_reason"),
            workflow_id=f.text("workflow_id"),
            scanner_snapshot=f.nested("scanner_snapshot", parse_snapshot),
            scanner_result=f.nested("scanner_result", ScannerResult.from_dict),
            triggered_by=f.text("triggered_by"),
            triggered_by_user=f.nested("triggered_by_user", User.from_dict),
            started_at=f.opt_datetime("started_at"),
            completed_at=f.opt_datetime("completed_at"),
            created_at=f.req_datetime("created_at"),
            distinct_id=f.opt_text("distinct_id"),
            recording_subject_email=f.opt_text("recording_subject_email"),
            previous_observation_id=f.opt_text("previous_observation_id"),
            next_observation_id=f.opt_text("next_observation_id"),
            label=f.nested("label", Label.from_dict),
            backfill_id=f.opt_text("backfill_id"),
            raw=f.data,
        )

    @property
    def in_flight(self) -> bool:
        """True while the observation is pending or running."""
        return self.status in ("pending", "running")

    @property
    def scanner_version(self) -> int | None:
        """The scanner version this observation ran with."""
        return self.scanner_snapshot.scanner_version if self.scanner_snapshot else None

    @property
    def error_kind(self) -> str | None:
        """The machine-readable part of `error_reason` (`too_short`, `provider_transient`, ...)."""
        if not self.error_reason:
            return None
        kind, sep, _ = self.error_reason.partition(":")
        return kind.strip() if sep else None

    @property
    def error_message(self) -> str | None:
        """The human part of `error_reason`, or the whole reason when it has no kind prefix."""
        if not self.error_reason:
            return None
        _, sep, message = self.error_reason.partition(":")
        return message.strip() if sep else self.error_reason

    @property
    def duration(self) -> timedelta | None:
        """How long the run took, once it has both started and completed."""
        if self.started_at is None or self.completed_at is None:
            return None
        return self.completed_at - self.started_at

    @property
    def model_output(self) -> dict[str, Any]:
        """`scanner_result.model_output`, or {} when there is no result yet."""
        return self.scanner_result.model_output if self.scanner_result else {}

    @property
    def verdict(self) -> str | None:
        return self.scanner_result.verdict if self.scanner_result else None

    @property
    def score(self) -> float | None:
        return self.scanner_result.score if self.scanner_result else None

    @property
    def tags(self) -> tuple[str, ...]:
        return self.scanner_result.tags if self.scanner_result else ()

    @property
    def tags_freeform(self) -> tuple[str, ...]:
        return self.scanner_result.tags_freeform if self.scanner_result else ()

    @property
    def title(self) -> str | None:
        return self.scanner_result.title if self.scanner_result else None

    @property
    def summary(self) -> str | None:
        return self.scanner_result.summary if self.scanner_result else None

    @property
    def reasoning(self) -> str | None:
        return self.scanner_result.reasoning if self.scanner_result else None

    @property
    def confidence(self) -> float | None:
        return self.scanner_result.confidence if self.scanner_result else None


# Observation stats ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StatusCounts:
    """Observation counts by status; `success_rate` is a 0-100 integer, None with no outcomes."""

    total: int
    succeeded: int
    failed: int
    ineligible: int
    in_flight: int
    success_rate: int | None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: object, where: str = "StatusCounts") -> Self:
        f = Fields(data, where)
        return cls(
            total=f.req_int("total"),
            succeeded=f.integer("succeeded"),
            failed=f.integer("failed"),
            ineligible=f.integer("ineligible"),
            in_flight=f.integer("in_flight"),
            success_rate=f.opt_int("success_rate"),
            raw=f.data,
        )


@dataclass(frozen=True, slots=True)
class Coverage:
    """Distinct sessions observed overall and within the last `recent_days` days."""

    recent_sessions: int
    total_sessions: int
    recent_days: int
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: object, where: str = "Coverage") -> Self:
        f = Fields(data, where)
        return cls(
            recent_sessions=f.integer("recent_sessions"),
            total_sessions=f.integer("total_sessions"),
            recent_days=f.integer("recent_days"),
            raw=f.data,
        )


@dataclass(frozen=True, slots=True)
class MonitorStats:
    """Succeeded monitor observations by verdict."""

    yes_total: int
    no_total: int
    inconclusive_total: int
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: object, where: str = "MonitorStats") -> Self:
        f = Fields(data, where)
        return cls(
            yes_total=f.integer("yes_total"),
            no_total=f.integer("no_total"),
            inconclusive_total=f.integer("inconclusive_total"),
            raw=f.data,
        )


@dataclass(frozen=True, slots=True)
class TagCount:
    """How many succeeded observations carried one tag."""

    tag: str
    count: int
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: object, where: str = "TagCount") -> Self:
        f = Fields(data, where)
        return cls(tag=f.req_text("tag"), count=f.integer("count"), raw=f.data)


@dataclass(frozen=True, slots=True)
class ClassifierStats:
    """Top fixed and freeform tags (count desc, then tag) over succeeded classifier runs."""

    fixed_ranked: tuple[TagCount, ...]
    freeform_ranked: tuple[TagCount, ...]
    total_with_tags: int
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: object, where: str = "ClassifierStats") -> Self:
        f = Fields(data, where)
        return cls(
            fixed_ranked=f.nested_list("fixed_ranked", TagCount.from_dict),
            freeform_ranked=f.nested_list("freeform_ranked", TagCount.from_dict),
            total_with_tags=f.integer("total_with_tags"),
            raw=f.data,
        )


@dataclass(frozen=True, slots=True)
class ScoreSummary:
    """Distribution summary of numeric scores (continuous percentiles)."""

    min: float
    p25: float
    median: float
    mean: float
    p75: float
    max: float
    count: int
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: object, where: str = "ScoreSummary") -> Self:
        f = Fields(data, where)
        return cls(
            min=f.req_float("min"),
            p25=f.req_float("p25"),
            median=f.req_float("median"),
            mean=f.req_float("mean"),
            p75=f.req_float("p75"),
            max=f.req_float("max"),
            count=f.integer("count"),
            raw=f.data,
        )


@dataclass(frozen=True, slots=True)
class Histogram:
    """Score histogram: `labels[i]` names the bucket holding `counts[i]` observations."""

    labels: tuple[str, ...]
    counts: tuple[int, ...]
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: object, where: str = "Histogram") -> Self:
        f = Fields(data, where)
        labels, counts = f.texts("labels"), f.integers("counts")
        if len(counts) != len(labels):
            raise ResponseValidationError(
                f"{where}: {len(labels)} labels but {len(counts)} counts", body=f.data
            )
        return cls(labels=labels, counts=counts, raw=f.data)


@dataclass(frozen=True, slots=True)
class ScorerStats:
    """Score summary and histogram over succeeded scorer runs; both None with no scores."""

    summary: ScoreSummary | None
    histogram: Histogram | None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: object, where: str = "ScorerStats") -> Self:
        f = Fields(data, where)
        return cls(
            summary=f.nested("summary", ScoreSummary.from_dict),
            histogram=f.nested("histogram", Histogram.from_dict),
            raw=f.data,
        )


@dataclass(frozen=True, slots=True)
class LabelDay:
    """Ratings on one day: how many observations were rated right (`up`) and wrong (`down`)."""

    date: date
    up: int
    down: int
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: object, where: str = "LabelDay") -> Self:
        f = Fields(data, where)
        return cls(date=f.req_day("date"), up=f.integer("up"), down=f.integer("down"), raw=f.data)


@dataclass(frozen=True, slots=True)
class VersionMarker:
    """A scanner version, when it started, what it was, and the ratings its observations got.

    Older current-era servers send only `date` and `version`; the rest is then None or 0.
    """

    date: datetime | None
    version: int
    up: int
    down: int
    total: int
    prompt: str | None
    model: str | None
    sampling_rate: float | None
    sampling_mode: str | None
    scanner_type: str | None
    provider: str | None
    emits_signals: bool | None
    query: dict[str, Any] | None
    scanner_config: dict[str, Any] | None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: object, where: str = "VersionMarker") -> Self:
        f = Fields(data, where)
        return cls(
            date=f.opt_moment("date"),
            version=f.req_int("version"),
            up=f.integer("up"),
            down=f.integer("down"),
            total=f.integer("total"),
            prompt=f.opt_text("prompt"),
            model=f.opt_text("model"),
            sampling_rate=f.opt_float("sampling_rate"),
            sampling_mode=f.opt_text("sampling_mode"),
            scanner_type=f.opt_text("scanner_type"),
            provider=f.opt_text("provider"),
            emits_signals=f.opt_bool("emits_signals"),
            query=f.opt_mapping("query"),
            scanner_config=f.opt_mapping("scanner_config"),
            raw=f.data,
        )


@dataclass(frozen=True, slots=True)
class LabelStats:
    """Ratings of the filtered observations (the stats `labels` block, current era).

    `by_day` buckets by the day the session was scanned, over the last `recent_days`;
    `by_rating_day` by the day the rating was set; empty days are omitted from both.
    `version_markers` are all-time, one per scanner version.
    """

    up_total: int
    down_total: int
    by_day: tuple[LabelDay, ...]
    by_rating_day: tuple[LabelDay, ...]
    version_markers: tuple[VersionMarker, ...]
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: object, where: str = "LabelStats") -> Self:
        f = Fields(data, where)
        return cls(
            up_total=f.integer("up_total"),
            down_total=f.integer("down_total"),
            by_day=f.nested_list("by_day", LabelDay.from_dict),
            by_rating_day=f.nested_list("by_rating_day", LabelDay.from_dict),
            version_markers=f.nested_list("version_markers", VersionMarker.from_dict),
            raw=f.data,
        )

    @property
    def total(self) -> int:
        """Rated observations, right and wrong."""
        return self.up_total + self.down_total


@dataclass(frozen=True, slots=True)
class TermCount:
    """How many succeeded summaries carried one friction point or keyword."""

    term: str
    count: int
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: object, where: str = "TermCount") -> Self:
        f = Fields(data, where)
        return cls(term=f.req_text("term"), count=f.integer("count"), raw=f.data)


@dataclass(frozen=True, slots=True)
class SummarizerStats:
    """Top friction points and keywords of succeeded summarizer runs (current era).

    Newer summarizer outputs dropped these facets, so the lists are often empty.
    """

    friction_ranked: tuple[TermCount, ...]
    keyword_ranked: tuple[TermCount, ...]
    total_with_facets: int
    total_with_friction: int
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: object, where: str = "SummarizerStats") -> Self:
        f = Fields(data, where)
        return cls(
            friction_ranked=f.nested_list("friction_ranked", TermCount.from_dict),
            keyword_ranked=f.nested_list("keyword_ranked", TermCount.from_dict),
            total_with_facets=f.integer("total_with_facets"),
            total_with_friction=f.integer("total_with_friction"),
            raw=f.data,
        )


@dataclass(frozen=True, slots=True)
class ObservationStats:
    """Aggregates over a scanner's filtered observations (`GET .../observations/stats/`).

    Exactly one of `monitor`, `classifier`, `scorer` is set, chosen by the scanner's type
    (summarizers get none). `labels` and `summarizer` are blocks of newer API versions: None
    when the server does not send them (seed era) or, for `summarizer`, for other scanner types.
    """

    status_counts: StatusCounts
    coverage: Coverage
    available_tags: tuple[str, ...]
    monitor: MonitorStats | None
    classifier: ClassifierStats | None
    scorer: ScorerStats | None
    labels: LabelStats | None = None
    summarizer: SummarizerStats | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: object, where: str = "ObservationStats") -> Self:
        f = Fields(data, where)
        return cls(
            status_counts=f.req_nested("status_counts", StatusCounts.from_dict),
            coverage=f.req_nested("coverage", Coverage.from_dict),
            available_tags=f.texts("available_tags"),
            monitor=f.nested("monitor", MonitorStats.from_dict),
            classifier=f.nested("classifier", ClassifierStats.from_dict),
            scorer=f.nested("scorer", ScorerStats.from_dict),
            labels=f.nested("labels", LabelStats.from_dict),
            summarizer=f.nested("summarizer", SummarizerStats.from_dict),
            raw=f.data,
        )


# Lenient readers for model_output ---------------------------------------------------------


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _number_or_none(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _strings(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(item for item in value if isinstance(item, str))
