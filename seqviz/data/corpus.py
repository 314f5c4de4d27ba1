"""User parallel corpora in the tab-separated format of the PyTorch translation tutorial and d2l.

One pair per line, ``source<TAB>target``, UTF-8. Anything after a second TAB is ignored, so a Tatoeba
export with its attribution column loads as it is::

    Go.<TAB>Va !<TAB>CC-BY 2.0 (France) Attribution: tatoeba.org #2877272 (CM) & #1158250 (Wittydev)

Blank lines and lines starting with ``#`` are skipped, Windows line endings and a byte-order mark are fine.
Text is normalised (NFKC, which also turns French narrow no-break spaces into plain ones; runs of
whitespace become one space) and lower-cased by default. Pairs longer than ``max_tokens`` on either side
are dropped and counted. Every error names the line it is about, because a 50,000-line file with one bad
line is otherwise hopeless to fix.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from seqviz.data.tasks import DEFAULT_VALIDATION_SIZE, Example, Task
from seqviz.data.tokenizers import get_tokenizer
from seqviz.data.vocab import Vocab
from seqviz.errors import CorpusError, InputError

_WHITESPACE = re.compile(r"[\s\ufeff]+")  # \s covers U+00A0, U+202F and the other Unicode spaces
_PREVIEW_CHARS = 40

# Bounds on the work one upload can ask of the server. An 11.5 MB corpus of ~900,000 distinct words once
# made training try to allocate 4.8 GB: an embedding row and an output row per word. A corpus past these is
# refused with a message before anything is built from it.
MAX_CORPUS_LINES = 500_000
MAX_VOCABULARY_WORDS = 30_000  # distinct training tokens on one side, specials not counted


@dataclass
class ParallelCorpus:
    """The usable pairs of a corpus file and what was left out of them."""

    pairs: list[Example]
    filtered_too_long: int = 0  # pairs dropped because a side had more than max_tokens tokens
    truncated: bool = False  # more than max_pairs usable pairs: only the first max_pairs are kept
    skipped_blank: int = 0  # blank lines and # comment lines
    tokenizer: str = "word"
    lowercase: bool = True
    name: str = "corpus"


def normalize_text(text: str, lowercase: bool = False) -> str:
    """NFKC, no byte-order marks, every run of whitespace one plain space, no space at either end."""
    text = _WHITESPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip()
    return unicodedata.normalize("NFKC", text.lower()) if lowercase else text


def _preview(line: str) -> str:
    """The start of a line for an error message, with its TABs shown, since they are the point."""
    line = line.strip(" ").replace("\t", "<TAB>")
    return line if len(line) <= _PREVIEW_CHARS else line[:_PREVIEW_CHARS] + "…"


def _size(size: int) -> str:
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    return f"{size / 1000:.1f} kB" if size >= 1000 else f"{size} bytes"


def _read_bytes(source: str | Path | bytes | None, text: str | None, max_bytes: int) -> tuple[bytes, str]:
    """The raw content and a name for it (the file stem, or "corpus")."""
    if (source is None) == (text is None):
        raise InputError("give a corpus either as a file path or bytes, or as text=..., not both or neither")
    if text is not None:
        return text.encode("utf-8", "surrogatepass"), "corpus"
    if isinstance(source, bytes | bytearray):
        return bytes(source), "corpus"
    path = Path(source)  # type: ignore[arg-type]
    if not path.is_file():
        hint = " (to load text itself, pass it as text=...)" if "\t" in str(source) else ""
        raise CorpusError(f"there is no corpus file at {str(path)[:200]}{hint}")
    size = path.stat().st_size
    if size > max_bytes:
        raise CorpusError(f"{path.name} is {_size(size)}, over the limit of {_size(max_bytes)}")
    try:
        with open(path, "rb") as handle:  # at most one byte past the limit, whatever stat said
            return handle.read(max_bytes + 1), path.stem
    except OSError as error:
        raise CorpusError(f"cannot read {path.name}: {error.strerror or error}") from None


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise CorpusError(
            f"line {line} is not valid UTF-8 text; save the file as UTF-8", code="corpus.not_utf8", line=line
        ) from None


def load_parallel_corpus(
    source: str | Path | bytes | None = None,
    *,
    text: str | None = None,
    max_tokens: int = 30,
    max_pairs: int = 50_000,
    max_bytes: int = 20_000_000,
    max_lines: int = MAX_CORPUS_LINES,
    lowercase: bool = True,
    tokenizer: str = "word",
    name: str | None = None,
) -> ParallelCorpus:
    """Read a parallel corpus from a file (``source`` a ``str`` or ``Path``), from uploaded ``bytes``, or
    from the corpus content itself given as ``text=``. A ``str`` source is always a path, never content:
    guessing which one a string meant would turn a mistyped file name into a one-line corpus.

    ``max_tokens`` counts tokens of ``tokenizer`` ("word" or "char") on each side; longer pairs are
    dropped and counted in ``filtered_too_long``. Beyond ``max_pairs`` usable pairs the rest of the file
    is not read and ``truncated`` is set. A file over ``max_bytes`` is refused before it is read, one over
    ``max_lines`` lines (blank and comment lines count) before any line is parsed.
    """
    if max_tokens < 1 or max_pairs < 1:
        raise InputError(f"max_tokens and max_pairs must be at least 1, not {max_tokens} and {max_pairs}")
    tok = get_tokenizer(tokenizer)
    raw, label = _read_bytes(source, text, max_bytes)
    if len(raw) > max_bytes:
        raise CorpusError(
            f"the corpus is {_size(len(raw))}, over the limit of {_size(max_bytes)}",
            code="corpus.too_big",
            size_bytes=len(raw),
            limit_bytes=max_bytes,
        )
    line_count = raw.count(b"\n") + (not raw.endswith(b"\n"))  # counted in C, before decoding
    if line_count > max_lines:
        raise CorpusError(
            f"the corpus has {line_count:,} lines, over the limit of {max_lines:,}",
            code="corpus.too_many_lines",
            lines=line_count,
            limit=max_lines,
        )
    content = _decode(raw)
    lines = content.split("\n")  # not splitlines(): it also splits at \x0b, \x1c or U+2028, and miscounts
    if lines and lines[-1] == "":
        lines.pop()
    corpus = ParallelCorpus([], tokenizer=tokenizer, lowercase=lowercase, name=name or label)
    for number, line in enumerate(lines, start=1):
        line = line.rstrip("\r")
        if number == 1:
            line = line.removeprefix("\ufeff")
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            corpus.skipped_blank += 1
            continue
        if "\t" not in line:
            raise CorpusError(
                f'line {number} has no TAB between source and target: "{_preview(line)}"',
                code="corpus.no_tab",
                line=number,
                text=_preview(line),
            )
        source_text, target_text = (normalize_text(part, lowercase) for part in line.split("\t")[:2])
        for side, side_text in (("source", source_text), ("target", target_text)):
            if not side_text:
                raise CorpusError(
                    f'line {number} has an empty {side}: "{_preview(line)}"',
                    code=f"corpus.empty_{side}",
                    line=number,
                    text=_preview(line),
                )
        if len(tok.tokenize(source_text)) > max_tokens or len(tok.tokenize(target_text)) > max_tokens:
            corpus.filtered_too_long += 1
            continue
        if len(corpus.pairs) == max_pairs:
            corpus.truncated = True
            break
        corpus.pairs.append(Example(source_text, target_text))
    if not corpus.pairs:
        if corpus.filtered_too_long:
            count = corpus.filtered_too_long
            were = "pair was" if count == 1 else "pairs were"
            raise CorpusError(
                f"the corpus has no usable pairs: {count} {were} longer than {max_tokens} tokens on a side",
                code="corpus.all_too_long",
                count=count,
                limit=max_tokens,
            )
        raise CorpusError(
            "the corpus has no usable pairs: write one source<TAB>target pair per line",
            code="corpus.no_pairs",
        )
    return corpus


def examples_to_tsv(examples: Iterable[Example]) -> str:
    """Pairs as corpus lines, so held-out pairs can be stored with a checkpoint and loaded again."""
    return "".join(f"{example.source}\t{example.target}\n" for example in examples)


class CorpusTask(Task):
    """A user corpus as a task. A fixed tenth of the distinct source sentences (at least one) is held out
    for validation, like a test set; every pair with such a source stays out of training, so a sentence
    Tatoeba translates three ways cannot leak. The other pairs are cycled, reshuffled every epoch.

    Vocabularies come from the training pairs only: a validation word never seen in training honestly
    becomes ``<unk>``.
    """

    is_corpus = True

    def __init__(self, corpus: ParallelCorpus, name: str | None = None, split_seed: int = 0) -> None:
        sources = list(dict.fromkeys(pair.source for pair in corpus.pairs))
        if len(sources) < 2:
            raise CorpusError(
                "the corpus needs at least two different source sentences: one to train on and "
                "one to hold out for validation"
            )
        random.Random(f"corpus/split/{split_seed}").shuffle(sources)
        held_out = sources[: min(max(1, round(len(sources) / 10)), len(sources) - 1)]
        held_set = set(held_out)
        first_pair = {}
        for pair in corpus.pairs:
            first_pair.setdefault(pair.source, pair)
        self.corpus = corpus
        self.name = name or corpus.name
        self.held_out = [first_pair[source] for source in held_out]
        self.train_pairs = [pair for pair in corpus.pairs if pair.source not in held_set]
        self.source_tokenizer = self.target_tokenizer = get_tokenizer(corpus.tokenizer, corpus.lowercase)
        tok = self.source_tokenizer
        self.max_source_tokens = max(len(tok.tokenize(pair.source)) for pair in corpus.pairs)
        self.max_target_tokens = max(len(tok.tokenize(pair.target)) for pair in corpus.pairs)
        self._check_vocabulary_size()
        pairs, train, held = len(corpus.pairs), len(self.train_pairs), len(self.held_out)
        label = "" if self.name == "corpus" else f" {self.name}"
        self.description = {
            "en": f"Your corpus{label}: {pairs:,} pairs, {train:,} to train on, {held:,} held out.",
            "zh": f"你的语料{label}：共 {pairs:,} 个句对，{train:,} 个用于训练，{held:,} 个留作验证。",
        }

    def _check_vocabulary_size(self, limit: int = MAX_VOCABULARY_WORDS) -> None:
        """Refuse a corpus whose vocabulary (built from the training pairs, as ``build_vocabs`` builds it)
        would have more than ``limit`` words on a side, before any model is allocated for it."""
        tok = self.source_tokenizer
        for side in ("source", "target"):
            words: set[str] = set()
            for pair in self.train_pairs:
                words.update(tok.tokenize(getattr(pair, side)))
                if len(words) > limit:
                    raise CorpusError(
                        f"the corpus's {side} side has more than {limit:,} different words; seqviz trains on "
                        f"at most {limit:,} per side (each is a row of the embedding and output layers). "
                        "Use a smaller corpus, or fewer rare words."
                    )

    def sample(self, rng: random.Random) -> Example:
        return rng.choice(self.train_pairs)

    def validation(self, seed: int = 0, size: int = DEFAULT_VALIDATION_SIZE) -> list[Example]:
        """The first ``size`` held-out pairs. ``seed`` is accepted for the common interface but changes
        nothing: a corpus's held-out part is fixed, so every run is measured on the same sentences."""
        return self.held_out[:size]

    def train_stream(self, seed: int = 0) -> Iterator[Example]:
        rng = random.Random(f"corpus/train/{seed}")
        while True:
            epoch = list(self.train_pairs)
            rng.shuffle(epoch)
            yield from epoch

    def build_vocabs(self, min_freq: int = 1) -> tuple[Vocab, Vocab]:
        tok = self.source_tokenizer
        return (
            Vocab.build((tok.tokenize(pair.source) for pair in self.train_pairs), min_freq),
            Vocab.build((tok.tokenize(pair.target) for pair in self.train_pairs), min_freq),
        )

    def to_tsv(self, size: int = DEFAULT_VALIDATION_SIZE) -> str:
        """The held-out pairs as corpus lines, for a checkpoint to carry."""
        return examples_to_tsv(self.validation(size=size))
