"""RNN vs Transformer, measured: the course's comparison table filled in from two trained models.

The course compares the two families on three rows; each is measured here, on the models themselves:

- **training speed** (the RNN is sequential, the Transformer parallel over positions): target tokens/s of
  the training run, as its record says, and the training seconds until validation exact match first
  reached 0.90 (from the run's evaluations; a checkpoint that kept only its final metrics gives a bound);
- **long-range dependencies** (the RNN carries everything through one state, the Transformer reads every
  position directly): greedy exact match by input length, on the *same* generated examples for both, from
  short inputs to lengths beyond any seen in training (the letter tasks train on 4 to 12 letters);
- **interpretability** (the RNN's gates and states, the Transformer's attention heads): which views each
  model offers (``views``), for the page to link to.

The work per request is bounded: at most ``MAX_PER_LENGTH`` examples per length, up to ``MAX_LENGTH``.
Results are plain data; sentences are made by the page in the reader's language.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from seqviz.checkpoints.store import Checkpoint
from seqviz.data.tasks import Example
from seqviz.data.tokenizers import get_tokenizer
from seqviz.errors import InputError
from seqviz.explain.bottleneck import LETTER_TRANSFORMS, exact_match_by_length, length_study
from seqviz.explain.results import LengthBucket
from seqviz.models.shapes import parameter_count

TARGET_EXACT_MATCH = 0.9
MAX_PER_LENGTH = 100
MAX_LENGTH = 40
DEFAULT_PER_LENGTH = 20
DEFAULT_MAX_LENGTH = 24

# Why a time to the target is unknown (``TimeToTarget.reason``), as codes the page words.
NEVER_REACHED = "never_reached"  # evaluated, never at the target
NO_EVALUATIONS = "no_evaluations"  # no evaluation and no final metric to go by
# What a checkpoint's views are: the page keys of ``seqviz.ui.navigation`` (gates: every gate and state of
# the recurrence; attention: the RNN's one attention matrix, or a Transformer's layer x head grid).
RNN_VIEWS = ("gates", "attention")
TRANSFORMER_VIEWS = ("attention",)


@dataclass(frozen=True)
class TimeToTarget:
    """Training seconds until validation exact match first reached ``target``.

    ``seconds`` is the training clock at the first evaluation at or above the target (evaluation time is
    not counted), so it is exact to within one evaluation interval. ``at_most`` is True when only the end
    of training is known (a checkpoint that kept its final metrics but not its evaluations): the target was
    reached by then. ``reason`` says why ``seconds`` is None."""

    target: float
    seconds: float | None
    step: int | None
    exact_match: float | None  # at that evaluation; when never reached, the best seen
    at_most: bool = False
    reason: str | None = None


@dataclass(frozen=True)
class ModelSide:
    """One model of the comparison: what it is, how fast it trained, how it does by input length."""

    name: str
    kind: str  # "seq2seq" (an RNN) or "transformer"
    width: int  # RNN hidden size / Transformer d_model
    layers: int
    heads: int | None  # a Transformer's heads per attention
    cell: str | None  # an RNN's cell
    attention: str | None  # an RNN's attention
    parameters: int
    tokens_per_s: float | None
    training_seconds: float | None
    steps: int | None
    final_exact_match: float | None
    time_to_target: TimeToTarget
    by_length: list[LengthBucket]
    views: tuple[str, ...]


@dataclass(frozen=True)
class Comparison:
    """The course's table for one task: the RNN's side and the Transformer's, measured the same way."""

    task: str
    rnn: ModelSide
    transformer: ModelSide
    training_lengths: tuple[int, int] | None  # the source lengths training saw, in tokens
    generated: bool  # True: inputs made for every length; False: the validation set grouped by length

    @property
    def tokens_per_s_ratio(self) -> float | None:
        """Transformer tokens/s over the RNN's: above 1, the Transformer trained faster per token."""
        return _ratio(self.transformer.tokens_per_s, self.rnn.tokens_per_s)

    @property
    def time_to_target_ratio(self) -> float | None:
        """Transformer seconds to the target over the RNN's: below 1, the Transformer got there sooner. None
        unless both times are measured (a ratio of two bounds says nothing)."""
        rnn, transformer = self.rnn.time_to_target, self.transformer.time_to_target
        if rnn.at_most or transformer.at_most:
            return None
        return _ratio(transformer.seconds, rnn.seconds)


def time_to_exact_match(
    evaluations: Sequence[Mapping[str, float]], target: float = TARGET_EXACT_MATCH
) -> TimeToTarget:
    """The first evaluation (``{"step", "elapsed", "exact_match", ...}``, as the trainer records them) at
    or above ``target``: its training seconds and step."""
    for evaluation in evaluations:
        if evaluation["exact_match"] >= target:
            return TimeToTarget(
                target,
                float(evaluation["elapsed"]),
                int(evaluation["step"]),
                float(evaluation["exact_match"]),
            )
    if not evaluations:
        return TimeToTarget(target, None, None, None, reason=NO_EVALUATIONS)
    best = max(float(evaluation["exact_match"]) for evaluation in evaluations)
    return TimeToTarget(target, None, None, best, reason=NEVER_REACHED)


def time_to_exact_match_recorded(checkpoint: Checkpoint, target: float = TARGET_EXACT_MATCH) -> TimeToTarget:
    """What a checkpoint's record says: when its run first reached 0.90 (recorded since 2026-12), or, for an
    older checkpoint whose final exact match is at or above ``target``, a bound: by its last second
    (``at_most``)."""
    final = checkpoint.metrics.get("exact_match")
    training = checkpoint.training
    if target == 0.9 and training.seconds_to_90 is not None:
        return TimeToTarget(target, training.seconds_to_90, training.step_to_90, None)
    if final is None:
        return TimeToTarget(target, None, None, None, reason=NO_EVALUATIONS)
    if final < target:
        return TimeToTarget(target, None, None, float(final), reason=NEVER_REACHED)
    return TimeToTarget(target, training.seconds, training.steps_so_far or None, float(final), at_most=True)


def model_side(
    checkpoint: Checkpoint,
    by_length: list[LengthBucket],
    evaluations: Sequence[Mapping[str, float]] | None = None,
    target: float = TARGET_EXACT_MATCH,
) -> ModelSide:
    """One side of the table from a checkpoint (shipped, or a finished run's) and, for a run, its
    evaluations (which give the time to the target exactly rather than as a bound)."""
    config = checkpoint.config
    transformer = checkpoint.kind == "transformer"
    reached = (
        time_to_exact_match(evaluations, target)
        if evaluations
        else time_to_exact_match_recorded(checkpoint, target)
    )
    final = checkpoint.metrics.get("exact_match")
    return ModelSide(
        name=checkpoint.name,
        kind=checkpoint.kind,
        width=int(config.d_model if transformer else config.hidden_size),
        layers=int(config.num_layers),
        heads=int(config.num_heads) if transformer else None,
        cell=None if transformer else str(config.cell),
        attention=None if transformer else str(config.attention),
        parameters=parameter_count(config),
        tokens_per_s=checkpoint.training.tokens_per_s,
        training_seconds=checkpoint.training.seconds,
        steps=checkpoint.training.steps_so_far or None,
        final_exact_match=None if final is None else float(final),
        time_to_target=reached,
        by_length=by_length,
        views=TRANSFORMER_VIEWS if transformer else RNN_VIEWS,
    )


def compare_models(
    rnn: Checkpoint,
    transformer: Checkpoint,
    rnn_evaluations: Sequence[Mapping[str, float]] | None = None,
    transformer_evaluations: Sequence[Mapping[str, float]] | None = None,
    per_length: int = DEFAULT_PER_LENGTH,
    max_length: int = DEFAULT_MAX_LENGTH,
) -> Comparison:
    """The table for an RNN and a Transformer trained on the same task: both measured on the same examples
    (``per_length`` of each even length from 2 to ``max_length`` for the letter tasks, else up to
    ``per_length`` of each length from the task's validation set)."""
    check_pair(rnn, transformer)
    if not 1 <= per_length <= MAX_PER_LENGTH:
        raise InputError(f"examples per length must be from 1 to {MAX_PER_LENGTH}, not {per_length}")
    if not 2 <= max_length <= MAX_LENGTH:
        raise InputError(f"the longest input must be from 2 to {MAX_LENGTH} tokens, not {max_length}")
    study = length_study(rnn, per_length=per_length, max_length=max_length)
    examples = study.examples if study.generated else _capped(study.examples, rnn, per_length)
    return Comparison(
        task=str(rnn.task.name),
        rnn=model_side(rnn, exact_match_by_length(rnn, examples), rnn_evaluations),
        transformer=model_side(
            transformer, exact_match_by_length(transformer, examples), transformer_evaluations
        ),
        training_lengths=study.training_lengths,
        generated=study.generated,
    )


def _capped(examples: Sequence[Example], checkpoint: Checkpoint, per_length: int) -> list[Example]:
    """The first ``per_length`` validation examples of each source length (in the model's tokens)."""
    tokenizer = get_tokenizer(checkpoint.source_tokenizer)
    counts: dict[int, int] = defaultdict(int)
    kept = []
    for example in examples:
        length = len(tokenizer.tokenize(example.source))
        if counts[length] < per_length:
            counts[length] += 1
            kept.append(example)
    return kept


def check_pair(rnn: Checkpoint, transformer: Checkpoint) -> None:
    """An RNN seq2seq model and a Transformer of one task, or a clear refusal."""
    if rnn.kind != "seq2seq":
        raise InputError(f"{rnn.name} is not an RNN seq2seq model")
    if transformer.kind != "transformer":
        raise InputError(f"{transformer.name} is not a Transformer")
    if rnn.task.name != transformer.task.name:
        raise InputError(
            f"{rnn.name} was trained on {rnn.task.name!r} and {transformer.name} on "
            f"{transformer.task.name!r}: compare models of one task"
        )


def generates_lengths(task: str) -> bool:
    """Whether inputs of any length can be made for ``task`` (else its validation set is grouped)."""
    return task in LETTER_TRANSFORMS


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    return numerator / denominator if numerator is not None and denominator else None
