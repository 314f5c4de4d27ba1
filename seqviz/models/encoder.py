"""The encoder: embed the source, run a recurrent network over it, hand the decoder its memory.

With attention the decoder reads every encoder output ``h_j`` (the memory); without it, only the final state
reaches the decoder: the context-vector bottleneck the course warns about.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from seqviz.data.vocab import PAD_ID
from seqviz.models.config import Seq2SeqConfig
from seqviz.models.recurrent import RecurrentState, make_recurrent, map_state


@dataclass
class EncoderOutput:
    outputs: torch.Tensor  # [batch, source_len, hidden]: h_j for every source position
    final_state: RecurrentState  # [layers, batch, hidden] (both directions joined), the decoder's start
    embedded: torch.Tensor  # [batch, source_len, embedding]: what the recurrent module read
    mask: torch.Tensor  # [batch, source_len] True at real tokens, False at padding


class Encoder(nn.Module):
    def __init__(self, config: Seq2SeqConfig) -> None:
        super().__init__()
        self.config = config
        self.embedding = nn.Embedding(config.source_vocab_size, config.embedding_size, padding_idx=PAD_ID)
        self.dropout = nn.Dropout(config.dropout)
        self.rnn = make_recurrent(
            config.cell,
            config.embedding_size,
            config.encoder_hidden_size,
            config.num_layers,
            config.bidirectional,
            config.dropout,
        )

    def forward(self, source: torch.Tensor, lengths: torch.Tensor) -> EncoderOutput:
        """``source`` is ``[batch, source_len]`` padded ids, ``lengths`` the true lengths (on CPU or not).

        Padded batches are packed so the backward direction starts at each sequence's own last token;
        when every sequence has the same length (bucketed batches, single sentences) packing is skipped.
        """
        embedded = self.dropout(self.embedding(source))
        mask = source.ne(PAD_ID)
        lengths_cpu = lengths.detach().to("cpu")
        if bool((lengths_cpu == source.size(1)).all()):
            outputs, final = self.rnn(embedded)
        else:
            packed = pack_padded_sequence(embedded, lengths_cpu, batch_first=True, enforce_sorted=False)
            packed_out, final = self.rnn(packed)
            outputs, _ = pad_packed_sequence(packed_out, batch_first=True, total_length=source.size(1))
        return EncoderOutput(outputs, map_state(final, self.bridge), embedded, mask)

    def bridge(self, state: torch.Tensor) -> torch.Tensor:
        """``[layers * directions, batch, h]`` -> ``[layers, batch, directions * h]``.

        For a bidirectional encoder layer k's decoder start is ``[->h_T ; <-h_1]``: the forward direction's
        last step and the backward direction's first, each having read the whole sentence.
        """
        if not self.config.bidirectional:
            return state
        layers2, batch, half = state.shape
        return (
            state.view(layers2 // 2, 2, batch, half)
            .permute(0, 2, 1, 3)
            .reshape(layers2 // 2, batch, 2 * half)
        )
