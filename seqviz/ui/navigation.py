"""The app's pages and the router: Streamlit's own ``st.navigation`` over ``st.Page`` objects.

``app.py`` calls ``route(home)`` and nothing else decides which page runs. Titles are translated on every
run, so the sidebar's navigation speaks the session's language. Each page keeps the URL it had when
Streamlit discovered the ``pages/`` folder itself (``pages/2_Attention.py`` -> ``/Attention``): ``st.Page``
infers the same path from the file name, and lecturers' bookmarks keep working.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st

from seqviz.ui.i18n import t

HOME_ICON = ":material/home:"
_HANDED_OVER = "_ui.handed_over"  # this session has asked once for a run through the router
_routing = threading.local()  # whether this thread's script run went through ``route``


@dataclass(frozen=True)
class PageInfo:
    """A page of the app: its file (relative to app.py), its label prefix and its icon."""

    key: str  # labels are t(f"page.{key}.title") and t(f"page.{key}.teaches")
    path: str
    icon: str

    @property
    def title_key(self) -> str:
        return f"page.{self.key}.title"

    @property
    def teaches_key(self) -> str:
        return f"page.{self.key}.teaches"

    @property
    def url_path(self) -> str:
        """The page's URL path: the file name without its order number (``/Beam_search``)."""
        return self.path.rsplit("/", 1)[-1].removesuffix(".py").split("_", 1)[1]


# The navigation (sidebar and home cards) lists these, in this order: the course's order.
PAGES: tuple[PageInfo, ...] = (
    PageInfo("lessons", "pages/0_Lessons.py", ":material/school:"),
    PageInfo("forecast", "pages/9_Forecasting.py", ":material/show_chart:"),
    PageInfo("gates", "pages/1_Gates.py", ":material/tune:"),
    PageInfo("attention", "pages/2_Attention.py", ":material/visibility:"),
    PageInfo("decoding", "pages/3_Decoding.py", ":material/skip_next:"),
    PageInfo("beam", "pages/4_Beam_search.py", ":material/account_tree:"),
    PageInfo("bleu", "pages/5_BLEU.py", ":material/fact_check:"),
    PageInfo("train", "pages/6_Train.py", ":material/model_training:"),
    PageInfo("comparison", "pages/10_RNN_vs_Transformer.py", ":material/compare_arrows:"),
    PageInfo("lm", "pages/7_Language_models.py", ":material/text_fields:"),
    PageInfo("embeddings", "pages/8_Embeddings.py", ":material/scatter_plot:"),
)


def route(home: Callable[[], None]) -> None:
    """Run the page the URL names (``home`` at ``/``), with every page listed in the sidebar."""
    page = st.navigation(_router_pages(home))
    _routing.active = True
    try:
        page.run()
    finally:
        _routing.active = False


def _router_pages(home: Callable[[], None]) -> list[Any]:
    pages = [st.Page(home, title=t("nav.home"), icon=HOME_ICON, default=True)]
    pages += [
        st.Page(page.path, title=t(page.title_key), icon=page.icon, url_path=page.url_path) for page in PAGES
    ]
    return pages


def _not_routed_home() -> None:
    """Home's stand-in in the one hand-over run below; that run stops before any page is drawn."""


def ensure_routed() -> None:
    """Send a page run that bypassed the router through it (``page_setup`` calls this first).

    Streamlit keeps serving a ``pages/`` folder in its legacy way, running the page file alone, until some
    session of the server has called ``st.navigation`` ("as soon as any session of your app executes the
    st.navigation command, your app will ignore the pages/ directory", its docs say). So on a fresh server
    a bookmark straight to ``/Attention`` would get the file-name navigation in English. Such a run
    declares the router's pages (which ends the legacy mode for every session) and runs again, through
    ``app.py``, on the same page: the URL paths, and so the pages' ids, are the same. Once per session at
    most, so a page run as the main script (no ``app.py``) cannot loop."""
    if getattr(_routing, "active", False) or st.session_state.get(_HANDED_OVER):
        return
    st.session_state[_HANDED_OVER] = True
    st.navigation(_router_pages(_not_routed_home), position="hidden")
    st.rerun()
