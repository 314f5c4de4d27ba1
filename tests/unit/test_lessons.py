"""The lessons' core: every shipped lesson file reads, a bad file is one sentence naming its step, the views
a lesson may name are the pages' own, and events and measured answers read the live models truly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from seqviz.checkpoints.history import StepReport
from seqviz.checkpoints.store import load_checkpoint
from seqviz.lessons import LessonError, events, load_lesson, load_lessons, measures
from seqviz.lessons.events import DecodingObservation, GateObservation, TrainingObservation
from seqviz.lessons.observe import decoding_observation, gate_observation, training_observation
from seqviz.lessons.schema import VIEWS

ROOT = Path(__file__).resolve().parents[2]
CHECKPOINTS = ROOT / "checkpoints"
GOOD_STEP = """
[[steps]]
id = "first"
title = { en = "First", zh = "第一步" }
text = { en = "Some $x^2$ text.", zh = "一些 $x^2$ 文字。" }
view = { name = "attention.scores", ckpt = "reverse-lstm-bahdanau", text = "abc", t = 2 }
"""
HEADER = """
id = "demo"
title = { en = "Demo", zh = "演示" }
summary = { en = "A demo.", zh = "一个演示。" }
"""


def write(tmp_path: Path, body: str, name: str = "01_demo.toml") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------- shipped lessons


def test_every_shipped_lesson_reads_in_both_languages() -> None:
    library = load_lessons()
    assert library.problems == ()
    assert len(library.lessons) >= 6
    assert [lesson.number for lesson in library.lessons] == sorted(
        lesson.number for lesson in library.lessons
    )
    for lesson in library.lessons:
        for step in lesson.steps:
            for text in (step.title, step.text):
                assert text.en.strip() and text.zh.strip()
                assert re.search(r"[\u4e00-\u9fff]", text.zh), f"{lesson.id}/{step.id}: no Chinese in zh"


def test_every_shipped_lesson_names_shipped_checkpoints_and_has_a_question() -> None:
    shipped = {path.name for path in CHECKPOINTS.iterdir() if (path / "config.json").is_file()}
    for lesson in load_lessons().lessons:
        assert any(step.question is not None for step in lesson.steps), f"{lesson.id} asks nothing"
        for step in lesson.steps:
            if "ckpt" in step.view.params:
                assert step.view.params["ckpt"] in shipped, f"{lesson.id}/{step.id}"
            if step.question is not None and step.question.measure is not None:
                for name in step.question.measure.params.get("checkpoints", []):
                    assert name in shipped


def test_the_course_has_each_kind_of_event() -> None:
    used = {
        step.complete_when.event
        for lesson in load_lessons().lessons
        for step in lesson.steps
        if step.complete_when
    }
    assert used == set(events.EVENTS)


def test_every_view_parameter_is_one_its_page_binds_to_the_url() -> None:
    """A preset names the page's own URL parameter; a name no widget of the page reads would be ignored."""
    for name, (page, params) in VIEWS.items():
        if name == "train":
            continue  # the lesson's own trainer (seqviz.ui.lesson_views.train_settings)
        source = (ROOT / "seqviz" / "ui" / "widgets" / f"{page}.py").read_text(encoding="utf-8")
        source += (ROOT / "seqviz" / "ui" / "inputs.py").read_text(encoding="utf-8")
        source += (ROOT / "seqviz" / "ui" / "common.py").read_text(encoding="utf-8")
        for param in params:
            quoted = f'"{param}"'
            assert quoted in source or f"_QUERY = {quoted}" in source or f", {quoted}" in source, (
                name,
                param,
            )


# ----------------------------------------------------------------------------------------- bad files


def test_a_good_minimal_file_reads(tmp_path: Path) -> None:
    lesson = load_lesson(write(tmp_path, GOOD_STEP))
    assert lesson.id == "demo" and lesson.number == 1
    step = lesson.steps[0]
    assert step.view.page == "attention"
    assert dict(step.view.params) == {"ckpt": "reverse-lstm-bahdanau", "text": "abc", "t": "2"}
    assert step.question is None and step.complete_when is None


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            GOOD_STEP.replace('zh = "一些 $x^2$ 文字。"', 'zh = ""'),
            "step 1 ('first'): 'text' has no 'zh' text",
        ),
        (
            GOOD_STEP.replace("attention.scores", "attention.nope"),
            "step 1 ('first'): there is no view 'attention.nope'",
        ),
        (
            GOOD_STEP.replace("t = 2", "tt = 2"),
            "step 1 ('first'): the view 'attention.scores' has no parameter 'tt'",
        ),
        (GOOD_STEP.replace("$x^2$ text", "$x^2 text"), "step 1 ('first'): 'text': the 'en' text opens a $"),
        (GOOD_STEP + GOOD_STEP, "step 2 ('first'): another step already has the id 'first'"),
        (
            GOOD_STEP + '[steps.question]\nprompt = { en = "Q", zh = "问" }\n'
            'choices = [{ en = "a", zh = "甲" }, { en = "b", zh = "乙" }]\nanswer = 3\n'
            'reveal = { en = "R", zh = "答" }\n',
            "step 1 ('first'): the question's answer 3 is not one of its 2 choices",
        ),
        (
            GOOD_STEP + '[steps.complete_when]\nevent = "loss_below"\nthreshold = 0.5\n',
            "the event 'loss_below' happens in the view 'train', not in 'attention.scores'",
        ),
        (
            GOOD_STEP.replace("attention.scores", "train").replace(
                ', ckpt = "reverse-lstm-bahdanau", text = "abc", t = 2', ""
            )
            + '[steps.complete_when]\nevent = "loss_below"\nthreshold = -1\n',
            "'threshold' must lie between",
        ),
        (
            GOOD_STEP + '[steps.question]\nprompt = { en = "Q", zh = "问" }\n'
            'choices = [{ en = "a", zh = "甲" }, { en = "b", zh = "乙" }]\n'
            'measure = { name = "best_exact_match", checkpoints = ["x"], length = 12 }\n'
            'reveal = { en = "R", zh = "答" }\n',
            "1 checkpoints for 2 choices",
        ),
        (
            GOOD_STEP.replace('id = "first"', 'id = "First Step"'),
            "step 1 ('First Step'): 'id' must be lower-case",
        ),
        ('[[steps]]\nid = "x"\nsurprise = 1\n', "step 1 ('x'): unknown key 'surprise'"),
        ("steps = 3", "at least one [[steps]] table"),
    ],
)
def test_a_bad_file_is_one_sentence_naming_the_step(tmp_path: Path, body: str, expected: str) -> None:
    with pytest.raises(LessonError) as raised:
        load_lesson(write(tmp_path, body))
    message = str(raised.value)
    assert message.startswith("01_demo.toml")
    assert expected in message
    assert "\n" not in message


def test_a_broken_toml_file_names_the_line_and_hides_only_itself(tmp_path: Path) -> None:
    write(tmp_path, GOOD_STEP)
    (tmp_path / "02_broken.toml").write_text('id = "broken\n', encoding="utf-8")
    (tmp_path / "03_binary.toml").write_bytes(b"\xff\xfe\x00garbage")
    (tmp_path / "notes.toml").write_text(HEADER + GOOD_STEP, encoding="utf-8")
    (tmp_path / "04_huge.toml").write_bytes(b"#" * 600_000)
    library = load_lessons(tmp_path)
    assert [lesson.id for lesson in library.lessons] == ["demo"]
    joined = "\n".join(library.problems)
    assert "02_broken.toml: not valid TOML" in joined and "line 1" in joined
    assert "03_binary.toml: not UTF-8" in joined
    assert "notes.toml: a lesson file is named NN_name.toml" in joined
    assert "04_huge.toml: 600,000 bytes is too large" in joined


def test_two_files_with_one_id_keep_the_first(tmp_path: Path) -> None:
    write(tmp_path, GOOD_STEP, "01_a.toml")
    write(tmp_path, GOOD_STEP, "02_b.toml")
    library = load_lessons(tmp_path)
    assert len(library.lessons) == 1 and library.lessons[0].source == "01_a.toml"
    assert "02_b.toml: the lesson id 'demo' is already used" in library.problems[0]


def test_a_missing_folder_is_an_empty_library(tmp_path: Path) -> None:
    assert load_lessons(tmp_path / "absent").lessons == ()


# --------------------------------------------------------------------------------------------- events


def test_loss_below_reads_the_latest_loss_not_the_lowest() -> None:
    params = {"threshold": 0.5}
    assert not events.loss_below(TrainingObservation(()), params).done
    assert not events.loss_below(TrainingObservation((2.0, 0.4, 0.6)), params).done
    progress = events.loss_below(TrainingObservation((2.0, 0.6, 0.45)), params)
    assert progress.done and progress.value == 0.45 and progress.goal == 0.5


def test_forced_change_needs_a_different_continuation_not_just_the_forced_token() -> None:
    greedy = ("a", "b", "c", "<eos>")
    same_rest = DecodingObservation(greedy, ("a", "x", "c", "<eos>"), (1,))
    assert not events.forced_change(same_rest, {}).done
    steered = DecodingObservation(greedy, ("a", "x", "y", "z", "<eos>"), (1,))
    progress = events.forced_change(steered, {})
    assert progress.done and progress.count == 3
    assert not events.forced_change(DecodingObservation(greedy, greedy, ()), {}).done


def test_forget_gate_above_counts_the_units_that_would_do() -> None:
    forget = ((0.95, 0.2, 0.99), (0.91, 0.97, 0.98))
    params = {"threshold": 0.9}
    chosen_low = events.forget_gate_above(GateObservation(forget, 1), params)
    assert not chosen_low.done and chosen_low.count == 2 and chosen_low.value == 0.2
    assert events.forget_gate_above(GateObservation(forget, 2), params).done
    assert not events.forget_gate_above(GateObservation(None, 0), params).done  # a GRU has no forget gate
    assert not events.forget_gate_above(GateObservation(forget, 7), params).done


def test_a_real_forced_token_on_a_shipped_model_completes_the_step_only_if_it_steers() -> None:
    from seqviz.explain.decoding import replay

    checkpoint = load_checkpoint(CHECKPOINTS / "reverse-lstm-bahdanau")
    free = replay(checkpoint, "abcdef", {}, 100)
    assert not events.forced_change(decoding_observation(free), {}).done
    vocab = free.vocab
    # 'a' first: the model writes e d c b a after it as before, so only the forced position changed
    same_rest = decoding_observation(replay(checkpoint, "abcdef", {1: vocab.id_of("a")}, 1))
    assert same_rest.greedy[:6] == tuple("fedcba") and same_rest.forced_positions == (0,)
    assert same_rest.forced_output[1:] == same_rest.greedy[1:]
    assert not events.forced_change(same_rest, {}).done

    def steers(token: str) -> bool:
        forced = replay(checkpoint, "abcdef", {2: vocab.id_of(token)}, 2)
        return events.forced_change(decoding_observation(forced), {}).done

    steered = [token for token in "abcdefghijklmnopqrstuvwxyz" if steers(token)]
    assert steered, "no second letter steers the rest of the reversal"


def test_the_gate_observation_is_the_traced_forget_gate() -> None:
    from seqviz.explain.gates import gate_view

    checkpoint = load_checkpoint(CHECKPOINTS / "reverse-lstm-bahdanau")
    view = gate_view(checkpoint, "abcdef", "encoder")
    observation = gate_observation(view, 0, 0, 3)
    forget = view.layer(0, 0).gates["forget"][0]
    assert len(observation.forget) == forget.shape[0]
    assert observation.forget[2][3] == pytest.approx(float(forget[2, 3]), abs=1e-6)
    gru = gate_view(load_checkpoint(CHECKPOINTS / "reverse-gru-luong-general"), "abcdef", "encoder")
    assert gate_observation(gru, 0, 0, 0).forget is None


def test_a_short_real_training_run_completes_the_loss_step() -> None:
    """The event reads a real run's history: the shipped lesson's own training step, trained on the CPU,
    gets below its goal, and its first reports do not."""
    from seqviz.lessons.trainer import lesson_training, training_run

    step = next(
        step for lesson in load_lessons().lessons for step in lesson.steps
        if step.complete_when is not None and step.complete_when.event == "loss_below"
    )  # fmt: skip
    run = training_run(lesson_training(step.view.params), "cpu", threads=1)
    run.run()
    history = run.view().history
    progress = events.loss_below(training_observation(history, finished=True), step.complete_when.params)
    assert progress.done, f"latest loss {history[-1].loss:.3f}"
    early = training_observation(history[:1], finished=False)
    assert not events.loss_below(early, step.complete_when.params).done
    assert training_observation([StepReport(1, 2.0)], False).losses == (2.0,)


# ------------------------------------------------------------------------------------------- measures


def test_best_exact_match_is_what_the_bottleneck_measurement_says() -> None:
    from seqviz.explain.bottleneck import exact_match_by_length, letter_examples

    names = ["reverse-lstm-none", "reverse-lstm-bahdanau"]
    checkpoints = {name: load_checkpoint(CHECKPOINTS / name) for name in names}
    result = measures.compute(
        "best_exact_match", {"checkpoints": names, "length": 8, "examples": 20}, checkpoints.get
    )
    examples = letter_examples("reverse", [8], 20)
    expected = tuple(exact_match_by_length(checkpoints[name], examples)[0].exact_match for name in names)
    assert result.values == expected and result.examples == 20
    assert result.right == frozenset(i for i, value in enumerate(expected) if value == max(expected))


def test_best_exact_match_refuses_models_of_different_tasks() -> None:
    from seqviz.errors import InputError

    names = ["reverse-lstm-bahdanau", "dates-lstm-bahdanau"]
    with pytest.raises(InputError, match="different tasks"):
        measures.compute(
            "best_exact_match",
            {"checkpoints": names, "length": 8},
            lambda n: load_checkpoint(CHECKPOINTS / n),
        )
