"""The extended vocabulary (See et al. 2017): a copy model writes source words it has never seen.

Unit tests on a tiny model (P(w) sums to 1 over V + n_oov, repeated source words gather their attention,
the numbers equal a hand computation, an extended id is read back as <unk>), then the promises on the
shipped ``en-fr-names`` checkpoints: greedy, beam, sampling, the stepper, score and trace agree on
extended ids, and an invented name comes through.
"""

from __future__ import annotations

from functools import cache

import pytest
import torch

from seqviz.checkpoints.store import Checkpoint, load_checkpoint
from seqviz.data.tasks import Example
from seqviz.data.tokenizers import get_tokenizer
from seqviz.data.vocab import EOS_ID, PAD_ID, SOS_ID, UNK_ID, Vocab
from seqviz.explain.beam import beam_search, sample_translate, score_output
from seqviz.explain.decoding import DecodeStepper
from seqviz.inference import greedy_translate, prepare_source, trace_text
from seqviz.models import Seq2Seq, Seq2SeqConfig
from seqviz.models.copy_vocab import ExtendedVocab, extend_vocab, input_ids
from seqviz.training.batching import CopyPair, encode_pairs, make_batch

TARGET = Vocab(["<pad>", "<sos>", "<eos>", "<unk>", "mange", "une", "pomme", "il"])
SOURCE = Vocab(["<pad>", "<sos>", "<eos>", "<unk>", "eats", "an", "apple", "he"])
COPY = "checkpoints/en-fr-names-lstm-bahdanau-copy"
NO_COPY = "checkpoints/en-fr-names-lstm-bahdanau"


# ------------------------------------------------------------------------------------ the vocabulary


def test_extended_ids_follow_first_appearance_and_repeat():
    extended = extend_vocab(["Zorvak", "mange", "Ana", "Zorvak", "<pad>"], TARGET)
    V = len(TARGET)
    assert extended.oov == ("Zorvak", "Ana")
    assert extended.source_ids == (V, TARGET.id_of("mange"), V + 1, V, UNK_ID, EOS_ID)
    assert len(extended) == V + 2 and extended.base_size == V
    assert extended.token_of(V) == "Zorvak" and extended.token_of(V + 1) == "Ana"
    assert extended.id_of("Ana") == V + 1 and extended.id_of("pomme") == TARGET.id_of("pomme")
    assert extended.id_of("Bob") == UNK_ID  # in neither: <unk>
    assert extended.decode([V, TARGET.id_of("mange"), EOS_ID, V + 1]) == ["Zorvak", "mange"]
    assert extended.tokens[V:] == ["Zorvak", "Ana"] and "Ana" in extended and "Bob" not in extended
    assert extended.is_copied(V) and not extended.is_copied(UNK_ID)
    with pytest.raises(IndexError):
        extended.token_of(V + 2)
    assert input_ids([V + 1, 4, SOS_ID], V) == [UNK_ID, 4, SOS_ID]


def test_training_targets_copy_what_the_source_holds():
    tokenizer = get_tokenizer("word")
    examples = [Example("Zorvak eats an apple", "Zorvak mange une pomme Bob")]
    (pair,) = encode_pairs(examples, tokenizer, tokenizer, SOURCE, TARGET, copy=True)
    V = len(TARGET)
    assert isinstance(pair, CopyPair)
    assert pair.source == [UNK_ID, *SOURCE.encode(["eats", "an", "apple"]), EOS_ID]
    # Zorvak is copied (V + 0); Bob is in neither vocabulary nor source: <unk>
    assert pair.target == [V, *TARGET.encode(["mange", "une", "pomme"]), UNK_ID, EOS_ID]
    assert pair.source_extended == [V, V + 1, V + 2, V + 3, EOS_ID]  # eats/an/apple: not French words
    assert pair.output_vocab(TARGET).decode(pair.target) == ["Zorvak", "mange", "une", "pomme", "<unk>"]
    batch = make_batch([pair, pair])
    assert batch.source_extended is not None and batch.source_extended.tolist()[0] == pair.source_extended
    plain = encode_pairs(examples, tokenizer, tokenizer, SOURCE, TARGET)
    assert plain[0][1][0] == UNK_ID and make_batch(plain).source_extended is None


# ------------------------------------------------------------------------------------ the tiny model


def tiny_copy_model(attention: str = "bahdanau", seed: int = 0) -> Seq2Seq:
    torch.manual_seed(seed)
    config = Seq2SeqConfig(
        len(SOURCE),
        len(TARGET),
        attention=attention,
        embedding_size=5,
        hidden_size=6,
        copy=True,
        source_to_target=[TARGET.id_of(token) for token in SOURCE.tokens],
    )
    return Seq2Seq(config).eval()


def _tiny_inputs():
    tokens = ["Zorvak", "eats", "Zorvak", "an", "apple"]
    extended = extend_vocab(tokens, TARGET)
    source = torch.tensor([[*SOURCE.encode(tokens), EOS_ID]])
    return extended, source, torch.tensor([source.size(1)]), torch.tensor([list(extended.source_ids)])


@pytest.mark.parametrize("attention", ["bahdanau", "luong-general"])
def test_distribution_sums_to_one_over_the_extended_vocabulary(attention):
    model = tiny_copy_model(attention)
    extended, source, lengths, source_extended = _tiny_inputs()
    V = len(TARGET)
    decoder_inputs = torch.tensor([[SOS_ID, V, 4, V + 2]])  # extended ids fed back too
    with torch.no_grad():
        output = model(source, lengths, decoder_inputs, source_extended=source_extended)
    assert output.log_probs.shape == (1, 4, len(extended))  # V + n_oov (Zorvak, eats, an, apple)
    torch.testing.assert_close(output.log_probs.exp().sum(-1), torch.ones(1, 4), atol=1e-5, rtol=0)
    assert torch.isinf(output.log_probs[..., [PAD_ID, SOS_ID]]).all()


def test_copy_mass_of_repeated_words_adds_up_and_equals_a_hand_computation():
    model = tiny_copy_model()
    decoder = model.decoder
    _, source, lengths, source_extended = _tiny_inputs()
    V = len(TARGET)
    with torch.no_grad():
        encoded, memory, state = model.start(source, lengths, source_extended)
        output, _ = decoder(torch.tensor([[SOS_ID]]), state, memory)
        alpha = output.attention[0, 0]  # [source]
        s_t = output.rnn_outputs[0, 0]
        context = alpha @ encoded.outputs[0]  # c_t = sum_j alpha_tj h_j
        logits = decoder.output(torch.cat([s_t, context]))
        logits[[PAD_ID, SOS_ID]] = float("-inf")
        vocab_probs = torch.softmax(logits, -1)
        x_t = decoder.embedding(torch.tensor(SOS_ID))
        p_gen = torch.sigmoid(decoder.generate_gate(torch.cat([context, s_t, x_t])))[0]
    probs = output.log_probs[0, 0].exp()
    assert float(output.p_gen[0, 0]) == pytest.approx(float(p_gen), abs=1e-6)
    # Zorvak (V) sits at source positions 0 and 2: copying alone writes it, with both weights
    assert float(probs[V]) == pytest.approx(float((1 - p_gen) * (alpha[0] + alpha[2])), abs=1e-6)
    # eats / an / apple: one position each
    for k, position in ((1, 1), (2, 3), (3, 4)):
        assert float(probs[V + k]) == pytest.approx(float((1 - p_gen) * alpha[position]), abs=1e-6)
    # a target word: generated only (no source position copies to it); <eos>: generated + the <eos> position
    mange = TARGET.id_of("mange")
    assert float(probs[mange]) == pytest.approx(float(p_gen * vocab_probs[mange]), abs=1e-6)
    expected_eos = p_gen * vocab_probs[EOS_ID] + (1 - p_gen) * alpha[5]
    assert float(probs[EOS_ID]) == pytest.approx(float(expected_eos), abs=1e-6)


def test_an_extended_id_is_read_back_as_unk():
    model = tiny_copy_model()
    _, source, lengths, source_extended = _tiny_inputs()
    V = len(TARGET)
    with torch.no_grad():
        as_copied = model(source, lengths, torch.tensor([[SOS_ID, V + 1]]), source_extended=source_extended)
        as_unk = model(source, lengths, torch.tensor([[SOS_ID, UNK_ID]]), source_extended=source_extended)
    torch.testing.assert_close(as_copied.log_probs, as_unk.log_probs, atol=0, rtol=0)


def test_without_extended_ids_a_word_the_target_lacks_copies_as_unk():
    """The old mapping (through the target vocabulary) is what a caller gets without extended ids."""
    model = tiny_copy_model()
    _, source, lengths, _ = _tiny_inputs()
    with torch.no_grad():
        output = model(source, lengths, torch.tensor([[SOS_ID]]))
    assert output.log_probs.shape[-1] == len(TARGET)


# ------------------------------------------------------------------------------- the shipped checkpoints


@cache
def shipped(path: str) -> Checkpoint:
    return load_checkpoint(path)


def test_an_invented_name_comes_through():
    ckpt = shipped(COPY)
    translation = greedy_translate(ckpt, "Zorvak eats an apple")
    assert translation.output == "Zorvak mange une pomme"
    assert translation.tokens[0] == "Zorvak" and translation.finished
    view = DecodeStepper(ckpt, "Zorvak eats an apple")
    first = view.step()
    assert first is not None and first.chosen_token == "Zorvak"
    assert first.chosen_id >= len(ckpt.target_vocab) and first.p_gen is not None and first.p_gen < 0.5
    view.back()
    assert view.force("Zorvak").chosen_id == first.chosen_id  # forcing a copied word by name


def test_the_no_copy_model_writes_unk_for_a_name():
    translation = greedy_translate(shipped(NO_COPY), "Zorvak eats an apple")
    assert translation.tokens[0] == "<unk>"
    assert translation.output.startswith("<unk> mange")


@pytest.mark.parametrize("text", ["Zorvak eats an apple", "he watches Quenwyth tonight"])
def test_greedy_beam_sampling_score_and_trace_agree_on_extended_ids(text):
    ckpt = shipped(COPY)
    greedy = greedy_translate(ckpt, text)
    scored = score_output(ckpt, text, greedy.output)
    assert scored.tokens == greedy.tokens and not scored.unknown
    assert scored.log_prob == pytest.approx(greedy.log_prob, abs=1e-4)
    assert sample_translate(ckpt, text, temperature=0).tokens == greedy.tokens
    result = beam_search(ckpt, text, 4)
    assert result.best.tokens == greedy.tokens
    source = prepare_source(ckpt, text)
    assert isinstance(source.extended, ExtendedVocab)
    for hypothesis in result.nbest:
        forced = ckpt.model.trace(
            source.ids, hypothesis.token_ids, source_extended=source.extended.source_ids
        ).token_log_probs
        assert hypothesis.log_prob == pytest.approx(float(forced.sum()), abs=1e-4)
        if hypothesis.finished:
            again = score_output(ckpt, text, hypothesis.output)
            assert again.log_prob == pytest.approx(hypothesis.log_prob, abs=1e-4)
    traced = trace_text(ckpt, text, greedy.output)
    assert traced.output_tokens == greedy.tokens
    assert float(traced.trace.token_log_probs.sum()) == pytest.approx(greedy.log_prob, abs=1e-4)
    assert traced.trace.p_gen is not None


def test_shipped_copy_checkpoint_copies_unseen_names():
    """The README's claim, measured again: validation names were never trained on."""
    from seqviz.training.workflows import evaluate_checkpoint

    copy_result = evaluate_checkpoint(shipped(COPY))
    assert copy_result.exact_match >= 0.90
    plain = evaluate_checkpoint(shipped(NO_COPY))
    # every validation sentence with a name holds <unk> in its reference: never matched
    assert plain.exact_match <= 0.25 < copy_result.exact_match


def test_the_attention_view_marks_the_copied_name_where_p_gen_drops():
    from seqviz.explain.attention import attention_map

    view = attention_map(shipped(COPY), "Zorvak eats an apple")
    assert view.output_tokens[:4] == ["Zorvak", "mange", "une", "pomme"]
    ((step, word, p_gen),) = view.copied
    assert (step, word) == (0, "Zorvak")
    assert p_gen is not None and p_gen < 0.5 < min(view.p_gen[1:4])  # mange une pomme: generated
    assert attention_map(shipped("checkpoints/en-fr-lstm-bahdanau"), "he eats an apple").copied == []


def test_a_reference_unk_is_never_matched_and_copied_words_are():
    from seqviz.training.evaluation import evaluate_seq2seq

    examples = [Example("Zorvak eats an apple", "Zorvak mange une pomme")]
    for path, copy, expected in ((NO_COPY, False, 0.0), (COPY, True, 1.0)):
        ckpt = shipped(path)
        tokenizer = get_tokenizer(ckpt.source_tokenizer)
        pairs = encode_pairs(examples, tokenizer, tokenizer, ckpt.source_vocab, ckpt.target_vocab, copy)
        result = evaluate_seq2seq(ckpt.model, pairs, ckpt.target_vocab)
        assert result.exact_match == expected
        assert (result.bleu == pytest.approx(100.0)) == copy
    # the no-copy model did write the reference's ids (<unk> mange une pomme): written, yet not matched
    assert greedy_translate(shipped(NO_COPY), examples[0].source).tokens[0] == "<unk>"


def test_exposure_bias_reads_a_copied_reference_word():
    from seqviz.explain.decoding import exposure_bias

    ckpt = shipped(COPY)
    result = exposure_bias(ckpt, "Zorvak eats an apple", "Zorvak mange une pomme")
    assert result.reference_tokens[0] == result.free_tokens[0] == "Zorvak"
    assert result.first_error is None and result.first_difference is None
    greedy = greedy_translate(ckpt, "Zorvak eats an apple")
    assert result.teacher_forced_log_prob == pytest.approx(greedy.log_prob, abs=1e-4)


def test_a_copy_models_training_probe_traces_with_its_extended_vocabulary():
    from seqviz.data.tasks import get_task
    from seqviz.training.trainer import TrainConfig
    from seqviz.training.workflows import ModelChoice, prepare_training

    choice = ModelChoice(copy=True, embedding_size=8, hidden_size=8)
    config = TrainConfig(steps=1, eval_size=20, probe_every=1)
    training = prepare_training(get_task("en-fr-names"), choice, config, probe_text="Zorvak eats an apple")
    vocab = training.trainer.probe_vocab
    assert isinstance(vocab, ExtendedVocab) and vocab.oov[0] == "Zorvak"
    snapshot = training.trainer._probe()
    assert snapshot is not None and all(0 <= i < len(vocab) for i in snapshot.output_ids)
    default = prepare_training(get_task("en-fr-names"), choice, config).trainer  # the first validation pair
    assert isinstance(default.probe_vocab, ExtendedVocab)
    plain = prepare_training(get_task("en-fr-names"), ModelChoice(embedding_size=8, hidden_size=8), config)
    assert plain.trainer.probe_vocab is None
