"""Read lesson files and check every part of them, so a lecturer's typo is one clear sentence, not a page
that breaks in front of a hall.

A lesson is one TOML file in ``lessons/`` named ``NN_name.toml`` (``NN`` orders the course). Both languages
sit side by side in every piece of prose (``title = { en = "...", zh = "..." }``). A step::

    [[steps]]
    id = "additive-score"                        # unique in the lesson; letters, digits, "-"
    title = { en = "Bahdanau's score", zh = "Bahdanau 的打分" }
    text.en = "...$e_{tj} = v^\\top \\tanh(W s_{t-1} + U h_j)$..."
    text.zh = "..."
    try = { en = "Type a longer word.", zh = "输入一个更长的词。" }      # optional
    view = { name = "attention.scores", ckpt = "reverse-lstm-bahdanau", text = "abcdef", t = 3 }

    [steps.question]                              # optional: predict, then reveal
    prompt = { en = "...", zh = "..." }
    choices = [ { en = "...", zh = "..." }, { en = "...", zh = "..." } ]
    answer = 2                                    # the right choice, counted from 1 ...
    # measure = { name = "best_exact_match", checkpoints = ["a", "b"], length = 12 }  # ... or the models say
    reveal = { en = "...", zh = "..." }

    [steps.complete_when]                         # optional: a model event completes the step
    event = "loss_below"
    threshold = 0.5

The view's other keys are the page's own URL parameters (``seqviz.lessons.schema.VIEWS``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import tomllib

from seqviz.lessons import events, measures
from seqviz.lessons.schema import (
    LANGUAGES,
    VIEWS,
    Completion,
    Lesson,
    LessonError,
    MeasureSpec,
    Question,
    Step,
    Text,
    ViewSpec,
)

LESSONS_DIR = Path(__file__).resolve().parents[2] / "lessons"
FILE_NAME = re.compile(r"^(\d{1,3})_[A-Za-z0-9_-]+\.toml$")
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
MAX_FILE_BYTES = 512 * 1024  # a lesson is prose; a file past this is a mistake, and is never parsed
MAX_STEPS = 60
MAX_TEXT_CHARS = 8000  # one step's explanation: a few paragraphs
MAX_CHOICES = 8
MAX_PARAM_CHARS = 2000  # a view's preset value (a reference sentence at most)

_LESSON_KEYS = {"id", "title", "summary", "steps"}
_STEP_KEYS = {"id", "title", "text", "try", "view", "question", "complete_when"}
_QUESTION_KEYS = {"prompt", "choices", "answer", "measure", "reveal"}


@dataclass(frozen=True)
class LessonLibrary:
    """Every lesson that could be read, in course order, and one sentence per file that could not: a bad
    file hides itself, never the rest of the course."""

    lessons: tuple[Lesson, ...]
    problems: tuple[str, ...]

    def find(self, lesson_id: str) -> Lesson | None:
        return next((lesson for lesson in self.lessons if lesson.id == lesson_id), None)


def load_lessons(folder: Path = LESSONS_DIR) -> LessonLibrary:
    """Read every ``NN_name.toml`` in ``folder``. Two files with the same lesson id: the later is refused."""
    lessons: list[Lesson] = []
    problems: list[str] = []
    paths = sorted(folder.glob("*.toml")) if folder.is_dir() else []
    for path in paths:
        try:
            lesson = load_lesson(path)
        except LessonError as exc:
            problems.append(str(exc))
            continue
        if any(other.id == lesson.id for other in lessons):
            problems.append(f"{path.name}: the lesson id {lesson.id!r} is already used by another file")
            continue
        lessons.append(lesson)
    lessons.sort(key=lambda lesson: (lesson.number, lesson.id))
    return LessonLibrary(tuple(lessons), tuple(problems))


def load_lesson(path: Path) -> Lesson:
    """Read and check one lesson file; raises ``LessonError`` naming the file and, when it is a step's
    fault, the step (its id, or its number when it has none)."""
    name = path.name
    match = FILE_NAME.match(name)
    if match is None:
        raise LessonError(f"{name}: a lesson file is named NN_name.toml (NN orders the course)")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise LessonError(f"{name}: {size:,} bytes is too large for a lesson (limit {MAX_FILE_BYTES:,})")
        raw = path.read_bytes().decode("utf-8")
        data = tomllib.loads(raw)
    except UnicodeDecodeError as exc:
        raise LessonError(f"{name}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise LessonError(f"{name}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise LessonError(f"{name}: cannot be read: {exc.strerror or exc}") from None
    return parse_lesson(data, name, int(match.group(1)))


def parse_lesson(data: Mapping[str, Any], source: str, number: int) -> Lesson:
    """A lesson from a parsed TOML document (``source`` names it in messages)."""
    _no_unknown_keys(data, _LESSON_KEYS, source)
    lesson_id = data.get("id")
    if not isinstance(lesson_id, str) or not ID_PATTERN.match(lesson_id):
        raise LessonError(f"{source}: 'id' must be lower-case letters, digits and '-' (got {lesson_id!r})")
    title = _text(data.get("title"), f"{source}: 'title'")
    summary = _text(data.get("summary"), f"{source}: 'summary'")
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise LessonError(f"{source}: a lesson needs at least one [[steps]] table")
    if len(raw_steps) > MAX_STEPS:
        raise LessonError(f"{source}: {len(raw_steps)} steps is too many for one lesson (limit {MAX_STEPS})")
    steps: list[Step] = []
    for number_in_lesson, raw in enumerate(raw_steps, start=1):
        where = _step_name(source, raw, number_in_lesson)
        step = _step(raw, where)
        if any(other.id == step.id for other in steps):
            raise LessonError(f"{where}: another step already has the id {step.id!r}")
        steps.append(step)
    return Lesson(lesson_id, number, title, summary, tuple(steps), source)


def _step_name(source: str, raw: Any, number: int) -> str:
    step_id = raw.get("id") if isinstance(raw, Mapping) else None
    return (
        f"{source}, step {number} ({step_id!r})" if isinstance(step_id, str) else f"{source}, step {number}"
    )


def _step(raw: Any, where: str) -> Step:
    if not isinstance(raw, Mapping):
        raise LessonError(f"{where}: a step is a table of keys")
    _no_unknown_keys(raw, _STEP_KEYS, where)
    step_id = raw.get("id")
    if not isinstance(step_id, str) or not ID_PATTERN.match(step_id):
        raise LessonError(f"{where}: 'id' must be lower-case letters, digits and '-' (got {step_id!r})")
    try_this = _text(raw["try"], f"{where}: 'try'") if "try" in raw else None
    question = _question(raw["question"], where) if "question" in raw else None
    complete_when = _completion(raw["complete_when"], where) if "complete_when" in raw else None
    view = _view(raw.get("view"), where)
    if complete_when is not None:
        needed = events.EVENTS[complete_when.event].views
        if view.name not in needed:
            raise LessonError(
                f"{where}: the event {complete_when.event!r} happens in the view "
                f"{' or '.join(repr(name) for name in needed)}, not in {view.name!r}"
            )
    return Step(
        id=step_id,
        title=_text(raw.get("title"), f"{where}: 'title'"),
        text=_text(raw.get("text"), f"{where}: 'text'"),
        view=view,
        try_this=try_this,
        question=question,
        complete_when=complete_when,
    )


def _text(raw: Any, where: str) -> Text:
    """Prose in both languages: ``{ en = "...", zh = "..." }``, neither empty."""
    if not isinstance(raw, Mapping):
        raise LessonError(f'{where} needs both languages: {{ en = "...", zh = "..." }}')
    _no_unknown_keys(raw, set(LANGUAGES), where)
    values = {}
    for lang in LANGUAGES:
        value = raw.get(lang)
        if not isinstance(value, str) or not value.strip():
            raise LessonError(f"{where} has no {lang!r} text")
        if len(value) > MAX_TEXT_CHARS:
            raise LessonError(
                f"{where}: the {lang!r} text is {len(value):,} characters (limit {MAX_TEXT_CHARS:,})"
            )
        if _CONTROL.search(value):
            raise LessonError(f"{where}: the {lang!r} text holds a control character")
        if value.count("$") % 2:
            raise LessonError(f"{where}: the {lang!r} text opens a $...$ equation that it never closes")
        values[lang] = value.strip()
    return Text(**values)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _view(raw: Any, where: str) -> ViewSpec:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("name"), str):
        raise LessonError(f"{where}: 'view' needs a name, one of {', '.join(VIEWS)}")
    name = raw["name"]
    if name not in VIEWS:
        raise LessonError(f"{where}: there is no view {name!r}; the views are {', '.join(VIEWS)}")
    allowed = VIEWS[name][1]
    params: dict[str, str] = {}
    for key, value in raw.items():
        if key == "name":
            continue
        if key not in allowed:
            raise LessonError(
                f"{where}: the view {name!r} has no parameter {key!r}; it takes {', '.join(sorted(allowed))}"
            )
        params[key] = _param_text(value, f"{where}: the view's {key!r}")
    return ViewSpec(name, MappingProxyType(params))


def _param_text(value: Any, where: str) -> str:
    """A preset value as the page's URL writes it: numbers as digits, booleans as 1/0."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, str):
        if len(value) > MAX_PARAM_CHARS:
            raise LessonError(f"{where} is {len(value):,} characters (limit {MAX_PARAM_CHARS:,})")
        if _CONTROL.search(value):
            raise LessonError(f"{where} holds a control character")
        return value
    raise LessonError(f"{where} must be text, a number or true/false (got {type(value).__name__})")


def _question(raw: Any, where: str) -> Question:
    where = f"{where}: the question"
    if not isinstance(raw, Mapping):
        raise LessonError(f"{where} is a table of keys")
    _no_unknown_keys(raw, _QUESTION_KEYS, where)
    choices_raw = raw.get("choices")
    if not isinstance(choices_raw, list) or not 2 <= len(choices_raw) <= MAX_CHOICES:
        raise LessonError(f"{where} needs between 2 and {MAX_CHOICES} choices")
    choices = tuple(_text(choice, f"{where}'s choice {i}") for i, choice in enumerate(choices_raw, start=1))
    has_answer, has_measure = "answer" in raw, "measure" in raw
    if has_answer == has_measure:
        raise LessonError(f"{where} needs either 'answer' (the right choice) or 'measure' (the models say)")
    answer = None
    measure = None
    if has_answer:
        answer_raw = raw["answer"]
        if isinstance(answer_raw, bool) or not isinstance(answer_raw, int):
            raise LessonError(f"{where}'s answer is the number of the right choice, counted from 1")
        if not 1 <= answer_raw <= len(choices):
            raise LessonError(f"{where}'s answer {answer_raw} is not one of its {len(choices)} choices")
        answer = answer_raw - 1
    else:
        measure = _measure(raw["measure"], where, len(choices))
    return Question(
        prompt=_text(raw.get("prompt"), f"{where}'s 'prompt'"),
        choices=choices,
        answer=answer,
        measure=measure,
        reveal=_text(raw.get("reveal"), f"{where}'s 'reveal'"),
    )


def _measure(raw: Any, where: str, choices: int) -> MeasureSpec:
    if not isinstance(raw, Mapping) or raw.get("name") not in measures.MEASURES:
        names = ", ".join(measures.MEASURES)
        raise LessonError(f"{where}'s measure needs a name, one of {names}")
    params = {key: value for key, value in raw.items() if key != "name"}
    problem = measures.MEASURES[raw["name"]].check(params, choices)
    if problem:
        raise LessonError(f"{where}'s measure {raw['name']!r}: {problem}")
    return MeasureSpec(raw["name"], MappingProxyType(params))


def _completion(raw: Any, where: str) -> Completion:
    where = f"{where}: 'complete_when'"
    if not isinstance(raw, Mapping) or raw.get("event") not in events.EVENTS:
        raise LessonError(f"{where} needs an event, one of {', '.join(events.EVENTS)}")
    params = {key: value for key, value in raw.items() if key != "event"}
    problem = events.EVENTS[raw["event"]].check(params)
    if problem:
        raise LessonError(f"{where}: {problem}")
    return Completion(raw["event"], MappingProxyType(params))


def _no_unknown_keys(raw: Mapping[str, Any], known: set[str], where: str) -> None:
    unknown = sorted(set(raw) - known)
    if unknown:
        raise LessonError(f"{where}: unknown key {unknown[0]!r} (the keys are {', '.join(sorted(known))})")
