"""The encoder-decoder, with teacher-forced training, greedy decoding and a faithful trace.

Conventions (the course's teacher forcing): the source ends with ``<eos>``; the decoder reads
``<sos> y_1 ... y_n`` and is trained to emit ``y_1 ... y_n <eos>``. Free running feeds back
``argmax y_{t-1}`` instead. With ``teacher_forcing_ratio = 1.0`` the loss equals the teacher-forced loss
exactly, because both run the same ``Decoder.forward``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from seqviz.data.vocab import EOS_ID, PAD_ID, SOS_ID
from seqviz.models.config import Seq2SeqConfig
from seqviz.models.decoder import Decoder, DecoderOutput, DecoderState, Memory
from seqviz.models.encoder import Encoder, EncoderOutput


@dataclass
class GreedyResult:
    tokens: torch.Tensor  # [batch, steps] generated ids, <eos> included where produced, <pad> after it
    lengths: torch.Tensor  # [batch] tokens up to and including <eos> (or max_len)
    token_log_probs: torch.Tensor  # [batch, steps] log P of each chosen token (0 after <eos>)
    finished: torch.Tensor  # [batch] True where <eos> was produced


@dataclass
class Seq2SeqTrace:
    """Everything the pages show about one translation, from the computation that produced it.

    ``encoder`` and ``decoder`` are ``trace_recurrent`` replays of the model's own recurrent modules on the
    exact inputs they read; ``replay_error`` is the largest difference between those replays and the
    modules' outputs in this very forward pass (a few 1e-7 in float32), so a page can prove faithfulness.
    """

    source_ids: list[int]  # encoder input, <eos> included
    decoder_input_ids: list[int]  # <sos> y_1 ... y_{n}, as given (a copied word's extended id included)
    output_ids: list[int]  # y_1 ... (<eos> included when produced or given)
    token_log_probs: torch.Tensor  # [steps]  log P(y_t)
    log_probs: torch.Tensor  # [steps, target_vocab (+ the input's n_oov with copy)]
    encoder: object  # RecurrentTrace
    decoder: object  # RecurrentTrace
    attention: torch.Tensor | None  # [steps, source]
    p_gen: torch.Tensor | None  # [steps]
    coverage: torch.Tensor | None  # [steps, source]
    encoder_outputs: torch.Tensor  # [source, hidden]  the memory h_j
    decoder_rnn_inputs: torch.Tensor  # [steps, rnn_input]
    replay_error: float
    teacher_forced: bool


class Seq2Seq(nn.Module):
    def __init__(self, config: Seq2SeqConfig) -> None:
        super().__init__()
        self.config = config.validate()
        self.encoder = Encoder(config)
        self.decoder = Decoder(config)

    def start(
        self, source: torch.Tensor, lengths: torch.Tensor, source_extended: torch.Tensor | None = None
    ) -> tuple[EncoderOutput, Memory, DecoderState]:
        """Encode ``source``; ``source_extended``: a copy model's extended source ids (``Decoder.start``)."""
        encoded = self.encoder(source, lengths)
        memory, state = self.decoder.start(
            encoded.outputs, encoded.mask, encoded.final_state, source, source_extended
        )
        return encoded, memory, state

    def forward(
        self,
        source: torch.Tensor,
        lengths: torch.Tensor,
        decoder_inputs: torch.Tensor,
        teacher_forcing_ratio: float = 1.0,
        generator: torch.Generator | None = None,
        source_extended: torch.Tensor | None = None,
    ) -> DecoderOutput:
        """Log-probabilities for every target position.

        ``teacher_forcing_ratio < 1`` is scheduled sampling: at each step, for each sentence, the reference
        token is fed with that probability and the model's own argmax otherwise.
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
        """Batched greedy decoding: feed back the argmax until every sentence has produced ``<eos>``.

        With copy and ``source_extended`` the tokens are extended ids (a copied word the target vocabulary
        lacks is ``V + k``); the decoder reads such a token back as ``<unk>``."""
        return greedy_decode(self, source, lengths, max_len, source_extended)

    @torch.no_grad()
    def trace(
        self,
        source_ids: Sequence[int],
        target_ids: Sequence[int] | None = None,
        max_len: int = 100,
        source_extended: Sequence[int] | None = None,
    ) -> Seq2SeqTrace:
        """Trace one sentence: ``source_ids`` with its ``<eos>``; ``target_ids`` (``<eos>`` included) to
        teacher-force, or None to decode greedily first and then replay that very output.
        ``source_extended``: a copy model's extended source ids (``ExtendedVocab.source_ids``); the target
        and output ids are then extended ids too.

        Replaying a greedy output under teacher forcing runs the identical computation (the same inputs
        in the same order), so one code path serves both, and its numbers are the model's own.
        """
        from seqviz.models.trace import trace_recurrent  # local: keep model import light

        was_training = self.training
        self.eval()
        try:
            device = next(self.parameters()).device
            source = torch.tensor([list(source_ids)], dtype=torch.long, device=device)
            lengths = torch.tensor([source.size(1)])
            extended = None
            if source_extended is not None:
                extended = torch.tensor([list(source_extended)], dtype=torch.long, device=device)
            forced = target_ids is not None
            if target_ids is None:
                greedy = self.greedy(source, lengths, max_len, extended)
                target_ids = greedy.tokens[0, : int(greedy.lengths[0])].tolist()
            outputs = list(target_ids)
            if not outputs or not source_ids:
                raise ValueError("trace needs a non-empty source and target (each ends with <eos>)")
            decoder_inputs = [SOS_ID, *outputs[:-1]]
            encoded, memory, state = self.start(source, lengths, extended)
            initial_rnn_state = state.rnn
            output, _ = self.decoder(torch.tensor([decoder_inputs], device=device), state, memory)
            steps = len(outputs)
            encoder_trace = trace_recurrent(self.encoder.rnn, encoded.embedded)
            decoder_trace = trace_recurrent(self.decoder.rnn, output.rnn_inputs, initial_rnn_state)
            replay_error = max(
                float((encoder_trace.output - encoded.outputs).abs().max()),  # one sentence: never packed
                float((decoder_trace.output - output.rnn_outputs).abs().max()),
            )
            log_probs = output.log_probs[0, :steps]
            index = torch.tensor(outputs, dtype=torch.long, device=device)

            def pick(t):
                return None if t is None else t[0, :steps]

            return Seq2SeqTrace(
                source_ids=list(source_ids),
                decoder_input_ids=decoder_inputs,
                output_ids=outputs,
                token_log_probs=log_probs.gather(1, index[:, None]).squeeze(1),
                log_probs=log_probs,
                encoder=encoder_trace,
                decoder=decoder_trace,
                attention=pick(output.attention),
                p_gen=pick(output.p_gen),
                coverage=pick(output.coverage),
                encoder_outputs=encoded.outputs[0],
                decoder_rnn_inputs=output.rnn_inputs[0, :steps],
                replay_error=replay_error,
                teacher_forced=forced,
            )
        finally:
            self.train(was_training)


def scheduled_sampling(
    model: nn.Module,
    source: torch.Tensor,
    lengths: torch.Tensor,
    decoder_inputs: torch.Tensor,
    teacher_forcing_ratio: float,
    generator: torch.Generator | None,
    source_extended: torch.Tensor | None = None,
) -> Any:
    """Log-probabilities for every target position of any model with ``start`` and a stepping ``decoder``
    (the RNN ``Seq2Seq``, the Transformer): one teacher-forced decoder call at ratio 1; below it, one step
    at a time, feeding each sentence the reference token with that probability and the model's own argmax
    otherwise. The output is the decoder's own output type, its steps joined by its ``concat``."""
    _, memory, state = model.start(source, lengths, source_extended)
    if teacher_forcing_ratio >= 1.0:
        output, _ = model.decoder(decoder_inputs, state, memory)
        return output
    parts = []
    step_input = decoder_inputs[:, :1]
    for t in range(decoder_inputs.size(1)):
        part, state = model.decoder(step_input, state, memory)
        parts.append(part)
        if t + 1 < decoder_inputs.size(1):
            own = part.log_probs[:, -1].argmax(-1, keepdim=True)
            coin = torch.rand(own.shape, generator=generator).to(own.device)  # drawn on the CPU
            step_input = torch.where(coin < teacher_forcing_ratio, decoder_inputs[:, t + 1 : t + 2], own)
    return type(parts[0]).concat(parts)


def greedy_decode(
    model: nn.Module,
    source: torch.Tensor,
    lengths: torch.Tensor,
    max_len: int,
    source_extended: torch.Tensor | None = None,
) -> GreedyResult:
    """Greedy decoding through ``model.start`` and one ``model.decoder`` call per step: the loop every
    translation model shares (``Seq2Seq``, ``Transformer``), so both decode by the very calls that beam
    search and the stepper make. A finished sentence is fed ``<pad>`` and its outputs are dropped."""
    _, memory, state = model.start(source, lengths, source_extended)
    batch = source.size(0)
    step_input = torch.full((batch, 1), SOS_ID, dtype=torch.long, device=source.device)
    finished = torch.zeros(batch, dtype=torch.bool, device=source.device)
    tokens, log_probs = [], []
    for _ in range(max_len):
        output, state = model.decoder(step_input, state, memory)
        best_log_prob, best = output.log_probs[:, -1].max(-1)
        best = best.masked_fill(finished, PAD_ID)
        tokens.append(best)
        log_probs.append(best_log_prob.masked_fill(finished, 0.0))
        finished = finished | best.eq(EOS_ID)
        step_input = best.unsqueeze(1)
        if bool(finished.all()):
            break
    tokens_t = torch.stack(tokens, 1)
    lengths_out = tokens_t.ne(PAD_ID).sum(1)
    return GreedyResult(tokens_t, lengths_out, torch.stack(log_probs, 1), finished)


def make_decoder_inputs(
    targets: list[list[int]], device: torch.device | str = "cpu"
) -> tuple[torch.Tensor, torch.Tensor]:
    """Teacher forcing pairs from target id lists (each ending in ``<eos>``): inputs ``<sos> y[:-1]``,
    padded with ``<pad>``, and the targets themselves, padded with ``<pad>``."""
    width = max(len(t) for t in targets)
    inputs = torch.full((len(targets), width), PAD_ID, dtype=torch.long)
    outputs = torch.full((len(targets), width), PAD_ID, dtype=torch.long)
    for row, target in enumerate(targets):
        inputs[row, 0] = SOS_ID
        inputs[row, 1 : len(target)] = torch.tensor(target[:-1], dtype=torch.long)
        outputs[row, : len(target)] = torch.tensor(target, dtype=torch.long)
    return inputs.to(device), outputs.to(device)
