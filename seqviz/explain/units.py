"""Units that mean something: which hidden and cell units track a task's latent variable, whether a linear
read-out of the states finds it, and what decoding does without those units.

Three tests of one question (LSTMVis asked it by eye; Shi et al. 2016 and Belinkov's probes made it a
measurement):

1. **Correlation.** Over every step of the held-out examples, Pearson's
   ``r_u = sum_t (h_tu - mean_u)(z_t - mean_z) / sqrt(sum_t (h_tu - mean_u)^2 sum_t (z_t - mean_z)^2)``
   of unit ``u`` with the latent variable ``z_t`` (``seqviz.explain.latents``; for a category, its indicator
   ``z_t = [class_t == chosen]``); units ranked by ``|r_u|``. A unit that never moves gets ``r = 0``.
2. **A linear probe** on all units at once (standardised on the training examples). A count: ridge least
   squares in closed form, ``w = (X^T X + lambda I)^{-1} X^T z`` (held-out R^2, and the share of steps where
   the rounded prediction is exact). A category: multinomial logistic regression, ``P(k | x) =
   softmax_k(W x)``, fitted by L-BFGS from zero (deterministic; least squares on one-hot columns cannot
   carve a middle class out of one direction, logistic regression can), scored by held-out accuracy. The
   split is by example, never by step, so no held-out example leaks through its neighbours; the majority
   value of the training steps is the baseline to beat.
3. **Ablation.** During greedy decoding the chosen decoder units are clamped (to 0, or any value) in what
   the recurrent module hands on at every step: ``h_t[u]`` in its output and carried state, ``c_t[u]`` in
   the carried cell state. A forward hook replaces the module's output; the model is not edited. (The clamp
   acts between steps: within one step of a multi-layer decoder, the layer above reads the unclamped value.)

The states are those of ``Seq2Seq.trace`` (the replay proven equal to the modules), teacher-forced on each
example's reference, so step ``t`` lines up with the variable's definition whatever the model writes.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import torch
from torch import nn

from seqviz.checkpoints.store import Checkpoint
from seqviz.data.vocab import UNK_ID
from seqviz.errors import InputError
from seqviz.explain.gradients import hookable_copy
from seqviz.explain.latents import LatentVariable, latent_variable
from seqviz.explain.results import CELL_STATE, HIDDEN
from seqviz.inference import require_rnn
from seqviz.models.trace import RecurrentTrace

DEFAULT_EXAMPLES = 200
MAX_EXAMPLES = 1_000
HELD_OUT_SHARE = 0.25
RIDGE = 1.0  # lambda on standardised states: a little shrinkage keeps 256 units of 2,000 steps well posed
TOP_UNITS = 12


@dataclass(frozen=True)
class UnitRef:
    """One unit: ``h_t[index]`` (``hidden``) or ``c_t[index]`` (``cell_state``) of a layer and direction."""

    quantity: str
    layer: int
    direction: int
    index: int

    @property
    def label(self) -> str:
        where = "" if self.layer == 0 else f" L{self.layer + 1}"
        where += "" if self.direction == 0 else " ←"
        return f"{'h' if self.quantity == HIDDEN else 'c'}{self.index}{where}"


@dataclass(frozen=True)
class UnitCorrelation:
    unit: UnitRef
    correlation: float  # Pearson r with the variable (its chosen class's indicator for a category)


@dataclass(frozen=True)
class ProbeResult:
    kind: str  # "count" or "category", as the variable's
    train_examples: int
    held_out_examples: int
    held_out_steps: int
    accuracy: float  # held-out: the largest class column is right / the rounded prediction is exact
    baseline_accuracy: float  # held-out accuracy of always answering the training steps' majority value
    r2: float | None  # held-out R^2 of a count; None for a category


@dataclass(frozen=True)
class UnitsReport:
    checkpoint: str
    task: str
    variable: str
    kind: str
    classes: tuple[str, ...]
    part: str
    chosen_class: str | None  # a category's class whose indicator the ranking correlates with
    examples: int
    steps: int  # defined steps, all examples together
    ranking: tuple[UnitCorrelation, ...]  # every unit, |r| largest first (ties by unit order)
    probe: ProbeResult
    example_tokens: tuple[str, ...]  # the first example's steps: what the part read at each
    example_values: tuple[float | None, ...]  # the variable at each of those steps
    example_states: tuple[tuple[float, ...], ...]  # [the top units in ranking order][step]


# ------------------------------------------------------------------------------------- the states


def units_of(trace: RecurrentTrace) -> list[UnitRef]:
    """Every unit of a trace in ``state_matrix`` column order: h of each layer and direction, then c."""
    quantities = (HIDDEN, CELL_STATE) if trace.cell is not None else (HIDDEN,)
    return [
        UnitRef(quantity, block // trace.num_directions, block % trace.num_directions, index)
        for quantity in quantities
        for block in range(trace.num_layers * trace.num_directions)
        for index in range(trace.hidden.shape[-1] if quantity == HIDDEN else trace.cell.shape[-1])
    ]


def state_matrix(trace: RecurrentTrace) -> torch.Tensor:
    """``[T, units]`` of one (batch-1) trace: every unit's value at every step, columns as ``units_of``."""
    blocks = [trace.hidden[:, 0], *(() if trace.cell is None else (trace.cell[:, 0],))]  # [L*D, T, H] each
    return torch.cat([block[i] for block in blocks for i in range(block.shape[0])], dim=-1)


@dataclass(eq=False)
class StateTable:
    """The states of every defined step of every example, with the variable's value at that step."""

    units: list[UnitRef]
    states: torch.Tensor  # [steps, units] float64
    values: torch.Tensor  # [steps] float64
    example_of_step: torch.Tensor  # [steps] which example each row came from
    first_tokens: list[str]  # the first example's step labels
    first_values: list[float | None]
    first_states: torch.Tensor  # [T, units] the first example's states, every step


@torch.no_grad()
def collect_states(
    checkpoint: Checkpoint, part: str, size: int = DEFAULT_EXAMPLES, variable: LatentVariable | None = None
) -> StateTable:
    """Trace up to ``size`` held-out examples through ``part``, teacher-forced on their references."""
    from seqviz.training.batching import CopyPair
    from seqviz.training.workflows import validation_examples, validation_pairs

    variable = variable or variable_of(checkpoint)
    variable.of(_probe_example(variable), part)  # refuses a part the variable is not defined on
    size = min(max(size, 2), MAX_EXAMPLES)
    examples = validation_examples(checkpoint, size)
    pairs = validation_pairs(checkpoint, size)
    model = hookable_copy(checkpoint.model)  # hooks never touch the shared, cached model
    was_training = model.training
    model.eval()
    rows, values, owners = [], [], []
    first: tuple[list[str], list[float | None], torch.Tensor] | None = None
    try:
        for number, (example, pair) in enumerate(zip(examples, pairs, strict=True)):
            extended = pair.source_extended if isinstance(pair, CopyPair) else None
            traced = model.trace(pair[0], pair[1], source_extended=extended)
            trace = traced.encoder if part == "encoder" else traced.decoder
            states = state_matrix(trace).double().cpu()
            step_values = variable.of(example, part)
            if len(step_values) != states.shape[0]:
                raise InputError(
                    f"{variable.name} has {len(step_values)} steps but the {part} took {states.shape[0]}",
                    code="units.steps",
                )
            if first is None:
                ids = pair[0] if part == "encoder" else [1, *pair[1][:-1]]
                vocab = checkpoint.source_vocab if part == "encoder" else checkpoint.target_vocab
                first = ([vocab.token_of(i) for i in ids], step_values, states)
            defined = [t for t, value in enumerate(step_values) if value is not None]
            rows.append(states[defined])
            values += [step_values[t] for t in defined]
            owners += [number] * len(defined)
    finally:
        model.train(was_training)
    assert first is not None
    return StateTable(
        units_of(trace),
        torch.cat(rows),
        torch.tensor(values, dtype=torch.float64),
        torch.tensor(owners),
        *first,
    )


def variable_of(checkpoint: Checkpoint) -> LatentVariable:
    require_rnn(checkpoint, "the units study (hidden and cell units of an RNN)")
    if checkpoint.kind != "seq2seq":
        raise InputError(
            f"{checkpoint.name} is not a seq2seq model; units are studied on a task's encoder and decoder",
            code="units.not_seq2seq",
        )
    return latent_variable(checkpoint.task.name or "")


def _probe_example(variable: LatentVariable):
    """A well-formed example of the variable's task, only to ask it whether a part is defined."""
    from seqviz.data.tasks import Example

    samples = {"dates": Example("5 Mar 2021", "2021-03-05"), "addition": Example("57+86", "143")}
    return samples.get(variable.task, Example("abc", "cba"))


# -------------------------------------------------------------------------------- correlation, probe


def correlations(states: torch.Tensor, values: torch.Tensor) -> torch.Tensor:
    """Pearson ``r`` of every column of ``states`` ``[N, U]`` with ``values`` ``[N]``; 0 where either is
    constant (numpy's corrcoef gives nan there: a unit that never moves tracks nothing)."""
    x = states.double() - states.double().mean(0)
    z = values.double() - values.double().mean()
    denominator = torch.sqrt((x * x).sum(0) * (z * z).sum())
    r = (x * z[:, None]).sum(0) / denominator
    return torch.where(denominator > 0, r, torch.zeros_like(r))


def rank_units(units: Sequence[UnitRef], r: torch.Tensor) -> tuple[UnitCorrelation, ...]:
    """Units by ``|r|``, largest first; ties keep the units' order, so the ranking is deterministic."""
    values = r.tolist()
    order = sorted(range(len(values)), key=lambda i: (-abs(values[i]), i))
    return tuple(UnitCorrelation(units[i], values[i]) for i in order)


def split_examples(examples: int, seed: int = 0) -> tuple[list[int], list[int]]:
    """Example indices for training and held out (a quarter, at least one of each)."""
    order = list(range(examples))
    random.Random(seed).shuffle(order)
    held = min(max(1, round(examples * HELD_OUT_SHARE)), examples - 1)
    return sorted(order[held:]), sorted(order[:held])


def fit_probe(
    states: torch.Tensor, values: torch.Tensor, example_of_step: torch.Tensor, kind: str, seed: int = 0
) -> ProbeResult:
    """A ridge least-squares probe trained on three quarters of the examples, scored on the rest."""
    examples = int(example_of_step.max()) + 1
    if examples < 2:
        raise InputError("a probe needs at least two examples: one to fit, one to test", code="units.few")
    train_ids, held_ids = split_examples(examples, seed)
    train = torch.isin(example_of_step, torch.tensor(train_ids))
    x, z = states.double(), values.double()
    mean, std = x[train].mean(0), x[train].std(0, unbiased=False)
    x = (x - mean) / torch.where(std > 0, std, torch.ones_like(std))
    x = torch.cat([x, torch.ones(len(x), 1, dtype=x.dtype)], 1)  # the intercept
    if kind == "category":
        weights = _logistic(x[train], z[train].long(), int(z.max()) + 1)
    else:
        xt = x[train]
        penalty = RIDGE * torch.eye(xt.shape[1], dtype=x.dtype)
        penalty[-1, -1] = 0.0  # the intercept is not shrunk
        weights = torch.linalg.solve(
            xt.T @ xt + penalty, xt.T @ z[train, None]
        )  # (X^T X + lambda I)^-1 X^T z
    predicted, truth = x[~train] @ weights, z[~train]
    majority = torch.mode(z[train]).values
    r2 = None
    if kind == "category":
        accuracy = float(predicted.argmax(1).double().eq(truth).double().mean())
    else:
        accuracy = float(predicted[:, 0].round().eq(truth).double().mean())
        total = ((truth - truth.mean()) ** 2).sum()
        r2 = float(1 - ((truth - predicted[:, 0]) ** 2).sum() / total) if total > 0 else 0.0
    return ProbeResult(
        kind=kind,
        train_examples=len(train_ids),
        held_out_examples=len(held_ids),
        held_out_steps=int((~train).sum()),
        accuracy=accuracy,
        baseline_accuracy=float(truth.eq(majority).double().mean()),
        r2=r2,
    )


def _logistic(x: torch.Tensor, classes: torch.Tensor, count: int) -> torch.Tensor:
    """``W`` of ``softmax(x W)`` minimising the mean cross-entropy plus ``RIDGE / N * |W|^2`` (the intercept,
    ``x``'s last column, not shrunk): L-BFGS from zero, so the same data give the same probe."""
    weights = torch.zeros(x.shape[1], count, dtype=x.dtype, requires_grad=True)
    optimizer = torch.optim.LBFGS([weights], max_iter=200, tolerance_grad=1e-9, line_search_fn="strong_wolfe")

    def loss() -> torch.Tensor:
        optimizer.zero_grad()
        value = nn.functional.cross_entropy(x @ weights, classes)
        value = value + RIDGE / len(x) * (weights[:-1] ** 2).sum()
        value.backward()
        return value

    with torch.enable_grad():
        optimizer.step(loss)
    return weights.detach()


def units_report(
    checkpoint: Checkpoint,
    part: str = "decoder",
    size: int = DEFAULT_EXAMPLES,
    chosen_class: str | None = None,
    top: int = TOP_UNITS,
    seed: int = 0,
) -> UnitsReport:
    """Rank every unit of ``part`` by correlation with the checkpoint's task's latent variable, probe it, and
    keep the top units' rows on the first example for the heatmap."""
    variable = variable_of(checkpoint)
    table = collect_states(checkpoint, part, size, variable)
    indicator = table.values
    if variable.kind == "category":
        chosen_class = chosen_class or variable.classes[0]
        if chosen_class not in variable.classes:
            raise InputError(
                f"{variable.name} has the classes {', '.join(variable.classes)}, not {chosen_class!r}",
                code="units.class",
            )
        indicator = table.values.eq(variable.classes.index(chosen_class)).double()
    else:
        chosen_class = None
    ranking = rank_units(table.units, correlations(table.states, indicator))
    columns = [table.units.index(entry.unit) for entry in ranking[:top]]
    return UnitsReport(
        checkpoint=checkpoint.name,
        task=variable.task,
        variable=variable.name,
        kind=variable.kind,
        classes=variable.classes,
        part=part,
        chosen_class=chosen_class,
        examples=int(table.example_of_step.max()) + 1,
        steps=len(table.values),
        ranking=ranking,
        probe=fit_probe(table.states, table.values, table.example_of_step, variable.kind, seed),
        example_tokens=tuple(table.first_tokens),
        example_values=tuple(table.first_values),
        example_states=tuple(tuple(table.first_states[:, c].tolist()) for c in columns),
    )


# ------------------------------------------------------------------------------------------- ablation


@contextmanager
def units_clamped(rnn: nn.RNNBase, units: Sequence[UnitRef], value: float = 0.0) -> Iterator[None]:
    """While inside, what ``rnn`` hands on has ``units`` set to ``value``: ``h[u]`` of a layer in the carried
    state (and in the output, for the top layer), ``c[u]`` in the carried cell state."""
    top = rnn.num_layers - 1
    for unit in units:
        if unit.direction != 0 or not 0 <= unit.layer <= top or not 0 <= unit.index < rnn.hidden_size:
            raise InputError(f"the decoder has no unit {unit.label}", code="units.no_unit", unit=unit.label)
        if unit.quantity == CELL_STATE and not isinstance(rnn, nn.LSTM):
            raise InputError("only an LSTM has a cell state c_t to clamp", code="units.no_cell")

    def hook(module, args, output):
        out, state = output
        out = out.clone()
        hidden, cell = (
            (state[0].clone(), state[1].clone()) if isinstance(state, tuple) else (state.clone(), None)
        )
        for unit in units:
            if unit.quantity == CELL_STATE:
                cell[unit.layer, :, unit.index] = value
                continue
            hidden[unit.layer, :, unit.index] = value
            if unit.layer == top:
                out[..., unit.index] = value
        return out, (hidden, cell) if cell is not None else hidden

    handle = rnn.register_forward_hook(hook)
    try:
        yield
    finally:
        handle.remove()


@dataclass(frozen=True)
class AblationChange:
    source: str
    reference: str
    before: str
    after: str


@dataclass(frozen=True)
class AblationReport:
    checkpoint: str
    units: tuple[UnitRef, ...]
    value: float
    examples: int
    exact_match_before: float
    exact_match_after: float
    changed: int  # outputs that differ after the clamp
    changes: tuple[AblationChange, ...]  # the first few of them


@torch.no_grad()
def ablate_units(
    checkpoint: Checkpoint,
    units: Sequence[UnitRef],
    value: float = 0.0,
    size: int = DEFAULT_EXAMPLES,
    keep_changes: int = 20,
    batch_size: int = 64,
    progress: Callable[[int, int], None] | None = None,
) -> AblationReport:
    """Greedy decoding of up to ``size`` held-out examples, with and without ``units`` of the decoder
    clamped to ``value``: exact match before and after, and which outputs changed."""
    from seqviz.data.tokenizers import get_tokenizer
    from seqviz.data.vocab import EOS_ID
    from seqviz.explain.interventions import output_rows
    from seqviz.inference import default_max_len
    from seqviz.training.batching import CopyPair, fixed_batches
    from seqviz.training.workflows import validation_examples, validation_pairs

    require_rnn(checkpoint, "clamping decoder units")
    if checkpoint.kind != "seq2seq":
        raise InputError(f"{checkpoint.name} has no decoder to ablate", code="units.not_seq2seq")
    size = min(max(size, 1), MAX_EXAMPLES)
    examples, pairs = validation_examples(checkpoint, size), validation_pairs(checkpoint, size)
    model = hookable_copy(checkpoint.model)  # hooks never touch the shared, cached model
    detokenize = get_tokenizer(checkpoint.target_tokenizer).detokenize
    was_training = model.training
    model.eval()
    exact_before = exact_after = changed = 0
    changes: list[AblationChange] = []
    done = 0
    try:
        device = next(model.parameters()).device
        for indices, batch in fixed_batches(pairs, batch_size, device):
            args = (batch.source, batch.source_lengths, default_max_len(batch.source.size(1)))
            before = output_rows(model.greedy(*args, batch.source_extended))
            with units_clamped(model.decoder.rnn, units, value):
                after = output_rows(model.greedy(*args, batch.source_extended))
            for row, index in enumerate(indices):
                reference = pairs[index][1]
                exact_before += before[row] == reference and UNK_ID not in reference
                exact_after += after[row] == reference and UNK_ID not in reference
                if before[row] != after[row]:
                    changed += 1
                    if len(changes) < keep_changes:
                        pair = pairs[index]
                        vocab = (
                            pair.output_vocab(checkpoint.target_vocab)
                            if isinstance(pair, CopyPair)
                            else (checkpoint.target_vocab)
                        )

                        def text(ids: list[int], vocab=vocab) -> str:
                            return detokenize(vocab.decode([i for i in ids if i != EOS_ID]))

                        changes.append(
                            AblationChange(examples[index].source, text(reference), text(before[row]),
                                           text(after[row]))
                        )  # fmt: skip
            done += batch.size
            if progress is not None:
                progress(done, len(pairs))
    finally:
        model.train(was_training)
    return AblationReport(
        checkpoint.name,
        tuple(units),
        float(value),
        len(pairs),
        exact_before / len(pairs),
        exact_after / len(pairs),
        changed,
        tuple(changes),
    )
