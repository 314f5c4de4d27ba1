"""The students of ``seqviz.bench.classroom``: each opens the Attention or the Decoding page, then interacts
every ``interval`` seconds (a random phase, ±10% jitter) until told to stop, and records each interaction.

Two kinds interact the same way and are timed to the same event, the server's ``script_finished`` for the
run the interaction asked for:

- ``light_student``: a ``seqviz.bench.light_client.LightSession``, hundreds of which fit beside the server;
- ``browser_student``: a tab of headless Chromium (Playwright's async API), a real student. Its clock runs
  in the page (``performance.now()``), from the key press or click (a capturing listener) until the
  websocket frame that carries ``script_finished`` arrives (a listener on the page's ``WebSocket``). The
  frame is decoded here with ``streamlit.proto`` to check it is what it seems.

The interaction per page is what a student does there: on Attention, type a new input (a random string of
the characters of the page's own example input, so each one is new to the server's caches) and press
Enter; on Decoding, press Step, or Reset once the output is complete.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from seqviz.bench.light_client import PRESS, LightSession, Trigger, WidgetValue

if TYPE_CHECKING:
    from playwright.async_api import Browser, BrowserContext, Page

PAGES = ("Attention", "Decoding")
ATTENTION_INPUT = "_url.attention.input"
STEP, RESET = "decoding.step_button", "decoding.reset_button"
INPUT_LENGTHS = (6, 14)  # characters of a typed input; the shipped reverse model's examples are about 12
OPEN_TIMEOUT_S = 120.0  # a first view while the server is overloaded
RUN_TIMEOUT_S = 60.0  # an interaction slower than this is a failure


@dataclass(frozen=True)
class Interaction:
    """One timed interaction (``kind``: ``"open"`` for a session's first view, else ``"interact"``)."""

    client: str  # "light" or "chromium"
    page: str
    kind: str
    started: float  # time.monotonic() when it was sent
    seconds: float
    failure: str | None = None
    from_send: float | None = None  # Chromium: seconds from the page's websocket send of the rerun request


class Recorder:
    """What every student of a classroom writes to: the interactions, and those still waiting for their
    run, so that a measuring window can wait for the ones it started."""

    def __init__(self) -> None:
        self.interactions: list[Interaction] = []
        self._waiting: dict[int, float] = {}  # id of a pending interaction -> when it started

    def begin(self) -> tuple[int, float]:
        token, started = id(object()), time.monotonic()
        while token in self._waiting:
            token += 1
        self._waiting[token] = started
        return token, started

    def end(self, token: int, interaction: Interaction) -> None:
        self._waiting.pop(token, None)
        self.interactions.append(interaction)

    def waiting(self, start: float, end: float) -> list[float]:
        """When each interaction still waiting for its run was sent, of those sent in ``[start, end)``."""
        return [sent for sent in self._waiting.values() if start <= sent < end]


def typed_input(example: str, rng: random.Random) -> str:
    """A new input made of the example's characters (spaces left out), as a student tries their own."""
    alphabet = sorted(set(example.replace(" ", ""))) or list("abcdefghij")
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(*INPUT_LENGTHS)))


def light_change(session: LightSession, rng: random.Random) -> dict[str, WidgetValue | Trigger]:
    """The widgets a light student sets for its next interaction on its page."""
    if session.page == "Attention":
        box = session.widget(ATTENTION_INPUT)
        return {ATTENTION_INPUT: typed_input(box.value or box.default, rng)}
    return {RESET if session.widget(STEP).disabled else STEP: PRESS}


async def light_interact(session: LightSession, rng: random.Random) -> Interaction:
    """One interaction of a light student on its page, timed."""
    started = time.monotonic()
    try:
        result = await session.rerun(light_change(session, rng))
        seconds, failure = result.seconds, result.failure
    except KeyError as error:  # the widget it interacts with is not on the page
        seconds, failure = time.monotonic() - started, f"no widget to interact with: {error}"
    return Interaction("light", session.page, "interact", started, seconds, failure)


async def light_student(
    url: str, page: str, rng: random.Random, interval: float, record: Recorder, stop: asyncio.Event
) -> None:
    """Open ``page`` and interact every ``interval`` seconds until ``stop`` is set (or the session dies)."""
    token, started = record.begin()
    try:
        session = LightSession(url, page, timeout_s=OPEN_TIMEOUT_S)
        await session.__aenter__()
    except Exception as error:  # a refused connection: this student's failure
        record.end(token, Interaction("light", page, "open", started, 0.0, f"could not connect: {error}"))
        return
    try:
        first = await session.open()
        record.end(token, Interaction("light", page, "open", started, first.seconds, first.failure))
        if not first.ok:
            return
        session.timeout_s = RUN_TIMEOUT_S

        async def interact() -> bool:
            token, _ = record.begin()
            done = await light_interact(session, rng)
            record.end(token, done)
            return done.failure is None or not done.failure.startswith("disconnected")

        await _every(interval, rng, stop, interact)
    finally:
        await session.close()


async def _every(interval: float, rng: random.Random, stop: asyncio.Event, action: Callable[[], Any]) -> None:
    """Call ``action`` every ``interval`` (±10%) seconds from a random phase, until ``stop`` is set or it
    returns False. A student waits for the page before acting again: no catching up after a slow run."""
    delay = rng.uniform(0, interval)
    while True:
        try:
            await asyncio.wait_for(stop.wait(), delay)
            return
        except asyncio.TimeoutError:
            pass
        due = time.monotonic() + interval * rng.uniform(0.9, 1.1)
        if not await action():
            return
        delay = max(0.0, due - time.monotonic())


# ------------------------------------------------------------------------------------------- Chromium

# Installed in every page before its own scripts: the time of the last key press (Enter) or click, and the
# arrival time and bytes of every small websocket frame that ends like a ForwardMsg whose last field is
# script_finished (field 6, a varint: 0x30, then the status). Python decodes the bytes to be sure.
RECORDER_JS = """(() => {
  const state = window.__seqvizClassroom = {input: null, sent: null, frames: []};
  const mark = () => { state.input = performance.now(); };
  window.addEventListener('keydown', (event) => { if (event.key === 'Enter') mark(); }, true);
  window.addEventListener('click', mark, true);
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      const send = this.send.bind(this);
      this.send = (data) => { state.sent = performance.now(); return send(data); };
      this.addEventListener('message', (event) => {
        const data = event.data;
        if (!(data instanceof ArrayBuffer) || data.byteLength > 512) return;
        const bytes = new Uint8Array(data);
        const n = bytes.length;
        if (n >= 2 && bytes[n - 2] === 0x30) {
          state.frames.push({t: performance.now(), status: bytes[n - 1], bytes: Array.from(bytes)});
        }
      });
    }
  };
})();"""

# The first whole-script end (status 0: success, 1: compile error; not 2, cut short by st.rerun, nor 3, a
# fragment's) that arrived after the last input, among frames from index ``since`` on.
FINISHED_JS = """(since) => {
  const state = window.__seqvizClassroom;
  if (!state) return false;
  const after = (frame) => state.input === null || frame.t >= state.input;
  const found = state.frames.slice(since).find((frame) => after(frame) && frame.status <= 1);
  return found ? {input: state.input, sent: state.sent, t: found.t, bytes: found.bytes} : false;
}"""
ERRORS = '[data-testid="stException"], [data-testid="stAlertContentError"]'


def finished_status(frame: list[int]) -> int | None:
    """The ``script_finished`` status of a recorded frame, or ``None`` when it is not such a message."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    message = ForwardMsg()
    try:
        message.ParseFromString(bytes(frame))
    except Exception:  # protobuf's DecodeError: the frame was something else
        return None
    return message.script_finished if message.WhichOneof("type") == "script_finished" else None


async def _wait_finished(page: Page, since: int, timeout_s: float) -> tuple[float, float | None, str | None]:
    """Seconds from the last input, and from the page's last websocket send (the rerun request), to the
    run's end; and a failure (or ``None``)."""
    handle = await page.wait_for_function(FINISHED_JS, arg=since, polling=50, timeout=timeout_s * 1000)
    found = await handle.json_value()
    status = finished_status(found["bytes"])
    seconds = (found["t"] - (found["input"] or found["t"])) / 1000
    from_send = None if found["sent"] is None else (found["t"] - found["sent"]) / 1000
    if status is None:
        return seconds, from_send, "a frame that looked like script_finished was not"
    if status != 0:
        return seconds, from_send, "the script did not compile"
    if await page.locator(ERRORS).count():
        return seconds, from_send, "an exception or error is shown"
    return seconds, from_send, None


async def _frames(page: Page) -> int:
    return await page.evaluate("window.__seqvizClassroom ? window.__seqvizClassroom.frames.length : 0")


async def _browser_interact(page: Page, name: str, rng: random.Random) -> None:
    main = page.get_by_test_id("stMain")
    if name == "Attention":
        box = main.get_by_role("textbox").first
        await box.fill(typed_input(await box.input_value(), rng))
        await box.press("Enter")
        return
    step = main.get_by_role("button", name="Step", exact=True)
    if await step.is_disabled():
        await main.get_by_role("button", name="Reset", exact=True).click()
    else:
        await step.click()


@dataclass(frozen=True)
class BrowserTab:
    """A Chromium tab on one page of the app, in a browser context of its own (its own session)."""

    page: Page
    name: str

    @classmethod
    async def open(
        cls, context: BrowserContext, url: str, name: str
    ) -> tuple[BrowserTab | None, Interaction]:
        """The tab with its first view, and that open timed (``None`` and a failure where it did not)."""
        from playwright.async_api import Error as PlaywrightError

        page = await context.new_page()
        await page.add_init_script(RECORDER_JS)
        started = time.monotonic()
        try:
            await page.goto(f"{url}/{name}", wait_until="commit", timeout=OPEN_TIMEOUT_S * 1000)
            await _wait_finished(page, 0, OPEN_TIMEOUT_S)  # an error shown there shows again later
        except PlaywrightError as error:
            why = str(error).strip().splitlines()[0]
            return None, Interaction("chromium", name, "open", started, 0.0, why)
        return cls(page, name), Interaction("chromium", name, "open", started, time.monotonic() - started)

    async def interact(self, rng: random.Random) -> Interaction:
        from playwright.async_api import Error as PlaywrightError

        started, from_send = time.monotonic(), None
        try:
            since = await _frames(self.page)
            await _browser_interact(self.page, self.name, rng)
            seconds, from_send, failure = await _wait_finished(self.page, since, RUN_TIMEOUT_S)
        except PlaywrightError as error:  # a timeout included
            seconds, failure = time.monotonic() - started, str(error).strip().splitlines()[0]
        return Interaction("chromium", self.name, "interact", started, seconds, failure, from_send)


async def browser_student(
    tab: BrowserTab, rng: random.Random, interval: float, record: Recorder, stop: asyncio.Event
) -> None:
    """An open Chromium tab doing what ``light_student`` does, timed in the page."""

    async def interact() -> bool:
        token, _ = record.begin()
        record.end(token, await tab.interact(rng))
        return True

    await _every(interval, rng, stop, interact)


@asynccontextmanager
async def students_chromium(folder: Path) -> AsyncIterator[Browser]:
    """Chromium for the students' tabs, at the lowest CPU priority: in a lecture hall each browser draws on
    its student's laptop, not on the server's CPU. On one 2-core machine Chromium drawing the charts of a
    run (0.4-1.1 s of its CPU per interaction, measured) at normal priority beside the server made the
    server's runs for that tab two to eight times slower than a light session's (0.3-0.9 s against 0.1 s
    at the median), and that is not what a class does to a server. As in ``tests/browser/test_load``:
    a wrapper records the browser's pid and ``exec``s it at nice 19, and its session's autogroup (Linux
    shares the CPU fairly between autogroups whatever their processes' nice) is set to 19 too."""
    from playwright.async_api import async_playwright

    from seqviz.bench.chromium import CHROMIUM_FLAGS, chromium_path

    wrapper, pid_file = folder / "chromium", folder / "chromium.pid"
    wrapper.write_text(f'#!/bin/sh\necho $$ > "{pid_file}"\nexec nice -n 19 "{chromium_path()}" "$@"\n')
    wrapper.chmod(0o755)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(wrapper), args=list(CHROMIUM_FLAGS))
        with suppress(OSError, ValueError):
            Path(f"/proc/{int(pid_file.read_text())}/autogroup").write_text("19\n")
        try:
            yield browser
        finally:
            await browser.close()
