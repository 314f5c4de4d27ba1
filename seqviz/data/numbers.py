"""Numbers written out in English words and in Chinese numerals, for the two number-reading tasks.

English: short scale, no "and", no hyphens (``1205`` -> ``one thousand two hundred five``,
``21`` -> ``twenty one``), so every word is one token and the model's job is the number system itself.

Chinese: the standard reading with 万 groups of four digits. Inside a group, digits carry 千/百/十; a run
of zeros between non-zero digits is read as one 零, zeros at the end of a group are silent, and a group
that starts with zeros after a higher group gets a 零 (``1010`` -> ``一千零一十``,
``100010`` -> ``十万零一十``, ``10000001`` -> ``一千万零一``). A leading 一十 is read 十 (``15`` -> ``十五``,
``100000`` -> ``十万``), but not inside a number (``110`` -> ``一百一十``). Digit 2 is always 二.
"""

from __future__ import annotations

_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_SCALES = [(10**9, "billion"), (10**6, "million"), (1000, "thousand")]


def _under_thousand(n: int) -> list[str]:
    words: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds:
        words += [_ONES[hundreds], "hundred"]
    if rest >= 20:
        words.append(_TENS[rest // 10])
        if rest % 10:
            words.append(_ONES[rest % 10])
    elif rest or not words:
        words.append(_ONES[rest])
    return words


def english_words(n: int) -> str:
    if n < 0:
        raise ValueError("only non-negative numbers")
    if n == 0:
        return "zero"
    words: list[str] = []
    for scale, name in _SCALES:
        if n >= scale:
            count, n = divmod(n, scale)
            words += [*_under_thousand(count), name]
    if n:
        words += _under_thousand(n)
    return " ".join(words)


_DIGITS = "零一二三四五六七八九"
_UNITS = ["", "十", "百", "千"]
_GROUPS = ["", "万", "亿", "万亿"]


def _group(n: int) -> str:
    """A group of up to four digits, without its leading zeros' 零 (the caller adds that)."""
    out = []
    zero_pending = False
    for position in range(3, -1, -1):
        digit = n // 10**position % 10
        if digit == 0:
            if out:
                zero_pending = True
            continue
        if zero_pending:
            out.append("零")
            zero_pending = False
        out.append(_DIGITS[digit] + _UNITS[position])
    return "".join(out)


def chinese_numerals(n: int) -> str:
    if n < 0:
        raise ValueError("only non-negative numbers")
    if n == 0:
        return "零"
    groups = []
    while n:
        n, group = divmod(n, 10000)
        groups.append(group)
    out = []
    need_zero = False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            need_zero = bool(out)
            continue
        if out and (need_zero or group < 1000):
            out.append("零")
        out.append(_group(group) + _GROUPS[index])
        need_zero = False
    text = "".join(out)
    return text[1:] if text.startswith("一十") else text
