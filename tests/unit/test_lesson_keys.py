"""The Python half of the lesson keyboard (seqviz.ui.lesson_keys): what counts as a press from the browser,
and the ledger that reports each press once, in order, however often the browser resends it.

The JavaScript half is tested in the browser (tests/browser/test_browser_lesson_keys.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from seqviz.ui.lesson_keys import (
    MAX_PENDING,
    NEXT,
    PRESENT,
    PREVIOUS,
    Press,
    PressLedger,
    parse_press,
)

APP = Path(__file__).resolve().parents[1] / "browser" / "apps" / "lesson_keys_app.py"


def test_commands_are_the_documented_strings() -> None:
    assert (NEXT, PREVIOUS, PRESENT) == ("next", "previous", "present")


def test_a_well_formed_payload_is_a_press() -> None:
    assert parse_press({"epoch": "w1", "seq": 3, "command": "next"}) == Press("w1", 3, NEXT)


@pytest.mark.parametrize(
    "value",
    [
        None,
        "next",
        ["next"],
        {},
        {"epoch": "w1", "seq": 1, "command": "jump"},  # not a command
        {"epoch": "w1", "seq": 0, "command": "next"},  # numbering starts at 1
        {"epoch": "w1", "seq": -2, "command": "next"},
        {"epoch": "w1", "seq": 1.5, "command": "next"},
        {"epoch": "w1", "seq": True, "command": "next"},  # a bool is an int in Python, not a number here
        {"epoch": "w1", "seq": "1", "command": "next"},
        {"epoch": "", "seq": 1, "command": "next"},
        {"epoch": 7, "seq": 1, "command": "next"},
        {"seq": 1, "command": "next"},
    ],
)
def test_anything_else_is_no_press(value: object) -> None:
    assert parse_press(value) is None


def test_presses_are_handed_out_once_and_in_order() -> None:
    ledger = PressLedger()
    assert ledger.take() is None
    assert ledger.receive(Press("w1", 1, NEXT))
    assert ledger.receive(Press("w1", 2, PREVIOUS))
    assert ledger.acknowledgement() == {"epoch": "w1", "acked": 2}
    assert [ledger.take(), ledger.take(), ledger.take()] == [NEXT, PREVIOUS, None]


def test_a_resent_press_counts_once() -> None:
    """The browser resends a press whose acknowledgement is late; the number makes that harmless."""
    ledger = PressLedger()
    assert ledger.receive(Press("w1", 1, NEXT))
    assert ledger.take() == NEXT
    assert not ledger.receive(Press("w1", 1, NEXT))
    assert not ledger.receive(Press("w1", 1, NEXT))
    assert ledger.take() is None
    assert ledger.acknowledgement() == {"epoch": "w1", "acked": 1}


def test_a_new_window_starts_the_numbering_afresh() -> None:
    """A reload or a reconnect gives the browser a new epoch: its press 1 is new, not a repeat."""
    ledger = PressLedger()
    for seq in (1, 2, 3):
        ledger.receive(Press("w1", seq, NEXT))
    assert ledger.receive(Press("w2", 1, PRESENT))
    assert ledger.acknowledgement() == {"epoch": "w2", "acked": 1}
    assert ledger.pending[-1] == PRESENT


def test_pending_commands_are_bounded() -> None:
    ledger = PressLedger()
    for seq in range(1, MAX_PENDING + 5):
        ledger.receive(Press("w1", seq, NEXT))
    assert len(ledger.pending) == MAX_PENDING
    assert ledger.acknowledgement()["acked"] == MAX_PENDING + 4  # still acknowledged: the browser moves on


def test_the_app_runs_and_no_press_means_no_command() -> None:
    """Without a browser no key is pressed: the page runs, mounts the component and reports nothing."""
    at = AppTest.from_file(str(APP), default_timeout=30).run()
    assert not at.exception
    assert [m.value for m in at.markdown][:3] == ["step 0", "present off", "presses 0"]
    at.run()
    assert not at.exception
    assert at.session_state["presses"] == 0
