"""Attention: how the decoder decides which source positions to read at each step.

Scores follow the course's equations, with ``s`` the decoder query and ``h_j`` the encoder memory:

- Bahdanau (additive): ``e_tj = v^T tanh(W s_{t-1} + U h_j)``, the query is the *previous* decoder state.
- Luong dot:           ``e_tj = s_t^T h_j``
- Luong general:       ``e_tj = s_t^T W_a h_j``, the query is the *current* decoder state.

then ``alpha_tj = softmax_j(e_tj)`` over real (unpadded) positions and ``c_t = sum_j alpha_tj h_j``.
With coverage (See et al., 2017) the running sum of past attention ``cov_tj`` enters the score, inside the
tanh for Bahdanau (``+ w_c cov_tj``) and as a learned linear term for Luong, so the model can learn not to
attend twice to the same word.

The key-side products (``U h_j``, ``W_a h_j``) do not depend on the step, so ``prepare`` computes them once
per batch instead of once per decoder step.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn


@dataclass
class AttentionResult:
    context: torch.Tensor  # [batch, steps, hidden]   c_t
    weights: torch.Tensor  # [batch, steps, source]   alpha_tj, rows sum to 1 over real positions
    scores: torch.Tensor  # [batch, steps, source]    e_tj before the softmax (-inf at padding)


class Attention(nn.Module):
    """One module for the three scores; ``kind`` is ``bahdanau``, ``luong-dot`` or ``luong-general``."""

    def __init__(self, kind: str, hidden_size: int, coverage: bool = False) -> None:
        super().__init__()
        self.kind = kind
        self.coverage = coverage
        if kind == "bahdanau":
            self.query_proj = nn.Linear(hidden_size, hidden_size, bias=False)  # W
            self.key_proj = nn.Linear(hidden_size, hidden_size, bias=True)  # U (its bias is b_attn)
            self.v = nn.Linear(hidden_size, 1, bias=False)  # v^T
        elif kind == "luong-general":
            self.key_proj = nn.Linear(hidden_size, hidden_size, bias=False)  # W_a, applied to h_j once
        elif kind != "luong-dot":
            raise ValueError(f"unknown attention kind {kind!r}")
        if coverage:
            self.coverage_weight = nn.Parameter(torch.zeros(hidden_size if kind == "bahdanau" else 1))

    def prepare(self, keys: torch.Tensor) -> torch.Tensor:
        """Project the memory once per batch: ``U h_j`` (Bahdanau), ``W_a h_j`` (general), ``h_j`` (dot)."""
        return self.key_proj(keys) if hasattr(self, "key_proj") else keys

    def forward(
        self,
        query: torch.Tensor,
        keys: torch.Tensor,
        projected_keys: torch.Tensor,
        mask: torch.Tensor,
        coverage: torch.Tensor | None = None,
    ) -> AttentionResult:
        """``query`` ``[batch, steps, hidden]``; ``keys``/``projected_keys`` ``[batch, source, hidden]``;
        ``mask`` ``[batch, source]`` True at real tokens; ``coverage`` ``[batch, source]`` (one step only)."""
        if self.kind == "bahdanau":
            # [B, T, 1, H] + [B, 1, S, H] -> tanh -> v -> [B, T, S]
            features = self.query_proj(query).unsqueeze(2) + projected_keys.unsqueeze(1)
            if coverage is not None:
                features = features + coverage[:, None, :, None] * self.coverage_weight
            scores = self.v(torch.tanh(features)).squeeze(-1)
        else:
            scores = torch.bmm(query, projected_keys.transpose(1, 2))
            if coverage is not None:
                scores = scores + coverage.unsqueeze(1) * self.coverage_weight
        scores = scores.masked_fill(~mask.unsqueeze(1), float("-inf"))
        weights = torch.softmax(scores, dim=-1)
        context = torch.bmm(weights, keys)
        return AttentionResult(context, weights, scores)
