"""Perplexity, defined once: checked against a hand computation and against the language model's trace."""

from __future__ import annotations

import math

import pytest

from seqviz.checkpoints.store import list_checkpoints, load_checkpoint
from seqviz.metrics import perplexity, perplexity_from_total


def test_perplexity_by_hand():
    # Three tokens with probabilities 1/2, 1/4 and 1/8: mean NLL = (ln 2 + ln 4 + ln 8) / 3 = 2 ln 2,
    # so the perplexity is exp(2 ln 2) = 4, the geometric mean of 2, 4 and 8.
    result = perplexity([math.log(2), math.log(4), math.log(8)])
    assert result.perplexity == pytest.approx(4.0)
    assert result.mean_nll == pytest.approx(2 * math.log(2))
    assert result.token_count == 3
    assert result.token_probabilities == pytest.approx((0.5, 0.25, 0.125))
    assert perplexity_from_total(6 * math.log(2), 3) == pytest.approx(4.0)


def test_a_uniform_model_has_the_vocabulary_size_as_perplexity():
    assert perplexity([math.log(37)] * 11).perplexity == pytest.approx(37.0)


def test_empty_is_not_a_perfect_score():
    assert math.isnan(perplexity([]).perplexity)
    assert math.isnan(perplexity_from_total(1.0, 0))


def test_the_language_model_trace_uses_the_same_definition():
    from seqviz.inference import trace_language_model

    info = next(info for info in list_checkpoints() if info.kind == "language_model")
    traced = trace_language_model(load_checkpoint(info.path), "the cat sat.")
    nll = [-float(v) for v in traced.token_log_probs]
    assert traced.perplexity == pytest.approx(math.exp(sum(nll) / len(nll)), rel=1e-9)
