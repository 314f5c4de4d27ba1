"""The Lessons page: a lesson's steps one at a time, each a short text beside a live view, driven by buttons,
the keyboard (→ ← and a clicker's Page Down / Page Up; ``p`` for presentation mode) or a link.

Where a lesson is: ``?lesson=<id>&step=<n>`` (the step counted from 1), kept in session state and written
back on every run. The view's own state lives under ``?v.<name>=`` (``seqviz.ui.url_state``'s query scope),
so a link reproduces the step *and* what the student did in its view. Moving to a step forgets the view
page's session state and presets it from the step (``enter_step``), as if the link were opened afresh.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from seqviz.errors import SeqvizError
from seqviz.lessons import events, measures
from seqviz.lessons.loader import LessonLibrary, load_lessons
from seqviz.lessons.schema import VIEWS, Lesson, Step
from seqviz.ui.common import CHECKPOINT_STATE, DEFAULT_CHECKPOINT, presentation_mode, toggle_presentation
from seqviz.ui.errors import show_error, user_errors
from seqviz.ui.i18n import current_language, t
from seqviz.ui.lesson_views import draw_view
from seqviz.ui.navigation import PAGES
from seqviz.ui.plain import plain
from seqviz.ui.url_state import QUERY_SCOPE_STATE

VIEW_SCOPE = "v."  # the view's parameters in the lesson's URL: ?v.text=abc
LESSON_QUERY, STEP_QUERY = "lesson", "step"
LESSON_STATE, STEP_STATE = "lessons.lesson", "lessons.step"
_ANSWER_PREFIX = "lessons.answer."  # + lesson id + "." + step id: the student's choice (a choice number)
_DONE_PREFIX = "lessons.done."  # + lesson id + "." + step id: True once the step's event has happened
_SHARED_NAMESPACES = ("model",)  # the session's checkpoint choice: every model view reads it
# The lesson's trainer takes its settings from the step, not from the Train page's state, which holds the
# session's runs (a run going on included): entering a training step must not forget them.
_UNPRESET_PAGES = ("train",)


@st.cache_resource(show_spinner=False, ttl=30)
def lesson_library() -> LessonLibrary:
    """Every lesson file, read again at most every 30 s: a lecturer who edits a step sees it on the next
    step change without restarting the server."""
    return load_lessons()


# ------------------------------------------------------------------------------------------ position


def _clamped(library: LessonLibrary, lesson_id: str | None, number: Any) -> tuple[Lesson, int]:
    lesson = library.find(lesson_id or "") or library.lessons[0]
    try:
        step = int(number)
    except (TypeError, ValueError):
        step = 1
    return lesson, min(max(step, 1), len(lesson.steps))


def current_position(library: LessonLibrary) -> tuple[Lesson, int]:
    """The session's lesson and step (1-based); on its first run the URL's, usable or not (an unknown
    lesson opens the first one; a step past the end the last one)."""
    if LESSON_STATE not in st.session_state:
        lesson, number = _clamped(library, st.query_params.get(LESSON_QUERY), st.query_params.get(STEP_QUERY))
        keep_view_state = any(key.startswith(VIEW_SCOPE) for key in st.query_params)
        enter_step(lesson, number, preset=not keep_view_state)
    return _clamped(library, st.session_state[LESSON_STATE], st.session_state[STEP_STATE])


def enter_step(lesson: Lesson, number: int, *, preset: bool = True) -> None:
    """Make step ``number`` of ``lesson`` the session's: the URL says so, the view's page starts afresh
    and reads the step's presets (``preset=False``: the URL's own view state, a link being opened).

    Runs as a button's or a key's callback, before the next run draws anything: the view's widgets then
    read their values from the URL as on a session's first run."""
    st.session_state[LESSON_STATE], st.session_state[STEP_STATE] = lesson.id, number
    step = lesson.steps[number - 1]
    if step.view.page not in _UNPRESET_PAGES:
        _forget_page_state((step.view.page, *_SHARED_NAMESPACES))
    st.session_state[QUERY_SCOPE_STATE] = VIEW_SCOPE
    if preset:
        for key in [key for key in st.query_params if key.startswith(VIEW_SCOPE)]:
            del st.query_params[key]
        for key, value in step.view.params.items():
            st.query_params[f"{VIEW_SCOPE}{key}"] = value
    _write_position()


def _write_position() -> None:
    lesson, step = st.session_state[LESSON_STATE], str(st.session_state[STEP_STATE])
    if st.query_params.get(LESSON_QUERY) != lesson:
        st.query_params[LESSON_QUERY] = lesson
    if st.query_params.get(STEP_QUERY) != step:
        st.query_params[STEP_QUERY] = step


def _forget_page_state(namespaces: tuple[str, ...]) -> None:
    """Drop every session value of these pages (``"gates.step"``, its widget ``"_url.gates.step"``, the
    examples pills ``"_gates.examples"``): the page then starts as in a new session."""
    for key in list(st.session_state):
        name = str(key).removeprefix("_url.").removeprefix("_")
        if name.split(".", 1)[0] in namespaces:
            del st.session_state[key]


def move(library: LessonLibrary, delta: int) -> None:
    """Go ``delta`` steps on (negative: back), across into the next or previous lesson at either end."""
    lesson, number = _clamped(library, st.session_state.get(LESSON_STATE), st.session_state.get(STEP_STATE))
    target = number + delta
    index = library.lessons.index(lesson)
    if target < 1 and index > 0:
        lesson = library.lessons[index - 1]
        target = len(lesson.steps)
    elif target > len(lesson.steps) and index + 1 < len(library.lessons):
        lesson, target = library.lessons[index + 1], 1
    target = min(max(target, 1), len(lesson.steps))
    if (lesson.id, target) != (st.session_state.get(LESSON_STATE), st.session_state.get(STEP_STATE)):
        enter_step(lesson, target)


def on_key(command: str | None) -> None:
    """What a key press does (``seqviz.ui.lesson_keys``): → / Page Down on, ← / Page Up back, p toggles
    presentation mode."""
    from seqviz.ui.lesson_keys import NEXT, PRESENT, PREVIOUS

    if command == NEXT:
        move(lesson_library(), 1)
    elif command == PREVIOUS:
        move(lesson_library(), -1)
    elif command == PRESENT:
        toggle_presentation()


# --------------------------------------------------------------------------------------------- layout


def navigation(library: LessonLibrary, lesson: Lesson, number: int) -> None:
    """The lesson picker, where the step is, and back / next (the keys do the same)."""
    lang = current_language()
    by_id = {item.id: item for item in library.lessons}

    def pick_lesson() -> None:
        chosen = by_id.get(st.session_state.get("_lessons.picker", ""))
        if chosen is not None:
            enter_step(chosen, 1)

    st.session_state["_lessons.picker"] = lesson.id
    picker, back, where, forward = st.columns([4, 1.3, 2.2, 1.3], vertical_alignment="bottom")
    picker.selectbox(
        t("lessons.pick"),
        list(by_id),
        format_func=lambda lesson_id: f"{by_id[lesson_id].number}. {by_id[lesson_id].title.get(lang)}",
        key="_lessons.picker",
        on_change=pick_lesson,
    )
    first = library.lessons.index(lesson) == 0 and number == 1
    last = library.lessons.index(lesson) == len(library.lessons) - 1 and number == len(lesson.steps)
    back.button(
        t("lessons.back"), key="lessons.back", icon=":material/arrow_back:", disabled=first,
        on_click=move, args=(library, -1), help=t("lessons.keys_help"), width="stretch",
    )  # fmt: skip
    where.progress(number / len(lesson.steps), text=t("lessons.where", step=number, steps=len(lesson.steps)))
    forward.button(
        t("lessons.next"), key="lessons.next", icon=":material/arrow_forward:", type="primary",
        disabled=last, on_click=move, args=(library, 1), help=t("lessons.keys_help"), width="stretch",
    )  # fmt: skip


def step_text(lesson: Lesson, number: int) -> None:
    """The step's title, its explanation (Markdown with LaTeX, written by the course's authors) and its
    "try this" prompt."""
    lang = current_language()
    step = lesson.steps[number - 1]
    st.subheader(f"{number}. {step.title.get(lang)}")
    st.markdown(step.text.get(lang))
    if step.try_this is not None:
        st.info(step.try_this.get(lang), icon=":material/touch_app:")


def question(lesson: Lesson, step: Step) -> bool:
    """The step's predict-then-reveal question: the choices first, the answer (and the live view) only
    once the student has chosen. Returns whether the view may be shown."""
    if step.question is None:
        return True
    lang = current_language()
    asked = step.question
    key = f"{_ANSWER_PREFIX}{lesson.id}.{step.id}"
    if presentation_mode():
        st.html(_QUESTION_CSS)
    with st.container(border=True, key="lesson-question"):
        chosen = st.radio(
            asked.prompt.get(lang),
            list(range(len(asked.choices))),
            format_func=lambda i: asked.choices[i].get(lang),
            index=None,
            key=key,
        )
        if chosen is None:
            st.caption(t("lessons.predict_first"))
            return False
        right = _right_choices(asked)
        if right is None:
            return True  # the measurement failed and said why; the view still shows the evidence
        if chosen in right:
            st.success(t("lessons.right"), icon=":material/check_circle:")
        else:
            answers = " / ".join(asked.choices[i].get(lang) for i in sorted(right))
            st.warning(t("lessons.wrong", answer=answers), icon=":material/lightbulb:")
        st.markdown(asked.reveal.get(lang))
    return True


# On a projector the question and its choices are read from the back of the hall: body-text size at least.
_QUESTION_CSS = """
<style>
.st-key-lesson-question [data-testid="stWidgetLabel"] p,
.st-key-lesson-question [role="radiogroup"] p { font-size: 1.25rem; line-height: 1.5; }
</style>
"""


def _right_choices(asked: Any) -> frozenset[int] | None:
    if asked.measure is None:
        return frozenset({asked.answer})
    params = dict(asked.measure.params)
    with st.spinner(t("lessons.measuring")):
        try:
            result = _measured(asked.measure.name, _frozen(params))
        except SeqvizError as exc:
            show_error(exc)
            return None
    lang = current_language()
    rows = {
        t("lessons.measure.choice"): [choice.get(lang) for choice in asked.choices],
        t("lessons.measure.value"): [f"{value:.1%}" for value in result.values],
    }
    st.dataframe(rows, hide_index=True)
    st.caption(t("lessons.measure.caption", examples=result.examples))
    return result.right


def _frozen(params: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    return tuple(
        sorted((key, tuple(value) if isinstance(value, list) else value) for key, value in params.items())
    )


@st.cache_data(show_spinner=False, max_entries=64)
def _measured(name: str, params: tuple[tuple[str, Any], ...]) -> measures.MeasureResult:
    """A measured answer, once per server for every student: the lesson names shipped models, so no
    session's own checkpoints take part (and the cache is the same for all)."""
    from seqviz.checkpoints.store import checkpoint_root, list_checkpoints
    from seqviz.errors import CheckpointError
    from seqviz.ui.checkpoint_cache import load_cached_checkpoint

    paths = {info.name: info.path for info in list_checkpoints(checkpoint_root())}

    def load(checkpoint: str) -> Any:
        if checkpoint not in paths:
            raise CheckpointError(f"the lesson measures the model {checkpoint!r}, which is not shipped here")
        return load_cached_checkpoint(paths[checkpoint])

    unfrozen = {key: list(value) if isinstance(value, tuple) else value for key, value in params}
    return measures.compute(name, unfrozen, load)


def live_view(lesson: Lesson, number: int) -> None:
    """The step's view, with the event that completes it (if any) reported where the view observes it."""
    step = lesson.steps[number - 1]
    done_key = f"{_DONE_PREFIX}{lesson.id}.{step.id}"

    def report(observation: Any) -> None:
        if step.complete_when is None:
            return
        progress = events.evaluate(step.complete_when.event, observation, step.complete_when.params)
        if progress.done:
            st.session_state[done_key] = True
        _say_progress(step.complete_when.event, progress, bool(st.session_state.get(done_key)))

    with user_errors():
        draw_view(step.view, report)


def _say_progress(event: str, progress: events.EventProgress, done: bool) -> None:
    numbers = {
        "value": "–" if progress.value is None else f"{progress.value:.3f}",
        "goal": "–" if progress.goal is None else f"{progress.goal:g}",
        "count": progress.count if progress.count is not None else 0,
    }
    if done:
        st.success(t(f"lessons.event.{event}.done", **numbers), icon=":material/task_alt:")
    else:
        st.info(t(f"lessons.event.{event}.todo", **numbers), icon=":material/flag:")


def open_on_page(step: Step) -> None:
    """A link to the view's own page with the step's state, for the full page's other tabs and controls."""
    page = next((page for page in PAGES if page.key == step.view.page), None)
    if page is None or step.view.name == "train":  # the Train page has no preset: its form is its own
        return
    params: dict[str, str] = {"lang": current_language()}
    for key, value in st.query_params.items():
        if key.startswith(VIEW_SCOPE):
            params[key.removeprefix(VIEW_SCOPE)] = value
    if presentation_mode():
        params["present"] = "1"
    if step.view.page in {"gates", "attention", "decoding"} and "." in step.view.name:
        params["tab"] = step.view.name.split(".", 1)[1]
    if "ckpt" in VIEWS[step.view.name][1]:
        params.setdefault("ckpt", st.session_state.get(CHECKPOINT_STATE) or DEFAULT_CHECKPOINT)
    st.page_link(page.path, label=t("lessons.open_page", page=t(page.title_key)), icon=page.icon,
                 query_params=params)  # fmt: skip


def problems(library: LessonLibrary) -> None:
    """Lesson files that could not be read, one sentence each (the lecturer fixes the file)."""
    for problem in library.problems:
        st.warning(t("lessons.bad_file", problem=plain(problem)), icon=":material/error:")
