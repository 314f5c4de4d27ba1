"""Lessons page: the course step by step, each step a short text beside a live seqviz view, with questions
the model answers and steps that complete on what the model does; driven by buttons, the keyboard (→ ←,
a clicker's Page Down / Page Up, p for presentation mode) or a link to the step.

Layout only: lessons are data (``lessons/*.toml``, read by ``seqviz.lessons``); the page's parts are in
``seqviz.ui.widgets.lessons``; each step's view is a page's own (``seqviz.ui.lesson_views``).
"""

from __future__ import annotations

import streamlit as st

from seqviz.ui import page_intro, page_setup, t
from seqviz.ui.lesson_keys import lesson_keys
from seqviz.ui.widgets import lessons as sections

library = sections.lesson_library()
if library.lessons:
    sections.on_key(lesson_keys())  # first: a step change presets the view before anything reads its state
position = sections.current_position(library) if library.lessons else None
page_setup("page.lessons.title", query_scope=sections.VIEW_SCOPE)
sections.problems(library)
if position is None:
    st.info(t("lessons.none"), icon=":material/info:")
    st.stop()
page_intro(t("lessons.intro"))
lesson, number = position
step = lesson.steps[number - 1]
sections.navigation(library, lesson, number)
with st.container(key=lesson.step_key(number)):
    sections.step_text(lesson, number)
    if sections.question(lesson, step):
        sections.live_view(lesson, number)
    sections.open_on_page(step)
