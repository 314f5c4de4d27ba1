"""The parameter shapes computed from a config alone equal the built model's own, for every option."""

from __future__ import annotations

import itertools

import pytest

from seqviz.errors import CheckpointError, InputError
from seqviz.models import build_model
from seqviz.models.config import (
    ATTENTIONS,
    CELLS,
    MAX_LAYERS,
    MAX_PARAMETERS,
    LanguageModelConfig,
    Seq2SeqConfig,
    config_from_dict,
)
from seqviz.models.shapes import parameter_count, parameter_shapes


def _built_shapes(config) -> dict[str, tuple[int, ...]]:
    return {name: tuple(t.shape) for name, t in build_model(config).state_dict().items()}


SEQ2SEQ_OPTIONS = [
    options
    for options in itertools.product(
        CELLS, ATTENTIONS, (False, True), (False, True), (False, True), range(1, MAX_LAYERS + 1)
    )
    if options[1] != "none" or not (options[3] or options[4])  # copy and coverage need attention
]


@pytest.mark.parametrize("cell, attention, bidirectional, copy, coverage, layers", SEQ2SEQ_OPTIONS)
def test_seq2seq_shapes_equal_the_built_models(cell, attention, bidirectional, copy, coverage, layers):
    config = Seq2SeqConfig(
        source_vocab_size=7,
        target_vocab_size=9,
        cell=cell,
        attention=attention,
        embedding_size=3,
        hidden_size=6,
        num_layers=layers,
        bidirectional=bidirectional,
        copy=copy,
        coverage=coverage,
        source_to_target=[min(i, 8) for i in range(7)] if copy else None,
    )
    built = _built_shapes(config)
    assert parameter_shapes(config) == built
    assert parameter_count(config) == sum(p.numel() for p in build_model(config).parameters())


@pytest.mark.parametrize("cell, layers", list(itertools.product(CELLS, range(1, MAX_LAYERS + 1))))
def test_language_model_shapes_equal_the_built_models(cell, layers):
    config = LanguageModelConfig(vocab_size=11, cell=cell, embedding_size=5, hidden_size=7, num_layers=layers)
    assert parameter_shapes(config) == _built_shapes(config)


def test_distinct_widths_are_not_confused():
    """Embedding, hidden and vocabulary sizes all differ, so a swapped dimension cannot go unnoticed."""
    config = Seq2SeqConfig(13, 17, cell="gru", attention="bahdanau", embedding_size=5, hidden_size=8)
    shapes = parameter_shapes(config)
    assert shapes["decoder.rnn.weight_ih_l0"] == (24, 13)  # 3 gates x 8 rows; [e(y); c] = 5 + 8 columns
    assert shapes["decoder.output.weight"] == (17, 16)  # readout [s_t; c_t]


def test_a_model_over_the_parameter_limit_is_refused_from_its_config_alone():
    huge = {
        "kind": "seq2seq",
        "source_vocab_size": 1_000_000,
        "target_vocab_size": 1_000_000,
        "embedding_size": 4096,
        "hidden_size": 4096,
        "num_layers": 3,
        "bidirectional": True,
    }
    with pytest.raises(CheckpointError, match="parameters, over the limit"):
        config_from_dict(huge)
    with pytest.raises(InputError, match=f"{MAX_PARAMETERS:,}"):
        LanguageModelConfig(vocab_size=1_000_000, embedding_size=4096, hidden_size=4096).validate()


@pytest.mark.parametrize("field", ["bidirectional", "copy", "coverage"])
def test_switches_must_be_booleans(field):
    data = {"kind": "seq2seq", "source_vocab_size": 7, "target_vocab_size": 7, field: "yes"}
    with pytest.raises(CheckpointError, match="true or false"):
        config_from_dict(data)
