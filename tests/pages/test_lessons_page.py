"""The Lessons page under AppTest: every step of every lesson runs and draws its view (in Chinese, one step
per view), questions keep their answer (and the view) until a choice is made, a step's URL reproduces it,
moving on presets the next view, and event steps complete on the model's doing."""

from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest

from seqviz.lessons import load_lessons
from seqviz.ui.i18n import t
from tests.pages.test_zh_pages import assert_chinese
from tests.support.apptest import click, open_page, texts

PAGE = "pages/0_Lessons.py"
LESSONS = load_lessons().lessons
STEPS = [(lesson, number) for lesson in LESSONS for number in range(1, len(lesson.steps) + 1)]


# the views that wait for a button before they draw (NO_CHART_ON_ARRIVAL): the button's label
BUTTON_FIRST = {"lm.bptt": "lm.bptt_train", "attention.bottleneck": "attention.bottleneck_run"}


def charts(at: AppTest) -> int:
    return len(at.get("plotly_chart")) + len(at.get("vega_lite_chart"))


def view_drawn(at: AppTest, view: str, lang: str = "en") -> bool:
    """The step's live view is on the page: its chart, or for the views without one on first sight their
    main content (BLEU's typeset formulas, the trainers' start buttons: ``NO_CHART_ON_ARRIVAL``)."""
    if view == "bleu":
        return len(at.get("latex")) >= 2
    if view == "train":
        return any(button.label == t("lessons.train.start", lang=lang) for button in at.button)
    if view in BUTTON_FIRST:
        return any(button.label == t(BUTTON_FIRST[view], lang=lang) for button in at.button)
    return charts(at) > 0


def step_id(item: tuple) -> str:
    lesson, number = item
    return f"{lesson.id}-{number}"


def first_step_of_each_view() -> list[tuple]:
    """In Chinese, one step per view the lessons open: each view's labels are the page's own (checked in
    Chinese here once per view), and every step's prose in both languages is required by the loader."""
    seen: dict[str, tuple] = {}
    for lesson, number in STEPS:
        seen.setdefault(lesson.steps[number - 1].view.name, (lesson, number))
    return list(seen.values())


WALK = [(item, "en") for item in STEPS] + [(item, "zh") for item in first_step_of_each_view()]


@pytest.mark.parametrize(("item", "lang"), WALK, ids=[f"{step_id(item)}-{lang}" for item, lang in WALK])
def test_every_step_runs_and_draws_its_view(item: tuple, lang: str) -> None:
    lesson, number = item
    step = lesson.steps[number - 1]
    at = open_page(PAGE, lesson=lesson.id, step=str(number), lang=lang)
    shown = texts(at)
    assert step.title.get(lang) in "\n".join(str(h.value) for h in at.subheader)
    assert not at.error, [e.value for e in at.error]
    if step.question is not None:
        assert not view_drawn(at, step.view.name, lang) or step.view.name == "train", (
            "the view shows before a choice"
        )
        assert step.question.reveal.get(lang) not in shown
        assert t("lessons.predict_first", lang=lang) in shown
        at.radio[0].set_value(0).run()
        assert not at.exception, at.exception
        assert step.question.reveal.get(lang) in texts(at)
    assert view_drawn(at, step.view.name, lang), f"{lesson.id} step {number}: {step.view.name} drew nothing"
    assert not at.exception
    if lang == "zh":  # the lesson's prose and the view's labels alike; the preset input is data
        assert_chinese(at, ignore=step.view.params.get("text"))


def test_the_first_visit_presets_the_view_from_the_step() -> None:
    lesson = LESSONS[0]
    at = open_page(PAGE, lesson=lesson.id, step="1")
    for key, value in lesson.steps[0].view.params.items():
        assert at.query_params[f"v.{key}"] == value
    assert at.query_params["lesson"] == lesson.id and at.query_params["step"] == "1"


def test_next_and_back_move_through_the_lesson_and_preset_each_view() -> None:
    lesson = next(lesson for lesson in LESSONS if len(lesson.steps) >= 3)
    at = open_page(PAGE, lesson=lesson.id, step="1")
    click(at, "lessons.next")
    assert at.query_params["step"] == "2"
    second = lesson.steps[1]
    for key, value in second.view.params.items():
        assert at.query_params[f"v.{key}"] == value
    assert second.title.en in "\n".join(str(h.value) for h in at.subheader)
    click(at, "lessons.back")
    assert at.query_params["step"] == "1"


def test_next_at_a_lessons_end_opens_the_next_lesson() -> None:
    lesson, following = LESSONS[0], LESSONS[1]
    at = open_page(PAGE, lesson=lesson.id, step=str(len(lesson.steps)))
    click(at, "lessons.next")
    assert at.query_params["lesson"] == following.id and at.query_params["step"] == "1"


def test_a_link_with_view_state_keeps_it() -> None:
    """A student's link carries what they did in the view (``v.text``): it opens on that, not the preset."""
    lesson, number = next(
        (lesson, i) for lesson in LESSONS for i, step in enumerate(lesson.steps, 1)
        if step.view.page == "attention" and step.view.params.get("ckpt", "").startswith("reverse")
    )  # fmt: skip
    at = open_page(PAGE, lesson=lesson.id, step=str(number), **{"v.text": "hgfe"})
    _answer_if_asked(at, lesson, number)
    assert at.query_params["v.text"] == "hgfe"
    assert any(box.value == "hgfe" for box in at.text_input)


@pytest.mark.parametrize(("lesson_id", "step"), [("no-such-lesson", "1"), ("", "x"), ("🙂", "-3")])
def test_a_bad_link_opens_a_real_step(lesson_id: str, step: str) -> None:
    at = open_page(PAGE, lesson=lesson_id, step=step)
    assert at.query_params["lesson"] == LESSONS[0].id and at.query_params["step"] == "1"


def test_a_step_past_the_end_opens_the_last_step() -> None:
    lesson = LESSONS[0]
    at = open_page(PAGE, lesson=lesson.id, step="999")
    assert at.query_params["step"] == str(len(lesson.steps))


def test_the_view_state_of_the_lesson_does_not_take_the_pages_own_url_names() -> None:
    """The beam page's ``?step=`` is the lesson's step here: the view's is ``?v.step=``."""
    lesson, number = next(
        (lesson, i)
        for lesson in LESSONS
        for i, step in enumerate(lesson.steps, 1)
        if step.view.name == "beam"
    )
    at = open_page(PAGE, lesson=lesson.id, step=str(number))
    if lesson.steps[number - 1].question is not None:
        at.radio[0].set_value(0).run()
    assert at.query_params["step"] == str(number)
    assert "v.step" in at.query_params or "v.k" in at.query_params


def _event_step(event: str) -> tuple:
    return next(
        (lesson, i) for lesson in LESSONS for i, step in enumerate(lesson.steps, 1)
        if step.complete_when is not None and step.complete_when.event == event
    )  # fmt: skip


def _answer_if_asked(at: AppTest, lesson, number: int) -> None:
    if lesson.steps[number - 1].question is not None:
        at.radio[0].set_value(0).run()
        assert not at.exception


def test_the_forget_gate_step_completes_when_a_qualifying_unit_is_chosen() -> None:
    from seqviz.checkpoints.store import load_checkpoint
    from seqviz.explain.gates import gate_view
    from seqviz.lessons.observe import gate_observation
    from seqviz.ui.widgets.lessons import VIEW_SCOPE

    lesson, number = _event_step("forget_gate_above")
    step = lesson.steps[number - 1]
    at = open_page(PAGE, lesson=lesson.id, step=str(number))
    _answer_if_asked(at, lesson, number)
    shown = texts(at)
    assert "lessons.event" not in shown
    params = dict(step.view.params)
    view = gate_view(
        load_checkpoint(f"checkpoints/{params['ckpt']}"), params["text"], params.get("part", "encoder")
    )
    threshold = step.complete_when.params["threshold"]
    lowest = [min(row[u] for row in gate_observation(view, 0, 0, 0).forget) for u in range(view.hidden_size)]
    good = next(u for u, value in enumerate(lowest) if value > threshold)
    bad = next(u for u, value in enumerate(lowest) if value <= threshold)
    at = open_page(PAGE, lesson=lesson.id, step=str(number), **{f"{VIEW_SCOPE}unit": str(bad),
                   **{f"{VIEW_SCOPE}{k}": v for k, v in params.items() if k != "unit"}})  # fmt: skip
    _answer_if_asked(at, lesson, number)
    assert [s for s in at.success if "forget" in str(s.value) or "遗忘门" in str(s.value)] == []
    at = open_page(PAGE, lesson=lesson.id, step=str(number), **{f"{VIEW_SCOPE}unit": str(good),
                   **{f"{VIEW_SCOPE}{k}": v for k, v in params.items() if k != "unit"}})  # fmt: skip
    _answer_if_asked(at, lesson, number)
    done = t(
        "lessons.event.forget_gate_above.done", goal=f"{threshold:g}", value=f"{lowest[good]:.3f}", count=0
    )
    assert done in texts(at), texts(at)


def test_the_training_step_completes_when_a_real_run_gets_below_the_goal() -> None:
    lesson, number = _event_step("loss_below")
    at = open_page(PAGE, lesson=lesson.id, step=str(number))
    _answer_if_asked(at, lesson, number)
    todo_start = t("lessons.event.loss_below.todo").split("{")[0]
    assert todo_start in texts(at)
    start = next(button for button in at.button if button.label == t("lessons.train.start"))
    start.click().run()
    assert not at.exception, at.exception
    from seqviz.ui.training import RUNS_STATE

    runs = at.session_state[RUNS_STATE]
    deadline = time.monotonic() + 600
    while runs[-1].job.active and time.monotonic() < deadline:
        time.sleep(1)
    assert not runs[-1].job.active, "the lesson's run did not finish in 10 minutes"
    at.run()
    assert not at.exception, at.exception
    done_start = t("lessons.event.loss_below.done").split("{")[0]
    assert done_start in texts(at), texts(at)
    # leaving the step and coming back keeps the session's runs (the Train page's state is not preset)
    click(at, "lessons.back")
    click(at, "lessons.next")
    _answer_if_asked(at, lesson, number)  # Streamlit forgets a widget's value once it was not drawn
    assert at.session_state[RUNS_STATE] == runs and done_start in texts(at)


def test_the_forced_token_step_completes_when_the_rest_of_the_output_changes() -> None:
    """The stepper's own URL state (``force``) drives the event: a forced token that only replaces itself
    leaves the step open, one that steers the continuation completes it."""
    from seqviz.checkpoints.store import load_checkpoint
    from seqviz.explain.decoding import encode_forced, replay
    from seqviz.lessons import events
    from seqviz.lessons.observe import decoding_observation

    lesson, number = _event_step("forced_change")
    params = dict(lesson.steps[number - 1].view.params)
    checkpoint = load_checkpoint(f"checkpoints/{params['ckpt']}")
    greedy = replay(checkpoint, params["text"], {}, 100)
    tokens = greedy.vocab.to_json()
    steering = None
    for position in range(1, min(4, len(greedy.steps)) + 1):
        for token_id in range(4, len(tokens)):  # past the special tokens
            forced = {position: token_id}
            if token_id == greedy.steps[position - 1].chosen_id:
                continue
            observation = decoding_observation(replay(checkpoint, params["text"], forced, position))
            if events.forced_change(observation, {}).done:
                steering = forced
                break
        if steering:
            break
    assert steering is not None, "no forced token steers this model's output: the step cannot be done"
    view = {f"v.{key}": value for key, value in params.items()}
    at = open_page(PAGE, lesson=lesson.id, step=str(number), **view)
    _answer_if_asked(at, lesson, number)
    todo = t("lessons.event.forced_change.todo")
    assert todo in texts(at)
    view |= {"v.force": encode_forced(steering, tokens), "v.step": str(max(steering))}
    at = open_page(PAGE, lesson=lesson.id, step=str(number), **view)
    _answer_if_asked(at, lesson, number)
    assert t("lessons.event.forced_change.done", count=0).split("{")[0][:20] in texts(at), texts(at)
