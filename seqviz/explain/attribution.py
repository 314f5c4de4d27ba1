"""Why the model wrote each output token: its attribution to every source token, beside the attention.

Attention shows where the decoder looked; it is not, by itself, the reason for the output (Jain & Wallace
2019, Wiegreffe & Pinter 2019). An attribution asks the model instead: how does ``log P(y_t | y_<t, x)``
depend on each source token's embedding ``e(x_j)``? With ``F_t(e) = log P(y_t | y_<t, e)`` teacher-forced on
the explained output (the model's own greedy output, or a given target):

- ``saliency``:    ``S_tj = || dF_t / de(x_j) ||_2``
- ``grad-input``:  ``G_tj = sum_d dF_t / de(x_j)_d * e(x_j)_d``
- ``integrated-gradients`` (Sundararajan et al. 2017) from a baseline ``e'`` (every position the ``<pad>``
  embedding, or zeros), the path integral taken over ``m`` points ``alpha_k`` with weights ``w_k``
  (Gauss-Legendre panels placed where the row changes: ``path_points``)::

      IG_tj = sum_d (e(x_j) - e'_j)_d * sum_{k=1..m} w_k dF_t / de_jd  at  e' + alpha_k (e(x) - e')

  and its *completeness gap* ``| sum_j IG_tj - (F_t(e(x)) - F_t(e')) |``: zero for the exact integral, so
  the gap says how far ``m`` steps are from it.
- ``occlusion``:   ``O_tj = log P(y_t | x with x_j read as <unk>, or dropped) - log P(y_t | x)``, each edited
  input re-scored exactly as ``seqviz.explain.beam.score_output`` scores it (a copy model's extended
  vocabulary rebuilt for the edited input).

"Why X, not Y" (``contrast``, Yin & Neubig 2022) explains ``log P(X) - log P(Y)`` at one decoder step the same
four ways: which source tokens make the model prefer its choice X over the alternative Y.

The gradients run on a private copy of the model, never on the checkpoint's own (a page's cached model is
shared by every session, and one left in training mode would decode with dropout): the copy is put in
``train()`` mode, which cuDNN's RNN backward requires, with every dropout switched off, so its numbers are the
evaluation-mode forward's. Only the source embeddings require gradients: a forward hook on the encoder's
embedding substitutes them, and the model's code is untouched.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from seqviz.checkpoints.store import Checkpoint
from seqviz.data.tokenizers import UNK
from seqviz.data.vocab import EOS_ID, NEVER_OUTPUT_IDS, PAD_ID, SOS_ID, UNK_ID, Vocab
from seqviz.errors import InputError
from seqviz.explain.gradients import gradient_copy
from seqviz.explain.rank_agreement import row_taus, row_top1
from seqviz.explain.results import AgreementSummary, Attribution, ContrastiveAttribution
from seqviz.inference import (
    PreparedInput,
    default_max_len,
    greedy_translate,
    output_vocab,
    prepare_output,
    prepare_source,
)
from seqviz.models.copy_vocab import ExtendedVocab, extend_vocab

METHODS = ("saliency", "grad-input", "integrated-gradients", "occlusion")
INTEGRATED_GRADIENTS = "integrated-gradients"
BASELINES = ("pad", "zeros")
OCCLUSIONS = ("unk", "drop")
DEFAULT_STEPS = 32
MAX_STEPS = 256
MAX_SOURCE_TOKENS = 100  # typed tokens; occlusion re-scores one edited input per token
MAX_OUTPUT_TOKENS = 100  # explained outputs: one backward pass each
# Integrated gradients runs one backward pass per output token over a batch of ``steps`` points: the work
# grows with their product, bounded here (a 100-token output still gets 80 steps).
MAX_PATH_POINTS = 8_192
MAX_VALIDATION_EXAMPLES = 200
DTYPES = (torch.float32, torch.float64)
# path_points: Gauss-Legendre points per panel, the share of panel width spread evenly (the rest follows the
# row's change along the path), and the forward-only values that measure that change. Chosen on the shipped
# checkpoints' default inputs: with 64 steps every completeness gap there is under 5e-3.
PANEL_POINTS = 32
EVEN_SHARE = 0.75
SCAN_POINTS = 256
# One forward pass's log-probabilities hold batch x steps x vocabulary numbers: batches are cut to this many.
CHUNK_NUMBERS = 1 << 22


# ------------------------------------------------------------------------------------------------ checks


def _choice(name: str, value: object, choices: Sequence[str]) -> str:
    if value not in choices:
        raise InputError(
            f"the {name} must be one of {', '.join(choices)}, not {value!r}",
            code="explain.bad_choice",
            name=name,
            value=str(value)[:40],
        )
    return str(value)


def _whole_number(name: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InputError(
            f"{name} must be a whole number from {low} to {high}, not {value!r}"[:200],
            code="explain.bad_number",
            name=name,
            low=low,
            high=high,
        )
    return value


def _check_methods(methods: Sequence[str] | str) -> tuple[str, ...]:
    chosen = (methods,) if isinstance(methods, str) else tuple(methods)
    if not chosen:
        raise InputError("choose at least one attribution method", code="explain.no_method")
    return tuple(dict.fromkeys(_choice("method", m, METHODS) for m in chosen))


def _check_path_points(steps: int, rows: int) -> None:
    if steps * rows > MAX_PATH_POINTS:
        raise InputError(
            f"integrated gradients with {steps} steps over {rows} output tokens is {steps * rows:,} "
            f"model passes; the limit is {MAX_PATH_POINTS:,}: use fewer steps or a shorter input",
            code="explain.too_much_work",
            steps=steps,
            rows=rows,
            limit=MAX_PATH_POINTS,
        )


def _prepare(checkpoint: Checkpoint, text: str) -> PreparedInput:
    source = prepare_source(checkpoint, text)
    if len(source.tokens) > MAX_SOURCE_TOKENS:
        raise InputError(
            f"the input has {len(source.tokens):,} tokens; explaining is limited to {MAX_SOURCE_TOKENS}",
            code="explain.too_many_tokens",
            count=len(source.tokens),
            limit=MAX_SOURCE_TOKENS,
        )
    return source


def _known_token(vocab: Vocab | ExtendedVocab, token: str, what: str) -> str:
    """``token`` when the model can write it; an InputError otherwise."""
    index = vocab.id_of(token)
    if (index == UNK_ID and token != UNK) or index in NEVER_OUTPUT_IDS:
        raise InputError(
            f"the model cannot write {token!r} ({what})"[:200], code="explain.unknown_token", token=token[:40]
        )
    return token


# --------------------------------------------------------------------------------------- the problem


@dataclass(frozen=True)
class _Row:
    """One explained number: ``log P(token)`` at decoder step ``step`` (minus ``log P(contrast)``)."""

    step: int
    token: str
    contrast: str | None = None


@dataclass(frozen=True)
class _Problem:
    """One source, the outputs fed to the decoder after ``<sos>`` (teacher forcing) and the rows explained.

    Tokens are kept as text and encoded per input: an occluded input of a copy model has its own extended
    vocabulary, so the same written word may have another id (or become ``<unk>``), as ``score_output``
    would encode it for that input."""

    source: PreparedInput
    fed: list[str]
    rows: list[_Row]


@dataclass(frozen=True)
class _Variant:
    """One input as the model reads it: source ids and, for a copy model, its extended vocabulary."""

    ids: list[int]
    extended: ExtendedVocab | None


@dataclass
class _Batch:
    source: torch.Tensor  # [batch, source]
    extended: torch.Tensor | None  # [batch, source] a copy model's extended source ids
    fed: torch.Tensor  # [batch, steps] <sos> y_1 ... (the decoder's inputs)
    steps: torch.Tensor  # [rows] the decoder step of each row
    chosen: torch.Tensor  # [batch, rows] the id whose log P is explained
    contrast: torch.Tensor | None  # [batch, rows] the id whose log P is subtracted

    def __len__(self) -> int:
        return self.source.size(0)


def _original(source: PreparedInput) -> _Variant:
    return _Variant(list(source.ids), source.extended)


def _occluded(checkpoint: Checkpoint, source: PreparedInput, position: int, how: str) -> _Variant:
    """The input with source position ``position`` read as ``<unk>`` or dropped; the last position is
    ``<eos>`` (occluded by reading ``<unk>`` there, or by leaving the end unmarked)."""
    tokens = list(source.tokens)
    at_end = position == len(tokens)
    if not at_end:
        if how == "unk":
            tokens[position] = UNK
        else:
            del tokens[position]
    ids = [*checkpoint.source_vocab.encode(tokens), EOS_ID]
    extended = extend_vocab(tokens, checkpoint.target_vocab) if checkpoint.config.copy else None
    if at_end:
        ids = ids[:-1] + ([UNK_ID] if how == "unk" else [])
        if extended is not None:
            end = (UNK_ID,) if how == "unk" else ()
            extended = ExtendedVocab(extended.vocab, extended.oov, (*extended.source_ids[:-1], *end))
    return _Variant(ids, extended)


def _batch(checkpoint: Checkpoint, problem: _Problem, variants: Sequence[_Variant], device) -> _Batch:
    """Equally long variants as one batch, the output tokens encoded for each one's vocabulary."""

    def tensor(rows: list[list[int]]) -> torch.Tensor:
        return torch.tensor(rows, dtype=torch.long, device=device)

    fed, chosen, contrast, extended = [], [], [], []
    for variant in variants:
        vocab = variant.extended if variant.extended is not None else checkpoint.target_vocab
        fed.append([SOS_ID, *vocab.encode(problem.fed)])
        chosen.append(vocab.encode([row.token for row in problem.rows]))
        contrast.append(vocab.encode([row.contrast or UNK for row in problem.rows]))
        if variant.extended is not None:
            extended.append(list(variant.extended.source_ids))
    has_contrast = any(row.contrast is not None for row in problem.rows)
    return _Batch(
        tensor([v.ids for v in variants]),
        tensor(extended) if extended else None,
        tensor(fed),
        tensor([[row.step for row in problem.rows]])[0],
        tensor(chosen),
        tensor(contrast) if has_contrast else None,
    )


# ------------------------------------------------------------------------------------------ the model


@contextmanager
def _working_copy(model: nn.Module, dtype: torch.dtype) -> Iterator[nn.Module]:
    """A private copy of ``model`` in ``dtype``, in gradient mode, its parameters frozen: gradients flow to
    the source embeddings alone, and the checkpoint's model is never touched."""
    if dtype not in DTYPES:
        raise InputError(f"attribution runs in float32 or float64, not {dtype}", code="explain.bad_dtype")
    with torch.enable_grad():
        yield gradient_copy(model, dtype)


@contextmanager
def _source_embeddings(model: nn.Module, embedded: torch.Tensor | None) -> Iterator[None]:
    """The encoder reads ``embedded`` ``[batch, source, embedding]`` instead of looking its ids up."""
    if embedded is None:
        yield
        return
    handle = model.encoder.embedding.register_forward_hook(lambda module, inputs, output: embedded)
    try:
        yield
    finally:
        handle.remove()


def _rows(model: nn.Module, batch: _Batch, embedded: torch.Tensor | None = None):
    """The explained numbers ``[batch, rows]`` (``log P(token)``, minus ``log P(contrast)``) and the
    attention ``[batch, steps, source]`` (None without attention) of one teacher-forced forward pass."""
    lengths = torch.full((len(batch),), batch.source.size(1), dtype=torch.long)
    with _source_embeddings(model, embedded):
        output = model(batch.source, lengths, batch.fed, source_extended=batch.extended)
    at_steps = output.log_probs[:, batch.steps]  # [batch, rows, vocabulary]
    values = at_steps.gather(2, batch.chosen.unsqueeze(-1)).squeeze(-1)
    if batch.contrast is not None:
        values = values - at_steps.gather(2, batch.contrast.unsqueeze(-1)).squeeze(-1)
    return values, output.attention


def _gradients(model: nn.Module, batch: _Batch, embedded: torch.Tensor):
    """``d row_r / d embedded`` for every row r (``[rows, batch, source, embedding]``), the rows' values
    ``[batch, rows]`` and the attention: one forward pass, one backward pass per row (the batch's items
    are independent, so the gradient of a row's sum over the batch is each item's own)."""
    embedded = embedded.detach().requires_grad_(True)
    values, attention = _rows(model, batch, embedded)
    gradients = [
        torch.autograd.grad(values[:, r].sum(), embedded, retain_graph=True)[0] for r in range(values.size(1))
    ]
    return torch.stack(gradients), values.detach(), attention


def _chunk_size(decoder_steps: int, vocabulary: int) -> int:
    """How many inputs one forward pass takes: ``CHUNK_NUMBERS`` log-probabilities at most."""
    return max(1, CHUNK_NUMBERS // (decoder_steps * vocabulary))


def _repeat(batch: _Batch, count: int) -> _Batch:
    def rep(t):
        return None if t is None else t.expand(count, *t.shape[1:])

    return _Batch(
        rep(batch.source),
        rep(batch.extended),
        rep(batch.fed),
        batch.steps,
        rep(batch.chosen),
        rep(batch.contrast),
    )


# ---------------------------------------------------------------------------------------------- methods


@dataclass
class _Explained:
    values: torch.Tensor  # [rows] the explained numbers at x
    attention: torch.Tensor | None  # [rows, source] at each row's step
    scores: dict[str, torch.Tensor]  # method -> [rows, source]
    baseline_values: torch.Tensor | None = None  # [rows]
    gaps: torch.Tensor | None = None  # [rows]


def path_points(steps: int, along_path: Sequence[float] | None = None) -> tuple[list[float], list[float]]:
    """Points ``alpha_k`` on [0, 1] and weights ``w_k`` (summing to 1) for ``sum_k w_k f(alpha_k)``.

    Why not the paper's Riemann sum: ``log P(y_t)`` along the straight path often jumps within a few
    thousandths of alpha (the output flips from unlikely to certain), and 64 equal steps then miss the
    integral by up to 0.5. So [0, 1] is cut into panels of ``PANEL_POINTS`` Gauss-Legendre points each
    (exact for polynomials of degree 63 on each panel), and the panels are narrower where the row's own
    values ``along_path`` (equally spaced on [0, 1], from a forward pass without gradients) change most."""
    edges = np.linspace(0.0, 1.0, -(-steps // PANEL_POINTS) + 1)
    if along_path is not None and len(along_path) > 1:
        change = np.abs(np.diff(np.asarray(along_path, dtype=np.float64)))
        even = np.full(len(change), 1.0 / len(change))
        density = EVEN_SHARE * even + (1 - EVEN_SHARE) * (change / change.sum() if change.sum() > 0 else even)
        mass = np.concatenate([[0.0], np.cumsum(density)])
        edges = np.interp(edges * mass[-1], mass, np.linspace(0.0, 1.0, len(mass)))
    panels = len(edges) - 1
    nodes: list[float] = []
    weights: list[float] = []
    for panel, (low, high) in enumerate(itertools.pairwise(edges)):
        order = steps // panels + (panel < steps % panels)
        points, panel_weights = np.polynomial.legendre.leggauss(order)
        nodes += (low + (points + 1) / 2 * (high - low)).tolist()
        weights += (panel_weights / 2 * (high - low)).tolist()
    return nodes, weights


def _integrated_gradients(
    model: nn.Module, batch: _Batch, x: torch.Tensor, baseline: torch.Tensor, steps: int, vocabulary: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """``IG`` ``[rows, source]`` and the rows' values at the baseline. Each row gets its own points
    (``path_points``): one forward pass over them and one backward pass from that row."""
    size = _chunk_size(batch.fed.size(1), vocabulary)
    scan = _along_path(model, batch, x, baseline, torch.linspace(0, 1, SCAN_POINTS + 1, dtype=x.dtype), size)
    integrated = torch.zeros(len(batch.steps), x.size(0), dtype=x.dtype, device=x.device)
    for row in range(len(batch.steps)):
        nodes, weights = path_points(steps, scan[:, row].tolist())
        one_row = _only_row(batch, row)
        alphas = torch.tensor(nodes, dtype=x.dtype, device=x.device)
        w = torch.tensor(weights, dtype=x.dtype, device=x.device)
        average = torch.zeros_like(x)
        for start in range(0, steps, size):
            points = baseline + alphas[start : start + size, None, None] * (x - baseline)
            gradient = _row_gradient(model, _repeat(one_row, len(points)), points)  # [k, source, emb]
            average += (w[start : start + size, None, None] * gradient).sum(0)
        integrated[row] = (average * (x - baseline)).sum(-1)
    return integrated, scan[0]


def _along_path(model, batch: _Batch, x, baseline, alphas: torch.Tensor, size: int) -> torch.Tensor:
    """Every row's value at ``e' + alpha (e(x) - e')`` for each alpha: ``[alphas, rows]``."""
    alphas = alphas.to(x.device)
    values = []
    with torch.no_grad():
        for start in range(0, len(alphas), size):
            points = baseline + alphas[start : start + size, None, None] * (x - baseline)
            values.append(_rows(model, _repeat(batch, len(points)), points)[0])
    return torch.cat(values)


def _row_gradient(model: nn.Module, batch: _Batch, embedded: torch.Tensor) -> torch.Tensor:
    """``d row / d embedded`` of a one-row batch (``_only_row``)."""
    embedded = embedded.detach().requires_grad_(True)
    values, _ = _rows(model, batch, embedded)
    return torch.autograd.grad(values[:, 0].sum(), embedded)[0]


def _only_row(batch: _Batch, row: int) -> _Batch:
    """``batch`` explaining row ``row`` alone, its decoder run only up to that row's step (the later steps
    cannot change it): half the work of the whole output, on average."""
    step = int(batch.steps[row])

    def pick(t):
        return None if t is None else t[:, row : row + 1]

    return _Batch(
        batch.source,
        batch.extended,
        batch.fed[:, : step + 1],
        batch.steps[row : row + 1],
        pick(batch.chosen),
        pick(batch.contrast),
    )


def _occlusion(
    model: nn.Module,
    checkpoint: Checkpoint,
    problem: _Problem,
    how: str,
    values: torch.Tensor,
    vocabulary: int,
) -> torch.Tensor:
    """``O`` ``[rows, source]``: each edited input's rows minus the original's."""
    variants = [_occluded(checkpoint, problem.source, j, how) for j in range(len(problem.source.ids))]
    device = values.device
    changed = []
    with torch.no_grad():
        size = _chunk_size(len(problem.fed) + 1, vocabulary)
        for start in range(0, len(variants), size):
            batch = _batch(checkpoint, problem, variants[start : start + size], device)
            edited, _ = _rows(model, batch)
            changed.append(edited)
    return (torch.cat(changed) - values).T


def _explain(
    model: nn.Module,
    checkpoint: Checkpoint,
    problem: _Problem,
    methods: Sequence[str],
    steps: int,
    baseline: str,
    occlusion: str,
) -> _Explained:
    """Every method's ``[rows, source]`` scores for ``problem``, on the working copy ``model``."""
    device = next(model.parameters()).device
    batch = _batch(checkpoint, problem, [_original(problem.source)], device)
    vocabulary = len(output_vocab(checkpoint, problem.source))
    embedding = model.encoder.embedding
    x = embedding(batch.source)[0].detach()  # [source, embedding]  e(x_j)
    scores: dict[str, torch.Tensor] = {}
    if {"saliency", "grad-input"} & set(methods):
        gradients, values, attention = _gradients(model, batch, x.unsqueeze(0))
        if "saliency" in methods:
            scores["saliency"] = gradients[:, 0].norm(dim=-1)
        if "grad-input" in methods:
            scores["grad-input"] = (gradients[:, 0] * x).sum(-1)
    else:
        with torch.no_grad():
            values, attention = _rows(model, batch)
    values = values[0]
    _check_possible(problem, values)
    explained = _Explained(values, None if attention is None else attention[0, batch.steps].detach(), scores)
    if INTEGRATED_GRADIENTS in methods:
        start = embedding.weight[PAD_ID].detach().expand_as(x) if baseline == "pad" else torch.zeros_like(x)
        integrated, explained.baseline_values = _integrated_gradients(
            model, batch, x, start, steps, vocabulary
        )
        scores[INTEGRATED_GRADIENTS] = integrated
        explained.gaps = (integrated.sum(-1) - (values - explained.baseline_values)).abs()
    if "occlusion" in methods:
        scores["occlusion"] = _occlusion(model, checkpoint, problem, occlusion, values, vocabulary)
    explained.scores = {method: scores[method] for method in methods}
    return explained


def _check_possible(problem: _Problem, values: torch.Tensor) -> None:
    """A row whose token the model can never write (log P = -inf) has no gradient to explain."""
    for row, value in zip(problem.rows, values.tolist(), strict=True):
        if not math.isfinite(value):
            raise InputError(
                f"the model can never write {row.token!r} at output position {row.step + 1}"[:200],
                code="explain.impossible_token",
                token=row.token[:40],
                position=row.step + 1,
            )


def _lists(tensor: torch.Tensor | None) -> list | None:
    return None if tensor is None else tensor.detach().double().cpu().tolist()


# ------------------------------------------------------------------------------------------- attribute


def _explained_outputs(checkpoint: Checkpoint, source: PreparedInput, text: str, target: str | None):
    """The output tokens explained (``<eos>`` included when written) and whether they were given."""
    vocab = output_vocab(checkpoint, source)
    if target is None:
        limit = min(default_max_len(len(source.ids)), MAX_OUTPUT_TOKENS)
        return greedy_translate(checkpoint, text, limit).tokens, False
    given = prepare_output(checkpoint, source, target, what="target")
    if len(given.ids) > MAX_OUTPUT_TOKENS:
        raise InputError(
            f"the target has {len(given.ids):,} tokens with <eos>; explaining is limited to "
            f"{MAX_OUTPUT_TOKENS}",
            code="explain.target_too_long",
            count=len(given.ids),
            limit=MAX_OUTPUT_TOKENS,
        )
    return [vocab.token_of(i) for i in given.ids], True


def attribute(
    checkpoint: Checkpoint,
    text: str,
    target: str | None = None,
    methods: Sequence[str] | str = METHODS,
    *,
    steps: int = DEFAULT_STEPS,
    baseline: str = "pad",
    occlusion: str = "unk",
    dtype: torch.dtype = torch.float32,
) -> Attribution:
    """Every output token's attribution to every source token of ``text`` by each of ``methods``, for the
    model's greedy output or the given ``target``; the attention of the same forward pass beside it."""
    methods = _check_methods(methods)
    steps = _whole_number("the number of steps", steps, 1, MAX_STEPS)
    baseline = _choice("baseline", baseline, BASELINES)
    occlusion = _choice("occlusion", occlusion, OCCLUSIONS)
    problem, forced = _output_problem(checkpoint, text, target, methods, steps)
    with _working_copy(checkpoint.model, dtype) as model:
        explained = _explain(model, checkpoint, problem, methods, steps, baseline, occlusion)
    return _attribution(checkpoint, problem, explained, forced, steps, baseline, occlusion)


def _output_problem(
    checkpoint: Checkpoint, text: str, target: str | None, methods: Sequence[str], steps: int
) -> tuple[_Problem, bool]:
    """One row per output token, teacher-forced on those outputs; whether they were given."""
    source = _prepare(checkpoint, text)
    outputs, forced = _explained_outputs(checkpoint, source, text, target)
    if INTEGRATED_GRADIENTS in methods:
        _check_path_points(steps, len(outputs))
    return _Problem(source, outputs[:-1], [_Row(t, token) for t, token in enumerate(outputs)]), forced


def _attribution(checkpoint, problem, explained, forced, steps, baseline, occlusion) -> Attribution:
    attention = _lists(explained.attention)
    scores = {method: _lists(matrix) for method, matrix in explained.scores.items()}
    taus: dict[str, list[float | None]] = {}
    top1: dict[str, list[bool | None]] = {}
    for method, matrix in scores.items():
        if attention is None:
            taus[method] = [None] * len(matrix)
            top1[method] = [None] * len(matrix)
        else:
            taus[method] = [None if math.isnan(tau) else tau for tau in row_taus(attention, matrix)]
            top1[method] = list(row_top1(attention, matrix))
    return Attribution(
        checkpoint=checkpoint.name,
        source_tokens=problem.source.shown_tokens,
        target_tokens=[row.token for row in problem.rows],
        forced=forced,
        log_probs=_lists(explained.values),
        attention=attention,
        scores=scores,
        kendall_tau=taus,
        top1_agreement=top1,
        steps=steps,
        baseline=baseline,
        occlusion=occlusion,
        baseline_log_probs=_lists(explained.baseline_values),
        completeness_gap=_lists(explained.gaps),
    )


# -------------------------------------------------------------------------------------------- contrast


def contrast(
    checkpoint: Checkpoint,
    text: str,
    prefix: Sequence[str],
    alternative: str,
    *,
    chosen: str | None = None,
    method: str = "grad-input",
    steps: int = DEFAULT_STEPS,
    baseline: str = "pad",
    occlusion: str = "unk",
    dtype: torch.dtype = torch.float32,
) -> ContrastiveAttribution:
    """ "Why X, not Y" after the outputs ``prefix``: each source token's share in ``log P(X) - log P(Y)``.
    X is ``chosen``, by default the model's own choice (the most probable next token); Y ``alternative``."""
    method = _check_methods([method])[0]
    steps = _whole_number("the number of steps", steps, 1, MAX_STEPS)
    baseline = _choice("baseline", baseline, BASELINES)
    occlusion = _choice("occlusion", occlusion, OCCLUSIONS)
    source = _prepare(checkpoint, text)
    vocab = output_vocab(checkpoint, source)
    fed = [_known_token(vocab, token, "in the prefix") for token in prefix]
    if len(fed) >= MAX_OUTPUT_TOKENS:
        raise InputError(
            f"the prefix has {len(fed)} tokens; explaining is limited to {MAX_OUTPUT_TOKENS - 1}",
            code="explain.target_too_long",
            count=len(fed),
            limit=MAX_OUTPUT_TOKENS - 1,
        )
    step = len(fed)
    with _working_copy(checkpoint.model, dtype) as model:
        log_probs = _next_log_probs(model, checkpoint, source, fed)
        if chosen is None:
            chosen = vocab.token_of(int(log_probs.argmax()))
        chosen = _known_token(vocab, chosen, "the chosen token")
        alternative = _known_token(vocab, alternative, "the alternative")
        if vocab.id_of(alternative) == vocab.id_of(chosen):
            raise InputError(
                f"the alternative {alternative!r} is the chosen token itself: pick another"[:200],
                code="explain.same_token",
                token=alternative[:40],
            )
        problem = _Problem(source, fed, [_Row(step, chosen, alternative)])
        explained = _explain(model, checkpoint, problem, [method], steps, baseline, occlusion)
    return ContrastiveAttribution(
        checkpoint=checkpoint.name,
        source_tokens=source.shown_tokens,
        prefix=fed,
        chosen=chosen,
        alternative=alternative,
        method=method,
        log_prob_chosen=float(log_probs[vocab.id_of(chosen)]),
        log_prob_alternative=float(log_probs[vocab.id_of(alternative)]),
        scores=_lists(explained.scores[method])[0],
        attention=None if explained.attention is None else _lists(explained.attention)[0],
        completeness_gap=None if explained.gaps is None else float(explained.gaps[0]),
    )


def _next_log_probs(model: nn.Module, checkpoint: Checkpoint, source: PreparedInput, fed: list[str]):
    """``log P(w | fed, x)`` for every w: the distribution at the step after ``fed``."""
    problem = _Problem(source, fed, [_Row(len(fed), UNK)])
    batch = _batch(checkpoint, problem, [_original(source)], next(model.parameters()).device)
    lengths = torch.tensor([batch.source.size(1)])
    with torch.no_grad():
        output = model(batch.source, lengths, batch.fed, source_extended=batch.extended)
    return output.log_probs[0, -1]


# ------------------------------------------------------------------------------ the validation summary


def agreement_summary(
    checkpoint: Checkpoint,
    method: str,
    *,
    examples: int = 50,
    steps: int = DEFAULT_STEPS,
    baseline: str = "pad",
    occlusion: str = "unk",
    progress: Callable[[int, int], None] | None = None,
) -> AgreementSummary:
    """Attention against ``method`` over the checkpoint's first ``examples`` held-out inputs, each with its
    greedy output: every row's Kendall tau and top-1 agreement (Jain & Wallace's figure)."""
    from seqviz.training.workflows import validation_examples

    method = _check_methods([method])[0]
    examples = _whole_number("the number of examples", examples, 1, MAX_VALIDATION_EXAMPLES)
    if checkpoint.config.attention == "none":
        raise InputError(
            f"{checkpoint.name} has no attention to compare with",
            code="explain.no_attention",
            name=checkpoint.name,
        )
    inputs = [example.source for example in validation_examples(checkpoint, examples)]
    taus: list[float] = []
    top1: list[bool] = []
    undefined = skipped = 0
    with _working_copy(checkpoint.model, torch.float32) as model:
        for done, text in enumerate(inputs, 1):
            try:
                problem, _ = _output_problem(checkpoint, text, None, [method], steps)
            except InputError:  # too long to explain: counted, not hidden
                skipped += 1
            else:
                explained = _explain(model, checkpoint, problem, [method], steps, baseline, occlusion)
                result = _attribution(checkpoint, problem, explained, False, steps, baseline, occlusion)
                taus += [tau for tau in result.kendall_tau[method] if tau is not None]
                undefined += sum(tau is None for tau in result.kendall_tau[method])
                top1 += [bool(agrees) for agrees in result.top1_agreement[method]]
            if progress is not None:
                progress(done, len(inputs))
    return AgreementSummary(checkpoint.name, method, len(inputs) - skipped, skipped, taus, top1, undefined)
