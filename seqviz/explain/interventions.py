"""Interventions on attention: change where the decoder looks, re-decode, and see whether the output cares.

A heatmap shows where the model looked, not that looking there was the reason for what it wrote (Jain &
Wallace 2019; Wiegreffe & Pinter 2019). The test is to *replace* the weights ``alpha_tj`` the forward pass
computed and decode again with the model's own parameters:

- ``uniform``:     ``alpha_tj = 1 / n`` over the ``n`` real (non-pad) source positions, so
                   ``c_t = (1/n) sum_j h_j``: the mean of the encoder states;
- ``permute``:     each row's real weights shuffled by a seeded random permutation (the same seed, the same
                   permutation of every row);
- ``mask-argmax``: the most attended position of each row gets 0 and the row is renormalised,
                   ``alpha'_tj = alpha_tj / sum_{k != argmax} alpha_tk`` (all of a row's weight on one
                   position leaves nothing to renormalise: the rest of the row becomes uniform).

The new weights replace the attention module's output through a forward hook (the model's code is not
touched), and the context is recomputed from them exactly as the module does, ``c_t = sum_j alpha_tj h_j``,
so everything downstream sees the intervention: the recurrence (Bahdanau), the readout, the copy
distribution and p_gen, and the coverage sum. ``identity`` keeps the module's own weights and reproduces its
output bit for bit: the tests' proof that the hook itself changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import torch

from seqviz.checkpoints.store import Checkpoint
from seqviz.data.tokenizers import get_tokenizer
from seqviz.data.vocab import EOS_ID, SOS_ID
from seqviz.errors import InputError
from seqviz.explain.gradients import hookable_copy
from seqviz.inference import (
    default_max_len,
    extended_source,
    output_vocab,
    prepare_source,
    require_rnn,
)
from seqviz.models.attention import AttentionResult
from seqviz.models.seq2seq import GreedyResult, Seq2Seq

IDENTITY = "identity"
INTERVENTIONS: tuple[str, ...] = ("uniform", "permute", "mask-argmax")
DEFAULT_SEED = 0
MAX_SURVIVAL_EXAMPLES = 1_000  # the validation-set figure decodes every example once per intervention

# (weights [batch, steps, source], mask [batch, source], first step) -> the weights decoding uses instead
Rewrite = Callable[[torch.Tensor, torch.Tensor, int], torch.Tensor]


# --------------------------------------------------------------------------------- the three rewrites


def uniform_weights(weights: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """``alpha_tj = 1/n`` over the real positions (``mask`` True), 0 at padding."""
    real = mask.unsqueeze(1).to(weights.dtype).expand_as(weights)
    return real / real.sum(-1, keepdim=True)


def mask_argmax_weights(weights: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """The row's largest weight set to 0 and the rest renormalised to sum to 1 (uniform over the other
    real positions where the argmax held the whole row)."""
    top = weights.argmax(-1, keepdim=True)
    kept = weights.scatter(-1, top, 0.0)
    total = kept.sum(-1, keepdim=True)
    others = uniform_weights(weights, mask).scatter(-1, top, 0.0)
    others = others / others.sum(-1, keepdim=True).clamp_min(torch.finfo(weights.dtype).tiny)
    return torch.where(total > 0, kept / total.clamp_min(torch.finfo(weights.dtype).tiny), others)


def permuted_weights(weights: torch.Tensor, mask: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
    """Each row's real weights moved to other real positions: the permutation sorts ``keys``
    (``[batch, steps, source]`` random numbers, one row per decoder step), so the same keys give the same
    permutation whichever way the steps are called (one at a time or all at once)."""
    padding = ~mask.unsqueeze(1).expand_as(weights)
    order = keys.masked_fill(padding, float("inf")).argsort(dim=-1, stable=True)  # real positions, shuffled
    places = padding.long().argsort(dim=-1, stable=True)  # real positions in order, then padding
    return torch.zeros_like(weights).scatter(-1, places, weights.gather(-1, order))


def make_rewrite(intervention: str, batch: int, steps: int, source: int, seed: int = DEFAULT_SEED) -> Rewrite:
    """The rewrite for ``intervention``; ``permute`` draws its keys for up to ``steps`` decoder steps now,
    from ``seed``, so a decode and a teacher-forced rescoring of its output permute alike."""
    if intervention == IDENTITY:
        return lambda weights, mask, first: weights
    if intervention == "uniform":
        return lambda weights, mask, first: uniform_weights(weights, mask)
    if intervention == "mask-argmax":
        return lambda weights, mask, first: mask_argmax_weights(weights, mask)
    if intervention == "permute":
        keys = torch.rand(batch, steps, source, generator=torch.Generator().manual_seed(seed))

        def permute(weights: torch.Tensor, mask: torch.Tensor, first: int) -> torch.Tensor:
            rows = keys[:, first : first + weights.size(1)].to(weights.device, weights.dtype)
            return permuted_weights(weights, mask, rows)

        return permute
    raise InputError(
        f"unknown intervention {intervention!r}; choose one of {', '.join((IDENTITY, *INTERVENTIONS))}",
        code="interventions.unknown",
        intervention=intervention,
    )


# ------------------------------------------------------------------------------------------- the hook


def require_attention(checkpoint: Checkpoint) -> None:
    """A model without attention reads one context vector: there is no ``alpha_tj`` to intervene on. A
    Transformer's many heads are not the RNN decoder's one attention module these interventions rewrite."""
    require_rnn(checkpoint, "interventions on attention")
    if checkpoint.kind != "seq2seq" or checkpoint.config.attention == "none":
        raise InputError(
            f"{checkpoint.name} has no attention to intervene on; choose a seq2seq model with attention",
            code="interventions.no_attention",
            name=checkpoint.name,
        )


@contextmanager
def attention_replaced(model: Seq2Seq, rewrite: Rewrite, record: list | None = None) -> Iterator[None]:
    """While inside, the decoder's attention uses ``rewrite(weights, mask, first_step)`` and the context
    ``c_t = sum_j alpha'_tj h_j`` of those weights; ``record`` collects the weights used, call by call."""
    attention = model.decoder.attention
    if attention is None:
        raise InputError("this model has no attention to intervene on", code="interventions.no_attention")
    step = 0

    def hook(module, args, kwargs, output: AttentionResult) -> AttentionResult:
        nonlocal step
        keys = args[1] if len(args) > 1 else kwargs["keys"]
        mask = args[3] if len(args) > 3 else kwargs["mask"]
        weights = rewrite(output.weights, mask, step)
        step += weights.size(1)
        if record is not None:
            record.append(weights)
        return AttentionResult(torch.bmm(weights, keys), weights, output.scores)

    handle = attention.register_forward_hook(hook, with_kwargs=True)
    try:
        yield
    finally:
        handle.remove()


# ---------------------------------------------------------------------------------- one typed input


@dataclass(frozen=True)
class InterventionOutcome:
    """The greedy output decoded with one intervention, beside the model's own."""

    intervention: str
    output_tokens: tuple[str, ...]  # <eos> included when produced
    output_text: str
    token_log_probs: tuple[float, ...]  # log P(y_t) of each written token, under the intervention
    log_prob: float  # their sum
    finished: bool  # False when the length limit stopped it before <eos>
    changed: bool  # the tokens differ from the model's own output
    own_output_log_prob: float  # log P(the model's own output), teacher-forced under the intervention
    attention: tuple[tuple[float, ...], ...]  # [step][source] the weights this decode used


@dataclass(frozen=True)
class InterventionReport:
    checkpoint: str
    source_tokens: tuple[str, ...]  # <eos> included
    seed: int
    own: InterventionOutcome  # the identity: the model's own weights
    outcomes: tuple[InterventionOutcome, ...]  # one per intervention asked for, in that order

    def outcome(self, intervention: str) -> InterventionOutcome:
        return next(o for o in (self.own, *self.outcomes) if o.intervention == intervention)


@torch.no_grad()
def decode_with(
    model: Seq2Seq,
    source: torch.Tensor,
    lengths: torch.Tensor,
    max_len: int,
    intervention: str,
    seed: int = DEFAULT_SEED,
    extended: torch.Tensor | None = None,
    record: list | None = None,
) -> GreedyResult:
    """``Seq2Seq.greedy`` with the attention of every step rewritten by ``intervention``."""
    rewrite = make_rewrite(intervention, source.size(0), max_len, source.size(1), seed)
    with attention_replaced(model, rewrite, record):
        return model.greedy(source, lengths, max_len, extended)


@torch.no_grad()
def score_with(
    model: Seq2Seq,
    source: torch.Tensor,
    lengths: torch.Tensor,
    output_ids: Sequence[int],
    intervention: str,
    max_len: int,
    seed: int = DEFAULT_SEED,
    extended: torch.Tensor | None = None,
) -> torch.Tensor:
    """``[steps]`` log P(y_t | y_<t, x) of one output (``<eos>`` included), teacher-forced under the
    intervention; ``max_len`` must be the decode's, so ``permute`` draws the same keys."""
    rewrite = make_rewrite(intervention, source.size(0), max(max_len, len(output_ids)), source.size(1), seed)
    inputs = torch.tensor([[SOS_ID, *output_ids[:-1]]], dtype=torch.long, device=source.device)
    with attention_replaced(model, rewrite):
        log_probs = model(source, lengths, inputs, source_extended=extended).log_probs[0]
    index = torch.tensor(list(output_ids), dtype=torch.long, device=source.device)
    return log_probs.gather(1, index[:, None]).squeeze(1)


def intervene(
    checkpoint: Checkpoint,
    text: str,
    interventions: Sequence[str] = INTERVENTIONS,
    seed: int = DEFAULT_SEED,
    max_len: int | None = None,
) -> InterventionReport:
    """Decode ``text`` greedily with the model's own attention and with each intervention.

    The Attention page's buttons call this: one report of plain data, cached per checkpoint and input."""
    require_attention(checkpoint)
    prepared = prepare_source(checkpoint, text)
    model = hookable_copy(checkpoint.model)  # hooks never touch the shared, cached model
    was_training = model.training
    model.eval()
    try:
        device = next(model.parameters()).device
        source = torch.tensor([prepared.ids], device=device)
        lengths = torch.tensor([len(prepared.ids)])
        extended = extended_source(prepared, device)
        limit = max_len or default_max_len(len(prepared.ids))
        vocab = output_vocab(checkpoint, prepared)
        detokenize = get_tokenizer(checkpoint.target_tokenizer).detokenize

        def outcome(intervention: str, own_ids: list[int] | None) -> tuple[InterventionOutcome, list[int]]:
            record: list[torch.Tensor] = []
            result = decode_with(model, source, lengths, limit, intervention, seed, extended, record)
            length = int(result.lengths[0])
            ids = result.tokens[0, :length].tolist()
            log_probs = tuple(result.token_log_probs[0, :length].tolist())
            own_ids = ids if own_ids is None else own_ids
            own_score = score_with(model, source, lengths, own_ids, intervention, limit, seed, extended)
            rows = torch.cat(record, 1)[0, :length] if record else torch.zeros(0, source.size(1))
            return InterventionOutcome(
                intervention=intervention,
                output_tokens=tuple(vocab.token_of(i) for i in ids),
                output_text=detokenize(vocab.decode([i for i in ids if i != EOS_ID])),
                token_log_probs=log_probs,
                log_prob=float(sum(log_probs)),
                finished=bool(result.finished[0]),
                changed=ids != own_ids,
                own_output_log_prob=float(own_score.sum()),
                attention=tuple(tuple(row) for row in rows.float().cpu().tolist()),
            ), ids

        own, own_ids = outcome(IDENTITY, None)
        outcomes = tuple(outcome(name, own_ids)[0] for name in interventions)
    finally:
        model.train(was_training)
    return InterventionReport(checkpoint.name, tuple(prepared.shown_tokens), seed, own, outcomes)


# ------------------------------------------------------------------------------ the validation set


@dataclass(frozen=True)
class Survival:
    """How many validation outputs were unchanged by one intervention."""

    intervention: str
    survived: int
    total: int

    @property
    def share(self) -> float:
        return self.survived / self.total if self.total else 0.0


@dataclass(frozen=True)
class SurvivalReport:
    checkpoint: str
    examples: int
    seed: int
    rates: tuple[Survival, ...]

    def rate(self, intervention: str) -> Survival:
        return next(r for r in self.rates if r.intervention == intervention)


@torch.no_grad()
def survival_rates(
    checkpoint: Checkpoint,
    interventions: Sequence[str] = INTERVENTIONS,
    size: int = 200,
    seed: int = DEFAULT_SEED,
    batch_size: int = 64,
    progress: Callable[[int, int], None] | None = None,
) -> SurvivalReport:
    """The share of ``size`` (at most ``MAX_SURVIVAL_EXAMPLES``) of the checkpoint's held-out examples whose
    greedy output is unchanged by each intervention: how much the model *relies* on where it looks.

    Each batch is decoded once as the model does and once per intervention, with the same padding, so a
    change is the intervention's and not the batching's. ``progress(done, total)`` after every batch."""
    from seqviz.training.batching import fixed_batches
    from seqviz.training.workflows import validation_pairs

    require_attention(checkpoint)
    for name in interventions:
        make_rewrite(name, 1, 1, 1, seed)  # refuses an unknown name before any decoding
    pairs = validation_pairs(checkpoint, min(max(size, 1), MAX_SURVIVAL_EXAMPLES))
    model = hookable_copy(checkpoint.model)  # hooks never touch the shared, cached model
    was_training = model.training
    model.eval()
    survived = dict.fromkeys(interventions, 0)
    device = next(model.parameters()).device
    done = 0
    try:
        for number, (_, batch) in enumerate(fixed_batches(pairs, batch_size, device)):
            limit = default_max_len(batch.source.size(1))
            args = (model, batch.source, batch.source_lengths, limit)
            own = output_rows(decode_with(*args, IDENTITY, seed, batch.source_extended))
            for name in interventions:
                new = output_rows(decode_with(*args, name, seed + number, batch.source_extended))
                survived[name] += sum(a == b for a, b in zip(own, new, strict=True))
            done += batch.size
            if progress is not None:
                progress(done, len(pairs))
    finally:
        model.train(was_training)
    rates = tuple(Survival(name, survived[name], len(pairs)) for name in interventions)
    return SurvivalReport(checkpoint.name, len(pairs), seed, rates)


def output_rows(result: GreedyResult) -> list[list[int]]:
    """Each row's tokens of a batched greedy decode, up to and including ``<eos>``."""
    tokens = result.tokens.tolist()
    return [row[: int(length)] for row, length in zip(tokens, result.lengths.tolist(), strict=True)]
