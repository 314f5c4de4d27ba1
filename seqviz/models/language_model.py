"""A recurrent language model: embedding, a recurrent core, a projection to next-token logits.

``P(x_1 ... x_T) = prod_t P(x_t | x_<t)`` with the recurrent state standing in for the whole history,
instead of the Markov model's last tau tokens. Perplexity is ``exp`` of the mean negative log-likelihood.
"""

from __future__ import annotations

import torch
from torch import nn

from seqviz.models.config import LanguageModelConfig
from seqviz.models.recurrent import RecurrentState, make_recurrent


class LanguageModel(nn.Module):
    def __init__(self, config: LanguageModelConfig) -> None:
        super().__init__()
        self.config = config.validate()
        self.embedding = nn.Embedding(config.vocab_size, config.embedding_size)
        self.dropout = nn.Dropout(config.dropout)
        self.rnn = make_recurrent(
            config.cell, config.embedding_size, config.hidden_size, config.num_layers, dropout=config.dropout
        )
        self.projection = nn.Linear(config.hidden_size, config.vocab_size)

    def forward(
        self, tokens: torch.Tensor, state: RecurrentState | None = None
    ) -> tuple[torch.Tensor, RecurrentState, torch.Tensor]:
        """``tokens`` ``[batch, steps]`` -> (logits ``[batch, steps, vocab]``, final state, embedded inputs).

        The embedded inputs are returned so ``trace_recurrent`` can replay the core on exactly them.
        """
        embedded = self.dropout(self.embedding(tokens))
        outputs, state = self.rnn(embedded, state)
        return self.projection(self.dropout(outputs)), state, embedded
