"""Seeded, unlimited synthetic tasks: the data every page and checkpoint is built from.

Each task draws examples from a ``random.Random`` it is handed, so a seed reproduces a run. Validation must
measure generalisation, not memory, so every generated task splits the *space of sources* once and for
all: a fixed tenth of all sources (chosen by a hash of the source text) is held out. ``validation`` draws
only from that tenth and ``train_stream`` never yields from it, for every seed and every validation size.
"""

from __future__ import annotations

import calendar
import functools
import hashlib
import random
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import ClassVar

from seqviz.data import grammar, names
from seqviz.data.numbers import chinese_numerals, english_words
from seqviz.data.tokenizers import CharTokenizer, Tokenizer, WordTokenizer
from seqviz.data.vocab import Vocab
from seqviz.errors import UnknownTaskError

DEFAULT_VALIDATION_SIZE = 500
HELD_OUT_SHARE = 10  # one source in ten belongs to validation
_VOCAB_SAMPLE = 2_000  # examples drawn to build a vocabulary, besides the declared alphabets


@dataclass(frozen=True)
class Example:
    source: str
    target: str


class Task(ABC):
    """A named source of (source, target) pairs, with its tokenizers and a one-line description.

    ``max_source_tokens`` and ``max_target_tokens`` bound the token lengths of every example the task can
    produce, so a page can size its inputs and a model its positions.
    """

    name: str
    description: dict[str, str]  # "en" and "zh", one line each, for the UI
    source_tokenizer: Tokenizer
    target_tokenizer: Tokenizer
    max_source_tokens: int
    max_target_tokens: int
    is_corpus: ClassVar[bool] = False

    @abstractmethod
    def sample(self, rng: random.Random) -> Example:
        """One example drawn with ``rng``."""

    @abstractmethod
    def validation(self, seed: int = 0, size: int = DEFAULT_VALIDATION_SIZE) -> list[Example]:
        """Up to ``size`` held-out examples with distinct sources, the same for the same arguments."""

    @abstractmethod
    def train_stream(self, seed: int = 0) -> Iterator[Example]:
        """Training examples, deterministic for a seed, never with a source from ``validation``."""

    @abstractmethod
    def build_vocabs(self, min_freq: int = 1) -> tuple[Vocab, Vocab]:
        """(source, target) vocabularies for training a model on this task."""


def is_held_out(task_name: str, source: str) -> bool:
    """Whether ``source`` belongs to ``task_name``'s validation tenth. A stable hash, not ``hash()``,
    which Python salts per process."""
    digest = hashlib.blake2b(f"{task_name}\x1f{source}".encode("utf-8", "surrogatepass"), digest_size=8)
    return int.from_bytes(digest.digest(), "big") % HELD_OUT_SHARE == 0


@dataclass(frozen=True, eq=False)
class GeneratedTask(Task):
    """A task defined by a sampling function. The alphabets list every token a valid source or target
    can contain; they go into the vocabularies, so no valid input ever becomes ``<unk>``."""

    name: str
    description: dict[str, str]
    sampler: Callable[[random.Random], Example]
    source_tokenizer: Tokenizer
    target_tokenizer: Tokenizer
    max_source_tokens: int
    max_target_tokens: int
    source_alphabet: Callable[[], Iterable[str]] = tuple
    target_alphabet: Callable[[], Iterable[str]] = tuple

    def sample(self, rng: random.Random) -> Example:
        return self.sampler(rng)

    def validation(self, seed: int = 0, size: int = DEFAULT_VALIDATION_SIZE) -> list[Example]:
        """The first ``size`` distinct held-out sources drawn from a seed of their own, so a smaller size
        gives a prefix of a larger one. Cached: training, evaluation and vocabularies all ask for it."""
        return list(_held_out_examples(self, seed, size))

    def train_stream(self, seed: int = 0) -> Iterator[Example]:
        rng = random.Random(f"{self.name}/train/{seed}")
        while True:
            example = self.sample(rng)
            if not self.held_out(example):
                yield example

    def held_out(self, example: Example) -> bool:
        """Whether ``example`` belongs to validation only: its source is in the held-out tenth."""
        return is_held_out(self.name, example.source)

    def vocabulary_word(self, token: str) -> bool:
        """Whether ``token`` may enter a vocabulary; every token, except where a task keeps some out."""
        return True

    def build_vocabs(self, min_freq: int = 1) -> tuple[Vocab, Vocab]:
        """From a fixed sample of training examples plus the validation set plus the declared alphabets
        (which ``min_freq`` never removes)."""
        stream = self.train_stream(seed=-1)
        examples = [next(stream) for _ in range(_VOCAB_SAMPLE)] + self.validation()

        def words(tokenizer: Tokenizer, text: str) -> list[str]:
            return [token for token in tokenizer.tokenize(text) if self.vocabulary_word(token)]

        source = Vocab.build(
            (words(self.source_tokenizer, e.source) for e in examples),
            min_freq,
            extra=self.source_alphabet(),
        )
        target = Vocab.build(
            (words(self.target_tokenizer, e.target) for e in examples),
            min_freq,
            extra=self.target_alphabet(),
        )
        return source, target


@dataclass(frozen=True, eq=False)
class NamesTask(GeneratedTask):
    """A task whose sentences hold person names (``seqviz.data.names``) that are in no vocabulary.

    Validation must measure names the model has never met: an example that holds a validation-only name
    is held out, whatever its source's hash; one that holds a training name never is; one without a name
    follows the usual hash of its source.
    """

    def held_out(self, example: Example) -> bool:
        found = [token for token in self.source_tokenizer.tokenize(example.source) if names.is_name(token)]
        if found:
            return any(names.is_validation_name(name) for name in found)
        return is_held_out(self.name, example.source)

    def vocabulary_word(self, token: str) -> bool:
        return not names.is_name(token)


@functools.lru_cache(maxsize=64)
def _held_out_examples(task: GeneratedTask, seed: int, size: int) -> tuple[Example, ...]:
    rng = random.Random(f"{task.name}/validation/{seed}")
    examples: dict[str, Example] = {}
    for _ in range(200 * size + 10_000):  # a bound, for safety: every task reaches ``size`` long before
        if len(examples) >= size:
            break
        example = task.sample(rng)
        if example.source not in examples and task.held_out(example):
            examples[example.source] = example
    return tuple(examples.values())


# ---------------------------------------------------------------------------------------- the samplers

LETTERS = "abcdefghijklmnopqrst"  # 20 symbols: enough to be a real alphabet, small enough to learn fast
DIGITS = "0123456789"


def _letters(rng: random.Random) -> str:
    return "".join(rng.choice(LETTERS) for _ in range(rng.randint(4, 12)))


def _copy(rng: random.Random) -> Example:
    text = _letters(rng)
    return Example(text, text)


def _reverse(rng: random.Random) -> Example:
    text = _letters(rng)
    return Example(text, text[::-1])


def _sort(rng: random.Random) -> Example:
    text = _letters(rng)
    return Example(text, "".join(sorted(text)))


def _number(rng: random.Random, max_digits: int) -> int:
    """Every length of number equally often: uniform over 0..10^k would be almost all long numbers, and
    a model would never see how short ones are read."""
    digits = rng.randint(1, max_digits)
    return rng.randint(0 if digits == 1 else 10 ** (digits - 1), 10**digits - 1)


def _addition(rng: random.Random) -> Example:
    a, b = _number(rng, 3), _number(rng, 3)
    return Example(f"{a}+{b}", str(a + b))


# Spelled out rather than taken from ``calendar.month_name``, which follows the process's LC_TIME locale.
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def format_date(year: int, month: int, day: int, style: int) -> str:
    """The three source formats: 0 ``March 5, 2021``, 1 ``5 Mar 2021``, 2 ``03/05/2021`` (US order)."""
    if style == 0:
        return f"{MONTHS[month - 1]} {day}, {year}"
    if style == 1:
        return f"{day} {MONTHS[month - 1][:3]} {year}"
    return f"{month:02d}/{day:02d}/{year}"


def _date(rng: random.Random) -> Example:
    year = rng.randint(1950, 2049)
    month = rng.randint(1, 12)
    day = rng.randint(1, calendar.monthrange(year, month)[1])  # leap years included
    return Example(format_date(year, month, day, rng.randrange(3)), f"{year:04d}-{month:02d}-{day:02d}")


def _num2words(rng: random.Random) -> Example:
    n = _number(rng, 6)
    return Example(str(n), english_words(n))


def _num2zh(rng: random.Random) -> Example:
    n = _number(rng, 8)
    return Example(str(n), chinese_numerals(n))


def _translation(target_language: grammar.Language) -> Callable[[random.Random], Example]:
    def sample(rng: random.Random) -> Example:
        meaning = grammar.sample_meaning(rng)
        return Example(grammar.english(meaning), grammar.render(meaning, target_language))

    return sample


def _named_translation(rng: random.Random) -> Example:
    """An en-fr sentence with names drawn from every generated name: ``held_out`` sorts them."""
    meaning = grammar.sample_named_meaning(rng, names.all_names())
    return Example(grammar.english(meaning), grammar.french(meaning))


@functools.cache
def grammar_vocabulary(language: grammar.Language) -> tuple[str, ...]:
    """Every word token the grammar can write in ``language`` (computed once, on first use)."""
    tokens = {
        token for slot in grammar.slot_renderings(language) for text in slot for token in _WORD.tokenize(text)
    }
    return tuple(sorted(tokens))


def _alphabet(symbols: str) -> Callable[[], tuple[str, ...]]:
    return lambda: tuple(symbols)


_CHAR, _WORD = CharTokenizer(), WordTokenizer()
_DATE_SYMBOLS = "".join(sorted(set("".join(MONTHS) + DIGITS + ", /")))
_ZH_NUMERALS = "零一二三四五六七八九十百千万"


def _english_number_words() -> tuple[str, ...]:
    return tuple(sorted({word for n in range(1000) for word in english_words(n).split()} | {"thousand"}))


def _letter_task(name: str, en: str, zh: str, sampler: Callable[[random.Random], Example]) -> GeneratedTask:
    return GeneratedTask(
        name,
        {"en": en, "zh": zh},
        sampler,
        _CHAR,
        _CHAR,
        max_source_tokens=12,
        max_target_tokens=12,
        source_alphabet=_alphabet(LETTERS),
        target_alphabet=_alphabet(LETTERS),
    )


# Length bounds. For the grammar tasks they are the sums of the longest subject+verb, object and time word,
# which tests recompute from ``grammar.slot_renderings``: ``the grey cats do not look for ...`` and
# ``这只灰猫不准备两块蓝蛋糕``. For the number tasks: 6 digits read as at most 4 + 1 + 4 English words
# (``seven hundred seventy seven thousand ...``); 8 digits as at most 8 digits + 7 places in Chinese.
TASKS: dict[str, Task] = {
    task.name: task
    for task in (
        _letter_task(
            "copy",
            "Copy a string of 4 to 12 letters (a-t): the simplest test of memory.",
            "把由 4 到 12 个字母（a–t）组成的字符串原样抄一遍：最简单的记忆测试。",
            _copy,
        ),
        _letter_task(
            "reverse",
            "Write a string of 4 to 12 letters backwards: the first letter read is the last one written.",
            "把 4 到 12 个字母倒过来写：最先读到的字母要最后写出。",
            _reverse,
        ),
        _letter_task(
            "sort",
            "Sort the letters of a string into alphabetical order.",
            "把字符串里的字母按字母表顺序重新排列。",
            _sort,
        ),
        GeneratedTask(
            "addition",
            {
                "en": "Add two whole numbers from 0 to 999: 57+86 -> 143.",
                "zh": "计算两个 0 到 999 之间整数的和：57+86 -> 143。",
            },
            _addition,
            _CHAR,
            _CHAR,
            max_source_tokens=len("999+999"),
            max_target_tokens=len("1998"),
            source_alphabet=_alphabet(DIGITS + "+"),
            target_alphabet=_alphabet(DIGITS),
        ),
        GeneratedTask(
            "dates",
            {
                "en": "Rewrite a date in ISO form: March 5, 2021 / 5 Mar 2021 / 03/05/2021 -> 2021-03-05.",
                "zh": "把日期改写成标准格式：March 5, 2021、5 Mar 2021 或 03/05/2021 都写成 2021-03-05。",
            },
            _date,
            _CHAR,
            _CHAR,
            max_source_tokens=len("September 30, 2049"),
            max_target_tokens=len("2049-12-31"),
            source_alphabet=_alphabet(_DATE_SYMBOLS),
            target_alphabet=_alphabet(DIGITS + "-"),
        ),
        GeneratedTask(
            "num2words",
            {
                "en": "Read a number aloud in English words: 1205 -> one thousand two hundred five.",
                "zh": "把阿拉伯数字读成英文单词：1205 -> one thousand two hundred five。",
            },
            _num2words,
            _CHAR,
            _WORD,
            max_source_tokens=6,
            max_target_tokens=9,
            source_alphabet=_alphabet(DIGITS),
            target_alphabet=_english_number_words,
        ),
        GeneratedTask(
            "num2zh",
            {
                "en": "Write a number in Chinese numerals: 1205 -> 一千二百零五.",
                "zh": "把阿拉伯数字写成汉字数字：1205 -> 一千二百零五。",
            },
            _num2zh,
            _CHAR,
            _CHAR,
            max_source_tokens=8,
            max_target_tokens=15,
            source_alphabet=_alphabet(DIGITS),
            target_alphabet=_alphabet(_ZH_NUMERALS),
        ),
        GeneratedTask(
            "en-fr",
            {
                "en": "Translate English sentences into French: adjectives follow the noun and agree.",
                "zh": "把简单的英语句子译成法语：形容词要放到名词后面，并与名词性数一致。",
            },
            _translation("fr"),
            _WORD,
            _WORD,
            max_source_tokens=13,
            max_target_tokens=12,
            source_alphabet=lambda: grammar_vocabulary("en"),
            target_alphabet=lambda: grammar_vocabulary("fr"),
        ),
        NamesTask(
            "en-fr-names",
            {
                "en": "Translate English into French where a person's name is the subject or object: "
                "Tom eats an apple -> Tom mange une pomme. Names are in no vocabulary: only copying "
                "writes them.",
                "zh": "把含人名（作主语或宾语）的英语句子译成法语：Tom eats an apple -> Tom mange une pomme。"
                "人名不在任何词表里，只有复制机制能把它们写出来。",
            },
            _named_translation,
            _WORD,
            _WORD,
            max_source_tokens=13,
            max_target_tokens=12,
            source_alphabet=lambda: grammar_vocabulary("en"),
            target_alphabet=lambda: grammar_vocabulary("fr"),
        ),
        GeneratedTask(
            "en-zh",
            {
                "en": "Translate English sentences into Chinese: time words go first, measure words appear.",
                "zh": "把简单的英语句子译成中文：时间词提到句首，数词后面要加量词。",
            },
            _translation("zh"),
            _WORD,
            _WORD,
            max_source_tokens=13,
            max_target_tokens=14,
            source_alphabet=lambda: grammar_vocabulary("en"),
            target_alphabet=lambda: grammar_vocabulary("zh"),
        ),
    )
}


def list_tasks() -> list[str]:
    return list(TASKS)


def get_task(name: str) -> Task:
    if name not in TASKS:
        raise UnknownTaskError(f"unknown task {name!r}: choose one of {', '.join(TASKS)}")
    return TASKS[name]
