"""URL-bound widget state: the URL wins on a session's first run, every change is written back, unusable
values fall back to the default, and a value survives the widget being off screen for a run."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from seqviz.ui.url_state import parse_bool, serialize_bool


def page() -> None:
    import streamlit as st

    from seqviz.ui.url_state import set_bound, url_bound

    st.text_input("Text", **url_bound("demo.text", "text", "hello"))
    if not st.session_state.get("hide_step"):
        st.slider("Step", 0, 5, **url_bound("demo.step", "step", 0, parse=int, valid=lambda v: 0 <= v <= 5))
    st.button("Reset", on_click=set_bound, args=("demo.step", 0, "step"))


def run(**query: str) -> AppTest:
    at = AppTest.from_function(page)
    at.query_params.update(query)
    return at.run()


def test_defaults_are_written_to_the_url():
    at = run()
    assert at.text_input[0].value == "hello" and at.slider[0].value == 0
    assert at.query_params["text"] == "hello" and at.query_params["step"] == "0"


def test_url_wins_on_the_first_run():
    at = run(text="abc", step="3")
    assert at.text_input[0].value == "abc" and at.slider[0].value == 3


def test_unusable_url_values_fall_back():
    at = run(step="9")
    assert at.slider[0].value == 0
    at = run(step="three")
    assert at.slider[0].value == 0 and at.query_params["step"] == "0"


def test_changes_go_to_the_url_and_survive_a_hidden_widget():
    at = run()
    at.slider[0].set_value(4).run()
    at.text_input[0].set_value("xyz").run()
    assert at.query_params["step"] == "4" and at.query_params["text"] == "xyz"
    at.session_state["hide_step"] = True
    at.run()
    assert not at.slider
    at.session_state["hide_step"] = False
    at.run()
    assert at.slider[0].value == 4  # Streamlit forgets an unrendered widget's value; the bound key does not


def test_set_bound_from_a_button():
    at = run(step="5")
    at.button[0].click().run()
    assert at.slider[0].value == 0 and at.query_params["step"] == "0"


def test_bool_round_trip():
    assert parse_bool(serialize_bool(True)) is True and parse_bool(serialize_bool(False)) is False
    assert parse_bool(" Yes ") is True
    with pytest.raises(ValueError):
        parse_bool("maybe")
