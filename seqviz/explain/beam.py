"""Beam search and sampling over the very ``Decoder.forward`` greedy decoding calls, with every expanded
node kept, so a page can draw the search as a tree and every number on it is the model's own.

The definitions (``tests/unit/test_beam.py`` checks the search against an exhaustive one that uses exactly
these):

- An *outcome* is what the decoder can write within ``max_len`` tokens: a sequence ending with ``<eos>``
  (``<eos>`` counted in its length), or one cut at ``max_len`` tokens without ``<eos>``. Its log-probability
  ``log P(Y | x)`` is the sum of its tokens' log-probabilities, ``<eos>`` included: exactly what teacher
  forcing on ``Y`` gives (``score_output`` here, ``Seq2Seq.trace``).
- Its *score* is ``log P(Y | x) / lp(|Y|)``: ``lp`` is GNMT's ``((5 + |Y|) / 6)^alpha``, plain length
  normalisation ``|Y|^alpha``, or 1 (``LengthPenalty``); ``|Y|`` counts ``<eos>``.
- One step extends every live hypothesis by every token in ONE decoder call (the hypotheses are the rows of
  a batch; ``Memory.index_select`` / ``DecoderState.index_select`` make each row follow its parent). The
  ``width`` best extensions by cumulative log-probability survive; all have the same length, so this is also
  the order of their scores. A survivor ending with ``<eos>`` is *finished* and leaves the beam; the others
  are *kept*, and at ``max_len`` they are finished too (cut). The next ``width`` extensions are recorded as
  *pruned*, so a page can show what nearly made it and let a user force one of them (``BeamTree.path_ids``
  is the ``prefix`` that reruns the search from that node).
- The search stops when nothing is live, or when no live hypothesis can beat the ``n_best``-th finished one
  any more (log-probabilities only fall as a hypothesis grows, so ``cumulative / max lp`` bounds every
  score it can still reach: stopping there changes nothing), or at ``max_len``. The n-best list is the best
  finished nodes by score, earlier nodes first on a tie.

With ``width`` 1 this is greedy decoding token for token; with a width that keeps every extension it is an
exhaustive search over all outcomes.

A copy model's search runs over the input's extended vocabulary (``seqviz.models.copy_vocab``): a node may be
a copied word the target vocabulary lacks (id ``V + k``), shown by name and read back as ``<unk>``.

Sampling (``sample_translate``) draws each token from the tempered, top-k-truncated distribution with a
seeded ``torch.Generator`` on the CPU, so a seed gives the same output on any device.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import torch

from seqviz.checkpoints.store import Checkpoint
from seqviz.data.tokenizers import get_tokenizer
from seqviz.data.vocab import EOS_ID, NEVER_OUTPUT_IDS, SOS_ID, Vocab
from seqviz.errors import InputError
from seqviz.explain.results import (
    STOP_ALL_FINISHED,
    STOP_CANNOT_BEAT,
    STOP_MAX_LENGTH,
    BeamNode,
    BeamTree,
    NodeStatus,
)
from seqviz.inference import (
    PreparedInput,
    Translation,
    default_max_len,
    extended_source,
    output_vocab,
    prepare_output,
    prepare_source,
)
from seqviz.models.copy_vocab import ExtendedVocab

MAX_BEAM_WIDTH = 100  # the tree keeps up to 2 * width nodes per step; wider beams teach nothing more
MAX_OUTPUT_TOKENS = 400  # default_max_len's own ceiling
MAX_ALPHA = 10.0
MAX_TEMPERATURE = 100.0
PENALTY_KINDS = ("none", "gnmt", "length")


# ------------------------------------------------------------------------------------------ penalty


@dataclass(frozen=True)
class LengthPenalty:
    """``score = log P(Y | x) / lp(|Y|)``: without a penalty a beam prefers short outputs, since every token
    can only lower the log-probability; dividing by a growing ``lp`` offsets that."""

    kind: str = "none"  # "none" | "gnmt" ((5 + |Y|) / 6)^alpha | "length" |Y|^alpha
    alpha: float = 0.0

    def __post_init__(self) -> None:
        if self.kind not in PENALTY_KINDS:
            raise InputError(f"length penalty must be one of {', '.join(PENALTY_KINDS)}, not {self.kind!r}")
        alpha = self.alpha
        if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or not 0 <= alpha <= MAX_ALPHA:
            raise InputError(
                f"the length penalty alpha must be a number from 0 to {MAX_ALPHA:g}, not {alpha!r}"
            )
        if self.kind == "none" and alpha != 0:
            raise InputError("alpha needs a length penalty kind (gnmt or length); 'none' takes no alpha")
        object.__setattr__(self, "alpha", float(alpha))

    def divisor(self, length: int) -> float:
        """``lp(|Y|)``; 1 without a penalty."""
        if self.kind == "gnmt":
            return ((5 + length) / 6) ** self.alpha
        if self.kind == "length":
            return float(length) ** self.alpha
        return 1.0

    def score(self, log_prob: float, length: int) -> float:
        return log_prob / self.divisor(length)

    def describe(self) -> str:
        if self.kind == "gnmt":
            return f"GNMT ((5 + |Y|) / 6)^{self.alpha:g}"
        if self.kind == "length":
            return f"length |Y|^{self.alpha:g}"
        return "none"


NO_LENGTH_PENALTY = LengthPenalty()


# ------------------------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Hypothesis:
    """One n-best entry."""

    output: str  # detokenized, without <eos> (as greedy_translate writes it)
    tokens: list[str]  # <eos> included when produced
    token_ids: list[int]
    token_log_probs: list[float]
    log_prob: float  # sum of token_log_probs (<eos> included)
    score: float  # log_prob / lp(len(tokens)): what the beam ranked by
    finished: bool  # False when max_len cut it before <eos>
    node_id: int  # its last node in the tree


@dataclass
class BeamSearchResult:
    source: PreparedInput
    width: int
    max_len: int
    penalty: LengthPenalty
    prefix: list[int]
    tree: BeamTree
    nbest: list[Hypothesis] = field(default_factory=list)

    @property
    def best(self) -> Hypothesis:
        return self.nbest[0]


# ------------------------------------------------------------------------------------------ checking


def _whole_number(name: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InputError(f"{name} must be a whole number from {low} to {high}, not {value!r}")
    return value


def _check_prefix(prefix: Sequence[int], vocab_size: int, max_len: int) -> list[int]:
    ids = list(prefix)
    if len(ids) > max_len:
        raise InputError(f"the forced prefix has {len(ids)} tokens, more than the maximum length {max_len}")
    for position, token_id in enumerate(ids):
        if isinstance(token_id, bool) or not isinstance(token_id, int) or not 0 <= token_id < vocab_size:
            raise InputError(f"forced token {token_id!r} is not an id of the {vocab_size}-token vocabulary")
        if token_id in NEVER_OUTPUT_IDS:
            raise InputError("<pad> and <sos> are never outputs; they cannot be forced")
        if token_id == EOS_ID and position != len(ids) - 1:
            raise InputError("<eos> ends an output; it can only be the last forced token")
    return ids


def _output_limit(max_len: int | None, source_length: int, prefix_length: int = 0) -> int:
    if max_len is None:
        return max(default_max_len(source_length), prefix_length)
    return _whole_number("the maximum length", max_len, 1, MAX_OUTPUT_TOKENS)


def _never_output(model: Any, width: int) -> torch.Tensor:
    """The decoder's never-output mask (``<pad>``, ``<sos>``), padded with False to ``width`` ids."""
    never = model.decoder.never_output
    return torch.nn.functional.pad(never, (0, width - never.numel())) if width > never.numel() else never


@contextmanager
def _inference(model: torch.nn.Module) -> Iterator[None]:
    """Eval mode (no dropout: the distributions are the ones greedy decoding uses) and no autograd."""
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            yield
    finally:
        model.train(was_training)


# --------------------------------------------------------------------------------------- the search


def beam_search_ids(
    model: Any,
    source_ids: Sequence[int],
    vocab: Vocab | ExtendedVocab,
    width: int,
    max_len: int,
    penalty: LengthPenalty = NO_LENGTH_PENALTY,
    n_best: int = 1,
    prefix: Sequence[int] = (),
) -> BeamTree:
    """The search on ids (``source_ids`` with its ``<eos>``); see the module notes for its definitions.
    A copy model searches its extended vocabulary when ``vocab`` is the input's ``ExtendedVocab``.

    ``beam_search`` checks the arguments; this function trusts them.
    """
    device = next(model.parameters()).device
    root = BeamNode(0, None, 0, vocab.token_of(SOS_ID), SOS_ID, 0.0, 0.0, 0.0, "kept", 0)
    nodes: list[BeamNode] = [root]
    finished: list[int] = []
    finished_scores: list[float] = []  # the n_best best so far, best first
    live: list[int] = [0]  # node id of the hypothesis in each row of the batch
    stop_reason = STOP_MAX_LENGTH  # the loop always sets it; this only names the fall-through
    steps = 0
    with _inference(model):
        source = torch.tensor([list(source_ids)], dtype=torch.long, device=device)
        lengths = torch.tensor([len(source_ids)])
        if isinstance(vocab, ExtendedVocab):  # a copy model: copied words by their extended ids
            extended = torch.tensor([list(vocab.source_ids)], dtype=torch.long, device=device)
            _, memory, state = model.start(source, lengths, extended)
        else:
            _, memory, state = model.start(source, lengths)
        step_input = torch.tensor([[SOS_ID]], dtype=torch.long, device=device)
        for step in range(1, max_len + 1):
            output, state = model.decoder(step_input, state, memory)
            steps += 1
            log_probs = output.log_probs[:, -1]
            never_output = _never_output(model, log_probs.size(-1))
            if step <= len(prefix):
                token_id = prefix[step - 1]
                log_prob = float(log_probs[0, token_id])
                if not math.isfinite(log_prob):
                    raise InputError(
                        f"the model gives the forced token {vocab.token_of(token_id)!r} no chance"
                    )
                ranked = [(0, token_id, log_prob)]
            else:
                ranked = _rank_extensions(
                    log_probs.masked_fill(never_output, float("-inf")), nodes, live, width
                )
            next_rows: list[int] = []
            next_ids: list[int] = []
            next_live: list[int] = []
            for rank, (row, token_id, log_prob) in enumerate(ranked):
                parent = nodes[live[row]]
                cumulative = parent.cumulative_log_prob + log_prob
                if rank >= width:
                    status: NodeStatus = "pruned"
                elif token_id == EOS_ID or step == max_len:
                    status = "finished"
                else:
                    status = "kept"
                node = BeamNode(
                    len(nodes),
                    parent.id,
                    step,
                    vocab.token_of(token_id),
                    token_id,
                    log_prob,
                    cumulative,
                    penalty.score(cumulative, step),
                    status,
                    rank,
                    step <= len(prefix),
                )
                nodes.append(node)
                if status == "finished":
                    finished.append(node.id)
                    _insert_descending(finished_scores, node.score)
                    del finished_scores[n_best:]  # only the n-th best matters for stopping
                elif status == "kept":
                    next_rows.append(row)
                    next_ids.append(token_id)
                    next_live.append(node.id)
            if not next_live:
                stop_reason = STOP_MAX_LENGTH if step == max_len else STOP_ALL_FINISHED
                break
            if len(finished_scores) >= n_best:
                best_live = max(nodes[i].cumulative_log_prob for i in next_live)
                reachable = max(penalty.score(best_live, length) for length in (step + 1, max_len))
                if reachable <= finished_scores[n_best - 1]:
                    stop_reason = STOP_CANNOT_BEAT
                    break
            if next_rows != list(range(len(live))):
                rows = torch.tensor(next_rows, dtype=torch.long, device=device)
                state = state.index_select(rows)
                memory = memory.index_select(rows)
            live = next_live
            step_input = torch.tensor(next_ids, dtype=torch.long, device=device).unsqueeze(1)
    best = sorted(finished, key=lambda i: (-nodes[i].score, i))[:n_best]
    return BeamTree(nodes, best, steps, stop_reason, n_best)


def _rank_extensions(
    log_probs: torch.Tensor, nodes: list[BeamNode], live: list[int], width: int
) -> list[tuple[int, int, float]]:
    """The ``2 * width`` best extensions ``(row, token id, log-prob)`` by cumulative log-prob, best first.

    Each row's own ``2 * width`` best tokens hold every extension that can rank that high, so only those are
    added up; impossible tokens (log-prob -inf) are never ranked.
    """
    per_row = min(2 * width, log_probs.size(1))
    values, ids = log_probs.topk(per_row, dim=-1)
    values = values.to("cpu", torch.float64)  # float32 -> float64 is exact: node numbers equal these
    cumulative = torch.tensor([nodes[i].cumulative_log_prob for i in live], dtype=torch.float64)
    totals = (cumulative.unsqueeze(1) + values).flatten()
    ranked_totals, positions = totals.topk(min(2 * width, totals.numel()))
    flat_values, flat_ids = values.flatten().tolist(), ids.flatten().tolist()
    ranked = []
    for total, position in zip(ranked_totals.tolist(), positions.tolist(), strict=True):
        if total == float("-inf"):
            break
        ranked.append((position // per_row, flat_ids[position], flat_values[position]))
    return ranked


def _insert_descending(values: list[float], value: float) -> None:
    index = len(values)
    while index > 0 and values[index - 1] < value:
        index -= 1
    values.insert(index, value)


def beam_search(
    checkpoint: Checkpoint,
    text: str,
    width: int = 5,
    *,
    max_len: int | None = None,
    penalty: LengthPenalty = NO_LENGTH_PENALTY,
    n_best: int | None = None,
    prefix: Sequence[int] = (),
) -> BeamSearchResult:
    """Beam search on ``text``: the tree of every expanded node and the ``n_best`` (default ``width``) best
    outcomes. ``prefix`` (target ids) is forced first. InputError for anything unusable.

    The n-best list can be shorter than ``n_best`` when fewer outcomes were finished (a tiny vocabulary, a
    prefix ending with ``<eos>``).
    """
    width = _whole_number("the beam width", width, 1, MAX_BEAM_WIDTH)
    n_best = width if n_best is None else _whole_number("n_best", n_best, 1, width)
    if not isinstance(penalty, LengthPenalty):
        raise InputError("penalty must be a LengthPenalty")
    source = prepare_source(checkpoint, text)
    if isinstance(prefix, (str, bytes)) or not isinstance(prefix, Sequence):
        raise InputError("the forced prefix must be a list of target token ids")
    limit = _output_limit(max_len, len(source.ids), len(prefix))
    vocab = output_vocab(checkpoint, source)
    forced = _check_prefix(prefix, len(vocab), limit)
    tree = beam_search_ids(checkpoint.model, source.ids, vocab, width, limit, penalty, n_best, forced)
    detokenize = get_tokenizer(checkpoint.target_tokenizer).detokenize
    nbest = []
    for node_id in tree.best_ids:
        path = tree.path(node_id)
        ids = [node.token_id for node in path]
        log_probs = [node.log_prob for node in path]
        nbest.append(
            Hypothesis(
                output=detokenize(vocab.decode(ids)),
                tokens=[node.token for node in path],
                token_ids=ids,
                token_log_probs=log_probs,
                log_prob=float(sum(log_probs)),
                score=tree.nodes[node_id].score,
                finished=path[-1].ends_with_eos,
                node_id=node_id,
            )
        )
    return BeamSearchResult(source, width, limit, penalty, forced, tree, nbest)


# ------------------------------------------------------------------------------------ teacher forcing


@dataclass(frozen=True)
class OutputScore:
    """The teacher-forced log-probability of a given output: what every beam score is checked against."""

    source: PreparedInput
    tokens: list[str]  # the output's tokens, <eos> appended
    token_log_probs: list[float]  # log P(y_t | y_<t, x), <eos> included
    log_prob: float  # their sum
    unknown: list[str]  # output tokens the output vocabulary lacks (scored as <unk>)


def score_output(checkpoint: Checkpoint, text: str, output: str) -> OutputScore:
    """``log P(output | text)`` by teacher forcing: one decoder call on ``<sos> y_1 ... y_n``, the call
    ``Seq2Seq.trace`` makes, scoring ``y_1 ... y_n <eos>``. Every output ``translate`` prints scores as
    it was decoded: a written ``<unk>`` is ``<unk>``, a copied word its extended id, spaces at either end
    are kept, and the empty output is ``<eos>`` alone."""
    source = prepare_source(checkpoint, text)
    target = prepare_output(checkpoint, source, output, what="output", as_printed=True)
    model = checkpoint.model
    device = next(model.parameters()).device
    with _inference(model):
        source_ids = torch.tensor([source.ids], dtype=torch.long, device=device)
        lengths = torch.tensor([len(source.ids)])
        _, memory, state = model.start(source_ids, lengths, extended_source(source, device))
        inputs = torch.tensor([[SOS_ID, *target.ids[:-1]]], dtype=torch.long, device=device)
        decoded, _ = model.decoder(inputs, state, memory)
        targets = torch.tensor(target.ids, dtype=torch.long, device=device)
        picked = decoded.log_probs[0].gather(1, targets.unsqueeze(1)).squeeze(1)
    token_log_probs = picked.cpu().tolist()
    vocab = output_vocab(checkpoint, source)
    return OutputScore(
        source,
        [vocab.token_of(i) for i in target.ids],
        token_log_probs,
        float(sum(token_log_probs)),
        target.unknown,
    )


# ----------------------------------------------------------------------------------------- sampling


def sample_translate(
    checkpoint: Checkpoint,
    text: str,
    *,
    temperature: float = 1.0,
    top_k: int | None = None,
    seed: int = 0,
    max_len: int | None = None,
) -> Translation:
    """One output drawn token by token from ``softmax(log P / temperature)`` over the ``top_k`` most probable
    tokens (all when None). ``temperature`` 0 or ``top_k`` 1 is greedy decoding exactly.

    ``token_log_probs`` are the model's own (temperature 1), so ``log_prob`` is the output's teacher-forced
    log-probability whatever the temperature that drew it.
    """
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)):
        raise InputError(f"the temperature must be a number, not {temperature!r}")
    if not 0 <= temperature <= MAX_TEMPERATURE:
        raise InputError(f"the temperature must be from 0 to {MAX_TEMPERATURE:g}, not {temperature!r}")
    source = prepare_source(checkpoint, text)
    vocab = output_vocab(checkpoint, source)
    if top_k is not None:
        top_k = _whole_number("top-k", top_k, 1, len(vocab))
    seed = _whole_number("the seed", seed, 0, 2**63 - 1)
    limit = _output_limit(max_len, len(source.ids))
    generator = torch.Generator().manual_seed(seed)  # on the CPU: the same draws on every device
    greedy = temperature == 0 or top_k == 1
    model = checkpoint.model
    device = next(model.parameters()).device
    out_ids: list[int] = []
    log_probs: list[float] = []
    with _inference(model):
        source_ids = torch.tensor([source.ids], dtype=torch.long, device=device)
        lengths = torch.tensor([len(source.ids)])
        _, memory, state = model.start(source_ids, lengths, extended_source(source, device))
        step_input = torch.tensor([[SOS_ID]], dtype=torch.long, device=device)
        for _ in range(limit):
            output, state = model.decoder(step_input, state, memory)
            row = output.log_probs[0, -1]
            row = row.masked_fill(_never_output(model, row.numel()), float("-inf"))
            if greedy:
                token_id = int(row.max(-1).indices)  # the call Seq2Seq.greedy makes
            else:
                token_id = _draw(row.to("cpu", torch.float64), temperature, top_k, generator)
            out_ids.append(token_id)
            log_probs.append(float(row[token_id]))
            if token_id == EOS_ID:
                break
            step_input = torch.tensor([[token_id]], dtype=torch.long, device=device)
    words = vocab.decode(out_ids)
    return Translation(
        source,
        get_tokenizer(checkpoint.target_tokenizer).detokenize(words),
        [vocab.token_of(i) for i in out_ids],
        log_probs,
        float(sum(log_probs)),
        bool(out_ids) and out_ids[-1] == EOS_ID,
    )


def _draw(log_probs: torch.Tensor, temperature: float, top_k: int | None, generator: torch.Generator) -> int:
    candidates = torch.arange(log_probs.numel())
    if top_k is not None:
        log_probs, candidates = log_probs.topk(min(top_k, int(torch.isfinite(log_probs).sum())))
    probs = torch.softmax(log_probs / temperature, dim=-1)
    return int(candidates[torch.multinomial(probs, 1, generator=generator)])
