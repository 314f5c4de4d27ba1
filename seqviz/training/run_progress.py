"""A live run's progress sink: everything its back end reported, kept for drawing.

Whatever trains a run (``seqviz.training.backends``) reports into one ``RunProgress``: each step, evaluation
and probe snapshot as it happens, then the result or the failure. Steps are shifted here, once, so that a
continued checkpoint's curve goes on from where it left off. ``copy()`` hands the page a consistent copy
under one lock, so a redraw never sees half an update and never blocks training for long.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from typing import Any

from seqviz.checkpoints.history import StepReport
from seqviz.training.trainer import ProbeSnapshot, TrainResult


@dataclass
class ProgressCopy:
    """What the sink holds at one moment (lists are copies: safe to read while training goes on)."""

    history: list[StepReport]  # "step" counts from the start of the whole model
    evaluations: list[dict[str, Any]]  # {"step", "elapsed", "exact_match", "token_accuracy", "bleu", ...}
    snapshots: list[ProbeSnapshot]
    last_report: StepReport | None  # unshifted: the trainer's own (its eta)
    result: TrainResult | None
    error: str | None


class RunProgress:
    """The ``ProgressSink`` of one run (thread-safe), plus the run's result or failure."""

    def __init__(self, step_offset: int = 0, earlier_history: list[StepReport] | None = None) -> None:
        self.step_offset = step_offset
        self._lock = threading.Lock()
        self._history: list[StepReport] = list(earlier_history or [])
        self._evaluations: list[dict[str, Any]] = []
        self._snapshots: list[ProbeSnapshot] = []
        self._last_report: StepReport | None = None
        self._result: TrainResult | None = None
        self._error: str | None = None

    # -- what a back end reports ----------------------------------------------------------------------
    def record_step(self, report: StepReport) -> None:
        with self._lock:
            self._history.append(report.shifted(self.step_offset))
            self._last_report = report

    def record_evaluation(self, step: int, elapsed: float, result: dict[str, Any]) -> None:
        with self._lock:
            self._evaluations.append({"step": step + self.step_offset, "elapsed": elapsed, **result})

    def record_probe(self, snapshot: ProbeSnapshot) -> None:
        shifted = replace(snapshot, step=snapshot.step + self.step_offset)
        with self._lock:
            self._snapshots.append(shifted)

    # -- how the run ended (the run records these: its weights are in place first) --------------------
    def record_result(self, result: TrainResult) -> None:
        with self._lock:
            self._result = result

    def record_failure(self, error: str) -> None:
        with self._lock:
            self._error = error

    @property
    def result(self) -> TrainResult | None:
        with self._lock:
            return self._result

    @property
    def error(self) -> str | None:
        with self._lock:
            return self._error

    def copy(self) -> ProgressCopy:
        with self._lock:
            return ProgressCopy(
                list(self._history),
                list(self._evaluations),
                list(self._snapshots),
                self._last_report,
                self._result,
                self._error,
            )
