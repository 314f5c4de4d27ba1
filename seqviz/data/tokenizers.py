"""Tokenizers: text to tokens and back, for any Unicode text.

Two granularities, both used by the course: characters (any script, Chinese included; spaces are tokens,
so a character language model learns them) and words (runs of letters and digits, with every punctuation
mark and every CJK character a token of its own, because Chinese writes no spaces).
"""

from __future__ import annotations

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

_CJK_RANGES = (
    (0x3040, 0x30FF),  # hiragana, katakana
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xAC00, 0xD7AF),  # hangul syllables
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0x20000, 0x2FA1F),  # CJK extensions B-F and supplements
)


def is_cjk(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _CJK_RANGES)


_CJK_CLASS = "".join(f"\\U{low:08X}-\\U{high:08X}" for low, high in _CJK_RANGES)
# a word: letters/digits/marks (not CJK), with inner apostrophes or hyphens; or one CJK char; or one symbol
_WORD = re.compile(
    rf"(?:[^\W_{_CJK_CLASS}]|[\u0300-\u036F])+(?:['’\-](?:[^\W_{_CJK_CLASS}])+)*"
    rf"|[{_CJK_CLASS}]"
    r"|[^\s]",
)
_CLOSING = set(".,!?;:)]}…%’”»、。，！？；：）】》」』")
_OPENING = set("([{“«‘（【《「『¿¡")


@dataclass(frozen=True)
class CharTokenizer:
    """One token per Unicode code point after NFC normalisation; spaces are tokens too."""

    lowercase: bool = False
    name: str = "char"

    def tokenize(self, text: str) -> list[str]:
        text = unicodedata.normalize("NFC", text)
        return list(text.lower() if self.lowercase else text)

    def detokenize(self, tokens: Sequence[str]) -> str:
        return "".join(tokens)


@dataclass(frozen=True)
class WordTokenizer:
    """Words and punctuation; every CJK character is a token; whitespace separates and is dropped."""

    lowercase: bool = False
    name: str = "word"

    def tokenize(self, text: str) -> list[str]:
        text = unicodedata.normalize("NFKC", text)
        if self.lowercase:
            text = text.lower()
        return _WORD.findall(text)

    def detokenize(self, tokens: Sequence[str]) -> str:
        """Join with spaces, except before closing punctuation, after opening brackets, and around CJK."""
        pieces: list[str] = []
        previous = ""
        for token in tokens:
            if pieces and not _glued(previous, token):
                pieces.append(" ")
            pieces.append(token)
            previous = token
        return "".join(pieces)


def _glued(previous: str, token: str) -> bool:
    if not token or not previous:
        return True
    if token in _CLOSING or previous in _OPENING:
        return True
    first, last = token[0], previous[-1]
    return ((is_cjk(first) or first in "。，、！？；：") and (is_cjk(last) or last in _CLOSING)) or (
        is_cjk(last) and is_cjk(first)
    )


TOKENIZERS = {"char": CharTokenizer, "word": WordTokenizer}


def get_tokenizer(name: str, lowercase: bool = False) -> CharTokenizer | WordTokenizer:
    if name not in TOKENIZERS:
        raise InputError(f"unknown tokenizer {name!r}: choose one of {', '.join(TOKENIZERS)}")
    return TOKENIZERS[name](lowercase=lowercase)
