"""The simplest back end: train in the calling thread (the job's), with the trainer the run built.

What the CLI and the tests use, and a server that wants no child processes. The trainer's own controls are
thread-safe, so pause, resume and stop go straight to it, and its live numbers are read between reports.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from seqviz.device import torch_threads
from seqviz.training.backends.base import Position, ProgressSink, ReportInto, RunSpec, position_of
from seqviz.training.states import StopCause
from seqviz.training.trainer import TrainResult

if TYPE_CHECKING:
    import torch

    from seqviz.training.workflows import Seq2SeqTraining


class ThreadBackend:
    """Runs the run's own trainer in the caller's thread, with ``spec.threads`` torch threads."""

    def __init__(self, spec: RunSpec, training: Seq2SeqTraining) -> None:
        self.threads = spec.threads
        self.trainer = training.trainer

    def start(self, sink: ProgressSink) -> TrainResult:
        self.trainer.callbacks.append(ReportInto(sink))
        with torch_threads(self.threads):
            return self.trainer.run()

    def pause(self) -> None:
        self.trainer.pause()

    def resume(self) -> None:
        self.trainer.resume()

    def stop(self, cause: StopCause) -> None:
        self.trainer.stop(cause)

    @property
    def paused(self) -> bool:
        return self.trainer.paused

    def poll(self) -> Position:
        return position_of(self.trainer)

    def final_weights(self) -> Mapping[str, torch.Tensor]:
        return self.trainer.model.state_dict()  # trained in place: already the run's model
