"""The checkpoints we ship load with today's code and still do what checkpoints/README.md says.

This catches a change to a tokenizer, a task or a model that silently breaks a shipped model.
"""

from __future__ import annotations

import pytest

from seqviz.checkpoints.store import DEFAULT_ROOT, list_checkpoints, load_checkpoint
from seqviz.data.examples import default_input
from seqviz.data.tasks import get_task
from seqviz.inference import trace_language_model, trace_text
from seqviz.training.workflows import evaluate_checkpoint, validation_examples

SHIPPED = list_checkpoints(DEFAULT_ROOT)


def test_checkpoints_are_shipped_and_small():
    assert SHIPPED, "no checkpoint in checkpoints/: run make checkpoints"
    total = sum(f.stat().st_size for info in SHIPPED for f in info.path.iterdir())
    assert total <= 25 * 1024 * 1024


@pytest.mark.parametrize("info", SHIPPED, ids=lambda info: info.name)
def test_shipped_checkpoint_still_works(info):
    checkpoint = load_checkpoint(info.path)
    if checkpoint.kind == "language_model":
        trace = trace_language_model(checkpoint, default_input(checkpoint))  # held-out text of its corpus
        assert trace.perplexity < 10
        return
    result = evaluate_checkpoint(checkpoint, size=100)
    stated = info.metrics["exact_match"]
    assert result.exact_match >= min(stated, 0.95) - 0.05, (result.exact_match, stated)
    example = validation_examples(checkpoint, 1)[0]
    traced = trace_text(checkpoint, example.source)
    # the replay's proof on this very sentence: an RNN's step-by-step replay against the module, a
    # Transformer's cached greedy steps against its teacher-forced pass
    error = traced.trace.step_error if checkpoint.kind == "transformer" else traced.trace.replay_error
    assert error is not None and error < 1e-4
    # A valid task input never maps to <unk>, except the words a task keeps out of every vocabulary on
    # purpose (en-fr-names: the names, which only a copy model can write)
    task = get_task(str(checkpoint.task.name))
    lost = [token for token in traced.source.unknown if task.vocabulary_word(token)]
    assert not lost, "a valid task input must never map to <unk>"


def test_the_chinese_language_model_does_what_the_readme_says():
    """charlm-zh-lstm: its held-out perplexity and token accuracy, as ``seqviz eval`` computes them now,
    are the numbers checkpoints/README.md states (to the README's three decimals)."""
    import re

    from seqviz.training.lm_evaluation import evaluate_language_model_checkpoint

    row = next(
        line
        for line in (DEFAULT_ROOT / "README.md").read_text("utf-8").splitlines()
        if "`charlm-zh-lstm`" in line
    )
    cells = [cell.strip() for cell in row.split("|")]
    stated_accuracy, stated_perplexity = float(cells[5]), float(cells[7])
    checkpoint = load_checkpoint(DEFAULT_ROOT / "charlm-zh-lstm")
    assert checkpoint.task.lm_corpus == "zh"
    result = evaluate_language_model_checkpoint(checkpoint)
    assert result.perplexity == pytest.approx(stated_perplexity, abs=0.0015)
    assert result.token_accuracy == pytest.approx(stated_accuracy, abs=0.0015)
    assert re.search(r"[\u4e00-\u9fff]", default_input(checkpoint)), "its example text is Chinese"
