"""DecodeStepper against the model's own decoding: run to the end it is greedy_translate; a forced prefix
and its continuation score exactly as model.trace teacher-forces them; Back and Reset restore exactly;
the exposure-bias comparison agrees with model.trace and greedy_translate; bad input is an InputError."""

from __future__ import annotations

import copy
import dataclasses
from functools import cache

import pytest
import torch

from seqviz.checkpoints.store import list_checkpoints, load_checkpoint
from seqviz.data.examples import example_pairs
from seqviz.data.vocab import EOS_ID, PAD_ID, SOS_ID
from seqviz.errors import InputError
from seqviz.explain.decoding import (
    DecodeStepper,
    decode_forced,
    encode_forced,
    exposure_bias,
    first_difference,
    replay,
)
from seqviz.inference import greedy_translate

SEQ2SEQ = [info.name for info in list_checkpoints() if info.kind == "seq2seq"]
# Bahdanau and no-attention decoders loop over steps even under teacher forcing, so their stepped and
# teacher-forced numbers agree to float32 rounding. Luong runs the whole target through one nn.GRU call,
# whose float32 sums differ from per-step calls by up to ~2e-5 in a log-prob: compare those in float64.
STEPPED_TEACHER_FORCING = [name for name in SEQ2SEQ if "luong" not in name]


@cache
def checkpoint(name: str):
    return load_checkpoint(next(info.path for info in list_checkpoints() if info.name == name))


@cache
def float64(name: str):
    original = checkpoint(name)
    return dataclasses.replace(original, model=copy.deepcopy(original.model).double())


def sources(name: str, count: int = 3) -> list[str]:
    return [pair.source for pair in example_pairs(checkpoint(name), count)]


@pytest.mark.parametrize("name", SEQ2SEQ)
def test_run_to_end_is_greedy_translate(name):
    ckpt = checkpoint(name)
    for text in [*sources(name), sources(name)[0][:3]]:
        stepper = DecodeStepper(ckpt, text)
        added = stepper.run_to_end()
        expected = greedy_translate(ckpt, text)
        assert stepper.output_tokens == expected.tokens
        assert len(added) == len(expected.tokens)
        assert stepper.output_text == expected.output
        assert stepper.finished == expected.finished
        assert [v.log_prob for v in stepper.steps] == pytest.approx(expected.token_log_probs, abs=1e-6)
        assert stepper.log_prob == pytest.approx(expected.log_prob, abs=1e-5)
        assert stepper.step() is None and stepper.done


def test_run_to_end_respects_max_len():
    ckpt = checkpoint("reverse-lstm-bahdanau")
    stepper = DecodeStepper(ckpt, "abcdefgh", max_len=3)
    stepper.run_to_end()
    assert stepper.position == 3 and not stepper.finished and stepper.done
    assert stepper.output_tokens == greedy_translate(ckpt, "abcdefgh", max_len=3).tokens
    assert len(DecodeStepper(ckpt, "abcdefgh").run_to_end(2)) == 2


def _forced_then_greedy(stepper: DecodeStepper, at: int) -> int:
    """Step to ``at - 1`` tokens, force the runner-up at step ``at``, run to the end; the forced id."""
    stepper.follow({}, at - 1)
    forced_id = stepper.pending.top(2)[1][0]
    assert forced_id != stepper.pending.best_id
    stepper.force(forced_id)
    stepper.run_to_end()
    return forced_id


def _check_against_teacher_forcing(ckpt, text: str, at: int, atol: float) -> None:
    stepper = DecodeStepper(ckpt, text)
    forced_id = _forced_then_greedy(stepper, at)
    assert stepper.steps[at - 1].chosen_id == forced_id and stepper.steps[at - 1].forced
    assert stepper.forced == {at: forced_id}
    extended = stepper.source.extended  # a copy model's extended source ids: copied words by name
    source_extended = None if extended is None else extended.source_ids
    trace = ckpt.model.trace(stepper.source.ids, stepper.output_ids, source_extended=source_extended)
    stepped = torch.tensor([v.log_prob for v in stepper.steps], dtype=trace.token_log_probs.dtype)
    torch.testing.assert_close(stepped, trace.token_log_probs, rtol=0, atol=atol)
    # every token after the forced one is the argmax of the teacher-forced distribution at its step
    argmax = trace.log_probs.argmax(-1).tolist()
    assert stepper.output_ids[at:] == argmax[at:]
    assert argmax[at - 1] != forced_id
    assert stepper.log_prob == pytest.approx(float(trace.token_log_probs.sum()), abs=atol * len(stepped))
    if trace.attention is not None:  # the attention and p_gen shown are the forward pass's own
        shown = torch.tensor([v.attention for v in stepper.steps], dtype=trace.attention.dtype)
        torch.testing.assert_close(shown, trace.attention, rtol=0, atol=max(atol, 1e-6))
    if trace.p_gen is not None:
        shown = torch.tensor([v.p_gen for v in stepper.steps], dtype=trace.p_gen.dtype)
        torch.testing.assert_close(shown, trace.p_gen, rtol=0, atol=max(atol, 1e-6))


@pytest.mark.parametrize("name", STEPPED_TEACHER_FORCING)
def test_forced_prefix_and_continuation_equal_teacher_forced_scores(name):
    ckpt = checkpoint(name)
    for text in sources(name, 2):
        for at in (1, 3):
            _check_against_teacher_forcing(ckpt, text, at, atol=1e-5)


@pytest.mark.parametrize("name", ["reverse-gru-luong-general", "dates-lstm-bahdanau-copy-coverage"])
def test_forced_continuation_in_float64(name):
    ckpt = float64(name)
    for text in sources(name, 2):
        _check_against_teacher_forcing(ckpt, text, 2, atol=1e-9)


def test_each_step_runs_exactly_one_decoder_step(monkeypatch):
    ckpt = checkpoint("reverse-lstm-bahdanau")
    stepper = DecodeStepper(ckpt, "abcdef")
    calls = []
    decoder = ckpt.model.decoder
    original = type(decoder).forward

    def counting(self, inputs, state, memory):
        calls.append(inputs.shape[1])
        return original(self, inputs, state, memory)

    monkeypatch.setattr(type(decoder), "forward", counting)
    stepper.step()
    stepper.step()
    assert calls == [1, 1]
    stepper.back()
    stepper.back()
    assert calls == [1, 1]  # Back recomputes nothing
    stepper.step()
    assert calls == [1, 1]  # the popped step's distribution is reused
    stepper.force("a")
    assert calls == [1, 1, 1]


@pytest.mark.parametrize(
    "name", ["reverse-lstm-bahdanau", "reverse-gru-luong-general", "dates-lstm-bahdanau-copy-coverage"]
)
def test_back_and_reset_restore_exactly(name):
    ckpt = checkpoint(name)
    text = sources(name)[0]
    stepper = DecodeStepper(ckpt, text)
    stepper.step()
    stepper.step()
    before = stepper.pending.log_probs.clone()
    before_ids, before_lp = stepper.output_ids, stepper.log_prob
    stepper.step()
    stepper.force(stepper.pending.top(3)[2][0])
    stepper.step()
    stepper.back()
    stepper.back()
    stepper.back()
    assert stepper.output_ids == before_ids and stepper.log_prob == before_lp and not stepper.forced
    assert torch.equal(stepper.pending.log_probs, before)
    stepper.run_to_end()
    assert stepper.output_tokens == greedy_translate(ckpt, text).tokens
    stepper.reset()
    assert stepper.position == 0 and stepper.log_prob == 0.0 and stepper.back() is None
    fresh = DecodeStepper(ckpt, text)
    assert torch.equal(stepper.pending.log_probs, fresh.pending.log_probs)
    assert stepper.pending.hidden == fresh.pending.hidden
    stepper.run_to_end()
    assert stepper.output_tokens == greedy_translate(ckpt, text).tokens


def test_follow_reuses_the_common_prefix_and_matches_a_fresh_replay():
    ckpt = checkpoint("reverse-lstm-bahdanau")
    vocab = ckpt.target_vocab
    stepper = DecodeStepper(ckpt, "abcdef")
    assert stepper.follow({2: vocab.id_of("s")}, 4) == 4
    assert stepper.output_tokens[1] == "s" and stepper.forced == {2: vocab.id_of("s")}
    kept = stepper.steps[0]
    stepper.follow({2: vocab.id_of("s"), 3: vocab.id_of("t")}, 5)
    assert stepper.steps[0] is kept and stepper.output_tokens[1:3] == ["s", "t"]
    other = replay(ckpt, "abcdef", {2: vocab.id_of("s"), 3: vocab.id_of("t")}, 5)
    assert other.output_ids == stepper.output_ids
    assert [v.log_prob for v in other.steps] == [v.log_prob for v in stepper.steps]
    assert stepper.follow({}, 1000) == len(greedy_translate(ckpt, "abcdef").tokens)  # stops at <eos>
    assert stepper.forced == {}


def test_step_view_contents():
    ckpt = checkpoint("reverse-lstm-bahdanau")
    stepper = DecodeStepper(ckpt, "abc")
    view = stepper.step()
    assert view.step == 1 and view.distribution.input_id == SOS_ID
    assert len(view.attention) == len(stepper.source_tokens) == 4
    assert sum(view.attention) == pytest.approx(1.0, abs=1e-5)
    assert len(view.hidden) == ckpt.config.hidden_size
    top = view.top(5)
    assert len(top) == 5 and top[0][0] == view.chosen_id == view.greedy_id
    assert [p for _, p in top] == sorted((p for _, p in top), reverse=True)
    assert view.p_gen is None
    assert DecodeStepper(checkpoint("reverse-lstm-none"), "abc").step().attention is None
    copy_view = DecodeStepper(checkpoint("dates-lstm-bahdanau-copy-coverage"), "May 16, 1995").step()
    assert 0.0 <= copy_view.p_gen <= 1.0


def test_forcing_rejects_what_is_never_an_output():
    stepper = DecodeStepper(checkpoint("reverse-lstm-bahdanau"), "abc")
    for bad in ("<pad>", "<sos>", PAD_ID, SOS_ID, "no-such-token", 10_000, -1):
        with pytest.raises(InputError):
            stepper.force(bad)
    assert stepper.force("<eos>").chosen_id == EOS_ID and stepper.finished
    assert stepper.force("a") is None


def test_forced_url_encoding_round_trips_and_refuses_junk():
    tokens = ["<pad>", "<sos>", "<eos>", "<unk>", "a", ",", ":", "%", "中"]
    forced = {1: 4, 2: 5, 3: 6, 7: 7, 9: 8}
    text = encode_forced(forced, tokens)
    assert text == "1:a,2:%2C,3:%3A,7:%25,9:中"
    assert decode_forced(text, tokens) == forced
    assert decode_forced("", tokens) == {}
    for junk in ("x", "0:a", "-1:a", "2:zz", "a:a", "2:<pad>", "3"):
        with pytest.raises(ValueError):
            decode_forced(junk, tokens)


@pytest.mark.parametrize(
    "text",
    ["", "   ", "a" * 2000, "a" * 2001],
)
def test_bad_inputs_raise_input_error(text):
    with pytest.raises(InputError):
        DecodeStepper(checkpoint("reverse-lstm-bahdanau"), text)


@pytest.mark.parametrize("text", ["ab😀中 c", "абв", "héllo世界"])
def test_unknown_symbols_decode_as_unk(text):
    ckpt = checkpoint("reverse-lstm-bahdanau")
    stepper = DecodeStepper(ckpt, text)
    assert stepper.source.unknown and "<unk>" in stepper.source_tokens
    stepper.run_to_end()
    assert stepper.output_tokens == greedy_translate(ckpt, text).tokens


def test_a_language_model_is_refused():
    with pytest.raises(InputError, match="not a translation model"):
        DecodeStepper(checkpoint("charlm-lstm"), "hello")


def test_first_difference():
    assert first_difference([1, 2, 3], [1, 2, 3]) is None
    assert first_difference([1, 2, 3], [1, 5, 3]) == 1
    assert first_difference([1, 2], [1, 2, 3]) == 2
    assert first_difference([], [4]) == 0


@pytest.mark.parametrize("name", ["reverse-lstm-bahdanau", "en-zh-lstm-bahdanau", "dates-lstm-bahdanau"])
def test_exposure_bias_agrees_with_trace_and_greedy(name):
    ckpt = checkpoint(name)
    pair = example_pairs(ckpt, 1)[0]
    greedy = greedy_translate(ckpt, pair.source)
    # The reference itself: for these near-perfect models no difference anywhere.
    same = exposure_bias(ckpt, pair.source, greedy.output)
    assert same.first_difference is None and same.first_error is None
    assert same.free_tokens == greedy.tokens
    assert same.teacher_forced_log_prob == pytest.approx(greedy.log_prob, abs=1e-5)
    # A constructed reference: the greedy output with its first token replaced.
    vocab = ckpt.target_vocab
    greedy_ids = [vocab.id_of(token) for token in greedy.tokens]
    other = next(i for i in range(4, len(vocab)) if i != greedy_ids[0])
    reference_ids = [other, *greedy_ids[1:-1]]
    from seqviz.data.tokenizers import get_tokenizer

    reference = get_tokenizer(ckpt.target_tokenizer).detokenize(vocab.decode(reference_ids))
    result = exposure_bias(ckpt, pair.source, reference)
    source_ids = result.source.ids
    trace = ckpt.model.trace(source_ids, [*reference_ids, EOS_ID])
    teacher = trace.log_probs.argmax(-1).tolist()
    assert result.first_error == 0  # the free run never writes the replaced first token
    assert [r.teacher_forced_token for r in result.steps[: len(teacher)]] == [
        vocab.token_of(i) for i in teacher
    ]
    # only steps both regimes reached: a run that ended predicts nothing
    pairs = enumerate(zip(teacher, greedy_ids, strict=False))
    expected = next((t for t, (a, b) in pairs if a != b), None)
    assert result.first_difference == expected
    assert expected is None or expected > result.first_error  # same prefix, same prediction, until the error
    assert teacher[0] == greedy_ids[0]  # step 1 reads <sos> in both regimes: never the first difference
    assert result.teacher_forced_log_prob == pytest.approx(float(trace.token_log_probs.sum()), abs=1e-5)
    assert [r.teacher_forced_log_prob for r in result.steps[: len(teacher)]] == pytest.approx(
        trace.token_log_probs.tolist(), abs=1e-6
    )
    # Free running scores the reference token after the model's own prefix: at step 1 the prefixes agree.
    assert result.steps[0].free_log_prob == pytest.approx(float(trace.token_log_probs[0]), abs=1e-5)


def test_exposure_bias_refuses_an_empty_reference():
    with pytest.raises(InputError, match="reference is empty"):
        exposure_bias(checkpoint("reverse-lstm-bahdanau"), "abc", "  ")
