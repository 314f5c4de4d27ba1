"""The checkpoints we ship load with today's code and still do what checkpoints/README.md says.

This catches a change to a tokenizer, a task or a model that silently breaks a shipped model.
"""

from __future__ import annotations

import pytest

from seqviz.checkpoint import DEFAULT_ROOT, list_checkpoints, load_checkpoint
from seqviz.data.tasks import get_task
from seqviz.inference import trace_language_model, trace_text
from seqviz.workflows import evaluate_checkpoint, validation_examples

SHIPPED = list_checkpoints(DEFAULT_ROOT)


def test_checkpoints_are_shipped_and_small():
    assert SHIPPED, "no checkpoint in checkpoints/: run make checkpoints"
    total = sum(f.stat().st_size for info in SHIPPED for f in info.path.iterdir())
    assert total <= 25 * 1024 * 1024


@pytest.mark.parametrize("info", SHIPPED, ids=lambda info: info.name)
def test_shipped_checkpoint_still_works(info):
    checkpoint = load_checkpoint(info.path)
    if checkpoint.kind == "language_model":
        trace = trace_language_model(checkpoint, "The river runs past the mill.")
        assert trace.perplexity < 10
        return
    result = evaluate_checkpoint(checkpoint, size=100)
    stated = info.metrics["exact_match"]
    assert result.exact_match >= min(stated, 0.95) - 0.05, (result.exact_match, stated)
    example = validation_examples(checkpoint, 1)[0]
    traced = trace_text(checkpoint, example.source)
    assert traced.trace.replay_error < 1e-4
    # A valid task input never maps to <unk>, except the words a task keeps out of every vocabulary on
    # purpose (en-fr-names: the names, which only a copy model can write)
    task = get_task(str(checkpoint.task["name"]))
    lost = [token for token in traced.source.unknown if task.vocabulary_word(token)]
    assert not lost, "a valid task input must never map to <unk>"
