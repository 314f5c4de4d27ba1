"""How a failure reaches the page: a ``SeqvizError`` as one sentence in the page's language (its code and
params filled into the label table), anything else as Streamlit's exception box, since that is a bug.

Its own module so that every part of the UI (the classroom controls included) can show an error without
importing the page helpers in ``seqviz.ui.common``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import streamlit as st

from seqviz.errors import SeqvizError
from seqviz.ui.i18n import TRANSLATIONS, current_language, t
from seqviz.ui.plain import plain


def _size_text(size: int) -> str:
    """A size as the page states its limits (``5 MB`` for 5 MiB or 5,000,000 bytes), else exact bytes:
    a rounded "5.2 MB" beside a caption's "5 MB" would read as two different limits."""
    for unit in (1024 * 1024, 1_000_000):
        if size and size % unit == 0:
            return t("error.size.mb", value=size // unit)
    return t("error.size.bytes", value=size)


def _param_text(name: str, value: object) -> object:
    """One param of an error sentence as the page shows it: numbers stay numbers (the template formats
    them), codes become words of the current language, sizes get units, and user text is escaped."""
    if name.endswith("_bytes") and isinstance(value, int):
        return _size_text(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    for prefix in {"what": ("error.what",), "kind": ("model.kind",)}.get(name, ()):
        if f"{prefix}.{value}" in TRANSLATIONS:
            return t(f"{prefix}.{value}")
    return plain(value)


def error_text(exc: SeqvizError) -> str:
    """The error's sentence in the current language: ``error.<code>`` filled with its params when the core
    gave it a code this table knows, else its English message (escaped as plain text). In English it is
    always the core's message, so a page says exactly what the CLI prints."""
    code = getattr(exc, "code", None)
    key = f"error.{code}"
    if code and key in TRANSLATIONS and current_language() != "en":  # English: the core's own sentence
        params = {name: _param_text(name, value) for name, value in getattr(exc, "params", {}).items()}
        try:
            return t(key, **params)
        except (
            KeyError,
            ValueError,
            IndexError,
        ):  # a label and a raise site that disagree: say it in English
            pass
    return plain(exc, keep_newlines=True)


def show_error(exc: BaseException, container: Any = None) -> None:
    """Show a failure: a ``SeqvizError`` as its one-sentence message (in the page's language where the
    error has a code, see ``error_text``), anything else with its traceback."""
    target = container if container is not None else st
    if isinstance(exc, SeqvizError):
        target.error(t("error.title", message=error_text(exc)), icon=":material/error:")
    else:
        target.error(t("error.unexpected"), icon=":material/bug_report:")
        target.exception(exc)


@contextmanager
def user_errors(container: Any = None) -> Iterator[None]:
    """``with user_errors(): ...`` shows a ``SeqvizError`` raised inside as a message and lets the page go on.

    Other exceptions propagate: they are bugs, and Streamlit's own exception box is the right place for them.
    """
    try:
        yield
    except SeqvizError as exc:
        show_error(exc, container)
