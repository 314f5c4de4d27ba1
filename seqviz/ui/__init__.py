"""The Streamlit side of seqviz: shared page helpers and the label table.

This package (with ``app.py`` and ``pages/``) is the only place that imports streamlit; the rest of seqviz
stays usable from the CLI, tests and notebooks.
"""

from seqviz.ui.common import (
    CHECKPOINT_STATE,
    bookmark_params,
    checkpoint_picker,
    device_panel,
    download,
    page_intro,
    page_link,
    page_setup,
    presentation_mode,
    selected_checkpoint,
    vega_chart,
)
from seqviz.ui.errors import show_error, user_errors
from seqviz.ui.i18n import LANGUAGES, current_language, labeller, language_selector, t
from seqviz.ui.inputs import ModelInput, model_and_input, model_text_input
from seqviz.ui.navigation import PAGES, PageInfo, route
from seqviz.ui.plain import code, plain, plain_list
from seqviz.ui.url_state import lazy_tabs, parse_bool, serialize_bool, set_bound, url_bound

__all__ = [
    "CHECKPOINT_STATE",
    "LANGUAGES",
    "PAGES",
    "ModelInput",
    "PageInfo",
    "bookmark_params",
    "checkpoint_picker",
    "code",
    "current_language",
    "device_panel",
    "download",
    "labeller",
    "language_selector",
    "lazy_tabs",
    "model_and_input",
    "model_text_input",
    "page_intro",
    "page_link",
    "page_setup",
    "parse_bool",
    "plain",
    "plain_list",
    "presentation_mode",
    "route",
    "selected_checkpoint",
    "serialize_bool",
    "set_bound",
    "show_error",
    "t",
    "url_bound",
    "user_errors",
    "vega_chart",
]
