"""RNN vs Transformer: the table's numbers are what they say (time to 90% from the evaluations, exact match
by length a plain recount of greedy outputs on the same examples, parameter counts), and a bad pair is
refused with a sentence."""

from __future__ import annotations

import dataclasses

import pytest
import torch

from seqviz.checkpoints.provenance import TaskInfo, TrainingInfo
from seqviz.checkpoints.store import Checkpoint, find_checkpoint, load_checkpoint
from seqviz.data.tasks import get_task
from seqviz.data.vocab import EOS_ID
from seqviz.errors import InputError
from seqviz.explain.bottleneck import TRAINING_LENGTHS, letter_examples
from seqviz.explain.comparison import (
    NEVER_REACHED,
    NO_EVALUATIONS,
    RNN_VIEWS,
    TRANSFORMER_VIEWS,
    compare_models,
    time_to_exact_match,
    time_to_exact_match_recorded,
)
from seqviz.models import build_model
from seqviz.models.shapes import parameter_count
from seqviz.training.race import RACE_WIDTH, RNN, TRANSFORMER, recipes
from tests.support.checkpoints import small_checkpoint


def evaluation(step: int, elapsed: float, exact_match: float) -> dict[str, float]:
    return {"step": step, "elapsed": elapsed, "exact_match": exact_match, "bleu": 0.0}


def test_time_to_90_is_the_first_evaluation_at_or_above_it():
    history = [evaluation(25, 1.5, 0.2), evaluation(50, 3.0, 0.9), evaluation(75, 4.5, 0.95)]
    reached = time_to_exact_match(history)
    assert reached.seconds == pytest.approx(3.0) and reached.step == 50
    assert reached.exact_match == pytest.approx(0.9) and reached.reason is None and not reached.at_most
    assert time_to_exact_match(history, target=0.95).step == 75


def test_time_to_90_never_reached_says_so_with_the_best_seen():
    reached = time_to_exact_match(
        [evaluation(25, 1.0, 0.4), evaluation(50, 2.0, 0.7), evaluation(75, 3.0, 0.6)]
    )
    assert reached.seconds is None and reached.step is None
    assert reached.reason == NEVER_REACHED and reached.exact_match == pytest.approx(0.7)
    empty = time_to_exact_match([])
    assert empty.seconds is None and empty.reason == NO_EVALUATIONS


def test_a_checkpoint_without_evaluations_gives_a_bound_from_its_record():
    checkpoint = small_checkpoint()
    checkpoint.metrics = {"exact_match": 0.97}
    checkpoint.training = TrainingInfo(seconds=12.5, steps_done=200)
    reached = time_to_exact_match_recorded(checkpoint)
    assert reached.at_most and reached.seconds == pytest.approx(12.5) and reached.step == 200
    checkpoint.metrics = {"exact_match": 0.5}
    assert time_to_exact_match_recorded(checkpoint).reason == NEVER_REACHED
    checkpoint.metrics = {}
    assert time_to_exact_match_recorded(checkpoint).reason == NO_EVALUATIONS


def test_a_recorded_time_to_90_is_exact_and_survives_a_save(tmp_path):
    """A run records when it first reached 0.90 (``training_record``); the table then shows that time, not a
    bound, and config.json keeps it. A hostile value is refused when the file is read."""
    from seqviz.checkpoints.store import save_checkpoint
    from seqviz.training.states import StopReason
    from seqviz.training.trainer import TrainConfig, TrainResult
    from seqviz.training.workflows import training_record
    from tests.support.checkpoints import edit_config, set_field

    evaluations = [
        {"step": 100, "elapsed": 4.0, "exact_match": 0.5},
        {"step": 200, "elapsed": 8.25, "exact_match": 0.93},
        {"step": 300, "elapsed": 12.0, "exact_match": 0.99},
    ]
    result = TrainResult(300, 12.0, StopReason.STEPS, "", evaluations=evaluations)
    record = training_record(TrainConfig(steps=300), "cpu", result)
    assert (record.seconds_to_90, record.step_to_90) == (8.25, 200)
    checkpoint = small_checkpoint()
    checkpoint.metrics = {"exact_match": 0.99}
    checkpoint.training = record
    reached = time_to_exact_match_recorded(checkpoint)
    assert not reached.at_most and (reached.seconds, reached.step) == (8.25, 200)
    path = save_checkpoint(checkpoint, tmp_path / "model")
    loaded = load_checkpoint(path)
    assert (loaded.training.seconds_to_90, loaded.training.step_to_90) == (8.25, 200)
    never = training_record(
        TrainConfig(steps=300),
        "cpu",
        TrainResult(300, 12.0, StopReason.STEPS, "", evaluations=evaluations[:1]),
    )
    assert never.seconds_to_90 is None and never.step_to_90 is None
    for bad in (-1.0, "soon", True):
        edit_config(path, set_field("training", "seconds_to_90", bad))
        with pytest.raises(Exception, match="seconds_to_90"):
            load_checkpoint(path)


@pytest.fixture(scope="module")
def shipped_rnn() -> Checkpoint:
    return load_checkpoint(find_checkpoint("reverse-lstm-bahdanau"))


@pytest.fixture(scope="module")
def transformer() -> Checkpoint:
    """A small untrained Transformer of the reverse task, with a made-up training record."""
    source, target = get_task("reverse").build_vocabs()
    torch.manual_seed(0)
    config = dataclasses.replace(recipes(16)[TRANSFORMER].choice).config(source, target)
    return Checkpoint(
        build_model(config).eval(),
        config,
        target,
        source,
        task=TaskInfo(name="reverse", seed=0),
        training=TrainingInfo(seconds=4.0, steps_done=40, tokens_per_s=2000.0),
        metrics={"exact_match": 0.0},
    )


def recount(checkpoint: Checkpoint, text: str, target: str) -> bool:
    """One example alone: its greedy output, up to and including <eos>, equals the reference (as many steps
    as the reference decide it: the reference ends with <eos>, where greedy decoding stops)."""
    source_ids = [checkpoint.source_vocab.id_of(ch) for ch in text] + [EOS_ID]
    reference = [checkpoint.target_vocab.id_of(ch) for ch in target] + [EOS_ID]
    with torch.no_grad():
        greedy = checkpoint.model.greedy(
            torch.tensor([source_ids]), torch.tensor([len(source_ids)]), len(reference)
        )
    output = greedy.tokens[0, : int(greedy.lengths[0])].tolist()
    return output == reference


def test_exact_match_by_length_is_a_recount_of_greedy_outputs_on_the_same_examples(shipped_rnn, transformer):
    evaluations = [evaluation(20, 2.0, 0.0), evaluation(40, 4.0, 0.0)]
    comparison = compare_models(shipped_rnn, transformer, None, evaluations, per_length=3, max_length=16)
    lengths = list(range(2, 17, 2))
    examples = letter_examples("reverse", lengths, 3)
    assert comparison.generated and comparison.training_lengths == TRAINING_LENGTHS
    for side, checkpoint in ((comparison.rnn, shipped_rnn), (comparison.transformer, transformer)):
        assert [bucket.length for bucket in side.by_length] == lengths  # beyond 12: longer than training
        for bucket in side.by_length:
            alone = [
                recount(checkpoint, e.source, e.target) for e in examples if len(e.source) == bucket.length
            ]
            assert bucket.count == len(alone) == 3
            assert bucket.exact_match == pytest.approx(sum(alone) / len(alone))
    # the shipped RNN reads its training lengths and fails far past them: the numbers are not all one value
    rnn_matches = {bucket.length: bucket.exact_match for bucket in comparison.rnn.by_length}
    assert rnn_matches[8] > rnn_matches[16]


def test_each_side_carries_its_record_its_size_and_its_views(shipped_rnn, transformer):
    evaluations = [evaluation(20, 2.0, 0.3)]
    comparison = compare_models(shipped_rnn, transformer, None, evaluations, per_length=1, max_length=4)
    rnn, other = comparison.rnn, comparison.transformer
    assert rnn.kind == "seq2seq" and rnn.views == RNN_VIEWS and rnn.cell == "lstm" and rnn.heads is None
    assert other.kind == "transformer" and other.views == TRANSFORMER_VIEWS and other.heads == 4
    assert other.width == 16 and other.layers == 2
    assert rnn.parameters == parameter_count(shipped_rnn.config)
    assert other.parameters == parameter_count(transformer.config)
    assert rnn.parameters == sum(p.numel() for p in shipped_rnn.model.parameters())
    assert other.parameters == sum(p.numel() for p in transformer.model.parameters())
    assert rnn.tokens_per_s == pytest.approx(shipped_rnn.training.tokens_per_s)
    assert comparison.tokens_per_s_ratio == pytest.approx(2000.0 / shipped_rnn.training.tokens_per_s)
    assert rnn.time_to_target.at_most  # the shipped record keeps no evaluations
    assert other.time_to_target.reason == NEVER_REACHED and other.time_to_target.exact_match == pytest.approx(
        0.3
    )
    assert comparison.time_to_target_ratio is None
    measured = dataclasses.replace(rnn.time_to_target, at_most=False)
    both = dataclasses.replace(comparison, rnn=dataclasses.replace(rnn, time_to_target=measured))
    assert both.time_to_target_ratio is None  # the Transformer never reached it
    reached = dataclasses.replace(other.time_to_target, seconds=2 * measured.seconds, reason=None)
    both = dataclasses.replace(both, transformer=dataclasses.replace(other, time_to_target=reached))
    assert both.time_to_target_ratio == pytest.approx(2.0)
    bound = dataclasses.replace(reached, at_most=True)  # a bound on either side: no ratio
    assert (
        dataclasses.replace(
            both, transformer=dataclasses.replace(other, time_to_target=bound)
        ).time_to_target_ratio
        is None
    )


def test_a_bad_pair_or_an_unbounded_request_is_refused_with_a_sentence(shipped_rnn, transformer):
    with pytest.raises(InputError, match="is not a Transformer"):
        compare_models(shipped_rnn, shipped_rnn)
    with pytest.raises(InputError, match="is not an RNN"):
        compare_models(transformer, transformer)
    other_task = dataclasses.replace(transformer, task=TaskInfo(name="copy", seed=0))
    with pytest.raises(InputError, match="compare models of one task"):
        compare_models(shipped_rnn, other_task)
    with pytest.raises(InputError, match="examples per length"):
        compare_models(shipped_rnn, transformer, per_length=101)
    with pytest.raises(InputError, match="longest input"):
        compare_models(shipped_rnn, transformer, max_length=41)


def test_the_race_recipes_are_the_same_size():
    pair = recipes()
    rnn, transformer = pair[RNN].choice, pair[TRANSFORMER].choice
    assert rnn.arch == "rnn" and transformer.arch == "transformer"
    assert rnn.hidden_size == rnn.embedding_size == transformer.hidden_size == RACE_WIDTH
    config = pair[TRANSFORMER].train_config(30.0, seed=3)
    assert config.max_seconds == 30.0 and config.steps is None and config.seed == 3
    assert config.learning_rate == pair[TRANSFORMER].learning_rate
    assert pair[RNN].train_config(30.0).eval_every == config.eval_every  # one evaluation schedule


def test_a_validation_set_is_capped_per_length_in_order():
    from seqviz.data.tasks import Example
    from seqviz.explain.comparison import _capped

    examples = [Example(text, text) for text in ("ab", "cd", "ef", "abc", "g", "hij", "kl", "mno")]
    kept = _capped(examples, small_checkpoint(), per_length=2)
    assert [e.source for e in kept] == ["ab", "cd", "abc", "g", "hij"]  # the first two of each length
