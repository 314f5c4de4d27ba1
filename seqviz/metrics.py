"""Metrics defined once, used by the trainer, the CLI and every page.

Perplexity is ``exp`` of the mean negative log-likelihood per token, pad tokens excluded. BLEU delegates
to sacrebleu so our numbers are sacrebleu's numbers; the explained BLEU (which n-grams matched, clipping,
the course's variant) builds on the same statistics.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Perplexity:
    """``perplexity = exp(mean NLL)``; ``token_nll`` are the per-token ``-log p`` behind it."""

    perplexity: float
    mean_nll: float
    token_count: int
    token_nll: tuple[float, ...] = ()

    @property
    def token_probabilities(self) -> tuple[float, ...]:
        """``p = exp(-NLL)`` of every token: the numbers a page colours a text by."""
        return tuple(math.exp(-value) for value in self.token_nll)


def perplexity(token_nll: Iterable[float]) -> Perplexity:
    """Perplexity from per-token negative log-likelihoods (natural log), e.g. ``-trace.token_log_probs``.

    An empty sequence has no perplexity: ``nan``, not 1, so that a bug cannot pass for a perfect model.
    """
    values = [float(v) for v in token_nll]
    if not values:
        return Perplexity(float("nan"), float("nan"), 0)
    mean = math.fsum(values) / len(values)
    return Perplexity(math.exp(min(mean, 700.0)), mean, len(values), tuple(values))


def perplexity_from_total(total_nll: float, token_count: int) -> float:
    """``exp(total / count)``, for trainers that sum NLL over batches."""
    if token_count <= 0:
        return float("nan")
    return math.exp(min(total_nll / token_count, 700.0))


def corpus_bleu_tokens(hypotheses: Sequence[Sequence[str]], references: Sequence[Sequence[str]]) -> float:
    """Corpus BLEU (0-100) over already-tokenized sentences, sacrebleu's defaults with no re-tokenizing.

    The trainer scores the model's own tokens (characters for the character tasks), so each token is one
    sacrebleu word: ``tokenize="none"`` on space-joined tokens, with spaces inside tokens made visible.
    """
    import sacrebleu

    def join(tokens: Sequence[str]) -> str:
        return " ".join(token.replace(" ", "\u2581") for token in tokens)

    if not hypotheses:
        return 0.0
    result = sacrebleu.corpus_bleu(
        [join(h) for h in hypotheses], [[join(r) for r in references]], tokenize="none"
    )
    return float(result.score)
