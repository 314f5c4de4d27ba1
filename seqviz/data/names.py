"""Invented person names, made from syllables by a seeded generator (no downloads, the same list everywhere).

They exist for the ``en-fr-names`` task, which shows why copying matters: a name is in neither vocabulary,
so a model without copy can only write ``<unk>`` for it, while a pointer-generator copies it through its
extended vocabulary (``seqviz.models.copy_vocab``). So that validation measures names the model has *never*
seen, a stable hash puts one name in ten into validation only (``is_validation_name``); training never draws
one.

``Zorvak`` is never generated, so it stays a truly invented name for a lecturer to type.
"""

from __future__ import annotations

import functools
import hashlib
import random

NAME_COUNT = 3_000
VALIDATION_SHARE = 10  # one name in ten is held out for validation
NEVER_GENERATED = frozenset({"Zorvak"})

_ONSETS = (
    "b", "br", "c", "ch", "d", "dr", "f", "g", "gr", "h", "j", "k", "kr", "l", "m", "n",
    "p", "r", "s", "sh", "t", "th", "tr", "v", "z",
)  # fmt: skip
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ia", "eo", "ou")
_CODAS = ("", "", "", "n", "r", "l", "s", "m", "k", "th")


def _name(rng: random.Random) -> str:
    syllables = rng.choice((2, 2, 3))
    parts = [rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(syllables)]
    parts[-1] += rng.choice(_CODAS)
    if rng.random() < 0.2:  # some names start with a vowel: Ana, Elorin
        parts[0] = parts[0].lstrip("bcdfghjklmnprstvz") or parts[0]
    return "".join(parts).capitalize()


@functools.cache
def all_names() -> tuple[str, ...]:
    """``NAME_COUNT`` distinct names of 3 to 12 letters, in the generator's order."""
    rng = random.Random("seqviz/names")
    names: dict[str, None] = {}
    while len(names) < NAME_COUNT:
        name = _name(rng)
        if 3 <= len(name) <= 12 and name not in NEVER_GENERATED:
            names[name] = None
    return tuple(names)


def is_validation_name(name: str) -> bool:
    """Whether ``name`` is held out for validation: a stable hash (Python's ``hash`` is salted)."""
    digest = hashlib.blake2b(f"names\x1f{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % VALIDATION_SHARE == 0


@functools.cache
def training_names() -> tuple[str, ...]:
    return tuple(name for name in all_names() if not is_validation_name(name))


@functools.cache
def validation_names() -> tuple[str, ...]:
    return tuple(name for name in all_names() if is_validation_name(name))


def is_name(token: str) -> bool:
    """Whether a token is one of the generated names (names are never vocabulary words)."""
    return token in _name_set()


@functools.cache
def _name_set() -> frozenset[str]:
    return frozenset(all_names())
