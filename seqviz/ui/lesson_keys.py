"""Keyboard commands for a lesson the lecturer drives from the keyboard or a presenter clicker.

Streamlit has no global key handling, so a small ``st.components.v2`` component puts one ``keydown``
listener on the document and reports each handled press to Python as a trigger:

- ArrowRight / PageDown -> ``NEXT``; ArrowLeft / PageUp -> ``PREVIOUS`` (clickers send PageDown / PageUp);
- ``p`` without modifiers -> ``PRESENT`` (the page toggles presentation mode).

A press is ignored while focus is in a text field, a select, a contenteditable element or a widget that owns
arrow keys (role slider, textbox, combobox, listbox, option, tab, radio, spinbutton, menuitem, grid): the
arrows belong to that widget there. It is also ignored with Ctrl, Alt or Meta held, while an input method
composes text, and for auto-repeat (a held key), since a clicker never repeats and a held arrow would queue
a slide per repeat. ``preventDefault`` is called only for handled presses, so PageDown does not also scroll.

Why the presses go through an acknowledged queue, one at a time: Streamlit folds a rerun request that arrives
before the previous one started into it, and the newer value of the *same* trigger wins, so two presses sent
back to back (a clicker's double press, a busy server) could become one. Here the browser numbers each press
and sends the next one only when Python has acknowledged the last (``data["acked"]`` on the next render), so
no two presses ever compete for one rerun: a rapid double press becomes two reruns, each reporting one
command. Python records a press in the component's change callback, which runs before the script body, so a
run that is interrupted (another widget moved) keeps it; ``lesson_keys`` hands it out in the next run that
gets that far. A press whose rerun was lost (the connection dropped) is resent after a backing-off delay
while the app is idle; the sequence number makes a resend harmless. The browser keeps at most
``MAX_QUEUED`` presses waiting and drops further ones, so holding a clicker button cannot queue minutes of
slides.

Mount it once per page, near the top (the acknowledgement arrives when the mount is reached). It takes no
space: the element container is hidden with ``display: none`` (no gap in the page's vertical block).
A browser test waits for ``window.__seqvizLessonKeys === true`` (the listener is attached) and finds the
mount by ``[data-testid="seqviz-lesson-keys"]``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

import streamlit as st

if TYPE_CHECKING:
    from streamlit.components.v2.types import ComponentRenderer

NEXT: Final = "next"
PREVIOUS: Final = "previous"
PRESENT: Final = "present"
COMMANDS: Final = frozenset({NEXT, PREVIOUS, PRESENT})
MAX_QUEUED: Final = 8  # presses waiting in the browser; more are dropped (a held clicker button)
MAX_PENDING: Final = 8  # received but not yet handed out (only an interrupted run leaves one behind)
EVENT: Final = "press"  # the trigger's name: on_press_change, payload {epoch, seq, command}
COMPONENT_NAME: Final = "seqviz.lesson_keys"
TEST_ID: Final = "seqviz-lesson-keys"

_HTML = f'<span class="seqviz-lesson-keys" data-testid="{TEST_ID}" hidden></span>'

# The component's HTML sits in the page's own DOM (isolate_styles=False), so this rule can hide the element
# container around it: no height and no flex gap in the vertical block. Keep it on several lines: Streamlit
# reads a one-line string with "[" or "/" in it as a file path (ComponentPathUtils.looks_like_inline_content).
_CSS = """
[data-testid="stElementContainer"]:has(.seqviz-lesson-keys) {
  display: none !important;
}
"""

_JS = """
const VERSION = 1;
const STATE = "__seqvizLessonKeysState";
const FLAG = "__seqvizLessonKeys";
const MAX_QUEUED = __MAX_QUEUED__;
const RETRY_MS = 2000;
const MAX_RETRY_MS = 30000;
const TEARDOWN_MS = 500;
const KEYS = new Map([
  ["ArrowRight", "next"], ["PageDown", "next"],
  ["ArrowLeft", "previous"], ["PageUp", "previous"],
]);
// Where arrow keys (or typed letters) belong to the focused widget.
const OWNS_KEYS = [
  "input", "textarea", "select", "[contenteditable]:not([contenteditable='false'])",
  ...["slider", "textbox", "combobox", "listbox", "option", "tab", "radio", "spinbutton", "menuitem",
      "grid", "gridcell"].map((role) => `[role='${role}']`),
].join(", ");
// Inputs that take no arrow or letter keys: a press there is the lecturer's.
const KEYLESS_INPUTS = new Set(["checkbox", "button", "submit", "reset", "image", "file", "color"]);

function ownsKeys(event) {
  for (const node of event.composedPath()) {
    if (!(node instanceof Element)) continue;
    if (node.isContentEditable) return true;
    if (!node.matches(OWNS_KEYS)) continue;
    if (node.tagName === "INPUT" && KEYLESS_INPUTS.has(node.type)) continue;
    return true;
  }
  return false;
}

function commandFor(event) {
  if (event.defaultPrevented || event.isComposing) return null;
  if (event.ctrlKey || event.altKey || event.metaKey) return null;
  const command = event.key === "p" && !event.shiftKey ? "present" : KEYS.get(event.key);
  if (!command || ownsKeys(event)) return null;
  return command;
}

function newEpoch() {
  // Not crypto.randomUUID: that needs a secure context, and a classroom server is often plain http.
  return Math.random().toString(36).slice(2) + Date.now().toString(36);
}

function sharedState() {
  let state = window[STATE];
  if (state && state.version !== VERSION) {  // a newer script replaced this one: keep the numbering
    detach(state);
    state = { epoch: state.epoch, sent: state.sent };
  }
  if (!state || state.version !== VERSION) {
    state = window[STATE] = {
      version: VERSION, epoch: state?.epoch ?? newEpoch(), sent: state?.sent ?? 0, acked: 0,
      queue: [], inflight: null, retries: 0, watchdog: null, teardown: null,
      mounts: new Map(), listener: null,
    };
  }
  return state;
}

function attach(state) {
  clearTimeout(state.teardown);
  if (state.listener) return;
  state.listener = (event) => onKeyDown(state, event);
  document.addEventListener("keydown", state.listener);
  window[FLAG] = true;
}

function detach(state) {
  clearTimeout(state.watchdog);
  clearTimeout(state.teardown);
  if (state.listener) document.removeEventListener("keydown", state.listener);
  state.listener = null;
  state.queue = [];
  state.inflight = null;
  window[FLAG] = false;
}

function onKeyDown(state, event) {
  const command = commandFor(event);
  if (!command) return;
  event.preventDefault();
  if (event.repeat || state.queue.length >= MAX_QUEUED) return;
  state.queue.push(command);
  pump(state);
}

function currentSender(state) {
  let sender = null;
  for (const mount of state.mounts.values()) sender = mount.send;  // the latest mounted instance
  return sender;
}

function pump(state) {
  if (state.inflight || state.queue.length === 0 || !currentSender(state)) return;
  state.inflight = { seq: ++state.sent, command: state.queue.shift() };
  state.retries = 0;
  send(state);
}

function send(state) {
  const sender = currentSender(state);
  if (!state.inflight || !sender) return;
  const { seq, command } = state.inflight;
  sender("press", { epoch: state.epoch, seq, command });
  armWatchdog(state);
}

function appBusy() {
  return document.querySelector("[data-testid='stStatusWidget']") !== null;
}

function armWatchdog(state) {
  clearTimeout(state.watchdog);
  const delay = Math.min(RETRY_MS * 2 ** state.retries, MAX_RETRY_MS);
  state.watchdog = setTimeout(() => {
    if (!state.inflight) return;
    if (appBusy()) return armWatchdog(state);  // its run may still acknowledge it: do not interrupt that run
    state.retries += 1;
    send(state);
  }, delay);
}

function acknowledge(state, data) {
  if (!data || data.epoch !== state.epoch || typeof data.acked !== "number") return;
  state.acked = Math.max(state.acked, data.acked);
  if (state.inflight && state.acked >= state.inflight.seq) {
    state.inflight = null;
    clearTimeout(state.watchdog);
  }
}

export default function (component) {
  const { setTriggerValue, data, key } = component;
  const state = sharedState();
  const mount = { send: setTriggerValue };
  state.mounts.delete(key);  // re-insert: the latest render is the one to send through
  state.mounts.set(key, mount);
  attach(state);
  acknowledge(state, data);
  pump(state);
  return () => {
    // Streamlit calls this when the element goes away (not on each re-render). Another mount may follow at
    // once (the element moved), so the listener stays a moment before it is removed.
    if (state.mounts.get(key) === mount) state.mounts.delete(key);
    if (state.mounts.size > 0) return;
    clearTimeout(state.teardown);
    state.teardown = setTimeout(() => { if (state.mounts.size === 0) detach(state); }, TEARDOWN_MS);
  };
}
""".replace("__MAX_QUEUED__", str(MAX_QUEUED))


@dataclass(frozen=True)
class Press:
    """One key press as the browser reports it: its window's ``epoch`` (a random id per page load), its
    number ``seq`` in that window (1, 2, ...), and its ``command``."""

    epoch: str
    seq: int
    command: str


def parse_press(value: object) -> Press | None:
    """The press in a trigger payload, or None for anything else (no press this run, or a malformed value:
    the payload comes from the browser, so it is checked, not trusted)."""
    if not isinstance(value, dict):
        return None
    epoch, seq, command = value.get("epoch"), value.get("seq"), value.get("command")
    if not isinstance(epoch, str) or not epoch or command not in COMMANDS:
        return None
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        return None
    return Press(epoch, seq, command)


@dataclass
class PressLedger:
    """This session's record of the presses: the browser window they come from (``epoch``), the highest
    press number received (``received``, which each render sends back as the acknowledgement) and the
    commands received but not yet handed to the page (``pending``).

    Why a number and not only a queue: the browser resends a press whose acknowledgement is late, and a
    resend must not count twice."""

    epoch: str = ""
    received: int = 0
    pending: list[str] = field(default_factory=list)

    def receive(self, press: Press) -> bool:
        """Record ``press`` unless it was already received; returns whether it was new. A press from another
        window (a reload, a reconnect after a server restart) starts the numbering afresh."""
        if press.epoch != self.epoch:
            self.epoch, self.received = press.epoch, 0
        if press.seq <= self.received:
            return False
        self.received = press.seq
        if len(self.pending) < MAX_PENDING:
            self.pending.append(press.command)
        return True

    def take(self) -> str | None:
        """The oldest command not yet handed out, or None."""
        return self.pending.pop(0) if self.pending else None

    def acknowledgement(self) -> dict[str, Any]:
        """What the browser needs to send its next press: the window and the last press received."""
        return {"epoch": self.epoch, "acked": self.received}


def lesson_keys(key: str = "lesson.keys") -> str | None:
    """Mount the listener (invisible, takes no space) and return the command of the key press that caused
    this run (NEXT / PREVIOUS / PRESENT) or None. Each press is reported once (a trigger, not a state)."""
    ledger = _ledger(key)
    _component()(
        key=key,
        data=ledger.acknowledgement(),
        on_press_change=functools.partial(_record_press, key),
    )
    # Taken only after the mount: a run interrupted inside it keeps the command for the next run.
    return ledger.take()


def _ledger(key: str) -> PressLedger:
    ledger_key = f"{key}.ledger"
    ledger = st.session_state.get(ledger_key)
    if not isinstance(ledger, PressLedger):
        ledger = st.session_state[ledger_key] = PressLedger()
    return ledger


def _record_press(key: str) -> None:
    """The trigger's callback: Streamlit runs it before the script body of the run the press caused."""
    value = st.session_state[key].get(EVENT)
    press = parse_press(value)
    if press is not None:
        _ledger(key).receive(press)


@functools.cache
def _component() -> ComponentRenderer:
    """Register the component on first use, not at import (Streamlit re-registers it on a new runtime)."""
    return st.components.v2.component(COMPONENT_NAME, html=_HTML, css=_CSS, js=_JS, isolate_styles=False)
