"""Era detection and the models catalogue.

Detection runs over HTTP against stub servers that answer exactly the probes of one era
(quota keys, the 404 fallback to the first scanner); tests/client/test_current_era.py checks
it against the sandbox in both eras.
"""

from __future__ import annotations

import threading

import pytest

from vision_api import (
    UNKNOWN_MODEL_CREDITS,
    PermissionDeniedError,
    credits_per_observation,
    default_model,
    model_info,
    models_for,
)

from .conftest import Reply, StubAPI

NOT_FOUND = {"type": "invalid_request", "code": "not_found", "detail": "Not found."}
CURRENT_QUOTA = {
    "credit_limit": None,
    "credits_used": 120,
    "remaining": None,
    "exhausted": False,
    "period_start": "2026-03-01T00:00:00Z",
    "period_end": "2026-04-01T00:00:00Z",
    "projected_monthly_credits": 900,
}
SEED_QUOTA = {
    "monthly_quota": 3000,
    "usage_this_month": 10,
    "remaining": 2990,
    "exhausted": False,
    "period_start": "2026-03-01T00:00:00Z",
    "period_end": "2026-04-01T00:00:00Z",
    "projected_monthly_observations": 400,
}


def _page(*scanners: dict[str, object]) -> dict[str, object]:
    return {"count": len(scanners), "next": None, "previous": None, "results": list(scanners)}


def _quota_probes(stub: StubAPI) -> int:
    return sum(1 for seen in stub.seen if seen.path.split("?")[0].endswith("/quota/"))


@pytest.mark.parametrize(
    ("quota", "era"),
    [
        (CURRENT_QUOTA, "current"),
        ({**CURRENT_QUOTA, "credit_limit": 0}, "current"),
        (SEED_QUOTA, "seed"),
    ],
    ids=["credit-limit-null", "credit-limit-zero", "monthly-quota"],
)
def test_era_from_the_quota_keys(stub_api: StubAPI, quota: dict[str, object], era: str) -> None:
    stub_api.reply("/quota/", Reply(200, quota))
    assert stub_api.client().era() == era
    assert [seen.path.split("?")[0] for seen in stub_api.seen] == ["/api/projects/1/vision/quota/"]


@pytest.mark.parametrize(
    ("scanner", "era"),
    [
        ({"id": "s1", "credits_per_observation": 5}, "current"),
        ({"id": "s1", "model": "gemini-3-flash-preview"}, "seed"),
    ],
    ids=["credits-key", "no-credits-key"],
)
def test_a_quota_404_falls_back_to_the_first_scanner(
    stub_api: StubAPI, scanner: dict[str, object], era: str
) -> None:
    stub_api.reply("/quota/", Reply(404, NOT_FOUND))
    stub_api.reply("/scanners/", Reply(200, _page(scanner)))
    assert stub_api.client().era() == era
    probe = stub_api.seen[-1].path
    assert probe.startswith("/api/projects/1/vision/scanners/?") and "limit=1" in probe


def test_a_quota_without_either_key_asks_the_scanners(stub_api: StubAPI) -> None:
    stub_api.reply("/quota/", Reply(200, {"exhausted": False}))
    stub_api.reply("/scanners/", Reply(200, _page({"id": "s", "credits_per_observation": 2})))
    assert stub_api.client().era() == "current"


def test_no_quota_and_no_scanners_reads_as_seed(stub_api: StubAPI) -> None:
    stub_api.reply("/quota/", Reply(404, NOT_FOUND))
    stub_api.reply("/scanners/", Reply(200, _page()))
    assert stub_api.client().era() == "seed"


def test_the_era_is_detected_once_and_shared_with_copies(stub_api: StubAPI) -> None:
    stub_api.reply("/quota/", Reply(200, CURRENT_QUOTA))
    client = stub_api.client()
    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(client.era())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["current"] * 8
    assert client.copy().era() == "current"
    assert _quota_probes(stub_api) == 1


def test_a_failed_detection_is_not_remembered(stub_api: StubAPI) -> None:
    denied = {"type": "authentication_error", "code": "permission_denied", "detail": "No."}
    stub_api.reply("/quota/", Reply(403, denied), Reply(200, SEED_QUOTA))
    client = stub_api.client()
    with pytest.raises(PermissionDeniedError):
        client.era()
    assert client.era() == "seed"
    assert _quota_probes(stub_api) == 2


# The catalogue -------------------------------------------------------------------------------


def test_models_of_each_era() -> None:
    assert [(m.id, m.name, m.credits_per_observation) for m in models_for("seed")] == [
        ("gemini-3.1-flash-lite-preview", "Gemini 3 Flash Lite", 2),
        ("gemini-3-flash-preview", "Gemini 3 Flash", 5),
    ]
    assert [(m.id, m.credits_per_observation) for m in models_for("current")] == [
        ("gemini-3.5-flash-lite", 2),
        ("gemini-3-flash-preview", 5),
        ("gemini-3.8-flash", 15),
    ]
    assert not any(m.retired for era in ("seed", "current") for m in models_for(era))


def test_default_model_is_gemini_3_flash_in_both_eras() -> None:
    assert default_model("seed").id == default_model("current").id == "gemini-3-flash-preview"
    assert default_model("current").credits_per_observation == 5


def test_model_info_knows_retired_ids_relative_to_an_era() -> None:
    lite = model_info("gemini-3.1-flash-lite-preview")
    assert lite is not None and lite.retired and lite.credits_per_observation == 2
    seed_lite = model_info("gemini-3.1-flash-lite-preview", "seed")
    assert seed_lite is not None and not seed_lite.retired
    old = model_info("gemini-3.7-flash")
    assert old is not None and (old.retired, old.credits_per_observation) == (True, 15)
    current = model_info("gemini-3.8-flash")
    assert current is not None and not current.retired
    assert model_info("gemini-9-ultra") is None


def test_unknown_models_are_priced_at_the_highest_known_price() -> None:
    assert credits_per_observation("gemini-3.5-flash-lite") == 2
    assert credits_per_observation("gemini-9-ultra") == UNKNOWN_MODEL_CREDITS == 15


def test_an_unknown_era_is_refused() -> None:
    with pytest.raises(ValueError, match="era"):
        models_for("newest")  # type: ignore[arg-type]
