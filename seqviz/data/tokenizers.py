"""Tokenizers: text to tokens and back, for any Unicode text.

Two granularities, both used by the course:

- ``CharTokenizer``: one token per code point after NFC, spaces included, so a character language model
  learns where words end. Any string is valid input, Chinese, emoji and control characters included.
- ``WordTokenizer``: words and punctuation. A word is a run of letters and digits that may hold inner
  apostrophes or hyphens (``aujourd'hui``, ``don't``, ``well-known``); every punctuation mark or symbol is
  a token of its own; every CJK ideograph, kana and hangul syllable is a token of its own, because Chinese
  writes no spaces and a word segmenter would be a model of its own. Combining marks, variation selectors
  and emoji joiners stay with the character they modify, so ``é`` (even decomposed) or ``👍🏽`` is never cut.

The promise both keep, and the tests check on random text: ``tokenize(detokenize(tokenize(x))) ==
tokenize(x)``. Detokenizing may change spacing (``3.14`` comes back as ``3. 14``), never the tokens.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from seqviz.errors import InputError

PAD = "<pad>"
SOS = "<sos>"
EOS = "<eos>"
UNK = "<unk>"
SPECIALS = (PAD, SOS, EOS, UNK)

# Scripts written without spaces between words: each character is a token.
_CJK_RANGES = (
    (0x3005, 0x3007),  # 々 〆 〇 (〇 is the ideographic zero of dates like 二〇二一)
    (0x3040, 0x30FF),  # hiragana, katakana
    (0x3100, 0x312F),  # bopomofo
    (0x31A0, 0x31BF),  # bopomofo extended
    (0x31F0, 0x31FF),  # katakana phonetic extensions
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xAC00, 0xD7AF),  # hangul syllables (conjoining jamo stay letters, so NFKC cannot merge two tokens)
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0x20000, 0x3134F),  # CJK extensions B-G and the compatibility supplement
)
# Invisible format characters that only steer layout (zero-width space, bidi marks, BOM, soft hyphen):
# treated like whitespace, so text pasted from a web page gives the same tokens as text typed by hand.
_INVISIBLE = "\u00ad\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff"
_JOINERS = "'’\\-\u2010"  # inner apostrophes and hyphens keep a word whole
# Closing punctuation gets no space before it, opening punctuation none after it. Every character here is
# punctuation (category P), never a joiner that could glue two words into one on re-tokenizing.
CLOSING = frozenset(".,!?;:)]}…%”»’、。，！？；：）】》」』〉〕〗〙〛")
OPENING = frozenset("([{“«‘¿¡（【《「『〈〔〖〘〚")


def _ranges(ranges: Sequence[tuple[int, int]]) -> str:
    return "".join(f"\\U{low:08X}-\\U{high:08X}" for low, high in ranges)


def _code_point_ranges(code_points: list[int]) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    for point in code_points:
        if ranges and ranges[-1][1] == point - 1:
            ranges[-1] = (ranges[-1][0], point)
        else:
            ranges.append((point, point))
    return ranges


@functools.cache
def _extender_class() -> str:
    """A regex class of what extends the character before it: combining marks, zero-width (non-)joiners,
    variation selectors, skin-tone modifiers and emoji tags. Built on first use (about 30 ms): Python's
    ``re`` has no ``\\p{M}``, so the marks are listed from the running Python's ``unicodedata``, which keeps
    them in step with its NFKC tables."""
    marks = [
        point
        for block in (range(0x20000), range(0xE0000, 0xE0200))
        for point in block
        if unicodedata.category(chr(point)).startswith("M")
    ]
    others = [0x200C, 0x200D, *range(0xFE00, 0xFE10), *range(0x1F3FB, 0x1F400), *range(0xE0020, 0xE0080)]
    return f"[{_ranges(_code_point_ranges(sorted({*marks, *others})))}]"


@functools.cache
def _starts_with_extender() -> re.Pattern[str]:
    return re.compile(_extender_class())


@functools.cache
def _word_pattern() -> re.Pattern[str]:
    extend = _extender_class()
    cjk = _ranges(_CJK_RANGES)
    letter = rf"[^\W_{cjk}]"  # a letter or digit of a script that uses spaces
    emoji = r"[\u2600-\u27BF\U0001F000-\U0001FAFF]"
    flag = r"[\U0001F1E6-\U0001F1FF]"  # regional indicators: two of them make one flag
    return re.compile(
        rf"{letter}(?:{letter}|{extend})*(?:[{_JOINERS}]{letter}(?:{letter}|{extend})*)*"
        rf"|[{cjk}]{extend}*"
        rf"|{flag}{flag}?{extend}*"
        rf"|[^\s{_INVISIBLE}]{extend}*(?:(?<=\u200d){emoji}{extend}*)*"  # anything else, one at a time
    )


def is_cjk(char: str) -> bool:
    """True for a character of a script written without spaces (Chinese, Japanese kana, hangul)."""
    code = ord(char)
    return any(low <= code <= high for low, high in _CJK_RANGES)


def _lower(text: str, lowercase: bool, form: str) -> str:
    # Normalising again after lower-casing keeps tokenizing idempotent ("İ".lower() is two code points).
    return unicodedata.normalize(form, text.lower()) if lowercase else text


@dataclass(frozen=True)
class CharTokenizer:
    """One token per Unicode code point after NFC normalisation; spaces and control characters included."""

    lowercase: bool = False
    name: str = "char"

    def tokenize(self, text: str) -> list[str]:
        return list(_lower(unicodedata.normalize("NFC", text), self.lowercase, "NFC"))

    def detokenize(self, tokens: Sequence[str]) -> str:
        return "".join(tokens)


@dataclass(frozen=True)
class WordTokenizer:
    """Words, punctuation marks and single CJK characters; whitespace separates and is dropped.

    NFKC comes first, so look-alike forms become one token: French narrow no-break spaces are spaces,
    full-width ``Ａ１，`` is ``A1,``, the ligature ``ﬁ`` is ``fi``.
    """

    lowercase: bool = False
    name: str = "word"

    def tokenize(self, text: str) -> list[str]:
        text = _lower(unicodedata.normalize("NFKC", text), self.lowercase, "NFKC")
        return _word_pattern().findall(text)

    def detokenize(self, tokens: Sequence[str]) -> str:
        """Join with spaces, except before closing punctuation, after opening punctuation, between two
        CJK tokens and between a CJK token and punctuation (``今天下雨。`` stays unspaced)."""
        pieces: list[str] = []
        previous = ""
        for token in tokens:
            if not token:
                continue
            if pieces and not _glued(previous, token):
                pieces.append(" ")
            pieces.append(token)
            previous = token
        return "".join(pieces)


def _is_punctuation(token: str) -> bool:
    return len(token) == 1 and unicodedata.category(token).startswith("P")


def _glued(previous: str, token: str) -> bool:
    """Whether ``token`` follows ``previous`` without a space. Never glue a token that starts with a
    combining mark or another extender: it would attach itself to the previous token when the text is
    tokenized again."""
    if _starts_with_extender().match(token):
        return False
    if token in CLOSING or previous in OPENING:
        return True
    previous_cjk, token_cjk = is_cjk(previous[0]), is_cjk(token[0])
    return (previous_cjk and (token_cjk or _is_punctuation(token))) or (
        token_cjk and _is_punctuation(previous)
    )


Tokenizer = CharTokenizer | WordTokenizer
TOKENIZERS: dict[str, type[CharTokenizer] | type[WordTokenizer]] = {
    "char": CharTokenizer,
    "word": WordTokenizer,
}


def get_tokenizer(name: str, lowercase: bool = False) -> Tokenizer:
    """The tokenizer called ``name`` ("char" or "word"), as checkpoints and the CLI name them."""
    if name not in TOKENIZERS:
        raise InputError(f"unknown tokenizer {name!r}: choose one of {', '.join(TOKENIZERS)}")
    return TOKENIZERS[name](lowercase=lowercase)


def clean_text(text: str, lowercase: bool = False, strip: bool = True) -> str:
    """Text as a model reads it before tokenizing: Unicode NFC (an accent typed two ways is one token),
    surrounding whitespace dropped unless ``strip`` is off, lowercased for a lowercasing checkpoint."""
    cleaned = unicodedata.normalize("NFC", text)
    cleaned = cleaned.strip() if strip else cleaned
    return cleaned.lower() if lowercase else cleaned
