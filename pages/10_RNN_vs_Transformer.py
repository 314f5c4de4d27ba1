"""RNN vs Transformer page: the course's comparison table, measured on two models of the same task.

Layout only: the table's numbers come from ``seqviz.explain.comparison``, the two runs are ordinary jobs on
the server's queue (``seqviz.ui.widgets.comparison``, ``seqviz.training.race``).
"""

from __future__ import annotations

import streamlit as st

from seqviz.ui import page_intro, page_setup, t, user_errors
from seqviz.ui.training import server_caption
from seqviz.ui.widgets import comparison as widgets

page_setup("page.comparison.title")
page_intro(t("comparison.intro"))

with user_errors():
    task, seconds, pressed = widgets.settings()
    if pressed:
        widgets.start_race(task, seconds)
        st.rerun()  # the button greys out and the live view starts polling

with user_errors():
    widgets.race_section()

with user_errors():
    widgets.shipped_section(task)

st.caption(server_caption())
