"""Train page: pick a task and a model, train it live in a background thread, watch it learn, save it.

Layout only: the run is a ``seqviz.training.live_run.TrainingRun`` queued on the server's job manager
(``seqviz.ui.training``); figures come from ``seqviz.viz``.
"""

from __future__ import annotations

import streamlit as st

from seqviz.ui import CHECKPOINT_STATE, PAGES, page_intro, page_link, page_setup, t, user_errors
from seqviz.ui.training import active_run, server_caption, session_runs, start_run
from seqviz.ui.widgets import train as widgets

page_setup("page.train.title")
page_intro(t("train.intro"))

settings_column, live_column = st.columns([1, 2], gap="large")

with settings_column:
    st.subheader(t("train.settings"))
    with user_errors():
        new_run = widgets.settings_form(busy=active_run() is not None)
        if new_run is not None:
            entry = start_run(new_run)
            st.session_state[widgets.SHOWN_STATE] = entry.number

with live_column:
    st.subheader(t("train.live"))
    widgets.live_view()

shown = widgets.shown_run()
if shown is not None and not shown.job.active:
    st.divider()
    st.subheader(t("train.save_header"))
    with user_errors():
        saved = widgets.save_panel(shown)
        if saved:
            st.session_state[CHECKPOINT_STATE] = saved
            others = [page for page in PAGES if page.key != "train"]
            for column, page in zip(st.columns(len(others)), others, strict=True):
                page_link(page, container=column)

if len(session_runs()) > 0:
    st.divider()
    st.subheader(t("train.compare_header"))
    widgets.compare_panel()

st.caption(server_caption())
