"""Beam search page: the search as a tree, stepped through, with length penalties, forced nodes, greedy vs
beam and the n-best list scored by BLEU.

Layout only: the search is ``seqviz.explain.beam`` (through ``seqviz.ui.widgets.beam``); the tree figure comes
from ``seqviz.viz.beam``.
"""

from __future__ import annotations

from seqviz.ui import model_and_input, page_intro, page_setup, t, user_errors
from seqviz.ui.widgets import beam as sections

page_setup("page.beam.title")
page_intro(t("beam.intro"))
model = model_and_input("beam", kinds=("seq2seq",))
info, checkpoint, text = model.info, model.checkpoint, model.text

with user_errors():
    chosen = sections.controls(info, checkpoint, text)
    result = sections.search(info.path, text, chosen)
    baseline = sections.search(info.path, text, chosen | {"prefix": ()}) if chosen["prefix"] else result
    shown = sections.tree_section(result)
    sections.force_section(result, baseline, shown)
    sections.compare_section(result, sections.greedy(info.path, text, chosen["max_len"]))
    reference = sections.reference_input("")
    sections.nbest_section(result, checkpoint, reference)
