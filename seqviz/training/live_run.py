"""One live training run, as the Train page sees it: settings in, a thread trains, the page reads.

``TrainingRun`` is the ``work`` a ``JobManager`` runs: ``run()`` trains in the job's thread and ``stop()``
ends it from any other. The page never touches the trainer directly; it reads ``view()``, a consistent
copy of everything it draws (curves, evaluations, probe snapshots, progress, state), so a redraw twice a
second never sees half an update and never blocks training.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

from seqviz.checkpoints.store import Checkpoint
from seqviz.data.tasks import Task
from seqviz.device import torch_threads
from seqviz.errors import InputError
from seqviz.training.states import STOP_PHRASES, RunState, StopCause, StopReason
from seqviz.training.trainer import ProbeSnapshot, StepReport, TrainCallback, TrainConfig, TrainResult
from seqviz.training.workflows import ModelChoice, Seq2SeqTraining, prepare_training

# What a run is doing (``RunState``): waiting for a slot, running or paused, finished (see ``stop_reason``
# and ``stop_cause``), failed (see ``error``).
WAITING, RUNNING, PAUSED, FINISHED, FAILED = (
    RunState.WAITING,
    RunState.RUNNING,
    RunState.PAUSED,
    RunState.FINISHED,
    RunState.FAILED,
)


@dataclass
class RunView:
    """A snapshot of a run for drawing: plain data, safe to read while the run goes on."""

    label: str
    state: RunState
    step: int
    total_steps: int | None
    elapsed: float
    progress: float  # 0..1
    eta: float | None
    history: list[dict[str, Any]]  # StepReport dicts; "step" counts from the start of the whole model
    evaluations: list[dict[str, Any]]  # {"step", "exact_match", "token_accuracy", "bleu", ...}
    snapshots: list[ProbeSnapshot]
    stop_reason: StopReason | None  # None: it ended before it started (or has not ended)
    message: str  # the CLI's English sentence about how it ended
    error: str | None
    source_tokens: list[str] = field(default_factory=list)  # the probe's input tokens (<eos> included)
    target_vocab_tokens: list[str] = field(default_factory=list)  # id -> token, to label probe outputs
    stop_cause: StopCause | None = None  # who asked it to stop (stopped, or cancelled while waiting)

    @property
    def latest(self) -> dict[str, Any] | None:
        return self.history[-1] if self.history else None

    @property
    def latest_eval(self) -> dict[str, Any] | None:
        return self.evaluations[-1] if self.evaluations else None


class _Recorder(TrainCallback):
    """Copies the trainer's reports into the run (the trainer calls from its thread)."""

    def __init__(self, run: TrainingRun) -> None:
        self.run = run

    def on_step(self, trainer, report: StepReport) -> None:
        self.run._record_step(report)

    def on_eval(self, trainer, step: int, result) -> None:
        self.run._record_eval(step, trainer.elapsed, result.as_dict())

    def on_probe(self, trainer, snapshot: ProbeSnapshot) -> None:
        self.run._record_probe(snapshot)


class TrainingRun:
    """A seq2seq training run with everything needed to show it live and to save its result.

    Data, model and trainer are built at construction (a fraction of a second), so bad settings fail at
    the click, with a message, before the run takes a place in the queue.
    """

    def __init__(
        self,
        task: Task,
        choice: ModelChoice | None,
        train_config: TrainConfig,
        device: str = "cpu",
        probe_text: str | None = None,
        initial: Checkpoint | None = None,
        label: str = "",
        threads: int | None = None,
        separate_process: bool = False,
    ) -> None:
        """``threads``: torch intra-op threads for this run's thread (None: leave torch's setting). A server
        running one job per core wants 1: OpenMP teams of several threads per job fight each other and
        the web server for the cores, which made a 2-core server train 6x slower.

        ``separate_process``: ``run()`` trains in a child process and relays its reports
        (``seqviz.training.child_process``), so a web server's pages stay quick; the data and model are still
        built here, at once, so bad settings fail at the click and the view can label what it shows."""
        if choice is not None and initial is None:
            choice.validate()
        self.label = label or task.name
        self.threads = threads
        self.device = device
        self.probe_text = probe_text
        self._child: Any = None  # the link to the child process while it trains (separate_process)
        self._status: dict[str, float] = {"step": 0, "elapsed": 0.0, "progress": 0.0}  # the child's
        self._paused = False  # pause asked of the child
        self.choice = choice
        self.train_config = train_config
        self.initial = initial
        self.step_offset = (
            int(initial.training.get("steps_total", initial.training.get("steps_done", 0)))
            if (initial)
            else 0
        )
        self._lock = threading.Lock()
        self._history: list[dict[str, Any]] = []
        self._evaluations: list[dict[str, Any]] = []
        self._snapshots: list[ProbeSnapshot] = []
        self._last_report: StepReport | None = None
        self._state = WAITING
        self._error: str | None = None
        self._stop_requested: StopCause | None = None
        self.result: TrainResult | None = None
        self.created = time.time()
        self.training: Seq2SeqTraining = prepare_training(
            task, choice, train_config, device, [_Recorder(self)], initial, probe_text
        )
        if initial is not None:  # the curve continues from where the checkpoint left off
            self._history = [dict(entry) for entry in initial.history]
        self._recipe: Any = None  # what a child process needs to build this run (separate_process)
        if separate_process:
            from seqviz.training.child_process import check_picklable, recipe_for

            self._recipe = recipe_for(task, choice, train_config, device, probe_text, initial, threads)
            check_picklable(self._recipe)

    # -- the job's side ---------------------------------------------------------------------------------
    def run(self) -> TrainResult | None:
        with self._lock:
            if self._stop_requested:
                self._state = FINISHED
                return None
            self._state = RUNNING
        try:
            if self._recipe is not None:
                from seqviz.training.child_process import train_in_child

                result = train_in_child(self, self._recipe, self.training.trainer.model)
            else:
                with torch_threads(self.threads):
                    result = self.training.trainer.run()
        except BaseException as exc:
            with self._lock:
                self._state = FAILED
                self._error = f"{type(exc).__name__}: {exc}"
            raise
        with self._lock:
            self.result = result
            self._state = FINISHED
        return result

    def stop(self, reason: StopCause = StopCause.USER) -> None:
        with self._lock:
            self._stop_requested = reason
            child = self._child
        if child is not None:
            child.send("stop", reason)
        self.training.trainer.stop(reason)

    # -- the child's news (separate_process; ``child_process.ChildSink``): called on the job's thread -----
    def attach_child(self, link: Any) -> None:
        with self._lock:
            self._child = link
            stop = self._stop_requested
            paused = self._paused
        if link is not None and stop:  # asked to stop while the child was starting
            link.send("stop", stop)
        elif link is not None and paused:
            link.send("pause")

    def receive(self, message: tuple[Any, ...]) -> None:
        kind, *fields = message
        if kind == "step":
            report, status = fields
            self._record_step(StepReport(**report), status)
        elif kind == "eval":
            step, elapsed, result, status = fields
            self._record_eval(step, elapsed, result, status)
        elif kind == "probe":
            self._record_probe(fields[0])

    # -- what the trainer reports, from this process's trainer or the child's ---------------------------
    def _record_step(self, report: StepReport, status: dict[str, float] | None = None) -> None:
        with self._lock:
            self._history.append({**report.__dict__, "step": report.step + self.step_offset})
            self._last_report = report
            if status is not None:
                self._status = status

    def _record_eval(
        self, step: int, elapsed: float, result: dict[str, Any], status: dict[str, float] | None = None
    ) -> None:
        with self._lock:
            self._evaluations.append({"step": step + self.step_offset, "elapsed": elapsed, **result})
            if status is not None:
                self._status = status

    def _record_probe(self, snapshot: ProbeSnapshot) -> None:
        shifted = ProbeSnapshot(**{**snapshot.__dict__, "step": snapshot.step + self.step_offset})
        with self._lock:
            self._snapshots.append(shifted)

    # -- the page's side --------------------------------------------------------------------------------
    def pause(self) -> None:
        self._command("pause")

    def resume(self) -> None:
        self._command("resume")

    def _command(self, command: str) -> None:
        if not self.separate_process:
            getattr(self.training.trainer, command)()
            return
        with self._lock:
            self._paused = command == "pause"
            child = self._child
        if child is not None:
            child.send(command)

    @property
    def separate_process(self) -> bool:
        return self._recipe is not None

    @property
    def paused(self) -> bool:
        return self._paused if self.separate_process else self.training.trainer.paused

    @property
    def state(self) -> RunState:
        with self._lock:
            state = self._state
            if state == WAITING and self._stop_requested:
                return FINISHED  # cancelled while it waited for a slot
        if state == RUNNING and self.paused:
            return PAUSED
        return state

    @property
    def finished(self) -> bool:
        return self.state in (FINISHED, FAILED)

    def checkpoint(self) -> Checkpoint:
        """The trained model as an unsaved checkpoint; only once the run has ended."""
        if self.result is None:
            raise InputError("the run has not finished yet: stop it or let it end before saving")
        return self.training.checkpoint(self.result)

    def _cancel_message(self) -> str:
        reason = self._stop_requested
        return f"stopped {STOP_PHRASES[reason]} before it started" if reason else ""

    def _live_numbers(self) -> tuple[int, float, float]:
        """(step, elapsed seconds, progress 0..1) now: the trainer's own, or the child's latest report."""
        trainer = self.training.trainer
        if not self.separate_process:
            return trainer.step, trainer.elapsed, trainer.progress()
        with self._lock:
            status = dict(self._status)
        result = self.result
        if result is not None:  # the final numbers, not the last report's (a report comes every few steps)
            return result.steps, result.elapsed, status["progress"]
        return int(status["step"]), float(status["elapsed"]), float(status["progress"])

    def view(self) -> RunView:
        trainer = self.training.trainer
        step, elapsed, progress = self._live_numbers()
        with self._lock:
            history = list(self._history)
            evaluations = list(self._evaluations)
            snapshots = list(self._snapshots)
            report = self._last_report
            error = self._error
        state = self.state
        result = self.result
        data = self.training.data
        probe = trainer.probe_source or []
        return RunView(
            label=self.label,
            state=state,
            step=step + self.step_offset,
            total_steps=(self.train_config.steps + self.step_offset) if self.train_config.steps else None,
            elapsed=elapsed,
            progress=1.0
            if result is not None and result.stop_reason in (StopReason.STEPS, StopReason.TIME)
            else progress,
            eta=None if state in (FINISHED, FAILED) else (report.eta if report else None),
            history=history,
            evaluations=evaluations,
            snapshots=snapshots,
            stop_reason=result.stop_reason if result else None,
            stop_cause=result.stop_cause if result else self._stop_requested,
            message=result.message if result else self._cancel_message(),
            error=error,
            source_tokens=[data.source_vocab.token_of(i) for i in probe],
            target_vocab_tokens=(  # a copy model's probe: its copyable words too, as themselves
                list(
                    trainer.probe_vocab.tokens
                    if trainer.probe_vocab is not None
                    else data.target_vocab.tokens
                )
            ),
        )
