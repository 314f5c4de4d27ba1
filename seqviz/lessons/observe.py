"""Observations for lesson events, built from the objects a step's live view has already computed: the
decoding stepper, the gate trace, a training run's history. Kept apart from ``events`` so the rules stay
pure (no torch), and here so that the page and the tests build an observation the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from seqviz.lessons.events import DecodingObservation, GateObservation, TrainingObservation

if TYPE_CHECKING:
    from seqviz.checkpoints.history import StepReport
    from seqviz.explain.decoding import DecodeStepper
    from seqviz.explain.gates import GateView

FOLLOW_LIMIT = 10_000  # follow() stops at <eos> or the stepper's max_len long before this


def decoding_observation(stepper: DecodeStepper) -> DecodingObservation:
    """The stepper's forced tokens, the output they lead to when decoding goes on greedily to the end, and
    the model's own greedy output, each from a fresh stepper (the page's stepper is left where it is)."""
    from seqviz.explain.decoding import replay

    forced = stepper.forced
    greedy = replay(stepper.checkpoint, stepper.text, {}, FOLLOW_LIMIT).output_tokens
    steered = (
        replay(stepper.checkpoint, stepper.text, forced, FOLLOW_LIMIT).output_tokens if forced else greedy
    )
    return DecodingObservation(
        greedy=tuple(greedy),
        forced_output=tuple(steered),
        forced_positions=tuple(sorted(step - 1 for step in forced)),  # 1-based steps -> 0-based positions
    )


def gate_observation(view: GateView, layer: int, direction: int, unit: int) -> GateObservation:
    """The forget gate of every unit of one layer and direction over the input (None for a cell without
    one), and the chosen unit."""
    gates = view.layer(layer, direction).gates
    forget = gates.get("forget")
    if forget is None:
        return GateObservation(None, unit)
    rows = forget[0].detach().cpu().double().tolist()  # [T][hidden] of the one input
    return GateObservation(tuple(tuple(row) for row in rows), unit)


def training_observation(history: Sequence[StepReport], finished: bool) -> TrainingObservation:
    return TrainingObservation(tuple(float(report.loss) for report in history), finished)
