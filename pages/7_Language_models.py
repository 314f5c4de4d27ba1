"""Language-model page: each token's probability under the model as a coloured strip, the perplexity it adds
up to, the alternatives at any position, sampling one token at a time with temperature and top-k, full vs
truncated BPTT, and connectivity through time (how far back each score's gradient reaches).

Layout only: the page's view is ``seqviz.ui.widgets.lm.page_view`` (lessons open its sections too); numbers
come from ``seqviz.explain.lm`` and ``seqviz.explain.connectivity``, figures from ``seqviz.viz.lm``.
"""

from __future__ import annotations

from seqviz.ui import page_intro, page_setup, t
from seqviz.ui.widgets import lm as sections

page_setup("page.lm.title")
page_intro(t("lm.intro"))
sections.page_view()
