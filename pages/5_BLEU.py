"""BLEU page: a candidate against references with every n-gram match shown, clipping made visible, the
brevity penalty, the standard and the course's formula with their numbers, sacrebleu's score beside ours,
and corpus BLEU on two uploaded files.

Layout only: the page's view is ``seqviz.ui.widgets.bleu.page_view`` (lessons open it too); the numbers come
from ``seqviz.explain.bleu``.
"""

from __future__ import annotations

from seqviz.ui import page_intro, page_setup, t
from seqviz.ui.widgets import bleu as sections

page_setup("page.bleu.title")
page_intro(t("bleu.intro"))
sections.page_view()
