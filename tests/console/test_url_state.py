"""URL state: valid values round-trip, invalid ones fall back with a notice, and one mechanism
(``PageState``) gives every page URL > remembered view > defaults."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from vision_console.url_state import (
    Param,
    boolean,
    choice,
    csv_choices,
    csv_text,
    encode_bool,
    encode_csv,
    encode_params,
    int_range,
    parse_params,
    text,
    uuid_text,
)

STATUSES = ("pending", "running", "succeeded", "failed", "ineligible")
PARAMS: list[Param] = [
    Param("status", (), csv_choices(STATUSES), encode_csv),
    Param("order", "-created_at", choice(("-created_at", "created_at", "status"))),
    Param("page", 1, int_range(1, 10_000)),
    Param("days", 14, int_range(1, 365)),
    Param("q", "", text(50)),
    Param("tags", (), csv_text(), encode_csv),
    Param("enabled", None, boolean, encode_bool),
    Param("scanner", None, uuid_text),
]


def test_absent_params_take_their_defaults_without_notices() -> None:
    values, notices = parse_params({}, PARAMS)
    assert values == {p.name: p.default for p in PARAMS}
    assert notices == []


def test_valid_values_are_parsed_to_python_values() -> None:
    values, notices = parse_params(
        {
            "status": "failed, succeeded,,failed",
            "page": "3",
            "enabled": "FALSE",
            "scanner": "0190B7C2-0000-7000-8000-000000000001",
            "tags": "checkout,bug",
        },
        PARAMS,
    )
    assert notices == []
    assert values["status"] == ("failed", "succeeded")
    assert values["page"] == 3
    assert values["enabled"] is False
    assert values["scanner"] == "0190b7c2-0000-7000-8000-000000000001"
    assert values["tags"] == ("checkout", "bug")


def test_each_invalid_value_falls_back_and_is_named_in_a_notice() -> None:
    values, notices = parse_params(
        {"status": "bogus", "page": "zero", "days": "999", "scanner": "not-a-uuid"}, PARAMS
    )
    assert values["status"] == ()
    assert values["page"] == 1
    assert values["days"] == 14
    assert values["scanner"] is None
    assert len(notices) == 4
    assert any("status='bogus'" in n and "allowed: pending" in n for n in notices)
    assert any("days='999'" in n and "1 to 365" in n for n in notices)


def test_a_list_keeps_its_valid_items_and_names_the_dropped_ones() -> None:
    values, notices = parse_params(
        {"status": "failed,bogus,SUCCEEDED", "tags": "a," + "x" * 300}, PARAMS
    )
    assert values["status"] == ("failed", "succeeded")
    assert values["tags"] == ("a",)
    assert len(notices) == 2
    assert "ignored bogus" in notices[0]


def test_overlong_values_are_refused_before_parsing() -> None:
    values, notices = parse_params({"q": "x" * 600}, PARAMS)
    assert values["q"] == ""
    assert "longer than 512" in notices[0]
    assert len(notices[0]) < 200


def test_encoding_drops_defaults_and_round_trips() -> None:
    state = {"status": ("failed",), "order": "-created_at", "page": 2, "enabled": True}
    encoded = encode_params(state, PARAMS)
    assert encoded == {"status": "failed", "page": "2", "enabled": "true"}
    values, notices = parse_params(encoded, PARAMS)
    assert notices == []
    assert values["status"] == ("failed",) and values["page"] == 2 and values["enabled"] is True


@given(st.dictionaries(st.sampled_from([p.name for p in PARAMS]), st.text(max_size=80)))
def test_any_url_yields_values_or_notices_never_an_exception(raw: dict[str, str]) -> None:
    values, notices = parse_params(raw, PARAMS)
    assert set(values) == {p.name for p in PARAMS}
    assert len(notices) <= len(raw)


def _page_script() -> None:
    """A page with two bound widgets, as every console page binds its view."""
    import streamlit as st

    from vision_console.url_state import PageState, Param, csv_choices, encode_csv, int_range

    state = PageState(
        "demo",
        [
            Param("status", (), csv_choices(("failed", "succeeded")), encode_csv),
            Param("page", 1, int_range(1, 99)),
        ],
        arrival="status",
    )
    if st.session_state.get("away"):  # another page: this one's code does not run
        st.write("another page")
    else:
        state.sync()
        state.show_notices()
        st.multiselect("Status", ["failed", "succeeded"], key=state.key("status"))
        st.number_input("Page", 1, 99, key=state.key("page"))
        state.write_url()


def _page(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_function(_page_script)
    for name, value in (query or {}).items():
        at.query_params[name] = value
    return at.run()


def test_the_url_seeds_the_widgets_and_the_widgets_write_the_url() -> None:
    at = _page({"status": "failed", "page": "3"})
    assert at.multiselect[0].value == ["failed"]
    assert at.number_input[0].value == 3
    at.multiselect[0].select("succeeded").run()
    assert at.query_params["status"] == "failed,succeeded"
    assert at.query_params["page"] == "3"


def test_a_bad_value_falls_back_with_a_notice_and_leaves_the_url() -> None:
    at = _page({"page": "zero", "status": "failed,nope"})
    assert at.number_input[0].value == 1
    assert at.multiselect[0].value == ["failed"]
    assert len(at.warning) == 2
    assert "page" not in at.query_params
    assert at.query_params["status"] == "failed"


def test_returning_without_a_link_restores_the_remembered_view() -> None:
    at = _page({"status": "succeeded", "page": "4"})
    at.session_state["away"] = True
    at.query_params.clear()
    at.run()  # another page: the widgets are not drawn, Streamlit forgets their values
    at.session_state["away"] = False
    at.run()
    assert at.multiselect[0].value == ["succeeded"]
    assert at.number_input[0].value == 4
    assert at.query_params["page"] == "4"


def test_a_new_link_wins_over_the_remembered_view() -> None:
    at = _page({"status": "succeeded"})
    at.query_params.clear()
    at.query_params["status"] = "failed"
    at.run()
    assert at.multiselect[0].value == ["failed"]


def test_defaults_when_there_is_neither_a_link_nor_a_remembered_view() -> None:
    at = _page()
    assert at.multiselect[0].value == []
    assert at.number_input[0].value == 1
    assert dict(at.query_params) == {}
