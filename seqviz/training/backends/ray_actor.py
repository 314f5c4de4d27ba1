"""The worker side of a cluster run: a plain class that Ray turns into an actor on some node.

It trains exactly what the child process trains (the same recipe, rebuilt by the same deterministic
``prepare_training``), so a run's weights do not depend on where it trained. Ray calls an actor's methods
from outside; with ``max_concurrency`` above one they run on a thread pool, so while ``train`` is busy the
gateway can still ``drain`` the reports gathered since it last asked, and ``pause``, ``resume`` or ``stop``
the trainer (whose controls are thread-safe). Commands that arrive before the trainer exists wait for it.

Nothing here imports Ray: the gateway wraps the class with ``ray.remote``, and the tests can drive the very
same class in-process.
"""

from __future__ import annotations

import os
import socket
import tempfile
import threading
from pathlib import Path
from typing import Any

from seqviz.checkpoints.history import StepReport
from seqviz.device import torch_threads
from seqviz.training.backends.base import Position, ReportInto, position_of
from seqviz.training.backends.child import RunRecipe, _be_nice, _build, _weights
from seqviz.training.states import StopCause
from seqviz.training.trainer import ProbeSnapshot, TrainResult

# A report for the page: (sink method, its arguments, the trainer's position then or None), as the child's.
Report = tuple[str, tuple[Any, ...], Position | None]


class _BufferSink:
    """The actor's sink: reports wait here, in order, until the gateway drains them."""

    def __init__(self, actor: TrainingActor, trainer: Any) -> None:
        self.actor = actor
        self.trainer = trainer

    def record_step(self, report: StepReport) -> None:
        self.actor._keep(("record_step", (report,), position_of(self.trainer)))

    def record_evaluation(self, step: int, elapsed: float, result: dict[str, Any]) -> None:
        self.actor._keep(("record_evaluation", (step, elapsed, result), position_of(self.trainer)))

    def record_probe(self, snapshot: ProbeSnapshot) -> None:
        self.actor._keep(("record_probe", (snapshot,), None))


class TrainingActor:
    """One training run on a cluster node (Ray keeps one actor per run, and ends it with the run)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._reports: list[Report] = []
        self._trainer: Any = None
        self._paused = False  # asked before the trainer existed
        self._stop: StopCause | None = None

    def where(self) -> dict[str, Any]:
        """Which machine and process this actor lives on (the page's note; a test kills the process)."""
        return {"host": socket.gethostname(), "node": _node_id(), "pid": os.getpid()}

    def train(
        self, recipe: RunRecipe, initial_files: dict[str, bytes] | None = None
    ) -> tuple[TrainResult, bytes]:
        """Build the run's trainer, train it to the end, and return the result and the trained weights
        (safetensors bytes). ``initial_files``: the checkpoint folder a continued run starts from, as
        bytes, since the server's disk is not this node's."""
        _be_nice()
        with tempfile.TemporaryDirectory(prefix="seqviz-initial-") as folder:
            if initial_files is not None:
                for name, content in initial_files.items():
                    (Path(folder) / Path(name).name).write_bytes(content)  # names only, never paths
                recipe = _with_initial(recipe, Path(folder))
            trainer = _build(recipe).trainer
        trainer.callbacks.append(ReportInto(_BufferSink(self, trainer)))
        with self._lock:
            self._trainer = trainer
            if self._stop is not None:
                trainer.stop(self._stop)
            elif self._paused:
                trainer.pause()
        with torch_threads(recipe.threads):
            result = trainer.run()
        return result, _weights(trainer.model)

    def drain(self) -> tuple[list[Report], Position]:
        """The reports since the last call, in order, and the trainer's position now."""
        with self._lock:
            reports, self._reports = self._reports, []
            trainer = self._trainer
        return reports, position_of(trainer) if trainer is not None else Position()

    def pause(self) -> None:
        with self._lock:
            self._paused = True
            if self._trainer is not None:
                self._trainer.pause()

    def resume(self) -> None:
        with self._lock:
            self._paused = False
            if self._trainer is not None:
                self._trainer.resume()

    def stop(self, cause: StopCause) -> None:
        with self._lock:
            self._stop = cause
            if self._trainer is not None:
                self._trainer.stop(cause)

    def _keep(self, report: Report) -> None:
        with self._lock:
            self._reports.append(report)


def call_named(path: str, args: tuple[Any, ...], threads: int) -> tuple[dict[str, Any], Any]:
    """Run ``module:function`` (one of seqviz's own trainings, e.g. the BPTT study) with ``args`` on this
    node; returns where it ran and what the function returned. The server names the function: never a user."""
    import importlib

    module, _, name = path.partition(":")
    function = getattr(importlib.import_module(module), name)
    _be_nice()
    with torch_threads(threads):
        value = function(*args)
    return {"host": socket.gethostname(), "node": _node_id(), "pid": os.getpid()}, value


def _with_initial(recipe: RunRecipe, folder: Path) -> RunRecipe:
    from dataclasses import replace

    return replace(recipe, initial=folder)


def _node_id() -> str:
    """The start of this node's Ray id (what ``ray status`` and the dashboard show), or "" outside Ray."""
    try:
        import ray

        return ray.get_runtime_context().get_node_id()[:8]
    except Exception:  # not inside Ray (the tests drive the class directly)
        return ""
