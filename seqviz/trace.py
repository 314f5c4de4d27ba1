"""Replay a ``torch.nn`` recurrent module step by step, keeping every gate and every state.

``nn.LSTM``, ``nn.GRU`` and ``nn.RNN`` hand back only the outputs and the final state; a lesson needs the
whole story: ``i_t``, ``f_t``, ``g_t``, ``o_t``, ``c_t`` and ``h_t`` at every step of every layer and
direction. ``trace_recurrent`` recomputes the forward pass from the module's *own* parameters with PyTorch's
documented equations and gate order, so the numbers on a page are the numbers the model computed (the tests
check that the replay's ``output``, ``h_n`` and ``c_n`` equal the module's).

How the replay stays fast (the UI replays on every widget change): the input projections ``W_ih x_t + b`` of
all steps and both directions of a layer are one matrix product; only the recurrence ``W_hh h_{t-1}`` loops
over time. Every step writes into preallocated buffers through views made once before the loop, and the LSTM
weight rows are reordered once to (i, f, o, g), so one ``sigmoid_`` covers three gates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn
from torch.nn.utils.rnn import PackedSequence

from seqviz.errors import InputError

GATE_NAMES: dict[str, tuple[str, ...]] = {
    "LSTM": ("input", "forget", "cell", "output"),  # PyTorch's row order in weight_ih_l{k}: i, f, g, o
    "GRU": ("reset", "update", "new"),  # r, z, n
    "RNN_TANH": (),
    "RNN_RELU": (),
}
GATE_SYMBOLS: dict[str, str] = {
    "input": "i", "forget": "f", "cell": "g", "output": "o", "reset": "r", "update": "z", "new": "n",
}  # fmt: skip

RecurrentState = torch.Tensor | tuple[torch.Tensor, torch.Tensor]


@dataclass(eq=False)  # tensors have no single truth value; compare fields explicitly
class LayerTrace:
    """One layer and direction of a ``RecurrentTrace``; every tensor is ``[batch, time, features]``.

    Time is in input order for both directions. For the reverse direction (``direction == 1``) the recurrence
    runs from the last step to the first, so the state a step starts from is the one at ``t + 1``;
    ``hidden_before`` / ``cell_before`` line that up so a page can show ``c_t = f_t * c_prev + i_t * g_t``
    with the right ``c_prev`` whatever the direction.
    """

    layer: int
    direction: int
    hidden: torch.Tensor  # h_t  [B, T, hidden_size or proj_size]
    cell: torch.Tensor | None  # c_t  [B, T, hidden_size], LSTM only
    gates: dict[str, torch.Tensor]  # name -> [B, T, hidden_size]
    initial_hidden: torch.Tensor  # h before the first step the direction computes  [B, hidden]
    initial_cell: torch.Tensor | None

    @property
    def reverse(self) -> bool:
        return self.direction == 1

    @property
    def hidden_before(self) -> torch.Tensor:
        """``h_prev`` of every step ``[B, T, hidden]``: h_{t-1} forward, h_{t+1} in reverse, h_0 first."""
        return _states_before(self.hidden, self.initial_hidden, self.reverse)

    @property
    def cell_before(self) -> torch.Tensor | None:
        """``c_prev`` of every step (LSTM only), lined up like ``hidden_before``."""
        if self.cell is None or self.initial_cell is None:
            return None
        return _states_before(self.cell, self.initial_cell, self.reverse)


@dataclass(eq=False)  # tensors have no single truth value; compare fields explicitly
class RecurrentTrace:
    """Everything an ``nn.LSTM`` / ``nn.GRU`` / ``nn.RNN`` computed for one input, step by step.

    ``output``, ``h_n`` and ``c_n`` are exactly what ``module(inputs, hx)`` returns (same shapes and layout,
    batch_first and unbatched included). The per-step tensors ``hidden``, ``cell`` and every entry of
    ``gates`` are ``[num_layers * num_directions, batch, time, features]``: the first index is
    ``layer * num_directions + direction`` as in ``h_n``, time is in input order for both directions, and an
    unbatched input has batch 1.
    """

    mode: str  # "LSTM", "GRU", "RNN_TANH" or "RNN_RELU"
    num_layers: int
    num_directions: int
    hidden_size: int
    proj_size: int  # 0 unless an LSTM with projections; then h_t has proj_size features
    batch_first: bool
    batched: bool  # False for a 2-D (unbatched) input
    output: torch.Tensor
    h_n: torch.Tensor
    c_n: torch.Tensor | None
    hidden: torch.Tensor  # h_t  [L*D, B, T, proj_size or hidden_size]
    cell: torch.Tensor | None  # c_t  [L*D, B, T, hidden_size], LSTM only
    gates: dict[str, torch.Tensor]  # LSTM input/forget/cell/output, GRU reset/update/new, RNN none
    initial_hidden: torch.Tensor  # h_0 the replay started from (hx or zeros)  [L*D, B, hidden]
    initial_cell: torch.Tensor | None  # c_0, LSTM only

    @property
    def seq_len(self) -> int:
        return self.hidden.shape[2]

    @property
    def batch_size(self) -> int:
        return self.hidden.shape[1]

    @property
    def gate_names(self) -> tuple[str, ...]:
        return GATE_NAMES[self.mode]

    def layer(self, layer: int, direction: int = 0) -> LayerTrace:
        """One layer and direction (0 forward, 1 reverse), its tensors ``[batch, time, features]``."""
        if not 0 <= layer < self.num_layers:
            raise InputError(f"layer must be between 0 and {self.num_layers - 1}, got {layer}")
        if not 0 <= direction < self.num_directions:
            raise InputError(f"direction must be between 0 and {self.num_directions - 1}, got {direction}")
        index = layer * self.num_directions + direction
        return LayerTrace(
            layer=layer,
            direction=direction,
            hidden=self.hidden[index],
            cell=None if self.cell is None else self.cell[index],
            gates={name: values[index] for name, values in self.gates.items()},
            initial_hidden=self.initial_hidden[index],
            initial_cell=None if self.initial_cell is None else self.initial_cell[index],
        )


def _states_before(states: torch.Tensor, initial: torch.Tensor, reverse: bool) -> torch.Tensor:
    if reverse:
        return torch.cat([states[:, 1:], initial[:, None]], dim=1)
    return torch.cat([initial[:, None], states[:, :-1]], dim=1)


@torch.no_grad()
def trace_recurrent(
    module: nn.RNNBase, inputs: torch.Tensor, hx: RecurrentState | None = None
) -> RecurrentTrace:
    """Replay ``module(inputs, hx)`` step by step with the module's own parameters (eval-mode semantics).

    Works for any plain ``nn.LSTM`` (``proj_size`` included), ``nn.GRU`` or ``nn.RNN`` (tanh or relu): any
    number of layers, bidirectional or not, ``batch_first`` either way, with or without biases, batched 3-D
    or unbatched 2-D inputs. Dropout between layers is a training-time perturbation and is not replayed, so
    a module in training mode whose dropout would apply is refused.
    """
    _check_module(module)
    mode = module.mode
    num_directions = 2 if module.bidirectional else 1
    num_layers, hidden_size, proj_size = module.num_layers, module.hidden_size, module.proj_size
    output_size = proj_size or hidden_size  # the size of h_t
    reference = module.weight_ih_l0
    x, batched = _batch_major_inputs(module, inputs, reference)
    batch, seq_len = x.shape[0], x.shape[1]
    h_0, c_0 = _initial_state(module, hx, batch, batched, reference)

    num_gates = len(GATE_NAMES[mode])
    stacks = num_layers * num_directions
    new = reference.new_empty  # same dtype and device as the module's parameters
    hidden = new((stacks, batch, seq_len, output_size))
    cell = new((stacks, batch, seq_len, hidden_size)) if mode == "LSTM" else None
    gate_buffer = new((stacks, batch, seq_len, num_gates * hidden_size)) if num_gates else None

    # The recurrent products dominate long sequences, and they are fastest with W_hh^T laid out contiguously;
    # making that copy costs about what 20 steps gain from it, so short sequences use a transposed view.
    transpose_copy = seq_len >= TRANSPOSE_COPY_MIN_STEPS
    layer_input = x  # [B, T, features]
    for layer in range(num_layers):
        rows = slice(layer * num_directions, (layer + 1) * num_directions)  # this layer's [D, ...] entries
        layer_input = _replay_layer(
            mode,
            layer_input,
            _LayerWeights.of(module, layer, transpose_copy),
            h_0[rows],
            None if c_0 is None else c_0[rows],
            hidden[rows],
            None if cell is None else cell[rows],
            None if gate_buffer is None else gate_buffer[rows],
        )

    top = hidden[(num_layers - 1) * num_directions :]  # [D, B, T, H] of the last layer
    output = torch.cat(list(top.unbind(0)), dim=-1)  # [B, T, D*H]: [forward; backward] features
    h_n = _final_states(hidden, num_directions)
    c_n = None if cell is None else _final_states(cell, num_directions)
    if not batched:
        output, h_n = output[0], h_n[:, 0]
        c_n = None if c_n is None else c_n[:, 0]
    elif not module.batch_first:
        output = output.transpose(0, 1).contiguous()

    return RecurrentTrace(
        mode=mode,
        num_layers=num_layers,
        num_directions=num_directions,
        hidden_size=hidden_size,
        proj_size=proj_size,
        batch_first=module.batch_first,
        batched=batched,
        output=output,
        h_n=h_n,
        c_n=c_n,
        hidden=hidden,
        cell=cell,
        gates=_named_gates(mode, gate_buffer, hidden_size),
        initial_hidden=h_0,
        initial_cell=c_0,
    )


# ----------------------------------------------------------------------------------------------------------
# Checking what the user handed us: one clear sentence instead of a deep torch error.


def _check_module(module: object) -> None:
    if not isinstance(module, nn.RNNBase) or getattr(module, "mode", None) not in GATE_NAMES:
        raise InputError(
            f"trace_recurrent replays torch.nn.LSTM, GRU or RNN modules, got {type(module).__name__}"
        )
    if module.training and module.dropout > 0 and module.num_layers > 1:
        raise InputError(
            f"the module is in training mode with dropout={module.dropout} between layers, but the trace"
            " replays the eval-mode computation without dropout; call module.eval() first"
        )


def _batch_major_inputs(
    module: nn.RNNBase, inputs: object, reference: torch.Tensor
) -> tuple[torch.Tensor, bool]:
    """The inputs as ``[batch, time, features]`` and whether they came batched.

    Batch-major rows match the layout of the trace's buffers ``[.., B, T, ..]``, so the input projection of a
    one-direction layer is written straight into the gate buffer.
    """
    if isinstance(inputs, PackedSequence):
        raise InputError("trace_recurrent does not support packed sequences; pass a padded tensor instead")
    if not isinstance(inputs, torch.Tensor):
        raise InputError(f"inputs must be a torch.Tensor, got {type(inputs).__name__}")
    layout = "[batch, time, features]" if module.batch_first else "[time, batch, features]"
    if inputs.dim() not in (2, 3) or inputs.shape[-1] != module.input_size:
        raise InputError(
            f"inputs must be {layout} or unbatched [time, features] with {module.input_size} features,"
            f" got shape {tuple(inputs.shape)}"
        )
    if inputs.dtype != reference.dtype or inputs.device != reference.device:
        raise InputError(
            f"inputs must be {reference.dtype} on {reference.device} like the module's parameters,"
            f" got {inputs.dtype} on {inputs.device}"
        )
    batched = inputs.dim() == 3
    if not batched:
        x = inputs[None]
    elif module.batch_first:
        x = inputs
    else:
        x = inputs.transpose(0, 1)
    if x.shape[0] == 0 or x.shape[1] == 0:
        raise InputError(
            f"inputs need at least one time step and one sequence, got shape {tuple(inputs.shape)}"
        )
    return x, batched


def _initial_state(
    module: nn.RNNBase, hx: object, batch: int, batched: bool, reference: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor | None]:
    """h_0 ``[L*D, B, h]`` and (LSTM) c_0 ``[L*D, B, hidden]``: the given hx, or zeros as torch uses."""
    stacks = module.num_layers * (2 if module.bidirectional else 1)
    output_size = module.proj_size or module.hidden_size
    is_lstm = module.mode == "LSTM"
    if hx is None:
        h_0 = reference.new_zeros((stacks, batch, output_size))
        return h_0, reference.new_zeros((stacks, batch, module.hidden_size)) if is_lstm else None

    if is_lstm and not (isinstance(hx, tuple | list) and len(hx) == 2):
        raise InputError("hx of an LSTM must be a pair (h_0, c_0) of tensors")
    parts = list(hx) if is_lstm else [hx]
    sizes = [output_size, module.hidden_size] if is_lstm else [output_size]
    states = []
    for name, part, size in zip(("h_0", "c_0"), parts, sizes, strict=False):
        expected = (stacks, batch, size) if batched else (stacks, size)
        if not isinstance(part, torch.Tensor) or tuple(part.shape) != expected:
            got = tuple(part.shape) if isinstance(part, torch.Tensor) else type(part).__name__
            raise InputError(f"{name} must have shape {expected} for this module and input, got {got}")
        if part.dtype != reference.dtype or part.device != reference.device:
            raise InputError(
                f"{name} must be {reference.dtype} on {reference.device}, got {part.dtype} on {part.device}"
            )
        states.append((part if batched else part[:, None]).clone())  # never an alias of hx
    return states[0], states[1] if is_lstm else None


# ----------------------------------------------------------------------------------------------------------
# The replay itself.

TRANSPOSE_COPY_MIN_STEPS = 32  # from this length on, a contiguous copy of W_hh^T pays for itself

# Gate blocks of PyTorch's weight rows in the order the replay keeps them. LSTM: (i, f, g, o) -> (i, f, o, g),
# so a single in-place sigmoid covers the three sigmoid gates; GRU and RNN keep PyTorch's order.
REPLAY_GATE_ORDER: dict[str, tuple[int, ...]] = {
    "LSTM": (0, 1, 3, 2),
    "GRU": (0, 1, 2),
    "RNN_TANH": (0,),
    "RNN_RELU": (0,),
}


@dataclass
class _LayerWeights:
    """One layer's parameters, all directions stacked, arranged for the replay (the module is untouched).

    Every tensor is either the parameter itself, a view of it, or a fresh copy: the replay never writes to
    the module's parameters.
    """

    num_directions: int
    w_ih: torch.Tensor  # [D*G*H, in]  input weights of both directions, gate rows in replay order
    input_bias: torch.Tensor | None  # [D*G*H]  added to W_ih x_t for all steps at once
    w_hh_t: torch.Tensor  # [D, h, G*H]  W_hh^T
    recurrent_bias: torch.Tensor | None  # [D, 1, G*H]  GRU only: b_hh stays inside r_t * (W_hn h + b_hn)
    w_hr_t: torch.Tensor | None  # [D, H, proj]  LSTM projection W_hr^T

    @classmethod
    def of(cls, module: nn.RNNBase, layer: int, transpose_copy: bool) -> _LayerWeights:
        directions = 2 if module.bidirectional else 1
        suffixes = [f"_l{layer}", f"_l{layer}_reverse"][:directions]
        order = REPLAY_GATE_ORDER[module.mode]

        def parameters(name: str) -> list[torch.Tensor]:
            return [getattr(module, name + suffix) for suffix in suffixes]

        w_ih = _in_replay_order(_cat(parameters("weight_ih")), order, directions)
        input_bias = recurrent_bias = None
        if module.bias:
            b_ih, b_hh = _cat(parameters("bias_ih")), _cat(parameters("bias_hh"))
            if module.mode == "GRU":  # b_hn is multiplied by r_t, so b_hh cannot join the input projection
                input_bias, recurrent_bias = b_ih, b_hh.view(directions, 1, -1)
            else:  # both biases simply add up: fold them into the one input projection
                input_bias = _in_replay_order(b_ih + b_hh, order, directions)
        w_hh_t = _transposed(parameters("weight_hh"), order, transpose_copy)
        w_hr_t = _transposed(parameters("weight_hr"), (0,), transpose_copy) if module.proj_size else None
        return cls(directions, w_ih, input_bias, w_hh_t, recurrent_bias, w_hr_t)


def _cat(parts: list[torch.Tensor]) -> torch.Tensor:
    return parts[0] if len(parts) == 1 else torch.cat(parts)


def _in_replay_order(rows: torch.Tensor, order: tuple[int, ...], directions: int) -> torch.Tensor:
    """Reorder the gate blocks of stacked weight rows (or biases) ``[D*G*H, ...]`` to the replay order."""
    if order == tuple(range(len(order))):
        return rows
    blocks = rows.view(directions, len(order), -1, *rows.shape[1:])
    index = torch.tensor(order, device=rows.device)
    return blocks.index_select(1, index).view(rows.shape)


def _transposed(weights: list[torch.Tensor], order: tuple[int, ...], transpose_copy: bool) -> torch.Tensor:
    """``[D, in, out]``: each direction's ``W^T`` with its gate blocks (columns now) in replay order."""
    directions, (rows, columns) = len(weights), weights[0].shape
    if not transpose_copy:
        stacked = weights[0][None] if directions == 1 else torch.stack(weights)
        return (
            _in_replay_order(stacked.view(directions * rows, columns), order, directions)
            .view(directions, rows, columns)
            .transpose(1, 2)
        )
    block = rows // len(order)
    transposed = weights[0].new_empty((directions, columns, rows))
    for direction, weight in enumerate(weights):
        for target, source in enumerate(order):
            transposed[direction, :, target * block : (target + 1) * block] = weight[
                source * block : (source + 1) * block
            ].t()
    return transposed


def _replay_layer(
    mode: str,
    layer_input: torch.Tensor,
    weights: _LayerWeights,
    h_0: torch.Tensor,
    c_0: torch.Tensor | None,
    hidden: torch.Tensor,
    cell: torch.Tensor | None,
    gates: torch.Tensor | None,
) -> torch.Tensor:
    """Run one layer, writing its trace into ``hidden``, ``cell`` and ``gates`` (each ``[D, B, T, X]``).

    The loops work in *step* order ``[T, D, B, X]``: step s of the reverse direction is time T-1-s, so both
    directions advance together through one batched product per step. With one direction the step buffers
    are views of the trace's own tensors; with two, they are scratch copied back in input order at the end.
    ``layer_input`` is ``[B, T, features]``; returns the next layer's input ``[B, T, D*h]``.
    """
    batch, seq_len, _ = layer_input.shape
    directions = weights.num_directions
    gate_width = weights.w_ih.shape[0] // directions
    new = layer_input.new_empty
    if directions == 1:
        step_hidden = hidden.permute(2, 0, 1, 3)
        step_cell = None if cell is None else cell.permute(2, 0, 1, 3)
        step_gates = step_hidden if gates is None else gates.permute(2, 0, 1, 3)  # RNN: pre-activations in h
    else:
        step_hidden = new((seq_len, directions, batch, hidden.shape[-1]))
        step_cell = None if cell is None else new((seq_len, directions, batch, cell.shape[-1]))
        step_gates = step_hidden if gates is None else new((seq_len, directions, batch, gate_width))

    # W_ih x_t + b for every step and both directions: one product.
    x_2d = layer_input.reshape(batch * seq_len, -1)
    if directions == 1:  # rows (b, t) of the product are the rows of the [B, T, G*H] gate buffer
        target = hidden[0] if gates is None else gates[0]
        _linear_into(x_2d, weights.w_ih, weights.input_bias, out=target.view(batch * seq_len, gate_width))
    else:
        projected = _linear_into(x_2d, weights.w_ih, weights.input_bias).view(batch, seq_len, directions, -1)
        step_gates[:, 0] = projected[:, :, 0].transpose(0, 1)
        # the reverse direction's first step reads x_{T-1}
        step_gates[:, 1] = projected[:, :, 1].flip(1).transpose(0, 1)

    if directions == 1:  # plain [B, X] matrices per step and addmm
        steps: Callable[[torch.Tensor], torch.Tensor] = lambda buffer: buffer[:, 0]  # noqa: E731
        first: Callable[[torch.Tensor], torch.Tensor] = lambda stacked: stacked[0]  # noqa: E731
        add_product_, product_into = torch.Tensor.addmm_, _mm_into
    else:  # [D, B, X] per step and baddbmm: both directions in one product
        steps = first = lambda tensor: tensor
        add_product_, product_into = torch.Tensor.baddbmm_, _bmm_into

    w_hh_t = first(weights.w_hh_t)
    if mode == "LSTM":
        assert step_cell is not None and c_0 is not None
        w_hr_t = None if weights.w_hr_t is None else first(weights.w_hr_t)
        _lstm_loop(
            steps(step_gates), steps(step_hidden), steps(step_cell), first(h_0), first(c_0), w_hh_t, w_hr_t,
            add_product_, product_into,
        )  # fmt: skip
    elif mode == "GRU":
        bias = None if weights.recurrent_bias is None else first(weights.recurrent_bias)
        _gru_loop(steps(step_gates), steps(step_hidden), first(h_0), w_hh_t, bias, product_into)
    else:
        _rnn_loop(steps(step_hidden), first(h_0), w_hh_t, add_product_, relu=mode == "RNN_RELU")

    if directions == 1:
        return hidden[0]
    _copy_in_input_order(step_hidden, hidden)
    if cell is not None and step_cell is not None:
        _copy_in_input_order(step_cell, cell)
    if gates is not None:
        _copy_in_input_order(step_gates, gates)
    return torch.cat([hidden[0], hidden[1]], dim=-1)  # [forward; backward] features


def _linear_into(
    x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None, out: torch.Tensor | None = None
) -> torch.Tensor:
    """``x @ weight^T + bias``, written into ``out`` when given."""
    if bias is None:
        return torch.mm(x, weight.t(), out=out)
    return torch.addmm(bias, x, weight.t(), out=out)


def _mm_into(bias: torch.Tensor | None, a: torch.Tensor, b: torch.Tensor, out: torch.Tensor) -> torch.Tensor:
    return torch.mm(a, b, out=out) if bias is None else torch.addmm(bias, a, b, out=out)


def _bmm_into(bias: torch.Tensor | None, a: torch.Tensor, b: torch.Tensor, out: torch.Tensor) -> torch.Tensor:
    return torch.bmm(a, b, out=out) if bias is None else torch.baddbmm(bias, a, b, out=out)


def _lstm_loop(
    gates: torch.Tensor,
    hidden: torch.Tensor,
    cell: torch.Tensor,
    h_prev: torch.Tensor,
    c_prev: torch.Tensor,
    w_hh_t: torch.Tensor,
    w_hr_t: torch.Tensor | None,
    add_product_: Callable[..., torch.Tensor],
    product_into: Callable[..., torch.Tensor],
) -> None:
    """The LSTM recurrence; ``gates`` holds W_ih x_t + b_ih + b_hh on entry and i, f, o, g on exit.

    The views of every step are made before the loop (``unbind``), so the loop body is only the equations,
    each writing in place into the trace's buffers.
    """
    h = cell.shape[-1]
    ifo_steps = gates[..., : 3 * h].unbind(0)  # the three sigmoid gates, side by side
    i_steps = gates[..., :h].unbind(0)
    f_steps = gates[..., h : 2 * h].unbind(0)
    o_steps = gates[..., 2 * h : 3 * h].unbind(0)
    g_steps = gates[..., 3 * h :].unbind(0)
    unprojected = None if w_hr_t is None else c_prev.new_empty(cell.shape[1:])  # o_t * tanh(c_t) before W_hr
    for gates_t, ifo_t, i_t, f_t, o_t, g_t, c_t, h_t in zip(
        gates.unbind(0), ifo_steps, i_steps, f_steps, o_steps, g_steps, cell.unbind(0), hidden.unbind(0),
        strict=True,
    ):  # fmt: skip
        add_product_(gates_t, h_prev, w_hh_t)  # W_ih x_t + b_ih + W_hh h_prev + b_hh
        ifo_t.sigmoid_()  # i_t, f_t, o_t = σ(...)
        g_t.tanh_()  # g_t = tanh(...)
        torch.mul(f_t, c_prev, out=c_t)
        c_t.addcmul_(i_t, g_t)  # c_t = f_t * c_prev + i_t * g_t
        if unprojected is None:
            torch.tanh(c_t, out=h_t)
            h_t.mul_(o_t)  # h_t = o_t * tanh(c_t)
        else:
            torch.tanh(c_t, out=unprojected)
            unprojected.mul_(o_t)
            product_into(None, unprojected, w_hr_t, h_t)  # h_t = W_hr (o_t * tanh(c_t))
        c_prev, h_prev = c_t, h_t


def _gru_loop(
    gates: torch.Tensor,
    hidden: torch.Tensor,
    h_prev: torch.Tensor,
    w_hh_t: torch.Tensor,
    recurrent_bias: torch.Tensor | None,
    product_into: Callable[..., torch.Tensor],
) -> None:
    """The GRU recurrence; ``gates`` holds W_ih x_t + b_ih on entry and r, z, n on exit."""
    h = hidden.shape[-1]
    recurrent = gates.new_empty(gates.shape[1:])  # W_hh h_prev + b_hh of the current step, all three gates
    recurrent_rz, recurrent_n = recurrent[..., : 2 * h], recurrent[..., 2 * h :]
    rz_steps = gates[..., : 2 * h].unbind(0)
    r_steps = gates[..., :h].unbind(0)
    z_steps = gates[..., h : 2 * h].unbind(0)
    n_steps = gates[..., 2 * h :].unbind(0)
    for rz_t, r_t, z_t, n_t, h_t in zip(rz_steps, r_steps, z_steps, n_steps, hidden.unbind(0), strict=True):
        product_into(recurrent_bias, h_prev, w_hh_t, recurrent)  # W_hh h_prev + b_hh
        rz_t.add_(recurrent_rz).sigmoid_()  # r_t, z_t = σ(W_i x_t + b_i + W_h h_prev + b_h)
        n_t.addcmul_(r_t, recurrent_n).tanh_()  # n_t = tanh(W_in x_t + b_in + r_t * (W_hn h_prev + b_hn))
        torch.lerp(n_t, h_prev, z_t, out=h_t)  # h_t = (1 - z_t) * n_t + z_t * h_prev
        h_prev = h_t


def _rnn_loop(
    hidden: torch.Tensor,
    h_prev: torch.Tensor,
    w_hh_t: torch.Tensor,
    add_product_: Callable[..., torch.Tensor],
    relu: bool,
) -> None:
    """The Elman recurrence; ``hidden`` holds W_ih x_t + b_ih + b_hh on entry and h_t on exit."""
    for h_t in hidden.unbind(0):
        add_product_(h_t, h_prev, w_hh_t)  # W_ih x_t + b_ih + W_hh h_prev + b_hh
        if relu:
            h_t.relu_()  # h_t = relu(...)
        else:
            h_t.tanh_()  # h_t = tanh(...)
        h_prev = h_t


# ----------------------------------------------------------------------------------------------------------
# From step order back to the layout a reader expects.


def _copy_in_input_order(steps: torch.Tensor, out: torch.Tensor) -> None:
    """``[T, D, B, X]`` in step order -> ``out`` ``[D, B, T, X]`` in input order (reverse flipped back)."""
    out[0] = steps[:, 0].transpose(0, 1)
    out[1] = steps[:, 1].flip(0).transpose(0, 1)


def _final_states(per_step: torch.Tensor, num_directions: int) -> torch.Tensor:
    """``h_n`` / ``c_n`` ``[L*D, B, X]``: each direction's last step (t = T-1 forward, t = 0 reverse)."""
    if num_directions == 1:
        return per_step[:, :, -1].contiguous()
    stacks, batch, _, width = per_step.shape
    final = per_step.new_empty((stacks, batch, width))
    final[0::2] = per_step[0::2, :, -1]
    final[1::2] = per_step[1::2, :, 0]
    return final


def _named_gates(mode: str, gate_buffer: torch.Tensor | None, hidden_size: int) -> dict[str, torch.Tensor]:
    """Views (no copies) of each gate in ``gate_buffer``, named in PyTorch's order."""
    if gate_buffer is None:
        return {}
    h = hidden_size
    if mode == "LSTM":  # the buffer holds the replay order i, f, o, g
        blocks = {"input": 0, "forget": 1, "cell": 3, "output": 2}
    else:
        blocks = {"reset": 0, "update": 1, "new": 2}
    return {name: gate_buffer[..., k * h : (k + 1) * h] for name, k in blocks.items()}
