"""Full vs truncated BPTT side by side: the runs differ only in truncation, the truncated run's gradient
reaches back exactly k steps, and the LM page trains and draws both on request."""

from __future__ import annotations

import pytest

from seqviz.data.lm_corpus import language_model_corpus
from seqviz.errors import InputError
from seqviz.explain.bptt_study import BpttSettings, bptt_comparison


@pytest.fixture(scope="module")
def runs():
    return bptt_comparison(language_model_corpus(), BpttSettings(k=5, steps=20))


def test_two_runs_same_budget_different_truncation(runs):
    full, truncated = runs
    assert (full.label, full.bptt, truncated.label, truncated.bptt) == ("full", None, "truncated", 5)
    assert [h.step for h in full.history] == [h.step for h in truncated.history]
    assert full.history[-1].step == 20
    # the first update sees the same windows and the same initial weights: the same loss
    assert full.history[0].loss == pytest.approx(truncated.history[0].loss, rel=1e-4)


def test_truncated_gradient_reaches_back_exactly_k_steps(runs):
    full, truncated = runs
    length = BpttSettings().sequence_length
    assert len(full.reach) == len(truncated.reach) == length
    assert all(value > 0 for value in full.reach)
    assert [value > 0 for value in truncated.reach] == [False] * (length - 5) + [True] * 5


@pytest.mark.parametrize("text", ["", "short text", "x" * 1_000_001])
def test_unusable_text_is_an_input_error(text):
    with pytest.raises(InputError):
        bptt_comparison(text, BpttSettings(steps=10))


def test_bad_settings_are_input_errors():
    with pytest.raises(InputError):
        BpttSettings(k=0)
    with pytest.raises(InputError):
        BpttSettings(k=64)
