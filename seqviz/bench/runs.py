"""Timed training runs of the three contestants, measured the same way.

Every run trains on the same task stream with the same vocabularies, is evaluated by greedy exact match on
the same validation examples, and stops at its time budget or once validation exact match reaches the
target. The clock counts training only: data preparation, forward, backward and the optimizer step are
in, evaluation is out (seqviz's trainer excludes it the same way).

Target tokens/s counts real target tokens (``<eos>`` included, padding not). It is the *median* over
windows of ``WINDOW`` consecutive updates (the first window left out, while caches and allocators warm up),
the way seqviz's trainer logs its own rate every 10 updates: on a shared machine another process can stall
a run for seconds, and a median ignores such a stall where a mean would not.
"""

from __future__ import annotations

import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import torch

from seqviz.bench.baselines import BaselineTrainer, D2LTrainer, EncodedPair, TutorialTrainer

if TYPE_CHECKING:
    from seqviz.training.config import ModelChoice, TrainConfig

WINDOW = 10  # updates per throughput window: seqviz's trainer's default ``log_every``


@dataclass(frozen=True)
class Budget:
    """How long a run may train and how often it is evaluated."""

    max_seconds: float
    eval_every: int  # steps between evaluations (an update: one pair for the tutorial, one batch otherwise)
    target_exact_match: float | None = 0.9
    max_steps: int | None = None


@dataclass(frozen=True)
class Evaluation:
    step: int
    elapsed: float  # training seconds before this evaluation
    exact_match: float


@dataclass
class RunResult:
    name: str
    device: str
    steps: int
    elapsed: float  # training seconds
    tokens_per_s: float  # median over windows of WINDOW updates
    seconds_per_step: float  # median over the same windows
    stop_reason: str  # time | target | steps
    evaluations: list[Evaluation] = field(default_factory=list)
    losses: list[float] = field(default_factory=list)
    other_cores: float | None = None  # CPUs other processes kept busy meanwhile (set by the caller)

    @property
    def final_exact_match(self) -> float | None:
        return self.evaluations[-1].exact_match if self.evaluations else None

    def time_to(self, exact_match: float) -> float | None:
        """Training seconds at the first evaluation with at least ``exact_match``; None if never."""
        for evaluation in self.evaluations:
            if evaluation.exact_match >= exact_match:
                return evaluation.elapsed
        return None

    def steps_to(self, exact_match: float) -> int | None:
        for evaluation in self.evaluations:
            if evaluation.exact_match >= exact_match:
                return evaluation.step
        return None


@dataclass(frozen=True)
class Window:
    steps: int
    tokens: int
    seconds: float


def median_rates(windows: Sequence[Window]) -> tuple[float, float]:
    """(median tokens/s, median seconds per update) over ``windows`` less the first (warm-up); all of them
    when there is only one."""
    used = [w for w in windows[1:] if w.seconds > 0] or [w for w in windows if w.seconds > 0]
    if not used:
        return 0.0, 0.0
    return (
        statistics.median(w.tokens / w.seconds for w in used),
        statistics.median(w.seconds / w.steps for w in used),
    )


def synchronize(device: torch.device) -> None:
    """Wait for queued GPU work, so a step's time is the time it took, not the time it took to queue."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def exact_match(
    greedy: Callable[[torch.Tensor, int], torch.Tensor], pairs: Sequence[EncodedPair], batch_size: int = 256
) -> float:
    """Share of ``pairs`` whose greedy output, up to and including ``<eos>``, equals the reference.

    Sources are grouped by length, so no batch holds padding and the baselines, which were written for one
    sentence or for their own masking, decode each sentence exactly as they would alone. Decoding as many
    steps as the reference is enough to decide: the reference ends with ``<eos>``.
    """
    by_length: dict[int, list[int]] = defaultdict(list)
    for index, (source, _) in enumerate(pairs):
        by_length[len(source)].append(index)
    correct = 0
    for indices in by_length.values():
        for start in range(0, len(indices), batch_size):
            chunk = indices[start : start + batch_size]
            source = torch.tensor([pairs[i][0] for i in chunk], dtype=torch.long)
            steps = max(len(pairs[i][1]) for i in chunk)
            outputs = greedy(source, steps).tolist()
            for row, i in enumerate(chunk):
                reference = pairs[i][1]
                correct += outputs[row][: len(reference)] == reference
    return correct / len(pairs)


def train_with_budget(
    trainer: BaselineTrainer, validation: Sequence[EncodedPair], budget: Budget, device: torch.device
) -> RunResult:
    """Run ``trainer.step()`` until the budget is spent or the target is reached."""
    elapsed = window_seconds = 0.0
    steps = window_tokens = 0
    losses: list[float] = []
    windows: list[Window] = []
    evaluations: list[Evaluation] = []
    stop_reason = "time"
    while True:
        if budget.max_steps is not None and steps >= budget.max_steps:
            stop_reason = "steps"
            break
        if elapsed >= budget.max_seconds:
            stop_reason = "time"
            break
        start = time.perf_counter()
        loss, tokens = trainer.step()
        synchronize(device)
        seconds = time.perf_counter() - start
        steps += 1
        elapsed += seconds
        losses.append(loss)
        window_tokens += tokens
        window_seconds += seconds
        if steps % WINDOW == 0:
            windows.append(Window(WINDOW, window_tokens, window_seconds))
            window_tokens, window_seconds = 0, 0.0
        if budget.eval_every and steps % budget.eval_every == 0:
            evaluations.append(Evaluation(steps, elapsed, exact_match(trainer.greedy, validation)))
            if budget.target_exact_match is not None and (
                evaluations[-1].exact_match >= budget.target_exact_match
            ):
                stop_reason = "target"
                break
    if not evaluations or evaluations[-1].step != steps:
        evaluations.append(Evaluation(steps, elapsed, exact_match(trainer.greedy, validation)))
    if not windows and steps:  # a run shorter than one window still says how fast it went
        windows.append(Window(steps, window_tokens, window_seconds))
    tokens_per_s, seconds_per_step = median_rates(windows)
    return RunResult(
        name=trainer.name,
        device=str(device),
        steps=steps,
        elapsed=elapsed,
        tokens_per_s=tokens_per_s,
        seconds_per_step=seconds_per_step,
        stop_reason=stop_reason,
        evaluations=evaluations,
        losses=losses,
    )


def run_baseline(
    kind: str, task_name: str, budget: Budget, device: torch.device, eval_size: int, seed: int = 0
) -> RunResult:
    """Train the ``tutorial`` or ``d2l`` baseline on the task's stream, seqviz's vocabularies and data."""
    from seqviz.data.tasks import get_task
    from seqviz.training.trainer import prepare_task_data

    task = get_task(task_name)
    data = prepare_task_data(task, seed=seed, eval_size=eval_size)
    sizes = (len(data.source_vocab), len(data.target_vocab))
    trainer: BaselineTrainer
    if kind == "tutorial":
        trainer = TutorialTrainer(*sizes, data.train_pairs, device=device, seed=seed)
    elif kind == "d2l":
        # d2l pads to a fixed num_steps; the widest source and target, <eos> included
        steps = (task.max_source_tokens + 1, task.max_target_tokens + 1)
        trainer = D2LTrainer(*sizes, data.train_pairs, device, *steps, seed=seed)
    else:
        raise ValueError(f"unknown baseline {kind!r}")
    return train_with_budget(trainer, data.validation_pairs, budget, device)


# seqviz's contestant: the same sizes as the baselines (embedding 64, hidden 128), with the decoder that
# uses the fast path under teacher forcing. Luong attention comes after the RNN (no input feeding), so the
# whole target runs through nn.LSTM in one call and all attention in one batched matmul, where the
# baselines' Bahdanau decoders loop over target steps in Python. Choosing that model *is* the engineering
# the row measures; the Train page offers it, and the shipped reverse-gru-luong-general uses it.
BENCH_MODEL = {"cell": "lstm", "attention": "luong-general", "embedding_size": 64, "hidden_size": 128}


def run_seqviz(
    task_name: str, budget: Budget, device: torch.device, eval_size: int, seed: int = 0
) -> RunResult:
    """seqviz's recipe (``train_task`` with ``BENCH_MODEL`` and the default learning rate), through the
    trainer the CLI and the Train page use. Its rates come from the trainer's own log windows."""
    from seqviz.training.trainer import TrainConfig
    from seqviz.training.workflows import ModelChoice

    config = TrainConfig(
        steps=budget.max_steps,
        max_seconds=budget.max_seconds,
        eval_every=budget.eval_every,
        eval_size=eval_size,
        target_exact_match=budget.target_exact_match,
        seed=seed,
    )
    return run_trainer("seqviz", task_name, ModelChoice(**BENCH_MODEL), config, device)


def run_trainer(
    name: str, task_name: str, choice: ModelChoice, config: TrainConfig, device: torch.device
) -> RunResult:
    """One run of seqviz's own trainer (``train_task``), measured as every contestant is: throughput the
    median of the trainer's log windows less the first, evaluations as the trainer recorded them."""
    from seqviz.data.tasks import get_task
    from seqviz.training.workflows import train_task

    _, result, _ = train_task(get_task(task_name), choice, config, device)
    evaluations = [Evaluation(e["step"], e["elapsed"], e["exact_match"]) for e in result.evaluations]
    rates, step_seconds = [], []
    previous_step, previous_elapsed = 0, 0.0
    for entry in result.history:  # one entry per log window: its rate, and the training clock at its end
        elapsed = entry.elapsed or 0.0
        rates.append(entry.tokens_per_s or 0.0)
        step_seconds.append((elapsed - previous_elapsed) / max(entry.step - previous_step, 1))
        previous_step, previous_elapsed = entry.step, elapsed
    measured = slice(1, None) if len(rates) > 1 else slice(None)  # the first window is warm-up
    return RunResult(
        name=name,
        device=str(device),
        steps=result.steps,
        elapsed=result.elapsed,
        tokens_per_s=statistics.median(rates[measured]) if rates else 0.0,
        seconds_per_step=statistics.median(step_seconds[measured]) if step_seconds else 0.0,
        stop_reason=result.stop_reason,
        evaluations=evaluations,
        losses=[h.loss for h in result.history],
    )
