"""Forecasting page: the Markov assumption vs a latent state on a noisy periodic series, and how
k-step-ahead errors compound.

Layout only: the page's view is ``seqviz.ui.widgets.forecast.page_view`` (lessons open it too); the models and
predictions come from ``seqviz.explain.forecast``, figures from ``seqviz.viz.forecast``.
"""

from __future__ import annotations

from seqviz.ui import page_intro, page_setup, t
from seqviz.ui.widgets import forecast as sections

page_setup("page.forecast.title")
page_intro(t("forecast.intro", share=60))
sections.page_view()
