"""BLEU page: a candidate against references with every n-gram match shown, clipping made visible, the
brevity penalty, the standard and the course's formula with their numbers, sacrebleu's score beside ours,
and corpus BLEU on two uploaded files.

Layout only: the numbers come from ``seqviz.bleu`` through ``seqviz.ui.bleu_widgets``.
"""

from __future__ import annotations

import streamlit as st

from seqviz.ui import bleu_widgets as sections
from seqviz.ui import page_intro, page_setup, t, user_errors

page_setup("page.bleu.title")
page_intro(t("bleu.intro"))

chosen = sections.inputs()
with user_errors():
    sections.sentence_sections(chosen)
st.divider()
with user_errors():
    sections.corpus_section(chosen)
