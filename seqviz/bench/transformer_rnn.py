"""The ``transformer_*_vs_rnn`` rows: the course's "parallel training is faster" claim, measured.

The RNN vs Transformer page's two recipes (``seqviz.training.race``: LSTM + Bahdanau with hidden and
embeddings of 64 against a Transformer of d_model 64, 2 layers, 4 heads) train one after the other on the
benchmark's task through seqviz's own trainer, with the same thread count (the benchmark sets it once), the
same time budget, seed and evaluation schedule, each until validation exact match reaches 0.90 or the budget
is spent: one run each. Two rows, each the Transformer's figure with its ratio to the RNN's (both absolute
numbers in the note):

- ``transformer_tokens_per_s_vs_rnn``: target tokens/s; target ``>= 1`` (the Transformer reads every
  target position of a batch at once under teacher forcing, the RNN's decoder one after another);
- ``transformer_time_to_90_vs_rnn``: training seconds to 0.90 exact match; target ``<= 1``.

Small models on a CPU are where this claim is least sure to hold: a row that misses its target is a finding
to read, not a failure.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from seqviz.bench.machine import OtherLoad
from seqviz.bench.rows import Row, Target, compare
from seqviz.bench.runs import RunResult, run_trainer
from seqviz.training.race import RACE_EVAL_EVERY, RNN, TRANSFORMER, recipes

RUN_LABELS = {  # the benchmark report's runs table
    RNN: "RNN vs Transformer: LSTM + Bahdanau, embedding and hidden 64 (`seqviz.training.race`)",
    TRANSFORMER: "RNN vs Transformer: Transformer, d_model 64, 2 layers, 4 heads (`seqviz.training.race`)",
}
TARGETS = {
    "transformer_tokens_per_s_vs_rnn": Target(">=", 1),
    "transformer_time_to_90_vs_rnn": Target("<=", 1),
}


def race(
    task: str,
    seconds: float,
    eval_size: int,
    target: float,
    device: torch.device,
    seed: int = 0,
    progress: Callable[[str], None] = lambda message: None,
) -> dict[str, RunResult]:
    """The RNN's run, then the Transformer's: the page's recipes, a time budget and an early stop at
    ``target`` exact match each."""
    runs = {}
    for arch, recipe in recipes().items():
        progress(f"training the {arch} recipe on {task}, {device.type}, up to {seconds:g} s")
        config = recipe.train_config(
            seconds, seed=seed, eval_every=RACE_EVAL_EVERY, eval_size=eval_size, target_exact_match=target
        )
        others = OtherLoad()
        run = runs[arch] = run_trainer(arch, task, recipe.choice, config, device)
        run.other_cores = others.cores()
        progress(
            f"  {arch}: {run.tokens_per_s:,.0f} target tokens/s, {run.steps} updates in {run.elapsed:.1f} s, "
            f"{_reached(run, target)}"
        )
    return runs


def transformer_rows(runs: dict[str, RunResult], target: float, suffix: str = "") -> list[Row]:
    """The two rows (names + ``suffix``) from the pair's runs."""
    rnn, transformer = runs[RNN], runs[TRANSFORMER]
    unit = "target tokens/s"
    name = "transformer_tokens_per_s_vs_rnn"
    ours, theirs = transformer.tokens_per_s or None, rnn.tokens_per_s or None
    rows = [
        compare(
            name + suffix,
            ours,
            unit,
            ours / theirs if ours and theirs else None,
            TARGETS[name],
            f"Transformer {_figure(ours)} vs RNN {_figure(theirs)} {unit}",
        )
    ]
    name = "transformer_time_to_90_vs_rnn"
    ours, theirs = transformer.time_to(target), rnn.time_to(target)
    note = f"Transformer {_reached(transformer, target)} vs RNN {_reached(rnn, target)}"
    if ours is not None and theirs is None:  # only the RNN missed it: the ratio is below ours over its budget
        bound = ours / rnn.elapsed
        rows.append(Row(name + suffix, ours, "s", None, TARGETS[name], TARGETS[name].met(bound), note))
    else:
        ratio = ours / theirs if ours is not None and theirs else None
        rows.append(compare(name + suffix, ours, "s", ratio, TARGETS[name], note))
    return rows


def _figure(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.0f}"


def _reached(run: RunResult, target: float) -> str:
    seconds = run.time_to(target)
    if seconds is not None:
        return f"{seconds:.1f} s (update {run.steps_to(target)})"
    best = max((e.exact_match for e in run.evaluations), default=0.0)
    return f"{target:.0%} not reached in {run.elapsed:.0f} s (best {best:.3f})"
