"""Widget values that survive page switches and live in the URL, so a lecturer's link reopens the view.

Streamlit forgets a widget's value when its page is left, and drops query parameters on a page switch. A
value bound with ``url_bound`` is kept under a page-namespaced session key (``"attention.input"``), copied
into the widget before it is drawn, and written to ``st.query_params`` on every run. On a session's first
run the URL wins, so ``?text=hello&step=3`` opens on that input and step. A value from the URL that the
page cannot use (a step past the end, a layer the model lacks) falls back to the default, never an error.

Use::

    text = st.text_input(t("attention.input"), **url_bound("attention.input", "text", default="abc"))
    step = st.slider(t("attention.step"), 0, last, **url_bound("attention.step", "step", 0, parse=int,
                                                                valid=lambda v: 0 <= v <= last))

Never pass ``value=`` / ``index=`` to a bound widget: its value comes from session state.

A lesson shows a page's view on its own page, whose URL already says ``?lesson=...&step=...``: the view's
``?step=`` (the beam search's) must not be the lesson's. ``set_query_scope("v.")`` makes every bound value
of the session live under ``?v.{query}=`` until a page sets the scope back (``page_setup`` does, on every
page). It is session state, not a block of code, because a widget's callback runs at the start of the next
run, before the page has said anything: it must write where the widget's page reads. The app's own
parameters (``UNSCOPED``: language, presentation mode, the personal key) are never scoped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import streamlit as st

T = TypeVar("T")
_WIDGET_PREFIX = "_url."

# A link is written by anyone. Values past these lengths are dropped before any page code reads them: a
# 60,000-character ?ckpt= once took a page 22-28 s to draw. No view needs more: the longest bound inputs
# hold 20,000 characters (the BLEU references), a checkpoint name at most 64.
MAX_QUERY_VALUE_CHARS = 20_000
_SHOWN_KEY_CHARS = 100  # how much of a dropped parameter's name a message repeats
QUERY_VALUE_LIMITS = {"ckpt": 200, "v.ckpt": 200}  # per-parameter limits, tighter than MAX_QUERY_VALUE_CHARS


QUERY_SCOPE_STATE = "_url.query_scope"
UNSCOPED = frozenset({"lang", "present", "me"})


def set_query_scope(prefix: str) -> None:
    """Bound values' URL parameters get ``prefix`` from now on in this session ("" for none)."""
    st.session_state[QUERY_SCOPE_STATE] = prefix


def scoped(query: str) -> str:
    """The URL parameter that holds ``query`` in this session's current scope."""
    prefix = st.session_state.get(QUERY_SCOPE_STATE, "")
    return query if not prefix or query in UNSCOPED else f"{prefix}{query}"


@dataclass(frozen=True)
class DroppedQuery:
    """A URL parameter whose value was too long to use: its name (the first 100 characters), the value's
    length and the limit it broke."""

    key: str
    length: int
    limit: int


def drop_oversized_query_values() -> list[DroppedQuery]:
    """Remove every ``?key=value`` whose value is over its limit from ``st.query_params``, so that
    neither a page nor ``url_bound`` ever reads it; returns what was dropped, for the page to say so."""
    dropped = []
    for key in list(st.query_params.keys()):
        limit = QUERY_VALUE_LIMITS.get(key, MAX_QUERY_VALUE_CHARS)
        length = max(len(value) for value in st.query_params.get_all(key) or [""])
        if length > limit:
            dropped.append(DroppedQuery(key[:_SHOWN_KEY_CHARS], length, limit))
            del st.query_params[key]
    return dropped


def _parse_or_none(raw: str | None, parse: Callable[[str], Any]) -> Any:
    if raw is None:
        return None
    try:
        return parse(raw)
    except (TypeError, ValueError):
        return None


def parse_bool(raw: str) -> bool:
    """``"1"``/``"true"``/``"yes"`` are true, ``"0"``/``"false"``/``"no"`` false; anything else is refused."""
    lowered = raw.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError(raw)


def serialize_bool(value: bool) -> str:
    return "1" if value else "0"


def bound_value(
    key: str,
    query: str | None,
    default: T,
    *,
    parse: Callable[[str], T] = str,  # type: ignore[assignment]
    valid: Callable[[T], bool] | None = None,
) -> T:
    """The value bound to ``st.session_state[key]``: on a session's first run the URL's ``?{query}=`` when
    the page can use it, else ``default``; later the session's own value (reset to ``default`` when it is
    no longer usable). Read-only: nothing is drawn and the URL is not written."""

    def usable(value: Any) -> bool:
        return value is not None and (valid is None or bool(valid(value)))

    if key not in st.session_state:
        from_url = _parse_or_none(st.query_params.get(scoped(query)), parse) if query else None
        st.session_state[key] = from_url if usable(from_url) else default
    if not usable(st.session_state[key]):
        st.session_state[key] = default
    return st.session_state[key]


def url_bound(
    key: str,
    query: str | None,
    default: T,
    *,
    parse: Callable[[str], T] = str,  # type: ignore[assignment]
    serialize: Callable[[T], str] = str,
    valid: Callable[[T], bool] | None = None,
    widget_key: str | None = None,
    omit_default: bool = False,
) -> dict[str, Any]:
    """Keyword arguments (``key``, ``on_change``) for a widget whose value is ``st.session_state[key]``,
    mirrored in ``?{query}=`` (``query=None``: kept across page switches but not in the URL).

    ``widget_key`` names the widget (default ``_url.{key}``); ``omit_default`` leaves the parameter out of
    the URL while the value is the default (``?present=1`` appears only in presentation mode)."""
    value = bound_value(key, query, default, parse=parse, valid=valid)
    widget_key = widget_key or f"{_WIDGET_PREFIX}{key}"
    st.session_state[widget_key] = value
    omitted = default if omit_default else _NOTHING
    if query:
        _write_bound(query, value, serialize, omitted)

    def remember() -> None:
        chosen = st.session_state[widget_key]
        st.session_state[key] = chosen
        if query:
            _write_bound(query, chosen, serialize, omitted)

    return {"key": widget_key, "on_change": remember}


_NOTHING = object()  # no value is left out of the URL


def _write_bound(query: str, value: Any, serialize: Callable[[Any], str], omitted: Any) -> None:
    if value == omitted:
        if scoped(query) in st.query_params:
            del st.query_params[scoped(query)]
    else:
        write_query(query, serialize(value))


def set_bound(
    key: str,
    value: Any,
    query: str | None = None,
    serialize: Callable[[Any], str] = str,
    *,
    omit: Any = _NOTHING,
) -> None:
    """Change a bound value from code (a button's callback: Step, Back, Reset) before its widget is drawn;
    ``omit`` is the value that the URL leaves out (the binding's default when it was ``omit_default``)."""
    st.session_state[key] = value
    if query:
        _write_bound(query, value, serialize, omit)


def write_query(query: str, value: str) -> None:
    """Set ``?query=value`` (in the session's scope) only when it differs: every write is a message to the
    browser."""
    query = scoped(query)
    if st.query_params.get(query) != value:
        st.query_params[query] = value


def lazy_tabs(
    key: str, query: str | None, tabs: dict[str, tuple[str, Callable[[], None]]], only: str | None = None
) -> str:
    """Draw tabs and run only the open one's content: ``tabs`` maps a tab id to its label and the function
    that draws it. Returns the open tab's id.

    Streamlit's plain ``st.tabs`` runs every tab and sends every chart to the browser, which draws them all
    before the page settles: on the Gates page twelve Plotly charts where the first view shows six. Here
    the tabs rerun the page when the user switches (``on_change``) and only the open tab's function runs.
    The open tab is remembered by a language-independent id under ``st.session_state[key]`` and mirrored
    in ``?{query}=``, so a lecturer's link opens on the gradients tab and a language switch keeps it open.

    ``only`` names one tab to draw without the tab bar: a lesson's step shows one view of a page.
    """
    if only is not None:
        tabs[only][1]()
        return only
    ids = list(tabs)
    bound = url_bound(key, query, ids[0], valid=tabs.__contains__)  # the id: from the URL, checked, mirrored
    widget_key = bound["key"]
    st.session_state[widget_key] = tabs[st.session_state[key]][0]  # the widget itself holds the label
    by_label = {label: tab for tab, (label, _) in tabs.items()}

    def remember() -> None:  # the rerun that follows writes ?{query}= (url_bound)
        st.session_state[key] = by_label.get(st.session_state[widget_key], ids[0])

    containers = st.tabs([label for label, _ in tabs.values()], key=widget_key, on_change=remember)
    opened = st.session_state[key]
    with containers[ids.index(opened)]:
        tabs[opened][1]()
    return opened
