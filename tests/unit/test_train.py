"""The trainer: determinism, control from another thread, divergence handling."""

from __future__ import annotations

import threading

import pytest
import torch

from seqviz.data.tasks import get_task
from seqviz.training.trainer import TrainCallback, TrainConfig
from seqviz.training.workflows import ModelChoice, train_task

SMALL = ModelChoice(cell="gru", attention="luong-general", embedding_size=8, hidden_size=16)


def quick(steps=12, **overrides) -> TrainConfig:
    return TrainConfig(steps=steps, eval_every=0, eval_size=40, log_every=4, **overrides)


def test_same_seed_same_run():
    task = get_task("reverse")
    first, result1, _ = train_task(task, SMALL, quick(seed=7))
    second, result2, _ = train_task(task, SMALL, quick(seed=7))
    assert [h.loss for h in result1.history] == [h.loss for h in result2.history]
    for (name, a), (_, b) in zip(
        first.model.state_dict().items(), second.model.state_dict().items(), strict=True
    ):
        assert torch.equal(a, b), name
    _third, result3, _ = train_task(task, SMALL, quick(seed=8))
    assert [h.loss for h in result3.history] != [h.loss for h in result1.history]


def test_checkpoint_records_training_and_metrics():
    checkpoint, result, _ = train_task(get_task("copy"), SMALL, quick())
    assert checkpoint.task.name == "copy"
    assert checkpoint.training.steps_done == 12 and checkpoint.training.stop_reason == "steps"
    assert set(checkpoint.metrics) >= {"exact_match", "token_accuracy", "bleu", "perplexity"}
    assert len(result.history) == 3 and all((h.tokens_per_s or 0) > 0 for h in result.history)


def test_pause_resume_and_stop_from_another_thread():
    events: list[str] = []

    class Controller(TrainCallback):
        def on_step(self, trainer, report):
            if report.step == 4:
                trainer.pause()
                events.append("paused")
                threading.Timer(0.2, lambda: (events.append("resumed"), trainer.resume())).start()
            if report.step == 8:
                trainer.stop()

    _, result, _ = train_task(get_task("reverse"), SMALL, quick(steps=1000), callbacks=[Controller()])
    assert events == ["paused", "resumed"]
    assert result.stop_reason == "stopped" and result.steps == 8


def test_divergence_stops_and_keeps_last_good_weights():
    class Poison(TrainCallback):
        def on_step(self, trainer, report):
            if report.step == 4:
                self.good = {k: v.clone() for k, v in trainer.model.state_dict().items()}
                with torch.no_grad():  # what a far too high learning rate does, in one go
                    trainer.model.decoder.output.weight.mul_(float("inf"))

    poison = Poison()
    checkpoint, result, _ = train_task(get_task("reverse"), SMALL, quick(steps=50), callbacks=[poison])
    assert result.stop_reason == "diverged"
    assert "learning rate" in result.message and "step 4" in result.message
    for name, value in checkpoint.model.state_dict().items():
        assert torch.equal(value, poison.good[name]), name


class Spike(TrainCallback):
    """Inflates the output layer at update 4 (what a bad batch can do to a model, finitely); puts the
    weights back at update 8 unless ``lasting``."""

    def __init__(self, lasting: bool) -> None:
        self.lasting = lasting
        self.good: dict[str, torch.Tensor] = {}

    def on_step(self, trainer, report):
        weight = trainer.model.decoder.output.weight
        if report.step == 4:
            self.good = {k: v.clone() for k, v in trainer.model.state_dict().items()}
            with torch.no_grad():
                weight.mul_(100.0)
        elif report.step == 8 and not self.lasting:
            trainer.model.load_state_dict(self.good)


def test_one_window_far_above_the_best_is_a_spike_not_divergence():
    spike = Spike(lasting=False)
    _, result, _ = train_task(get_task("reverse"), SMALL, quick(steps=24), callbacks=[spike])
    assert result.stop_reason == "steps" and result.steps == 24
    losses = {report.step: report.loss for report in result.history}
    assert losses[8] > 3 * losses[4]  # the spike is on the curve, not hidden


def test_a_loss_that_stays_far_above_the_best_is_divergence_and_the_weights_before_it_are_kept():
    spike = Spike(lasting=True)
    checkpoint, result, _ = train_task(get_task("reverse"), SMALL, quick(steps=50), callbacks=[spike])
    assert result.stop_reason == "diverged" and result.steps == 12
    assert "step 4" in result.message  # the weights of the spike's window were never "good"
    for name, value in checkpoint.model.state_dict().items():
        assert torch.equal(value, spike.good[name]), name


def test_bad_train_config_is_a_clear_error():
    from seqviz.errors import InputError

    with pytest.raises(InputError, match="steps or a time budget"):
        TrainConfig().validate()
    with pytest.raises(InputError, match="bucket_pool"):
        TrainConfig(steps=1, bucket_pool=0).validate()
    with pytest.raises(InputError, match="teacher forcing"):
        TrainConfig(steps=1, teacher_forcing=1.5).validate()


def test_language_model_truncated_and_full_bptt():
    """Truncation changes the gradient (it stops at chunk borders) but not the loss of the forward pass."""
    from seqviz.data.lm_corpus import language_model_corpus
    from seqviz.models import LanguageModel, LanguageModelConfig
    from seqviz.training.trainer import LanguageModelTrainConfig, LanguageModelTrainer
    from seqviz.training.workflows import LanguageModelChoice, train_language_model

    checkpoint, result = train_language_model(
        language_model_corpus(),
        LanguageModelChoice(hidden_size=16, embedding_size=8),
        LanguageModelTrainConfig(
            steps=6, batch_size=4, sequence_length=24, bptt=8, log_every=3, eval_every=0
        ),
    )
    assert checkpoint.kind == "language_model" and result.steps == 6
    assert 1 < checkpoint.metrics["perplexity"] < len(checkpoint.target_vocab) * 2

    ids = list(range(4, 30)) * 4
    gradients = {}
    for bptt in (4, None):
        torch.manual_seed(0)
        model = LanguageModel(LanguageModelConfig(vocab_size=30, hidden_size=8, embedding_size=4))
        config = LanguageModelTrainConfig(steps=1, batch_size=2, sequence_length=16, bptt=bptt, eval_every=0)
        trainer = LanguageModelTrainer(model, ids, ids[:20], config)
        batch = next(trainer._batches())
        loss_sum, _ = trainer._forward_backward(batch)
        gradients[bptt] = (float(loss_sum), model.rnn.weight_hh_l0.grad.clone())
    assert gradients[4][0] == pytest.approx(gradients[None][0], rel=1e-5)  # same forward computation
    assert not torch.allclose(gradients[4][1], gradients[None][1])  # gradients truncated at chunk borders
