"""The recurrent cores, as plain ``torch.nn`` modules so training takes the fast path (cuDNN on GPU).

Everything the app shows about gates and states comes from replaying these very modules with
``seqviz.models.trace.trace_recurrent``; keeping them plain ``nn.LSTM`` / ``nn.GRU`` / ``nn.RNN`` is what
makes that replay possible for any model, ours or a user's.
"""

from __future__ import annotations

import torch
from torch import nn

RecurrentState = torch.Tensor | tuple[torch.Tensor, torch.Tensor]

RNN_CLASSES: dict[str, type[nn.RNNBase]] = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


def make_recurrent(
    cell: str,
    input_size: int,
    hidden_size: int,
    num_layers: int,
    bidirectional: bool = False,
    dropout: float = 0.0,
) -> nn.RNNBase:
    """A batch-first recurrent module; dropout only between layers, as torch defines it."""
    return RNN_CLASSES[cell](
        input_size,
        hidden_size,
        num_layers=num_layers,
        batch_first=True,
        bidirectional=bidirectional,
        dropout=dropout if num_layers > 1 else 0.0,
    )


def map_state(state: RecurrentState, fn) -> RecurrentState:
    """Apply ``fn`` to h (and c, for an LSTM), keeping the state's structure."""
    if isinstance(state, tuple):
        return tuple(fn(part) for part in state)  # type: ignore[return-value]
    return fn(state)


def top_hidden(state: RecurrentState) -> torch.Tensor:
    """The last layer's hidden state ``[batch, hidden]``: what attention queries and the readout use."""
    hidden = state[0] if isinstance(state, tuple) else state
    return hidden[-1]
