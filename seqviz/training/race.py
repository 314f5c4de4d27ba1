"""RNN vs Transformer: the two recipes the course's comparison trains, at the same size, the same way.

The "RNN vs Transformer" page and the benchmark's ``transformer_*_vs_rnn`` rows both train these, so "the
same sizes" means one thing: an LSTM with Bahdanau attention whose embeddings and hidden state have
``width`` numbers, against a Transformer whose every token vector has ``d_model = width`` numbers (2 layers,
4 heads, the paper's ``d_ff = 4 d_model``). Each keeps the learning rate and warm-up it trains well with
(``ARCH_TRAINING``: the Transformer a smaller rate after a longer warm-up); everything else (batch, seed,
evaluation schedule, time budget, threads) is shared.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from seqviz.training.config import ARCH_TRAINING, LIVE_TRAINING, ModelChoice, TrainConfig

RNN, TRANSFORMER = "rnn", "transformer"
ARCHES = (RNN, TRANSFORMER)
RACE_WIDTH = 64  # RNN hidden = embedding = Transformer d_model
RACE_EVAL_EVERY = 25  # updates between evaluations: time to 90% is known to within this many updates
RACE_EVAL_SIZE = 200


@dataclass(frozen=True)
class Recipe:
    """One contestant: its model and the learning-rate schedule it trains with."""

    arch: str
    choice: ModelChoice
    learning_rate: float
    warmup_steps: int
    bucket_pool: int

    def train_config(self, seconds: float, seed: int = 0, **overrides: object) -> TrainConfig:
        """The run's settings: a time budget, the shared evaluation schedule, this recipe's learning rate."""
        base = replace(
            LIVE_TRAINING,
            steps=None,
            max_seconds=seconds,
            eval_every=RACE_EVAL_EVERY,
            eval_size=RACE_EVAL_SIZE,
            probe_every=0,
            seed=seed,
        )
        schedule = {"learning_rate": self.learning_rate, "warmup_steps": self.warmup_steps}
        return replace(base, **schedule, bucket_pool=self.bucket_pool, **overrides)


def recipes(width: int = RACE_WIDTH) -> dict[str, Recipe]:
    """The RNN and the Transformer of the comparison, ``width`` numbers per token vector each."""
    return {
        RNN: Recipe(
            RNN,
            ModelChoice(cell="lstm", attention="bahdanau", embedding_size=width, hidden_size=width),
            **ARCH_TRAINING[RNN],
        ),
        TRANSFORMER: Recipe(
            TRANSFORMER,
            ModelChoice(arch=TRANSFORMER, hidden_size=width, num_layers=2, num_heads=4),
            **ARCH_TRAINING[TRANSFORMER],
        ),
    }
