"""Model behaviour the pages rely on: one decoder code path, normalised distributions, faithful traces."""

from __future__ import annotations

import itertools

import pytest
import torch

from seqviz.data.vocab import EOS_ID, PAD_ID
from seqviz.errors import CheckpointError, InputError
from seqviz.models import (
    LanguageModel,
    LanguageModelConfig,
    Seq2Seq,
    Seq2SeqConfig,
    build_model,
    config_from_dict,
    make_decoder_inputs,
)

SOURCE_VOCAB, TARGET_VOCAB = 12, 10


def make_model(
    cell="lstm", attention="bahdanau", bidirectional=False, layers=1, copy=False, coverage=False, seed=0
) -> Seq2Seq:
    torch.manual_seed(seed)
    config = Seq2SeqConfig(
        SOURCE_VOCAB,
        TARGET_VOCAB,
        cell=cell,
        attention=attention,
        embedding_size=6,
        hidden_size=8,
        num_layers=layers,
        bidirectional=bidirectional,
        copy=copy,
        coverage=coverage,
        source_to_target=[i % TARGET_VOCAB for i in range(SOURCE_VOCAB)] if copy else None,
    )
    return Seq2Seq(config).eval()


def all_configs():
    for cell, attention, bidirectional in itertools.product(
        ("rnn", "lstm", "gru"), ("none", "bahdanau", "luong-dot", "luong-general"), (False, True)
    ):
        yield cell, attention, bidirectional, False, False
        if attention != "none":
            yield cell, attention, bidirectional, True, True


CONFIGS = list(all_configs())
SOURCE = torch.tensor([[5, 6, 7, 8, EOS_ID], [9, 10, EOS_ID, PAD_ID, PAD_ID]])
LENGTHS = torch.tensor([5, 3])
TARGETS = [[4, 5, 6, EOS_ID], [7, EOS_ID]]


@pytest.mark.parametrize(("cell", "attention", "bidirectional", "copy", "coverage"), CONFIGS)
def test_stepped_decoding_equals_teacher_forcing(cell, attention, bidirectional, copy, coverage):
    model = make_model(cell, attention, bidirectional, layers=2, copy=copy, coverage=coverage)
    decoder_inputs, _ = make_decoder_inputs(TARGETS)
    with torch.no_grad():
        forced = model(SOURCE, LENGTHS, decoder_inputs)
        _, memory, state = model.start(SOURCE, LENGTHS)
        stepped = []
        for t in range(decoder_inputs.size(1)):
            output, state = model.decoder(decoder_inputs[:, t : t + 1], state, memory)
            stepped.append(output.log_probs)
    torch.testing.assert_close(torch.cat(stepped, 1), forced.log_probs, atol=1e-5, rtol=1e-5)
    # distributions are normalised, with copy too
    torch.testing.assert_close(forced.log_probs.exp().sum(-1), torch.ones(2, 4), atol=1e-4, rtol=0)
    if attention != "none":
        torch.testing.assert_close(forced.attention.sum(-1), torch.ones(2, 4), atol=1e-5, rtol=0)
        assert bool((forced.attention[1, :, 3:] == 0).all()), "padding must get no attention"
    if copy:
        assert forced.p_gen is not None and bool(((forced.p_gen > 0) & (forced.p_gen < 1)).all())
    if coverage:
        # coverage entering step t is the sum of the attention of the steps before it
        expected = torch.cumsum(forced.attention, 1) - forced.attention
        torch.testing.assert_close(forced.coverage, expected, atol=1e-5, rtol=0)


@pytest.mark.parametrize(("cell", "attention", "bidirectional", "copy", "coverage"), CONFIGS)
def test_trace_is_faithful_and_matches_greedy(cell, attention, bidirectional, copy, coverage):
    model = make_model(cell, attention, bidirectional, layers=2, copy=copy, coverage=coverage, seed=1)
    source_ids = [5, 6, 7, EOS_ID]
    trace = model.trace(source_ids, max_len=6)
    assert trace.replay_error < 1e-5
    greedy = model.greedy(torch.tensor([source_ids]), torch.tensor([4]), 6)
    assert trace.output_ids == greedy.tokens[0, : int(greedy.lengths[0])].tolist()
    torch.testing.assert_close(
        trace.token_log_probs, greedy.token_log_probs[0, : len(trace.output_ids)], atol=1e-5, rtol=1e-5
    )
    # the decoder trace's top layer is the hidden state s_t the readout used
    top = model.config.num_layers - 1
    torch.testing.assert_close(trace.decoder.hidden[top, 0], trace.decoder.output[0], atol=1e-5, rtol=0)
    if attention != "none":
        assert trace.attention.shape == (len(trace.output_ids), len(source_ids))
    forced = model.trace(source_ids, [4, 4, EOS_ID])
    assert forced.teacher_forced and forced.output_ids == [4, 4, EOS_ID]
    decoder_inputs, targets = make_decoder_inputs([[4, 4, EOS_ID]])
    with torch.no_grad():
        out = model(torch.tensor([source_ids]), torch.tensor([4]), decoder_inputs)
    expected = out.log_probs.gather(2, targets.unsqueeze(2)).squeeze()
    torch.testing.assert_close(forced.token_log_probs, expected, atol=1e-6, rtol=0)


@pytest.mark.parametrize("bidirectional", [False, True])
def test_padded_batch_encodes_like_single_sentences(bidirectional):
    model = make_model("gru", "luong-general", bidirectional, layers=2)
    with torch.no_grad():
        batch = model.encoder(SOURCE, LENGTHS)
        for row in range(2):
            n = int(LENGTHS[row])
            single = model.encoder(SOURCE[row : row + 1, :n], LENGTHS[row : row + 1])
            torch.testing.assert_close(batch.outputs[row, :n], single.outputs[0], atol=1e-6, rtol=0)
            torch.testing.assert_close(batch.final_state[:, row], single.final_state[:, 0], atol=1e-6, rtol=0)


def test_greedy_batch_equals_one_by_one():
    model = make_model("lstm", "bahdanau", True, seed=3)
    batch = model.greedy(SOURCE, LENGTHS, 7)
    for row in range(2):
        n = int(LENGTHS[row])
        single = model.greedy(SOURCE[row : row + 1, :n], LENGTHS[row : row + 1], 7)
        assert (
            batch.tokens[row, : int(batch.lengths[row])].tolist()
            == single.tokens[0, : int(single.lengths[0])].tolist()
        )


def test_teacher_forcing_ratio_one_and_zero():
    model = make_model("gru", "bahdanau", seed=4)
    decoder_inputs, _ = make_decoder_inputs([[4, 5, 6, EOS_ID], [7, 8, 9, EOS_ID]])
    source = torch.tensor([[5, 6, EOS_ID], [7, 8, EOS_ID]])
    lengths = torch.tensor([3, 3])
    with torch.no_grad():
        forced = model(source, lengths, decoder_inputs)
        ratio_one = model(source, lengths, decoder_inputs, teacher_forcing_ratio=1.0)
        free = model(source, lengths, decoder_inputs, teacher_forcing_ratio=0.0)
        greedy = model.greedy(source, lengths, 4)
    torch.testing.assert_close(ratio_one.log_probs, forced.log_probs, atol=0, rtol=0)
    free_tokens = free.log_probs.argmax(-1)
    for row in range(2):
        n = int(greedy.lengths[row])
        assert free_tokens[row, :n].tolist() == greedy.tokens[row, :n].tolist()


def test_config_round_trip_and_rejections():
    config = make_model("gru", "luong-dot", True, layers=3, copy=True, coverage=True).config
    again = config_from_dict(config.to_dict())
    assert again == config
    shapes = {k: v.shape for k, v in build_model(again).state_dict().items()}
    assert shapes == {k: v.shape for k, v in Seq2Seq(config).state_dict().items()}
    lm = LanguageModelConfig(vocab_size=30, cell="rnn")
    assert config_from_dict(lm.to_dict()) == lm
    assert isinstance(build_model(lm), LanguageModel)
    with pytest.raises(CheckpointError, match="unknown fields: evil"):
        config_from_dict({**config.to_dict(), "evil": 1})
    with pytest.raises(CheckpointError, match="hidden_size"):
        config_from_dict({**config.to_dict(), "hidden_size": -3})
    with pytest.raises(CheckpointError, match="unknown model kind"):
        config_from_dict({"kind": "gpt"})
    with pytest.raises(InputError, match="copy and coverage need an attention"):
        Seq2SeqConfig(10, 10, attention="none", coverage=True).validate()
    with pytest.raises(InputError, match="even hidden_size"):
        Seq2SeqConfig(10, 10, bidirectional=True, hidden_size=7).validate()


def test_language_model_forward_shapes():
    model = LanguageModel(LanguageModelConfig(vocab_size=20, hidden_size=8, embedding_size=4, num_layers=2))
    logits, state, embedded = model(torch.tensor([[1, 5, 6, 7]]))
    assert logits.shape == (1, 4, 20) and embedded.shape == (1, 4, 4)
    assert state[0].shape == (2, 1, 8)
