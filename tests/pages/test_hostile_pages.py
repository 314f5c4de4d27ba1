"""Every text input of every page, driven with hostile strings (hypothesis): empty, 100,000 characters,
emoji, control characters, right-to-left text, mixed scripts. Each gives a result or a clear message in an
error box, never a traceback (AppTest's ``exception``)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.apptest import open_page

FIXED = [
    "",
    " ",
    "\x00\x01\x02",
    "\u202e\u05e9\u05dc\u05d5\u05dd abc",
    "😀" * 50,
    "a\u0301\u0308" * 30,
    "x" * 100_000,
]
HOSTILE = st.one_of(
    st.sampled_from(FIXED),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=200),
)

# (page, query that opens it, the text inputs' widget keys)
PAGES = [
    ("pages/1_Gates.py", {}, ["_url.gates.input"]),
    ("pages/2_Attention.py", {}, ["_url.attention.input"]),
    ("pages/3_Decoding.py", {}, ["_url.decoding.input"]),
    ("pages/3_Decoding.py", {"tab": "exposure"}, ["_url.decoding.input", "_url.decoding.reference"]),
    ("pages/4_Beam_search.py", {}, ["_url.beam.input", "_url.beam.reference"]),
    ("pages/5_BLEU.py", {}, ["_url.bleu.hypothesis", "_url.bleu.references"]),
    ("pages/7_Language_models.py", {}, ["_url.lm.input", "_url.lm.prompt"]),
]
CASES = [(page, query, key) for page, query, keys in PAGES for key in keys]


def widget(at, key):
    try:
        return at.text_input(key=key)
    except KeyError:
        return at.text_area(key=key)


@pytest.mark.parametrize(
    ("page", "query", "key"), CASES, ids=[f"{p.split('/')[-1]}:{k}" for p, _, k in CASES]
)
def test_hostile_text_never_raises(page, query, key):
    at = open_page(page, lang="en", **query)

    @settings(
        max_examples=8,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(text=HOSTILE)
    def check(text):
        widget(at, key).set_value(text).run()
        assert not at.exception, (repr(text[:80]), at.exception)
        for box in at.error:
            assert box.value and "Traceback" not in box.value

    check()
    for text in FIXED:  # the fixed cases every time, not only when hypothesis draws them
        widget(at, key).set_value(text).run()
        assert not at.exception, (repr(text[:80]), at.exception)


@settings(max_examples=8, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(key=HOSTILE)
def test_a_hostile_personal_key_is_never_used(key):
    """``?me=`` names whose models a session lists (``seqviz.checkpoints.classroom``): a value seqviz could
    not have made
    is replaced by a new key, with a warning, and the page works."""
    from seqviz.checkpoints.classroom import is_owner_key

    at = open_page("app.py", lang="en", me=key[:1000])
    owner = at.session_state["ui.owner"]
    assert is_owner_key(owner) and at.query_params["me"] == owner
    assert owner != key or is_owner_key(key)
