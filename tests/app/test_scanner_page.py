"""The scanner page (``/scanner?id=``) and the list rows that open it, with AppTest against the
sandbox over real HTTP (issue 15: a scanner page; items 8, 9, 10, 14; issue 13: limit badge,
observe's "already scanned", bulk scan)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

import vision_api
from vision_api import NotFoundError, VisionClient
from vision_console.render import escape_markdown
from vision_console.scanners import bulk_panel, page_view

from .test_scanners_page import (  # noqa: F401 - the autouse fixtures, by name
    _delete_created_scanners,
    eligible_session,
    make_scanner,
    shown,
    stay_on,
    texts,
    unique,
)


@pytest.fixture
def client(sandbox: Any) -> Iterator[VisionClient]:
    with VisionClient(
        base_url=sandbox.base_url, project_id=sandbox.project_id, api_key=sandbox.api_key
    ) as c:
        yield c


def scanner_page(app: Any, scanner_id: str, **options: Any) -> AppTest:
    return app("scanner", query_params={"id": scanner_id}, **options)


def title(at: AppTest) -> str:
    return str(at.title[0].value) if at.title else ""


def test_a_list_row_opens_the_scanner_page(app: Any, client: VisionClient) -> None:
    tag = unique("t")
    make_scanner(client, name=f"Open A {tag}")
    second = make_scanner(client, name=f"Open B {tag}")
    at = app("scanners", query_params={"q": tag})
    at.session_state["scanners.table"] = {"selection": {"rows": [1], "columns": [], "cells": []}}
    at.run()
    assert not at.exception, at.exception
    assert title(at) == escape_markdown(second.name)
    assert at.query_params["id"] == second.id


def test_an_old_list_link_with_a_selected_scanner_opens_its_page(
    app: Any, client: VisionClient
) -> None:
    scanner = make_scanner(client)
    at = app("scanners", query_params={"scanner": scanner.id})
    assert title(at) == escape_markdown(scanner.name)


def test_the_page_shows_settings_spend_charts_history_and_actions(
    app: Any, client: VisionClient
) -> None:
    scanner = make_scanner(client, description="Error pages in checkout")
    at = scanner_page(app, scanner.id)
    assert not at.exception, at.exception
    assert title(at) == escape_markdown(scanner.name)
    labels = {m.label for m in at.metric}
    assert {"Type", "Sampling", "Price", "Est. per month"} <= labels
    assert {"Credits this period", "Observations this period", "Credit limit"} <= labels
    every_label = [m.label for m in at.metric]
    assert every_label.count("Est. per month") == 1, "one figure, said once"
    assert any("All recordings" in str(c.value) for c in at.caption), "in PostHog's words"
    keys = {b.key for b in at.button}
    assert {"scanner.edit", "scanner.disable", "scanner.duplicate", "scanner.delete"} <= keys
    links = {link.value: link.proto.query_string for link in at.main.get("page_link")}
    assert links["All of this scanner's observations"] == f"scanner={scanner.id}"
    assert shown(at, "Version 1 now.")
    assert at.get("vega_lite_chart")  # the Observations page's stats charts, small


def test_a_rerun_of_the_page_makes_no_request(app: Any, client: VisionClient, sandbox: Any) -> None:
    scanner = make_scanner(client)
    at = scanner_page(app, scanner.id)
    sandbox.requests.clear()
    at.run()
    assert sandbox.requests.count() == 0


@pytest.mark.parametrize("raw", ["not-a-uuid", ""])
def test_a_bad_or_missing_id_falls_back_with_a_notice(app: Any, raw: str) -> None:
    at = app("scanner", query_params={"id": raw} if raw else None)
    assert not at.exception, at.exception
    assert shown(at, "No scanner chosen: open one from the list.")
    if raw:
        assert shown(at, "Link parameter id='not-a-uuid'")


def test_a_missing_id_falls_back_to_the_last_scanner_opened(app: Any, client: VisionClient) -> None:
    scanner = make_scanner(client)
    at = scanner_page(app, scanner.id)
    at.query_params.pop("id")
    at.session_state[page_view.STATE.key("id")] = ""
    at.run()
    assert title(at) == escape_markdown(scanner.name)
    assert shown(at, "showing the last one you opened")


def test_an_unknown_scanner_says_so(app: Any) -> None:
    at = scanner_page(app, str(uuid.uuid4()))
    assert shown(at, "No scanner with this id in this project")


def test_duplicate_opens_the_copy(app: Any, client: VisionClient) -> None:
    """Issue 15 item 8: after Duplicate the original stayed selected while the copy showed."""
    scanner = make_scanner(client)
    at = scanner_page(app, scanner.id)
    at.button(key="scanner.duplicate").click().run()
    copies = client.scanners.list(search=f"{scanner.name} (Copy)").items
    assert [(c.name, c.enabled) for c in copies] == [(f"{scanner.name} (Copy)", False)]
    assert title(at) == escape_markdown(copies[0].name)
    assert at.query_params["id"] == copies[0].id
    assert any("Copied as" in t for t in texts(at, "toast"))


def test_enabling_from_the_list_confirms_with_the_credit_delta(
    app: Any, client: VisionClient
) -> None:
    scanner = make_scanner(client, enabled=False)
    monthly = client.scanners.retrieve(scanner.id).estimated_monthly_credits
    at = app("scanners", query_params={"q": scanner.name})
    at.session_state["scanners.table"] = {
        "selection": {"rows": [], "columns": [], "cells": [[0, "Enabled"]]}
    }
    at.run()
    assert not at.exception, at.exception
    assert title(at) == "Scanners"  # the Enabled cell asks; it does not open the page
    assert shown(at, "Enabling adds about")
    if monthly is not None:
        assert shown(at, f"{monthly:,} credit")
    assert client.scanners.retrieve(scanner.id).enabled is False  # nothing sent before confirming
    # AppTest cannot click inside a dialog: take the path its Enable button takes.
    at.session_state["scanners.pending_enabled"] = (scanner.id, scanner.name, True)
    at.run()
    assert client.scanners.retrieve(scanner.id).enabled is True
    assert any("enabled" in t for t in texts(at, "toast"))


def test_the_list_and_the_page_show_one_rule_for_a_disabled_scanner(
    app: Any, client: VisionClient
) -> None:
    """Issue 15 item 9: 0 on Overview, — in the list and "298 cr" on the card; now one rule."""
    scanner = make_scanner(client, enabled=False)
    at = app("scanners", query_params={"q": scanner.name})
    row = at.dataframe[0].value.iloc[0].to_dict()
    assert row["Est. credits/month"].startswith("0 credits (")
    page = scanner_page(app, scanner.id)
    estimate = next(m for m in page.metric if m.label == "Est. per month")
    assert estimate.value == row["Est. credits/month"]


def test_delete_asks_then_goes_back_to_the_list(app: Any, client: VisionClient) -> None:
    scanner = make_scanner(client, name=unique("Doomed **bold** [x](javascript:alert(1))"))
    at = scanner_page(app, scanner.id)
    at.button(key="scanner.delete").click().run()
    assert scanner.name in [t.value for t in at.text]
    assert shown(at, "**0 observations**")
    at.session_state["scanners.pending_delete"] = (scanner.id, scanner.name)
    at.run()
    with pytest.raises(NotFoundError):
        client.scanners.retrieve(scanner.id)
    assert title(at) == "Scanners"
    assert any("Deleted" in t for t in texts(at, "toast"))


def test_edit_opens_the_form_and_returns_to_the_page(app: Any, client: VisionClient) -> None:
    scanner = make_scanner(client)
    at = scanner_page(app, scanner.id)
    at.button(key="scanner.edit").click().run()
    assert not at.exception, at.exception
    assert [h.value for h in at.subheader][:1] == ["Edit scanner"]
    stay_on(at, "scanners")  # the form is on the Scanners page; the browser went there
    cancel = next(b for b in at.button if b.label == "Cancel")
    cancel.click().run()
    assert title(at) == escape_markdown(scanner.name)
    assert at.query_params["id"] == scanner.id


def test_read_only_hides_every_action(app: Any, client: VisionClient) -> None:
    scanner = make_scanner(client)
    at = scanner_page(app, scanner.id, secrets={"read_only": True})
    assert not {b.key for b in at.button} & {"scanner.edit", "scanner.duplicate", "scanner.delete"}
    assert not at.main.get("form_submit_button")


def test_names_and_prompts_are_shown_as_text(app: Any, client: VisionClient) -> None:
    name = unique("<img src=x onerror=alert(1)> **Loud** [link](javascript:alert(1))")
    scanner = make_scanner(client, name=name, description="_under_ <b>bold</b>")
    at = scanner_page(app, scanner.id)
    assert title(at) == escape_markdown(name)
    assert not any("<img" in m.value for m in at.markdown)


# ---------------------------------------------------------------------------------------------
# scanning


def scan_input(at: AppTest, scanner_id: str) -> Any:
    return at.text_input(key=f"scanners.scan_input.{scanner_id}")


def submit_scan(at: AppTest) -> AppTest:
    next(b for b in at.get("form_submit_button") if b.label == "Scan recording").click().run()
    return at


def test_a_string_that_is_no_session_id_is_refused_on_the_field(
    app: Any, client: VisionClient, sandbox: Any
) -> None:
    """Issue 15 item 10: "not-a-session" used to answer "Scan requested"."""
    scanner = make_scanner(client)
    at = scanner_page(app, scanner.id)
    sandbox.requests.clear()
    scan_input(at, scanner.id).set_value("not-a-session")
    submit_scan(at)
    assert shown(at, "This isn't a session id")
    assert sandbox.requests.count(method="POST", path_contains="/observe") == 0
    assert not any("Scan requested" in t for t in texts(at, "toast"))


def follow(at: AppTest, done: Any) -> None:
    for _ in range(80):
        if done():
            return
        time.sleep(0.1)
        at.run()


def test_a_scan_follows_to_its_result_and_a_second_is_already_scanned(
    app: Any, client: VisionClient
) -> None:
    scanner = make_scanner(client)
    session_id = eligible_session(client)
    at = scanner_page(app, scanner.id)
    scan_input(at, scanner.id).set_value(f"https://us.posthog.com/project/1/replay/{session_id}")
    submit_scan(at)
    assert any("Scan requested" in t for t in texts(at, "toast"))
    follow(at, lambda: any(m.label == "Verdict" for m in at.metric))
    assert at.progress and at.progress[0].value == 100
    observation = client.observations.list(scanner.id, session_id=session_id).items[0]
    link = next(lk for lk in at.main.get("page_link") if lk.value == "Open in Observations")
    assert f"obs={observation.id}" in link.proto.query_string

    scan_input(at, scanner.id).set_value(session_id)
    submit_scan(at)
    assert any("Already scanned: no charge" in t for t in texts(at, "toast"))
    follow(at, lambda: shown(at, "nothing new was charged"))
    assert len(client.observations.list(scanner.id, session_id=session_id).items) == 1


def test_bulk_scan_shows_each_outcome_and_follows_the_started(
    app: Any, client: VisionClient, sandbox: Any
) -> None:
    scanner = make_scanner(client)
    session_id = eligible_session(client)
    unknown = "0190b7c2-8a3e-7c41-9b0d-00000000beef"
    at = scanner_page(app, scanner.id)
    box = at.text_area(key=f"scanner.bulk_input.{scanner.id}")
    box.set_value(f"{session_id}\nnot-a-session\n")
    next(b for b in at.get("form_submit_button") if b.label == "Scan all").click().run()
    assert shown(at, "Item 2, 'not-a-session'")
    assert sandbox.requests.count(method="POST", path_contains="/bulk_observe") == 0

    box = at.text_area(key=f"scanner.bulk_input.{scanner.id}")
    box.set_value(f"{session_id}\n{unknown}, https://us.posthog.com/replay/{session_id}")
    next(b for b in at.get("form_submit_button") if b.label == "Scan all").click().run()
    assert any("Bulk scan sent" in t and "1 repeat dropped" in t for t in texts(at, "toast"))
    tracking = at.session_state[bulk_panel.TRACK_KEY]
    assert [row.session_id for row in tracking.rows] == [session_id, unknown]
    follow(at, lambda: at.session_state[bulk_panel.TRACK_KEY].done)
    frame = at.dataframe[-1].value
    assert list(frame["Session"]) == [session_id, unknown]
    assert frame["Outcome"].iloc[0] == "Started"


def test_duplicating_a_scanner_on_a_retired_model_copies_it_onto_the_default_one(
    app: Any, client: VisionClient, sandbox: Any
) -> None:
    """Today's server refuses a retired model on create: Duplicate used to answer with a 400."""
    retired = "gemini-3.1-flash-lite-preview"
    scanner = make_scanner(client)
    with sandbox.db.write() as conn:  # a scanner created before the model was retired
        conn.execute("UPDATE scanners SET model = ? WHERE id = ?", (retired, scanner.id))
    assert client.scanners.retrieve(scanner.id).model == retired
    at = scanner_page(app, scanner.id)
    at.button(key="scanner.duplicate").click().run()
    assert not at.exception, at.exception
    copies = client.scanners.list(search=f"{scanner.name} (Copy)").items
    assert [(c.name, c.model, c.enabled) for c in copies] == [
        (f"{scanner.name} (Copy)", vision_api.default_model("current").id, False)
    ]
    assert at.query_params["id"] == copies[0].id
    toasts = texts(at, "toast")
    assert any("Copied as" in t for t in toasts)
    assert any("is retired, so the copy uses Gemini 3 Flash" in t for t in toasts), toasts
    assert not texts(at, "error")
