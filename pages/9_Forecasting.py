"""Forecasting page: the Markov assumption vs a latent state on a noisy periodic series, and how
k-step-ahead errors compound.

Layout only: the models and predictions come from ``seqviz.explain.forecast`` through
``seqviz.ui.widgets.forecast``; figures from ``seqviz.viz.forecast``.
"""

from __future__ import annotations

from seqviz.ui import page_intro, page_setup, t, user_errors
from seqviz.ui.widgets import forecast as sections

page_setup("page.forecast.title")
page_intro(t("forecast.intro", share=60))

chosen = sections.controls()
with user_errors():
    sections.charts(sections.study(chosen))
