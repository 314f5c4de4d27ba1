"""User parallel corpora in the tab-separated format of the PyTorch translation tutorial and d2l.

One pair per line, ``source<TAB>target``; anything after a second TAB (Tatoeba's attribution column) is
ignored. Text is normalised (NFKC, which also turns French narrow no-break spaces into plain ones),
optionally lower-cased, and pairs longer than ``max_tokens`` are filtered out and counted. Every error names
the line it is about, because a 50,000-line file with one bad line is otherwise hopeless to fix.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from seqviz.data.tasks import Example, Task
from seqviz.data.tokenizers import get_tokenizer
from seqviz.data.vocab import Vocab
from seqviz.errors import CorpusError

_SPACES = re.compile(r"\s+")


@dataclass
class ParallelCorpus:
    pairs: list[Example]
    filtered_too_long: int = 0
    truncated: bool = False
    skipped_blank: int = 0
    tokenizer: str = "word"
    lowercase: bool = True
    name: str = "corpus"


def _clean(text: str, lowercase: bool) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = _SPACES.sub(" ", text).strip()
    return text.lower() if lowercase else text


def _preview(line: str) -> str:
    return line if len(line) <= 40 else line[:40] + "…"


def load_parallel_corpus(
    source: str | Path | bytes,
    *,
    max_tokens: int = 30,
    max_pairs: int = 50_000,
    max_bytes: int = 20_000_000,
    lowercase: bool = True,
    tokenizer: str = "word",
    name: str | None = None,
) -> ParallelCorpus:
    """Read a corpus from a path (``str`` or ``Path``) or from uploaded ``bytes``."""
    if isinstance(source, bytes):
        raw, label = source, name or "upload"
    else:
        path = Path(source)
        if not path.is_file():
            raise CorpusError(f"no corpus file at {path}")
        size = path.stat().st_size
        if size > max_bytes:
            raise CorpusError(f"{path.name} is {size / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB")
        raw, label = path.read_bytes(), name or path.stem
    if len(raw) > max_bytes:
        raise CorpusError(f"the corpus is {len(raw) / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB")
    tok = get_tokenizer(tokenizer)
    corpus = ParallelCorpus([], tokenizer=tokenizer, lowercase=lowercase, name=label)
    seen = set()
    for number, line_bytes in enumerate(raw.splitlines(), start=1):
        try:
            line = line_bytes.decode("utf-8")
        except UnicodeDecodeError:
            raise CorpusError(f"line {number} is not valid UTF-8 text") from None
        if number == 1:
            line = line.lstrip("\ufeff")
        line = line.rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            corpus.skipped_blank += 1
            continue
        if "\t" not in line:
            raise CorpusError(f'line {number} has no TAB between source and target: "{_preview(line)}"')
        source_text, target_text = (_clean(part, lowercase) for part in line.split("\t")[:2])
        if not source_text or not target_text:
            side = "source" if not source_text else "target"
            raise CorpusError(f'line {number} has an empty {side}: "{_preview(line)}"')
        if len(tok.tokenize(source_text)) > max_tokens or len(tok.tokenize(target_text)) > max_tokens:
            corpus.filtered_too_long += 1
            continue
        if source_text in seen:
            continue
        seen.add(source_text)
        if len(corpus.pairs) >= max_pairs:
            corpus.truncated = True
            break
        corpus.pairs.append(Example(source_text, target_text))
    if not corpus.pairs:
        raise CorpusError(
            "the corpus has no usable pairs (each line: source<TAB>target, at most "
            f"{max_tokens} tokens a side)"
        )
    return corpus


class CorpusTask(Task):
    """A user corpus as a task: a fixed held-out split (10%) and the rest cycled, reshuffled each epoch."""

    is_corpus = True

    def __init__(self, corpus: ParallelCorpus, name: str | None = None, seed: int = 0) -> None:
        tok = get_tokenizer(corpus.tokenizer)
        lengths = [(len(tok.tokenize(p.source)), len(tok.tokenize(p.target))) for p in corpus.pairs]
        super().__init__(
            name=name or corpus.name,
            description={
                "en": f"Your corpus: {len(corpus.pairs):,} sentence pairs.",
                "zh": f"你的语料：{len(corpus.pairs):,} 个句对。",
            },
            sampler=self._sample,
            source_tokenizer=tok,
            target_tokenizer=tok,
            max_source_tokens=max(s for s, _ in lengths),
            max_target_tokens=max(t for _, t in lengths),
        )
        self.corpus = corpus
        order = list(range(len(corpus.pairs)))
        random.Random(seed).shuffle(order)
        held = max(1, len(order) // 10) if len(order) > 1 else 0
        self._validation = [corpus.pairs[i] for i in order[:held]]
        self._train = [corpus.pairs[i] for i in order[held:]] or list(corpus.pairs)

    def _sample(self, rng: random.Random) -> Example:
        return rng.choice(self._train)

    def validation(self, seed: int = 0, size: int = 500) -> list[Example]:
        return self._validation[:size]

    def train_stream(self, seed: int = 0) -> Iterator[Example]:
        rng = random.Random(seed)
        while True:
            epoch = list(self._train)
            rng.shuffle(epoch)
            yield from epoch

    def build_vocabs(self, min_freq: int = 1) -> tuple[Vocab, Vocab]:
        tok = self.source_tokenizer
        return (
            Vocab.build([tok.tokenize(p.source) for p in self._train], min_freq),
            Vocab.build([tok.tokenize(p.target) for p in self._train], min_freq),
        )

    def to_tsv(self, examples: list[Example] | None = None) -> str:
        return "".join(f"{e.source}\t{e.target}\n" for e in (examples or self._validation))
