"""A Streamlit session without a browser: the websocket ``/_stcore/stream`` spoken with Streamlit's own
protobuf messages (``streamlit.proto``), so that one benchmark process can be a classroom of students.

A Chromium tab costs a few hundred MiB and a good share of a core; hundreds of them cannot run beside the
server they measure. To the server this client is one more session: it connects with the same subprotocol
(``streamlit``), asks for runs with the same ``rerun_script`` BackMsg (page, query string, widget states,
the hashes of the messages it has cached), and reads every ForwardMsg the server sends, so the server does
all the work it does for a tab: the script run, the figures' serialization, the sends (Streamlit's server
accepts no websocket compression, from a browser or from this client). What it leaves out is the
browser's side: drawing, the HTTP requests for the page's HTML and JavaScript (static files, once per
tab), and the XSRF cookie (read only for logged-in users).

What it keeps, as Streamlit's frontend does (``static/js``'s ``sendRerunBackMsg``):

- the page: the first run names it by URL path (``page_name``), later runs by the hash the server's
  ``navigation`` message gave (``page_script_hash``);
- the query string the app writes (``page_info_changed``), sent back with every run;
- the widget values it has set, sent with every run (the frontend sends every widget's; the server keeps
  the others from the last run, and replaying a tab's full widget states from this client cost the same);
- a message cache: deltas the server marks ``cacheable`` are kept by hash and listed in
  ``cached_message_hashes``; the server then sends a ``ref_hash`` instead of such a message, which is read
  from the cache. Entries unused for ``max_cached_message_age`` runs are dropped, as the frontend does. A
  reference the cache cannot resolve is counted as a failure (the frontend would show an error).

What it leaves out as well: fragments' timed reruns (``st.fragment(run_every=...)``: the server asks the
frontend for them with ``auto_rerun`` messages). It does not send them; it records which fragments asked in
``auto_reruns``, so a caller can tell when a page it measures would cost the server more in a browser. (The
Attention and Decoding pages ask for none.)

An interaction is ``rerun(...)``: the time from sending the BackMsg until the server's ``script_finished``
for the whole script (a run cut short by ``st.rerun`` is followed by the next one, and the clock runs on).
A run fails when it ends with a compile error, shows an exception, or an ``st.error`` box, or when the
connection drops or the run does not finish in time.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

SUBPROTOCOL = "streamlit"
DEFAULT_CACHE_AGE = 2  # runs a cached message survives unused (the server's default, sent in new_session)
MAX_MESSAGE_BYTES = 256 * 2**20  # a page's figures; the browser has no limit
WidgetValue = bool | int | float | str  # bool: a button press (a trigger), str: text, int/float: numbers


class Trigger:
    """A button press: the value of a ``trigger_value`` widget for one run only."""


PRESS = Trigger()


@dataclass
class RunResult:
    """One run as a client saw it: seconds from request to the end of the whole script, and why it failed
    (``None``: it did not)."""

    seconds: float
    failure: str | None = None
    messages: int = 0  # ForwardMsgs received for it
    bytes: int = 0

    @property
    def ok(self) -> bool:
        return self.failure is None


@dataclass
class _Run:
    """The run this session waits for, filled in by the reader task."""

    started: float
    done: asyncio.Event = field(default_factory=asyncio.Event)
    failure: str | None = None
    messages: int = 0
    bytes: int = 0

    def fail(self, why: str) -> None:
        if self.failure is None:
            self.failure = why


class LightSession:
    """One student: a websocket session with the app at ``url`` (``http://host:port``), on ``page`` (a
    URL path such as ``"Attention"``; ``""`` is the home page).

    Use as ``async with LightSession(url, "Attention") as session: first = await session.open()``, then
    ``await session.rerun({"_url.attention.input": "hello"})``. Not safe to share between tasks: a session
    has one run in flight at a time, as a browser tab does."""

    def __init__(self, url: str, page: str, query_string: str = "", timeout_s: float = 60.0) -> None:
        parts = urlsplit(url)
        self.http_url = url.rstrip("/")
        self.ws_url = f"{'wss' if parts.scheme == 'https' else 'ws'}://{parts.netloc}{parts.path.rstrip('/')}"
        self.ws_url += "/_stcore/stream"
        self.page = page
        self.query_string = query_string
        self.timeout_s = timeout_s
        self.page_script_hash = ""  # known once the server's navigation message names the page
        self.session_id = ""
        self.widgets: dict[str, Element] = {}  # the latest element of each widget id seen
        self.values: dict[str, WidgetValue | Trigger] = {}  # widget id -> the value this client set
        self.exceptions: list[str] = []  # every exception shown in this session, for a post-mortem
        self.auto_reruns: set[str] = set()  # fragments that asked for timed reruns (not sent)
        self._cache: dict[str, tuple[ForwardMsg, int]] = {}  # hash -> (message, the run it was last used)
        self._cache_age = DEFAULT_CACHE_AGE
        self._runs = 0
        self._run: _Run | None = None
        self._socket: Any = None
        self._reader: asyncio.Task | None = None
        self._closed: str | None = None

    # --------------------------------------------------------------------------------- connection

    async def __aenter__(self) -> LightSession:
        from websockets.asyncio.client import connect

        self._socket = await connect(
            self.ws_url,
            subprotocols=[SUBPROTOCOL],  # type: ignore[list-item]
            origin=self.http_url,  # type: ignore[arg-type]  # same origin, as a tab of the app
            max_size=MAX_MESSAGE_BYTES,
            open_timeout=self.timeout_s,
            ping_interval=None,  # browsers do not ping; the server does not ask them to
            proxy=None,
        )
        self._reader = asyncio.create_task(self._read(), name=f"light-session-{self.page}")
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._socket is not None:
            with suppress(Exception):
                await self._socket.close()
        if self._reader is not None:
            self._reader.cancel()
            with suppress(asyncio.CancelledError, Exception):
                await self._reader

    # ------------------------------------------------------------------------------------ runs

    async def open(self) -> RunResult:
        """The first run: the page as a student's new tab gets it."""
        return await self.rerun()

    async def rerun(self, changes: Mapping[str, WidgetValue | Trigger] | None = None) -> RunResult:
        """Set widgets (by user key or widget id: ``PRESS`` for a button) and run the script; wait for the
        whole run to finish. Raises ``KeyError`` for a key no widget of the page has."""
        for key, value in (changes or {}).items():
            self.values[self.widget_id(key)] = value
        if self._closed is not None:
            return RunResult(0.0, f"disconnected: {self._closed}")
        run = self._run = _Run(time.perf_counter())
        await self._socket.send(self._rerun_message().SerializeToString())
        for widget, value in list(self.values.items()):  # a press lasts one run
            if isinstance(value, Trigger):
                del self.values[widget]
        try:
            await asyncio.wait_for(run.done.wait(), self.timeout_s)
        except asyncio.TimeoutError:
            run.fail(f"no script_finished within {self.timeout_s:g} s")
        self._run = None
        return RunResult(time.perf_counter() - run.started, run.failure, run.messages, run.bytes)

    def widget_id(self, key: str) -> str:
        """The id of the widget with user key ``key`` (Streamlit ends such ids with ``-{key}``), or ``key``
        itself when it is an id already."""
        if key in self.widgets:
            return key
        for widget_id in self.widgets:
            if widget_id.endswith(f"-{key}"):
                return widget_id
        raise KeyError(f"no widget with key {key!r} on {self.page or 'the home page'}")

    def widget(self, key: str) -> Any:
        """The widget's own proto (``Button``, ``TextInput``, ...) as last drawn."""
        element = self.widgets[self.widget_id(key)]
        return getattr(element, element.WhichOneof("type"))

    def _rerun_message(self) -> BackMsg:
        message = BackMsg()
        state = message.rerun_script
        state.query_string = self.query_string
        if self.page_script_hash:
            state.page_script_hash = self.page_script_hash
        else:
            state.page_name = self.page
        for widget_id, value in self.values.items():
            state.widget_states.widgets.append(_widget_state(widget_id, value))
        state.cached_message_hashes.extend(self._cache)
        info = state.context_info
        info.timezone, info.timezone_offset, info.locale = "UTC", 0, "en-US"
        info.url = f"{self.http_url}/{self.page}" + (f"?{self.query_string}" if self.query_string else "")
        return message

    # ---------------------------------------------------------------------------------- messages

    async def _read(self) -> None:
        """Take every message as it comes, as a browser does (a client that stops reading is dropped by the
        server once its send queue is full)."""
        try:
            async for raw in self._socket:
                message = ForwardMsg()
                message.ParseFromString(raw)
                if self._run is not None:
                    self._run.messages += 1
                    self._run.bytes += len(raw)
                self._handle(message)
        except Exception as error:  # any end of the connection ends every wait
            self._closed = f"{type(error).__name__}: {error}"
        else:
            self._closed = "the server closed the connection"
        if self._run is not None:
            self._run.fail(f"disconnected: {self._closed}")
            self._run.done.set()

    def _handle(self, message: ForwardMsg) -> None:
        kind = message.WhichOneof("type")
        if kind == "ref_hash":
            cached = self._cache.get(message.ref_hash)
            if cached is None:
                self._fail(f"the server referred to message {message.ref_hash}, which this client never had")
                return
            resolved = ForwardMsg()
            resolved.CopyFrom(cached[0])
            resolved.metadata.CopyFrom(message.metadata)
            self._cache[message.ref_hash] = (cached[0], self._runs)
            message, kind = resolved, resolved.WhichOneof("type")
        elif message.metadata.cacheable and message.hash:
            self._cache[message.hash] = (message, self._runs)
        if kind == "new_session":
            self.session_id = message.new_session.initialize.session_id
            self._cache_age = message.new_session.config.max_cached_message_age or DEFAULT_CACHE_AGE
        elif kind == "navigation":
            self.page_script_hash = message.navigation.page_script_hash
        elif kind == "page_info_changed":
            self.query_string = message.page_info_changed.query_string
        elif kind == "auto_rerun":
            self.auto_reruns.add(message.auto_rerun.fragment_id)
        elif kind == "page_not_found":
            self._fail(f"page not found: {message.page_not_found.page_name!r}")
        elif kind == "delta":
            self._delta(message)
        elif kind == "script_finished":
            self._finished(message.script_finished)

    def _delta(self, message: ForwardMsg) -> None:
        if message.delta.WhichOneof("type") != "new_element":
            return
        element = message.delta.new_element
        kind = element.WhichOneof("type")
        if kind == "exception":
            shown = f"{element.exception.type}: {element.exception.message}"
            self.exceptions.append(shown)
            if not element.exception.is_warning:
                self._fail(f"exception shown: {shown}")
        elif kind == "alert" and element.alert.format == Alert.ERROR:
            self._fail(f"error shown: {element.alert.body[:200]}")
        elif kind is not None:
            widget_id = getattr(getattr(element, kind), "id", "")
            if isinstance(widget_id, str) and widget_id:
                self.widgets[widget_id] = element

    def _finished(self, status: int) -> None:
        if status in (ForwardMsg.FINISHED_EARLY_FOR_RERUN, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY):
            return  # st.rerun: the next run follows; a fragment's run is not the script's
        self._runs += 1
        fresh = self._runs - self._cache_age
        self._cache = {key: entry for key, entry in self._cache.items() if entry[1] >= fresh}
        if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
            self._fail("the script did not compile")
        if self._run is not None:
            self._run.done.set()

    def _fail(self, why: str) -> None:
        if self._run is not None:
            self._run.fail(why)


def _widget_state(widget_id: str, value: WidgetValue | Trigger) -> WidgetState:
    state = WidgetState(id=widget_id)
    if isinstance(value, Trigger):
        state.trigger_value = True
    elif isinstance(value, bool):
        state.bool_value = value
    elif isinstance(value, int):
        state.int_value = value
    elif isinstance(value, float):
        state.double_value = value
    else:
        state.string_value = value
    return state
