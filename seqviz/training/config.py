"""What a training run is asked to do: the model (``ModelChoice``) and the training (``TrainConfig``), with
the defaults that the CLI's flags and the Train page's widgets both read, and the one place they differ
(``LIVE_TRAINING``, with why). Plain dataclasses, no torch: ``python -m seqviz train --help`` and the page
build their defaults without loading a model.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING

from seqviz.checkpoints.meta import MAX_SEED
from seqviz.errors import InputError
from seqviz.models.config import Seq2SeqConfig, TransformerConfig

if TYPE_CHECKING:
    from seqviz.data.vocab import Vocab


@dataclass
class TrainConfig:
    steps: int | None = None  # stop after this many updates ...
    max_seconds: float | None = None  # ... or after this much wall time (whichever comes first)
    batch_size: int = 64
    # Batches drawn together and sorted by length before they are shuffled (``bucketed_batches``): 16 puts
    # sentences of one or two lengths in a batch (little padding: what an RNN wants); 1 mixes every length in
    # every batch (what a Transformer wants: see ARCH_TRAINING).
    bucket_pool: int = 16
    learning_rate: float = 5e-3
    warmup_steps: int = 30  # linear warm-up: Adam's first steps are the least reliable
    clip_norm: float = 1.0
    teacher_forcing: float = 1.0  # probability of feeding the reference token
    teacher_forcing_final: float | None = None  # if set, decays linearly to this by the end of the budget
    coverage_weight: float = 1.0
    seed: int = 0
    log_every: int = 10
    eval_every: int = 250
    eval_size: int = 500
    probe_every: int = 0  # snapshot the probe input's attention and gates every K updates (0: never)
    target_exact_match: float | None = None  # early stop once validation exact match reaches this
    divergence_factor: float = 20.0

    def validate(self) -> TrainConfig:
        if self.steps is None and self.max_seconds is None:
            raise InputError("give a number of steps or a time budget in seconds")
        if self.steps is not None and not 1 <= self.steps <= 10_000_000:
            raise InputError(f"steps must be from 1 to 10,000,000, not {self.steps}")
        if self.max_seconds is not None and not 0 < self.max_seconds <= 7 * 24 * 3600:
            raise InputError(f"max_seconds must be positive and at most a week, not {self.max_seconds}")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or not 0 <= self.seed <= MAX_SEED:
            raise InputError(f"the seed must be a whole number from 0 to {MAX_SEED:,}, not {self.seed}")
        if not 1 <= self.batch_size <= 4096:
            raise InputError(f"batch size must be from 1 to 4096, not {self.batch_size}")
        pool = self.bucket_pool
        if isinstance(pool, bool) or not isinstance(pool, int) or not 1 <= pool <= 256:
            raise InputError(f"bucket_pool must be a whole number from 1 to 256, not {self.bucket_pool!r}")
        if not 0 < self.learning_rate <= 10:
            raise InputError(f"learning rate must be in (0, 10], not {self.learning_rate}")
        for name in ("teacher_forcing", "teacher_forcing_final"):
            value = getattr(self, name)
            if value is not None and not 0.0 <= value <= 1.0:
                raise InputError(f"{name.replace('_', ' ')} must be between 0 and 1, not {value}")
        if self.probe_every < 0:
            raise InputError(f"probe_every must be 0 (off) or a number of steps, not {self.probe_every}")
        return self


ARCHITECTURES = ("rnn", "transformer")


@dataclass
class ModelChoice:
    """What a user picks for a seq2seq model; the vocabularies come from the data.

    ``arch`` picks the family. An RNN reads ``cell`` .. ``coverage``; a Transformer reads ``hidden_size`` as
    its ``d_model`` (so "same size" means the same width of every token vector in both), ``num_layers``
    (encoder and decoder layers each), ``num_heads`` and ``dropout``, with the paper's ``d_ff = 4 d_model``.
    The RNN-only fields must keep their defaults for a Transformer: a choice that asks for a copy mechanism
    or a bidirectional encoder the model does not have is refused, not silently dropped.
    """

    cell: str = "lstm"
    attention: str = "bahdanau"
    embedding_size: int = 64
    hidden_size: int = 128
    num_layers: int = 1
    bidirectional: bool = False
    dropout: float = 0.0
    copy: bool = False
    coverage: bool = False
    arch: str = "rnn"
    num_heads: int = 4

    def validate(self) -> ModelChoice:
        """Check the choice before any data is built, so a bad flag fails at once."""
        if self.arch not in ARCHITECTURES:
            raise InputError(f"arch must be one of {', '.join(ARCHITECTURES)}, not {self.arch!r}")
        if self.arch == "transformer":
            unsupported = [name for name in ("bidirectional", "copy", "coverage") if getattr(self, name)]
            if unsupported:
                raise InputError(
                    f"the Transformer has no {' / '.join(unsupported)} option: those belong to the RNN models"
                )
            self._transformer_config(10, 10)
        else:
            Seq2SeqConfig(10, 10, **{**self._rnn_fields(), "copy": False}).validate()
        return self

    def config(self, source_vocab: Vocab, target_vocab: Vocab) -> Seq2SeqConfig | TransformerConfig:
        if self.arch == "transformer":
            return self._transformer_config(len(source_vocab), len(target_vocab))
        mapping = (
            [target_vocab.id_of(source_vocab.token_of(i)) for i in range(len(source_vocab))]
            if self.copy
            else None
        )
        return Seq2SeqConfig(
            len(source_vocab), len(target_vocab), source_to_target=mapping, **self._rnn_fields()
        ).validate()

    def _rnn_fields(self) -> dict:
        fields = asdict(self)
        del fields["arch"], fields["num_heads"]
        return fields

    def _transformer_config(self, source_size: int, target_size: int) -> TransformerConfig:
        return TransformerConfig(
            source_size,
            target_size,
            d_model=self.hidden_size,
            num_heads=self.num_heads,
            num_layers=self.num_layers,
            d_ff=4 * self.hidden_size,
            dropout=self.dropout,
        ).validate()


DEFAULT_MODEL = ModelChoice()
DEFAULT_TRAINING = TrainConfig()

# What each architecture trains well with (measured 2026-12-04, 2 cores, reverse, the race's same-size pair).
# The Transformer at the RNNs' 5e-3 swings between good and useless evaluations; at 1e-3-2e-3 after a
# 100-update warm-up it still swung (0.84 -> 0.36 -> 0.89 in 50 updates) and needed 650-775 updates to 90%
# while batches held one or two lengths each, and a loss spike could end a race run at the divergence guard.
# With every length mixed in every batch (bucket_pool 1) it reached 90% at update 325 (2e-3) or 375 (1e-3):
# a batch of one length pulls its positional attention toward that length, the next batch pulls elsewhere.
# Learning rate and Adam's beta2 (0.98, the paper's) mattered far less. The RNN keeps sorted batches: it pays
# for padding step by step, and learns fine from them.
ARCH_TRAINING = {
    "rnn": {
        "learning_rate": DEFAULT_TRAINING.learning_rate,
        "warmup_steps": DEFAULT_TRAINING.warmup_steps,
        "bucket_pool": DEFAULT_TRAINING.bucket_pool,
    },
    "transformer": {"learning_rate": 1e-3, "warmup_steps": 100, "bucket_pool": 1},
}


def training_defaults(arch: str) -> TrainConfig:
    """The CLI's training defaults for ``arch`` (its learning rate and warm-up)."""
    return replace(DEFAULT_TRAINING, **ARCH_TRAINING[arch])


# The Train page trains in front of a class: a budget that ends within a minute or two on a CPU (300 updates;
# 200 more when continuing a checkpoint), evaluation five times as often as the CLI's 250 on a smaller
# validation sample (the curve moves while people watch), a report every 5 updates, and probe snapshots
# every 10. Everything else is the CLI's default.
LIVE_TRAINING = replace(
    DEFAULT_TRAINING, steps=300, eval_every=50, eval_size=200, log_every=5, probe_every=10
)
LIVE_CONTINUE_STEPS = 200
