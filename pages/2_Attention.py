"""Attention page: where the decoder looks, Bahdanau vs Luong, the bottleneck measured, one score explained,
attention beside attribution.

Layout only: the page's view is ``seqviz.ui.widgets.attention.page_view`` (lessons open its tabs too);
numbers come from ``seqviz.explain.attention`` / ``seqviz.explain.bottleneck``, figures from
``seqviz.viz.attention``.
"""

from __future__ import annotations

from seqviz.ui import page_intro, page_setup, t
from seqviz.ui.widgets import attention as sections

page_setup("page.attention.title")
page_intro(t("attention.intro"))
sections.page_view()
