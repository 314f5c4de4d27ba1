"""Decoding stepper page: one token at a time, with each step's attention, hidden state and candidates; force
any token and watch the model continue; teacher forcing vs free running on a reference.

Layout only: the stepper is ``seqviz.explain.decoding.DecodeStepper`` (through
``seqviz.ui.widgets.decoding``); figures come from ``seqviz.viz.decoding``.
"""

from __future__ import annotations

import streamlit as st

from seqviz.ui import lazy_tabs, model_and_input, page_intro, page_setup, t, user_errors
from seqviz.ui.widgets import decoding as sections

page_setup("page.decoding.title")
page_intro(t("decoding.intro"))
model = model_and_input("decoding", accept=sections.accepts)
info, checkpoint, text = model.info, model.checkpoint, model.text

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
