"""What a live run asks of a back end, and what a back end reports back.

The page-facing run (``seqviz.training.live_run.TrainingRun``) is one state machine whatever trains it: it
hands a back end a ``ProgressSink`` and calls ``start``; the back end trains (in this thread, in a child
process, elsewhere), reports every step, evaluation and probe snapshot into the sink as it happens, obeys
``pause`` / ``resume`` / ``stop`` from any thread, and when done hands back the result and the final weights.
So the run never asks *where* it is training, and a back end never builds or touches the run.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from seqviz.checkpoints.history import StepReport
from seqviz.training.states import StopCause
from seqviz.training.trainer import ProbeSnapshot, TrainCallback, TrainResult

if TYPE_CHECKING:
    import torch

    from seqviz.checkpoints.store import Checkpoint
    from seqviz.data.tasks import Task
    from seqviz.training.config import ModelChoice, TrainConfig
    from seqviz.training.workflows import Seq2SeqTraining


@dataclass(frozen=True)
class RunSpec:
    """The settings a run was built from (what ``prepare_training`` takes, and the torch threads): what a back
    end that trains somewhere else needs to build the same trainer there."""

    task: Task
    choice: ModelChoice | None
    train_config: TrainConfig
    device: str
    probe_text: str | None
    initial: Checkpoint | None
    threads: int | None  # torch intra-op threads while training (None: leave torch's setting)


@dataclass(frozen=True)
class Position:
    """Where the trainer is now: updates done, training seconds, and how far through its budget (0..1).

    A back end that trains on other machines also says where (``where``: the node, for the page's "running
    on the cluster" note) and, while the run waits for a free CPU there, how many of this server's runs are
    ahead of it (``waiting_ahead``; None once it trains, or for a back end that never waits)."""

    step: int = 0
    elapsed: float = 0.0
    progress: float = 0.0
    where: str | None = None
    waiting_ahead: int | None = None


class RunCancelled(Exception):
    """``start`` ended because the run was stopped before it began training (while it waited for a place):
    the run reads it like a job cancelled in the server's own queue, not as a failure."""


class ProgressSink(Protocol):
    """Where a back end reports what the page draws, in training order, from whatever thread it trains on.
    Steps count from the start of *this* run (the sink shifts a continued run's)."""

    def record_step(self, report: StepReport) -> None: ...

    def record_evaluation(self, step: int, elapsed: float, result: dict[str, Any]) -> None: ...

    def record_probe(self, snapshot: ProbeSnapshot) -> None: ...


@runtime_checkable
class TrainingBackend(Protocol):
    """Trains one run somewhere. ``start`` blocks the caller (the job's thread) until the run ends and
    returns its result, or raises what ended it; the other methods are called from any thread, before,
    during or after ``start``."""

    def start(self, sink: ProgressSink) -> TrainResult:
        """Train to the end, reporting into ``sink``; afterwards ``final_weights`` are the trained ones."""
        ...

    def pause(self) -> None: ...

    def resume(self) -> None: ...

    def stop(self, cause: StopCause) -> None:
        """End the run after the current update (or before it starts), saying who asked."""
        ...

    @property
    def paused(self) -> bool: ...

    def poll(self) -> Position:
        """The trainer's position now (the page's progress bar), between reports too where it can tell."""
        ...

    def final_weights(self) -> Mapping[str, torch.Tensor]:
        """The trained parameters, once ``start`` has returned: loaded into the run's own model."""
        ...


# Makes a back end for a run: its settings, and the data, model and trainer the run already built here.
BackendFactory = Callable[[RunSpec, "Seq2SeqTraining"], TrainingBackend]


class ReportInto(TrainCallback):
    """A trainer callback that reports what the page draws into a sink: the one translation from the
    trainer's callbacks to a back end's reports, used wherever a trainer runs."""

    def __init__(self, sink: ProgressSink) -> None:
        self.sink = sink

    def on_step(self, trainer: Any, report: StepReport) -> None:
        self.sink.record_step(report)

    def on_eval(self, trainer: Any, step: int, result: Any) -> None:
        self.sink.record_evaluation(step, trainer.elapsed, result.as_dict())

    def on_probe(self, trainer: Any, snapshot: ProbeSnapshot) -> None:
        self.sink.record_probe(snapshot)


def position_of(trainer: Any) -> Position:
    """A trainer's position right now."""
    return Position(trainer.step, trainer.elapsed, trainer.progress())
