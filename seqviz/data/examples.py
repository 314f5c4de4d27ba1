"""Inputs a page can open on: held-out examples of the checkpoint's own task, so the first view is one the
model handles well (and was never trained on).

A page's input box starts with ``default_input(checkpoint)``; a few more are offered as one-click examples.
"""

from __future__ import annotations

import re

from seqviz.checkpoints.store import Checkpoint
from seqviz.data.tasks import Example

FALLBACK_TEXT = "hello"


def example_pairs(checkpoint: Checkpoint, count: int = 6) -> list[Example]:
    """Up to ``count`` held-out (source, target) pairs; for a language model, held-out sentences as sources
    (and targets) from the last tenth of its corpus."""
    if checkpoint.kind == "language_model":
        from seqviz.data.lm_corpus import checkpoint_corpus_name, lm_corpus_text, split_corpus

        _, held_out = split_corpus(lm_corpus_text(checkpoint_corpus_name(checkpoint.task)))
        pieces = re.split(r"(?<=[.!?])\s+|(?<=[。？！])", held_out)
        sentences = [piece.strip() for piece in pieces if 8 <= len(piece.strip()) <= 80]
        return [Example(s, s) for s in sentences[:count]]
    from seqviz.errors import SeqvizError
    from seqviz.training.workflows import validation_examples

    try:
        examples = validation_examples(checkpoint, size=max(count * 4, 20))
    except SeqvizError:
        return []
    # Short ones first (they read best on a projector), but not the very shortest: those show little.
    ranked = sorted(examples, key=lambda e: abs(len(e.source) - 12))
    return ranked[:count]


def default_input(checkpoint: Checkpoint) -> str:
    pairs = example_pairs(checkpoint, 1)
    return pairs[0].source if pairs else FALLBACK_TEXT
