"""Questions the live models answer: the right choice of a predict-then-reveal question, measured, not
written into the lesson.

"Which model keeps its exact match on 12-letter inputs?" is answered by running each choice's model on
held-out inputs of that length, the same measurement the Attention page's bottleneck tab draws. A lecturer
who retrains a model gets the answer of the model in front of the hall.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from seqviz.checkpoints.store import Checkpoint

MAX_LENGTH = 40
MAX_EXAMPLES = 200


@dataclass(frozen=True)
class MeasureResult:
    """One number per choice (in the order of the choices) and which choices are right (every choice
    tied with the best: a tie is reported, not broken by the order of the list)."""

    values: tuple[float, ...]
    right: frozenset[int]
    examples: int  # how many inputs each number was measured on


@dataclass(frozen=True)
class Measure:
    check: Callable[[Mapping[str, Any], int], str | None]  # (params, number of choices) -> problem or None
    compute: Callable[[Mapping[str, Any], Callable[[str], Checkpoint]], MeasureResult]


def _check_best_exact_match(params: Mapping[str, Any], choices: int) -> str | None:
    unknown = set(params) - {"checkpoints", "length", "examples"}
    if unknown:
        return f"unknown parameter {sorted(unknown)[0]!r} (it takes checkpoints, length, examples)"
    names = params.get("checkpoints")
    if not isinstance(names, list) or not all(isinstance(name, str) and name for name in names):
        return "'checkpoints' must be a list of checkpoint names, one per choice"
    if len(names) != choices:
        return f"{len(names)} checkpoints for {choices} choices: give one checkpoint per choice"
    length = params.get("length")
    if isinstance(length, bool) or not isinstance(length, int) or not 1 <= length <= MAX_LENGTH:
        return f"'length' must be a whole number from 1 to {MAX_LENGTH}"
    examples = params.get("examples", 40)
    if isinstance(examples, bool) or not isinstance(examples, int) or not 5 <= examples <= MAX_EXAMPLES:
        return f"'examples' must be a whole number from 5 to {MAX_EXAMPLES}"
    return None


def best_exact_match(params: Mapping[str, Any], load: Callable[[str], Checkpoint]) -> MeasureResult:
    """Each choice's checkpoint decodes the same held-out inputs of ``length`` letters (greedy); the right
    choices are those with the highest exact match. The checkpoints must share a letter task."""
    from seqviz.errors import InputError
    from seqviz.explain.bottleneck import exact_match_by_length, letter_examples

    checkpoints = [load(name) for name in params["checkpoints"]]
    tasks = {checkpoint.task.name or "" for checkpoint in checkpoints}
    if len(tasks) != 1:
        raise InputError(
            f"the models answer different tasks ({', '.join(sorted(tasks))}): nothing to compare"
        )
    examples = letter_examples(tasks.pop(), [int(params["length"])], int(params.get("examples", 40)))
    values = tuple(exact_match_by_length(checkpoint, examples)[0].exact_match for checkpoint in checkpoints)
    best = max(values)
    return MeasureResult(
        values, frozenset(i for i, value in enumerate(values) if value == best), len(examples)
    )


MEASURES: Mapping[str, Measure] = {
    "best_exact_match": Measure(_check_best_exact_match, best_exact_match),
}


def compute(name: str, params: Mapping[str, Any], load: Callable[[str], Checkpoint]) -> MeasureResult:
    """The answer of measure ``name`` (a name in ``MEASURES``) on the live checkpoints ``load`` gives."""
    return MEASURES[name].compute(params, load)
