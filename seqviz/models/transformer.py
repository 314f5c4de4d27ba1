"""A small Transformer encoder-decoder, readable top to bottom, that decodes through the RNN Seq2Seq's calls.

The course's equations, with the paper's names (Vaswani et al. 2017):

- Input: ``x_i = sqrt(d_model) * E[token_i] + PE[i]``, ``PE[pos, 2i] = sin(pos / 10000^(2i / d_model))``,
  ``PE[pos, 2i + 1] = cos(...)``. Embeddings start with standard deviation ``d_model^-1/2``, so the
  ``sqrt(d_model)`` scale gives them unit size, the size of the positions they are added to.
- Attention, per head: ``queries = x W^Q``, ``keys = m W^K``, ``values = m W^V`` (``m = x`` for
  self-attention, the encoder's outputs for cross-attention), ``scores = queries keys^T / sqrt(d_head)``,
  masked positions set to ``-inf``, ``weights = softmax(scores)``, ``heads = weights values``; the heads
  side by side times ``W^O`` is the sublayer's output.
- Encoder layer: self-attention over the source (padding masked), then a position-wise feed-forward layer
  ``FFN(x) = max(0, x W_1 + b_1) W_2 + b_2``. Decoder layer: masked self-attention (the ``causal_mask``:
  position t sees positions <= t, and no padding), cross-attention over the source, feed-forward.
- Each sublayer sits in a residual connection with a LayerNorm: pre-norm ``x + Sublayer(LayerNorm(x))``
  (a final LayerNorm closes each stack) or the paper's post-norm ``LayerNorm(x + Sublayer(x))``.

**The same interface as ``Seq2Seq``**, so greedy decoding, the trainer, beam search, the decoding stepper and
``score`` drive either model by the same calls:

- ``start(source, lengths)`` -> ``(encoded, memory, state)``; ``decoder(inputs, state, memory)`` ->
  ``(output, state)`` for any number of steps: one step (greedy, beam, stepper) or the whole target (teacher
  forcing) run this same code. ``output.log_probs`` are ``log P(y_t = w | y_<t, x)``, ``<pad>`` and
  ``<sos>`` never output; ``memory.index_select`` / ``state.index_select`` let a beam follow its parents.
- Incremental decoding: the state carries every decoder layer's self-attention keys and values of the tokens
  read so far, so a step projects only its own token. Causality makes this exact: what layer l computed at
  position i never depends on later tokens, so the cached keys are the ones a full pass would compute
  (``tests/unit/test_transformer.py`` checks stepped == teacher-forced log-probs).
  The cross-attention keys and values of every layer are projected once per batch, in ``start``.

**Attention weights** are returned, never recomputed: every forward returns the weights that multiplied the
values, ``[batch, layers, heads, queries, keys]``: encoder self-attention (``encoded.self_attention``),
decoder masked self-attention and cross-attention (``output.self_attention`` / ``output.cross_attention``).
There is no dropout on the weights, so that in training too they are exactly what was applied. Masked
positions (padding, the future) get weight exactly 0 (``exp(-inf)``).

Code written for the RNN's single attention matrix (one row per output step over the source positions) reads
``output.attention``: **the last decoder layer's cross-attention, averaged over its heads**. The last layer is
the one whose context feeds the output projection; the mean of rows that sum to 1 still sums to 1 and is 0
on padding. It is a view for the RNN-shaped pages; the per-layer, per-head tensor stays beside it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import nn

from seqviz.data.vocab import PAD_ID, SOS_ID
from seqviz.models.config import TransformerConfig
from seqviz.models.seq2seq import GreedyResult, greedy_decode, scheduled_sampling

POSITIONS_TABLE = 1024  # positions precomputed; longer sequences compute theirs (the same values) on the fly


# ---------------------------------------------------------------------------------------------- pieces


def sinusoidal_positions(length: int, d_model: int) -> torch.Tensor:
    """``[length, d_model]``: ``PE[pos, 2i] = sin(pos / 10000^(2i / d_model))``, ``PE[pos, 2i+1] = cos(..)``.

    Computed in float64 and rounded to float32 once, so the table and a longer on-the-fly computation hold
    the same numbers (a model cast to float64 reads the same float32 values, widened exactly)."""
    position = torch.arange(length, dtype=torch.float64).unsqueeze(1)
    frequency = torch.exp(torch.arange(0, d_model, 2, dtype=torch.float64) * (-math.log(10000.0) / d_model))
    table = torch.zeros(length, d_model, dtype=torch.float64)
    table[:, 0::2] = torch.sin(position * frequency)
    table[:, 1::2] = torch.cos(position * frequency)
    return table.float()


def causal_mask(query_count: int, key_count: int, device: torch.device | str = "cpu") -> torch.Tensor:
    """``[query_count, key_count]``, True where a query may look: the queries are the LAST ``query_count``
    of ``key_count`` positions (earlier ones are cached), and query t sees keys 0..t, never the future."""
    offset = key_count - query_count
    queries = torch.arange(query_count, device=device).unsqueeze(1) + offset
    keys = torch.arange(key_count, device=device).unsqueeze(0)
    return keys <= queries


class PositionalEncoding(nn.Module):
    """Adds ``PE[position]`` to token vectors; no parameters (the table is a non-persistent buffer)."""

    def __init__(self, d_model: int) -> None:
        super().__init__()
        self.d_model = d_model
        self.register_buffer("table", sinusoidal_positions(POSITIONS_TABLE, d_model), persistent=False)

    def forward(self, x: torch.Tensor, start: int = 0) -> torch.Tensor:
        """``x`` ``[batch, steps, d_model]`` at positions ``start .. start + steps - 1``."""
        end = start + x.size(1)
        table = self.table
        if end > table.size(0):
            table = sinusoidal_positions(end, self.d_model).to(table.device, table.dtype)
        return x + table[start:end]


class MultiHeadAttention(nn.Module):
    """Scaled dot-product attention with ``num_heads`` heads; returns the weights it applied.

    ``W^Q``, ``W^K``, ``W^V`` hold every head's projection side by side (head h owns columns
    ``h * d_head .. (h + 1) * d_head``); ``W^O`` mixes the concatenated heads back to ``d_model``.
    Keys and values are projected by ``keys_and_values`` apart from the queries, so a caller can project them
    once (cross-attention: once per batch) or cache them (self-attention: once per decoded token).
    """

    def __init__(self, d_model: int, num_heads: int) -> None:
        super().__init__()
        self.num_heads = num_heads
        self.d_head = d_model // num_heads
        self.query_proj = nn.Linear(d_model, d_model)  # W^Q
        self.key_proj = nn.Linear(d_model, d_model)  # W^K
        self.value_proj = nn.Linear(d_model, d_model)  # W^V
        self.output_proj = nn.Linear(d_model, d_model)  # W^O

    def split_heads(self, x: torch.Tensor) -> torch.Tensor:
        """``[batch, length, d_model]`` -> ``[batch, heads, length, d_head]``."""
        batch, length, _ = x.shape
        return x.view(batch, length, self.num_heads, self.d_head).transpose(1, 2)

    def keys_and_values(self, memory: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``keys = m W^K``, ``values = m W^V``, each ``[batch, heads, length, d_head]``."""
        return self.split_heads(self.key_proj(memory)), self.split_heads(self.value_proj(memory))

    def forward(
        self, x: torch.Tensor, keys: torch.Tensor, values: torch.Tensor, allowed: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """``x`` ``[batch, queries, d_model]`` attends to ``keys`` / ``values`` ``[batch, heads, keys,
        d_head]`` where ``allowed`` (broadcast to ``[batch, heads, queries, keys]``) is True.

        Returns the output ``[batch, queries, d_model]`` and the weights ``[batch, heads, queries, keys]``:
        rows sum to 1, exactly 0 where not allowed. Every row must allow at least one key (a real token)."""
        queries = self.split_heads(self.query_proj(x))
        scores = queries @ keys.transpose(-2, -1) / math.sqrt(self.d_head)
        scores = scores.masked_fill(~allowed, float("-inf"))
        weights = torch.softmax(scores, dim=-1)
        heads = weights @ values  # [batch, heads, queries, d_head]
        batch, _, length, _ = heads.shape
        concatenated = heads.transpose(1, 2).reshape(batch, length, self.num_heads * self.d_head)
        return self.output_proj(concatenated), weights


class FeedForward(nn.Module):
    """``FFN(x) = max(0, x W_1 + b_1) W_2 + b_2``, the same at every position."""

    def __init__(self, d_model: int, d_ff: int, dropout: float) -> None:
        super().__init__()
        self.linear1 = nn.Linear(d_model, d_ff)  # W_1
        self.linear2 = nn.Linear(d_ff, d_model)  # W_2
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear2(self.dropout(torch.relu(self.linear1(x))))


class EncoderLayer(nn.Module):
    def __init__(self, config: TransformerConfig) -> None:
        super().__init__()
        d = config.d_model
        self.norm_first = config.norm_first
        self.self_attention = MultiHeadAttention(d, config.num_heads)
        self.self_attention_norm = nn.LayerNorm(d)
        self.feedforward = FeedForward(d, config.d_ff, config.dropout)
        self.feedforward_norm = nn.LayerNorm(d)
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, x: torch.Tensor, allowed: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``x`` ``[batch, source, d_model]`` -> (the layer's output, its self-attention weights)."""
        h = self.self_attention_norm(x) if self.norm_first else x
        keys, values = self.self_attention.keys_and_values(h)
        attended, weights = self.self_attention(h, keys, values, allowed)
        x = _residual(x, self.dropout(attended), self.self_attention_norm, self.norm_first)
        h = self.feedforward_norm(x) if self.norm_first else x
        x = _residual(x, self.dropout(self.feedforward(h)), self.feedforward_norm, self.norm_first)
        return x, weights


class DecoderLayer(nn.Module):
    def __init__(self, config: TransformerConfig) -> None:
        super().__init__()
        d = config.d_model
        self.norm_first = config.norm_first
        self.self_attention = MultiHeadAttention(d, config.num_heads)
        self.self_attention_norm = nn.LayerNorm(d)
        self.cross_attention = MultiHeadAttention(d, config.num_heads)
        self.cross_attention_norm = nn.LayerNorm(d)
        self.feedforward = FeedForward(d, config.d_ff, config.dropout)
        self.feedforward_norm = nn.LayerNorm(d)
        self.dropout = nn.Dropout(config.dropout)

    def forward(
        self,
        x: torch.Tensor,
        cached_keys: torch.Tensor,
        cached_values: torch.Tensor,
        allowed: torch.Tensor,
        memory_keys: torch.Tensor,
        memory_values: torch.Tensor,
        memory_allowed: torch.Tensor,
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        """``x`` ``[batch, steps, d_model]``: the new positions, after ``cached_keys`` / ``cached_values``
        (``[batch, heads, earlier, d_head]``) of the positions read before.

        Returns (output, keys and values of every position read so far, self-attention weights,
        cross-attention weights)."""
        h = self.self_attention_norm(x) if self.norm_first else x
        new_keys, new_values = self.self_attention.keys_and_values(h)
        keys = torch.cat([cached_keys, new_keys], dim=2)
        values = torch.cat([cached_values, new_values], dim=2)
        attended, self_weights = self.self_attention(h, keys, values, allowed)
        x = _residual(x, self.dropout(attended), self.self_attention_norm, self.norm_first)
        h = self.cross_attention_norm(x) if self.norm_first else x
        attended, cross_weights = self.cross_attention(h, memory_keys, memory_values, memory_allowed)
        x = _residual(x, self.dropout(attended), self.cross_attention_norm, self.norm_first)
        h = self.feedforward_norm(x) if self.norm_first else x
        x = _residual(x, self.dropout(self.feedforward(h)), self.feedforward_norm, self.norm_first)
        return x, keys, values, self_weights, cross_weights


def _residual(x: torch.Tensor, sublayer: torch.Tensor, norm: nn.LayerNorm, norm_first: bool) -> torch.Tensor:
    """Pre-norm ``x + Sublayer(LayerNorm(x))`` (the norm was applied to the sublayer's input) or post-norm
    ``LayerNorm(x + Sublayer(x))``."""
    return x + sublayer if norm_first else norm(x + sublayer)


# -------------------------------------------------------------------------------------------- results


@dataclass
class TransformerEncoderOutput:
    outputs: torch.Tensor  # [batch, source, d_model]  the top layer's output (after the final norm)
    mask: torch.Tensor  # [batch, source] True at real tokens, False at padding
    embedded: torch.Tensor  # [batch, source, d_model]  sqrt(d_model) E[x_i] + PE[i], what layer 0 read
    self_attention: torch.Tensor  # [batch, layers, heads, source (queries), source (keys)]


@dataclass
class TransformerMemory:
    """What the decoder reads from the encoder; fixed for the whole decoding of one batch."""

    outputs: torch.Tensor  # [batch, source, d_model]  the encoder's outputs
    mask: torch.Tensor  # [batch, source] True at real tokens
    keys: list[torch.Tensor]  # per decoder layer: [batch, heads, source, d_head]  outputs W^K (cross-attn)
    values: list[torch.Tensor]  # per decoder layer: [batch, heads, source, d_head]  outputs W^V

    def index_select(self, index: torch.Tensor) -> TransformerMemory:
        """Rows ``index`` of every field: how a beam follows its hypotheses' parents."""
        return TransformerMemory(
            self.outputs.index_select(0, index),
            self.mask.index_select(0, index),
            [t.index_select(0, index) for t in self.keys],
            [t.index_select(0, index) for t in self.values],
        )


@dataclass
class TransformerState:
    """The decoder's cache: every layer's self-attention keys and values of the tokens read so far."""

    keys: list[torch.Tensor]  # per layer: [batch, heads, read, d_head]
    values: list[torch.Tensor]  # per layer: [batch, heads, read, d_head]
    mask: torch.Tensor  # [batch, read] True at the real tokens read (not <pad>): the keys later steps may see

    @property
    def position(self) -> int:
        """How many tokens have been read: the position of the next one."""
        return self.mask.size(1)

    def index_select(self, index: torch.Tensor) -> TransformerState:
        return TransformerState(
            [t.index_select(0, index) for t in self.keys],
            [t.index_select(0, index) for t in self.values],
            self.mask.index_select(0, index),
        )


@dataclass
class TransformerDecoderOutput:
    """One decoder call's numbers; the fields the RNN's ``DecoderOutput`` shares keep its names and shapes."""

    log_probs: torch.Tensor  # [batch, steps, target_vocab]  log P(y_t = w | y_<t, x)
    outputs: torch.Tensor  # [batch, steps, d_model]  top layer's output (after the final norm), read out
    # [batch, layers, heads, steps, keys]: keys are every position read so far, this call's included (teacher
    # forcing from the start: keys = steps, and the matrix is lower-triangular)
    self_attention: torch.Tensor
    cross_attention: torch.Tensor  # [batch, layers, heads, steps, source]
    attention: torch.Tensor  # [batch, steps, source]  the single-matrix view: last layer, mean over heads
    p_gen: None = None  # no copy mechanism: the RNN output's field, always None here
    coverage: None = None
    coverage_loss: None = None

    @property
    def rnn_outputs(self) -> torch.Tensor:
        """``outputs`` by the RNN decoder's name (the stepper shows it as the decoder's state ``s_t``)."""
        return self.outputs

    @staticmethod
    def concat(parts: list[TransformerDecoderOutput]) -> TransformerDecoderOutput:
        """Join the outputs of consecutive calls of one decoding along time (scheduled sampling).

        Each call's self-attention rows span the keys read until then; they are padded with zeros to the
        last call's width, which is exactly their weight on the positions that were still in the future."""
        width = parts[-1].self_attention.size(-1)
        self_attention = torch.cat(
            [nn.functional.pad(p.self_attention, (0, width - p.self_attention.size(-1))) for p in parts],
            dim=3,
        )
        return TransformerDecoderOutput(
            log_probs=torch.cat([p.log_probs for p in parts], 1),
            outputs=torch.cat([p.outputs for p in parts], 1),
            self_attention=self_attention,
            cross_attention=torch.cat([p.cross_attention for p in parts], 3),
            attention=torch.cat([p.attention for p in parts], 1),
        )


@dataclass
class TransformerTrace:
    """Everything a page shows about one translation, from the forward pass that produced it.

    The fields ``Seq2SeqTrace`` also has keep its names and shapes (``attention`` is the single-matrix view,
    see the module notes). ``step_error``: after greedy decoding (one cached step at a time), the largest
    difference between its log-probabilities and this teacher-forced replay's (a few 1e-7 in float32): the
    proof, on the very sentence shown, that the stepped and the full computation agree; None when the target
    was given."""

    source_ids: list[int]  # encoder input, <eos> included
    decoder_input_ids: list[int]  # <sos> y_1 ... y_{n-1}
    output_ids: list[int]  # y_1 ... y_n (<eos> included when produced or given)
    token_log_probs: torch.Tensor  # [steps]  log P(y_t)
    log_probs: torch.Tensor  # [steps, target_vocab]
    attention: torch.Tensor  # [steps, source]  last decoder layer's cross-attention, mean over heads
    encoder_self_attention: torch.Tensor  # [layers, heads, source, source]
    decoder_self_attention: torch.Tensor  # [layers, heads, steps, steps]  0 above the diagonal
    cross_attention: torch.Tensor  # [layers, heads, steps, source]
    encoder_outputs: torch.Tensor  # [source, d_model]
    decoder_outputs: torch.Tensor  # [steps, d_model]
    teacher_forced: bool
    step_error: float | None
    p_gen: None = None
    coverage: None = None


# ---------------------------------------------------------------------------------------------- stacks


class TransformerEncoder(nn.Module):
    def __init__(self, config: TransformerConfig) -> None:
        super().__init__()
        self.scale = math.sqrt(config.d_model)
        self.embedding = nn.Embedding(config.source_vocab_size, config.d_model, padding_idx=PAD_ID)
        self.positions = PositionalEncoding(config.d_model)
        self.dropout = nn.Dropout(config.dropout)
        self.layers = nn.ModuleList(EncoderLayer(config) for _ in range(config.num_layers))
        self.norm = nn.LayerNorm(config.d_model) if config.norm_first else None

    def forward(self, source: torch.Tensor) -> TransformerEncoderOutput:
        """``source`` ``[batch, source]`` padded with ``<pad>``: every position attends to the real ones."""
        mask = source.ne(PAD_ID)
        embedded = self.positions(self.embedding(source) * self.scale)  # sqrt(d_model) E[x_i] + PE[i]
        x = self.dropout(embedded)
        allowed = mask[:, None, None, :]  # [batch, 1, 1, keys]: the same for every head and query
        weights = []
        for layer in self.layers:
            x, layer_weights = layer(x, allowed)
            weights.append(layer_weights)
        if self.norm is not None:
            x = self.norm(x)
        return TransformerEncoderOutput(x, mask, embedded, torch.stack(weights, 1))


class TransformerDecoder(nn.Module):
    def __init__(self, config: TransformerConfig) -> None:
        super().__init__()
        self.config = config
        self.scale = math.sqrt(config.d_model)
        self.embedding = nn.Embedding(config.target_vocab_size, config.d_model, padding_idx=PAD_ID)
        self.positions = PositionalEncoding(config.d_model)
        self.dropout = nn.Dropout(config.dropout)
        self.layers = nn.ModuleList(DecoderLayer(config) for _ in range(config.num_layers))
        self.norm = nn.LayerNorm(config.d_model) if config.norm_first else None
        self.output = nn.Linear(config.d_model, config.target_vocab_size)
        # <pad> and <sos> are never outputs (as in the RNN decoder): their logits are -inf.
        never_output = torch.zeros(config.target_vocab_size, dtype=torch.bool)
        never_output[[PAD_ID, SOS_ID]] = True
        self.register_buffer("never_output", never_output, persistent=False)

    @property
    def attention(self) -> MultiHeadAttention:
        """The module behind ``output.attention`` (the last layer's cross-attention): code written for the
        RNN decoder asks ``decoder.attention is not None`` to know that there is attention to show."""
        return self.layers[-1].cross_attention

    def start(self, encoded: TransformerEncoderOutput) -> tuple[TransformerMemory, TransformerState]:
        """The memory (each layer's cross-attention keys and values, projected once) and the empty cache."""
        projected = [layer.cross_attention.keys_and_values(encoded.outputs) for layer in self.layers]
        memory = TransformerMemory(
            encoded.outputs, encoded.mask, [k for k, _ in projected], [v for _, v in projected]
        )
        batch = encoded.outputs.size(0)
        empty = encoded.outputs.new_zeros(batch, self.config.num_heads, 0, self.config.d_head)
        state = TransformerState(
            [empty] * self.config.num_layers,
            [empty] * self.config.num_layers,
            torch.zeros(batch, 0, dtype=torch.bool, device=encoded.outputs.device),
        )
        return memory, state

    def forward(
        self, inputs: torch.Tensor, state: TransformerState, memory: TransformerMemory
    ) -> tuple[TransformerDecoderOutput, TransformerState]:
        """Decode ``inputs`` ``[batch, steps]`` (the previous tokens) after the ``state.position`` tokens
        already read; any number of steps. One step is what greedy, beam search and the stepper call; the
        whole target from the empty state is teacher forcing. Both run this code, with the same masks."""
        start, steps = state.position, inputs.size(1)
        x = self.dropout(self.positions(self.embedding(inputs) * self.scale, start))
        key_mask = torch.cat([state.mask, inputs.ne(PAD_ID)], dim=1)  # [batch, start + steps]
        allowed = causal_mask(steps, start + steps, inputs.device)[None, None] & key_mask[:, None, None, :]
        memory_allowed = memory.mask[:, None, None, :]
        keys, values, self_weights, cross_weights = [], [], [], []
        for index, layer in enumerate(self.layers):
            x, layer_keys, layer_values, layer_self, layer_cross = layer(
                x,
                state.keys[index],
                state.values[index],
                allowed,
                memory.keys[index],
                memory.values[index],
                memory_allowed,
            )
            keys.append(layer_keys)
            values.append(layer_values)
            self_weights.append(layer_self)
            cross_weights.append(layer_cross)
        if self.norm is not None:
            x = self.norm(x)
        logits = self.output(x).masked_fill(self.never_output, float("-inf"))
        cross_attention = torch.stack(cross_weights, 1)
        output = TransformerDecoderOutput(
            log_probs=torch.log_softmax(logits, dim=-1),
            outputs=x,
            self_attention=torch.stack(self_weights, 1),
            cross_attention=cross_attention,
            attention=cross_attention[:, -1].mean(dim=1),
        )
        return output, TransformerState(keys, values, key_mask)


# ----------------------------------------------------------------------------------------------- model


class Transformer(nn.Module):
    """The encoder-decoder; the methods are ``Seq2Seq``'s, with the same arguments and conventions (the
    source ends with ``<eos>``, the decoder reads ``<sos> y_1 ... y_{n-1}`` and emits ``y_1 ... y_n``)."""

    def __init__(self, config: TransformerConfig) -> None:
        super().__init__()
        self.config = config.validate()
        self.encoder = TransformerEncoder(config)
        self.decoder = TransformerDecoder(config)
        self._init_weights()

    def _init_weights(self) -> None:
        """Xavier-uniform projections with zero biases (the Annotated Transformer's choice); embeddings with
        standard deviation ``d_model^-1/2``, so ``sqrt(d_model) E[token]`` is of unit size like ``PE``
        (PyTorch's default N(0, 1) would drown the positions)."""
        for module in self.modules():
            if isinstance(module, nn.Linear):
                nn.init.xavier_uniform_(module.weight)
                nn.init.zeros_(module.bias)
            elif isinstance(module, nn.Embedding):
                nn.init.normal_(module.weight, 0.0, self.config.d_model**-0.5)
                with torch.no_grad():
                    module.weight[PAD_ID].zero_()

    def start(
        self, source: torch.Tensor, lengths: torch.Tensor, source_extended: torch.Tensor | None = None
    ) -> tuple[TransformerEncoderOutput, TransformerMemory, TransformerState]:
        """Encode ``source`` ``[batch, source]``; the lengths are implied by the ``<pad>`` after each
        sentence (``lengths`` is taken for ``Seq2Seq.start``'s signature)."""
        _no_copy(source_extended)
        encoded = self.encoder(source)
        memory, state = self.decoder.start(encoded)
        return encoded, memory, state

    def forward(
        self,
        source: torch.Tensor,
        lengths: torch.Tensor,
        decoder_inputs: torch.Tensor,
        teacher_forcing_ratio: float = 1.0,
        generator: torch.Generator | None = None,
        source_extended: torch.Tensor | None = None,
    ) -> TransformerDecoderOutput:
        """Log-probabilities for every target position: teacher forcing in one decoder call.

        ``teacher_forcing_ratio < 1`` is scheduled sampling, as ``Seq2Seq.forward`` does it: one cached step
        at a time, feeding the reference token with that probability and the model's own argmax otherwise.
        """
        return scheduled_sampling(
            self, source, lengths, decoder_inputs, teacher_forcing_ratio, generator, source_extended
        )

    @torch.no_grad()
    def greedy(
        self,
        source: torch.Tensor,
        lengths: torch.Tensor,
        max_len: int,
        source_extended: torch.Tensor | None = None,
    ) -> GreedyResult:
        """Batched greedy decoding, one cached decoder step per token (``Seq2Seq.greedy``'s loop)."""
        _no_copy(source_extended)
        return greedy_decode(self, source, lengths, max_len)

    @torch.no_grad()
    def trace(
        self,
        source_ids: Sequence[int],
        target_ids: Sequence[int] | None = None,
        max_len: int = 100,
        source_extended: Sequence[int] | None = None,
    ) -> TransformerTrace:
        """Trace one sentence (``source_ids`` with its ``<eos>``): teacher-forced on ``target_ids``
        (``<eos>`` included), or decoded greedily first and that very output replayed teacher-forced.
        Every attention weight in the trace is one the replay's forward pass applied."""
        _no_copy(source_extended)
        was_training = self.training
        self.eval()
        try:
            device = next(self.parameters()).device
            source = torch.tensor([list(source_ids)], dtype=torch.long, device=device)
            lengths = torch.tensor([source.size(1)])
            forced = target_ids is not None
            stepped = None
            if target_ids is None:
                greedy = self.greedy(source, lengths, max_len)
                length = int(greedy.lengths[0])
                target_ids = greedy.tokens[0, :length].tolist()
                stepped = greedy.token_log_probs[0, :length]
            outputs = list(target_ids)
            if not outputs or not source_ids:
                raise ValueError("trace needs a non-empty source and target (each ends with <eos>)")
            decoder_inputs = [SOS_ID, *outputs[:-1]]
            encoded, memory, state = self.start(source, lengths)
            output, _ = self.decoder(torch.tensor([decoder_inputs], device=device), state, memory)
            log_probs = output.log_probs[0]
            index = torch.tensor(outputs, dtype=torch.long, device=device)
            token_log_probs = log_probs.gather(1, index[:, None]).squeeze(1)
            step_error = None if stepped is None else float((token_log_probs - stepped).abs().max())
            return TransformerTrace(
                source_ids=list(source_ids),
                decoder_input_ids=decoder_inputs,
                output_ids=outputs,
                token_log_probs=token_log_probs,
                log_probs=log_probs,
                attention=output.attention[0],
                encoder_self_attention=encoded.self_attention[0],
                decoder_self_attention=output.self_attention[0],
                cross_attention=output.cross_attention[0],
                encoder_outputs=encoded.outputs[0],
                decoder_outputs=output.outputs[0],
                teacher_forced=forced,
                step_error=step_error,
            )
        finally:
            self.train(was_training)


def _no_copy(source_extended: object) -> None:
    if source_extended is not None:
        raise ValueError("the Transformer has no copy mechanism: it takes no extended source ids")


__all__ = [
    "MultiHeadAttention",
    "Transformer",
    "TransformerDecoderOutput",
    "TransformerEncoderOutput",
    "TransformerMemory",
    "TransformerState",
    "TransformerTrace",
    "causal_mask",
    "sinusoidal_positions",
]
