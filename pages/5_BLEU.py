"""BLEU page: a candidate against references with every n-gram match shown, clipping made visible, the
brevity penalty, the standard and the course's formula with their numbers, sacrebleu's score beside ours,
and corpus BLEU on two uploaded files.

Layout only: the numbers come from ``seqviz.explain.bleu`` through ``seqviz.ui.widgets.bleu``.
"""

from __future__ import annotations

import streamlit as st

from seqviz.ui import page_intro, page_setup, t, user_errors
from seqviz.ui.widgets import bleu as sections

page_setup("page.bleu.title")
page_intro(t("bleu.intro"))

chosen = sections.inputs()
with user_errors():
    sections.sentence_sections(chosen)
st.divider()
with user_errors():
    sections.corpus_section(chosen)
