"""Decoding stepper page: one token at a time, with each step's attention, hidden state and candidates; force
any token and watch the model continue; teacher forcing vs free running on a reference.

Layout only: the stepper is ``seqviz.explain.decoding.DecodeStepper`` (through
``seqviz.ui.widgets.decoding``); figures come from ``seqviz.viz.decoding``.
"""

from __future__ import annotations

import streamlit as st

from seqviz.ui import checkpoint_picker, lazy_tabs, model_text_input, page_intro, page_setup, t, user_errors
from seqviz.ui.checkpoint_cache import load_cached_checkpoint
from seqviz.ui.classroom import visible_checkpoints
from seqviz.ui.widgets import decoding as sections

page_setup("page.decoding.title")
page_intro(t("decoding.intro"))

model_column, input_column = st.columns([1, 2], gap="large")
with model_column:
    info = checkpoint_picker(details=False)
if info is None:
    st.stop()
if info.kind != "seq2seq":
    sections.needs_seq2seq(info, visible_checkpoints())
    st.stop()

checkpoint = load_cached_checkpoint(info.path)
with input_column:
    text = model_text_input("decoding", checkpoint)

stepper = None
with user_errors():
    stepper = sections.current_stepper(info, checkpoint, text)
if stepper is None:
    st.stop()

lazy_tabs(
    "decoding.tab",
    "tab",
    {
        "stepper": (t("decoding.stepper_header"), lambda: sections.stepper_tab(stepper, info)),
        "exposure": (t("decoding.exposure_header"), lambda: sections.exposure_tab(info, checkpoint, text)),
    },
)
