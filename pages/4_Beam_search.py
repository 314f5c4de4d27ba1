"""Beam search page: the search as a tree, stepped through, with length penalties, forced nodes, greedy vs
beam and the n-best list scored by BLEU.

Layout only: the search is ``seqviz.explain.beam`` (through ``seqviz.ui.widgets.beam``); the tree figure comes
from ``seqviz.viz.beam``.
"""

from __future__ import annotations

import streamlit as st

from seqviz.ui import checkpoint_picker, model_text_input, page_intro, page_setup, t, user_errors
from seqviz.ui.checkpoint_cache import load_cached_checkpoint
from seqviz.ui.widgets import beam as sections

page_setup("page.beam.title")
page_intro(t("beam.intro"))

model_column, input_column = st.columns([1, 2], gap="large")
with model_column:
    info = checkpoint_picker(details=False, kinds=("seq2seq",))
if info is None:
    st.stop()
checkpoint = load_cached_checkpoint(info.path)
with input_column:
    text = model_text_input("beam", checkpoint)

with user_errors():
    chosen = sections.controls(info, checkpoint, text)
    result = sections.search(info.path, text, chosen)
    baseline = sections.search(info.path, text, chosen | {"prefix": ()}) if chosen["prefix"] else result
    shown = sections.tree_section(result)
    sections.force_section(result, baseline, shown)
    sections.compare_section(result, sections.greedy(info.path, text, chosen["max_len"]))
    reference = sections.reference_input("")
    sections.nbest_section(result, checkpoint, reference)
