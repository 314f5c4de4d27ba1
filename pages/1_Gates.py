"""LSTM & GRU page: every gate, c_t and h_t of a model reading the user's input, one step's equations with
their numbers, why the plain RNN's gradients vanish (full vs truncated BPTT), and which units track what the
task needs (correlation, a probe, ablation).

Layout only: the page's view is ``seqviz.ui.widgets.gates.page_view`` (lessons open its tabs too); numbers
come from ``seqviz.explain.gates``, figures from ``seqviz.viz.gates``.
"""

from __future__ import annotations

from seqviz.ui import page_intro, page_setup, t
from seqviz.ui.widgets import gates as sections

page_setup("page.gates.title")
page_intro(t("gates.intro"))
sections.page_view()
