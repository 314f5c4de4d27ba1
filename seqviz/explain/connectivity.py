"""Connectivity through time (Distill, "Memorization in RNNs", Madsen 2019): how much each output of a
recurrent model moves when one earlier input moves, ``||d output_t / d x_t'||`` for every pair of steps.

``x_t'`` is the input embedding the recurrent core reads at step t' (the embedding table's row, no dropout),
and ``output_t`` is

- for a language model, the log-probability of the *actual* next token, ``log P(x_{t+1} | x_<=t)``: row t
  is about the token the model scores after reading inputs 0..t (inputs are ``<sos> x_1 .. x_{n-1}``, as
  ``seqviz.inference.trace_language_model`` feeds them), so each cell is a vector norm (Euclidean, over the
  embedding);
- for a seq2seq encoder, its output ``h_t`` at step t (both directions joined for a bidirectional one), so
  each cell is the Frobenius norm of the Jacobian matrix ``d h_t / d x_t'``.

A one-direction model cannot look ahead: every cell with t' > t is exactly zero, left to autograd to show
(nothing is masked). A bidirectional encoder's ``h_t`` reads the whole sentence, so every pair is filled.

Truncated BPTT with window k is computed the way ``seqviz.training.trainer.LanguageModelTrainer`` trains:
the sequence is run in chunks of k steps from its first token and the state is detached between chunks, so
a cell is non-zero only when t and t' fall in the same chunk (never when t - t' >= k). Inside a chunk the
truncated gradient equals the full one: detaching changes no value, only which paths the gradient takes.

Gradients are taken on a private copy of the recurrent core and readout, in training mode with every dropout
at zero: cuDNN's RNN backward runs only in training mode (Captum #564), and the checkpoint's model is shared
by every session of the app, so switching its own mode would race another session's forward pass. The
caller's model is never touched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn

from seqviz.checkpoints.store import Checkpoint
from seqviz.data.vocab import SOS_ID
from seqviz.errors import InputError
from seqviz.explain.gradients import gradient_copy
from seqviz.inference import prepare_input, prepare_source, require_rnn
from seqviz.models.recurrent import map_state

MAX_CONNECTIVITY_TOKENS = 100  # a T x T matrix: T backward rows for a language model, T x H for an encoder
ROWS_PER_PASS = 256  # Jacobian rows found by one backward pass over a batch of copies of the input
LOG_PROB_NEXT = "log_prob_next"  # output_t of a language model: log P(x_{t+1} | x_<=t)
HIDDEN = "hidden"  # output_t of an encoder: h_t


@dataclass(frozen=True)
class Connectivity:
    """``matrix[t][t']`` = ``||d output_t / d x_t'||`` (see the module's docstring for which output)."""

    tokens: list[str]  # x_t', the inputs as the model read them (unknown ones as <unk>), one per column
    outputs: list[str]  # what row t is about: the next token scored (LM) or the token read at t (encoder)
    matrix: list[list[float]]  # full BPTT
    k: int | None  # the truncation window; None: no truncated matrix
    truncated: list[list[float]] | None  # the same under truncated BPTT with window k
    output: str  # LOG_PROB_NEXT or HIDDEN
    bidirectional: bool
    unknown: list[str]  # typed tokens the vocabulary lacks (read as <unk>)

    def chunks(self) -> list[tuple[int, int]]:
        """The truncated-BPTT windows ``[start, end)`` along the input (empty without k)."""
        if self.k is None:
            return []
        return [
            (start, min(start + self.k, len(self.tokens))) for start in range(0, len(self.tokens), self.k)
        ]

    def cut_share(self) -> float | None:
        """The share of the squared gradient, summed over every cell, that truncated BPTT does not carry:
        ``1 - sum(truncated^2) / sum(full^2)`` (None without k; 0 when there is no gradient at all)."""
        if self.truncated is None:
            return None
        full = sum(v * v for row in self.matrix for v in row)
        kept = sum(v * v for row in self.truncated for v in row)
        return 0.0 if full == 0 else max(0.0, 1.0 - kept / full)


def language_model_connectivity(checkpoint: Checkpoint, text: str, k: int | None = None) -> Connectivity:
    """Connectivity of a language model reading ``text``: row t is ``log P(x_{t+1} | x_<=t)``."""
    if checkpoint.kind != "language_model":
        raise InputError(f"{checkpoint.name} is not a language model")
    source = prepare_input(text, checkpoint.target_tokenizer, checkpoint.target_vocab, checkpoint.lowercase)
    targets = source.ids[:-1]  # the text's tokens, without the <eos> prepare_input appends
    _check_length(len(targets), k)
    inputs = [SOS_ID, *targets[:-1]]
    model = checkpoint.model
    vocab = checkpoint.target_vocab
    full, truncated = next_token_connectivity(model, inputs, targets, k)
    return Connectivity(
        tokens=[vocab.token_of(i) for i in inputs],
        outputs=[vocab.token_of(i) for i in targets],
        matrix=full,
        k=k,
        truncated=truncated,
        output=LOG_PROB_NEXT,
        bidirectional=False,
        unknown=source.unknown,
    )


def encoder_connectivity(checkpoint: Checkpoint, text: str, k: int | None = None) -> Connectivity:
    """Connectivity of a seq2seq checkpoint's encoder reading ``text`` (and the ``<eos>`` it always reads):
    row t is ``h_t``."""
    require_rnn(checkpoint, "connectivity through an encoder's recurrent states")
    source = prepare_source(checkpoint, text)
    _check_length(len(source.ids), k)
    encoder = checkpoint.model.encoder
    full, truncated = hidden_connectivity(encoder.rnn, _embedded(encoder.embedding, source.ids), k)
    tokens = source.shown_tokens
    return Connectivity(
        tokens=tokens,
        outputs=tokens,
        matrix=full,
        k=k,
        truncated=truncated,
        output=HIDDEN,
        bidirectional=encoder.rnn.bidirectional,
        unknown=source.unknown,
    )


def next_token_connectivity(
    model: nn.Module, inputs: list[int], targets: list[int], k: int | None = None
) -> tuple[list[list[float]], list[list[float]] | None]:
    """Full (and, with ``k``, truncated) ``||d log P(targets[t] | inputs[:t+1]) / d e(inputs[t'])||`` for a
    ``LanguageModel`` (``embedding``, ``rnn``, ``projection``) reading ``inputs``."""
    rnn, projection = gradient_copy(model.rnn), gradient_copy(model.projection)
    embedded = _embedded(model.embedding, inputs)
    rows = list(enumerate(targets))

    def scores(window: int | None) -> Callable[[torch.Tensor], torch.Tensor]:
        return lambda x: torch.log_softmax(projection(_recur(rnn, x, window)), -1)

    full = _jacobian_norms(scores(None), embedded, rows)
    return full, None if k is None else _jacobian_norms(scores(k), embedded, rows)


def hidden_connectivity(
    module: nn.RNNBase, inputs: torch.Tensor, k: int | None = None
) -> tuple[list[list[float]], list[list[float]] | None]:
    """Full (and, with ``k``, truncated) ``||d h_t / d x_t'||_F`` of a batch-first recurrent ``module``
    reading ``inputs`` ``[T, input_size]`` from a zero state; ``h_t`` is its output at step t."""
    if k is not None and module.bidirectional:
        raise InputError("truncated BPTT runs forward in time; a bidirectional module has no such window")
    rnn = gradient_copy(module)
    width = module.hidden_size * (2 if module.bidirectional else 1)
    rows = [(t, unit) for t in range(inputs.shape[0]) for unit in range(width)]
    full = _jacobian_norms(lambda x: _recur(rnn, x, None), inputs, rows)
    return full, None if k is None else _jacobian_norms(lambda x: _recur(rnn, x, k), inputs, rows)


def _check_length(steps: int, k: int | None) -> None:
    if steps > MAX_CONNECTIVITY_TOKENS:
        raise InputError(
            f"the text has {steps:,} tokens; connectivity through time reads at most "
            f"{MAX_CONNECTIVITY_TOKENS:,}",
            code="input.too_many_tokens",
            what="text",
            count=steps,
            limit=MAX_CONNECTIVITY_TOKENS,
        )
    if k is not None and not (type(k) is int and 1 <= k <= MAX_CONNECTIVITY_TOKENS):  # not bool
        raise InputError(f"the truncation window k must be from 1 to {MAX_CONNECTIVITY_TOKENS}, got {k!r}")


def _embedded(embedding: nn.Embedding, ids: list[int]) -> torch.Tensor:
    """``[T, E]``: the embedding rows the core reads (no dropout: what an eval-mode forward feeds it)."""
    with torch.no_grad():
        return embedding.weight[torch.tensor(ids, device=embedding.weight.device)].clone()


def _recur(rnn: nn.Module, x: torch.Tensor, window: int | None) -> torch.Tensor:
    """The core's outputs ``[B, T, H]`` from a zero state; with ``window`` the trainer's truncated BPTT:
    chunks of ``window`` steps, the state detached between them."""
    if window is None:
        return rnn(x)[0]
    pieces, state = [], None
    for start in range(0, x.shape[1], window):
        outputs, state = rnn(x[:, start : start + window], state)
        pieces.append(outputs)
        state = map_state(state, torch.Tensor.detach)  # truncate: no gradient flows past this chunk
    return torch.cat(pieces, 1)


def _jacobian_norms(
    function: Callable[[torch.Tensor], torch.Tensor], inputs: torch.Tensor, rows: list[tuple[int, int]]
) -> list[list[float]]:
    """``matrix[t][t'] = sqrt(sum over rows (t, i) of ||d function(x)[t, i] / d x[t']||^2)``, ``x`` =
    ``inputs`` ``[T, F]`` and ``function`` mapping ``[B, T, F]`` to ``[B, T, D]``.

    Each row of the Jacobian is one copy of the input in a batch: copy b's gradient is that of its own
    selected output alone (the copies share nothing), so one backward pass finds ``ROWS_PER_PASS`` rows."""
    steps = inputs.shape[0]
    squares = torch.zeros(steps, steps, dtype=torch.float64)
    with torch.enable_grad():
        for first in range(0, len(rows), ROWS_PER_PASS):
            chosen = rows[first : first + ROWS_PER_PASS]
            x = inputs.detach()[None].repeat(len(chosen), 1, 1).requires_grad_(True)
            out = function(x)
            at = torch.tensor(chosen, device=out.device)
            picked = out[torch.arange(len(chosen), device=out.device), at[:, 0], at[:, 1]]
            (gradient,) = torch.autograd.grad(picked.sum(), x)
            per_step = gradient.double().pow(2).sum(-1).cpu()  # [rows, T]
            squares.index_add_(0, at[:, 0].cpu(), per_step)
    return squares.sqrt().tolist()
