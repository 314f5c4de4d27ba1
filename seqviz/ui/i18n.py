"""Every label the app shows, in English and 简体中文, and the one global language switch.

Pages never write a user-facing string literal; they call ``t("page.key", name=value)``. The current language
lives in ``st.session_state["lang"]`` and in the URL (``?lang=zh``), so a bookmarked link opens in the same
language. A test checks that every key has both languages with the same ``{placeholders}``.

Adding a label: put the key under its page's prefix (``"attention.…"``), write both texts, and keep the
placeholders identical. The Chinese should read as if written in Chinese: short, plain, no calques.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping

import streamlit as st

from seqviz.ui.url_state import url_bound

LANGUAGES: dict[str, str] = {"en": "English", "zh": "简体中文"}
DEFAULT_LANGUAGE = "en"
STATE_KEY = "lang"  # st.session_state["lang"]: the language of this browser session
QUERY_KEY = "lang"  # ?lang=zh in the URL
_WIDGET_KEY = "_ui.lang_widget"

# key -> {language -> text}, merged from the label modules (``_merge_page_labels``): one per page, and
# the labels the whole app shares. Keep keys grouped by page, in the order they appear on screen.
TRANSLATIONS: dict[str, dict[str, str]] = {}


# How a list of short items is written: "LSTM, Bahdanau attention, 1 layer" / "LSTM、Bahdanau 注意力、1 层".
LIST_SEPARATORS: dict[str, str] = {"en": ", ", "zh": "、"}


def join_list(items: list[str], *, lang: str | None = None) -> str:
    """``items`` as one list in the current language (or ``lang``), so no caller glues fragments with ", "."""
    return LIST_SEPARATORS[lang if lang in LANGUAGES else current_language()].join(items)


def placeholders(text: str) -> set[str]:
    """The ``{names}`` a template expects, e.g. ``{"name", "task"}`` for ``"{name} · {task}"``."""
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def current_language() -> str:
    """The language of this session: session state, else ``?lang=`` in the URL, else English."""
    try:
        lang = st.session_state.get(STATE_KEY)
        if lang not in LANGUAGES:
            lang = st.query_params.get(QUERY_KEY)
    except Exception:  # no Streamlit session (plain Python, a notebook): use the default
        return DEFAULT_LANGUAGE
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, /, *, lang: str | None = None, **fmt: object) -> str:
    """The text for ``key`` in the current language (or ``lang``), ``{placeholders}`` filled from ``fmt``.

    An unknown key is a programming error and raises ``KeyError`` naming it, so page tests catch typos.
    """
    try:
        entry = TRANSLATIONS[key]
    except KeyError:
        raise KeyError(f"no translation for {key!r}; add it to seqviz/ui/i18n.py") from None
    text = entry[lang if lang in LANGUAGES else current_language()]
    return text.format(**fmt) if fmt else text


def labeller(prefix: str) -> Callable[[object], str]:
    """``format_func`` for a widget whose options are label keys under ``prefix`` (``"train.cell"`` ->
    ``t("train.cell.lstm")``), in the language of *this* run.

    The language is fixed when the widget is drawn: a format function called later, outside the script
    run (AppTest does), must not fall back to English.
    """
    lang = current_language()
    return lambda value: t(f"{prefix}.{value}", lang=lang)


def language_selector(container: object = None, *, compact: bool = False) -> str:
    """A language switch in the sidebar (or ``container``); the choice is global and kept in the URL
    (``?lang=``, bound like every other view state: ``seqviz.ui.url_state.url_bound``).

    Returns the current language code. Call it once per page run (``page_setup`` does).
    """
    bound = url_bound(
        STATE_KEY, QUERY_KEY, current_language(), valid=LANGUAGES.__contains__, widget_key=_WIDGET_KEY
    )
    lang = st.session_state[STATE_KEY]
    target = container if container is not None else st.sidebar
    target.radio(
        TRANSLATIONS["lang.label"][lang],
        options=list(LANGUAGES),
        format_func=LANGUAGES.__getitem__,
        horizontal=True,
        label_visibility="collapsed" if compact else "visible",  # presentation bar: one line
        **bound,
    )
    return lang


def missing_translations(table: Mapping[str, Mapping[str, str]] = TRANSLATIONS) -> list[str]:
    """Problems with the table, one line each: a missing language or placeholders that differ."""
    problems = []
    for key, entry in table.items():
        for lang in LANGUAGES:
            if not str(entry.get(lang, "")).strip():
                problems.append(f"{key}: no {LANGUAGES[lang]} text")
        names = {lang: placeholders(entry[lang]) for lang in LANGUAGES if entry.get(lang)}
        if len({frozenset(v) for v in names.values()}) > 1:
            problems.append(f"{key}: placeholders differ {names}")
        extra = set(entry) - set(LANGUAGES)
        if extra:
            problems.append(f"{key}: unknown languages {sorted(extra)}")
    return problems


def _merge_page_labels() -> None:
    """Merge the label modules' tables; a key defined twice is a bug. The modules are listed here, not
    discovered, so that a reader sees every table the app speaks from."""
    from seqviz.ui.labels import (
        attention,
        beam,
        bleu,
        classroom,
        comparison,
        decoding,
        embeddings,
        errors,
        forecast,
        gates,
        lessons,
        lm,
        shared,
        train,
    )

    label_modules = (
        shared,
        errors,
        classroom,
        gates,
        attention,
        decoding,
        beam,
        bleu,
        train,
        comparison,
        lm,
        embeddings,
        forecast,
        lessons,
    )
    for module in label_modules:
        clash = set(module.LABELS) & set(TRANSLATIONS)
        if clash:
            raise KeyError(f"labels defined twice: {sorted(clash)}")
        TRANSLATIONS.update(module.LABELS)


_merge_page_labels()
