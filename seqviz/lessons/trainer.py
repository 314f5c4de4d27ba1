"""The lesson's own small trainer: a task, a model and a number of updates from a step's parameters, held to
a short run, so "train until the loss is below 0.5" finishes in a lecture's minute on a 2-core CPU.

The page and the tests build the run here, so the test that a real run completes the step trains exactly
what the lesson trains.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from seqviz.errors import InputError

if TYPE_CHECKING:
    from seqviz.training.live_run import TrainingRun

TRAIN_DEFAULTS = {"task": "reverse", "cell": "gru", "attention": "bahdanau", "hidden": "64", "steps": "400"}
TRAIN_LIMITS = {"hidden": (4, 256), "steps": (10, 3000)}  # a lesson's run stays a short one
ATTENTIONS = ("none", "bahdanau", "luong")


@dataclass(frozen=True)
class LessonTraining:
    task: str
    cell: str
    attention: str
    hidden: int  # hidden size; the embedding has the same size
    steps: int  # updates

    @property
    def label(self) -> str:
        return f"{self.task} · {self.cell.upper()} · {self.attention} · {self.hidden}"


def lesson_training(params: Mapping[str, str]) -> LessonTraining:
    """The run a step's parameters ask for (defaults for what they leave out; sizes held to a short run);
    ``InputError`` for a task, cell or attention that does not exist."""
    from seqviz.data.tasks import TASKS
    from seqviz.models.config import CELLS

    chosen = {**TRAIN_DEFAULTS, **params}
    for name, known in (("task", TASKS), ("cell", CELLS), ("attention", ATTENTIONS)):
        if chosen[name] not in known:
            raise InputError(f"the lesson asks for the {name} {chosen[name]!r}, which does not exist")
    numbers = {}
    for name, (low, high) in TRAIN_LIMITS.items():
        try:
            numbers[name] = min(high, max(low, int(chosen[name])))
        except ValueError:
            raise InputError(f"the lesson's {name} must be a whole number, not {chosen[name]!r}") from None
    return LessonTraining(
        chosen["task"], chosen["cell"], chosen["attention"], numbers["hidden"], numbers["steps"]
    )


def training_run(
    settings: LessonTraining, device: str = "cpu", threads: int | None = None, backend: str | None = None
) -> TrainingRun:
    """A live run of ``settings`` (seed 0, the loss logged every 10 updates, a small evaluation)."""
    from seqviz.data.tasks import TASKS
    from seqviz.training.backends.registry import THREAD
    from seqviz.training.config import ModelChoice, TrainConfig
    from seqviz.training.live_run import TrainingRun

    choice = ModelChoice(
        cell=settings.cell,
        attention=settings.attention,
        embedding_size=settings.hidden,
        hidden_size=settings.hidden,
    )
    config = TrainConfig(steps=settings.steps, log_every=10, eval_every=100, eval_size=200, seed=0)
    return TrainingRun(
        TASKS[settings.task],
        choice,
        config,
        device,
        label=settings.label,
        threads=threads,
        backend=backend or THREAD,
    )
