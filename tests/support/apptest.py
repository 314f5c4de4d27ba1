"""Helpers shared by the AppTest page tests: open a page as a bookmarked link does, read its text, click."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
TEXT_KINDS = ("markdown", "caption", "info", "warning", "error", "success", "latex")


def open_page(page: str, **query: str) -> AppTest:
    """``page`` (``"pages/2_Attention.py"``) as a browser opens a link to it; page links resolve against
    app.py, so the app is loaded first and switched."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page(page)
    at.query_params.update(query)
    at.run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest, kinds: tuple[str, ...] = TEXT_KINDS) -> str:
    """Every text element of the given kinds, one per line (what a reader of the page sees)."""
    return "\n".join(str(element.value) for kind in kinds for element in at.get(kind))


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    assert not at.exception, at.exception
    return at


def open_tab(at: AppTest, state_key: str, tab: str) -> AppTest:
    """Switch the page's lazy tabs (``seqviz.ui.lazy_tabs``) to ``tab`` as a click on it does: only the open
    tab's content runs, so a test reads another tab after switching to it."""
    at.session_state[state_key] = tab
    at.run()
    assert not at.exception, at.exception
    return at
