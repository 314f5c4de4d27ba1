"""The decoder: one recurrent step per target token, reading the encoder through attention (or not).

Three wirings, each the course's:

- ``none``: the context vector ``c`` is the encoder's final top-layer state, fed with every input embedding
  (``x_t = [e(y_{t-1}); c]``), so the whole source must squeeze through one vector: the bottleneck.
- ``bahdanau``: at step t the *previous* state ``s_{t-1}`` queries the memory, the context ``c_t`` joins the
  input embedding (``x_t = [e(y_{t-1}); c_t]``), and the readout sees ``[s_t; c_t]``. The recurrence
  depends on attention, so it loops over steps.
- ``luong-dot`` / ``luong-general``: the recurrent module first computes every ``s_t`` from the embeddings
  alone (one ``nn.LSTM``/``nn.GRU`` call for the whole target under teacher forcing), then the *current*
  ``s_t`` queries the memory and ``h~_t = tanh(W_c [c_t; s_t])`` feeds the readout. (This is Luong's global
  attention without input feeding, which is what lets training run in one call.)

Copy (pointer-generator, See et al. 2017) mixes the vocabulary distribution with the attention over source
tokens: ``P(w) = p_gen P_vocab(w) + (1 - p_gen) sum_{j: x_j = w} alpha_tj``, with
``p_gen = sigma(w_c . c_t + w_s . s_t + w_x . x_t + b)``. ``w`` ranges over the *extended* vocabulary
(``seqviz.models.copy_vocab``): the target vocabulary plus, per input, the source words it lacks (ids ``V +
k``), so a word the model has never seen can be copied; an extended id fed back as the next input is read as
``<unk>``. Every step returns log-probabilities, so the loss, beam scores and the shown numbers are the same
whichever options are on.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from seqviz.data.vocab import PAD_ID, SOS_ID, UNK_ID
from seqviz.models.attention import Attention
from seqviz.models.config import Seq2SeqConfig
from seqviz.models.recurrent import RecurrentState, make_recurrent, map_state, top_hidden


@dataclass
class Memory:
    """What the decoder reads from the encoder; fixed for the whole decoding of one batch."""

    keys: torch.Tensor  # [batch, source, hidden]   h_j
    projected_keys: torch.Tensor | None  # attention.prepare(keys), None without attention
    mask: torch.Tensor  # [batch, source] True at real tokens
    context: torch.Tensor  # [batch, hidden]: the final encoder state, the only context without attention
    # Copy only: [batch, source] the extended id each source position copies to (a target id, or V + k for
    # the k-th source word the target vocabulary lacks), and V + the most such words of any row: the width
    # of every distribution the decoder returns.
    source_in_target: torch.Tensor | None
    extended_size: int = 0

    def index_select(self, index: torch.Tensor) -> Memory:
        """Rows ``index`` of every field: how a beam follows its hypotheses' parents."""

        def pick(t):
            return None if t is None else t.index_select(0, index)

        return Memory(
            pick(self.keys),
            pick(self.projected_keys),
            pick(self.mask),
            pick(self.context),
            pick(self.source_in_target),
            self.extended_size,
        )


@dataclass
class DecoderState:
    rnn: RecurrentState  # [layers, batch, hidden] (h, or (h, c) for an LSTM)
    coverage: torch.Tensor | None = None  # [batch, source] sum of past attention weights

    def index_select(self, index: torch.Tensor) -> DecoderState:
        return DecoderState(
            map_state(self.rnn, lambda t: t.index_select(1, index)),
            None if self.coverage is None else self.coverage.index_select(0, index),
        )


@dataclass
class DecoderOutput:
    log_probs: torch.Tensor  # [batch, steps, target_vocab (+ n_oov with copy)]  log P(y_t = w | y_<t, x)
    rnn_inputs: torch.Tensor  # [batch, steps, rnn_input]  exactly what the recurrent module read
    rnn_outputs: torch.Tensor  # [batch, steps, hidden]     s_t, the top layer's output
    attention: torch.Tensor | None = None  # [batch, steps, source]  alpha_tj used at each step
    p_gen: torch.Tensor | None = None  # [batch, steps]  probability of generating (copy only)
    coverage: torch.Tensor | None = None  # [batch, steps, source] coverage that entered step t's scores
    coverage_loss: torch.Tensor | None = None  # [batch, steps]  sum_j min(alpha_tj, cov_tj)

    @staticmethod
    def concat(parts: list[DecoderOutput]) -> DecoderOutput:
        """Join per-step outputs along time (the free-running and scheduled-sampling paths)."""

        def cat(name: str) -> torch.Tensor | None:
            values = [getattr(p, name) for p in parts]
            return None if values[0] is None else torch.cat(values, dim=1)

        return DecoderOutput(**{name: cat(name) for name in DecoderOutput.__dataclass_fields__})


class Decoder(nn.Module):
    def __init__(self, config: Seq2SeqConfig) -> None:
        super().__init__()
        self.config = config
        hidden, embedding = config.hidden_size, config.embedding_size
        self.embedding = nn.Embedding(config.target_vocab_size, embedding, padding_idx=PAD_ID)
        self.dropout = nn.Dropout(config.dropout)
        self.luong = config.attention.startswith("luong")
        rnn_input = embedding if self.luong else embedding + hidden
        self.rnn = make_recurrent(config.cell, rnn_input, hidden, config.num_layers, dropout=config.dropout)
        self.attention = (
            Attention(config.attention, hidden, config.coverage) if config.attention != "none" else None
        )
        if self.luong:
            self.combine = nn.Linear(2 * hidden, hidden, bias=False)  # W_c in h~_t = tanh(W_c [c_t; s_t])
        readout = 2 * hidden if config.attention == "bahdanau" else hidden
        self.output = nn.Linear(readout, config.target_vocab_size)
        # <pad> and <sos> are never outputs: their logits are -inf, so every distribution shown, every beam
        # score and the loss are over the tokens a decoder can really emit.
        never_output = torch.zeros(config.target_vocab_size, dtype=torch.bool)
        never_output[[PAD_ID, SOS_ID]] = True
        self.register_buffer("never_output", never_output, persistent=False)
        if config.copy:
            self.generate_gate = nn.Linear(2 * hidden + embedding, 1)  # [c_t; s_t; x_t] -> p_gen
            self.register_buffer("source_to_target", torch.tensor(config.source_to_target), persistent=False)

    def start(
        self,
        keys: torch.Tensor,
        mask: torch.Tensor,
        final_state: RecurrentState,
        source: torch.Tensor,
        source_extended: torch.Tensor | None = None,
    ) -> tuple[Memory, DecoderState]:
        """The decoder's memory and first state from the encoder's outputs and final state.

        ``source_extended`` (copy): the extended id of every source position (``ExtendedVocab.source_ids``,
        padded with ``<pad>``). Without it a copy model maps the source through the target vocabulary, so a
        word it lacks is copied as ``<unk>``: the model cannot write it.
        """
        projected = self.attention.prepare(keys) if self.attention is not None else None
        source_in_target, extended_size = None, 0
        if self.config.copy:
            source_in_target = self.source_to_target[source] if source_extended is None else source_extended
            # <pad> and <sos> are never outputs: a position mapped to one copies as <unk> instead, so P(w)
            # still sums to 1 (padding positions have zero attention and add nothing anywhere).
            never = source_in_target.eq(PAD_ID) | source_in_target.eq(SOS_ID)
            source_in_target = source_in_target.masked_fill(never, UNK_ID)
            extended_size = max(self.config.target_vocab_size, int(source_in_target.max()) + 1)
        memory = Memory(keys, projected, mask, top_hidden(final_state), source_in_target, extended_size)
        coverage = keys.new_zeros(mask.shape) if self.config.coverage else None
        return memory, DecoderState(final_state, coverage)

    def forward(
        self, inputs: torch.Tensor, state: DecoderState, memory: Memory
    ) -> tuple[DecoderOutput, DecoderState]:
        """Decode ``inputs`` ``[batch, steps]`` (the previous tokens) from ``state``; any number of steps.

        One step (``steps == 1``) is what greedy, beam search and the stepper call; many steps is teacher
        forcing. Both run this same code, so a stepped decode and a teacher-forced one agree exactly.
        """
        if self.config.copy:  # a copied word the decoder has no embedding for is read as <unk>
            inputs = inputs.masked_fill(inputs >= self.config.target_vocab_size, UNK_ID)
        embedded = self.dropout(self.embedding(inputs))
        kind = self.config.attention
        if kind == "bahdanau":
            return self._bahdanau(embedded, state, memory)
        if kind == "none":
            rnn_inputs = torch.cat([embedded, memory.context.unsqueeze(1).expand(-1, inputs.size(1), -1)], -1)
            rnn_outputs, rnn_state = self.rnn(rnn_inputs, state.rnn)
            log_probs = self._log_probs(self.output(self.dropout(rnn_outputs)), None, None, memory)
            return DecoderOutput(log_probs, rnn_inputs, rnn_outputs), DecoderState(rnn_state)
        return self._luong(embedded, state, memory)

    def _luong(
        self, embedded: torch.Tensor, state: DecoderState, memory: Memory
    ) -> tuple[DecoderOutput, DecoderState]:
        rnn_outputs, rnn_state = self.rnn(embedded, state.rnn)  # every s_t in one call
        coverage_in = coverage_loss = None
        coverage = state.coverage
        if coverage is None:
            attended = self.attention(rnn_outputs, memory.keys, memory.projected_keys, memory.mask)
            context, weights = attended.context, attended.weights
        else:  # coverage makes step t's attention depend on steps < t: loop the (cheap) attention only
            contexts, step_weights, coverages = [], [], []
            for t in range(embedded.size(1)):
                attended = self.attention(
                    rnn_outputs[:, t : t + 1], memory.keys, memory.projected_keys, memory.mask, coverage
                )
                coverages.append(coverage.unsqueeze(1))
                coverage = coverage + attended.weights[:, 0]
                contexts.append(attended.context)
                step_weights.append(attended.weights)
            context, weights = torch.cat(contexts, 1), torch.cat(step_weights, 1)
            coverage_in = torch.cat(coverages, 1)
            coverage_loss = torch.minimum(weights, coverage_in).sum(-1)
        attentional = torch.tanh(self.combine(torch.cat([context, rnn_outputs], -1)))  # h~_t
        p_gen = self._p_gen(context, rnn_outputs, embedded)
        log_probs = self._log_probs(self.output(self.dropout(attentional)), weights, p_gen, memory)
        output = DecoderOutput(log_probs, embedded, rnn_outputs, weights, p_gen, coverage_in, coverage_loss)
        return output, DecoderState(rnn_state, coverage)

    def _bahdanau(
        self, embedded: torch.Tensor, state: DecoderState, memory: Memory
    ) -> tuple[DecoderOutput, DecoderState]:
        rnn_state, coverage = state.rnn, state.coverage
        inputs, outputs, contexts, step_weights, coverages = [], [], [], [], []
        for t in range(embedded.size(1)):
            query = top_hidden(rnn_state).unsqueeze(1)  # s_{t-1}
            attended = self.attention(query, memory.keys, memory.projected_keys, memory.mask, coverage)
            if coverage is not None:
                coverages.append(coverage.unsqueeze(1))
                coverage = coverage + attended.weights[:, 0]
            rnn_input = torch.cat([embedded[:, t : t + 1], attended.context], -1)  # x_t = [e(y_{t-1}); c_t]
            rnn_output, rnn_state = self.rnn(rnn_input, rnn_state)
            inputs.append(rnn_input)
            outputs.append(rnn_output)
            contexts.append(attended.context)
            step_weights.append(attended.weights)
        rnn_inputs, rnn_outputs = torch.cat(inputs, 1), torch.cat(outputs, 1)
        context, weights = torch.cat(contexts, 1), torch.cat(step_weights, 1)
        coverage_in = torch.cat(coverages, 1) if coverages else None
        logits = self.output(self.dropout(torch.cat([rnn_outputs, context], -1)))  # readout of [s_t; c_t]
        p_gen = self._p_gen(context, rnn_outputs, embedded)
        coverage_loss = None if coverage_in is None else torch.minimum(weights, coverage_in).sum(-1)
        output = DecoderOutput(
            self._log_probs(logits, weights, p_gen, memory),
            rnn_inputs,
            rnn_outputs,
            weights,
            p_gen,
            coverage_in,
            coverage_loss,
        )
        return output, DecoderState(rnn_state, coverage)

    def _p_gen(
        self, context: torch.Tensor, rnn_outputs: torch.Tensor, embedded: torch.Tensor
    ) -> torch.Tensor | None:
        """``p_gen = sigma(w_c . c_t + w_s . s_t + w_x . x_t + b)``; None without copy."""
        if not self.config.copy:
            return None
        return torch.sigmoid(self.generate_gate(torch.cat([context, rnn_outputs, embedded], -1))).squeeze(-1)

    def _log_probs(
        self, logits: torch.Tensor, weights: torch.Tensor | None, p_gen: torch.Tensor | None, memory: Memory
    ) -> torch.Tensor:
        """``log P(w)``: the softmax of the readout, or with copy the pointer-generator mixture over the
        extended vocabulary (generation gives the extended ids nothing; copying gives each source position's
        attention weight to its own id, so a word repeated in the source gathers all its weights)."""
        logits = logits.masked_fill(self.never_output, float("-inf"))
        if p_gen is None:
            return torch.log_softmax(logits, dim=-1)
        vocab_probs = torch.softmax(logits, dim=-1)
        extra = memory.extended_size - vocab_probs.size(-1)
        if extra > 0:
            vocab_probs = nn.functional.pad(vocab_probs, (0, extra))
        index = memory.source_in_target.unsqueeze(1).expand(-1, weights.size(1), -1)
        copy_probs = torch.zeros_like(vocab_probs).scatter_add(2, index, weights)
        mixed = p_gen.unsqueeze(-1) * vocab_probs + (1 - p_gen.unsqueeze(-1)) * copy_probs
        never = nn.functional.pad(self.never_output, (0, max(extra, 0)))
        # The clamp keeps log's gradient finite on impossible ids; <pad> and <sos> stay impossible (-inf).
        return torch.log(mixed.clamp_min(1e-12)).masked_fill(never, float("-inf"))
