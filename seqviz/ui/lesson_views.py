"""The live views a lesson's step opens: each page's own view (``seqviz.ui.widgets.<page>.page_view``) with
one tab or section, so a lesson shows exactly what the page shows, and the observation its event reads.

A view draws from the session's bound state (``seqviz.ui.url_state``), which the lesson page has preset from
the step's parameters under the ``v.`` scope of the URL. ``report`` receives the view's observation where
the view has it: for a training run that is inside the live fragment, so a "train until the loss is below
0.5" step completes while the curve is still being drawn.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from seqviz.lessons.schema import VIEWS, ViewSpec
from seqviz.ui.i18n import t

Report = Callable[[Any], None]  # receives an observation (seqviz.lessons.events)


def _gates(tab: str) -> Callable[[ViewSpec, Report], None]:
    def draw(spec: ViewSpec, report: Report) -> None:
        from seqviz.lessons.observe import gate_observation
        from seqviz.ui.widgets import gates

        drawn = gates.page_view(only=tab)
        if drawn is not None:
            view, chosen = drawn
            report(gate_observation(view, chosen.layer, chosen.direction, chosen.unit))

    return draw


def _attention(tab: str) -> Callable[[ViewSpec, Report], None]:
    def draw(spec: ViewSpec, report: Report) -> None:
        from seqviz.ui.widgets import attention

        attention.page_view(only=tab)

    return draw


def _decoding(tab: str) -> Callable[[ViewSpec, Report], None]:
    def draw(spec: ViewSpec, report: Report) -> None:
        from seqviz.lessons.observe import decoding_observation
        from seqviz.ui.widgets import decoding

        stepper = decoding.page_view(only=tab)
        if stepper is not None:
            report(decoding_observation(stepper))

    return draw


def _lm(section: str) -> Callable[[ViewSpec, Report], None]:
    def draw(spec: ViewSpec, report: Report) -> None:
        from seqviz.ui.widgets import lm

        lm.page_view(only=section)

    return draw


def _forecast(spec: ViewSpec, report: Report) -> None:
    from seqviz.ui.widgets import forecast

    forecast.page_view()


def _beam(spec: ViewSpec, report: Report) -> None:
    from seqviz.ui.widgets import beam

    beam.page_view()


def _bleu(spec: ViewSpec, report: Report) -> None:
    from seqviz.ui.widgets import bleu

    bleu.page_view(corpus=False)


def _train(spec: ViewSpec, report: Report) -> None:
    """A short live run of the step's model: a start button, the Train page's live view, and the
    observation of the shown run, reported inside a fragment that polls while the run goes on."""
    from seqviz.device import pick_device
    from seqviz.lessons.observe import training_observation
    from seqviz.lessons.trainer import lesson_training, training_run
    from seqviz.training.backends.registry import server_backend
    from seqviz.ui.errors import user_errors
    from seqviz.ui.training import active_run, session_runs, start_run
    from seqviz.ui.widgets import train as train_widgets

    with user_errors():
        settings = lesson_training(spec.params)
        st.caption(
            t(
                "lessons.train.settings",
                task=settings.task,
                cell=settings.cell.upper(),
                attention=settings.attention,
                hidden=settings.hidden,
                steps=settings.steps,
            )
        )
        busy = active_run() is not None
        if st.button(
            t("lessons.train.start"), key="lesson.train.start", type="primary", icon=":material/play_arrow:",
            disabled=busy,
        ):  # fmt: skip
            run = training_run(settings, pick_device().type, train_widgets.job_threads(), server_backend())
            entry = start_run(run)
            st.session_state[train_widgets.SHOWN_STATE] = entry.number
        shown = train_widgets.shown_run() if session_runs() else None
        if shown is None:  # nothing trained yet: the goal, not the Train page's hint about its settings form
            report(training_observation([], finished=False))
            return
        train_widgets.live_view()
        interval = train_widgets.poll_interval(shown.job.state) if shown.job.active else None

        @st.fragment(run_every=interval)
        def _progress() -> None:
            view = shown.run.view()
            report(training_observation(view.history, finished=not shown.job.active))

        _progress()


VIEW_DRAWERS: dict[str, Callable[[ViewSpec, Report], None]] = {
    "forecast": _forecast,
    **{f"gates.{tab}": _gates(tab) for tab in ("heatmaps", "step", "gradients", "units")},
    **{
        f"attention.{tab}": _attention(tab)
        for tab in ("alignment", "compare", "bottleneck", "scores", "copy", "attribution")
    },
    **{f"decoding.{tab}": _decoding(tab) for tab in ("stepper", "exposure")},
    "beam": _beam,
    "bleu": _bleu,
    **{f"lm.{section}": _lm(section) for section in ("strip", "sampling", "bptt", "connectivity")},
    "train": _train,
}
assert set(VIEW_DRAWERS) == set(VIEWS), "every view a lesson may name is drawn here, and only those"


def draw_view(spec: ViewSpec, report: Report) -> None:
    """Draw the step's live view; its observation goes to ``report`` (nothing for a view without events)."""
    VIEW_DRAWERS[spec.name](spec, report)
