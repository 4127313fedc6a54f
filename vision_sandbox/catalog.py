"""The API's enums and prices (contract §2 and §7), in one place."""

from __future__ import annotations

SCANNER_TYPES = ("monitor", "classifier", "scorer", "summarizer")
PROVIDERS = ("google",)
SEED_MODELS = ("gemini-3-flash-preview", "gemini-3.1-flash-lite-preview")
# Today's ids, cheapest first; the seed's lite model is retired (rejected on write).
CURRENT_MODELS = ("gemini-3.5-flash-lite", "gemini-3-flash-preview", "gemini-3.8-flash")
# The seed's ids; kept under this name for code that predates the eras.
MODELS = SEED_MODELS
DEFAULT_MODEL = "gemini-3-flash-preview"
SAMPLING_MODES = ("focused", "balanced", "comprehensive")
DEFAULT_SAMPLING_MODE = "comprehensive"
OBSERVATION_STATUSES = ("pending", "running", "succeeded", "failed", "ineligible")
IN_FLIGHT_STATUSES = ("pending", "running")
SEED_TRIGGERS = ("schedule", "on_demand")
CURRENT_TRIGGERS = ("schedule", "on_demand", "retry", "backfill")
TRIGGERS = SEED_TRIGGERS
VERDICTS = ("yes", "no", "inconclusive")
SUMMARY_LENGTHS = ("short", "medium", "long")

# Credits per observation by model id; unknown ids are billed at the highest known price.
CREDITS_PER_OBSERVATION = {
    "gemini-3.1-flash-lite-preview": 2,
    "gemini-2.5-flash": 2,
    "gemini-3.5-flash-lite": 2,
    "gemini-3-flash-preview": 5,
    "gemini-3.5-flash": 15,
    "gemini-3.6-flash": 15,
    "gemini-3.7-flash": 15,
    "gemini-3.8-flash": 15,
}
UNKNOWN_MODEL_CREDITS = max(CREDITS_PER_OBSERVATION.values())

# Scopes each endpoint needs (contract §1.3), in the order they are checked.
SCOPES = (
    "replay_scanner:read",
    "replay_scanner:write",
    "session_recording:read",
)


def credits_per_observation(model: str) -> int:
    """What one succeeded observation costs with ``model``; unknown ids never under-bill."""
    return CREDITS_PER_OBSERVATION.get(model, UNKNOWN_MODEL_CREDITS)
