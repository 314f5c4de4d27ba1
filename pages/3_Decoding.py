"""Decoding stepper page: one token at a time, with each step's attention, hidden state and candidates; force
any token and watch the model continue; teacher forcing vs free running on a reference.

Layout only: the page's view is ``seqviz.ui.widgets.decoding.page_view`` (lessons open its tabs too); the
stepper is ``seqviz.explain.decoding.DecodeStepper``; figures come from ``seqviz.viz.decoding``.
"""

from __future__ import annotations

from seqviz.ui import page_intro, page_setup, t
from seqviz.ui.widgets import decoding as sections

page_setup("page.decoding.title")
page_intro(t("decoding.intro"))
sections.page_view()
