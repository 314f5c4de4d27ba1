"""One live training run, as the Train page sees it: settings in, a back end trains, the page reads.

``TrainingRun`` is the ``work`` a ``JobManager`` runs: ``run()`` trains in the job's thread and ``stop()``
ends it from any other. It is one state machine (``RunState``: waiting, running or paused, finished or
failed) whatever trains it: the training itself happens in a back end chosen by name
(``seqviz.training.backends``: in this thread, in a child process), which reports into the run's
``RunProgress``. The page never touches the trainer or the back end; it reads ``view()``, a consistent copy
of everything it draws (curves, evaluations, probe snapshots, progress, state), so a redraw twice a second
never sees half an update and never blocks training.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from seqviz.checkpoints.history import StepReport
from seqviz.checkpoints.store import Checkpoint
from seqviz.data.tasks import Task
from seqviz.errors import InputError
from seqviz.training.backends.base import RunCancelled, RunSpec
from seqviz.training.backends.registry import THREAD, make_backend
from seqviz.training.run_progress import RunProgress
from seqviz.training.states import STOP_PHRASES, RunState, StopCause, StopReason
from seqviz.training.trainer import ProbeSnapshot, TrainConfig, TrainResult
from seqviz.training.workflows import ModelChoice, Seq2SeqTraining, prepare_training

if TYPE_CHECKING:
    import torch

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
    history: list[StepReport]  # "step" counts from the start of the whole model
    evaluations: list[dict[str, Any]]  # {"step", "exact_match", "token_accuracy", "bleu", ...}
    snapshots: list[ProbeSnapshot]
    stop_reason: StopReason | None  # None: it ended before it started (or has not ended)
    message: str  # the CLI's English sentence about how it ended
    error: str | None
    source_tokens: list[str] = field(default_factory=list)  # the probe's input tokens (<eos> included)
    target_vocab_tokens: list[str] = field(default_factory=list)  # id -> token, to label probe outputs
    stop_cause: StopCause | None = None  # who asked it to stop (stopped, or cancelled while waiting)
    where: str | None = None  # the machine it trains on, when that is not this server (a cluster node)
    waiting_ahead: int | None = None  # while it waits for a cluster CPU: this server's runs ahead of it

    @property
    def latest(self) -> StepReport | None:
        return self.history[-1] if self.history else None

    @property
    def latest_eval(self) -> dict[str, Any] | None:
        return self.evaluations[-1] if self.evaluations else None


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
        backend: str = THREAD,
    ) -> None:
        """``threads``: torch intra-op threads while training (None: leave torch's setting). A server
        running one job per core wants 1: OpenMP teams of several threads per job fight each other and
        the web server for the cores, which made a 2-core server train 6x slower.

        ``backend``: where ``run()`` trains (``seqviz.training.backends.registry``): ``"thread"`` in the
        job's thread, ``"child"`` in a child process that relays its reports, so a web server's pages stay
        quick. The data and model are built here either way, at once, so bad settings fail at the click and
        the view can label what it shows."""
        if choice is not None and initial is None:
            choice.validate()
        self.label = label or task.name
        self.threads = threads
        self.device = device
        self.probe_text = probe_text
        self.choice = choice
        self.train_config = train_config
        self.initial = initial
        self.step_offset = initial.training.steps_so_far if initial else 0
        self._lock = threading.Lock()
        self._state = WAITING  # WAITING, RUNNING, or FINISHED when cancelled; the sink says how it ended
        self._stop_requested: StopCause | None = None
        self.created = time.time()
        self.training: Seq2SeqTraining = prepare_training(
            task, choice, train_config, device, (), initial, probe_text
        )
        # the curve continues from where the checkpoint left off
        self.progress = RunProgress(self.step_offset, initial.history if initial is not None else None)
        spec = RunSpec(task, choice, train_config, device, probe_text, initial, threads)
        self.backend = make_backend(backend, spec, self.training)

    # -- the job's side ---------------------------------------------------------------------------------
    def run(self) -> TrainResult | None:
        with self._lock:
            if self._stop_requested:
                self._state = FINISHED
                return None
            self._state = RUNNING
        try:
            result = self.backend.start(self.progress)
            _load_weights(self.training.trainer.model, self.backend.final_weights())
        except RunCancelled:  # stopped while it waited for the back end's place (the cluster's queue)
            with self._lock:
                self._state = FINISHED
            return None
        except BaseException as exc:
            self.progress.record_failure(f"{type(exc).__name__}: {exc}")
            raise
        self.progress.record_result(result)  # after the weights: a run that says finished can be saved
        return result

    def stop(self, reason: StopCause = StopCause.USER) -> None:
        with self._lock:
            self._stop_requested = reason
        self.backend.stop(reason)

    # -- the page's side --------------------------------------------------------------------------------
    def pause(self) -> None:
        self.backend.pause()

    def resume(self) -> None:
        self.backend.resume()

    @property
    def paused(self) -> bool:
        return self.backend.paused

    @property
    def result(self) -> TrainResult | None:
        return self.progress.result

    @property
    def state(self) -> RunState:
        if self.progress.error is not None:
            return FAILED
        if self.progress.result is not None:
            return FINISHED
        with self._lock:
            state = self._state
            if state == WAITING and self._stop_requested:
                return FINISHED  # cancelled while it waited for a slot
        if state == RUNNING and self.backend.poll().waiting_ahead is not None:
            return WAITING  # the job runs, but its back end still waits for a place (a cluster's CPU)
        if state == RUNNING and self.paused:
            return PAUSED
        return state

    @property
    def finished(self) -> bool:
        return self.state in (FINISHED, FAILED)

    def checkpoint(self) -> Checkpoint:
        """The trained model as an unsaved checkpoint; only once the run has ended."""
        result = self.result
        if result is None:
            raise InputError("the run has not finished yet: stop it or let it end before saving")
        return self.training.checkpoint(result)

    def _cancel_message(self) -> str:
        reason = self._stop_requested
        return f"stopped {STOP_PHRASES[reason]} before it started" if reason else ""

    def view(self) -> RunView:
        trainer = self.training.trainer
        position = self.backend.poll()
        copy = self.progress.copy()
        state = self.state
        result, report = copy.result, copy.last_report
        if result is not None:  # the final numbers, not the last report's (a report comes every few steps)
            step, elapsed = result.steps, result.elapsed
        else:
            step, elapsed = position.step, position.elapsed
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
            else position.progress,
            eta=None if state in (FINISHED, FAILED) else (report.eta if report else None),
            history=copy.history,
            evaluations=copy.evaluations,
            snapshots=copy.snapshots,
            stop_reason=result.stop_reason if result else None,
            stop_cause=result.stop_cause if result else self._stop_requested,
            message=result.message if result else self._cancel_message(),
            error=copy.error,
            where=position.where,
            waiting_ahead=position.waiting_ahead if state == WAITING else None,
            source_tokens=[data.source_vocab.token_of(i) for i in probe],
            target_vocab_tokens=(  # a copy model's probe: its copyable words too, as themselves
                list(
                    trainer.probe_vocab.tokens
                    if trainer.probe_vocab is not None
                    else data.target_vocab.tokens
                )
            ),
        )


def _load_weights(model: torch.nn.Module, weights: Mapping[str, torch.Tensor]) -> None:
    """Put a back end's final weights into the run's model (on the model's device)."""
    device = next(model.parameters()).device
    model.load_state_dict({name: tensor.to(device) for name, tensor in weights.items()})
