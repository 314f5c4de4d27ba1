"""The Streamlit side of seqviz: shared page helpers and the label table.

This package (with ``app.py`` and ``pages/``) is the only place that imports streamlit; the rest of seqviz
stays usable from the CLI, tests and notebooks.
"""

from seqviz.ui.common import (
    CHECKPOINT_STATE,
    PAGES,
    PageInfo,
    bookmark_params,
    checkpoint_picker,
    device_panel,
    page_link,
    page_setup,
    presentation_mode,
    selected_checkpoint,
    show_error,
    user_errors,
)
from seqviz.ui.i18n import LANGUAGES, current_language, language_selector, t

__all__ = [
    "CHECKPOINT_STATE",
    "LANGUAGES",
    "PAGES",
    "PageInfo",
    "bookmark_params",
    "checkpoint_picker",
    "current_language",
    "device_panel",
    "language_selector",
    "page_link",
    "page_setup",
    "presentation_mode",
    "selected_checkpoint",
    "show_error",
    "t",
    "user_errors",
]
