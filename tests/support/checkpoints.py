"""Checkpoints the tests build and tamper with: a small seq2seq model, what it outputs, and config.json
edited by hand (as an older seqviz, or an attacker, might have left it)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch

from seqviz.checkpoints.history import StepReport
from seqviz.checkpoints.provenance import TaskInfo
from seqviz.checkpoints.store import CONFIG_FILE, Checkpoint
from seqviz.data.tasks import get_task
from seqviz.models import Seq2Seq, Seq2SeqConfig


def small_checkpoint(seed: int = 0, hidden: int = 8) -> Checkpoint:
    task = get_task("reverse")
    source_vocab, target_vocab = task.build_vocabs()
    torch.manual_seed(seed)
    config = Seq2SeqConfig(len(source_vocab), len(target_vocab), hidden_size=hidden, embedding_size=4)
    return Checkpoint(
        model=Seq2Seq(config).eval(),
        config=config,
        target_vocab=target_vocab,
        source_vocab=source_vocab,
        task=TaskInfo(name="reverse", seed=0),
        metrics={"exact_match": 0.5},
        history=[StepReport(step=1, loss=2.0)],
    )


def untrained_checkpoint(task: str, **choice: Any) -> Checkpoint:
    """A small untrained model of ``task`` with any wiring (``ModelChoice`` fields): attention, copy,
    coverage, cell, layers, direction; the shipped checkpoints cover only some of them."""
    from seqviz.training.config import ModelChoice

    source_vocab, target_vocab = get_task(task).build_vocabs()
    torch.manual_seed(0)
    config = ModelChoice(embedding_size=6, hidden_size=10, **choice).config(source_vocab, target_vocab)
    return Checkpoint(
        Seq2Seq(config).eval(), config, target_vocab, source_vocab, task=TaskInfo(name=task, seed=0)
    )


def outputs(model) -> torch.Tensor:
    with torch.no_grad():
        return model.greedy(torch.tensor([[5, 6, 7, 2]]), torch.tensor([4]), 5).token_log_probs


class CreatesFile:
    """Unpickling this runs ``open(marker, 'w')``: what a hostile .pt file can do."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def edit_config(folder: Path, edit: Callable[[dict[str, Any]], Any]) -> None:
    """Rewrite ``folder``'s config.json after ``edit`` changed its parsed JSON in place."""
    meta = json.loads((folder / CONFIG_FILE).read_text(encoding="utf-8"))
    edit(meta)
    (folder / CONFIG_FILE).write_text(json.dumps(meta), encoding="utf-8")


def set_field(section: str, key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """An ``edit`` for ``edit_config``: ``meta[section][key] = value``."""
    return lambda meta: meta[section].__setitem__(key, value)
