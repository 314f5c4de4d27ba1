"""The ``beam10_vs_greedy`` and ``bleu_explained_vs_sacrebleu`` rows.

- Beam search of width 10, maximum length 30, on the shipped model pages open on, against greedy decoding,
  both on the same validation inputs, alternated sentence by sentence so a busy machine slows both alike;
  the value is beam's milliseconds per sentence, the ratio beam / greedy (target ``<= 3``).
- BLEU with every n-gram explained (``seqviz.explain.bleu``: corpus statistics plus each sentence's per-order
match
  table) on 10,000 seeded random pairs, against ``sacrebleu.corpus_bleu`` on the same pairs (``<= 2``);
  the two scores must agree, or the timing means nothing.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

_VOCABULARY = (
    "the a cat dog sat on mat and it is was to of in that he she they we you saw ran big small red blue "
    "house tree river book apple quickly slowly very not"
)
WORDS = tuple(_VOCABULARY.split())


@dataclass(frozen=True)
class Timing:
    value: float  # the measured side, per the row's unit
    baseline: float
    ratio: float
    note: str


def beam_vs_greedy(sentences: int = 50, repeats: int = 3, width: int = 10, max_len: int = 30) -> Timing:
    from seqviz.bench.first_render import DEFAULT_CHECKPOINT
    from seqviz.checkpoints.store import checkpoint_root, load_checkpoint
    from seqviz.data.examples import example_pairs
    from seqviz.explain.beam import beam_search
    from seqviz.inference import greedy_translate

    checkpoint = load_checkpoint(checkpoint_root() / DEFAULT_CHECKPOINT)
    texts = [pair.source for pair in example_pairs(checkpoint, sentences)]
    beam_search(checkpoint, texts[0], width, max_len=max_len, n_best=1)  # warm-up: imports, allocator
    greedy_translate(checkpoint, texts[0], max_len)
    greedy_best, beam_best = float("inf"), float("inf")
    for _ in range(repeats):
        greedy_total = beam_total = 0.0
        for text in texts:
            started = time.perf_counter()
            greedy_translate(checkpoint, text, max_len)
            greedy_total += time.perf_counter() - started
            started = time.perf_counter()
            beam_search(checkpoint, text, width, max_len=max_len, n_best=1)
            beam_total += time.perf_counter() - started
        greedy_best, beam_best = min(greedy_best, greedy_total), min(beam_best, beam_total)
    per_greedy, per_beam = greedy_best / len(texts), beam_best / len(texts)
    note = (
        f"greedy {per_greedy * 1e3:.2f} ms/sentence; {len(texts)} {DEFAULT_CHECKPOINT} inputs, "
        f"best of {repeats}"
    )
    return Timing(per_beam * 1e3, per_greedy * 1e3, per_beam / per_greedy, note)


def random_pairs(count: int, seed: int = 0) -> tuple[list[str], list[str]]:
    """Seeded hypothesis/reference pairs of 5-35 words, the reference a noisy copy (realistic overlaps)."""
    rng = random.Random(seed)
    hypotheses, references = [], []
    for _ in range(count):
        reference = [rng.choice(WORDS) for _ in range(rng.randint(5, 35))]
        hypothesis = [word if rng.random() < 0.7 else rng.choice(WORDS) for word in reference]
        if rng.random() < 0.3:
            hypothesis = hypothesis[: rng.randint(1, len(hypothesis))]
        hypotheses.append(" ".join(hypothesis))
        references.append(" ".join(reference) + ".")
    return hypotheses, references


def bleu_vs_sacrebleu(pairs: int = 10_000, repeats: int = 3) -> Timing:
    import sacrebleu

    from seqviz.explain.bleu import corpus_bleu

    hypotheses, references = random_pairs(pairs)
    ours_best = theirs_best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        theirs = sacrebleu.corpus_bleu(hypotheses, [references])
        theirs_best = min(theirs_best, time.perf_counter() - started)
        started = time.perf_counter()
        ours = corpus_bleu(hypotheses, [references])
        explained = sum(len(ours.matches(order)) for order in range(1, 5))  # every sentence, every order
        ours_best = min(ours_best, time.perf_counter() - started)
    if abs(ours.score - theirs.score) > 1e-6:
        raise AssertionError(f"BLEU {ours.score} differs from sacrebleu's {theirs.score}: not timed")
    note = (
        f"sacrebleu {theirs_best:.2f} s; {pairs:,} pairs, {explained:,} order tables, "
        f"BLEU {ours.score:.2f} = sacrebleu's; best of {repeats}"
    )
    return Timing(ours_best, theirs_best, ours_best / theirs_best, note)
