"""Steps that complete on what the model does, not on a click: "train until the loss is below 0.5", "force a
token that changes the rest of the output", "find a unit whose forget gate stays above 0.9".

Each event reads one plain observation of the step's live view (built by ``seqviz.lessons.observe`` from the
same objects the view draws) and says whether it happened and how far along the student is. Pure functions:
no torch, no streamlit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class TrainingObservation:
    """The losses a training run started in the step has reported so far (mean cross-entropy per target
    token over each log window), and whether the run has ended."""

    losses: tuple[float, ...]
    finished: bool = False


@dataclass(frozen=True)
class DecodingObservation:
    """The decoding stepper's path: the model's own greedy output (to the end), the output with the
    student's forced tokens (each forced position, then greedy to the end), and which positions were
    forced (0-based output positions)."""

    greedy: tuple[str, ...]
    forced_output: tuple[str, ...]
    forced_positions: tuple[int, ...]


@dataclass(frozen=True)
class GateObservation:
    """The forget gate of every unit at every step of the input (``[step][unit]``; None for a model
    without one: a GRU or a plain RNN), and the unit the student has chosen."""

    forget: tuple[tuple[float, ...], ...] | None
    chosen_unit: int


@dataclass(frozen=True)
class EventProgress:
    """Whether the event happened, and the number a student watches on the way (the latest loss, how many
    units qualify), for the page to say in its own language."""

    done: bool
    value: float | None = None
    goal: float | None = None
    count: int | None = None  # e.g. how many units would complete the step


@dataclass(frozen=True)
class Event:
    """An event: the views it happens in, a check of its parameters (None when fine, else the problem),
    and the rule that reads an observation."""

    views: tuple[str, ...]
    check: Callable[[Mapping[str, Any]], str | None]
    evaluate: Callable[[Any, Mapping[str, Any]], EventProgress]


def _threshold_check(low: float, high: float) -> Callable[[Mapping[str, Any]], str | None]:
    def check(params: Mapping[str, Any]) -> str | None:
        unknown = set(params) - {"threshold"}
        if unknown:
            return f"unknown parameter {sorted(unknown)[0]!r} (it takes 'threshold')"
        value = params.get("threshold")
        if isinstance(value, bool) or not isinstance(value, int | float):
            return "'threshold' must be a number"
        if not low < value < high:
            return f"'threshold' must lie between {low} and {high} (got {value})"
        return None

    return check


def _no_params(params: Mapping[str, Any]) -> str | None:
    return f"unknown parameter {sorted(params)[0]!r} (it takes none)" if params else None


def loss_below(observation: TrainingObservation, params: Mapping[str, Any]) -> EventProgress:
    """Done once the latest reported loss is below the threshold: the latest, not the lowest, so one lucky
    window of a noisy curve does not count."""
    goal = float(params["threshold"])
    latest = observation.losses[-1] if observation.losses else None
    return EventProgress(done=latest is not None and latest < goal, value=latest, goal=goal)


def forced_change(observation: DecodingObservation, params: Mapping[str, Any]) -> EventProgress:
    """Done when some forced token changed what the model wrote *after* it: the output past the first
    forced position differs from the greedy output past that position. A forced token that merely replaces
    one token and lets the rest continue as before does not count: the point is that one choice steers the
    whole continuation."""
    if not observation.forced_positions:
        return EventProgress(done=False, count=0)
    first = min(observation.forced_positions)
    after_forced = observation.forced_output[first + 1 :]
    after_greedy = observation.greedy[first + 1 :]
    changed = sum(
        1 for i in range(max(len(after_forced), len(after_greedy)))
        if _at(after_forced, i) != _at(after_greedy, i)
    )  # fmt: skip
    return EventProgress(done=changed > 0, count=changed)


def _at(tokens: Sequence[str], i: int) -> str | None:
    return tokens[i] if i < len(tokens) else None


def forget_gate_above(observation: GateObservation, params: Mapping[str, Any]) -> EventProgress:
    """Done when the chosen unit's forget gate stays above the threshold at every step of the input: a
    unit that keeps its cell state, the conveyor belt. ``count`` says how many units would do, so a
    student who has not found one knows there is one to find (or that this input has none)."""
    goal = float(params["threshold"])
    if observation.forget is None or not observation.forget:
        return EventProgress(done=False, goal=goal, count=0)
    units = len(observation.forget[0])
    lowest = [min(row[unit] for row in observation.forget) for unit in range(units)]
    qualifying = sum(1 for value in lowest if value > goal)
    chosen = observation.chosen_unit
    value = lowest[chosen] if 0 <= chosen < units else None
    return EventProgress(done=value is not None and value > goal, value=value, goal=goal, count=qualifying)


EVENTS: Mapping[str, Event] = {
    "loss_below": Event(("train",), _threshold_check(0.0, 100.0), loss_below),
    "forced_change": Event(("decoding.stepper",), _no_params, forced_change),
    "forget_gate_above": Event(
        ("gates.step", "gates.heatmaps"), _threshold_check(0.0, 1.0), forget_gate_above
    ),
}


def evaluate(event: str, observation: Any, params: Mapping[str, Any]) -> EventProgress:
    """How far the event has come on ``observation`` (``event`` is a name in ``EVENTS``)."""
    return EVENTS[event].evaluate(observation, params)
