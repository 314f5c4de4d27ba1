"""The context-vector bottleneck, measured: exact match as a function of input length.

Without attention the decoder sees the input only through the encoder's final state, a fixed-size vector
however long the input; with attention it reads every encoder state. The difference shows as accuracy
against length, most clearly past the lengths seen in training. For the letter tasks (copy, reverse,
sort) inputs of any length can be generated; for other tasks the validation set is grouped by length.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from seqviz.checkpoints.store import Checkpoint
from seqviz.data.tasks import LETTERS, Example, is_held_out
from seqviz.data.tokenizers import get_tokenizer
from seqviz.errors import InputError
from seqviz.explain.results import LengthBucket
from seqviz.models.config import TRANSLATION_KINDS
from seqviz.training.batching import encode_pairs
from seqviz.training.evaluation import evaluate_seq2seq

LETTER_TRANSFORMS = {
    "copy": lambda text: text,
    "reverse": lambda text: text[::-1],
    "sort": lambda text: "".join(sorted(text)),
}
TRAINING_LENGTHS = (4, 12)  # the letter tasks train on 4-12 letters


def letter_examples(task: str, lengths: Sequence[int], per_length: int, seed: int = 0) -> list[Example]:
    """``per_length`` held-out strings of each length (never a training source), with their targets."""
    if task not in LETTER_TRANSFORMS:
        raise InputError(f"inputs of any length can be made for {', '.join(LETTER_TRANSFORMS)}, not {task!r}")
    transform = LETTER_TRANSFORMS[task]
    rng = random.Random(f"bottleneck/{task}/{seed}")
    examples = []
    for length in lengths:
        seen: set[str] = set()
        for _ in range(100 * per_length):
            if len(seen) >= per_length:
                break
            text = "".join(rng.choice(LETTERS) for _ in range(length))
            if text in seen or (
                TRAINING_LENGTHS[0] <= length <= TRAINING_LENGTHS[1] and not is_held_out(task, text)
            ):
                continue
            seen.add(text)
            examples.append(Example(text, transform(text)))
    return examples


def exact_match_by_length(checkpoint: Checkpoint, examples: Sequence[Example]) -> list[LengthBucket]:
    """Greedy exact match of ``checkpoint`` on ``examples``, grouped by source length in tokens."""
    if checkpoint.kind not in TRANSLATION_KINDS:
        raise InputError(f"{checkpoint.name} is not a seq2seq model")
    if not examples:
        raise InputError("no examples to measure on")
    source_tok = get_tokenizer(checkpoint.source_tokenizer)
    target_tok = get_tokenizer(checkpoint.target_tokenizer)
    if checkpoint.lowercase:
        examples = [Example(e.source.lower(), e.target.lower()) for e in examples]
    pairs = encode_pairs(examples, source_tok, target_tok, checkpoint.source_vocab, checkpoint.target_vocab)
    device = next(checkpoint.model.parameters()).device
    result = evaluate_seq2seq(checkpoint.model, pairs, checkpoint.target_vocab, device)
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for (source, _), correct in zip(pairs, result.correct, strict=True):
        bucket = totals[len(source) - 1]  # <eos> is not part of the input's length
        bucket[0] += 1
        bucket[1] += int(correct)
    return [LengthBucket(length, n, hits / n) for length, (n, hits) in sorted(totals.items())]


@dataclass(frozen=True)
class LengthStudy:
    """What the bottleneck chart measures on: the examples, and the source lengths training covered."""

    examples: list[Example]
    training_lengths: tuple[int, int] | None  # (shortest, longest) in tokens; None when unknown
    generated: bool  # True: held-out strings made for every length; False: the validation set as it is


def length_study(checkpoint: Checkpoint, per_length: int = 30, max_length: int = 24) -> LengthStudy:
    """Examples for exact match against length: for the letter tasks, held-out strings of 2 to
    ``max_length`` letters (training saw 4 to 12, so the chart shows inside and beyond it); for any other
    task, its validation set, grouped by length as it comes."""
    task = checkpoint.task.name or ""
    if task in LETTER_TRANSFORMS:
        lengths = range(2, max_length + 1, 2)
        return LengthStudy(letter_examples(task, lengths, per_length), TRAINING_LENGTHS, True)
    from seqviz.training.workflows import validation_examples

    examples = validation_examples(checkpoint, size=500)
    if not examples:
        raise InputError(f"{checkpoint.name} has no validation examples to measure on")
    tokenizer = get_tokenizer(checkpoint.source_tokenizer)
    lengths = [len(tokenizer.tokenize(example.source)) for example in examples]
    return LengthStudy(examples, (min(lengths), max(lengths)), False)
