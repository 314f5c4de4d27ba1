"""The Transformer's promises (issue 21), each proved on the model's own numbers:

- stepped decoding (one token at a time, cached keys and values) equals teacher forcing on the whole target,
  for pre- and post-norm, 1-3 layers, 1-8 heads, padded batches of different lengths;
- masks: no position sees the future or padding (changing either changes nothing it must not), and the
  weights there are exactly 0;
- every attention weight returned is the one applied: a recomputation from the module's own ``W^Q``,
  ``W^K``, ``W^V`` gives it, and multiplying it with the values gives the module's output;
- beam search, ``score``, greedy decoding and the decoding stepper use the RNN model's calls, agreeing;
- the config refuses what it cannot build, and a checkpoint round trip keeps every number.
"""

from __future__ import annotations

import itertools
import json
import math

import pytest
import torch
from torch.nn import functional as F

from seqviz.checkpoints.store import Checkpoint, list_checkpoints, load_checkpoint, save_checkpoint
from seqviz.data.tokenizers import SPECIALS
from seqviz.data.vocab import EOS_ID, PAD_ID, SOS_ID, Vocab
from seqviz.errors import CheckpointError, InputError
from seqviz.explain.beam import NO_LENGTH_PENALTY, LengthPenalty, beam_search, beam_search_ids, score_output
from seqviz.explain.decoding import DecodeStepper
from seqviz.inference import greedy_translate, prepare_source
from seqviz.models import Transformer, TransformerConfig, build_model, config_from_dict
from seqviz.models.config import MAX_PARAMETERS
from seqviz.models.seq2seq import make_decoder_inputs
from seqviz.models.shapes import parameter_count, parameter_shapes
from seqviz.models.transformer import (
    MultiHeadAttention,
    TransformerDecoderOutput,
    causal_mask,
    sinusoidal_positions,
)

SOURCE_SIZE, TARGET_SIZE = 11, 13
SHAPES = [(1, 1), (2, 4), (3, 8)]  # (layers, heads)


def make_model(
    norm_first: bool = True,
    layers: int = 2,
    heads: int = 4,
    dtype: torch.dtype = torch.float64,
    seed: int = 0,
    d_model: int = 16,
) -> Transformer:
    torch.manual_seed(seed)
    config = TransformerConfig(
        SOURCE_SIZE, TARGET_SIZE, d_model=d_model, num_heads=heads, num_layers=layers, d_ff=24,
        dropout=0.1, norm_first=norm_first,
    )  # fmt: skip
    model = Transformer(config).to(dtype).eval()  # eval: dropout (0.1 here) off
    with torch.no_grad():  # LayerNorm's default 1 / 0 would hide a mistake about which norm is applied
        for name, parameter in model.named_parameters():
            if "norm" in name:
                parameter.add_(0.3 * torch.randn_like(parameter))
    return model


def padded_batch(seed: int = 1) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """Sources of lengths 6, 3, 1 (``<eos>`` included) and targets of lengths 2, 5, 4, padded with
    ``<pad>``: (source, lengths, decoder inputs, targets)."""
    generator = torch.Generator().manual_seed(seed)

    def sentence(length: int, vocab: int) -> list[int]:
        return [*torch.randint(4, vocab, (length - 1,), generator=generator).tolist(), EOS_ID]

    sources = [sentence(n, SOURCE_SIZE) for n in (6, 3, 1)]
    source = torch.full((3, 6), PAD_ID)
    for row, ids in enumerate(sources):
        source[row, : len(ids)] = torch.tensor(ids)
    lengths = torch.tensor([len(ids) for ids in sources])
    decoder_inputs, targets = make_decoder_inputs([sentence(n, TARGET_SIZE) for n in (2, 5, 4)])
    return source, lengths, decoder_inputs, targets


def stepped(model: Transformer, source, lengths, decoder_inputs, chunks=None) -> TransformerDecoderOutput:
    """The decoder run on ``decoder_inputs`` a few tokens per call (default one), from the cached state."""
    _, memory, state = model.start(source, lengths)
    steps = decoder_inputs.size(1)
    bounds = list(itertools.accumulate(chunks or [1] * steps))
    parts = []
    for start, end in zip([0, *bounds[:-1]], bounds, strict=True):
        part, state = model.decoder(decoder_inputs[:, start:end], state, memory)
        parts.append(part)
    assert state.position == steps
    return TransformerDecoderOutput.concat(parts)


def finite_close(a: torch.Tensor, b: torch.Tensor, tolerance: float) -> None:
    """Equal infinities (``<pad>`` / ``<sos>`` are -inf), finite values within ``tolerance``."""
    assert torch.equal(torch.isinf(a), torch.isinf(b))
    finite = torch.isfinite(a)
    assert float((a[finite] - b[finite]).abs().max()) <= tolerance


# ---------------------------------------------------------------------- stepped == teacher-forced


@pytest.mark.parametrize("norm_first", [True, False], ids=["pre-norm", "post-norm"])
@pytest.mark.parametrize(("layers", "heads"), SHAPES)
def test_stepped_decoding_equals_teacher_forcing(norm_first, layers, heads):
    source, lengths, decoder_inputs, _ = padded_batch()
    for dtype, tolerance in [(torch.float64, 1e-12), (torch.float32, 1e-5)]:
        model = make_model(norm_first, layers, heads, dtype)
        with torch.no_grad():
            forced = model(source, lengths, decoder_inputs)
            for chunks in (None, [2, 1, 2]):  # one token per call, and any number per call
                step = stepped(model, source, lengths, decoder_inputs, chunks)
                finite_close(step.log_probs, forced.log_probs, tolerance)
                for name in ("self_attention", "cross_attention", "attention", "outputs"):
                    finite_close(getattr(step, name), getattr(forced, name), tolerance)


def test_greedy_decoding_is_the_argmax_of_its_teacher_forced_replay():
    """``trace`` decodes greedily (cached steps) then replays the output teacher-forced: ``step_error``
    is the largest difference, on the very sentence shown."""
    source, lengths, _, _ = padded_batch()
    model = make_model(dtype=torch.float32, seed=3)
    for row in range(source.size(0)):
        ids = source[row, : int(lengths[row])].tolist()
        trace = model.trace(ids, max_len=8)
        assert trace.step_error is not None and trace.step_error < 1e-5
        assert trace.log_probs.argmax(-1).tolist() == trace.output_ids
        batch = model.greedy(source, lengths, 8)  # the batch (padded) decodes the same tokens
        assert batch.tokens[row, : int(batch.lengths[row])].tolist() == trace.output_ids
        forced = model.trace(ids, trace.output_ids)
        assert forced.step_error is None and forced.teacher_forced
        assert torch.equal(forced.token_log_probs, trace.token_log_probs)


def test_scheduled_sampling_feeds_the_argmax_without_teacher_forcing():
    source, lengths, decoder_inputs, _ = padded_batch()
    model = make_model()
    with torch.no_grad():
        free = model(source, lengths, decoder_inputs, teacher_forcing_ratio=0.0)
        greedy = model.greedy(source, lengths, decoder_inputs.size(1))
    chosen = free.log_probs.argmax(-1)
    for row in range(source.size(0)):
        length = int(greedy.lengths[row])
        assert chosen[row, :length].tolist() == greedy.tokens[row, :length].tolist()
    # the joined steps' self-attention is the full causal matrix: 0 above the diagonal
    above = ~causal_mask(decoder_inputs.size(1), decoder_inputs.size(1))
    assert bool((free.self_attention[..., above] == 0).all())


def test_positions_beyond_the_table_are_computed_the_same():
    table = sinusoidal_positions(1024, 16)
    assert torch.equal(sinusoidal_positions(1500, 16)[:1024], table)
    assert torch.allclose(table[5, 0::2], torch.sin(5 / 10000 ** (torch.arange(0, 16, 2) / 16)), atol=1e-6)
    model = make_model(layers=1, heads=1)
    x = torch.zeros(1, 3, 16, dtype=torch.float64)
    assert torch.equal(model.decoder.positions(x, 1022)[0, :2], model.decoder.positions.table[1022:1024])
    assert torch.equal(
        model.decoder.positions(x, 1023)[0, 1:], sinusoidal_positions(1026, 16)[1024:].double()
    )


# ------------------------------------------------------------------------------------------- masks


@pytest.mark.parametrize("norm_first", [True, False], ids=["pre-norm", "post-norm"])
def test_a_future_token_changes_no_earlier_output(norm_first):
    source, lengths, decoder_inputs, _ = padded_batch()
    model = make_model(norm_first, layers=3, heads=2)
    with torch.no_grad():
        before = model(source, lengths, decoder_inputs)
        for t in range(1, decoder_inputs.size(1)):
            changed = decoder_inputs.clone()
            changed[:, t] = (changed[:, t] + 3) % (TARGET_SIZE - 4) + 4  # another real token
            after = model(source, lengths, changed)
            assert torch.equal(after.log_probs[:, :t], before.log_probs[:, :t])
            assert torch.equal(after.cross_attention[:, :, :, :t], before.cross_attention[:, :, :, :t])
            assert torch.equal(after.self_attention[:, :, :, :t], before.self_attention[:, :, :, :t])
            assert not torch.equal(after.log_probs[:, t:], before.log_probs[:, t:])


def _noise_at_padding(module: torch.nn.Module, tokens: torch.Tensor) -> torch.utils.hooks.RemovableHandle:
    """Whatever sits at the padded positions: add large noise to the vectors there (after the positions are
    added), where a token change cannot reach (a changed token would no longer be padding)."""
    padding = tokens.eq(PAD_ID).unsqueeze(-1)
    generator = torch.Generator().manual_seed(5)

    def hook(_module, _inputs, output):
        noise = 100 * torch.randn(output.shape, generator=generator, dtype=output.dtype)
        return torch.where(padding, output + noise, output)

    return module.register_forward_hook(hook)


@pytest.mark.parametrize("norm_first", [True, False], ids=["pre-norm", "post-norm"])
def test_padding_changes_no_real_position(norm_first):
    source, lengths, decoder_inputs, targets = padded_batch()
    model = make_model(norm_first, layers=2, heads=4)
    real_source = source.ne(PAD_ID)
    real_target = targets.ne(PAD_ID)
    with torch.no_grad():
        encoded = model.start(source, lengths)[0]
        before = model(source, lengths, decoder_inputs)
        handles = [
            _noise_at_padding(model.encoder.positions, source),
            _noise_at_padding(model.decoder.positions, decoder_inputs),
        ]
        try:
            noisy_encoded = model.start(source, lengths)[0]
            after = model(source, lengths, decoder_inputs)
        finally:
            for handle in handles:
                handle.remove()
    assert not torch.equal(noisy_encoded.outputs[~real_source], encoded.outputs[~real_source])  # it did act
    assert torch.equal(noisy_encoded.outputs[real_source], encoded.outputs[real_source])
    assert torch.equal(after.log_probs[real_target], before.log_probs[real_target])
    # the same sentences alone, without any padding, give the same numbers (other shapes: other sum orders)
    for row in range(source.size(0)):
        n, m = int(lengths[row]), int(real_target[row].sum())
        with torch.no_grad():
            alone = model(
                source[row : row + 1, :n], lengths[row : row + 1], decoder_inputs[row : row + 1, :m]
            )
        finite_close(alone.log_probs[0], before.log_probs[row, :m], 1e-12)
        finite_close(alone.cross_attention[0], before.cross_attention[row, :, :, :m, :n], 1e-12)


def test_attention_on_padding_and_the_future_is_exactly_zero():
    source, lengths, decoder_inputs, _ = padded_batch()
    model = make_model(layers=2, heads=4)
    with torch.no_grad():
        encoded = model.start(source, lengths)[0]
        output = model(source, lengths, decoder_inputs)
    source_padding = source.eq(PAD_ID)[:, None, None, None, :]  # [batch, 1, 1, 1, keys]
    target_padding = decoder_inputs.eq(PAD_ID)[:, None, None, None, :]
    future = ~causal_mask(decoder_inputs.size(1), decoder_inputs.size(1))
    for weights, hidden in [
        (encoded.self_attention, source_padding),
        (output.cross_attention, source_padding),
        (output.self_attention, target_padding | future),
    ]:
        hidden = hidden.expand_as(weights)
        assert bool((weights[hidden] == 0).all())
        assert bool((weights[~hidden] > 0).all())  # softmax: every visible position gets some weight
        finite_close(weights.sum(-1), torch.ones_like(weights.sum(-1)), 1e-12)
    assert bool((output.attention[source.eq(PAD_ID)[:, None, :].expand_as(output.attention)] == 0).all())


def test_causal_mask_with_cached_positions():
    assert causal_mask(3, 3).tolist() == [[True, False, False], [True, True, False], [True, True, True]]
    assert causal_mask(1, 4).tolist() == [[True, True, True, True]]  # a step after three cached tokens
    assert causal_mask(2, 4).tolist() == [[True, True, True, False], [True, True, True, True]]


# -------------------------------------------------------------------- the weights are the ones applied


def _recompute(module: MultiHeadAttention, x: torch.Tensor, memory: torch.Tensor, allowed: torch.Tensor):
    """Scaled dot-product attention written out from the module's parameters, head by head."""
    d_head = module.d_head
    queries = F.linear(x, module.query_proj.weight, module.query_proj.bias)
    keys = F.linear(memory, module.key_proj.weight, module.key_proj.bias)
    values = F.linear(memory, module.value_proj.weight, module.value_proj.bias)
    weights, heads = [], []
    for h in range(module.num_heads):
        part = slice(h * d_head, (h + 1) * d_head)
        scores = queries[..., part] @ keys[..., part].transpose(-2, -1) / math.sqrt(d_head)
        head_weights = torch.softmax(scores.masked_fill(~allowed, float("-inf")), dim=-1)
        weights.append(head_weights)
        heads.append(head_weights @ values[..., part])
    output = F.linear(torch.cat(heads, -1), module.output_proj.weight, module.output_proj.bias)
    return torch.stack(weights, 1), output


@pytest.mark.parametrize("norm_first", [True, False], ids=["pre-norm", "post-norm"])
def test_every_returned_weight_is_recomputed_from_the_projections(norm_first):
    source, lengths, decoder_inputs, targets = padded_batch()
    model = make_model(norm_first, layers=2, heads=4, dtype=torch.float32)
    calls: dict[str, tuple[torch.Tensor, torch.Tensor]] = {}  # module name -> (query input, module output)
    handles = []
    for name, module in model.named_modules():
        if isinstance(module, MultiHeadAttention):

            def hook(_module, inputs, output, name=name):
                calls[name] = (inputs[0], output[0])

            handles.append(module.register_forward_hook(hook))
    try:
        with torch.no_grad():
            encoded = model.start(source, lengths)[0]
            output = model(source, lengths, decoder_inputs)
    finally:
        for handle in handles:
            handle.remove()
    source_allowed = source.ne(PAD_ID)[:, None, :]
    steps = decoder_inputs.size(1)
    target_allowed = causal_mask(steps, steps)[None] & decoder_inputs.ne(PAD_ID)[:, None, :]
    checks = []
    for layer in range(2):
        checks += [
            (
                f"encoder.layers.{layer}.self_attention",
                encoded.self_attention[:, layer],
                None,
                source_allowed,
            ),
            (f"decoder.layers.{layer}.self_attention", output.self_attention[:, layer], None, target_allowed),
            (
                f"decoder.layers.{layer}.cross_attention",
                output.cross_attention[:, layer],
                encoded.outputs,
                source_allowed,
            ),
        ]
    for name, returned, memory, allowed in checks:
        x, module_output = calls[name]
        with torch.no_grad():
            weights, recomputed_output = _recompute(
                model.get_submodule(name), x, x if memory is None else memory, allowed
            )
        assert float((weights - returned).abs().max()) <= 1e-6, name
        assert float((recomputed_output - module_output).abs().max()) <= 1e-5, name  # these weights applied
        assert float((returned.sum(-1) - 1).abs().max()) <= 1e-6, name
    # the single-matrix view: the last layer's cross-attention, mean over heads
    assert torch.equal(output.attention, output.cross_attention[:, -1].mean(dim=1))
    # a trace's attention is its forward pass's (row 1: a target of 5 tokens, no padding)
    n = int(lengths[1])
    trace = model.trace(source[1, :n].tolist(), targets[1].tolist())
    with torch.no_grad():
        single = model(source[1:2, :n], lengths[1:2], decoder_inputs[1:2])
        single_encoded = model.start(source[1:2, :n], lengths[1:2])[0]
    assert torch.equal(trace.cross_attention, single.cross_attention[0])
    assert torch.equal(trace.decoder_self_attention, single.self_attention[0])
    assert torch.equal(trace.encoder_self_attention, single_encoded.self_attention[0])
    assert torch.equal(trace.attention, single.attention[0])


# -------------------------------------------------------------- beam, score, stepper: the shared calls


def tiny_checkpoint(seed: int = 0) -> Checkpoint:
    """A random float64 Transformer on letters, outputs sharpened so greedy and the optimum can part ways."""
    torch.manual_seed(seed)
    source_vocab = Vocab([*SPECIALS, "a", "b", "c"])
    target_vocab = Vocab([*SPECIALS, "x", "y"])
    config = TransformerConfig(
        len(source_vocab), len(target_vocab), d_model=8, num_heads=2, num_layers=2, d_ff=8
    )
    model = Transformer(config).double().eval()
    with torch.no_grad():
        model.decoder.output.weight.mul_(3.0)
    return Checkpoint(model=model, config=config, target_vocab=target_vocab, source_vocab=source_vocab)


def teacher_forced(checkpoint: Checkpoint, text: str, ids: list[int]) -> list[float]:
    return checkpoint.model.trace(prepare_source(checkpoint, text).ids, ids).token_log_probs.tolist()


@pytest.mark.parametrize("penalty", [NO_LENGTH_PENALTY, LengthPenalty("gnmt", 0.6)], ids=lambda p: p.kind)
def test_beam_nbest_log_probs_equal_score(penalty):
    checkpoint = tiny_checkpoint()
    finished = 0
    for text in ["abc", "cab", "b"]:
        result = beam_search(checkpoint, text, 3, penalty=penalty, max_len=6)
        assert result.nbest
        for hypothesis in result.nbest:
            if hypothesis.finished:  # score appends <eos>: a cut output is another sequence
                finished += 1
                scored = score_output(checkpoint, text, hypothesis.output)
                assert scored.tokens == hypothesis.tokens
                assert hypothesis.log_prob == pytest.approx(scored.log_prob, abs=1e-9)
            forced = teacher_forced(checkpoint, text, hypothesis.token_ids)
            assert hypothesis.token_log_probs == pytest.approx(forced, abs=1e-9)
            assert hypothesis.score == pytest.approx(penalty.score(sum(forced), len(forced)), abs=1e-9)
    assert finished >= 3
    for node in result.tree.nodes[1:]:  # every node of the last tree, pruned ones included
        forced = teacher_forced(checkpoint, text, result.tree.path_ids(node.id))
        assert node.cumulative_log_prob == pytest.approx(sum(forced), abs=1e-9)


def test_a_beam_that_keeps_everything_is_exhaustive_search():
    checkpoint = tiny_checkpoint(seed=4)
    max_len = 3
    words = [3, 4, 5]  # <unk>, x, y: every id but <pad>, <sos> and <eos>
    outcomes = [(*body, EOS_ID) for n in range(max_len) for body in itertools.product(words, repeat=n)]
    outcomes += list(itertools.product(words, repeat=max_len))
    source = prepare_source(checkpoint, "abca")
    ranking = sorted((sum(teacher_forced(checkpoint, "abca", list(ids))), ids) for ids in outcomes)[::-1]
    tree = beam_search_ids(
        checkpoint.model, source.ids, checkpoint.target_vocab, 40, max_len, NO_LENGTH_PENALTY, n_best=5
    )
    found = [tuple(tree.path_ids(i)) for i in tree.best_ids]
    assert found == [ids for _, ids in ranking[:5]]


def test_width_one_beam_and_the_stepper_are_greedy_decoding():
    checkpoint = tiny_checkpoint(seed=2)
    for text in ["abc", "ccba"]:
        greedy = greedy_translate(checkpoint, text, 6)
        (best,) = beam_search(checkpoint, text, 1, max_len=6).nbest
        assert best.tokens == greedy.tokens and best.token_log_probs == greedy.token_log_probs
        stepper = DecodeStepper(checkpoint, text, max_len=6)
        assert stepper.has_attention
        views = stepper.run_to_end()
        assert [view.chosen_token for view in views] == greedy.tokens
        assert [view.log_prob for view in views] == greedy.token_log_probs
        trace = checkpoint.model.trace(stepper.source.ids, stepper.output_ids)
        for t, view in enumerate(views):  # the row shown is the forward pass's single-matrix view
            assert view.attention == pytest.approx(trace.attention[t].tolist(), abs=1e-12)
            assert view.hidden == pytest.approx(trace.decoder_outputs[t].tolist(), abs=1e-12)
        stepper.back()
        stepper.back()
        forced = stepper.force("y")
        assert forced is not None and forced.log_prob == pytest.approx(
            teacher_forced(checkpoint, text, [*stepper.output_ids, EOS_ID])[len(stepper.output_ids) - 1],
            abs=1e-12,
        )


def test_the_model_has_no_copy_mechanism():
    model = tiny_checkpoint().model
    source = torch.tensor([[4, 5, EOS_ID]])
    with pytest.raises(ValueError, match="no copy"):
        model.start(source, torch.tensor([3]), source)


# ---------------------------------------------------------------------------------------------- config


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("d_model", 258, "d_model must be a whole number from 2 to 256"),
        ("d_model", 0, "d_model must be a whole number"),
        ("d_model", 18.0, "d_model must be a whole number"),
        ("d_model", 14, "must be a multiple of num_heads"),
        ("num_heads", 0, "num_heads must be a whole number from 1 to 8"),
        ("num_heads", 9, "num_heads must be a whole number from 1 to 8"),
        ("num_layers", 0, "num_layers must be a whole number from 1 to 3"),
        ("num_layers", 4, "num_layers must be a whole number from 1 to 3"),
        ("num_layers", True, "num_layers must be a whole number"),
        ("d_ff", 0, "d_ff must be a whole number from 1 to 1024"),
        ("d_ff", 1025, "d_ff must be a whole number from 1 to 1024"),
        ("dropout", 1.0, r"dropout must be in \[0, 1\)"),
        ("dropout", -0.1, r"dropout must be in \[0, 1\)"),
        ("dropout", True, r"dropout must be in \[0, 1\)"),
        ("norm_first", "pre", "norm_first must be true or false"),
        ("source_vocab_size", 4, "source_vocab_size must be a whole number from 5"),
        ("target_vocab_size", "12", "target_vocab_size must be a whole number"),
    ],
)
def test_config_refuses_what_it_cannot_build(field, value, message):
    options = {"source_vocab_size": 10, "target_vocab_size": 12, "d_model": 16, "num_heads": 4, field: value}
    with pytest.raises(InputError, match=message):
        TransformerConfig(**options).validate()


def test_odd_model_size_and_size_limits():
    with pytest.raises(InputError, match="d_model must be even"):
        TransformerConfig(10, 10, d_model=15, num_heads=3).validate()
    with pytest.raises(InputError, match="parameters, over the limit"):
        TransformerConfig(500_000, 500_000, d_model=256, num_heads=8).validate()
    largest = TransformerConfig(5000, 5000, d_model=256, num_heads=8, num_layers=3, d_ff=1024).validate()
    assert parameter_count(largest) < MAX_PARAMETERS


def test_config_round_trips_through_json_and_refuses_foreign_fields():
    config = TransformerConfig(10, 12, d_model=32, num_heads=8, num_layers=3, d_ff=64, norm_first=False)
    data = json.loads(json.dumps(config.to_dict()))
    assert data["kind"] == "transformer" and "copy" not in data
    assert config_from_dict(data) == config
    assert config.describe() == "Transformer, 3 layers, 8 heads, d_model 32, post-norm"
    assert config.d_head == 4 and not config.copy and not config.coverage
    with pytest.raises(CheckpointError, match="unknown fields: attention"):
        config_from_dict({**data, "attention": "bahdanau"})
    with pytest.raises(CheckpointError, match="invalid: num_heads"):
        config_from_dict({**data, "num_heads": 64})


@pytest.mark.parametrize(("norm_first", "layers"), list(itertools.product([True, False], [1, 2, 3])))
def test_shapes_equal_the_built_models(norm_first, layers):
    config = TransformerConfig(
        7, 9, d_model=12, num_heads=3, num_layers=layers, d_ff=5, norm_first=norm_first
    )
    model = build_model(config)
    assert isinstance(model, Transformer)
    assert parameter_shapes(config) == {name: tuple(t.shape) for name, t in model.state_dict().items()}
    assert parameter_count(config) == sum(p.numel() for p in model.parameters())


# ------------------------------------------------------------------------------------------ checkpoint


def test_checkpoint_round_trip_keeps_every_number(tmp_path):
    checkpoint = tiny_checkpoint(seed=6)
    folder = save_checkpoint(checkpoint, tmp_path / "tiny-transformer")
    loaded = load_checkpoint(folder)
    assert loaded.kind == "transformer" and loaded.config == checkpoint.config
    assert isinstance(loaded.model, Transformer) and not loaded.model.training
    original = checkpoint.model.state_dict()
    for name, tensor in loaded.model.state_dict().items():
        assert torch.equal(tensor, original[name].float()), (
            name
        )  # saved as the model held them, loaded as float32
    expected = checkpoint.model.float().trace([4, 5, 6, EOS_ID], [4, 5, EOS_ID])
    got = loaded.model.trace([4, 5, 6, EOS_ID], [4, 5, EOS_ID])
    assert torch.equal(got.token_log_probs, expected.token_log_probs)
    assert torch.equal(got.cross_attention, expected.cross_attention)
    (info,) = list_checkpoints(tmp_path, origin="user")
    assert info.kind == "transformer" and info.summary == checkpoint.config.describe()


def test_a_checkpoint_without_its_source_vocabulary_is_refused(tmp_path):
    folder = save_checkpoint(tiny_checkpoint(), tmp_path / "t")
    meta = json.loads((folder / "config.json").read_text())
    del meta["vocab"]["source"]
    (folder / "config.json").write_text(json.dumps(meta))
    with pytest.raises(CheckpointError, match="lacks the source vocabulary"):
        load_checkpoint(folder)


def test_pad_and_sos_are_never_output():
    model = make_model(dtype=torch.float32)
    source, lengths, decoder_inputs, _ = padded_batch()
    with torch.no_grad():
        output = model(source, lengths, decoder_inputs)
    assert bool((output.log_probs[..., [PAD_ID, SOS_ID]] == float("-inf")).all())
    finite_close(output.log_probs.exp().sum(-1), torch.ones(output.log_probs.shape[:2]), 1e-5)
