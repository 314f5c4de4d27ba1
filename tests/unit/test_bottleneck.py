"""Exact match by input length: the numbers behind the Attention page's bottleneck chart."""

from __future__ import annotations

import pytest

from seqviz.checkpoints.store import checkpoint_root, load_checkpoint
from seqviz.data.tasks import is_held_out
from seqviz.errors import InputError
from seqviz.explain.bottleneck import TRAINING_LENGTHS, exact_match_by_length, letter_examples
from seqviz.inference import greedy_translate

CHECKPOINT_DIR = checkpoint_root()


def test_letter_examples_are_held_out_and_have_the_asked_lengths():
    examples = letter_examples("reverse", [3, 8, 15], per_length=5)
    assert [len(e.source) for e in examples] == [3] * 5 + [8] * 5 + [15] * 5
    assert all(e.target == e.source[::-1] for e in examples)
    in_range = [e for e in examples if TRAINING_LENGTHS[0] <= len(e.source) <= TRAINING_LENGTHS[1]]
    assert in_range and all(is_held_out("reverse", e.source) for e in in_range)
    assert letter_examples("reverse", [8], 5) == letter_examples("reverse", [8], 5)  # seeded


def test_unknown_task_is_refused():
    with pytest.raises(InputError):
        letter_examples("dates", [5], 3)


def test_buckets_count_what_greedy_decoding_gets_right():
    checkpoint = load_checkpoint(CHECKPOINT_DIR / "reverse-lstm-bahdanau")
    examples = letter_examples("reverse", [6, 9], per_length=8)
    buckets = exact_match_by_length(checkpoint, examples)
    assert [(b.length, b.count) for b in buckets] == [(6, 8), (9, 8)]
    for bucket, length in zip(buckets, [6, 9], strict=True):
        hits = sum(
            greedy_translate(checkpoint, e.source).output == e.target
            for e in examples
            if len(e.source) == length
        )
        assert bucket.exact_match == pytest.approx(hits / 8)


def test_refuses_a_language_model_and_an_empty_set():
    with pytest.raises(InputError):
        exact_match_by_length(
            load_checkpoint(CHECKPOINT_DIR / "charlm-lstm"), letter_examples("reverse", [5], 2)
        )
    with pytest.raises(InputError):
        exact_match_by_length(load_checkpoint(CHECKPOINT_DIR / "reverse-lstm-none"), [])
