"""The Attention page's numbers: the weights drawn are the forward pass's, the explanations add up, and the
figures plot exactly those numbers."""

from __future__ import annotations

import math

import pytest
import torch

from seqviz.checkpoints.store import list_checkpoints, load_checkpoint
from seqviz.errors import InputError
from seqviz.explain.attention import (
    attention_map,
    comparison_candidates,
    comparison_partner,
    explain_attention,
)
from seqviz.explain.bottleneck import LengthBucket, length_study
from seqviz.inference import prepare_source
from seqviz.viz import attention as figures
from tests.support.vega_read import heatmaps

SHIPPED = {info.name: info for info in list_checkpoints()}


@pytest.fixture(scope="module")
def checkpoints():
    names = [
        "reverse-lstm-bahdanau",
        "reverse-gru-luong-general",
        "reverse-lstm-none",
        "dates-lstm-bahdanau-copy-coverage",
    ]
    return {name: load_checkpoint(SHIPPED[name].path) for name in names}


def test_weights_are_the_forward_pass_attention(checkpoints):
    checkpoint = checkpoints["reverse-lstm-bahdanau"]
    view = attention_map(checkpoint, "abcdefg")
    source = prepare_source(checkpoint, "abcdefg")
    model = checkpoint.model
    with torch.no_grad():  # the model's own batched forward, teacher-forced on its greedy output
        ids = torch.tensor([source.ids])
        greedy = model.greedy(ids, torch.tensor([len(source.ids)]), 30)
        length = int(greedy.lengths[0])
        output = greedy.tokens[0, :length].tolist()
        trace = model.trace(source.ids, output)
    assert view.output_text == "gfedcba"
    assert len(view.weights) == len(view.output_tokens) == length
    assert torch.allclose(torch.tensor(view.weights), trace.attention, atol=1e-6)
    assert all(sum(row) == pytest.approx(1.0, abs=1e-5) for row in view.weights)
    (drawn,) = heatmaps(figures.alignment_heatmap(view)).values()
    assert drawn.values.tolist() == view.weights
    assert drawn.column_labels == view.source_tokens
    assert drawn.row_labels == view.output_tokens


def test_no_attention_model_has_no_weights(checkpoints):
    view = attention_map(checkpoints["reverse-lstm-none"], "abcd")
    assert view.weights is None and not view.has_attention and view.strongest_source() == []
    with pytest.raises(ValueError):
        figures.alignment_heatmap(view)
    with pytest.raises(InputError):
        explain_attention(checkpoints["reverse-lstm-none"], "abcd", 0, 0)


def test_copy_model_shows_p_gen_and_coverage(checkpoints):
    view = attention_map(checkpoints["dates-lstm-bahdanau-copy-coverage"], "May 16, 1995")
    assert view.output_text == "1995-05-16"
    assert view.p_gen is not None and len(view.p_gen) == len(view.output_tokens)
    assert all(0.0 <= p <= 1.0 for p in view.p_gen)
    # coverage before step t is the attention summed over the steps before it
    for step, row in enumerate(view.coverage):
        expected = [sum(view.weights[s][j] for s in range(step)) for j in range(len(row))]
        assert row == pytest.approx(expected, abs=1e-5)
    bars = figures.p_gen_chart(view)
    assert list(bars.data[0].y) == pytest.approx(view.p_gen)
    (coverage,) = heatmaps(figures.coverage_heatmap(view)).values()
    assert coverage.column_labels == view.source_tokens and coverage.values.tolist() == view.coverage


@pytest.mark.parametrize(
    "name", ["reverse-lstm-bahdanau", "reverse-gru-luong-general", "dates-lstm-bahdanau-copy-coverage"]
)
def test_explanation_reproduces_the_row_and_adds_up(checkpoints, name):
    checkpoint = checkpoints[name]
    text = "May 16, 1995" if name.startswith("dates") else "abcdefg"
    view = attention_map(checkpoint, text)
    step = min(2, len(view.output_tokens) - 1)
    explained = explain_attention(checkpoint, text, step, 3)
    assert explained.forward_weights == pytest.approx(view.weights[step], abs=1e-6)
    assert explained.max_error < 1e-5
    parts = explained.contributions
    assert sum(parts.contribution) + parts.constant == pytest.approx(explained.breakdown.scores[3], abs=1e-4)
    softmax = math.exp(explained.breakdown.scores[3]) / explained.exp_sum
    assert softmax == pytest.approx(view.weights[step][3], abs=1e-5)


def test_bad_inputs_are_clear_messages(checkpoints):
    checkpoint = checkpoints["reverse-lstm-bahdanau"]
    for text in ["", "   ", "x" * 2001]:
        with pytest.raises(InputError):
            attention_map(checkpoint, text)
    view = attention_map(checkpoint, "ab😀中c")  # unknown symbols are read as <unk> and reported
    assert "<unk>" in view.source_tokens and view.unknown
    with pytest.raises(InputError):
        explain_attention(checkpoint, "abc", 99, 0)


def test_comparison_partner_prefers_the_same_task_with_another_attention():
    infos = list(SHIPPED.values())
    assert comparison_partner(SHIPPED["reverse-lstm-bahdanau"], infos) == "reverse-gru-luong-general"
    assert SHIPPED[comparison_partner(SHIPPED["reverse-lstm-none"], infos)].task == "reverse"
    assert comparison_partner(SHIPPED["reverse-lstm-none"], [SHIPPED["reverse-lstm-none"]]) is None


def test_only_models_of_the_same_task_are_compared():
    infos = list(SHIPPED.values())
    for name, info in SHIPPED.items():
        if info.kind != "seq2seq":
            continue
        candidates = comparison_candidates(info, infos)
        assert all(other.task == info.task and other.name != name for other in candidates)
        partner = comparison_partner(info, infos)
        assert (partner is None) == (not candidates)
        assert partner is None or SHIPPED[partner].task == info.task  # never dates-... for en-fr
    dates = next(info for info in infos if info.task == "dates")
    assert comparison_partner(dates, [dates, *[i for i in infos if i.task == "en-fr"]]) is None


def test_bottleneck_chart_plots_the_buckets():
    curves = {"a": [LengthBucket(4, 10, 1.0), LengthBucket(8, 10, 0.5)], "b": [LengthBucket(4, 5, 0.2)]}
    figure = figures.bottleneck_chart(curves, (4, 12))
    assert [trace.name for trace in figure.data] == ["a", "b"]
    assert list(figure.data[0].x) == [4, 8] and list(figure.data[0].y) == [1.0, 0.5]
    assert figure.layout.shapes[0].x0 == 3.5 and figure.layout.shapes[0].x1 == 12.5


def test_length_study_of_a_translation_task_uses_its_validation_set():
    checkpoint = load_checkpoint(SHIPPED["en-fr-lstm-bahdanau"].path)
    study = length_study(checkpoint)
    assert not study.generated and len(study.examples) == 500
    low, high = study.training_lengths
    assert 1 <= low <= high
