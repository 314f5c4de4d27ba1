"""The score breakdown the Attention page shows reproduces the attention the forward pass used."""

from __future__ import annotations

import pytest
import torch

from seqviz.errors import InputError
from seqviz.explain.attention_scores import explain_scores, unit_contributions
from seqviz.models import Seq2Seq, Seq2SeqConfig

CONFIGS = [
    {"attention": "bahdanau"},
    {"attention": "bahdanau", "coverage": True},
    {"attention": "bahdanau", "cell": "gru", "num_layers": 2, "bidirectional": True},
    {"attention": "luong-dot"},
    {"attention": "luong-general", "coverage": True},
    {"attention": "luong-general", "cell": "rnn", "num_layers": 2},
]


def model_for(settings: dict) -> Seq2Seq:
    torch.manual_seed(0)
    config = Seq2SeqConfig(12, 10, **{"embedding_size": 8, "hidden_size": 16, **settings}).validate()
    model = Seq2Seq(config).eval()
    if settings.get("coverage"):  # a non-zero coverage weight, so the term matters
        with torch.no_grad():
            model.decoder.attention.coverage_weight.uniform_(-1, 1)
    return model


@pytest.mark.parametrize("settings", CONFIGS, ids=lambda s: "-".join(f"{k}={v}" for k, v in s.items()))
def test_recomputed_weights_equal_the_forward_pass(settings):
    model = model_for(settings)
    trace = model.trace([4, 5, 6, 7, 2], [6, 5, 4, 2])  # teacher-forced, 4 output steps
    for step in range(4):
        breakdown = explain_scores(model, trace, step)
        assert torch.allclose(torch.tensor(breakdown.weights), trace.attention[step], atol=1e-6)
        assert sum(breakdown.weights) == pytest.approx(1.0, abs=1e-6)
        softmax = torch.softmax(torch.tensor(breakdown.scores), 0)
        assert torch.allclose(softmax, trace.attention[step], atol=1e-6)


@pytest.mark.parametrize("settings", [CONFIGS[0], CONFIGS[1]], ids=["plain", "coverage"])
def test_additive_terms_add_up_to_the_score(settings):
    model = model_for(settings)
    trace = model.trace([4, 5, 6, 2])
    breakdown = explain_scores(model, trace, 0)
    for position in range(len(breakdown.scores)):
        terms = breakdown.terms(model, trace, position)
        total = torch.tensor(terms.query_part) + torch.tensor(terms.key_part)
        if terms.coverage_part is not None:
            total = total + torch.tensor(terms.coverage_part)
        assert torch.allclose(torch.tanh(total), torch.tensor(terms.activation), atol=1e-6)
        assert terms.score == pytest.approx(
            float(torch.tensor(terms.v) @ torch.tensor(terms.activation)), abs=1e-5
        )
        assert terms.score == pytest.approx(breakdown.scores[position], abs=1e-5)
    assert breakdown.query_name == "s_{t-1}"


def test_luong_reads_the_current_state_and_has_no_additive_terms():
    model = model_for({"attention": "luong-dot"})
    trace = model.trace([4, 5, 2])
    breakdown = explain_scores(model, trace, 0)
    assert breakdown.query_name == "s_t"
    assert breakdown.terms(model, trace, 0) is None
    keys = trace.encoder_outputs
    assert torch.allclose(keys @ torch.tensor(breakdown.query), torch.tensor(breakdown.scores), atol=1e-5)


def test_no_attention_and_bad_steps_are_clear_errors():
    trace_model = model_for({"attention": "none"})
    with pytest.raises(InputError, match="no attention"):
        explain_scores(trace_model, trace_model.trace([4, 2]), 0)
    model = model_for({"attention": "bahdanau"})
    with pytest.raises(InputError, match="step must be"):
        explain_scores(model, model.trace([4, 5, 2], [4, 2]), 5)


@pytest.mark.parametrize("settings", CONFIGS, ids=lambda s: "-".join(f"{k}={v}" for k, v in s.items()))
def test_unit_contributions_add_up_to_every_score(settings):
    model = model_for(settings)
    trace = model.trace([4, 5, 6, 7, 2], [6, 5, 4, 2])
    for step in (0, 3):
        breakdown = explain_scores(model, trace, step)
        for position in range(len(breakdown.scores)):
            parts = unit_contributions(breakdown, model, trace, position)
            assert sum(parts.contribution) + parts.constant == pytest.approx(
                breakdown.scores[position], abs=1e-5
            )
            assert parts.score == pytest.approx(breakdown.scores[position], abs=1e-5)
            assert all(len(column) == 16 for column in parts.columns.values())
    with pytest.raises(InputError):
        unit_contributions(breakdown, model, trace, 99)
