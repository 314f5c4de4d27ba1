"""Seeded, unlimited synthetic tasks: the data every page and checkpoint is built from.

Each task draws examples from a ``random.Random`` it is handed, so a seed reproduces a run. The validation
set is a fixed draw from a seed of its own, and the training stream never yields a source that is in it:
validation measures generalisation, not memory.
"""

from __future__ import annotations

import calendar
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from seqviz.data import grammar
from seqviz.data.numbers import chinese_numerals, english_words
from seqviz.data.tokenizers import CharTokenizer, WordTokenizer
from seqviz.data.vocab import Vocab
from seqviz.errors import UnknownTaskError

DEFAULT_VALIDATION_SIZE = 500
_VALIDATION_SALT = 7_919  # the validation draw uses seed + salt, so it differs from the training stream
_VOCAB_SAMPLE = 4_000


@dataclass(frozen=True)
class Example:
    source: str
    target: str


@dataclass
class Task:
    """A named generator of (source, target) pairs with tokenizers and a description for the UI."""

    name: str
    description: dict[str, str]
    sampler: Callable[[random.Random], Example]
    source_tokenizer: CharTokenizer | WordTokenizer = field(default_factory=CharTokenizer)
    target_tokenizer: CharTokenizer | WordTokenizer = field(default_factory=CharTokenizer)
    max_source_tokens: int = 64
    max_target_tokens: int = 64
    symbols: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())  # tokens always in the (source, target) vocab

    def sample(self, rng: random.Random) -> Example:
        return self.sampler(rng)

    def validation(self, seed: int = 0, size: int = DEFAULT_VALIDATION_SIZE) -> list[Example]:
        """``size`` distinct-source examples, the same for the same seed (fewer if the task has fewer)."""
        rng = random.Random(seed * 1_000_003 + _VALIDATION_SALT)
        examples: dict[str, Example] = {}
        attempts = 0
        while len(examples) < size and attempts < size * 50:
            example = self.sample(rng)
            examples.setdefault(example.source, example)
            attempts += 1
        return list(examples.values())

    def train_stream(self, seed: int = 0) -> Iterator[Example]:
        """Infinite training examples, never one whose source is in ``validation(seed)``."""
        held_out = {example.source for example in self.validation(seed)}
        rng = random.Random(seed)
        while True:
            example = self.sample(rng)
            if example.source not in held_out:
                yield example

    def build_vocabs(self, min_freq: int = 1) -> tuple[Vocab, Vocab]:
        rng = random.Random(12345)
        examples = [self.sample(rng) for _ in range(_VOCAB_SAMPLE)] + self.validation()
        source = [self.source_tokenizer.tokenize(e.source) for e in examples]
        target = [self.target_tokenizer.tokenize(e.target) for e in examples]
        return (
            Vocab.build(source, min_freq, extra=self.symbols[0]),
            Vocab.build(target, min_freq, extra=self.symbols[1]),
        )


# ------------------------------------------------------------------------------------- the generators

ALPHABET = "abcdefghijklmnopqrst"  # 20 symbols


def _letters(rng: random.Random) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(4, 12)))


def _copy(rng: random.Random) -> Example:
    text = _letters(rng)
    return Example(text, text)


def _reverse(rng: random.Random) -> Example:
    text = _letters(rng)
    return Example(text, text[::-1])


def _sort(rng: random.Random) -> Example:
    text = _letters(rng)
    return Example(text, "".join(sorted(text)))


def _addition(rng: random.Random) -> Example:
    a, b = rng.randint(0, 999), rng.randint(0, 999)
    return Example(f"{a}+{b}", str(a + b))


MONTHS = list(calendar.month_name)[1:]


def _date(rng: random.Random) -> Example:
    year = rng.randint(1950, 2049)
    month = rng.randint(1, 12)
    day = rng.randint(1, calendar.monthrange(year, month)[1])
    style = rng.randrange(3)
    if style == 0:
        source = f"{MONTHS[month - 1]} {day}, {year}"
    elif style == 1:
        source = f"{day} {MONTHS[month - 1][:3]} {year}"
    else:
        source = f"{month:02d}/{day:02d}/{year}"
    return Example(source, f"{year:04d}-{month:02d}-{day:02d}")


def _number(rng: random.Random, high_digits: int) -> int:
    """Numbers of every length equally often (uniform over 0..10^k would be almost all long)."""
    digits = rng.randint(1, high_digits)
    return rng.randint(0 if digits == 1 else 10 ** (digits - 1), 10**digits - 1)


def _num2words(rng: random.Random) -> Example:
    n = _number(rng, 6)
    return Example(str(n), english_words(n))


def _num2zh(rng: random.Random) -> Example:
    n = _number(rng, 8)
    return Example(str(n), chinese_numerals(n))


def _en_fr(rng: random.Random) -> Example:
    meaning = grammar.sample_meaning(rng)
    return Example(grammar.english(meaning), grammar.french(meaning))


def _en_zh(rng: random.Random) -> Example:
    meaning = grammar.sample_meaning(rng)
    return Example(grammar.english(meaning), grammar.chinese(meaning))


_WORD = WordTokenizer()
_DIGITS = tuple("0123456789")

TASKS: dict[str, Task] = {
    task.name: task
    for task in (
        Task(
            "copy",
            {
                "en": "Copy a string of 4-12 letters (a-t): the easiest test of memory.",
                "zh": "原样复制 4 到 12 个字母（a–t）组成的字符串：最简单的记忆测试。",
            },
            _copy,
            max_source_tokens=12,
            max_target_tokens=12,
            symbols=(tuple(ALPHABET), tuple(ALPHABET)),
        ),
        Task(
            "reverse",
            {
                "en": "Reverse a string of 4-12 letters: the first input is the last output.",
                "zh": "把 4 到 12 个字母倒过来写：第一个输入是最后一个输出。",
            },
            _reverse,
            max_source_tokens=12,
            max_target_tokens=12,
            symbols=(tuple(ALPHABET), tuple(ALPHABET)),
        ),
        Task(
            "sort",
            {
                "en": "Sort the letters of a string alphabetically.",
                "zh": "把字符串里的字母按字母表顺序排好。",
            },
            _sort,
            max_source_tokens=12,
            max_target_tokens=12,
            symbols=(tuple(ALPHABET), tuple(ALPHABET)),
        ),
        Task(
            "addition",
            {
                "en": "Add two numbers up to 999: 57+86 -> 143.",
                "zh": "两个不超过 999 的数相加：57+86 -> 143。",
            },
            _addition,
            max_source_tokens=7,
            max_target_tokens=4,
            symbols=((*_DIGITS, "+"), _DIGITS),
        ),
        Task(
            "dates",
            {
                "en": "Normalise a date: March 5, 2021 / 5 Mar 2021 / 03/05/2021 -> 2021-03-05.",
                "zh": "把日期统一成标准格式：March 5, 2021、5 Mar 2021、03/05/2021 -> 2021-03-05。",
            },
            _date,
            max_source_tokens=18,
            max_target_tokens=10,
        ),
        Task(
            "num2words",
            {
                "en": "Read a number aloud in English: 1205 -> one thousand two hundred five.",
                "zh": "用英文读出数字：1205 -> one thousand two hundred five。",
            },
            _num2words,
            target_tokenizer=_WORD,
            max_source_tokens=6,
            max_target_tokens=16,
            symbols=(_DIGITS, ()),
        ),
        Task(
            "num2zh",
            {
                "en": "Write a number in Chinese numerals: 1205 -> 一千二百零五.",
                "zh": "把阿拉伯数字写成中文数字：1205 -> 一千二百零五。",
            },
            _num2zh,
            max_source_tokens=8,
            max_target_tokens=20,
            symbols=(_DIGITS, tuple("零一二三四五六七八九十百千万")),
        ),
        Task(
            "en-fr",
            {
                "en": "Translate English to French (a small grammar: adjectives move after the noun).",
                "zh": "英译法（小型语法生成：形容词移到名词后面，否定句拆成 ne … pas）。",
            },
            _en_fr,
            source_tokenizer=_WORD,
            target_tokenizer=_WORD,
            max_source_tokens=14,
            max_target_tokens=16,
        ),
        Task(
            "en-zh",
            {
                "en": "Translate English to Chinese (time words move to the front, measure words appear).",
                "zh": "英译中（时间词提到句首，数词后要加量词）。",
            },
            _en_zh,
            source_tokenizer=_WORD,
            target_tokenizer=_WORD,
            max_source_tokens=14,
            max_target_tokens=20,
        ),
    )
}


def list_tasks() -> list[str]:
    return list(TASKS)


def get_task(name: str) -> Task:
    if name not in TASKS:
        raise UnknownTaskError(f"unknown task {name!r}: choose one of {', '.join(TASKS)}")
    return TASKS[name]
