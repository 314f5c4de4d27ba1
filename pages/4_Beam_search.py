"""Beam search page: the search as a tree, stepped through, with length penalties, forced nodes, greedy vs
beam and the n-best list scored by BLEU.

Layout only: the page's view is ``seqviz.ui.widgets.beam.page_view`` (lessons open it too); the search is
``seqviz.explain.beam``; the tree figure comes from ``seqviz.viz.beam``.
"""

from __future__ import annotations

from seqviz.ui import page_intro, page_setup, t
from seqviz.ui.widgets import beam as sections

page_setup("page.beam.title")
page_intro(t("beam.intro"))
sections.page_view()
