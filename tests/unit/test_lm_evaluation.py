"""Evaluating a language model: eval's perplexity is exp(mean next-token cross-entropy) on the very text that
training held out, computed by the one function the trainer uses; the CLI reports it with the seq2seq-only
metrics null."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F

from seqviz.checkpoints.store import load_checkpoint
from seqviz.cli import main
from seqviz.errors import InputError
from seqviz.training.lm_evaluation import LanguageModelEval, evaluate_language_model
from seqviz.training.workflows import evaluate_checkpoint

ROOT = Path(__file__).resolve().parents[2]
CHARLM = ROOT / "checkpoints" / "charlm-lstm"


@pytest.fixture(scope="module")
def charlm():
    return load_checkpoint(CHARLM)


def independent_held_out_metrics(checkpoint) -> tuple[float, float, int]:
    """Perplexity and accuracy written out again: the corpus's last tenth cut at a sentence start, each
    character looked up in the vocabulary by hand, torch's own mean cross-entropy, ``exp`` of it."""
    from seqviz.data.lm_corpus import LM_CORPUS, split_corpus

    train_text, held_out = split_corpus(LM_CORPUS)
    assert train_text + held_out == LM_CORPUS and len(held_out) < len(LM_CORPUS) / 5
    ids = torch.tensor([checkpoint.target_vocab.tokens.index(ch) for ch in held_out])
    with torch.no_grad():
        logits, _, _ = checkpoint.model.eval()(ids[:-1].unsqueeze(0))
    logits = logits.squeeze(0)
    mean_ce = F.cross_entropy(logits.double(), ids[1:], reduction="mean")
    accuracy = float(logits.argmax(-1).eq(ids[1:]).double().mean())
    return math.exp(float(mean_ce)), accuracy, len(ids) - 1


def test_eval_perplexity_is_exp_of_mean_cross_entropy_on_the_held_out_text(charlm):
    result = evaluate_checkpoint(charlm)
    assert isinstance(result, LanguageModelEval)
    perplexity, accuracy, size = independent_held_out_metrics(charlm)
    assert result.perplexity == pytest.approx(perplexity, rel=1e-4)
    assert result.token_accuracy == pytest.approx(accuracy, abs=1 / size / 2)
    assert result.size == size
    # and it is the number training stored (the README row): the same split, the same definition
    assert result.perplexity == pytest.approx(charlm.metrics["perplexity"], rel=1e-4)
    assert result.size == charlm.metrics["size"]
    # a real model, not a uniform guess: far below the vocabulary size
    assert 1 < result.perplexity < len(charlm.target_vocab) / 4


def test_the_trainer_evaluates_with_the_same_function(monkeypatch):
    """Training's held-out evaluation and eval on the saved checkpoint agree: one function behind both."""
    import seqviz.training.trainer as train_module
    from seqviz.data.lm_corpus import language_model_corpus
    from seqviz.training.trainer import LanguageModelTrainConfig
    from seqviz.training.workflows import LanguageModelChoice, train_language_model

    calls = []

    def counting(*args, **kwargs):
        calls.append(args)
        return evaluate_language_model(*args, **kwargs)

    monkeypatch.setattr(train_module, "evaluate_language_model", counting)
    checkpoint, result = train_language_model(
        language_model_corpus(),
        LanguageModelChoice(hidden_size=16, embedding_size=8),
        LanguageModelTrainConfig(steps=4, batch_size=4, sequence_length=24, bptt=8, eval_every=0),
    )
    assert calls, "the trainer did not call evaluate_language_model"
    again = evaluate_checkpoint(checkpoint)
    assert again.perplexity == pytest.approx(result.final_eval.perplexity, rel=1e-4)
    assert again.perplexity == pytest.approx(independent_held_out_metrics(checkpoint)[0], rel=1e-4)


def test_too_little_text_is_an_input_error(charlm):
    with pytest.raises(InputError, match="two held-out tokens"):
        evaluate_language_model(charlm.model, [5])


def test_cli_eval_of_a_language_model(charlm, capsys):
    assert main(["eval", "--checkpoint", str(CHARLM), "--json"]) == 0
    metrics = json.loads(capsys.readouterr().out)
    assert set(metrics) == {"exact_match", "token_accuracy", "bleu", "perplexity", "size"}
    assert metrics["exact_match"] is None and metrics["bleu"] is None
    perplexity, accuracy, size = independent_held_out_metrics(charlm)
    assert metrics["perplexity"] == pytest.approx(perplexity, rel=1e-4)
    assert metrics["token_accuracy"] == pytest.approx(accuracy, abs=1 / size / 2)
    assert metrics["size"] == size

    assert main(["eval", "--checkpoint", str(CHARLM)]) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith("charlm-lstm: perplexity ")
    assert f"perplexity {perplexity:.4f}" in line or f"perplexity {metrics['perplexity']:.4f}" in line
    assert f"{size} held-out tokens" in line and "seq2seq" in line
    assert "eval measures seq2seq checkpoints" not in line
