"""Checkpoint names: what a plain name is, and when two names look alike.

Why: a checkpoint's name becomes a folder name and is read by people choosing a model from a list. In a
classroom, one student's name is read by every other student, so two promises matter:

- A name is *plain*: one harmless path component (letters of any script with their combining marks,
  decimal digits, ``-``, ``_``, ``.``), not hidden (no leading ``.``), at most ``MAX_NAME_CHARS`` long,
  after Unicode NFKC normalisation (full-width ``ｒ`` becomes ``r``, ``ﬁ`` becomes ``fi``: the name stored is
  the one people read). Markdown, spaces, slashes and invisible characters are refused.
- A name never *looks like* a name already shown to everyone. ``name_skeleton`` reduces a name to what a
  reader sees: NFKC, capital ``I`` read as ``l``, case folded, then a small table of confusables mapped to
  the Latin letter they imitate. Two names with the same skeleton look alike and only the first is kept.

The confusables table is deliberately small and readable (a subset of Unicode's UTS #39 data): the
Cyrillic and Greek letters that are drawn like Latin ones in common fonts, and the digits ``0`` and ``1``
that read as ``o`` and ``l``. Full-width forms need no entry: NFKC maps them to ASCII first.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from seqviz.errors import InputError

MAX_NAME_CHARS = 64
NAME_PUNCTUATION = "-_."

# Characters that draw nothing (or nothing of their own), yet some are letters or marks by category: a
# name holding one looks like a name without it. Refused outright in a name.
INVISIBLE = frozenset(
    "\u034f"  # combining grapheme joiner
    "\u115f\u1160\u3164\uffa0"  # Hangul fillers (category Lo)
    "\u17b4\u17b5"  # Khmer inherent vowels
    "\u180b\u180c\u180d\u180e\u180f"  # Mongolian variation selectors
    + "".join(chr(code) for code in range(0xFE00, 0xFE10))  # variation selectors
    + "".join(chr(code) for code in range(0xE0100, 0xE01F0))  # variation selectors supplement
)

# Confusable -> the Latin letter it imitates, applied after case folding (so only lowercase forms appear).
CONFUSABLES: dict[str, str] = {
    # Cyrillic letters drawn like Latin ones
    "а": "a",
    "е": "e",
    "о": "o",
    "р": "p",
    "с": "c",
    "х": "x",
    "у": "y",
    "ѕ": "s",
    "ј": "j",
    "һ": "h",
    "ԁ": "d",
    "ԛ": "q",
    "ԝ": "w",
    "і": "l",  # i-like letters all go to "l", see below
    "ӏ": "l",
    # Greek
    "α": "a",
    "ο": "o",
    "ρ": "p",
    "χ": "x",
    "ν": "v",
    "υ": "u",
    "κ": "k",
    "ι": "l",
    # digits and Latin letters that read alike in sans-serif fonts: 0/O, and 1/l/I (capital I is
    # turned into l before case folding; the small i, dotless ı and the i-like letters above join them,
    # so that whichever of them a name uses, the skeleton is the same)
    "0": "o",
    "1": "l",
    "i": "l",
    "ı": "l",
}
_CONFUSABLE_TABLE = str.maketrans(CONFUSABLES)


def normalise_name(name: str) -> str:
    """NFKC and surrounding whitespace stripped: the form a name is checked, stored and compared in."""
    return unicodedata.normalize("NFKC", str(name)).strip()


def name_char_ok(ch: str) -> bool:
    """Letters (with their combining marks, so Hindi or Korean names work), decimal digits, ``-_.``; never
    an invisible character."""
    if ch in INVISIBLE:
        return False
    category = unicodedata.category(ch)
    return category[0] in "LM" or category == "Nd" or ch in NAME_PUNCTUATION


def check_plain_name(name: str) -> str:
    """The NFKC form of ``name`` when it is a plain name; otherwise one ``InputError`` saying what to fix."""
    cleaned = normalise_name(name)
    if not cleaned:
        raise InputError("The checkpoint name is empty; type a name.")
    if len(cleaned) > MAX_NAME_CHARS:
        raise InputError(f"The checkpoint name has {len(cleaned)} characters; use at most {MAX_NAME_CHARS}.")
    bad = sorted({ch for ch in cleaned if not name_char_ok(ch)})
    if bad:
        shown = " ".join(repr(ch) for ch in bad[:5])
        raise InputError(
            f"The checkpoint name {cleaned!r} contains {shown}; use only letters, digits, '-', '_' and '.'."
        )
    if cleaned.startswith("."):
        raise InputError(f"The checkpoint name {cleaned!r} starts with '.'; start it with a letter or digit.")
    return cleaned


def name_skeleton(name: str) -> str:
    """What a reader sees of ``name``: equal skeletons mean the names look alike (see the module doc)."""
    text = unicodedata.normalize("NFKC", str(name)).strip()
    text = text.replace("I", "l").casefold()
    text = "".join(ch for ch in text if ch not in INVISIBLE)
    return text.translate(_CONFUSABLE_TABLE)


def find_look_alike(name: str, existing: Iterable[str]) -> str | None:
    """The first of ``existing`` that looks like ``name`` (the same name included), or None."""
    skeleton = name_skeleton(name)
    return next((other for other in existing if name_skeleton(other) == skeleton), None)
