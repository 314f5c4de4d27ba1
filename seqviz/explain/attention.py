"""What the Attention page shows for one input: the weights the forward pass used, labelled by tokens.

``attention_map`` runs the checkpoint's greedy translation through ``Seq2Seq.trace`` and keeps, per output
step, the attention over the source (exactly the tensor the decoder multiplied the encoder states by), and
for copy / coverage models p_gen and the coverage vector. For a Transformer it keeps the trace's single-matrix
view (the last decoder layer's cross-attention, mean over heads: what the RNN-shaped views compare), and
``head_attention`` keeps every layer's and head's weights of all three attentions. Plain lists, so the page
can cache them and the figures can be tested without torch.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from seqviz.checkpoints.store import Checkpoint, CheckpointInfo
from seqviz.errors import InputError
from seqviz.explain.attention_scores import (
    ScoreBreakdown,
    UnitContributions,
    explain_scores,
    unit_contributions,
)
from seqviz.explain.results import AttentionMap, HeadAttention
from seqviz.inference import require_rnn, trace_text
from seqviz.models.config import TRANSLATION_KINDS

TRANSFORMER = "transformer"  # a Transformer checkpoint's kind, and its AttentionMap's attention_kind


def attention_map(checkpoint: Checkpoint, text: str) -> AttentionMap:
    """The greedy translation of ``text`` and the attention that produced it."""
    traced = trace_text(checkpoint, text)
    trace = traced.trace
    config = checkpoint.config
    transformer = checkpoint.kind == TRANSFORMER
    return AttentionMap(
        checkpoint=checkpoint.name,
        attention_kind=TRANSFORMER if transformer else config.attention,
        bidirectional=False if transformer else bool(config.bidirectional),
        context_size=int(config.d_model if transformer else config.hidden_size),
        source_tokens=traced.source_tokens,
        output_tokens=traced.output_tokens,
        output_text=traced.output_text,
        weights=None if trace.attention is None else trace.attention.float().cpu().tolist(),
        p_gen=None if trace.p_gen is None else trace.p_gen.float().cpu().tolist(),
        coverage=None if trace.coverage is None else trace.coverage.float().cpu().tolist(),
        unknown=list(traced.source.unknown),
        log_prob=float(trace.token_log_probs.sum()),
        copied_words=[
            traced.source.extended is not None and traced.source.extended.is_copied(i)
            for i in trace.output_ids
        ]
        if traced.source.extended is not None
        else [],
    )


def head_attention(checkpoint: Checkpoint, text: str) -> HeadAttention:
    """Every attention weight of a Transformer's greedy translation of ``text``: encoder self-attention,
    decoder masked self-attention and cross-attention, per layer and head, the trace's tensors as lists."""
    require_transformer(checkpoint)
    traced = trace_text(checkpoint, text)
    trace = traced.trace
    return HeadAttention(
        checkpoint=checkpoint.name,
        source_tokens=traced.source_tokens,
        output_tokens=traced.output_tokens,
        decoder_input_tokens=traced.decoder_input_tokens,
        output_text=traced.output_text,
        cross=trace.cross_attention.float().cpu().tolist(),
        encoder=trace.encoder_self_attention.float().cpu().tolist(),
        decoder=trace.decoder_self_attention.float().cpu().tolist(),
        unknown=list(traced.source.unknown),
    )


def require_transformer(checkpoint: Checkpoint) -> None:
    if checkpoint.kind != TRANSFORMER:
        raise InputError(f"{checkpoint.name} is not a Transformer: it has no attention heads to show")


@dataclass
class StepExplanation:
    """Output step ``step``'s scores over the source, and source position ``position``'s pieces."""

    source_tokens: list[str]
    output_tokens: list[str]
    breakdown: ScoreBreakdown
    contributions: UnitContributions
    forward_weights: list[float]  # the attention row the forward pass used
    max_error: float  # largest |recomputed α - forward α| over the row

    @property
    def exp_sum(self) -> float:
        """Σ_k exp(e_tk): the softmax's denominator."""
        return sum(math.exp(score) for score in self.breakdown.scores)


def explain_attention(checkpoint: Checkpoint, text: str, step: int, position: int) -> StepExplanation:
    """Why output step ``step`` of ``text``'s greedy translation weighted source position ``position`` as
    it did: the score recomputed term by term from the model's parameters, beside the forward pass's row."""
    require_rnn(checkpoint, "the Bahdanau / Luong score breakdown")
    traced = trace_text(checkpoint, text)
    breakdown = explain_scores(checkpoint.model, traced.trace, step)
    contributions = unit_contributions(breakdown, checkpoint.model, traced.trace, position)
    assert traced.trace.attention is not None  # explain_scores refused models without attention
    forward = traced.trace.attention[step].float().cpu().tolist()
    error = max(abs(a - b) for a, b in zip(breakdown.weights, forward, strict=True))
    return StepExplanation(
        traced.source_tokens, traced.output_tokens, breakdown, contributions, forward, error
    )


def comparison_candidates(current: CheckpointInfo, infos: Sequence[CheckpointInfo]) -> list[CheckpointInfo]:
    """The models the current one can be compared with: other translation checkpoints (RNN or Transformer)
    of the same task, so both read the input with the same vocabularies (a dates model reading English gives
    nonsense to compare)."""
    return [
        info
        for info in infos
        if info.kind in TRANSLATION_KINDS and info.name != current.name and info.task == current.task
    ]


def bidirectional_partner(current: CheckpointInfo, infos: Sequence[CheckpointInfo]) -> str | None:
    """A model of the same task with a bidirectional encoder and attention: the clean diagonal a
    one-directional Bahdanau model's shifted rows are best seen beside."""
    for info in comparison_candidates(current, infos):
        if _attention_of(info) != "none" and getattr(info.config, "bidirectional", False):
            return info.name
    return None


def comparison_partner(current: CheckpointInfo, infos: Sequence[CheckpointInfo]) -> str | None:
    """A default second model for the side-by-side view, from ``comparison_candidates``: a different
    architecture first (Bahdanau vs Luong, one direction vs two, attention vs none)."""
    same_task = comparison_candidates(current, infos)
    with_attention = [info for info in same_task if _attention_of(info) != "none"]
    other_kind = [info for info in with_attention if _attention_of(info) != _attention_of(current)]
    for group in (other_kind, with_attention, same_task):
        if group:
            return group[0].name
    return None


def _attention_of(info: CheckpointInfo) -> str:
    """The attention kind of a seq2seq checkpoint's validated config, ``"transformer"`` for a Transformer
    (``"none"`` for any other model)."""
    if info.kind == TRANSFORMER:
        return TRANSFORMER
    return str(getattr(info.config, "attention", "none"))
