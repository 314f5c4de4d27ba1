"""Training back ends: each one satisfies the protocol and reports the same kinds of news into the same sink,
and a new one is a registration away: a fake back end registered here runs through the live run unchanged."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any, ClassVar

import pytest
import torch

from seqviz.checkpoints.history import StepReport
from seqviz.data.tasks import get_task
from seqviz.errors import InputError
from seqviz.training.backends.base import Position, ProgressSink, RunSpec, TrainingBackend
from seqviz.training.backends.registry import (
    CHILD,
    THREAD,
    backend_names,
    make_backend,
    register_backend,
    unregister_backend,
)
from seqviz.training.live_run import FINISHED, PAUSED, RUNNING, TrainingRun
from seqviz.training.run_progress import RunProgress
from seqviz.training.states import StopCause, StopReason
from seqviz.training.trainer import ProbeSnapshot, TrainConfig, TrainResult
from seqviz.training.workflows import ModelChoice, Seq2SeqTraining, prepare_training

SMALL = ModelChoice(cell="gru", attention="bahdanau", embedding_size=16, hidden_size=32)
CONFIG = TrainConfig(steps=10, batch_size=16, log_every=5, eval_every=5, eval_size=10, probe_every=5)


class RecordingSink(RunProgress):
    """The run's own sink, also noting each report's kind and argument types in the order they came."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, tuple[type, ...]]] = []

    def record_step(self, report: StepReport) -> None:
        self.calls.append(("record_step", (type(report),)))
        super().record_step(report)

    def record_evaluation(self, step: int, elapsed: float, result: dict[str, Any]) -> None:
        self.calls.append(("record_evaluation", (type(step), type(elapsed), type(result))))
        super().record_evaluation(step, elapsed, result)

    def record_probe(self, snapshot: ProbeSnapshot) -> None:
        self.calls.append(("record_probe", (type(snapshot),)))
        super().record_probe(snapshot)


def backend_named(name: str) -> tuple[TrainingBackend, Seq2SeqTraining]:
    task = get_task("reverse")
    training = prepare_training(task, SMALL, CONFIG, "cpu", (), None, "abcab")
    spec = RunSpec(task, SMALL, CONFIG, "cpu", "abcab", None, threads=1)
    return make_backend(name, spec, training), training


@pytest.mark.parametrize("name", [THREAD, CHILD])
def test_each_backend_satisfies_the_protocol_and_reports_into_the_sink(name):
    backend, training = backend_named(name)
    assert isinstance(backend, TrainingBackend)
    assert backend.poll() == Position() and not backend.paused
    sink = RecordingSink()
    result = backend.start(sink)
    assert isinstance(result, TrainResult) and result.steps == 10
    assert backend.poll().step == 10
    # the same kinds of news in the same order, whichever back end trained: probe at 0, then per 5 updates a
    # step report, a probe snapshot and an evaluation, and the final evaluation
    per_five = [
        ("record_step", (StepReport,)),
        ("record_probe", (ProbeSnapshot,)),
        ("record_evaluation", (int, float, dict)),
    ]
    assert sink.calls == [("record_probe", (ProbeSnapshot,)), *per_five, *per_five, per_five[-1]]
    progress = sink.copy()
    assert [entry.step for entry in progress.history] == [5, 10]
    assert [evaluation["step"] for evaluation in progress.evaluations] == [5, 10, 10]
    assert [snapshot.step for snapshot in progress.snapshots] == [0, 5, 10]
    weights = backend.final_weights()
    assert set(weights) == set(training.trainer.model.state_dict())


def test_an_unknown_backend_is_refused_with_the_known_ones():
    assert {THREAD, CHILD} <= set(backend_names())
    with pytest.raises(InputError, match="thread"):
        TrainingRun(get_task("reverse"), SMALL, CONFIG, backend="carrier-pigeon")


class ScriptedBackend:
    """A third back end, as a cluster's would be: it trains nowhere, reports three updates into the sink,
    waits to be stopped while paused or running, and hands back weights of its own (all 0.5)."""

    instances: ClassVar[list[ScriptedBackend]] = []

    def __init__(self, spec: RunSpec, training: Seq2SeqTraining) -> None:
        self.spec = spec
        self.names = list(training.trainer.model.state_dict())
        self.shapes = {name: value.shape for name, value in training.trainer.model.state_dict().items()}
        self._paused = False
        self.stopped: StopCause | None = None
        self.reported = threading.Event()
        self.wake = threading.Event()
        self.position = Position()
        ScriptedBackend.instances.append(self)

    def start(self, sink: ProgressSink) -> TrainResult:
        for step in (1, 2, 3):
            report = StepReport(step, 1.0 / step, 2.0, 0.1, 100.0, step * 0.5, None, 1e-3, 1.0, step / 10)
            sink.record_step(report)
            self.position = Position(step, step * 0.5, step / 10)
        sink.record_evaluation(3, 1.5, {"exact_match": 0.25, "bleu": 10.0})
        self.reported.set()
        self.wake.wait(30)
        return TrainResult(
            3, 1.5, StopReason.STOPPED, "stopped by the user at step 3", stop_cause=self.stopped
        )

    def pause(self) -> None:
        self._paused = True

    def resume(self) -> None:
        self._paused = False

    def stop(self, cause: StopCause) -> None:
        self.stopped = cause
        self.wake.set()

    @property
    def paused(self) -> bool:
        return self._paused

    def poll(self) -> Position:
        return self.position

    def final_weights(self) -> Mapping[str, torch.Tensor]:
        return {name: torch.full(shape, 0.5) for name, shape in self.shapes.items()}


@pytest.fixture
def scripted_backend():
    register_backend("scripted", ScriptedBackend)
    ScriptedBackend.instances.clear()
    yield "scripted"
    unregister_backend("scripted")


def test_a_new_backend_registered_here_runs_through_the_live_run(scripted_backend):
    run = TrainingRun(get_task("reverse"), SMALL, CONFIG, backend=scripted_backend, threads=2)
    backend = ScriptedBackend.instances[-1]
    assert run.backend is backend and backend.spec.threads == 2 and backend.spec.train_config is CONFIG
    thread = threading.Thread(target=run.run)
    thread.start()
    assert backend.reported.wait(30)
    assert run.state == RUNNING
    run.pause()
    assert run.state == PAUSED and backend.paused
    run.resume()
    view = run.view()
    assert view.state == RUNNING and view.step == 3 and view.progress == pytest.approx(0.3)
    assert [entry.step for entry in view.history] == [1, 2, 3]
    assert view.latest_eval == {"step": 3, "elapsed": 1.5, "exact_match": 0.25, "bleu": 10.0}
    run.stop(StopCause.USER)
    thread.join(30)
    view = run.view()
    assert view.state == FINISHED and view.stop_reason is StopReason.STOPPED
    assert view.stop_cause is StopCause.USER
    # its final weights are the run's: what a save keeps
    for value in run.checkpoint().model.state_dict().values():
        assert torch.equal(value, torch.full(value.shape, 0.5))


def test_without_a_cluster_address_nothing_about_ray_is_imported():
    """The embedded default pays nothing for the cluster back end: Ray is imported only by the gateway
    process (``seqviz.training.backends.ray_gateway``), never by the server, even with the address set."""
    import subprocess
    import sys

    from seqviz import PROJECT_ROOT

    code = (
        "import sys, seqviz.training.live_run, seqviz.training.backends.registry, seqviz.ui.training, "
        "seqviz.ui.widgets.train, seqviz.ui.widgets.lm, seqviz.ui.cluster_calls\n"
        "print('ray' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert out.stdout.strip() == "False", out.stderr
