"""What every page shares: page setup, the sidebar, presentation mode, errors, the model picker, the device.

A page starts with ``page_setup("attention.title")`` and then only lays out its own content. State a lecturer
may want to bookmark lives both in ``st.session_state`` (for this browser session) and in ``st.query_params``
(so the URL reproduces it): the language (``lang``), presentation mode (``present=1``), the checkpoint
(``ckpt``) and the session's personal key (``me``, ``seqviz.ui.classroom``: whose saved models it lists).
The first three are bound like every page's own view state (``seqviz.ui.url_state.url_bound``). Streamlit
drops query parameters on a page switch, so ``page_setup`` writes them back each run. Which page runs is
the router's business (``seqviz.ui.navigation``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import streamlit as st

from seqviz import settings
from seqviz.errors import SeqvizError
from seqviz.ui.classroom import OWNER_QUERY, current_owner, restore_owner, share_controls, visible_checkpoints
from seqviz.ui.errors import show_error
from seqviz.ui.i18n import TRANSLATIONS, current_language, join_list, language_selector, t
from seqviz.ui.navigation import PageInfo, ensure_routed
from seqviz.ui.plain import plain
from seqviz.ui.url_state import (
    bound_value,
    drop_oversized_query_values,
    parse_bool,
    serialize_bool,
    set_bound,
    set_query_scope,
    url_bound,
    write_query,
)

if TYPE_CHECKING:
    from seqviz.checkpoints.store import CheckpointInfo
    from seqviz.device import DeviceFacts

PRESENT_STATE = "ui.present"
PRESENT_QUERY = "present"
_PRESENT_WIDGET = "_ui.present_widget"
CHECKPOINT_STATE = "model.checkpoint"  # the name of the chosen checkpoint folder; "" before any choice
CHECKPOINT_QUERY = "ckpt"
_CHECKPOINT_WIDGET = "_model.checkpoint_widget"
DEFAULT_CHECKPOINT = "reverse-lstm-bahdanau"  # the first view: short inputs, a clean diagonal alignment


# ------------------------------------------------------------------------------------ presentation mode

_PRESENTATION_CSS = """
<style>
html { font-size: 18px; }
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"], [data-testid="stHeader"] { display: none !important; }
[data-testid="stMainBlockContainer"] { max-width: 100%; padding: 2rem 3rem 3rem 3rem; }
.stMarkdown p, .stMarkdown li, [data-testid="stCaptionContainer"] { font-size: 1.2rem; line-height: 1.5; }
h1 { font-size: 1.9rem !important; padding: 0 !important; }
h3 { font-size: 1.5rem !important; }
[data-testid="stMainBlockContainer"] { padding-top: 0.5rem !important; }
[data-testid="stVerticalBlock"] { gap: 0.6rem; }
</style>
"""


def vega_chart(container: Any, spec: dict[str, Any], **options: Any) -> Any:
    """``vega_chart(container, spec, **options)``; in presentation mode with the projector's larger
    chart text (``seqviz.viz.vega.projector_spec``), so chart labels grow with the body text."""
    if presentation_mode():
        from seqviz.viz.vega import projector_spec

        spec = projector_spec(spec)
    return container.vega_lite_chart(spec, **options)


# In presentation mode the page's title, its folded introduction, the language switch and the exit button
# share one row (``_presentation_controls``): the main view starts ~110 px higher on a 720 px projector. The
# introduction is written into that row's slot later in the same script run: one run is one thread, so the
# slot is kept per thread and never reaches another session's run.
_header = threading.local()


def page_intro(text: str) -> None:
    """A page's introduction: in full outside presentation mode; folded away in it (in the header row), so
    the main view (its chart and the controls that drive it) fits a projector's first screen while the
    lecturer talks."""
    if presentation_mode():
        slot = getattr(_header, "intro_slot", None) or st
        with slot.popover(t("present.about"), icon=":material/info:"):
            st.markdown(text)
    else:
        st.markdown(text)


# Streamlit cuts a button's label that is wider than its column with an ellipsis ("Force this prefix an…");
# a label that wraps onto a second line says all of itself, in either language. Example pills wrap onto
# more rows instead of a sideways scroller whose last chip a projector shows cut in half.
_WRAPPING_LABELS_CSS = """
<style>
[data-testid^="stBaseButton"] [data-testid="stMarkdownContainer"],
[data-testid="stDownloadButton"] [data-testid="stMarkdownContainer"] {
  overflow: visible; text-overflow: clip; }
[data-testid^="stBaseButton"] [data-testid="stMarkdownContainer"] p,
[data-testid="stDownloadButton"] [data-testid="stMarkdownContainer"] p {
  white-space: normal; text-align: left; }
[data-testid^="stBaseButton"] { height: auto; }
[data-testid="stButtonGroup"] > div { flex-wrap: wrap; overflow-x: visible; }
</style>
"""


def _present_binding() -> dict[str, Any]:
    """``present`` is bound like every other view state; ``?present=1`` only while it is on."""
    return url_bound(
        PRESENT_STATE,
        PRESENT_QUERY,
        False,
        parse=parse_bool,
        serialize=serialize_bool,
        widget_key=_PRESENT_WIDGET,
        omit_default=True,
    )


def _set_presentation(on: bool) -> None:
    set_bound(PRESENT_STATE, on, PRESENT_QUERY, serialize_bool, omit=False)


def toggle_presentation() -> None:
    """Presentation mode on when off, off when on (the lessons' ``p`` key; a callback)."""
    _set_presentation(not presentation_mode())


def presentation_mode() -> bool:
    """Whether this session is in presentation mode (session state, else ``?present=1``)."""
    return bool(bound_value(PRESENT_STATE, PRESENT_QUERY, False, parse=parse_bool))


def _presentation_controls() -> str:
    """The presentation toggle (sidebar) and, in presentation mode, a main-area bar with the exit button and
    the language switch, since the sidebar is hidden there. Returns the current language."""
    bound = _present_binding()  # also writes it back to the URL after a page switch
    present = presentation_mode()
    st.sidebar.toggle(t("present.toggle"), help=t("present.help"), **bound)
    if not present:
        return language_selector(st.sidebar)
    st.html(_PRESENTATION_CSS)
    title_column, intro_column, language_column, exit_column = st.columns(
        [5, 2, 2.2, 2.4], vertical_alignment="center"
    )
    _header.title_slot, _header.intro_slot = title_column, intro_column
    lang = language_selector(language_column, compact=True)
    with exit_column:
        st.button(
            t("present.exit"),
            key="_ui.present_exit",
            icon=":material/close_fullscreen:",
            type="tertiary",
            on_click=_set_presentation,
            args=(False,),
        )
    return lang


# ------------------------------------------------------------------------------------------------ links


def bookmark_params() -> dict[str, str]:
    """The global query parameters that a link to another page should carry (a link opened in a new tab
    starts a new session, which reads them from its URL)."""
    params = {"lang": current_language(), OWNER_QUERY: current_owner()}
    if presentation_mode():
        params[PRESENT_QUERY] = "1"
    if st.session_state.get(CHECKPOINT_STATE):
        params[CHECKPOINT_QUERY] = st.session_state[CHECKPOINT_STATE]
    return params


def page_link(
    page: PageInfo, label: str | None = None, container: Any = None, help: str | None = None
) -> None:
    """A link to ``page`` that keeps the language, presentation mode and checkpoint."""
    target = container if container is not None else st
    target.page_link(
        page.path, label=label or t(page.title_key), icon=page.icon, query_params=bookmark_params(), help=help
    )


# --------------------------------------------------------------------------------------------- page setup


def page_setup(title_key: str, *, show_title: bool = True, query_scope: str = "") -> str:
    """Configure the page and draw the shared sidebar; returns the current language code.

    Call it first on every page. It sets the browser tab title and the wide layout, draws the navigation,
    the language switch and the presentation-mode toggle, restores bookmarked state from the URL, and
    (unless ``show_title=False``) writes ``t(title_key)`` as the page title. ``query_scope`` prefixes the
    URL parameters of the page's bound values (the Lessons page shows other pages' views under ``v.``).
    """
    ensure_routed()  # a first visit to a fresh server may have bypassed app.py
    set_query_scope(query_scope)  # before anything reads a bound value
    dropped = drop_oversized_query_values()  # first: nothing below may read a 60,000-character value
    _header.title_slot = _header.intro_slot = None  # this run's header row, if presentation mode draws one
    present = presentation_mode()
    title = t(title_key)
    st.set_page_config(
        page_title=title if "seqviz" in title else f"{title} · seqviz",
        page_icon=":material/insights:",
        layout="wide",
        initial_sidebar_state="collapsed" if present else "auto",
    )
    try:  # a launch script's typo in a SEQVIZ_* variable: said once, plainly, on every page
        settings.check_settings()
    except SeqvizError as exc:
        show_error(exc)
        st.stop()
    st.html(_WRAPPING_LABELS_CSS)
    lang = _presentation_controls()
    restore_owner()
    _bind_checkpoint_choice()
    if show_title:
        (_header.title_slot or st).title(t(title_key))
    for query in dropped:
        key = "url.ckpt_too_long" if query.key == CHECKPOINT_QUERY else "url.value_too_long"
        st.warning(
            t(key, name=plain(query.key), length=query.length, limit=query.limit), icon=":material/link_off:"
        )
    return lang


# ------------------------------------------------------------------------------------------ model picker


def _list_checkpoints() -> list[CheckpointInfo]:
    """Shipped checkpoints, then this session's own, then the class's shared ones (config.json files only:
    no torch). Another student's own checkpoints are never listed (``seqviz.checkpoints.classroom``)."""
    return visible_checkpoints()


def _bind_checkpoint_choice() -> str:
    """The session's checkpoint name (``?ckpt=`` adopted on its first run; "" before any choice), put back
    into the URL on every run: a page without a picker keeps it for the next one."""
    chosen = bound_value(CHECKPOINT_STATE, CHECKPOINT_QUERY, "")
    if chosen:
        write_query(CHECKPOINT_QUERY, chosen)
    return chosen


def choose_checkpoint(name: str) -> None:
    """Make ``name`` this session's checkpoint on every page, and put it in the URL (a widget callback)."""
    set_bound(CHECKPOINT_STATE, name, CHECKPOINT_QUERY)


def selected_checkpoint(
    infos: list[CheckpointInfo] | None = None, default: str | None = None
) -> CheckpointInfo | None:
    """The checkpoint this session works with: its choice if still present, else the page's ``default``,
    else the app's default, else the first one, else None."""
    infos = _list_checkpoints() if infos is None else infos
    if not infos:
        return None
    wanted = _bind_checkpoint_choice()
    for name in (wanted, default, DEFAULT_CHECKPOINT):
        found = next((info for info in infos if info.name == name), None)
        if found is not None:
            return found
    return infos[0]


def checkpoint_picker(
    container: Any = None,
    *,
    details: bool = True,
    kinds: tuple[str, ...] | None = None,
    default: str | None = None,
) -> CheckpointInfo | None:
    """A select box of the shipped checkpoints; the choice is global and kept in the URL (``ckpt=``).

    ``kinds`` limits the choice (the Attention page lists ``("seq2seq",)``): when the session's model is of
    another kind, the page quietly takes the default (or first) one it can show, and that becomes the
    session's choice; ``default`` names the page's own first choice then (the LM page in Chinese opens on
    the Chinese model). Returns the chosen ``CheckpointInfo``, or None (with a friendly note) when there is
    none to choose.
    """
    target = container if container is not None else st
    try:
        infos = _list_checkpoints()
    except ModuleNotFoundError as exc:  # a part of seqviz that is not installed or not written yet
        if not (exc.name or "").startswith("seqviz"):
            raise
        target.warning(t("model.unavailable", error=plain(exc)))
        return None
    wanted_kind_missing = False
    if kinds is not None:
        all_names = {info.name for info in infos}
        infos = [info for info in infos if info.kind in kinds]
        current = _bind_checkpoint_choice()
        wanted_kind_missing = current in all_names and current not in {info.name for info in infos}
    if not infos:
        target.info(t("model.none"), icon=":material/info:")
        return None
    by_name = {info.name: info for info in infos}
    lang = current_language()
    wanted = _bind_checkpoint_choice()
    choice = selected_checkpoint(infos, default)
    assert choice is not None
    if wanted and wanted != choice.name and not wanted_kind_missing:
        target.warning(t("model.missing", name=plain(wanted), fallback=plain(choice.name)))
    choose_checkpoint(choice.name)  # the fallback becomes the session's choice
    target.selectbox(
        t("model.label"),
        options=list(by_name),
        format_func=lambda name: checkpoint_option(by_name[name], lang),
        help=t("model.help"),
        **url_bound(CHECKPOINT_STATE, CHECKPOINT_QUERY, choice.name, widget_key=_CHECKPOINT_WIDGET),
    )
    if details:
        _checkpoint_details(choice, target)
    return choice


def _checkpoint_details(info: CheckpointInfo, target: Any) -> None:
    kind_key = f"model.kind.{info.kind}"
    kind = t(kind_key) if kind_key in TRANSLATIONS else info.kind
    target.markdown(
        t("model.details", kind=plain(kind), task=plain(info.task), summary=plain(architecture_text(info)))
    )
    if info.metrics:
        target.markdown(f"**{t('model.metrics')}**")
        columns = target.columns(min(4, len(info.metrics)))
        for i, (name, value) in enumerate(sorted(info.metrics.items())):
            label_key = f"metric.{name}"
            label = t(label_key) if label_key in TRANSLATIONS else plain(name)
            columns[i % len(columns)].metric(label, metric_text(name, value))
    target.caption(t(f"model.origin.{info.origin}"))  # where it came from, never the server's file path
    share_controls(info.name, mine=info.origin == "user", key="_model.share", container=target)


def checkpoint_option(info: CheckpointInfo, lang: str | None = None) -> str:
    """A checkpoint as a select box shows it: name, task, and whether it is yours or shared with the class
    (select box options are plain text: no escaping needed)."""
    key = {"user": "model.option_user", "shared": "model.option_shared"}.get(info.origin, "model.option")
    return t(key, lang=lang, name=info.name, task=info.task)


def architecture_text(info: CheckpointInfo) -> str:
    """The model's shape in the current language, from its config's fields (cell, attention, encoder
    direction, copy, coverage, layers, width); the English ``info.summary`` when no config came with it."""
    config = getattr(info, "config", None)  # objects shaped like CheckpointInfo may lack it
    if config is None:
        return info.summary
    layers = (
        t("model.arch.layer_one")
        if config.num_layers == 1
        else t("model.arch.layers", count=config.num_layers)
    )
    if config.kind == "transformer":
        arch = t("model.arch.transformer", heads=config.num_heads)
        return join_list([arch, layers, t("model.arch.d_model", size=config.d_model)])
    cell = str(config.cell).upper()
    hidden = t("model.arch.hidden", size=config.hidden_size)
    if config.kind == "language_model":
        return join_list([t("model.arch.language_model", cell=cell), layers, hidden])
    parts = [cell, t(f"model.arch.attention.{config.attention}")]
    parts += [
        t(f"model.arch.{flag}") for flag in ("bidirectional", "copy", "coverage") if getattr(config, flag)
    ]
    return join_list([*parts, layers, hidden])


PERCENT_METRICS = frozenset({"exact_match", "token_accuracy"})


def metric_text(name: str, value: float) -> str:
    """One scale per kind of number: fractions as percentages (exact match 97.2 %), BLEU on its usual 0-100
    scale, counts as integers, the rest with four significant digits. A fraction 0.9984 beside BLEU 99.43
    read as if token accuracy were below 1 %."""
    if name in PERCENT_METRICS:
        return f"{value * 100:.1f} %"
    if name == "bleu":
        return f"{value:.1f}"
    if name == "size":
        return f"{value:,.0f}"
    return f"{value:.4g}"


# ------------------------------------------------------------------------------------------------ device


@dataclass
class DeviceProbe:
    """The compute device, detected once per server in a background thread (it needs ``import torch``)."""

    preference: str = "auto"  # SEQVIZ_DEVICE when set (``make run`` pins cpu), else auto
    facts: DeviceFacts | None = None
    available: list[str] = field(default_factory=list)
    error: str | None = None
    done: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        try:
            from seqviz.device import available_devices, device_facts, pick_device

            self.available = available_devices()
            self.facts = device_facts(pick_device(self.preference))
        except Exception as exc:  # shown on the page; detection must never break it
            self.error = f"{type(exc).__name__}: {exc}"
        finally:
            self.done.set()


def device_text(facts: DeviceFacts | None) -> str:
    """The device in the current language: ``CPU（2 个线程）``, ``CUDA 显卡：NVIDIA H100``."""
    if facts is None:
        return ""
    if facts.kind == "cpu":
        return t("device.cpu", threads=facts.threads)
    if facts.kind == "mps":
        return t("device.mps")
    return t("device.cuda", name=facts.name)


@st.cache_resource(show_spinner=False)
def device_probe() -> DeviceProbe:
    """Start (once per server process) the device detection; the page renders without waiting for it."""
    probe = DeviceProbe(preference=settings.device_preference())
    threading.Thread(target=probe.run, name="seqviz-device-probe", daemon=True).start()
    return probe


def device_panel() -> None:
    """Where models run (``auto``: cuda, then mps, then cpu; or SEQVIZ_DEVICE), shown once detected.

    Importing torch costs seconds on a cold start, so the home page does not wait for it: a fragment polls
    twice a second until the background probe is done, then one full rerun turns the polling off.
    """
    probe = device_probe()
    polling = not probe.done.is_set()

    @st.fragment(run_every=0.5 if polling else None)
    def _panel() -> None:
        if not probe.done.is_set():
            st.caption(t("device.detecting"))
            return
        if probe.error:
            st.warning(t("device.failed", error=plain(probe.error)))
        else:
            st.markdown(t("device.auto", device=f"**{plain(device_text(probe.facts))}**"))
            st.caption(t("device.available", devices=join_list(probe.available)))
            if probe.preference != "auto":
                st.caption(t("device.pinned", value=plain(probe.preference)))
        if polling:
            st.rerun()  # a full run declares the fragment again, without run_every

    _panel()


# --------------------------------------------------------------------------------------------- downloads

_MIME_TYPES = {".csv": "text/csv", ".json": "application/json", ".zip": "application/zip"}


def download(
    label: str, data: Callable[[], str | bytes], file_name: str, container: Any = None, **kwargs: Any
) -> None:
    """A download button with the type its file name says (``.csv``, ``.json``, ``.zip``) and one icon.

    ``data`` is a function that builds the file, called only when the user clicks (Streamlit's deferred
    download): a page run then neither builds files nobody asks for (a trace's JSON, a checkpoint's zip)
    nor keeps them in the server's memory for every session until it ends.

    A click does not rerun the page (``on_click="ignore"``): a rerun would register the button's file under
    a new id and drop the clicked one once it ends, racing the browser's request for it (a download that
    never came, on a busy server). Nothing on a page changes when a file is downloaded."""
    target = container if container is not None else st
    target.download_button(
        label,
        data,
        file_name=file_name,
        mime=_MIME_TYPES.get(Path(file_name).suffix, "application/octet-stream"),
        icon=":material/download:",
        **{"on_click": "ignore", **kwargs},
    )
