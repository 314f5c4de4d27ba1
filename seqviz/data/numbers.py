"""Numbers written out in English words and in Chinese numerals, for the two number-reading tasks.

Both readers take integers from 0 to 999,999,999,999 (the tasks use far less) and raise ``InputError``
for anything else, since a page may hand them what a user typed.
"""

from __future__ import annotations

from seqviz.errors import InputError

LIMIT = 10**12  # exclusive: both readers stop before a trillion / 万亿

_ONES = (
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
)
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_SCALES = ((10**9, "billion"), (10**6, "million"), (10**3, "thousand"))


def _check(n: int) -> None:
    if isinstance(n, bool) or not isinstance(n, int):
        raise InputError(f"a number to read must be a whole number, not {n!r}")
    if not 0 <= n < LIMIT:
        raise InputError(f"{n} is out of range: numbers are read from 0 to {LIMIT - 1:,}")


def _english_below_thousand(n: int) -> list[str]:
    words: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds:
        words += [_ONES[hundreds], "hundred"]
    if rest >= 20:
        words.append(_TENS[rest // 10])
        if rest % 10:
            words.append(_ONES[rest % 10])
    elif rest:
        words.append(_ONES[rest])
    return words


def english_words(n: int) -> str:
    """``n`` in English words, short scale, one token per word.

    Rules (chosen so that every word is a token and the model learns the number system, not spelling):
    no "and" (``1205`` -> ``one thousand two hundred five``), no hyphens (``21`` -> ``twenty one``),
    no commas, and zero only on its own (``0`` -> ``zero``; ``101`` -> ``one hundred one``).
    """
    _check(n)
    if n == 0:
        return "zero"
    words: list[str] = []
    for scale, name in _SCALES:
        count, n = divmod(n, scale)
        if count:
            words += [*_english_below_thousand(count), name]
    words += _english_below_thousand(n)
    return " ".join(words)


_CHINESE_DIGITS = "零一二三四五六七八九"
_CHINESE_PLACES = ("", "十", "百", "千")  # inside a group of four digits
_CHINESE_GROUPS = ("", "万", "亿")  # one per group of four digits


def _chinese_group(n: int) -> str:
    """One group of 1..9999: each non-zero digit with its place; one 零 for a run of zeros *between*
    non-zero digits; zeros at the end of the group are silent (``1010`` -> ``一千零一十``)."""
    out: list[str] = []
    zero_pending = False
    for place in (3, 2, 1, 0):
        digit = n // 10**place % 10
        if digit == 0:
            zero_pending = bool(out)
            continue
        if zero_pending:
            out.append("零")
            zero_pending = False
        out.append(_CHINESE_DIGITS[digit] + _CHINESE_PLACES[place])
    return "".join(out)


def chinese_numerals(n: int) -> str:
    """``n`` in Chinese numerals (小写数字), the standard reading in groups of four digits (万, 亿).

    Rules, as taught in Chinese primary school (每级末尾的零都不读，其他数位上连续几个零都只读一个零):

    - zeros at the end of a group are silent: ``20000`` -> ``二万``, ``10001000`` -> ``一千万一千``;
    - a run of zeros between non-zero digits is read as one 零, also across groups: ``1205`` ->
      ``一千二百零五``, ``100010`` -> ``十万零一十``, ``10000001`` -> ``一千万零一``, and a whole group of
      zeros in the middle is one 零 too: ``100000001`` -> ``一亿零一``;
    - a number that *starts* with 一十 drops the 一: ``10`` -> ``十``, ``15`` -> ``十五``, ``100000`` ->
      ``十万``; inside a number it stays: ``110`` -> ``一百一十``;
    - the digit 2 is always 二 (``2000`` -> ``二千``): one symbol per digit keeps the task regular, although
      speech prefers 两千;
    - ``0`` alone is ``零``.
    """
    _check(n)
    if n == 0:
        return "零"
    groups: list[int] = []  # lowest group first
    while n:
        n, group = divmod(n, 10_000)
        groups.append(group)
    out: list[str] = []
    zero_pending = False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            zero_pending = bool(out)
            continue
        if out and (zero_pending or group < 1000):  # zeros before this group's first digit
            out.append("零")
        zero_pending = False
        out.append(_chinese_group(group) + _CHINESE_GROUPS[index])
    text = "".join(out)
    return text[1:] if text.startswith("一十") else text
