"""Numbers read in English words and Chinese numerals: known readings, edge cases and the 零 rules."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seqviz.data.numbers import chinese_numerals, english_words
from seqviz.errors import InputError

ENGLISH = {
    0: "zero",
    5: "five",
    10: "ten",
    11: "eleven",
    19: "nineteen",
    20: "twenty",
    21: "twenty one",
    99: "ninety nine",
    100: "one hundred",
    101: "one hundred one",
    110: "one hundred ten",
    115: "one hundred fifteen",
    1000: "one thousand",
    1001: "one thousand one",
    1205: "one thousand two hundred five",
    10000: "ten thousand",
    10010: "ten thousand ten",
    100000: "one hundred thousand",
    100010: "one hundred thousand ten",
    101000: "one hundred one thousand",
    999_999: "nine hundred ninety nine thousand nine hundred ninety nine",
    1_000_000: "one million",
    10_000_001: "ten million one",
    2_000_300_040: "two billion three hundred thousand forty",
}

CHINESE = {
    0: "零",
    1: "一",
    2: "二",
    10: "十",
    11: "十一",
    15: "十五",
    20: "二十",
    99: "九十九",
    100: "一百",
    101: "一百零一",
    110: "一百一十",
    111: "一百一十一",
    200: "二百",
    1000: "一千",
    1001: "一千零一",
    1010: "一千零一十",
    1100: "一千一百",
    1205: "一千二百零五",
    2002: "二千零二",
    10000: "一万",
    10010: "一万零一十",
    10100: "一万零一百",
    11000: "一万一千",
    20000: "二万",
    100000: "十万",
    100010: "十万零一十",
    101000: "十万一千",
    110000: "十一万",
    999_999: "九十九万九千九百九十九",
    1_000_000: "一百万",
    1_000_100: "一百万零一百",
    10_000_000: "一千万",
    10_000_001: "一千万零一",
    10_001_000: "一千万一千",
    10_101_010: "一千零一十万一千零一十",
    12_345_678: "一千二百三十四万五千六百七十八",
    99_999_999: "九千九百九十九万九千九百九十九",
    100_000_001: "一亿零一",
    100_010_000: "一亿零一万",
    1_000_000_000: "十亿",
}


@pytest.mark.parametrize(("n", "words"), ENGLISH.items())
def test_english_words(n: int, words: str) -> None:
    assert english_words(n) == words


@pytest.mark.parametrize(("n", "numerals"), CHINESE.items())
def test_chinese_numerals(n: int, numerals: str) -> None:
    assert chinese_numerals(n) == numerals


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 99_999_999))
def test_chinese_numerals_follow_the_zero_rules(n: int) -> None:
    text = chinese_numerals(n)
    assert "两" not in text and "零零" not in text
    assert n == 0 or not text.endswith("零")
    assert n == 0 or not text.startswith("零")
    assert not text.startswith("一十")
    assert len(text) <= 15
    assert _parse_chinese(text) == n


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 999_999))
def test_english_words_are_hyphen_free_and_parse_back(n: int) -> None:
    text = english_words(n)
    assert re.fullmatch(r"[a-z]+( [a-z]+)*", text) and "and" not in text.split()
    assert len(text.split()) <= 9
    assert _parse_english(text) == n


@pytest.mark.parametrize("bad", [-1, 10**12, 1.5, "12", True])
def test_out_of_range_or_not_an_integer(bad) -> None:
    for reader in (english_words, chinese_numerals):
        with pytest.raises(InputError):
            reader(bad)


# Independent readers back to integers, so the property tests check meaning, not just shape.

_ZH_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}
_ZH_PLACES = {"十": 10, "百": 100, "千": 1000}


def _parse_chinese(text: str) -> int:
    total, section, digit = 0, 0, 0
    for char in text:
        if char in _ZH_DIGITS:
            digit = _ZH_DIGITS[char]
        elif char in _ZH_PLACES:
            section += (digit or 1) * _ZH_PLACES[char]
            digit = 0
        else:  # below 10^8 the only group mark is 万
            assert char == "万"
            total, section, digit = (section + digit) * 10_000, 0, 0
    return total + section + digit


_EN_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen"
_EN_TEENS = "sixteen seventeen eighteen nineteen"
_EN_TENS = "twenty thirty forty fifty sixty seventy eighty ninety"
_EN_VALUES = {word: i for i, word in enumerate(f"{_EN_ONES} {_EN_TEENS}".split())}
_EN_VALUES.update({word: 10 * i for i, word in enumerate(_EN_TENS.split(), start=2)})


def _parse_english(text: str) -> int:
    total, current = 0, 0
    for word in text.split():
        if word == "hundred":
            current *= 100
        elif word == "thousand":
            total, current = total + current * 1000, 0
        else:
            current += _EN_VALUES[word]
    return total + current
