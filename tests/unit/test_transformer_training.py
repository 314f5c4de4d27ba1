"""The Transformer through the same trainer, workflows and CLI as the RNN models (issue 21): ``--arch
transformer`` trains, saves, evaluates, translates and scores; the choice refuses RNN-only options; the
probe snapshots of a Transformer carry its cross-attention; a saved Transformer trains further."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from seqviz.checkpoints.store import checkpoint_root, load_checkpoint
from seqviz.cli import main
from seqviz.data.tasks import get_task
from seqviz.errors import InputError
from seqviz.models.transformer import Transformer
from seqviz.training.config import ModelChoice, TrainConfig
from seqviz.training.trainer import TrainCallback
from seqviz.training.workflows import prepare_training, train_task

TINY = ModelChoice(arch="transformer", hidden_size=16, num_heads=2, num_layers=1)


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def transformer_checkpoint(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("transformer") / "reverse-tx"
    arguments = ["train", "--task", "reverse", "--arch", "transformer", "--heads", "2", "--layers", "1"]
    arguments += ["--hidden", "16", "--steps", "20", "--eval-every", "1000", "--out", str(out), "--json"]
    assert main(arguments) == 0
    return out


def test_cli_trains_a_transformer_with_the_asked_shape(transformer_checkpoint):
    checkpoint = load_checkpoint(transformer_checkpoint)
    assert checkpoint.kind == "transformer" and isinstance(checkpoint.model, Transformer)
    config = checkpoint.config
    assert (config.d_model, config.num_heads, config.num_layers, config.d_ff) == (16, 2, 1, 64)
    assert checkpoint.training.steps_done == 20 and "exact_match" in checkpoint.metrics


def test_cli_eval_reads_a_trained_transformer(transformer_checkpoint, capsys):
    code, out, _ = run_cli(
        capsys, "eval", "--checkpoint", str(transformer_checkpoint), "--size", "40", "--json"
    )
    assert code == 0 and 0 <= json.loads(out)["exact_match"] <= 1


def test_cli_beam_log_probs_are_what_score_says(capsys):
    """On the shipped reverse-transformer (finished hypotheses in plain letters, which ``score`` reads back
    as the same tokens; it appends the ``<eos>`` a finished hypothesis ends with)."""
    where = str(checkpoint_root() / "reverse-transformer")
    code, out, _ = run_cli(
        capsys, "translate", "--checkpoint", where, "--input", "abcdefg", "--beam", "3", "--json"
    )
    assert code == 0
    nbest = json.loads(out)["nbest"]
    assert len(nbest) == 3 and all(hypothesis["finished"] for hypothesis in nbest)
    assert nbest[0]["output"] == "gfedcba"
    for hypothesis in nbest:
        arguments = ["score", "--checkpoint", where, "--input", "abcdefg", "--output", hypothesis["output"]]
        code, out, _ = run_cli(capsys, *arguments, "--json")
        assert code == 0
        assert json.loads(out)["log_prob"] == pytest.approx(hypothesis["log_prob"], abs=1e-4)


@pytest.mark.parametrize("flag", ["--copy", "--coverage", "--bidirectional"])
def test_cli_refuses_rnn_options_for_a_transformer(flag, tmp_path, capsys):
    code = main(["train", "--task", "reverse", "--arch", "transformer", flag, "--out", str(tmp_path / "x")])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err and flag.strip("-") in err
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize(
    "choice",
    [
        ModelChoice(arch="cnn"),
        ModelChoice(arch="transformer", hidden_size=30, num_heads=4),  # 30 is not a multiple of 4
        ModelChoice(arch="transformer", num_heads=9),
        ModelChoice(arch="transformer", num_layers=4),
        ModelChoice(arch="transformer", hidden_size=512),
    ],
)
def test_bad_transformer_choices_are_clear_errors(choice):
    with pytest.raises(InputError):
        choice.validate()


def test_rnn_choice_is_unchanged_by_the_new_fields():
    from seqviz.data.vocab import Vocab

    vocab = Vocab.build([list("abcdef")])
    rnn = ModelChoice().validate().config(vocab, vocab)
    assert rnn.kind == "seq2seq" and "arch" not in rnn.to_dict() and "num_heads" not in rnn.to_dict()


def test_probe_snapshots_of_a_transformer_carry_its_cross_attention():
    snapshots = []

    class Collect(TrainCallback):
        def on_probe(self, trainer, snapshot):
            snapshots.append(snapshot)

    config = TrainConfig(steps=10, eval_every=0, eval_size=20, log_every=5, probe_every=5)
    training = prepare_training(get_task("reverse"), TINY, config, callbacks=[Collect()])
    training.trainer.run()
    assert [s.step for s in snapshots][-2:] == [5, 10]
    last = snapshots[-1]
    trace = training.trainer.model.trace(last.source_ids, max_len=2 * len(last.source_ids) + 10)
    assert last.output_ids == trace.output_ids
    assert torch.allclose(torch.tensor(last.attention), trace.attention, atol=1e-6)
    assert last.encoder_gates == {}
    assert len(last.encoder_hidden) == len(last.source_ids) and len(last.encoder_hidden[0]) == 16


def test_a_saved_transformer_trains_further_with_its_vocabularies():
    first, _, _ = train_task(get_task("reverse"), TINY, TrainConfig(steps=4, eval_every=0, eval_size=20))
    config = TrainConfig(steps=3, eval_every=0, eval_size=20)
    training = prepare_training(get_task("reverse"), None, config, initial=first)
    result = training.trainer.run()
    again = training.checkpoint(result)
    assert again.kind == "transformer" and again.training.steps_total == 7
    assert again.source_vocab.tokens == first.source_vocab.tokens
