"""What a lesson is made of: typed, frozen records read from a lesson file (``seqviz.lessons.loader``).

A step is a short explanation, one live view (a page's view opened with preset state), a "try this" prompt,
and optionally a predict-then-reveal question and an event that completes it. Every piece of prose is a
``Text`` in both languages, so a lesson never shows half its steps in English to a Chinese hall.

The views a step may open, and the URL parameters each understands, are listed here (``VIEWS``): a view's
preset is written as the page's own bookmark (``{"ckpt": "reverse-lstm-bahdanau", "text": "abcdef",
"t": "3"}`` is what ``/Attention?ckpt=...&text=abcdef&t=3`` holds), so a lecturer can copy a page's URL into a
lesson and a lesson's step can be opened on its page. The UI's view registry must draw exactly these
(a test holds the two lists equal).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from seqviz.errors import SeqvizError

LANGUAGES = ("en", "zh")

_CHECKPOINT_PARAMS = frozenset({"ckpt", "text"})
_GATES = _CHECKPOINT_PARAMS | {"part", "layer", "dir", "sort", "t", "unit", "units"}
_HEADS = {"heads", "mean"}  # a Transformer's grid: which attention, and each layer's mean over heads
_ATTENTION = _CHECKPOINT_PARAMS | {"t", "j", "vs", "am", "steps", "target"} | _HEADS
_LM = _CHECKPOINT_PARAMS | {"pos"}

# view name -> (the page it belongs to, the URL parameters its preset may set)
VIEWS: MappingProxyType[str, tuple[str, frozenset[str]]] = MappingProxyType(
    {
        "forecast": ("forecast", frozenset({"period", "noise", "tau", "k", "cell"})),
        "gates.heatmaps": ("gates", _GATES),
        "gates.step": ("gates", _GATES),
        "gates.gradients": ("gates", _GATES | {"len", "k"}),
        "gates.units": ("gates", _GATES | {"un", "ucls", "abl", "clamp"}),
        "attention.alignment": ("attention", _ATTENTION),
        "attention.compare": ("attention", _ATTENTION),
        "attention.bottleneck": ("attention", _ATTENTION),
        "attention.scores": ("attention", _ATTENTION),
        "attention.copy": ("attention", _ATTENTION),
        "attention.attribution": ("attention", _ATTENTION),
        "decoding.stepper": ("decoding", _CHECKPOINT_PARAMS | {"step", "k", "force", "why", "wm"}),
        "decoding.exposure": ("decoding", _CHECKPOINT_PARAMS | {"ref"}),
        "beam": ("beam", _CHECKPOINT_PARAMS | {"k", "lp", "alpha", "max", "prefix", "step", "ref"}),
        "bleu": ("bleu", frozenset({"hyp", "ref", "tok", "smooth", "lc"})),
        "lm.strip": ("lm", _LM),
        "lm.sampling": ("lm", _LM | {"prompt", "temp", "topk", "n", "seed", "s"}),
        "lm.bptt": ("lm", _LM | {"bsrc", "bk", "bn"}),
        "lm.connectivity": ("lm", _LM | {"conn", "ck"}),
        # the lesson's own small trainer (seqviz.ui.lessons): a task, a model, a number of updates
        "train": ("train", frozenset({"task", "cell", "attention", "hidden", "steps"})),
    }
)

# Views whose first sight has no chart: the trainer, the BPTT study and the bottleneck measurement wait for
# their button, BLEU is tables and formulas. A benchmark or a test waiting for a step's chart waits for
# something else there.
NO_CHART_ON_ARRIVAL = frozenset({"train", "lm.bptt", "attention.bottleneck", "bleu"})


class LessonError(SeqvizError, ValueError):
    """A lesson file that cannot be used; the message names the file and the step."""


@dataclass(frozen=True)
class Text:
    """One piece of prose in both languages (Markdown; equations in LaTeX between ``$``)."""

    en: str
    zh: str

    def get(self, lang: str) -> str:
        """The text in ``lang`` (English for a language the lesson does not speak)."""
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class ViewSpec:
    """The live view of a step: a view name from ``VIEWS`` and its preset URL parameters (strings, as in
    the page's own URL)."""

    name: str
    params: MappingProxyType[str, str] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def page(self) -> str:
        """The key of the page this view belongs to (``seqviz.ui.navigation.PAGES``)."""
        return VIEWS[self.name][0]


@dataclass(frozen=True)
class MeasureSpec:
    """A question whose right answer the live models give (``seqviz.lessons.measures``): its name and
    parameters."""

    name: str
    params: MappingProxyType[str, Any]


@dataclass(frozen=True)
class Question:
    """A predict-then-reveal question: the student picks one of ``choices`` before the view shows the
    answer. The right choice is ``answer`` (a fact of the mathematics), or what ``measure`` finds on the
    live models (then ``answer`` is None)."""

    prompt: Text
    choices: tuple[Text, ...]
    answer: int | None
    measure: MeasureSpec | None
    reveal: Text  # said after the choice, whether it was right or not


@dataclass(frozen=True)
class Completion:
    """A model event that completes a step (``seqviz.lessons.events``): its name and parameters."""

    event: str
    params: MappingProxyType[str, Any]


@dataclass(frozen=True)
class Step:
    id: str  # unique in its lesson, URL-safe; the URL names a step by its number, the file by its id
    title: Text
    text: Text
    view: ViewSpec
    try_this: Text | None
    question: Question | None
    complete_when: Completion | None


@dataclass(frozen=True)
class Lesson:
    id: str  # URL-safe: ?lesson=attention
    number: int  # the order in the course (from the file name: 05_attention.toml)
    title: Text
    summary: Text
    steps: tuple[Step, ...]
    source: str  # the file it was read from, for messages

    def step_key(self, number: int) -> str:
        """The key of step ``number``'s container on the page (its text, question and view): its class,
        ``st-key-lesson-step-<lesson>-<n>``, tells a browser (a test, the benchmark) which step is shown."""
        return f"lesson-step-{self.id}-{number}"

    def step_number(self, step_id: str) -> int | None:
        """The 1-based number of the step called ``step_id`` (None when there is none)."""
        return next((i for i, step in enumerate(self.steps, start=1) if step.id == step_id), None)
