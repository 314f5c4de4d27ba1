"""The ``page_first_render`` row: the compute each model page does to draw its first view.

A page opens on a shipped checkpoint and a held-out example (``seqviz.data.examples``). This replays, per
page, exactly the core calls its first render makes, from a cold start: the checkpoint read from disk, then
the page's numbers. Streamlit's own drawing and the browser are not included (they are not compute the project
controls, and they do not scale with the model). The row's value is the slowest page, in seconds, held to ``<=
1``; every page's time is listed in the note.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from seqviz.checkpoints.store import checkpoint_root, load_checkpoint

DEFAULT_CHECKPOINT = "reverse-lstm-bahdanau"  # the checkpoint pages open on (seqviz.ui.common)


def _attention(path: Path) -> None:
    from seqviz.data.examples import default_input
    from seqviz.explain.attention import attention_map

    checkpoint = load_checkpoint(path)
    attention_map(checkpoint, default_input(checkpoint))  # the alignment tab; the others run when opened


def _embeddings(path: Path) -> None:
    from seqviz.explain.embeddings import embedding_map, nearest

    checkpoint = load_checkpoint(path)
    first = embedding_map(checkpoint, "source")
    nearest(checkpoint, "source", first.tokens[0])


def _gates(path: Path) -> None:
    from seqviz.data.examples import default_input
    from seqviz.explain.gates import gate_view, unit_order

    checkpoint = load_checkpoint(path)
    part = "lm" if checkpoint.kind == "language_model" else "encoder"
    view = gate_view(checkpoint, default_input(checkpoint), part)
    unit_order(view.layer(0, 0), "variance")  # the heatmaps tab; its downloads are built when clicked, the
    # step and gradient tabs when opened (seqviz.ui.download, seqviz.ui.lazy_tabs)


def _decoding(path: Path) -> None:
    from seqviz.data.examples import example_pairs
    from seqviz.explain.decoding import DecodeStepper, exposure_bias

    checkpoint = load_checkpoint(path)
    pair = example_pairs(checkpoint, 1)[0]
    stepper = DecodeStepper(checkpoint, pair.source)
    stepper.pending  # noqa: B018 (the first step's distribution is what the page draws)
    exposure_bias(checkpoint, pair.source, pair.target)


def _beam(path: Path) -> None:
    from seqviz.data.examples import default_input
    from seqviz.explain.beam import LengthPenalty, beam_search
    from seqviz.inference import greedy_translate

    checkpoint = load_checkpoint(path)
    text = default_input(checkpoint)
    result = beam_search(checkpoint, text, 4, penalty=LengthPenalty("gnmt", 0.6))  # the page's defaults
    greedy_translate(checkpoint, text, result.max_len)


def _bleu(path: Path) -> None:
    from seqviz.explain.bleu import course_bleu, sacrebleu_sentence_score, sentence_bleu

    hypothesis, references = (
        "the cat the cat is on the mat",
        ["the cat is on the mat", "there is a cat on the mat"],
    )
    report = sentence_bleu(hypothesis, references)
    for order in range(1, 5):
        report.sentences[0].matches(order)
    course_bleu(hypothesis, references[0])
    sacrebleu_sentence_score(hypothesis, references)


PAGES: dict[str, Callable[[Path], None]] = {
    "gates": _gates,
    "attention": _attention,
    "decoding": _decoding,
    "beam": _beam,
    "bleu": _bleu,
    "embeddings": _embeddings,
}


def measure_first_renders(repeats: int = 3) -> dict[str, float]:
    """Median seconds of each page's first-render compute (one warm-up run first: imports are not timed)."""
    path = checkpoint_root() / DEFAULT_CHECKPOINT
    seconds: dict[str, float] = {}
    for name, render in PAGES.items():
        render(path)  # imports and lazy initialisation, paid once per server, not per view
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            render(path)
            times.append(time.perf_counter() - started)
        seconds[name] = sorted(times)[len(times) // 2]
    return seconds
