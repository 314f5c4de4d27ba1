"""The numbers behind the "LSTM & GRU gates" page: which recurrent module to open, its gates step by step,
the course's equations filled in with one step's values, and how gradients flow back through time.

Every gate, cell state and hidden state shown comes from ``seqviz.models.trace.trace_recurrent`` (through
``trace_text`` / ``trace_language_model``), i.e. from a replay of the model's own weights. The only numbers
computed here besides are the *pre-activations* of the gates (``W_f [h_{t-1}, x_t] + b_f``), taken from the
same module's parameters so a student can see what the sigmoid was given; the tests check that squashing
them gives back exactly the traced gate.

No streamlit here: the CLI, notebooks and tests use the same functions as the page.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import torch
from torch import nn

from seqviz.checkpoints.store import Checkpoint
from seqviz.errors import InputError
from seqviz.explain.results import CELL_STATE, HIDDEN, GruStep, LstmStep, RnnStep, StepNumbers
from seqviz.inference import require_rnn
from seqviz.models.trace import GATE_NAMES, LayerTrace, RecurrentTrace

PARTS: tuple[str, ...] = ("encoder", "decoder", "lm")
SORT_ORDERS: tuple[str, ...] = ("index", "variance", "change")
GRADIENT_SEED = 0
FRESH_CELLS: tuple[str, ...] = ("RNN", "LSTM", "GRU")
FORGET_BIAS = 1.0  # usual LSTM initialisation (Gers et al. 2000; Jozefowicz et al. 2015): f starts near 0.73
MAX_GRADIENT_STEPS = 400  # the gradient section's longest stretched input
GATE_INDEX: dict[str, dict[str, int]] = {
    "LSTM": {"input": 0, "forget": 1, "cell": 2, "output": 3},  # PyTorch's row blocks of weight_ih: i f g o
    "GRU": {"reset": 0, "update": 1, "new": 2},  # r z n
    "RNN_TANH": {"hidden": 0},  # one block of rows: the pre-activation of h_t
    "RNN_RELU": {"hidden": 0},
}


# ------------------------------------------------------------------------------------- the traced part


def parts_of(checkpoint: Checkpoint) -> tuple[str, ...]:
    """The recurrent parts of a checkpoint: a seq2seq model's encoder and decoder, a language model's core;
    none for a Transformer."""
    if checkpoint.kind == "transformer":
        return ()
    return ("lm",) if checkpoint.kind == "language_model" else ("encoder", "decoder")


def recurrent_module(checkpoint: Checkpoint, part: str) -> nn.RNNBase:
    """The plain ``nn.LSTM`` / ``nn.GRU`` / ``nn.RNN`` behind ``part`` of ``checkpoint``."""
    require_rnn(checkpoint, "the gates view")
    if part not in parts_of(checkpoint):
        raise InputError(f"{checkpoint.name} has no {part}; choose one of {', '.join(parts_of(checkpoint))}")
    model = checkpoint.model
    if part == "lm":
        return model.rnn
    return model.encoder.rnn if part == "encoder" else model.decoder.rnn


@dataclass(eq=False)  # tensors have no single truth value
class GateView:
    """One recurrent part of a checkpoint reading one text: the trace and the tokens on its time axis.

    ``inputs`` is ``[T, features]``, exactly what the module's first layer read (the embedded tokens, for a
    Bahdanau decoder the embedding joined with the context vector), kept for the equations and the gradients.
    """

    checkpoint: str
    part: str
    tokens: list[str]  # what the part read at each step: source tokens, decoder inputs, or the LM's inputs
    trace: RecurrentTrace
    inputs: torch.Tensor  # [T, features]
    unknown: list[str] = field(default_factory=list)  # typed symbols the vocabulary lacks (read as <unk>)
    output_text: str | None = None  # the decoder part: the greedy output it reads back

    @property
    def mode(self) -> str:
        return self.trace.mode

    @property
    def seq_len(self) -> int:
        return self.trace.seq_len

    @property
    def hidden_size(self) -> int:
        return self.trace.hidden_size

    @property
    def num_layers(self) -> int:
        return self.trace.num_layers

    @property
    def num_directions(self) -> int:
        return self.trace.num_directions

    def layer(self, layer: int = 0, direction: int = 0) -> LayerTrace:
        return self.trace.layer(layer, direction)


@torch.no_grad()
def gate_view(checkpoint: Checkpoint, text: str, part: str) -> GateView:
    """Trace ``text`` through ``part`` of ``checkpoint``; raises ``InputError`` for text it cannot read."""
    from seqviz.inference import trace_language_model, trace_text

    recurrent_module(checkpoint, part)  # refuses a part the checkpoint lacks
    if part == "lm":
        lm = trace_language_model(checkpoint, text)
        model = checkpoint.model
        from seqviz.data.vocab import SOS_ID

        ids = [SOS_ID, *lm.source.ids[:-2]]  # as trace_language_model reads: <sos> x_1 ... x_{n-1}
        inputs = model.embedding(torch.tensor(ids, device=_device(model)))  # eval mode: no dropout
        return GateView(checkpoint.name, part, lm.input_tokens, lm.trace, inputs, lm.source.unknown)
    traced = trace_text(checkpoint, text)
    model = checkpoint.model
    if part == "encoder":
        ids = torch.tensor(traced.trace.source_ids, device=_device(model))
        inputs = model.encoder.embedding(ids)
        return GateView(checkpoint.name, part, traced.source_tokens, traced.trace.encoder, inputs,
                        traced.source.unknown)  # fmt: skip
    return GateView(
        checkpoint.name,
        part,
        traced.decoder_input_tokens,
        traced.trace.decoder,
        traced.trace.decoder_rnn_inputs,
        traced.source.unknown,
        traced.output_text,
    )


def _device(model: nn.Module) -> torch.device:
    return next(model.parameters()).device


def layer_inputs(view: GateView, layer: int) -> torch.Tensor:
    """``x_t`` of every step of ``layer`` ``[T, features]``: the part's inputs for layer 0, else the previous
    layer's hidden states, both directions side by side (as ``nn.LSTM`` feeds them)."""
    if layer == 0:
        return view.inputs
    below = [view.layer(layer - 1, d).hidden[0] for d in range(view.num_directions)]
    return torch.cat(below, dim=-1)


def quantities(mode: str) -> tuple[str, ...]:
    """What the page draws for a cell type: every gate, then c_t (LSTM only), then h_t."""
    return (*GATE_NAMES[mode], *((CELL_STATE,) if mode == "LSTM" else ()), HIDDEN)


def quantity_matrix(layer: LayerTrace, quantity: str) -> torch.Tensor:
    """``[T, units]`` values of a gate, ``cell_state`` (c_t) or ``hidden`` (h_t), straight from the trace."""
    if quantity == HIDDEN:
        return layer.hidden[0]
    if quantity == CELL_STATE:
        if layer.cell is None:
            raise InputError("only an LSTM has a cell state c_t")
        return layer.cell[0]
    if quantity not in layer.gates:
        raise InputError(f"this cell has no {quantity} gate; it has {', '.join(layer.gates)}")
    return layer.gates[quantity][0]


# ---------------------------------------------------------------------------------------- unit sorting


def unit_scores(layer: LayerTrace, by: str) -> torch.Tensor:
    """A score per unit of h_t: its variance over time, or the mean size of its step-to-step change
    ``|h_t - h_prev|``. Both find the units that do something on this input; the rest are mostly constant."""
    hidden = layer.hidden[0]  # [T, H]
    if by == "variance":
        return hidden.var(dim=0, unbiased=False)
    if by == "change":
        return (hidden - layer.hidden_before[0]).abs().mean(dim=0)
    if by == "index":
        return -torch.arange(hidden.shape[1], dtype=hidden.dtype)
    raise InputError(f"sort order must be one of {', '.join(SORT_ORDERS)}, got {by!r}")


def unit_order(layer: LayerTrace, by: str) -> list[int]:
    """Unit indices, the most active first (``index``: as the model numbers them). Ties keep index order,
    so the order is deterministic and every heatmap of a view shares it."""
    return _most_first(unit_scores(layer, by))


def units_by_variance(hidden: torch.Tensor) -> list[int]:
    """The units of a ``[T, H]`` matrix, the most variable over time first."""
    return _most_first(hidden.var(dim=0, unbiased=False))


def _most_first(scores: torch.Tensor) -> list[int]:
    values = scores.tolist()
    return sorted(range(len(values)), key=lambda unit: (-values[unit], unit))


# ------------------------------------------------------------------------------- one step's equations


RNN_ACTIVATIONS: dict[str, str] = {"RNN_TANH": "tanh", "RNN_RELU": "relu"}


def mode_name(mode: str) -> str:
    """How a page names a cell: PyTorch's ``RNN_TANH`` is just "RNN" to a student; ReLU is said."""
    return {"RNN_TANH": "RNN", "RNN_RELU": "RNN (ReLU)"}.get(mode, mode)


def _parameter(module: nn.RNNBase, name: str, layer: int, direction: int) -> torch.Tensor | None:
    suffix = f"_l{layer}" + ("_reverse" if direction == 1 else "")
    return getattr(module, name + suffix, None)


def _projection(
    module: nn.RNNBase, kind: str, gate: str, layer: int, direction: int, vector: torch.Tensor, unit: int
) -> float:
    """``W_{kind, gate}[unit] . vector + b_{kind, gate}[unit]`` for kind ``ih`` or ``hh``."""
    hidden_size = module.hidden_size
    row = GATE_INDEX[module.mode][gate] * hidden_size + unit
    weight = _parameter(module, f"weight_{kind}", layer, direction)
    bias = _parameter(module, f"bias_{kind}", layer, direction)
    assert weight is not None
    value = float(weight[row].double() @ vector.double())
    return value + (float(bias[row]) if bias is not None else 0.0)


@torch.no_grad()
def step_numbers(
    view: GateView, module: nn.RNNBase, layer: int, direction: int, step: int, unit: int
) -> StepNumbers:
    """The numbers of the gate equations for ``unit`` at ``step`` (``InputError`` when out of range)."""
    if module.mode not in GATE_INDEX:
        raise InputError(f"{mode_name(module.mode)} has no equations to show")
    if module.proj_size:
        raise InputError("LSTMs with projections (proj_size) are not shown on this page")
    if not 0 <= step < view.seq_len:
        raise InputError(f"step must be between 0 and {view.seq_len - 1}, got {step}")
    if not 0 <= unit < view.hidden_size:
        raise InputError(f"unit must be between 0 and {view.hidden_size - 1}, got {unit}")
    trace = view.layer(layer, direction)
    x = layer_inputs(view, layer)[step]
    h_prev = trace.hidden_before[0, step]
    gates = {name: float(values[0, step, unit]) for name, values in trace.gates.items()}
    token = view.tokens[step]
    if module.mode in RNN_ACTIVATIONS:
        return RnnStep(
            step, unit, token, activation=RNN_ACTIVATIONS[module.mode],
            input_part=_projection(module, "ih", "hidden", layer, direction, x, unit),
            hidden_part=_projection(module, "hh", "hidden", layer, direction, h_prev, unit),
            hidden_before=float(h_prev[unit]), hidden=float(trace.hidden[0, step, unit]),
        )  # fmt: skip

    def pre(gate: str) -> float:
        return _projection(module, "ih", gate, layer, direction, x, unit) + _projection(
            module, "hh", gate, layer, direction, h_prev, unit
        )

    if module.mode == "LSTM":
        assert trace.cell is not None and trace.cell_before is not None
        cell = float(trace.cell[0, step, unit])
        return LstmStep(
            step, unit, token,
            input_gate=gates["input"], forget_gate=gates["forget"],
            cell_candidate=gates["cell"], output_gate=gates["output"],
            input_pre=pre("input"), forget_pre=pre("forget"), cell_pre=pre("cell"), output_pre=pre("output"),
            cell_before=float(trace.cell_before[0, step, unit]), cell=cell, tanh_cell=math.tanh(cell),
            hidden_before=float(h_prev[unit]), hidden=float(trace.hidden[0, step, unit]),
        )  # fmt: skip
    return GruStep(
        step, unit, token,
        reset_gate=gates["reset"], update_gate=gates["update"], new_state=gates["new"],
        reset_pre=pre("reset"), update_pre=pre("update"),
        new_input_part=_projection(module, "ih", "new", layer, direction, x, unit),
        new_hidden_part=_projection(module, "hh", "new", layer, direction, h_prev, unit),
        hidden_before=float(h_prev[unit]), hidden=float(trace.hidden[0, step, unit]),
    )  # fmt: skip


def sigmoid(value: float) -> float:
    return 1.0 / (1.0 + math.exp(-value))


def equation_residuals(numbers: StepNumbers) -> dict[str, float]:
    """How far each equation is from holding with these numbers (``|left - right|``); all ~1e-7 when the
    numbers are faithful. The page's test and a curious student can both check it."""
    if isinstance(numbers, LstmStep):
        n = numbers
        return {
            "i": abs(n.input_gate - sigmoid(n.input_pre)),
            "f": abs(n.forget_gate - sigmoid(n.forget_pre)),
            "g": abs(n.cell_candidate - math.tanh(n.cell_pre)),
            "o": abs(n.output_gate - sigmoid(n.output_pre)),
            "c": abs(n.cell - (n.forget_gate * n.cell_before + n.input_gate * n.cell_candidate)),
            "h": abs(n.hidden - n.output_gate * math.tanh(n.cell)),
        }
    if isinstance(numbers, RnnStep):
        pre = numbers.input_part + numbers.hidden_part
        expected = math.tanh(pre) if numbers.activation == "tanh" else max(pre, 0.0)
        return {"h": abs(numbers.hidden - expected)}
    g = numbers
    return {
        "r": abs(g.reset_gate - sigmoid(g.reset_pre)),
        "z": abs(g.update_gate - sigmoid(g.update_pre)),
        "n": abs(g.new_state - math.tanh(g.new_input_part + g.reset_gate * g.new_hidden_part)),
        "h": abs(g.hidden - ((1 - g.update_gate) * g.new_state + g.update_gate * g.hidden_before)),
    }


def unit_trajectories(view: GateView, layer: int, direction: int, unit: int) -> dict[str, list[float]]:
    """Every quantity of one unit over time (gates, c_t, h_t), straight from the trace."""
    trace = view.layer(layer, direction)
    return {name: quantity_matrix(trace, name)[:, unit].tolist() for name in quantities(view.mode)}


# -------------------------------------------------------------------------------------- gradient flow


@dataclass
class GradientFlow:
    """``||dL/dh_t||`` for every step t of one input, for several recurrent cells side by side.

    ``L`` is the sum of the last step's hidden units, so the gradient at t measures how much h_t can still
    change the loss T - 1 - t steps later. With ``truncation = k`` the backward pass goes back through at
    most k recurrent steps (the state is detached before that), so every earlier gradient is exactly zero.
    """

    tokens: list[str]
    truncation: int | None
    norms: dict[str, list[float]]  # cell name -> norm per step, in input order
    seed: int


def single_layer_copy(module: nn.RNNBase, layer: int = 0, direction: int = 0) -> nn.RNNBase:
    """A one-layer, one-direction module with exactly the weights of ``layer``/``direction`` of ``module``
    (a bidirectional or stacked module cannot be stepped one token at a time as a whole)."""
    suffix = f"_l{layer}" + ("_reverse" if direction == 1 else "")
    input_size = module.input_size if layer == 0 else module.hidden_size * (2 if module.bidirectional else 1)
    kwargs: dict[str, Any] = {"bias": module.bias, "batch_first": True}
    if module.mode.startswith("RNN"):
        kwargs["nonlinearity"] = "relu" if module.mode == "RNN_RELU" else "tanh"
    copy = type(module)(input_size, module.hidden_size, **kwargs).to(module.weight_ih_l0.device)
    with torch.no_grad():
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            source = getattr(module, name + suffix, None)
            if source is not None:
                getattr(copy, name + "_l0").copy_(source)
    return copy.eval()


def fresh_cells(input_size: int, hidden_size: int, seed: int = GRADIENT_SEED) -> dict[str, nn.RNNBase]:
    """Untrained ``nn.RNN`` (tanh), ``nn.LSTM`` and ``nn.GRU`` of equal size, seeded, PyTorch's default
    initialisation; the LSTM's forget-gate bias starts at ``FORGET_BIAS`` as is usual practice."""
    generator_state = torch.random.get_rng_state()
    try:
        torch.manual_seed(seed)
        cells: dict[str, nn.RNNBase] = {
            "RNN": nn.RNN(input_size, hidden_size, batch_first=True),
            "LSTM": nn.LSTM(input_size, hidden_size, batch_first=True),
            "GRU": nn.GRU(input_size, hidden_size, batch_first=True),
        }
    finally:
        torch.random.set_rng_state(generator_state)
    with torch.no_grad():
        forget = slice(hidden_size, 2 * hidden_size)
        cells["LSTM"].bias_ih_l0[forget] = FORGET_BIAS
        cells["LSTM"].bias_hh_l0[forget] = 0.0
    return {name: cell.eval() for name, cell in cells.items()}


def hidden_gradient_norms(
    module: nn.RNNBase, inputs: torch.Tensor, truncation: int | None = None, hx: Any = None
) -> list[float]:
    """``||dL/dh_t||`` for t = 0 .. T-1, with ``L = sum(h_{T-1})``, by autograd through the module itself
    fed one step at a time (so every h_t is a tensor we can ask for its gradient).

    ``truncation=k``: the state entering step ``T-1-k`` is detached, so the gradient reaches back k steps
    from the loss and no further: ``dL/dh_t`` is exactly zero for ``t < T-1-k``.

    The backward pass runs on a float64 copy of the layer: a plain RNN's gradient 100 steps back is about
    1e-40, below float32's smallest number, and a chart of exact zeros would hide how fast it vanishes.
    """
    if truncation is not None and truncation < 0:
        raise InputError(f"the truncation must be 0 or more steps, got {truncation}")
    module = single_layer_copy(module).double()  # layer 0, forward; never touches the caller's module
    x = inputs.detach().double()[None]  # [1, T, F]
    steps = x.shape[1]
    cut = None if truncation is None else steps - 1 - truncation
    state = _detached_double(hx)
    hiddens: list[torch.Tensor] = []
    with torch.enable_grad():
        for t in range(steps):
            if t == cut and state is not None:
                state = tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()
            _, state = module(x[:, t : t + 1], state)
            h_t = state[0] if isinstance(state, tuple) else state  # [1, 1, H]: the h the next step reads
            h_t.retain_grad()
            hiddens.append(h_t)
        loss = hiddens[-1].sum()
        loss.backward()
    return [0.0 if h.grad is None else float(h.grad.norm()) for h in hiddens]


def _detached_double(state: Any) -> Any:
    if state is None:
        return None
    if isinstance(state, tuple):
        return tuple(part.detach().double() for part in state)
    return state.detach().double()


def stretched(tokens: Sequence[str], inputs: torch.Tensor, length: int) -> tuple[list[str], torch.Tensor]:
    """The input repeated until it is ``length`` steps long (cut at ``length``).

    Vanishing gradients need distance: a 7-token input cannot show a factor of 1e-10, 60 steps of the same
    tokens can. Repeating the user's own embedded tokens keeps the input honest (no random vectors).
    """
    if not 1 <= length <= MAX_GRADIENT_STEPS:
        raise InputError(f"the length must be between 1 and {MAX_GRADIENT_STEPS} steps, got {length}")
    if not tokens:
        raise InputError("there is no input to stretch")
    repeats = -(-length // len(tokens))
    return (list(tokens) * repeats)[:length], inputs.repeat(repeats, 1)[:length]


def gradient_flow(
    view: GateView,
    module: nn.RNNBase,
    truncation: int | None = None,
    seed: int = GRADIENT_SEED,
    length: int | None = None,
) -> GradientFlow:
    """The gradient norms of fresh RNN / LSTM / GRU cells of the checkpoint's size on the same embedded
    input, and of the checkpoint's own layer-0 forward cell (the one it trained), full or truncated BPTT.

    ``length``: stretch the input to that many steps first (see ``stretched``); default, as typed.
    """
    tokens, inputs = list(view.tokens), view.inputs.detach().float()
    if length is not None:
        tokens, inputs = stretched(tokens, inputs, length)
    norms: dict[str, list[float]] = {}
    for name, cell in fresh_cells(inputs.shape[-1], module.hidden_size, seed).items():
        norms[name] = hidden_gradient_norms(cell, inputs, truncation)
    norms["checkpoint"] = hidden_gradient_norms(module, inputs, truncation, _initial_state(view, module))
    return GradientFlow(tokens, truncation, norms, seed)


def fresh_hidden_states(view: GateView, seed: int = GRADIENT_SEED) -> dict[str, torch.Tensor]:
    """``h_t`` ``[T, H]`` of the fresh RNN / LSTM / GRU cells of ``gradient_flow`` reading this view's input,
    replayed by ``trace_recurrent`` like every other number on the page."""
    from seqviz.models.trace import trace_recurrent

    inputs = view.inputs.detach().float()
    cells = fresh_cells(inputs.shape[-1], view.hidden_size, seed)
    return {name: trace_recurrent(cell, inputs[None]).layer(0).hidden[0] for name, cell in cells.items()}


def _initial_state(view: GateView, module: nn.RNNBase) -> Any:
    """The layer-0 forward initial state the part really started from (a decoder starts from the encoder)."""
    trace = view.layer(0, 0)
    h0 = trace.initial_hidden.detach()[None].clone()  # [1, B=1, H]
    if module.mode != "LSTM":
        return h0
    assert trace.initial_cell is not None
    return h0, trace.initial_cell.detach()[None].clone()


# ------------------------------------------------------------------------------------------ tables


def _rows(matrix: torch.Tensor) -> list[list[float]]:
    return matrix.detach().cpu().double().tolist()


def heatmap_rows(view: GateView, layer: int, direction: int) -> list[dict[str, Any]]:
    """Every heatmap of a layer and direction in long form: quantity, step, token, unit, value."""
    trace = view.layer(layer, direction)
    rows = []
    for name in quantities(view.mode):
        matrix = _rows(quantity_matrix(trace, name))
        for step, values in enumerate(matrix):
            for unit, value in enumerate(values):
                rows.append(
                    {"quantity": name, "step": step, "token": view.tokens[step], "unit": unit, "value": value}
                )
    return rows


def step_rows(numbers: StepNumbers) -> list[dict[str, Any]]:
    """The step's numbers as a two-column table (name, value)."""
    return [{"name": name, "value": value} for name, value in asdict(numbers).items()]


def trajectory_rows(
    tokens: Sequence[str], trajectories: Mapping[str, Sequence[float]]
) -> list[dict[str, Any]]:
    return [
        {"step": step, "token": token, **{name: values[step] for name, values in trajectories.items()}}
        for step, token in enumerate(tokens)
    ]


def gradient_rows(flow: GradientFlow) -> list[dict[str, Any]]:
    """One row per step: the truncation (``full`` or k), the token and every cell's ``||dL/dh_t||``."""
    regime = "full" if flow.truncation is None else flow.truncation
    return [
        {
            "bptt": regime,
            "step": step,
            "token": token,
            **{name: norms[step] for name, norms in flow.norms.items()},
        }
        for step, token in enumerate(flow.tokens)
    ]
