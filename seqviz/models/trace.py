"""Replay a ``torch.nn`` recurrent module step by step, keeping every gate and every state.

``nn.LSTM``, ``nn.GRU`` and ``nn.RNN`` hand back only the outputs and the final state; a lesson needs the
whole story: ``i_t``, ``f_t``, ``g_t``, ``o_t``, ``c_t`` and ``h_t`` at every step of every layer and
direction. ``trace_recurrent`` recomputes the forward pass from the module's *own* parameters with PyTorch's
documented equations and gate order, so the numbers on a page are the numbers the model computed (the tests
check that the replay's ``output``, ``h_n`` and ``c_n`` equal the module's).

How the replay stays fast (the UI replays on every widget change): per layer, PyTorch's own kernel runs the
recurrence once on that layer's parameters; with every ``h_{t-1}`` known, each gate of every step is one
matrix product and one activation over the whole sequence, computed here by the documented equations. Only
the LSTM cell state steps through time, one in-place ``c_t = f_t * c_prev + i_t * g_t`` per step. The trace
keeps its own ``h_t = o_t * tanh(c_t)`` (GRU: ``(1 - z_t) * n_t + z_t * h_prev``), which the tests compare
with the module's outputs, and feeds it to the next layer.
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

    layer_input = x  # [B, T, features]
    for layer in range(num_layers):
        rows = slice(layer * num_directions, (layer + 1) * num_directions)  # this layer's [D, ...] entries
        layer_input = _replay_layer(
            module,
            layer,
            layer_input,
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

# PyTorch's own multi-step kernels, called for one layer at a time with that layer's parameters.
KERNELS: dict[str, Callable[..., tuple[torch.Tensor, ...]]] = {
    "LSTM": torch.lstm,
    "GRU": torch.gru,
    "RNN_TANH": torch.rnn_tanh,
    "RNN_RELU": torch.rnn_relu,
}


@dataclass
class _DirectionWeights:
    """One layer's parameters for one direction, as the module holds them (never copied, never written)."""

    w_ih: torch.Tensor  # [G*H, in]   gate rows in PyTorch's order (LSTM i, f, g, o; GRU r, z, n)
    w_hh: torch.Tensor  # [G*H, h]
    b_ih: torch.Tensor | None  # [G*H]
    b_hh: torch.Tensor | None  # [G*H]
    w_hr: torch.Tensor | None  # [proj, H]  LSTM projection

    @classmethod
    def of(cls, module: nn.RNNBase, layer: int, direction: int) -> _DirectionWeights:
        suffix = f"_l{layer}" + ("_reverse" if direction else "")
        names = ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr")
        return cls(*(getattr(module, name + suffix, None) for name in names))

    def flat(self) -> list[torch.Tensor]:
        """The order ``nn.LSTM`` hands its kernel: w_ih, w_hh, b_ih, b_hh, w_hr (absent ones left out)."""
        return [w for w in (self.w_ih, self.w_hh, self.b_ih, self.b_hh, self.w_hr) if w is not None]


def _kernel_states(
    module: nn.RNNBase,
    weights: list[_DirectionWeights],
    layer_input: torch.Tensor,
    h_0: torch.Tensor,
    c_0: torch.Tensor | None,
) -> torch.Tensor:
    """``h_t`` of every step of one layer ``[B, T, D*h]``, from PyTorch's kernel on this layer's parameters.

    Only the states the next step starts from come from here; every number the trace keeps is recomputed
    from them by the documented equations below (and checked against the module by the tests).
    """
    params = [w for direction in weights for w in direction.flat()]
    hx: object = [h_0.contiguous(), c_0.contiguous()] if c_0 is not None else h_0.contiguous()
    # cuDNN wants one flat weight buffer; the native kernel takes the parameters as they are
    with torch.backends.cudnn.flags(enabled=False):
        outputs = KERNELS[module.mode](
            layer_input, hx, params, module.bias, 1, 0.0, False, len(weights) == 2, True
        )
    return outputs[0]


def _replay_layer(
    module: nn.RNNBase,
    layer: int,
    layer_input: torch.Tensor,
    h_0: torch.Tensor,
    c_0: torch.Tensor | None,
    hidden: torch.Tensor,
    cell: torch.Tensor | None,
    gates: torch.Tensor | None,
) -> torch.Tensor:
    """Run one layer, writing its trace into ``hidden``, ``cell`` and ``gates`` (each ``[D, B, T, X]``).

    Why it is fast: a step-by-step Python loop costs seven small tensor operations per step, each dominated
    by dispatch, not arithmetic (3.8x one ``nn.LSTM`` call on a fast CPU). Here PyTorch's kernel runs the
    recurrence once, and with every ``h_{t-1}`` known, each gate of every step is one matrix product and one
    activation over the whole sequence. Only the LSTM's cell state still steps through time, one in-place
    ``c_t = f_t * c_prev + i_t * g_t`` per step. ``layer_input`` is ``[B, T, features]``; returns the next
    layer's input ``[B, T, D*h]``: the replay's own ``h_t``, not the kernel's.
    """
    directions = 2 if module.bidirectional else 1
    weights = [_DirectionWeights.of(module, layer, direction) for direction in range(directions)]
    kernel_hidden = _kernel_states(module, weights, layer_input, h_0, c_0)
    width = hidden.shape[-1]
    for direction, w in enumerate(weights):
        reverse = direction == 1
        h_prev = _states_before(kernel_hidden[..., direction * width : (direction + 1) * width],
                                h_0[direction], reverse)  # fmt: skip
        from_input = nn.functional.linear(layer_input, w.w_ih, w.b_ih)  # W_ih x_t + b_ih, every step at once
        from_state = nn.functional.linear(h_prev, w.w_hh, w.b_hh)  # W_hh h_prev + b_hh
        if module.mode == "LSTM":
            assert gates is not None and cell is not None and c_0 is not None
            _lstm_layer(from_input, from_state, c_0[direction], reverse, w.w_hr,
                        gates[direction], cell[direction], hidden[direction])  # fmt: skip
        elif module.mode == "GRU":
            assert gates is not None
            _gru_layer(from_input, from_state, h_prev, gates[direction], hidden[direction])
        else:
            h_t = torch.add(
                from_input, from_state, out=hidden[direction]
            )  # W_ih x_t + b_ih + W_hh h_prev + b_hh
            h_t.relu_() if module.mode == "RNN_RELU" else h_t.tanh_()  # h_t = tanh(...) or relu(...)
    return hidden[0] if directions == 1 else torch.cat([hidden[0], hidden[1]], dim=-1)


def _lstm_layer(
    from_input: torch.Tensor,
    from_state: torch.Tensor,
    c_0: torch.Tensor,
    reverse: bool,
    w_hr: torch.Tensor | None,
    gates: torch.Tensor,
    cell: torch.Tensor,
    hidden: torch.Tensor,
) -> None:
    """One direction of an LSTM layer; ``gates`` ``[B, T, 4H]`` ends as i, f, g, o in PyTorch's order."""
    h = cell.shape[-1]
    torch.add(from_input, from_state, out=gates)  # W_ih x_t + b_ih + W_hh h_prev + b_hh
    i, f, g, o = gates.split(h, dim=-1)
    gates[..., : 2 * h].sigmoid_()  # i_t, f_t = σ(...)
    g.tanh_()  # g_t = tanh(...)
    o.sigmoid_()  # o_t = σ(...)
    # c_t = f_t * c_prev + i_t * g_t: i_t * g_t for every step at once, then one in-place step per t
    steps = torch.mul(i, g).transpose(0, 1).contiguous()  # [T, B, H], becomes c_t in place
    step_pairs = list(zip(steps.unbind(0), f.transpose(0, 1).unbind(0), strict=True))
    c_prev = c_0
    for c_t, f_t in reversed(step_pairs) if reverse else step_pairs:
        c_prev = c_t.addcmul_(f_t, c_prev)
    cell.copy_(steps.transpose(0, 1))
    if w_hr is None:
        torch.mul(o, torch.tanh(cell), out=hidden)  # h_t = o_t * tanh(c_t)
    else:
        torch.matmul(o * torch.tanh(cell), w_hr.t(), out=hidden)  # h_t = W_hr (o_t * tanh(c_t))


def _gru_layer(
    from_input: torch.Tensor,
    from_state: torch.Tensor,
    h_prev: torch.Tensor,
    gates: torch.Tensor,
    hidden: torch.Tensor,
) -> None:
    """One direction of a GRU layer; ``gates`` ``[B, T, 3H]`` ends as r, z, n."""
    h = hidden.shape[-1]
    r, z, n = gates.split(h, dim=-1)
    torch.add(from_input[..., : 2 * h], from_state[..., : 2 * h], out=gates[..., : 2 * h])
    gates[..., : 2 * h].sigmoid_()  # r_t, z_t = σ(W_i x_t + b_i + W_h h_prev + b_h)
    torch.addcmul(from_input[..., 2 * h :], r, from_state[..., 2 * h :], out=n)
    n.tanh_()  # n_t = tanh(W_in x_t + b_in + r_t * (W_hn h_prev + b_hn))
    torch.lerp(n, h_prev, z, out=hidden)  # h_t = (1 - z_t) * n_t + z_t * h_prev


# ----------------------------------------------------------------------------------------------------------
# From the per-step buffers to the layout a reader expects.


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
    return {name: gate_buffer[..., k * h : (k + 1) * h] for k, name in enumerate(GATE_NAMES[mode])}
