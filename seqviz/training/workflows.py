"""Whole jobs built from the parts: train a task into a checkpoint, evaluate a checkpoint on its task.

The CLI, the Train page and the checkpoint builder call these, so "train reverse with LSTM + Bahdanau"
means the same model, data and settings everywhere.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import torch

from seqviz import __version__
from seqviz.checkpoints.provenance import TaskInfo, TrainingInfo
from seqviz.checkpoints.store import Checkpoint
from seqviz.data.tasks import Task, get_task
from seqviz.data.vocab import Vocab
from seqviz.errors import InputError
from seqviz.models import build_model
from seqviz.models.config import TRANSLATION_KINDS
from seqviz.training.batching import EncodedPair, encode_pairs
from seqviz.training.config import ModelChoice
from seqviz.training.evaluation import EvalResult, evaluate_seq2seq
from seqviz.training.lm_evaluation import LanguageModelEval
from seqviz.training.trainer import (
    Seq2SeqTrainer,
    TaskData,
    TrainCallback,
    TrainConfig,
    TrainResult,
    prepare_task_data,
)


def load_corpus_task(path: str | Path) -> Task:
    from seqviz.data.corpus import CorpusTask, load_parallel_corpus

    corpus = load_parallel_corpus(Path(path))
    return CorpusTask(corpus, name=Path(path).stem)


@dataclass
class Seq2SeqTraining:
    """A trainer with the task and data it was built from: what ``train_task`` runs and the Train page runs
    in a background thread, so both train exactly the same thing."""

    task: Task
    data: TaskData
    trainer: Seq2SeqTrainer
    initial: Checkpoint | None = None  # the checkpoint being trained further, if any

    def checkpoint(self, result: TrainResult) -> Checkpoint:
        """The trained model as an (unsaved) checkpoint; a continued run keeps the earlier history."""
        trainer, data, task = self.trainer, self.data, self.task
        config = trainer.config
        device = trainer.device
        earlier_steps = self.initial.training.steps_so_far if self.initial else 0
        history = list(self.initial.history) if self.initial else []
        history += [entry.shifted(earlier_steps) for entry in result.history]
        training = replace(training_record(config, device, result), steps_total=earlier_steps + result.steps)
        return Checkpoint(
            model=copy.deepcopy(trainer.model).to("cpu").eval(),
            config=trainer.model.config,
            target_vocab=data.target_vocab,
            source_vocab=data.source_vocab,
            source_tokenizer=task.source_tokenizer.name,
            target_tokenizer=task.target_tokenizer.name,
            lowercase=_lowercases(task),
            task=self.initial.task if self.initial else task_record(task, config.seed),
            training=training,
            history=history,
            metrics=result.final_eval.as_dict() if result.final_eval else {},
            validation_tsv=self.initial.validation_tsv if self.initial else _validation_tsv(task, config),
        )


def prepare_training(
    task: Task,
    choice: ModelChoice | None,
    train_config: TrainConfig,
    device: torch.device | str = "cpu",
    callbacks: Sequence[TrainCallback] = (),
    initial: Checkpoint | None = None,
    probe_text: str | None = None,
) -> Seq2SeqTraining:
    """Build the data, the model (fresh from ``choice``, or a copy of ``initial``'s to train further) and
    the trainer. ``probe_text`` is the input snapshotted every ``probe_every`` steps (default: the first
    validation source)."""
    torch.manual_seed(train_config.seed)
    random.seed(train_config.seed)
    train_config.validate()
    if initial is not None:
        if initial.kind not in TRANSLATION_KINDS:
            raise InputError(
                f"{initial.name} is a {initial.kind.replace('_', ' ')}; this trains seq2seq models"
            )
        vocabs = (initial.source_vocab, initial.target_vocab)
        data = prepare_task_data(
            task,
            seed=train_config.seed,
            eval_size=train_config.eval_size,
            vocabs=vocabs,
            copy=bool(initial.config.copy),
        )
        model = copy.deepcopy(initial.model).train()
    else:
        if choice is None:
            raise InputError("choose a model or a checkpoint to train")
        data = prepare_task_data(
            task, seed=train_config.seed, eval_size=train_config.eval_size, copy=choice.copy
        )
        model = build_model(choice.config(data.source_vocab, data.target_vocab))
    probe = probe_vocab = None
    if probe_text is not None and probe_text.strip():
        from seqviz.inference import prepare_input

        prepared = prepare_input(
            probe_text, task.source_tokenizer.name, data.source_vocab, _lowercases(task), what="probe input"
        )
        probe = prepared.ids
        if model.config.copy:
            from seqviz.models.copy_vocab import extend_vocab

            probe_vocab = extend_vocab(prepared.tokens, data.target_vocab)
    trainer = Seq2SeqTrainer(
        model,
        data.train_pairs,
        data.validation_pairs,
        data.target_vocab,
        train_config,
        device,
        callbacks,
        probe_source=probe,
        probe_vocab=probe_vocab,
    )
    return Seq2SeqTraining(task, data, trainer, initial)


def train_task(
    task: Task,
    choice: ModelChoice,
    train_config: TrainConfig,
    device: torch.device | str = "cpu",
    callbacks: Sequence[TrainCallback] = (),
) -> tuple[Checkpoint, TrainResult, Seq2SeqTrainer]:
    """Train a fresh model on ``task`` and return it as an (unsaved) checkpoint with its result."""
    training = prepare_training(task, choice, train_config, device, callbacks)
    result = training.trainer.run()
    return training.checkpoint(result), result, training.trainer


def training_record(
    train_config: TrainConfig, device: torch.device | str, result: TrainResult
) -> TrainingInfo:
    """How a checkpoint was trained, as stored in its config.json: the settings and what the run did."""
    reached = next((e for e in result.evaluations if e.get("exact_match", 0.0) >= 0.9), None)
    return TrainingInfo(
        settings=asdict(train_config),
        device=str(device),
        steps_done=result.steps,
        seconds=round(result.elapsed, 2),
        stop_reason=result.stop_reason,
        tokens_per_s=round(result.tokens_per_s, 1),
        seqviz_version=__version__,
        seconds_to_90=None if reached is None else round(float(reached["elapsed"]), 2),
        step_to_90=None if reached is None else int(reached["step"]),
    )


def _lowercases(task: Task) -> bool:
    """Whether inputs must be lower-cased to match training: a corpus loaded with ``lowercase``, or a
    lower-casing tokenizer."""
    corpus = getattr(task, "corpus", None)
    return bool(getattr(corpus, "lowercase", False) or getattr(task.source_tokenizer, "lowercase", False))


def task_record(task: Task, seed: int) -> TaskInfo:
    return TaskInfo(
        name=task.name, seed=seed, description=task.description.get("en", ""), corpus=_is_corpus(task) or None
    )


def _is_corpus(task: Task) -> bool:
    return bool(getattr(task, "is_corpus", False))


def _validation_tsv(task: Task, train_config: TrainConfig) -> str | None:
    """User corpora cannot be regenerated from a seed, so their held-out pairs travel with the model."""
    if not _is_corpus(task):
        return None
    from seqviz.data.corpus import examples_to_tsv

    return examples_to_tsv(task.validation(seed=train_config.seed, size=train_config.eval_size))


def validation_examples(checkpoint: Checkpoint, size: int = 500) -> list:
    """The held-out examples of the checkpoint's task: regenerated from the seed, or stored with it."""
    from seqviz.data.tasks import Example

    if checkpoint.validation_tsv is not None:
        examples = []
        for line in checkpoint.validation_tsv.splitlines():
            if "\t" in line:
                source, target = line.split("\t")[:2]
                examples.append(Example(source, target))
        return examples[:size]
    name = checkpoint.task.name
    if not name:
        raise InputError(f"{checkpoint.name} does not say which task it was trained on")
    return get_task(name).validation(seed=checkpoint.task.seed or 0, size=size)


def validation_pairs(checkpoint: Checkpoint, size: int = 500) -> list[EncodedPair]:
    """A seq2seq checkpoint's held-out examples as the ids its model reads and writes (lowercased when
    the model was trained lowercased; a copy model's pairs in its extended ids)."""
    from seqviz.data.tokenizers import get_tokenizer

    examples = validation_examples(checkpoint, size)
    if not examples:
        raise InputError(f"{checkpoint.name} has no validation examples to evaluate on")
    if checkpoint.lowercase:
        from seqviz.data.tasks import Example

        examples = [Example(e.source.lower(), e.target.lower()) for e in examples]
    return encode_pairs(
        examples,
        get_tokenizer(checkpoint.source_tokenizer),
        get_tokenizer(checkpoint.target_tokenizer),
        checkpoint.source_vocab,
        checkpoint.target_vocab,
        copy=bool(checkpoint.config.copy),
    )


def evaluate_checkpoint(
    checkpoint: Checkpoint, size: int = 500, device: torch.device | str = "cpu"
) -> EvalResult | LanguageModelEval:
    """A seq2seq checkpoint on ``size`` validation examples of its task; a language model on the held-out
    tenth of its corpus (``size`` does not apply: the split is the one its training held out)."""
    if checkpoint.kind == "language_model":
        from seqviz.training.lm_evaluation import evaluate_language_model_checkpoint

        return evaluate_language_model_checkpoint(checkpoint, device)
    if checkpoint.kind not in TRANSLATION_KINDS:
        raise InputError(f"{checkpoint.name} is a {checkpoint.kind}; eval knows seq2seq and language models")
    pairs = validation_pairs(checkpoint, size)
    checkpoint.model.to(device)
    return evaluate_seq2seq(checkpoint.model, pairs, checkpoint.target_vocab, device)


@dataclass
class LanguageModelChoice:
    cell: str = "lstm"
    embedding_size: int = 32
    hidden_size: int = 256
    num_layers: int = 1
    dropout: float = 0.0


def train_language_model(
    text: str,
    choice: LanguageModelChoice,
    train_config,
    device: torch.device | str = "cpu",
    callbacks: Sequence[TrainCallback] = (),
    name: str = "charlm",
    corpus: str | None = None,
) -> tuple[Checkpoint, TrainResult]:
    """Train a character language model on ``text`` (the last tenth held out for perplexity).

    ``corpus`` names a shipped corpus (``seqviz.data.lm_corpus.lm_corpus_text``) that ``text`` is; it is
    recorded so that evaluation and examples later read the same text."""
    from seqviz.data.lm_corpus import split_corpus
    from seqviz.data.tokenizers import CharTokenizer
    from seqviz.models import LanguageModel, LanguageModelConfig
    from seqviz.training.trainer import LanguageModelTrainer

    torch.manual_seed(train_config.seed)
    tokenizer = CharTokenizer()
    train_text, validation_text = split_corpus(text)
    vocab = Vocab.build([tokenizer.tokenize(text)])
    config = LanguageModelConfig(len(vocab), **asdict(choice)).validate()
    model = LanguageModel(config)
    trainer = LanguageModelTrainer(
        model,
        vocab.encode(tokenizer.tokenize(train_text)),
        vocab.encode(tokenizer.tokenize(validation_text)),
        train_config,
        device,
        callbacks,
    )
    result = trainer.run()
    checkpoint = Checkpoint(
        model=trainer.model.to("cpu").eval(),
        config=config,
        target_vocab=vocab,
        source_tokenizer="char",
        target_tokenizer="char",
        task=TaskInfo(
            name=name, description="character language model on the seqviz corpus", lm_corpus=corpus or None
        ),
        training=training_record(train_config, device, result),
        history=result.history,
        metrics=result.final_eval.as_dict() if result.final_eval else {},
    )
    return checkpoint, result
