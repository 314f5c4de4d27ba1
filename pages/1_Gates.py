"""LSTM & GRU page: every gate, c_t and h_t of a model reading the user's input, one step's equations with
their numbers, why the plain RNN's gradients vanish (full vs truncated BPTT), and which units track what the
task needs (correlation, a probe, ablation).

Layout only: numbers come from ``seqviz.explain.gates`` through the cached helpers in
``seqviz.ui.widgets.gates``; figures from ``seqviz.viz.gates``.
"""

from __future__ import annotations

from seqviz.ui import lazy_tabs, model_and_input, page_intro, page_setup, t, user_errors
from seqviz.ui.widgets import gates as sections

page_setup("page.gates.title")
page_intro(t("gates.intro"))
model = model_and_input("gates")
info, text = model.info, model.text
with model.model_column:  # under the picker, beside the input's examples: the main view starts higher
    part = sections.part_choice(model.checkpoint)

with user_errors():
    view = sections.gate_view_for(info.path, text, part)
    sections.describe(view)
    chosen = sections.choices(view)
    lazy_tabs(
        "gates.tab",
        "tab",
        {
            "heatmaps": (t("gates.tab.heatmaps"), lambda: sections.heatmaps_tab(view, chosen)),
            "step": (t("gates.tab.step"), lambda: sections.step_tab(view, info.path, chosen)),
            "gradients": (t("gates.tab.gradients"), lambda: sections.gradients_tab(view, info.path, text)),
            "units": (t("gates.tab.units"), lambda: sections.units_tab(model.checkpoint, info.path, part)),
        },
    )
