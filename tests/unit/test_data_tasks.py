"""Synthetic tasks: determinism, validation kept out of training, length bounds, full vocabularies."""

from __future__ import annotations

import contextlib
import datetime
import functools
import itertools
import random
import re

import pytest

from seqviz.data import grammar
from seqviz.data.numbers import chinese_numerals, english_words
from seqviz.data.tasks import TASKS, Example, Task, format_date, get_task, is_held_out, list_tasks
from seqviz.data.vocab import Vocab
from seqviz.errors import SeqvizError, UnknownTaskError

NAMES = [
    "copy",
    "reverse",
    "sort",
    "addition",
    "dates",
    "num2words",
    "num2zh",
    "en-fr",
    "en-fr-names",
    "en-zh",
]
TRAIN_CHECKED = 3000


@functools.cache
def drawn(name: str) -> tuple[list[Example], list[Example], tuple[Vocab, Vocab]]:
    """Validation, the first training examples and the vocabularies of a task, computed once per run."""
    task = get_task(name)
    return task.validation(), list(itertools.islice(task.train_stream(), TRAIN_CHECKED)), task.build_vocabs()


def test_registry() -> None:
    assert list_tasks() == NAMES == list(TASKS)
    assert all(isinstance(task, Task) and task.name == name for name, task in TASKS.items())
    with pytest.raises(UnknownTaskError) as caught:
        get_task("translate")
    assert str(caught.value) == f"unknown task 'translate': choose one of {', '.join(NAMES)}"
    assert isinstance(caught.value, SeqvizError) and isinstance(caught.value, KeyError)


@pytest.mark.parametrize("name", NAMES)
def test_descriptions_in_english_and_chinese(name: str) -> None:
    description = get_task(name).description
    assert set(description) == {"en", "zh"}
    assert all(text and "\n" not in text for text in description.values())
    assert re.search(r"[\u4e00-\u9fff]", description["zh"])


@pytest.mark.parametrize("name", NAMES)
def test_deterministic_by_seed(name: str) -> None:
    task = get_task(name)
    validation, train, vocabs = drawn(name)
    assert (
        task.validation(seed=0, size=60) == validation[:60]
    )  # the same again, and a smaller set is a prefix
    assert task.validation(seed=1, size=60) != validation[:60]
    assert list(itertools.islice(task.train_stream(seed=0), 100)) == train[:100]
    assert list(itertools.islice(task.train_stream(seed=1), 100)) != train[:100]
    assert task.sample(random.Random(5)) == task.sample(random.Random(5))
    if name in ("num2words", "en-zh"):  # vocabularies are the slow part: two tasks are enough
        assert task.build_vocabs() == vocabs


@pytest.mark.parametrize("name", NAMES)
def test_validation_is_distinct_and_never_trained_on(name: str) -> None:
    task = get_task(name)
    validation, train, _ = drawn(name)
    sources = {example.source for example in validation}
    assert len(validation) == 500 and len(sources) == 500
    assert not sources & {example.source for example in train}
    other_seed = itertools.islice(
        task.train_stream(seed=7), 500
    )  # the held-out tenth is the same for all seeds
    assert not sources & {example.source for example in other_seed}
    assert all(task.held_out(example) for example in validation)
    if name != "en-fr-names":  # there a name decides first (tests/unit/test_data_names.py)
        assert all(is_held_out(name, source) for source in sources)


@pytest.mark.parametrize("name", NAMES)
def test_token_lengths_within_bounds(name: str) -> None:
    task = get_task(name)
    validation, train, _ = drawn(name)
    for example in validation + train:
        assert 1 <= len(task.source_tokenizer.tokenize(example.source)) <= task.max_source_tokens, example
        assert 1 <= len(task.target_tokenizer.tokenize(example.target)) <= task.max_target_tokens, example
    longest_source = max(len(task.source_tokenizer.tokenize(e.source)) for e in validation + train)
    assert longest_source >= task.max_source_tokens - 2  # bounds are tight, not just safe


@pytest.mark.parametrize("name", NAMES)
def test_vocabularies_cover_every_sample(name: str) -> None:
    task = get_task(name)
    _, _, (source_vocab, target_vocab) = drawn(name)
    rng = random.Random("fresh")
    for example in [task.sample(rng) for _ in range(1000)]:
        # every token, except the words a task keeps out of vocabularies on purpose (en-fr-names: names)
        source_unknown = source_vocab.unknown_tokens(task.source_tokenizer.tokenize(example.source))
        target_unknown = target_vocab.unknown_tokens(task.target_tokenizer.tokenize(example.target))
        assert [token for token in source_unknown + target_unknown if task.vocabulary_word(token)] == []


def test_alphabets_are_complete_even_with_min_freq() -> None:
    source, target = get_task("copy").build_vocabs(min_freq=10**9)
    assert source.tokens[4:] == target.tokens[4:] == list("abcdefghijklmnopqrst")  # alphabet order
    assert set("零一二三四五六七八九十百千万") <= set(
        get_task("num2zh").build_vocabs(min_freq=10**9)[1].tokens
    )
    months = {"January", "February", "September", "December"}
    assert set("".join(months)) <= set(get_task("dates").build_vocabs(min_freq=10**9)[0].tokens)
    fr_vocab = get_task("en-fr").build_vocabs()[1]
    assert {"aujourd'hui", "l'oiseau", "d'oiseau", "blanches", "grises", "gâteaux", "préparons"} <= set(
        fr_vocab.tokens
    )


def test_letter_tasks() -> None:
    for name, transform in (("copy", lambda s: s), ("reverse", lambda s: s[::-1]), ("sort", sorted)):
        validation, train, _ = drawn(name)
        lengths = set()
        for example in validation + train:
            assert re.fullmatch("[a-t]{4,12}", example.source)
            assert example.target == "".join(transform(example.source))
            lengths.add(len(example.source))
        assert lengths == set(range(4, 13))


def test_addition() -> None:
    validation, train, _ = drawn("addition")
    for example in validation + train:
        a, b = example.source.split("+")
        assert 0 <= int(a) <= 999 and 0 <= int(b) <= 999
        assert example.target == str(int(a) + int(b))
        assert a == str(int(a)) and b == str(int(b))  # no leading zeros


def test_date_formats() -> None:
    assert format_date(2021, 3, 5, 0) == "March 5, 2021"
    assert format_date(2021, 3, 5, 1) == "5 Mar 2021"
    assert format_date(2021, 3, 5, 2) == "03/05/2021"
    assert format_date(1950, 12, 31, 1) == "31 Dec 1950"
    assert format_date(2049, 9, 30, 0) == "September 30, 2049"


def test_dates_are_valid_calendar_dates_in_all_formats() -> None:
    validation, train, _ = drawn("dates")
    styles = {0: "%B %d, %Y", 1: "%d %b %Y", 2: "%m/%d/%Y"}
    seen_styles, leap_days = set(), set()
    for example in validation + train:
        target = datetime.date.fromisoformat(example.target)
        assert 1950 <= target.year <= 2049
        parsed = []
        for style, pattern in styles.items():
            with contextlib.suppress(ValueError):
                parsed.append((style, datetime.datetime.strptime(example.source, pattern).date()))
        assert [date for _, date in parsed] == [target], example
        seen_styles.add(parsed[0][0])
        if (target.month, target.day) == (2, 29):
            leap_days.add(target.year)
    assert seen_styles == {0, 1, 2}
    assert all(year % 4 == 0 for year in leap_days)


def test_number_tasks() -> None:
    for name, read, digits in (("num2words", english_words, 6), ("num2zh", chinese_numerals, 8)):
        validation, train, _ = drawn(name)
        lengths = set()
        for example in validation + train:
            assert re.fullmatch(r"0|[1-9][0-9]*", example.source)
            assert example.target == read(int(example.source))
            lengths.add(len(example.source))
        assert lengths == set(range(1, digits + 1))  # short and long numbers alike


def test_translation_tasks_render_one_meaning() -> None:
    rng_fr, rng_zh, rng_meaning = random.Random(3), random.Random(3), random.Random(3)
    for _ in range(200):
        meaning = grammar.sample_meaning(rng_meaning)
        assert get_task("en-fr").sample(rng_fr) == Example(grammar.english(meaning), grammar.french(meaning))
        assert get_task("en-zh").sample(rng_zh) == Example(grammar.english(meaning), grammar.chinese(meaning))
    validation, _, _ = drawn("en-zh")
    assert all(
        len(get_task("en-zh").target_tokenizer.tokenize(e.target)) == len(e.target) for e in validation
    )
