"""The replay in ``seqviz.models.trace`` is faithful: it equals the module, and its states follow from its
gates.

Three kinds of promise are checked here:
1. ``output``, ``h_n`` and ``c_n`` equal ``module(inputs, hx)`` for any plain LSTM / GRU / RNN configuration;
2. every stored state follows from the stored gates by the course's equations, and every gate can be
   recomputed from PyTorch's own weight chunks in PyTorch's documented order;
3. hostile inputs are refused with one clear sentence.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

from seqviz.bench.trace_cost import measure_trace_overhead
from seqviz.models.trace import RecurrentTrace, trace_recurrent

# nn.LSTM with proj_size leaves its oneDNN fast path and says so; that is torch's business, not a failure here
pytestmark = pytest.mark.filterwarnings("ignore:LSTM with projections is not supported with oneDNN")

MODES = ("LSTM", "GRU", "RNN_TANH", "RNN_RELU")
TOLERANCE = {torch.float32: {"atol": 1e-5, "rtol": 1e-5}, torch.float64: {"atol": 1e-10, "rtol": 1e-10}}


@dataclass
class Config:
    mode: str = "LSTM"
    input_size: int = 3
    hidden_size: int = 4
    num_layers: int = 1
    bidirectional: bool = False
    batch_first: bool = False
    bias: bool = True
    proj_size: int = 0
    batch: int = 2
    seq_len: int = 5
    unbatched: bool = False
    with_hx: bool = False
    dtype: torch.dtype = torch.float64
    seed: int = 0

    @property
    def num_directions(self) -> int:
        return 2 if self.bidirectional else 1


def make_module(config: Config) -> nn.RNNBase:
    torch.manual_seed(config.seed)
    options = dict(num_layers=config.num_layers, bias=config.bias, batch_first=config.batch_first,
                   bidirectional=config.bidirectional)  # fmt: skip
    if config.mode == "LSTM":
        module = nn.LSTM(config.input_size, config.hidden_size, proj_size=config.proj_size, **options)
    elif config.mode == "GRU":
        module = nn.GRU(config.input_size, config.hidden_size, **options)
    else:
        nonlinearity = "tanh" if config.mode == "RNN_TANH" else "relu"
        module = nn.RNN(config.input_size, config.hidden_size, nonlinearity=nonlinearity, **options)
    return module.to(config.dtype).eval()


def make_inputs(config: Config) -> tuple[torch.Tensor, object]:
    generator = torch.Generator().manual_seed(config.seed + 1)

    def randn(*shape: int) -> torch.Tensor:
        return torch.randn(*shape, generator=generator, dtype=config.dtype)

    if config.unbatched:
        inputs = randn(config.seq_len, config.input_size)
    elif config.batch_first:
        inputs = randn(config.batch, config.seq_len, config.input_size)
    else:
        inputs = randn(config.seq_len, config.batch, config.input_size)
    if not config.with_hx:
        return inputs, None
    stacks = config.num_layers * config.num_directions
    batch = () if config.unbatched else (config.batch,)
    h_0 = randn(stacks, *batch, config.proj_size or config.hidden_size)
    if config.mode != "LSTM":
        return inputs, h_0
    return inputs, (h_0, randn(stacks, *batch, config.hidden_size))


def assert_close(actual: torch.Tensor, expected: torch.Tensor) -> None:
    assert actual.shape == expected.shape
    torch.testing.assert_close(actual, expected, **TOLERANCE[expected.dtype])


def assert_equals_module(module: nn.RNNBase, inputs: torch.Tensor, hx: object) -> RecurrentTrace:
    """The trace's output, h_n and c_n are the module's, and its per-step tensors agree with them."""
    with torch.no_grad():
        output, state = module(inputs, hx)
    trace = trace_recurrent(module, inputs, hx)
    h_n, c_n = state if isinstance(state, tuple) else (state, None)
    assert_close(trace.output, output)
    assert_close(trace.h_n, h_n)
    if c_n is None:
        assert trace.c_n is None and trace.cell is None
    else:
        assert trace.c_n is not None
        assert_close(trace.c_n, c_n)
    assert_steps_agree_with_outputs(trace)
    return trace


def assert_steps_agree_with_outputs(trace: RecurrentTrace) -> None:
    """The last layer's per-step hidden states are ``output``; each direction's final step is ``h_n``."""
    directions, hidden_size = trace.num_directions, trace.hidden_size
    stacks, batch, seq_len, width = trace.hidden.shape
    assert stacks == trace.num_layers * directions
    assert width == (trace.proj_size or hidden_size)
    if trace.cell is not None:
        assert trace.cell.shape == (stacks, batch, seq_len, hidden_size)
    for values in trace.gates.values():
        assert values.shape == (stacks, batch, seq_len, hidden_size)

    output = trace.output
    if not trace.batched:
        output = output[None]
    elif not trace.batch_first:
        output = output.transpose(0, 1)  # -> [B, T, D*h]
    h_n = trace.h_n if trace.batched else trace.h_n[:, None]
    for direction in range(directions):
        index = (trace.num_layers - 1) * directions + direction
        assert_close(trace.hidden[index], output[..., direction * width : (direction + 1) * width])
    for layer in range(trace.num_layers):
        for direction in range(directions):
            index = layer * directions + direction
            final_step = 0 if direction == 1 else seq_len - 1
            assert_close(trace.hidden[index, :, final_step], h_n[index])


# ----------------------------------------------------------------------------------------------------------
# 1. The replay equals the module.


@st.composite
def configs(draw: st.DrawFn) -> Config:
    mode = draw(st.sampled_from(MODES))
    hidden_size = draw(st.integers(1, 6))
    return Config(
        mode=mode,
        input_size=draw(st.integers(1, 5)),
        hidden_size=hidden_size,
        num_layers=draw(st.integers(1, 3)),
        bidirectional=draw(st.booleans()),
        batch_first=draw(st.booleans()),
        bias=draw(st.booleans()),
        proj_size=draw(st.integers(0, hidden_size - 1)) if mode == "LSTM" else 0,
        batch=draw(st.integers(1, 3)),
        seq_len=draw(st.integers(1, 7)),
        unbatched=draw(st.booleans()),
        with_hx=draw(st.booleans()),
        dtype=draw(st.sampled_from([torch.float32, torch.float64])),
        seed=draw(st.integers(0, 2**16)),
    )


@settings(max_examples=60, deadline=None)
@given(configs())
def test_trace_equals_module_for_random_configurations(config: Config) -> None:
    module = make_module(config)
    inputs, hx = make_inputs(config)
    trace = assert_equals_module(module, inputs, hx)
    assert trace.mode == config.mode
    assert (trace.num_layers, trace.num_directions) == (config.num_layers, config.num_directions)
    assert trace.batch_first == config.batch_first and trace.batched == (not config.unbatched)


def test_bidirectional_three_layer_batch_first_lstm() -> None:
    config = Config(mode="LSTM", input_size=5, hidden_size=7, num_layers=3, bidirectional=True,
                    batch_first=True, batch=3, seq_len=9, dtype=torch.float32)  # fmt: skip
    module = make_module(config)
    for with_hx in (False, True):
        config.with_hx = with_hx
        inputs, hx = make_inputs(config)
        trace = assert_equals_module(module, inputs, hx)
        assert trace.output.shape == (3, 9, 14)
        assert trace.hidden.shape == trace.cell.shape == (6, 3, 9, 7)
        assert set(trace.gates) == {"input", "forget", "cell", "output"}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("bidirectional", [False, True])
def test_long_sequences(mode: str, bidirectional: bool) -> None:
    config = Config(mode=mode, num_layers=2, bidirectional=bidirectional, batch=2,
                    seq_len=40, with_hx=True)  # fmt: skip
    inputs, hx = make_inputs(config)
    assert_equals_module(make_module(config), inputs, hx)


def test_float32_and_float64_keep_their_dtype() -> None:
    for dtype in (torch.float32, torch.float64):
        config = Config(mode="GRU", num_layers=2, bidirectional=True, dtype=dtype)
        inputs, hx = make_inputs(config)
        trace = assert_equals_module(make_module(config), inputs, hx)
        assert trace.hidden.dtype == trace.output.dtype == trace.gates["new"].dtype == dtype


# ----------------------------------------------------------------------------------------------------------
# 2. States follow from gates; gates follow from PyTorch's weight chunks.


def previous_states(states: torch.Tensor, initial: torch.Tensor, direction: int) -> torch.Tensor:
    """``[B, T, X]``: the state each step starts from; for the reverse direction "previous" is t + 1."""
    if direction == 1:
        return torch.cat([states[:, 1:], initial[:, None]], dim=1)
    return torch.cat([initial[:, None], states[:, :-1]], dim=1)


def layer_inputs(trace: RecurrentTrace, x: torch.Tensor, layer: int) -> torch.Tensor:
    """``[B, T, features]`` read by ``layer``: x for layer 0, else the layer below's [forward; backward]."""
    if layer == 0:
        return x
    directions = trace.num_directions
    below = range((layer - 1) * directions, layer * directions)
    return torch.cat([trace.hidden[index] for index in below], dim=-1)


def initial_states(config: Config, hx: object) -> tuple[torch.Tensor, torch.Tensor | None]:
    """h_0 and c_0 as ``[L*D, B, X]`` from hx, or zeros, computed here independently of the trace."""
    stacks = config.num_layers * config.num_directions
    if hx is None:
        h_0 = torch.zeros(stacks, config.batch, config.proj_size or config.hidden_size, dtype=config.dtype)
        c_0 = torch.zeros(stacks, config.batch, config.hidden_size, dtype=config.dtype)
        return h_0, c_0 if config.mode == "LSTM" else None
    return hx if isinstance(hx, tuple) else (hx, None)


def batch_major(config: Config, inputs: torch.Tensor) -> torch.Tensor:
    return inputs if config.batch_first else inputs.transpose(0, 1)


@pytest.mark.parametrize("proj_size", [0, 2])
@pytest.mark.parametrize("with_hx", [False, True])
def test_lstm_states_follow_from_gates(proj_size: int, with_hx: bool) -> None:
    config = Config(mode="LSTM", hidden_size=4, num_layers=2, bidirectional=True, proj_size=proj_size,
                    batch=2, seq_len=6, with_hx=with_hx)  # fmt: skip
    module = make_module(config)
    inputs, hx = make_inputs(config)
    trace = trace_recurrent(module, inputs, hx)
    _, c_0 = initial_states(config, hx)
    for layer in range(config.num_layers):
        for direction in range(2):
            index = layer * 2 + direction
            i, f, g, o = (trace.gates[name][index] for name in ("input", "forget", "cell", "output"))
            c_t, h_t = trace.cell[index], trace.hidden[index]
            c_prev = previous_states(c_t, c_0[index], direction)
            assert_close(c_t, f * c_prev + i * g)  # c_t = f_t * c_{t-1} + i_t * g_t
            unprojected = o * torch.tanh(c_t)  # h_t = o_t * tanh(c_t)
            if proj_size:
                suffix = f"_l{layer}" + ("_reverse" if direction else "")
                unprojected = unprojected @ getattr(module, "weight_hr" + suffix).T  # h_t = W_hr h_t
            assert_close(h_t, unprojected)


@pytest.mark.parametrize("with_hx", [False, True])
def test_gru_states_follow_from_gates(with_hx: bool) -> None:
    config = Config(mode="GRU", num_layers=2, bidirectional=True, batch=2, seq_len=6, with_hx=with_hx)
    module = make_module(config)
    inputs, hx = make_inputs(config)
    trace = trace_recurrent(module, inputs, hx)
    h_0, _ = initial_states(config, hx)
    for index in range(config.num_layers * 2):
        z, n, h_t = trace.gates["update"][index], trace.gates["new"][index], trace.hidden[index]
        h_prev = previous_states(h_t, h_0[index], direction=index % 2)
        assert_close(h_t, (1 - z) * n + z * h_prev)  # h_t = (1 - z_t) * n_t + z_t * h_{t-1}


@pytest.mark.parametrize("mode", MODES)
def test_gates_recomputed_from_pytorch_weight_chunks(mode: str) -> None:
    """For one step of every layer and direction, recompute the gates from ``W.chunk`` in PyTorch's order."""
    config = Config(mode=mode, num_layers=2, bidirectional=True, batch=2, seq_len=5, with_hx=True, seed=3)
    module = make_module(config)
    inputs, hx = make_inputs(config)
    trace = trace_recurrent(module, inputs, hx)
    h_0, c_0 = initial_states(config, hx)
    x = batch_major(config, inputs)
    for layer in range(config.num_layers):
        for direction in range(2):
            index, t = layer * 2 + direction, 2
            suffix = f"_l{layer}" + ("_reverse" if direction else "")
            w_ih, w_hh = getattr(module, "weight_ih" + suffix), getattr(module, "weight_hh" + suffix)
            b_ih, b_hh = getattr(module, "bias_ih" + suffix), getattr(module, "bias_hh" + suffix)
            x_t = layer_inputs(trace, x, layer)[:, t]
            h_prev = previous_states(trace.hidden[index], h_0[index], direction)[:, t]
            if mode == "LSTM":
                c_prev = previous_states(trace.cell[index], c_0[index], direction)[:, t]
                chunks = zip(w_ih.chunk(4, 0), w_hh.chunk(4, 0), b_ih.chunk(4), b_hh.chunk(4), strict=True)
                pre_i, pre_f, pre_g, pre_o = (x_t @ w.T + b + h_prev @ u.T + c for w, u, b, c in chunks)
                i, f, o = torch.sigmoid(pre_i), torch.sigmoid(pre_f), torch.sigmoid(pre_o)
                g = torch.tanh(pre_g)
                for name, value in {"input": i, "forget": f, "cell": g, "output": o}.items():
                    assert_close(trace.gates[name][index, :, t], value)
                assert_close(trace.cell[index, :, t], f * c_prev + i * g)
            elif mode == "GRU":
                (w_ir, w_iz, w_in), (w_hr, w_hz, w_hn) = w_ih.chunk(3, 0), w_hh.chunk(3, 0)
                (b_ir, b_iz, b_in), (b_hr, b_hz, b_hn) = b_ih.chunk(3), b_hh.chunk(3)
                r = torch.sigmoid(x_t @ w_ir.T + b_ir + h_prev @ w_hr.T + b_hr)
                z = torch.sigmoid(x_t @ w_iz.T + b_iz + h_prev @ w_hz.T + b_hz)
                n = torch.tanh(x_t @ w_in.T + b_in + r * (h_prev @ w_hn.T + b_hn))
                for name, value in {"reset": r, "update": z, "new": n}.items():
                    assert_close(trace.gates[name][index, :, t], value)
                assert_close(trace.hidden[index, :, t], (1 - z) * n + z * h_prev)
            else:
                activation = torch.tanh if mode == "RNN_TANH" else torch.relu
                assert trace.gates == {}
                expected = activation(x_t @ w_ih.T + b_ih + h_prev @ w_hh.T + b_hh)
                assert_close(trace.hidden[index, :, t], expected)


def test_gate_values_are_in_their_ranges() -> None:
    config = Config(mode="LSTM", num_layers=2, bidirectional=True, seq_len=8)
    trace = trace_recurrent(make_module(config), make_inputs(config)[0])
    for name in ("input", "forget", "output"):
        assert trace.gates[name].min() >= 0 and trace.gates[name].max() <= 1
    assert trace.gates["cell"].min() >= -1 and trace.gates["cell"].max() <= 1


def test_layer_picks_one_layer_and_direction() -> None:
    config = Config(mode="LSTM", num_layers=2, bidirectional=True, batch=2, seq_len=6, with_hx=True)
    module = make_module(config)
    inputs, hx = make_inputs(config)
    trace = trace_recurrent(module, inputs, hx)
    assert (trace.seq_len, trace.batch_size) == (6, 2)
    assert trace.gate_names == ("input", "forget", "cell", "output")
    for layer in range(2):
        for direction in range(2):
            picked = trace.layer(layer, direction)
            index = layer * 2 + direction
            assert picked.reverse == (direction == 1)
            assert torch.equal(picked.hidden, trace.hidden[index])
            assert torch.equal(picked.gates["forget"], trace.gates["forget"][index])
            assert picked.hidden.shape == (2, 6, 4) and picked.cell.shape == (2, 6, 4)
            first = -1 if direction else 0  # the step each direction computes first
            assert torch.equal(picked.hidden_before[:, first], hx[0][index])
            assert torch.equal(picked.cell_before[:, first], hx[1][index])
            assert_close(picked.cell, picked.gates["forget"] * picked.cell_before
                         + picked.gates["input"] * picked.gates["cell"])  # fmt: skip
    with pytest.raises(ValueError, match="layer"):
        trace.layer(2)
    with pytest.raises(ValueError, match="direction"):
        trace.layer(0, 2)


# ----------------------------------------------------------------------------------------------------------
# Named cases the property test also draws, kept explicit so a failure says what broke.


@pytest.mark.parametrize("mode", MODES)
def test_unbatched_input(mode: str) -> None:
    config = Config(mode=mode, num_layers=2, bidirectional=True, unbatched=True, seq_len=5, with_hx=True,
                    batch_first=True, proj_size=2 if mode == "LSTM" else 0)  # fmt: skip
    inputs, hx = make_inputs(config)
    trace = assert_equals_module(make_module(config), inputs, hx)
    assert not trace.batched
    assert trace.output.dim() == 2 and trace.h_n.dim() == 2
    assert trace.hidden.shape[1] == 1  # batch 1 in the per-step tensors


def test_relu_rnn() -> None:
    config = Config(mode="RNN_RELU", num_layers=3, bidirectional=True, batch=3, seq_len=7, with_hx=True)
    inputs, hx = make_inputs(config)
    trace = assert_equals_module(make_module(config), inputs, hx)
    assert trace.mode == "RNN_RELU" and trace.gates == {}
    assert trace.hidden.min() == 0  # relu clipped some pre-activations


@pytest.mark.parametrize("mode", MODES)
def test_without_bias(mode: str) -> None:
    config = Config(mode=mode, bias=False, num_layers=2, bidirectional=True, with_hx=True)
    inputs, hx = make_inputs(config)
    assert_equals_module(make_module(config), inputs, hx)


def test_lstm_projection() -> None:
    config = Config(mode="LSTM", hidden_size=6, proj_size=3, num_layers=2, bidirectional=True,
                    batch_first=True, with_hx=True)  # fmt: skip
    inputs, hx = make_inputs(config)
    trace = assert_equals_module(make_module(config), inputs, hx)
    assert trace.proj_size == 3
    assert trace.hidden.shape[-1] == 3 and trace.cell.shape[-1] == 6 and trace.gates["input"].shape[-1] == 6


def test_the_module_is_left_untouched() -> None:
    config = Config(mode="LSTM", num_layers=2, bidirectional=True, seq_len=32)
    module = make_module(config)
    before = {name: value.clone() for name, value in module.state_dict().items()}
    inputs, hx = make_inputs(config)
    trace = trace_recurrent(module, inputs.requires_grad_(), hx)
    assert all(torch.equal(before[name], value) for name, value in module.state_dict().items())
    assert not trace.output.requires_grad and not trace.hidden.requires_grad


def test_training_mode_without_active_dropout_is_traced() -> None:
    config = Config(mode="GRU", num_layers=2)
    module = make_module(config).train()  # dropout 0: training mode computes the same forward pass
    assert_equals_module(module, make_inputs(config)[0], None)


# ----------------------------------------------------------------------------------------------------------
# 3. Hostile inputs: one clear sentence.


def assert_one_sentence_error(call, match: str) -> None:
    with pytest.raises(ValueError, match=match) as error:
        call()
    message = str(error.value)
    assert "\n" not in message and len(message) < 200


def test_training_mode_with_dropout_is_refused() -> None:
    module = nn.LSTM(3, 4, num_layers=2, dropout=0.5).train()
    inputs = torch.randn(5, 2, 3)
    assert_one_sentence_error(lambda: trace_recurrent(module, inputs), r"module\.eval\(\)")
    assert_equals_module(module.eval(), inputs, None)


@pytest.mark.parametrize(
    ("make_bad_inputs", "match"),
    [
        (lambda: torch.randn(5, 2, 4), "3 features"),  # wrong feature count
        (lambda: torch.randn(3), "shape"),  # 1-D
        (lambda: torch.randn(2, 5, 2, 3), "shape"),  # 4-D
        (lambda: torch.randn(0, 2, 3), "at least one time step"),
        (lambda: torch.zeros(5, 2, 3, dtype=torch.long), "torch.float32"),  # token ids, not embeddings
        (lambda: torch.randn(5, 2, 3, dtype=torch.float64), "torch.float32"),
        (lambda: [[0.0, 1.0, 2.0]], "torch.Tensor"),
        (lambda: pack_padded_sequence(torch.randn(5, 2, 3), [5, 3]), "packed sequences"),
    ],
)
def test_bad_inputs_are_refused(make_bad_inputs, match: str) -> None:
    module = nn.LSTM(3, 4).eval()
    assert_one_sentence_error(lambda: trace_recurrent(module, make_bad_inputs()), match)


@pytest.mark.parametrize(
    ("module", "hx", "match"),
    [
        (nn.GRU(3, 4), torch.zeros(1, 3, 4), "h_0 must have shape"),  # batch 3 for inputs of batch 2
        (nn.GRU(3, 4, bidirectional=True), torch.zeros(1, 2, 4), "h_0 must have shape"),
        (nn.LSTM(3, 4), torch.zeros(1, 2, 4), "pair"),
        (nn.LSTM(3, 4), (torch.zeros(1, 2, 4), torch.zeros(1, 2, 5)), "c_0 must have shape"),
        (nn.LSTM(3, 4, proj_size=2), (torch.zeros(1, 2, 4), torch.zeros(1, 2, 4)), "h_0 must have shape"),
        (nn.RNN(3, 4), torch.zeros(1, 2, 4, dtype=torch.float64), "h_0 must be torch.float32"),
    ],
)
def test_bad_hx_is_refused(module: nn.RNNBase, hx: object, match: str) -> None:
    assert_one_sentence_error(lambda: trace_recurrent(module.eval(), torch.randn(5, 2, 3), hx), match)


def test_other_modules_are_refused() -> None:
    linear = nn.Linear(3, 4)
    assert_one_sentence_error(lambda: trace_recurrent(linear, torch.randn(5, 2, 3)), "LSTM, GRU or RNN")


# ----------------------------------------------------------------------------------------------------------
# The benchmark helper runs (its timings are figures to report, never asserted).


def test_measure_trace_overhead_reports_a_ratio() -> None:
    result = measure_trace_overhead(seq_len=4, hidden=8, input_size=3, repeats=2)
    assert result["ratio"] > 0 and result["module_seconds"] > 0 and result["trace_seconds"] > 0
    assert result["max_abs_error"] < 1e-5
