"""The Scanners page, driven with AppTest against the sandbox over real HTTP."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from vision_api import NotFoundError, Scanner, VisionClient
from vision_console import cache, navigation
from vision_console.render import escape_markdown
from vision_console.scanner_config import form as forms
from vision_console.scanners import form_panel as form_view

from .conftest import make_app

MONITOR_CONFIG = {"prompt": "Did the user hit an error page?", "allow_inconclusive": False}


@pytest.fixture
def client(sandbox: Any) -> Iterator[VisionClient]:
    with VisionClient(
        base_url=sandbox.base_url, project_id=sandbox.project_id, api_key=sandbox.api_key
    ) as c:
        yield c


RUN_TAG = f"sp{uuid.uuid4().hex[:6]}"
"""In every scanner name this module creates, so each test can clean up after itself."""


def unique(name: str) -> str:
    return f"{name} {RUN_TAG}-{uuid.uuid4().hex[:6]}"


@pytest.fixture(autouse=True)
def _delete_created_scanners(client: VisionClient) -> Iterator[None]:
    """Keep the shared sandbox small: other pages (the default Overview) list every scanner."""
    yield
    for scanner in list(client.scanners.iter(search=RUN_TAG)):
        with contextlib.suppress(NotFoundError):
            client.scanners.delete(scanner.id)


def make_scanner(client: VisionClient, **overrides: Any) -> Scanner:
    body: dict[str, Any] = {
        "name": unique("Fixture"),
        "scanner_type": "monitor",
        "scanner_config": MONITOR_CONFIG,
        "model": "gemini-3-flash-preview",
        "sampling_rate": 0.5,
    }
    body.update(overrides)
    return client.scanners.create(**body)


def plain(markdown: str) -> str:
    """Alerts escape untrusted text for Markdown; tests compare the text a person reads."""
    return markdown.replace("\\", "")


def texts(at: AppTest, *kinds: str) -> list[str]:
    """Visible text of the given element kinds (default: text, markdown, captions, alerts)."""
    kinds = kinds or ("text", "markdown", "caption", "error", "warning", "info", "toast")
    return [plain(str(element.value)) for kind in kinds for element in at.get(kind)]


def field_errors(at: AppTest) -> list[str]:
    """The form's errors, in page order: those under fields (and the save's problem), not the
    cost box's quota projection, which is an error too once the quota is at risk."""
    return [plain(str(e.value)) for e in at.error if e.icon == FIELD_ERROR_ICON]


FIELD_ERROR_ICON = ":material/error:"


def shown(at: AppTest, fragment: str) -> bool:
    return any(fragment in value for value in texts(at))


def form_key(at: AppTest, name: str) -> str:
    session = at.session_state[form_view.SESSION_KEY]
    return session.key(name)


def stay_on(at: AppTest, page: str) -> AppTest:
    """Follow the app's own ``st.switch_page`` to ``page``.

    A browser stays on the page the app switched to; AppTest keeps requesting the page its own
    ``switch_page`` last named, so a test whose click moved the app says where it now is.
    """
    at.switch_page(navigation.by_name(page).path)
    return at


def open_blank_form(app: Any, scanner_type: str = "monitor") -> AppTest:
    at = app("scanners")
    at.button(key="scanners.new").click().run()
    at.button(key="scanners.template.blank").click().run()
    at.radio(key=form_key(at, "type")).set_value(scanner_type).run()
    return at


def submit(at: AppTest) -> AppTest:
    """Click the form's submit button ("Create scanner" / "Save changes")."""
    at.button(key=form_key(at, "submit")).click().run()
    return at


# ---------------------------------------------------------------------------------------------
# list, filters and the URL


def test_list_shows_the_official_columns_for_this_page(app: Any, client: VisionClient) -> None:
    scanner = make_scanner(client, description="Error pages in checkout")
    at = app("scanners", query_params={"q": scanner.name})
    assert not at.exception
    frame = at.dataframe[0].value
    assert list(frame.columns) == [
        "Name",
        "Description",
        "Enabled",
        "Type",
        "Sampling",
        "Model · price",
        "Est. obs/month",
        "Est. credits/month",
        "Version",
        "Created by",
        "Updated (UTC)",
        "Tags",
        "Credits this period",
        "Limit",
    ]
    row = frame.iloc[0].to_dict()
    assert row["Name"] == scanner.name and row["Description"] == "Error pages in checkout"
    assert (row["Type"], row["Sampling"]) == ("Monitor", "50%")
    assert row["Model · price"].endswith(" · 5 credits/obs")
    assert row["Version"] == 1 and row["Enabled"]


def test_filters_come_from_the_url_and_go_back_to_it(app: Any, client: VisionClient) -> None:
    tag = unique("t")
    make_scanner(client, name=f"Alpha {tag}", enabled=False)
    make_scanner(client, name=f"Beta {tag}")
    at = app("scanners", query_params={"q": tag, "enabled": "disabled", "sort": "-name"})
    assert at.text_input(key="scanners.q").value == tag
    assert at.selectbox(key="scanners.enabled").value == "disabled"
    assert list(at.dataframe[0].value["Name"]) == [f"Alpha {tag}"]

    at.selectbox(key="scanners.enabled").set_value("").run()
    assert list(at.dataframe[0].value["Name"]) == [f"Beta {tag}", f"Alpha {tag}"]
    assert at.query_params["q"] == tag and at.query_params["sort"] == "-name"
    assert "enabled" not in at.query_params

    at.multiselect(key="scanners.type").set_value(["scorer"]).run()
    assert at.query_params["type"] == "scorer"
    assert shown(at, "No scanners match your filters.")


def test_invalid_url_values_fall_back_with_a_notice(app: Any) -> None:
    at = app("scanners", query_params={"type": "monitor,robot", "page": "zero", "sort": "x"})
    assert not at.exception
    assert at.multiselect(key="scanners.type").value == ["monitor"]  # the valid item is kept
    assert at.selectbox(key="scanners.sort").value == "name"
    notices = texts(at, "warning")
    assert any("type=" in n and "robot" in n for n in notices)
    assert any("page=" in n for n in notices) and any("sort=" in n for n in notices)


def test_a_rerun_without_changes_makes_no_request(app: Any, sandbox: Any) -> None:
    at = app("scanners")
    sandbox.requests.clear()
    at.run()
    assert sandbox.requests.count() == 0


# ---------------------------------------------------------------------------------------------
# create


@pytest.mark.parametrize(
    ("scanner_type", "settings", "expected_config"),
    [
        (
            "monitor",
            {"allow_inconclusive": True},
            {"prompt": "What happened?", "allow_inconclusive": True},
        ),
        (
            "classifier",
            {"tags_text": "bug\nfeature request", "multi_label": False},
            {
                "prompt": "What happened?",
                "tags": ["bug", "feature request"],
                "multi_label": False,
                "allow_freeform_tags": False,
            },
        ),
        (
            "scorer",
            {"scale_min": 1.0, "scale_max": 5.0, "scale_label": "effort"},
            {"prompt": "What happened?", "scale": {"min": 1, "max": 5, "label": "effort"}},
        ),
        ("summarizer", {"length": "short"}, {"prompt": "What happened?", "length": "short"}),
    ],
)
def test_create_each_type(
    app: Any,
    client: VisionClient,
    scanner_type: str,
    settings: dict[str, Any],
    expected_config: dict[str, Any],
) -> None:
    at = open_blank_form(app, scanner_type)
    name = unique(f"New {scanner_type}")
    at.text_input(key=form_key(at, "name")).set_value(name)
    at.text_area(key=form_key(at, "prompt")).set_value("What happened?")
    for field_name, value in settings.items():
        at.get_by_key(form_key(at, field_name)).set_value(value)
    at.number_input(key=form_key(at, "rate_pct")).set_value(5.0)
    at.checkbox(key=form_key(at, "q_test_accounts")).check()
    submit(at)
    assert not at.exception
    assert any(name in toast for toast in texts(at, "toast"))
    created = client.scanners.list(search=name).items
    assert len(created) == 1
    assert created[0].scanner_type == scanner_type
    assert created[0].scanner_config == expected_config
    assert created[0].sampling_rate == 0.05
    assert created[0].query == {"filter_test_accounts": True}
    assert at.query_params["id"] == created[0].id  # the new scanner opens on its own page
    assert at.title[0].value == escape_markdown(name)


def test_template_prefills_the_form(app: Any, client: VisionClient) -> None:
    at = app("scanners")
    at.button(key="scanners.new").click().run()
    at.button(key="scanners.template.frustration_score").click().run()
    assert at.text_input(key=form_key(at, "name")).value == "Frustration score"
    assert at.number_input(key=form_key(at, "scale_max")).value == 10
    name = unique("Frustration")
    at.text_input(key=form_key(at, "name")).set_value(name)
    submit(at)
    created = client.scanners.list(search=name).items[0]
    assert created.scanner_config["scale"] == {"min": 0, "max": 10, "label": "frustration"}
    assert created.query == {
        "filter_test_accounts": True,
        "having_predicates": [
            {"key": "duration", "type": "recording", "operator": "gt", "value": 30}
        ],
    }


def test_client_side_errors_sit_on_their_fields_and_nothing_is_sent(app: Any, sandbox: Any) -> None:
    at = open_blank_form(app, "classifier")
    at.text_area(key=form_key(at, "description")).set_value("Kept after the failed save")
    at.text_area(key=form_key(at, "tags_text")).set_value("Bug\nbug")
    at.number_input(key=form_key(at, "rate_pct")).set_value(0.005)
    sandbox.requests.clear()
    submit(at)
    errors = field_errors(at)
    assert "This field may not be blank." in errors
    assert "Sampling rate must be 0% (paused) or at least 0.01%." in errors  # the field's unit
    assert "Prompt is required." in errors
    assert sandbox.requests.count(method="POST") == 0
    assert at.text_area(key=form_key(at, "description")).value == "Kept after the failed save"
    at.text_area(key=form_key(at, "prompt")).set_value("Which kind of issue?")
    submit(at)
    assert field_errors(at) == [  # in page order: name, tags, sampling rate
        "This field may not be blank.",
        "Tags must be unique: 'Bug' and 'bug' are the same tag.",
        "Sampling rate must be 0% (paused) or at least 0.01%.",
    ]


def test_server_error_lands_on_the_field_it_names(app: Any, client: VisionClient) -> None:
    taken = make_scanner(client).name
    at = open_blank_form(app)
    at.text_input(key=form_key(at, "name")).set_value(taken)
    at.text_area(key=form_key(at, "prompt")).set_value("Did checkout fail?")
    submit(at)
    assert field_errors(at) == ["A scanner with this name already exists in this team."]
    assert at.text_input(key=form_key(at, "name")).value == taken
    assert at.text_area(key=form_key(at, "prompt")).value == "Did checkout fail?"
    assert len(client.scanners.list(search=taken).items) == 1


# ---------------------------------------------------------------------------------------------
# edit


def open_edit(app: Any, scanner: Scanner) -> AppTest:
    """Edit from the scanner's page: the form opens on the Scanners page."""
    at = app("scanner", query_params={"id": scanner.id})
    at.button(key="scanner.edit").click().run()
    assert [h.value for h in at.subheader][:1] == ["Edit scanner"], at.exception
    return stay_on(at, "scanners")


def spy_updates(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []
    real = cache.update_scanner

    def recording(scanner_id: str, **changed: Any) -> Scanner:
        sent.append(changed)
        return real(scanner_id, **changed)

    monkeypatch.setattr(cache, "update_scanner", recording)
    return sent


def test_edit_sends_only_the_changed_fields(
    app: Any, client: VisionClient, sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    scanner = make_scanner(client, query={"filter_test_accounts": True, "order": "start_time"})
    sent = spy_updates(monkeypatch)
    at = open_edit(app, scanner)
    at.text_area(key=form_key(at, "description")).set_value("Only this changes")
    sandbox.requests.clear()
    submit(at)
    assert sent == [{"description": "Only this changes"}]
    assert sandbox.requests.count(method="PATCH") == 1
    after = client.scanners.retrieve(scanner.id)
    assert after.description == "Only this changes"
    assert after.scanner_version == scanner.scanner_version
    assert after.query == {"filter_test_accounts": True, "order": "start_time"}


def test_untouched_edit_sends_nothing(app: Any, client: VisionClient, sandbox: Any) -> None:
    scanner = make_scanner(
        client,
        scanner_type="scorer",
        scanner_config={"prompt": "Rate it", "scale": {"min": 0, "max": 10}},
    )
    at = open_edit(app, scanner)
    sandbox.requests.clear()
    submit(at)
    assert sandbox.requests.count(method="PATCH") == 0
    assert any("Nothing changed" in t for t in texts(at, "toast"))


def test_edit_opens_on_the_stored_scanner_not_a_cached_copy(app: Any, client: VisionClient) -> None:
    scanner = make_scanner(client, description="Before")
    at = app("scanner", query_params={"id": scanner.id})
    client.scanners.update(scanner.id, description="Changed elsewhere")
    at.button(key="scanner.edit").click().run()
    assert at.text_area(key=form_key(at, "description")).value == "Changed elsewhere"


def test_version_moved_since_the_form_opened_is_warned_before_saving(
    app: Any, client: VisionClient, sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    scanner = make_scanner(client)
    sent = spy_updates(monkeypatch)
    at = open_edit(app, scanner)
    client.scanners.update(scanner.id, scanner_config={**MONITOR_CONFIG, "prompt": "Changed"})
    at.number_input(key=form_key(at, "rate_pct")).set_value(25.0)
    submit(at)
    warning = " ".join(texts(at, "warning"))
    assert "version 1 → 2" in warning and "configuration" in warning
    assert sent == []
    at.button(key=form_key(at, "force")).click().run()
    assert sent == [{"sampling_rate": 0.25}]
    after = client.scanners.retrieve(scanner.id)
    assert after.sampling_rate == 0.25 and after.scanner_config["prompt"] == "Changed"


# ---------------------------------------------------------------------------------------------
# enable, duplicate, delete


def eligible_session(client: VisionClient) -> str:
    for demo in client.scanners.iter(max_items=20):
        page = client.observations.list(demo.id, status="succeeded", limit=1)
        if page.items:
            return page.items[0].session_id
    raise AssertionError("the demo seed has succeeded observations")


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (402, "The monthly Replay Vision quota is used up."),
        (429, "Too many scans or requests are in flight"),
        (503, "The scan service did not start the workflow (503)."),
    ],
)
def test_observe_failures_say_why(
    app: Any, client: VisionClient, sandbox: Any, status: int, message: str
) -> None:
    scanner = make_scanner(client)
    at = app("scanner", query_params={"id": scanner.id})
    sandbox.faults.fail_next(1, status=status, path_contains="/observe")
    at.text_input(key=f"scanners.scan_input.{scanner.id}").set_value(str(uuid.uuid4()))
    at.get("form_submit_button")[0].click().run()
    alerts = " ".join(texts(at, "warning", "error"))
    assert message in alerts
    assert sandbox.requests.count(method="POST", path_contains="/observe") >= 1
    assert not any("Scan requested" in t for t in texts(at, "toast"))


# ---------------------------------------------------------------------------------------------
# read-only


def test_read_only_hides_and_refuses_every_write(app: Any, client: VisionClient) -> None:
    scanner = make_scanner(client)
    at = app("scanners", query_params={"q": scanner.name}, secrets={"read_only": True})
    assert "scanners.new" not in {b.key for b in at.button}
    assert not at.main.toggle and not at.main.get("form_submit_button")
    assert shown(at, "Read-only console")

    at.session_state["scanners.pending_delete"] = (scanner.id, scanner.name)
    at.run()
    assert client.scanners.retrieve(scanner.id).id == scanner.id
    assert any("read-only" in e for e in texts(at, "error"))


def test_pages_of_fifty_come_from_the_server(app: Any, client: VisionClient, sandbox: Any) -> None:
    tag = unique("t")
    for number in range(51):
        make_scanner(client, name=f"Paged {tag} {number:02d}")
    at = app("scanners", query_params={"q": tag})
    assert len(at.dataframe[0].value) == 50
    assert shown(at, "Showing 1–50 of 51 scanners · page 1 of 2")
    sandbox.requests.clear()
    at.button(key="scanners.next").click().run()
    assert list(at.dataframe[0].value["Name"]) == [f"Paged {tag} 50"]
    assert at.query_params["page"] == "2"
    assert sandbox.requests.count() == 1  # the second page only; creators stay cached

    beyond = app("scanners", query_params={"q": tag, "page": "9"})
    assert list(beyond.dataframe[0].value["Name"]) == [f"Paged {tag} 50"]


def navigate(at: AppTest, page: str, **params: str) -> AppTest:
    """Go to another page as the sidebar does: the URL keeps only the params a link gives."""
    at.query_params.clear()
    at.query_params.update(params)
    at.switch_page(navigation.by_name(page).path).run()
    assert not at.exception, at.exception
    return at


def paged_view(app: Any, client: VisionClient) -> tuple[AppTest, str]:
    """Page 2 of a searched, typed and sorted list."""
    tag = unique("t")
    for number in range(51):
        make_scanner(client, name=f"Nav {tag} {number:02d}")
    make_scanner(
        client,
        name=f"Nav {tag} scorer",
        scanner_type="scorer",
        scanner_config={"prompt": "Rate it", "scale": {"min": 0, "max": 10}},
    )
    at = app("scanners", query_params={"q": tag})
    at.multiselect(key="scanners.type").set_value(["monitor"]).run()
    at.selectbox(key="scanners.sort").set_value("-name").run()
    at.button(key="scanners.next").click().run()
    assert list(at.dataframe[0].value["Name"]) == [f"Nav {tag} 00"]
    assert dict(at.query_params).keys() == {"q", "type", "sort", "page"}
    return at, tag


def test_going_to_another_page_and_back_restores_the_view_without_requests(
    app: Any, client: VisionClient, sandbox: Any
) -> None:
    at, tag = paged_view(app, client)
    view = dict(at.query_params)
    navigate(at, "estimate")
    sandbox.requests.clear()
    navigate(at, "scanners")
    assert sandbox.requests.count() == 0
    assert dict(at.query_params) == view
    assert at.text_input(key="scanners.q").value == tag
    assert at.multiselect(key="scanners.type").value == ["monitor"]
    assert at.selectbox(key="scanners.sort").value == "-name"
    assert list(at.dataframe[0].value["Name"]) == [f"Nav {tag} 00"]


def test_a_link_with_params_wins_over_the_remembered_view(app: Any, client: VisionClient) -> None:
    at, _tag = paged_view(app, client)
    navigate(at, "estimate")
    navigate(at, "scanners", type="scorer")
    assert dict(at.query_params) == {"type": "scorer"}
    assert at.text_input(key="scanners.q").value == ""
    assert at.multiselect(key="scanners.type").value == ["scorer"]
    assert at.selectbox(key="scanners.sort").value == "name"


def test_the_edit_form_keeps_the_list_view_for_when_it_closes(
    app: Any, client: VisionClient
) -> None:
    tag = unique("t")
    scanner = make_scanner(client, name=f"Edit {tag}")
    at = app("scanners", query_params={"q": tag, "sort": "-name"})
    view = dict(at.query_params)
    at.session_state[form_view.SESSION_KEY] = form_view.FormSession(
        form_id="edit-kept",
        mode="edit",
        seed=forms.form_from_scanner(scanner),
        scanner_id=scanner.id,
        original=scanner,
        opened_version=scanner.scanner_version,
    )
    at.run()
    at.text_area(key=form_key(at, "description")).set_value("Unsaved").run()
    assert dict(at.query_params) == view
    at.button(key=form_key(at, "cancel")).click().run()
    assert "Discard your unsaved changes?" in texts(at, "warning")
    assert dict(at.query_params) == view
    at.button(key=form_key(at, "discard")).click().run()
    assert not at.exception, at.exception
    assert dict(at.query_params) == view
    assert at.text_input(key="scanners.q").value == tag
    assert at.selectbox(key="scanners.sort").value == "-name"


def test_creator_filter_uses_the_creators_endpoint(app: Any, client: VisionClient) -> None:
    creators = client.scanners.creators()
    assert len(creators) >= 2
    chosen = creators[-1]
    at = app("scanners", query_params={"creator": str(chosen.id)})
    assert at.multiselect(key="scanners.creator").value == [chosen.id]
    assert set(at.dataframe[0].value["Created by"]) == {chosen.display_name}
    assert set(at.multiselect(key="scanners.creator").options) >= {c.display_name for c in creators}


def test_a_rejected_key_shows_one_error_and_a_quiet_creator_filter(sandbox: Any) -> None:
    at = make_app(sandbox, "scanners", api_key=f"phx_rejected_{uuid.uuid4().hex}")
    assert not at.exception, at.exception
    errors = texts(at, "error")
    assert len(errors) == 1, errors
    assert "Could not load the scanners." in errors[0]
    assert "The API key was rejected." in errors[0]
    creator = at.multiselect(key="scanners.creator")
    assert creator.disabled
    assert "Could not load the scanner creators." in plain(creator.help)
    assert "The API key was rejected." in plain(creator.help)


def test_creators_failing_alone_leave_the_list_and_its_creator_filter_working(
    app: Any, client: VisionClient, sandbox: Any
) -> None:
    chosen = client.scanners.creators()[-1]
    sandbox.faults.fail_next(1, status=403, path_contains="/creators")
    at = app("scanners", query_params={"creator": str(chosen.id)})
    assert not at.exception, at.exception
    assert texts(at, "error", "warning") == []
    creator = at.multiselect(key="scanners.creator")
    assert creator.disabled and creator.value == [chosen.id]
    assert "Could not load the scanner creators." in plain(creator.help)
    assert set(at.dataframe[0].value["Created by"]) == {chosen.display_name}
    at.run()  # a failed read is not kept: the next run asks again
    creator = at.multiselect(key="scanners.creator")
    assert not creator.disabled and creator.value == [chosen.id]
    assert chosen.display_name in creator.options


def test_query_builder_edits_keep_what_it_cannot_show(
    app: Any, client: VisionClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored = {
        "filter_test_accounts": True,
        "actions": [{"id": 7, "type": "actions"}],
        "properties": [
            {"key": "$browser", "type": "event", "operator": "exact", "value": ["Chrome"]}
        ],
    }
    scanner = make_scanner(client, query=stored)
    sent = spy_updates(monkeypatch)
    at = open_edit(app, scanner)
    assert at.checkbox(key=form_key(at, "q_test_accounts")).value is True
    assert '"actions"' in at.text_area(key=form_key(at, "q_extra")).value
    at.number_input(key=form_key(at, "q_duration_min")).set_value(60.0)
    at.multiselect(key=form_key(at, "q_events")).set_value(["signup_completed"])
    at.multiselect(key=form_key(at, "q_levels")).set_value(["error"])
    submit(at)
    assert len(sent) == 1 and list(sent[0]) == ["query"]
    assert client.scanners.retrieve(scanner.id).query == {
        "filter_test_accounts": True,
        "actions": [{"id": 7, "type": "actions"}],
        "properties": stored["properties"],
        "having_predicates": [
            {"key": "duration", "type": "recording", "operator": "gt", "value": 60}
        ],
        "events": [{"id": "signup_completed", "name": "signup_completed", "type": "events"}],
        "console_log_filters": [
            {"key": "level", "type": "log_entry", "operator": "exact", "value": ["error"]}
        ],
    }


def test_bad_json_in_other_filters_is_an_error_on_the_query(app: Any) -> None:
    at = open_blank_form(app)
    at.text_input(key=form_key(at, "name")).set_value(unique("Json"))
    at.text_area(key=form_key(at, "prompt")).set_value("Yes or no?")
    at.text_area(key=form_key(at, "q_extra")).set_value('{"order": }')
    submit(at)
    assert field_errors(at) == [
        "Recording filter is invalid. Other filters are not valid JSON: Expecting value "
        "(line 1, column 11)."
    ]
    assert at.text_area(key=form_key(at, "q_extra")).value == '{"order": }'


def test_a_link_to_a_scanner_does_not_hide_a_draft_with_unsaved_changes(
    app: Any, client: VisionClient
) -> None:
    """A ``?scanner=`` link used to open the scanner's page over an open draft, hiding it."""
    scanner = make_scanner(client)
    at = open_blank_form(app)
    at.text_input(key=form_key(at, "name")).set_value("Half typed").run()
    at.query_params["scanner"] = scanner.id
    at.run()
    assert not at.exception, at.exception
    assert [h.value for h in at.subheader][:1] == ["New scanner"]
    assert at.text_input(key=form_key(at, "name")).value == "Half typed"
    assert shown(at, f"The link you followed opens {scanner.name}.")
    link = next(lk for lk in at.main.get("page_link") if "Open" in lk.label)
    assert link.proto.query_string == f"id={scanner.id}"
    assert "scanner" not in at.query_params

    at.text_area(key=form_key(at, "prompt")).set_value("Still typing").run()
    assert shown(at, f"The link you followed opens {scanner.name}.")  # until the form closes
    at.button(key=form_key(at, "cancel")).click().run()
    at.button(key=form_key(at, "discard")).click().run()
    assert not shown(at, "The link you followed")


def test_a_link_to_a_scanner_opens_it_over_an_untouched_form(
    app: Any, client: VisionClient
) -> None:
    scanner = make_scanner(client)
    at = open_blank_form(app)
    at.query_params["scanner"] = scanner.id
    at.run()
    assert at.title[0].value == escape_markdown(scanner.name)
    assert at.query_params["id"] == scanner.id
