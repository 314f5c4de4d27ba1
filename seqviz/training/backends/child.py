"""Train in a child process, so that a server's web pages stay quick while models train.

Python runs one thread at a time (the GIL). A training thread inside the Streamlit server competes with
every page the server draws: measured on 2 cores, two runs training in threads made each redraw of the
Train page take 0.4-0.8 s instead of 0.1 s, and a new visitor waited 7-10 s for a page instead of 2.4 s.
In a child process the training has its own interpreter; the server only relays what it reports.

The child rebuilds the same data, model and trainer from a recipe (the task, settings and seed:
``prepare_training`` is deterministic; it never builds the page's ``TrainingRun``), trains, and sends back
over a pipe what the page draws: each report, evaluation and probe snapshot as it happens, and at the end
the result with the trained weights (safetensors bytes: plain tensors, no pickled code). The parent sends
``pause``, ``resume`` and ``stop``. If the parent goes away, the child's pipe closes and it stops; if the
child dies, the parent says so instead of waiting forever.

The child is a fresh interpreter (``python -m seqviz.training.backends.child``) joined to the parent by a
socket pair, not a ``multiprocessing`` child: those re-run the parent's ``__main__`` first, and while
Streamlit runs a page, ``__main__`` *is* that page, so each child ran the Train page's script again in bare
mode.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from seqviz import PROJECT_ROOT
from seqviz.checkpoints.history import StepReport
from seqviz.device import torch_threads
from seqviz.errors import InputError
from seqviz.training.backends.base import Position, ProgressSink, ReportInto, RunSpec, position_of
from seqviz.training.states import StopCause
from seqviz.training.trainer import ProbeSnapshot, TrainResult

if TYPE_CHECKING:
    import torch

    from seqviz.training.workflows import Seq2SeqTraining

STOP_GRACE_S = 15.0  # a child asked to stop that has not ended after this long is killed
POLL_S = 0.2  # how often the relay checks that the child is still alive while it waits for news
# The sink's methods a child may ask the parent to call: its reports, nothing else.
REPORTS = frozenset({"record_step", "record_evaluation", "record_probe"})


class TrainingProcessError(RuntimeError):
    """The child process failed or died: the message says how."""


@dataclass(frozen=True)
class RunRecipe:
    """Everything the child needs to build the same run the parent built (a task by name when it is a
    shipped one: those hold lambdas and cannot be pickled; a corpus task travels whole)."""

    task: Any  # a task name (str) or a picklable Task (CorpusTask)
    choice: Any
    train_config: Any
    device: str
    probe_text: str | None
    initial: Any  # a checkpoint folder (Path), a Checkpoint, or None
    threads: int | None


def recipe_for(spec: RunSpec) -> RunRecipe:
    """The recipe of a run built from these settings (what ``prepare_training`` takes, and the threads)."""
    from seqviz.data.tasks import TASKS

    task, initial = spec.task, spec.initial
    task_recipe = task.name if TASKS.get(task.name) is task else task
    initial_recipe = initial.path if initial is not None and getattr(initial, "path", None) else initial
    return RunRecipe(
        task_recipe,
        spec.choice,
        spec.train_config,
        str(spec.device),
        spec.probe_text,
        initial_recipe,
        spec.threads,
    )


def check_picklable(recipe: RunRecipe) -> None:
    """Refuse, at the click, a run whose recipe cannot travel to a child (a custom task, say)."""
    import pickle

    try:
        pickle.dumps(recipe)
    except Exception as exc:
        raise InputError(f"this run cannot be trained in a separate process: {exc}") from None


# -------------------------------------------------------------------------------------- parent side


class ChildLink:
    """The parent's end of one child: commands go out from any thread, news comes in on the job thread."""

    def __init__(self, connection: Connection, process: Any) -> None:
        self.connection = connection
        self.process = process
        self._send_lock = threading.Lock()
        self.stop_sent_at: float | None = None

    def send(self, *command: Any) -> None:
        with self._send_lock, contextlib.suppress(OSError, ValueError):  # (the child may have ended)
            self.connection.send(command)
        if command[0] == "stop" and self.stop_sent_at is None:
            self.stop_sent_at = time.monotonic()


class ChildProcessBackend:
    """Trains the run in a child process and relays its reports into the sink; the data and model are still
    built here (by the run, at once), so bad settings fail at the click and the view can label what it shows.
    The recipe is checked at construction: a run that cannot travel is refused before it queues."""

    def __init__(self, spec: RunSpec, training: Seq2SeqTraining) -> None:
        self.recipe = recipe_for(spec)
        check_picklable(self.recipe)
        self._lock = threading.Lock()
        self._link: ChildLink | None = None  # while the child trains
        self._paused = False  # pause asked of the child
        self._stop: StopCause | None = None  # stop asked of the child
        self._position = Position()  # the child's, as of its latest report
        self._weights: Mapping[str, torch.Tensor] = {}

    def start(self, sink: ProgressSink) -> TrainResult:
        result, weights = _train_in_child(self.recipe, self, sink)
        self._weights = _decode_weights(weights)
        return result

    # -- the relay's side (the job thread) ---------------------------------------------------------------
    def attach(self, link: ChildLink | None) -> None:
        """The link to send commands through while the child runs (None once it has ended); commands asked
        while the child was starting go out now."""
        with self._lock:
            self._link = link
            stop, paused = self._stop, self._paused
        if link is not None and stop:
            link.send("stop", stop)
        elif link is not None and paused:
            link.send("pause")

    def relay(self, sink: ProgressSink, message: tuple[Any, ...]) -> None:
        """One report from the child: ``(sink method, its arguments, the child's position or None)``."""
        kind, arguments, position = message
        if kind not in REPORTS:
            return
        if position is not None:
            with self._lock:
                self._position = position
        getattr(sink, kind)(*arguments)

    # -- the page's side (any thread) --------------------------------------------------------------------
    def pause(self) -> None:
        self._command("pause")

    def resume(self) -> None:
        self._command("resume")

    def stop(self, cause: StopCause) -> None:
        with self._lock:
            self._stop = cause
            link = self._link
        if link is not None:
            link.send("stop", cause)

    def _command(self, command: str) -> None:
        with self._lock:
            self._paused = command == "pause"
            link = self._link
        if link is not None:
            link.send(command)

    @property
    def paused(self) -> bool:
        return self._paused

    def poll(self) -> Position:
        with self._lock:
            return self._position

    def final_weights(self) -> Mapping[str, torch.Tensor]:
        return self._weights

    @property
    def pid(self) -> int | None:
        """The child's process id while it trains (None before and after)."""
        link = self._link
        return link.process.pid if link is not None else None


def spawn_module(module: str, stderr: Any = None) -> tuple[Connection, subprocess.Popen]:
    """Start ``python -m module FD``: a fresh interpreter that finds seqviz, joined to this process by a
    socket pair whose other end is FD (a fresh interpreter: see this module's docstring for why)."""
    ours_socket, theirs_socket = socket.socketpair()
    paths = [str(PROJECT_ROOT), os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(path for path in paths if path)}
    with theirs_socket:
        process = subprocess.Popen(
            [sys.executable, "-m", module, str(theirs_socket.fileno())],
            pass_fds=[theirs_socket.fileno()],
            stdin=subprocess.DEVNULL,
            stderr=stderr,
            env=env,
        )
    return Connection(ours_socket.detach()), process


def _train_in_child(
    recipe: RunRecipe, backend: ChildProcessBackend, sink: ProgressSink
) -> tuple[TrainResult, bytes]:
    """Train ``recipe`` in a child process, relaying its reports into ``sink`` as they come; returns the
    ``TrainResult`` and the trained weights (safetensors bytes)."""
    ours, process = spawn_module("seqviz.training.backends.child")
    link = ChildLink(ours, process)
    outcome: tuple[Any, ...] | None = None
    try:
        ours.send(recipe)
        backend.attach(link)
        while outcome is None:
            if ours.poll(POLL_S):
                message = ours.recv()
                if message[0] in ("done", "failed"):
                    outcome = message
                else:
                    backend.relay(sink, message)
            elif process.poll() is not None:
                break
            elif link.stop_sent_at is not None and time.monotonic() - link.stop_sent_at > STOP_GRACE_S:
                process.kill()
                raise TrainingProcessError(f"the run did not stop within {STOP_GRACE_S:g} s and was ended")
    except (OSError, EOFError):
        pass  # the child is gone: said below
    finally:
        backend.attach(None)
        ours.close()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
    if outcome is None:
        raise TrainingProcessError(
            f"the training process ended unexpectedly (exit code {process.returncode})"
        )
    if outcome[0] == "failed":
        raise TrainingProcessError(outcome[1])
    _, result, weights = outcome
    return result, weights


def _decode_weights(weights: bytes) -> Mapping[str, torch.Tensor]:
    from safetensors.torch import load

    return load(weights)


# --------------------------------------------------------------------------------------- child side


class _PipeSink:
    """The child's sink: each report goes to the parent with the trainer's position at that moment."""

    def __init__(self, send: Any, trainer: Any) -> None:
        self.send = send
        self.trainer = trainer

    def record_step(self, report: StepReport) -> None:
        self.send("record_step", (report,), position_of(self.trainer))

    def record_evaluation(self, step: int, elapsed: float, result: dict[str, Any]) -> None:
        self.send("record_evaluation", (step, elapsed, result), position_of(self.trainer))

    def record_probe(self, snapshot: ProbeSnapshot) -> None:
        self.send("record_probe", (snapshot,), None)


def child_main(connection: Connection, recipe: RunRecipe) -> None:
    """The child: build the run's trainer, relay its news, obey commands, send the result. Never raises: a
    failure goes back as a message (and the parent notices a crash by the closed pipe)."""
    send_lock = threading.Lock()

    def send(*message: Any) -> None:
        with send_lock:
            connection.send(message)

    try:
        _be_nice()
        trainer = _build(recipe).trainer
        trainer.callbacks.append(ReportInto(_PipeSink(send, trainer)))
        threading.Thread(target=_obey, args=(connection, trainer), daemon=True).start()
        with torch_threads(recipe.threads):
            result = trainer.run()
        send("done", result, _weights(trainer.model))
    except BaseException as exc:  # the parent shows it; a bare traceback in a server log helps nobody
        with contextlib.suppress(OSError, ValueError):
            send("failed", f"{type(exc).__name__}: {exc}")
    finally:
        connection.close()


NICENESS = 10  # training is batch work: when a page must be drawn, the web server gets the CPU first


def _be_nice() -> None:
    """Lower this process's CPU priority (Unix), so that a server whose cores all train still answers."""
    nice = getattr(os, "nice", None)
    if nice is not None:
        with contextlib.suppress(OSError):
            nice(NICENESS)


def _build(recipe: RunRecipe) -> Any:
    """The same data, model and trainer the parent built (``prepare_training`` is deterministic)."""
    from seqviz.checkpoints.store import load_checkpoint
    from seqviz.data.tasks import get_task
    from seqviz.training.workflows import prepare_training

    task = get_task(recipe.task) if isinstance(recipe.task, str) else recipe.task
    initial = load_checkpoint(recipe.initial) if isinstance(recipe.initial, (str, Path)) else recipe.initial
    return prepare_training(
        task, recipe.choice, recipe.train_config, recipe.device, [], initial, recipe.probe_text
    )


def _obey(connection: Connection, trainer: Any) -> None:
    """Commands from the parent; a closed pipe means the parent is gone, and the run stops."""
    while True:
        try:
            command, *args = connection.recv()
        except (EOFError, OSError):
            trainer.stop(StopCause.SERVER_GONE)
            return
        if command == "pause":
            trainer.pause()
        elif command == "resume":
            trainer.resume()
        elif command == "stop":
            trainer.stop(*args)


def _weights(model: Any) -> bytes:
    from safetensors.torch import save

    return save({name: value.detach().to("cpu").contiguous() for name, value in model.state_dict().items()})


def main() -> None:
    """``python -m seqviz.training.backends.child FD``: the child, talking over the inherited socket FD."""
    connection = Connection(int(sys.argv[1]))
    try:
        recipe = connection.recv()
    except (EOFError, OSError):
        return
    child_main(connection, recipe)


if __name__ == "__main__":
    main()
