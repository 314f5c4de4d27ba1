"""Language-model page: each token's probability under the model as a coloured strip, the perplexity it adds
up to, the alternatives at any position, sampling one token at a time with temperature and top-k, full vs
truncated BPTT, and connectivity through time (how far back each score's gradient reaches).

Layout only: numbers come from ``seqviz.explain.lm`` and ``seqviz.explain.connectivity`` through
``seqviz.ui.widgets.lm``; figures from ``seqviz.viz.lm``.
"""

from __future__ import annotations

import streamlit as st

from seqviz.ui import model_and_input, page_intro, page_setup, t, user_errors
from seqviz.ui.widgets import lm as sections

page_setup("page.lm.title")
page_intro(t("lm.intro"))
model = model_and_input(
    "lm", kinds=("language_model",), default=sections.page_default_model(), label_key="lm.text"
)
info, text = model.info, model.text
with model.model_column:
    sections.chinese_model_hint(info)

with user_errors():
    sections.strip_section(info.path, text)
st.divider()
with user_errors():
    sections.sampling_section(info.path)
st.divider()
with user_errors():
    sections.bptt_section()
st.divider()
with user_errors():
    sections.connectivity_section(info.path, text)
