"""Language-model page: each token's probability under the model as a coloured strip, the perplexity it adds
up to, the alternatives at any position, and sampling one token at a time with temperature and top-k.

Layout only: numbers come from ``seqviz.explain.lm`` through ``seqviz.ui.widgets.lm``; figures from
``seqviz.viz.lm``.
"""

from __future__ import annotations

import streamlit as st

from seqviz.ui import checkpoint_picker, model_text_input, page_intro, page_setup, t, user_errors
from seqviz.ui.checkpoint_cache import load_cached_checkpoint
from seqviz.ui.widgets import lm as sections

page_setup("page.lm.title")
page_intro(t("lm.intro"))

model_column, input_column = st.columns([1, 2], gap="large")
with model_column:
    info = checkpoint_picker(details=False, kinds=("language_model",), default=sections.page_default_model())
if info is None:
    st.stop()
with model_column:
    sections.chinese_model_hint(info)
with input_column:
    text = model_text_input("lm", load_cached_checkpoint(info.path), label_key="lm.text")

with user_errors():
    sections.strip_section(info.path, text)
st.divider()
with user_errors():
    sections.sampling_section(info.path)
st.divider()
with user_errors():
    sections.bptt_section()
