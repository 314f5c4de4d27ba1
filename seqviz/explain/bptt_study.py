"""Full vs truncated backpropagation through time, measured on two language models trained side by side.

Both runs read the same text, the same random windows (same seed) and make the same number of updates;
the only difference is ``bptt``: ``None`` back-propagates through the whole window, ``k`` detaches the
state every k steps (``seqviz.training.trainer.LanguageModelTrainer``). For each trained model, ``reach`` is
``||dL/dh_t||`` over a window with the same truncation the run trained with, so the page can show how far
back a training gradient actually travels (exactly zero beyond k steps when truncated).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from seqviz.checkpoints.history import StepReport
from seqviz.checkpoints.store import Checkpoint
from seqviz.errors import InputError

MAX_TEXT_CHARS = 1_000_000
MIN_TEXT_CHARS = 400


@dataclass(frozen=True)
class BpttSettings:
    k: int = 8  # truncation length of the truncated run
    steps: int = 150
    sequence_length: int = 64
    batch_size: int = 32
    hidden_size: int = 64
    cell: str = "lstm"
    seed: int = 0

    def __post_init__(self) -> None:
        if not 1 <= self.k < self.sequence_length:
            raise InputError(f"k must be between 1 and {self.sequence_length - 1}, got {self.k}")
        if not 10 <= self.steps <= 2000:
            raise InputError(f"the number of updates must be between 10 and 2000, got {self.steps}")


@dataclass
class BpttRun:
    label: str  # "full" or "truncated"
    bptt: int | None
    history: list[StepReport]  # the trainer's reports
    validation_perplexity: float
    reach: list[float]  # ||dL/dh_t|| over one window, t = 0 .. sequence_length-1
    seconds: float
    checkpoint: Checkpoint = field(repr=False)


def bptt_comparison(text: str, settings: BpttSettings = BpttSettings()) -> list[BpttRun]:
    """Train the two language models on ``text`` (the last tenth held out) and measure each one's reach."""
    import time

    import torch

    from seqviz.data.tokenizers import CharTokenizer
    from seqviz.explain.gates import hidden_gradient_norms
    from seqviz.training.trainer import LanguageModelTrainConfig
    from seqviz.training.workflows import LanguageModelChoice, train_language_model

    if not isinstance(text, str) or len(text.strip()) < MIN_TEXT_CHARS:
        raise InputError(
            f"the text needs at least {MIN_TEXT_CHARS} characters to train on",
            code="text.too_short",
            limit=MIN_TEXT_CHARS,
        )
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(
            f"the text is {len(text):,} characters long; the limit is {MAX_TEXT_CHARS:,}",
            code="input.too_long",
            what="text",
            length=len(text),
            limit=MAX_TEXT_CHARS,
        )
    runs = []
    for label, bptt in (("full", None), ("truncated", settings.k)):
        config = LanguageModelTrainConfig(
            steps=settings.steps,
            batch_size=settings.batch_size,
            sequence_length=settings.sequence_length,
            bptt=bptt,
            log_every=5,
            eval_every=max(25, settings.steps // 4),
            warmup_steps=10,
            seed=settings.seed,
        ).validate()
        started = time.perf_counter()
        checkpoint, result = train_language_model(
            text, LanguageModelChoice(cell=settings.cell, hidden_size=settings.hidden_size), config
        )
        seconds = time.perf_counter() - started
        model = checkpoint.model
        window = checkpoint.target_vocab.encode(CharTokenizer().tokenize(text[: settings.sequence_length]))
        with torch.no_grad():
            embedded = model.embedding(torch.tensor(window))
        truncation = None if bptt is None else bptt - 1  # k steps of the chunk hold the gradient: t .. t-k+1
        runs.append(
            BpttRun(
                label=label,
                bptt=bptt,
                history=result.history,
                validation_perplexity=result.final_eval.perplexity if result.final_eval else float("nan"),
                reach=hidden_gradient_norms(model.rnn, embedded, truncation),
                seconds=seconds,
                checkpoint=checkpoint,
            )
        )
    return runs
