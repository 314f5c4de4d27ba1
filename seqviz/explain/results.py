"""The plain results the analyses return and the figures draw: dataclasses of lists, floats and strings.

They live apart from the analyses that make them (which load checkpoints, run models and import torch) so that
``seqviz.viz`` can draw them without importing any of that: a figure is a pure function of this data, and
``tests/unit/test_architecture.py`` checks that importing every figure module leaves torch unloaded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from seqviz.data.vocab import EOS_ID

# ------------------------------------------------------------------------------------------------------ gates

GATE_SYMBOLS: dict[str, str] = {
    "input": "i", "forget": "f", "cell": "g", "output": "o", "reset": "r", "update": "z", "new": "n",
}  # fmt: skip
CELL_STATE = "cell_state"  # c_t; not "cell", which is PyTorch's name for the LSTM's candidate g_t
HIDDEN = "hidden"  # h_t


@dataclass(frozen=True)
class LstmStep:
    """One LSTM unit at one step, every number of the course's equations.

    Gates and states come from the trace; ``*_pre`` are the arguments of sigma / tanh, from the weights::

        i_t = sigma(input_pre)   f_t = sigma(forget_pre)   g_t = tanh(cell_pre)   o_t = sigma(output_pre)
        c_t = f_t * c_prev + i_t * g_t      h_t = o_t * tanh(c_t)
    """

    step: int
    unit: int
    token: str
    input_gate: float
    forget_gate: float
    cell_candidate: float
    output_gate: float
    input_pre: float
    forget_pre: float
    cell_pre: float
    output_pre: float
    cell_before: float  # c_prev
    cell: float  # c_t
    tanh_cell: float  # tanh(c_t)
    hidden_before: float  # h_prev
    hidden: float  # h_t


@dataclass(frozen=True)
class GruStep:
    """One GRU unit at one step, as PyTorch computes it (the reset gate multiplies ``W_hn h + b_hn``).

    The numbers fit these equations::

        r_t = sigma(reset_pre)   z_t = sigma(update_pre)
        n_t = tanh(new_input_part + r_t * new_hidden_part)      (W_in x_t + b_in, W_hn h_prev + b_hn)
        h_t = (1 - z_t) * n_t + z_t * h_prev
    """

    step: int
    unit: int
    token: str
    reset_gate: float
    update_gate: float
    new_state: float
    reset_pre: float
    update_pre: float
    new_input_part: float
    new_hidden_part: float
    hidden_before: float
    hidden: float


@dataclass(frozen=True)
class RnnStep:
    """One unit of a plain (Elman) RNN at one step: no gates, one activation of two products::

    h_t = tanh(W_ih x_t + b_ih + W_hh h_prev + b_hh)        (relu for an RNN built with it)
    """

    step: int
    unit: int
    token: str
    activation: str  # "tanh" or "relu"
    input_part: float  # W_ih x_t + b_ih
    hidden_part: float  # W_hh h_prev + b_hh
    hidden_before: float
    hidden: float


StepNumbers = LstmStep | GruStep | RnnStep


# ------------------------------------------------------------------------------------------------- attention


@dataclass
class AttentionMap:
    checkpoint: str
    attention_kind: str  # bahdanau | luong-dot | luong-general | none
    bidirectional: bool
    context_size: int  # numbers in the encoder's final state, all a no-attention decoder gets
    source_tokens: list[str]  # encoder positions, <eos> included
    output_tokens: list[str]  # decoder outputs, <eos> included when produced
    output_text: str
    weights: list[list[float]] | None  # [output step][source position]; None without attention
    p_gen: list[float] | None  # per output step, copy models only: P(generate) vs 1 - P(copy)
    coverage: list[list[float]] | None  # [output step][source]: attention summed over earlier steps
    unknown: list[str]  # the typed tokens the vocabulary lacks (read as <unk>); each edge words them
    log_prob: float
    # Per output step: True where a copy model wrote a source word its target vocabulary lacks (an
    # extended id: only copying can write it). Empty without copy.
    copied_words: list[bool] = field(default_factory=list)

    @property
    def copied(self) -> list[tuple[int, str, float | None]]:
        """``(step, word, p_gen)`` for every word written by copying alone."""
        return [
            (step, self.output_tokens[step], None if self.p_gen is None else self.p_gen[step])
            for step, copied in enumerate(self.copied_words)
            if copied
        ]

    @property
    def has_attention(self) -> bool:
        return self.weights is not None

    def strongest_source(self) -> list[int]:
        """For each output step, the source position it attended to most (the alignment)."""
        if self.weights is None:
            return []
        return [max(range(len(row)), key=row.__getitem__) for row in self.weights]


# Which of a Transformer's attentions: the decoder's cross-attention over the source, the encoder's
# self-attention over the source, the decoder's masked self-attention over the tokens it has read.
TransformerAttentionKind = Literal["cross", "encoder", "decoder"]
TRANSFORMER_ATTENTIONS: tuple[TransformerAttentionKind, ...] = ("cross", "encoder", "decoder")


@dataclass
class HeadAttention:
    """A Transformer translation's attention weights, every layer and every head, as plain lists.

    Each matrix is exactly the tensor of ``TransformerTrace`` (the weights the forward pass multiplied the
    values by), ``[layer][head][query][key]``; the figures draw these numbers and nothing recomputed. The
    axes: cross-attention rows are output tokens and columns source tokens; encoder self-attention is source
    by source; decoder self-attention rows are output tokens (the step that wrote each) and columns the
    decoder's inputs (``<sos> y_1 ... y_(n-1)``), zero above the diagonal (no step sees the future)."""

    checkpoint: str
    source_tokens: list[str]  # encoder positions, <eos> included
    output_tokens: list[str]  # decoder outputs y_1 ... y_n
    decoder_input_tokens: list[str]  # <sos> y_1 ... y_(n-1): the positions decoder self-attention reads
    output_text: str
    cross: list[list[list[list[float]]]]  # [layer][head][output step][source position]
    encoder: list[list[list[list[float]]]]  # [layer][head][source position][source position]
    decoder: list[list[list[list[float]]]]  # [layer][head][output step][decoder input position]
    unknown: list[str] = field(default_factory=list)

    @property
    def layers(self) -> int:
        return len(self.cross)

    @property
    def heads(self) -> int:
        return len(self.cross[0]) if self.cross else 0

    def weights(self, kind: TransformerAttentionKind) -> list[list[list[list[float]]]]:
        """``[layer][head][row][column]`` of one kind of attention."""
        if kind not in TRANSFORMER_ATTENTIONS:
            raise ValueError(f"unknown attention {kind!r}; choose one of {', '.join(TRANSFORMER_ATTENTIONS)}")
        return getattr(self, kind)

    def axes(self, kind: TransformerAttentionKind) -> tuple[list[str], list[str]]:
        """(row tokens, column tokens) of one kind's matrices."""
        if kind == "encoder":
            return self.source_tokens, self.source_tokens
        if kind == "decoder":
            return self.output_tokens, self.decoder_input_tokens
        return self.output_tokens, self.source_tokens

    def mean_over_heads(self, kind: TransformerAttentionKind) -> list[list[list[float]]]:
        """``[layer][row][column]``: each layer's heads averaged, only when a reader asks for it (a mean of
        rows that sum to 1 still sums to 1; it is a summary, not a weight any head applied)."""
        return [
            [
                [sum(values) / len(values) for values in zip(*rows, strict=True)]
                for rows in zip(*heads, strict=True)
            ]
            for heads in self.weights(kind)
        ]


# -------------------------------------------------------------------------------------- the bottleneck study


@dataclass(frozen=True)
class LengthBucket:
    length: int  # source tokens, <eos> not counted
    count: int
    exact_match: float


# ----------------------------------------------------------------------------------------------- beam search

NodeStatus = Literal["kept", "pruned", "finished"]


@dataclass(frozen=True, slots=True)
class BeamNode:
    """One expanded node: a hypothesis that ends with ``token`` (the root is ``<sos>`` at step 0)."""

    id: int  # its index in ``BeamTree.nodes``
    parent_id: int | None  # None for the root only
    step: int  # how many tokens the hypothesis holds
    token: str
    token_id: int
    log_prob: float  # log P(token | the parent's tokens, x)
    cumulative_log_prob: float  # the parent's cumulative log-prob + log_prob
    score: float  # cumulative_log_prob / lp(step): what the beam ranks by
    status: NodeStatus  # kept (extended next step), pruned, finished (<eos>, or cut at max_len)
    rank: int  # its place in its step's ranking, 0 = best
    forced: bool = False  # part of the forced prefix

    @property
    def ends_with_eos(self) -> bool:
        return self.token_id == EOS_ID


# Why a search stopped: codes, not sentences, so each edge (a page in its language, the CLI) words it.
STOP_ALL_FINISHED = "all_finished"  # every hypothesis in the beam ended with <eos>
STOP_MAX_LENGTH = "max_length"  # the maximum length cut the live hypotheses
STOP_CANNOT_BEAT = "cannot_beat_nbest"  # no live hypothesis can beat the n_best-th finished one any more
STOP_REASONS = (STOP_ALL_FINISHED, STOP_MAX_LENGTH, STOP_CANNOT_BEAT)
_STOP_SENTENCES = {
    STOP_ALL_FINISHED: "every hypothesis finished",
    STOP_MAX_LENGTH: "maximum length reached",
    STOP_CANNOT_BEAT: "no live hypothesis can beat the {n_best}-best any more",
}


@dataclass
class BeamTree:
    """Every node the search expanded, and which finished ones make the n-best list."""

    nodes: list[BeamNode]  # nodes[0] is the root; ids are indices
    best_ids: list[int]  # node ids of the n-best outcomes, best first
    steps: int  # decoder steps run (one decoder call each, whatever the width)
    stop_reason: str  # one of STOP_REASONS
    n_best: int = 1  # how many outcomes were asked for (the n of "cannot beat the n-best")

    def stop_sentence(self) -> str:
        """The stop reason as an English phrase, for the CLI and logs (pages translate the code)."""
        return _STOP_SENTENCES[self.stop_reason].format(n_best=self.n_best)

    def path(self, node_id: int) -> list[BeamNode]:
        """The nodes from the first token to ``node_id`` (the root left out)."""
        path = []
        node = self.nodes[node_id]
        while node.parent_id is not None:
            path.append(node)
            node = self.nodes[node.parent_id]
        return path[::-1]

    def path_ids(self, node_id: int) -> list[int]:
        """The token ids up to ``node_id``: pass them as ``prefix`` to force this node and search on."""
        return [node.token_id for node in self.path(node_id)]

    def children(self, node_id: int) -> list[BeamNode]:
        return [node for node in self.nodes if node.parent_id == node_id]

    def at_step(self, step: int) -> list[BeamNode]:
        return [node for node in self.nodes if node.step == step]


# ------------------------------------------------------------------------------------------------ embeddings


@dataclass
class EmbeddingMap:
    side: str  # "source", "target" or "tokens" (a language model's one table)
    tokens: list[str]
    x: list[float]  # first principal component of each token's vector
    y: list[float]  # second
    explained: tuple[float, float]  # share of the total variance along each component
    dimensions: int  # the embedding size


# ----------------------------------------------------------------------------------------------- attribution


@dataclass(frozen=True)
class Attribution:
    """How much each source token counts for each output token, by one or more methods, beside the
    attention of the same forward pass (``seqviz.explain.attribution.attribute``): plain lists, so a page
    caches it and a figure draws it without torch.

    ``scores[method][t][j]`` is source position j's share in ``log P(y_t | y_<t, x)``; the methods' meaning
    and equations are in ``seqviz.explain.attribution``. ``kendall_tau[method][t]`` and
    ``top1_agreement[method][t]`` compare row t with the attention row (``seqviz.explain.rank_agreement``);
    None where attention is missing (a model without it) or tau is undefined (a constant row)."""

    checkpoint: str
    source_tokens: list[str]  # encoder positions as the model reads them, <eos> included
    target_tokens: list[str]  # the explained outputs y_1 ... y_n, <eos> included when written or given
    forced: bool  # True: a given target, teacher-forced; False: the model's own greedy output
    log_probs: list[float]  # log P(y_t | y_<t, x), from the forward pass that gave the attention
    attention: list[list[float]] | None  # [target][source]; None without attention
    scores: dict[str, list[list[float]]]  # method -> [target][source]
    kendall_tau: dict[str, list[float | None]]  # method -> per target row
    top1_agreement: dict[str, list[bool | None]]  # method -> per target row
    steps: int  # integrated gradients: the number of points on the path
    baseline: str  # integrated gradients: "pad" (the <pad> embedding) or "zeros"
    occlusion: str  # occlusion: "unk" (x_j read as <unk>) or "drop" (x_j removed)
    baseline_log_probs: list[float] | None = None  # integrated gradients: log P(y_t | baseline)
    completeness_gap: list[float] | None = None  # |sum_j IG_tj - (log P(y_t|x) - log P(y_t|baseline))|

    @property
    def methods(self) -> list[str]:
        return list(self.scores)


@dataclass(frozen=True)
class ContrastiveAttribution:
    """ "Why X, not Y": each source token's share in ``log P(X) - log P(Y)`` at one decoder step, where X is
    the model's choice after ``prefix`` and Y the alternative asked about (Yin & Neubig 2022)."""

    checkpoint: str
    source_tokens: list[str]  # <eos> included
    prefix: list[str]  # the outputs before the step, fed to the decoder
    chosen: str  # X
    alternative: str  # Y
    method: str
    log_prob_chosen: float  # log P(X | prefix, x)
    log_prob_alternative: float  # log P(Y | prefix, x)
    scores: list[float]  # per source position
    attention: list[float] | None  # the step's attention row; None without attention
    completeness_gap: float | None = None  # integrated gradients only

    @property
    def margin(self) -> float:
        """``log P(X) - log P(Y)``: how much more the model believes X."""
        return self.log_prob_chosen - self.log_prob_alternative


@dataclass(frozen=True)
class AgreementSummary:
    """Attention against one attribution method over held-out examples, as Jain & Wallace report it: the
    distribution of per-row Kendall tau and how often the top positions agree."""

    checkpoint: str
    method: str
    examples: int  # explained (each with its greedy output)
    skipped: int  # held-out examples refused (too long for explaining)
    taus: list[float]  # every output row with a defined tau, over all examples
    top1: list[bool]  # every output row
    undefined_rows: int  # rows where tau is undefined (a constant row)

    @property
    def top1_share(self) -> float | None:
        return sum(self.top1) / len(self.top1) if self.top1 else None

    @property
    def median_tau(self) -> float | None:
        if not self.taus:
            return None
        ordered = sorted(self.taus)
        middle = len(ordered) // 2
        return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
