"""Where an attention weight comes from: the score of every source position, term by term.

The Attention page writes ``e_tj = v^T tanh(W s_{t-1} + U h_j)`` with the selected cell's numbers. Those
numbers are recomputed here from the model's own parameters and the states of a ``Seq2SeqTrace`` (the
decoder state the forward pass used as the query, the encoder outputs as keys), and ``weights`` is checked
by tests to equal the attention the forward pass produced, so what the page explains is what happened.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from seqviz.errors import InputError
from seqviz.models.seq2seq import Seq2Seq, Seq2SeqTrace


@dataclass
class ScoreTerms:
    """The pieces of one score ``e_tj`` (Bahdanau), each a vector over the attention's hidden units."""

    query_part: list[float]  # W s_{t-1}
    key_part: list[float]  # U h_j + b
    coverage_part: list[float] | None  # w_c * cov_tj (coverage models only)
    activation: list[float]  # tanh(W s_{t-1} + U h_j + b [+ w_c cov_tj])
    v: list[float]  # v
    score: float  # e_tj = v . activation


def _linear(layer: torch.nn.Linear, vector: torch.Tensor) -> torch.Tensor:
    """``layer(vector)`` on the CPU, whatever device the model lives on (the page's numbers are CPU lists)."""
    bias = None if layer.bias is None else layer.bias.detach().float().cpu()
    return torch.nn.functional.linear(vector, layer.weight.detach().float().cpu(), bias)


@dataclass
class ScoreBreakdown:
    """Step ``t``'s scores over the source and their softmax, with the query that produced them."""

    kind: str  # bahdanau | luong-dot | luong-general
    step: int  # output position t (0-based)
    query_name: str  # "s_{t-1}" (Bahdanau reads the previous decoder state) or "s_t" (Luong)
    query: list[float]
    scores: list[float]  # e_tj for every source position j
    weights: list[float]  # alpha_tj = softmax_j(e_tj)
    coverage: list[float] | None  # cov_tj: attention summed over the steps before t

    def terms(self, model: Seq2Seq, trace: Seq2SeqTrace, position: int) -> ScoreTerms | None:
        """The additive score's pieces for source position ``position`` (Bahdanau only, else None)."""
        if self.kind != "bahdanau":
            return None
        attention = model.decoder.attention
        with torch.no_grad():
            query = torch.tensor(self.query)
            key = trace.encoder_outputs[position].float().cpu()
            query_part = _linear(attention.query_proj, query)
            key_part = _linear(attention.key_proj, key)
            features = query_part + key_part
            coverage_part = None
            if self.coverage is not None:
                coverage_part = self.coverage[position] * attention.coverage_weight.detach().cpu()
                features = features + coverage_part
            activation = torch.tanh(features)
            v = attention.v.weight[0].detach().cpu()
        return ScoreTerms(
            query_part.tolist(),
            key_part.tolist(),
            None if coverage_part is None else coverage_part.tolist(),
            activation.tolist(),
            v.tolist(),
            float(v @ activation),
        )


@dataclass
class UnitContributions:
    """Score ``e_tj`` as a sum over units: ``e_tj = sum_k contribution[k] + constant``.

    Bahdanau: ``contribution[k] = v_k * tanh(W s_{t-1} + U h_j + b [+ w_c cov_tj])_k``, constant 0.
    Luong: ``contribution[k] = s_t[k] * (W_a h_j)[k]`` (general) or ``s_t[k] * h_j[k]`` (dot); the constant
    is the coverage term ``w_c * cov_tj`` when the model has one. ``columns`` holds each named vector the
    page lists beside the contributions, in the course's notation.
    """

    columns: dict[str, list[float]]
    contribution: list[float]
    constant: float
    score: float


def unit_contributions(
    breakdown: ScoreBreakdown, model: Seq2Seq, trace: Seq2SeqTrace, position: int
) -> UnitContributions:
    """The unit-by-unit pieces of ``breakdown.scores[position]``, recomputed from the model's parameters."""
    if not 0 <= position < len(breakdown.scores):
        raise InputError(f"source position must be between 0 and {len(breakdown.scores) - 1}, not {position}")
    if breakdown.kind == "bahdanau":
        terms = breakdown.terms(model, trace, position)
        assert terms is not None
        columns = {"W s_{t-1}": terms.query_part, "U h_j + b": terms.key_part}
        if terms.coverage_part is not None:
            columns["w_c c_tj"] = terms.coverage_part
        columns["tanh(·)"] = terms.activation
        columns["v"] = terms.v
        contribution = [v * a for v, a in zip(terms.v, terms.activation, strict=True)]
        return UnitContributions(columns, contribution, 0.0, terms.score)
    attention = model.decoder.attention
    with torch.no_grad():
        query = torch.tensor(breakdown.query)
        key = trace.encoder_outputs[position].float().cpu()
        general = breakdown.kind == "luong-general"
        projected = _linear(attention.key_proj, key) if general else key
        products = query * projected
        constant = 0.0
        if breakdown.coverage is not None:
            constant = float(breakdown.coverage[position] * attention.coverage_weight.detach().cpu()[0])
    columns = {"s_t": query.tolist(), ("W_a h_j" if general else "h_j"): projected.tolist()}
    return UnitContributions(columns, products.tolist(), constant, float(products.sum()) + constant)


def explain_scores(model: Seq2Seq, trace: Seq2SeqTrace, step: int) -> ScoreBreakdown:
    """Recompute step ``step``'s attention scores of ``trace`` from the model's parameters.

    The query is the decoder's top-layer state: the one *before* step t for Bahdanau (it decides where to
    look, then reads), the one *after* it for Luong (it reads, then looks). Both come from the trace's
    replay of the decoder RNN, which tests prove equal to the module's own outputs.
    """
    attention = model.decoder.attention
    if attention is None or trace.attention is None:
        raise InputError("this model has no attention: the decoder only sees the final encoder state")
    steps = len(trace.output_ids)
    if not 0 <= step < steps:
        raise InputError(f"step must be between 0 and {steps - 1}, not {step}")
    decoder_top = trace.decoder.layer(trace.decoder.num_layers - 1, 0)
    bahdanau = attention.kind == "bahdanau"
    states = decoder_top.hidden_before if bahdanau else decoder_top.hidden
    device = next(model.parameters()).device
    query = states[0, step].to(device)
    keys = trace.encoder_outputs.to(device)
    coverage = None
    if trace.coverage is not None:
        coverage = trace.coverage[step].to(device)
    with torch.no_grad():
        projected = attention.prepare(keys.unsqueeze(0))
        mask = torch.ones(1, keys.size(0), dtype=torch.bool, device=device)
        result = attention(
            query.view(1, 1, -1),
            keys.unsqueeze(0),
            projected,
            mask,
            None if coverage is None else coverage[None],
        )
    return ScoreBreakdown(
        kind=attention.kind,
        step=step,
        query_name="s_{t-1}" if bahdanau else "s_t",
        query=query.float().cpu().tolist(),
        scores=result.scores[0, 0].float().cpu().tolist(),
        weights=result.weights[0, 0].float().cpu().tolist(),
        coverage=None if coverage is None else coverage.float().cpu().tolist(),
    )
