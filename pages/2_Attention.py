"""Attention page: where the decoder looks, Bahdanau vs Luong, the bottleneck measured, one score explained.

Layout only: numbers come from ``seqviz.explain.attention`` / ``seqviz.explain.bottleneck`` through the cached
helpers in ``seqviz.ui.widgets.attention``; figures from ``seqviz.viz.attention``.
"""

from __future__ import annotations

from seqviz.ui import lazy_tabs, model_and_input, page_intro, page_setup, t, user_errors
from seqviz.ui.classroom import visible_checkpoints
from seqviz.ui.widgets import attention as sections

page_setup("page.attention.title")
page_intro(t("attention.intro"))
model = model_and_input("attention", kinds=("seq2seq",))
info, text = model.info, model.text

with user_errors():
    view = sections.attention_map_for(info.path, text)
    infos = visible_checkpoints()
    lazy_tabs(
        "attention.tab",
        "tab",
        {
            "alignment": (t("attention.tab.alignment"), lambda: sections.alignment_tab(view, infos, info)),
            "compare": (t("attention.tab.compare"), lambda: sections.compare_tab(view, infos, info, text)),
            "bottleneck": (t("attention.tab.bottleneck"), lambda: sections.bottleneck_tab(infos, info)),
            "scores": (t("attention.tab.scores"), lambda: sections.scores_tab(view, info.path, text)),
            "copy": (t("attention.tab.copy"), lambda: sections.copy_tab(view)),
            "attribution": (t("attention.tab.attribution"), lambda: sections.attribution_tab(info, text)),
        },
    )
