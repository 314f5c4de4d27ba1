"""The vocabulary: tokens to ids and back, with the four specials at fixed ids.

Fixed special ids (``<pad>`` 0, ``<sos>`` 1, ``<eos>`` 2, ``<unk>`` 3) let models, batching and masks agree
without passing a vocabulary around. A token the vocabulary lacks becomes ``<unk>``, never an error, and
``unknown_tokens`` says which ones did, so a page can show the user what the model could not read.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from seqviz.data.tokenizers import EOS, PAD, SOS, SPECIALS, UNK
from seqviz.errors import SeqvizError

PAD_ID, SOS_ID, EOS_ID, UNK_ID = 0, 1, 2, 3
NEVER_OUTPUT_IDS = (PAD_ID, SOS_ID)  # decoders mask these out: no model ever writes, forces or samples them


@dataclass(eq=True)
class Vocab:
    """``tokens[i]`` is the token with id ``i``; the first four are ``SPECIALS`` in that order."""

    tokens: list[str]
    _ids: dict[str, int] = field(init=False, repr=False, compare=False)

    PAD_ID: ClassVar[int] = PAD_ID
    SOS_ID: ClassVar[int] = SOS_ID
    EOS_ID: ClassVar[int] = EOS_ID
    UNK_ID: ClassVar[int] = UNK_ID

    def __post_init__(self) -> None:
        self.tokens = list(self.tokens)
        if tuple(self.tokens[: len(SPECIALS)]) != SPECIALS:
            raise SeqvizError(f"a vocabulary must start with {', '.join(SPECIALS)} in that order")
        self._ids = {token: index for index, token in enumerate(self.tokens)}
        if len(self._ids) != len(self.tokens):
            duplicates = sorted(token for token, n in Counter(self.tokens).items() if n > 1)
            raise SeqvizError(f"a vocabulary must hold each token once, but it repeats {duplicates[:5]}")

    @classmethod
    def build(
        cls,
        token_sequences: Iterable[Sequence[str]],
        min_freq: int = 1,
        max_size: int | None = None,
        extra: Iterable[str] = (),
    ) -> Vocab:
        """Specials, then the ``extra`` tokens in their own order, then every other token seen at least
        ``min_freq`` times, most frequent first, ties broken by the token itself, so the same data always
        gives the same ids.

        ``extra`` tokens are always included, however rare: a task's whole alphabet, so no valid input
        ever becomes ``<unk>``, and in alphabet order, so the rows of an embedding or attention plot read
        a, b, c. ``max_size`` bounds the total, specials included, by dropping the rarest other tokens.
        """
        if min_freq < 1:
            raise SeqvizError(f"min_freq must be at least 1, not {min_freq}")
        counts = Counter(token for sequence in token_sequences for token in sequence)
        always = [token for token in dict.fromkeys(extra) if token not in SPECIALS]
        fixed = {*SPECIALS, *always}
        frequent = sorted(
            (token for token, count in counts.items() if count >= min_freq and token not in fixed),
            key=lambda token: (-counts[token], token),
        )
        if max_size is not None:
            frequent = frequent[: max(0, max_size - len(fixed))]
        candidates = always + frequent
        return cls([*SPECIALS, *candidates])

    def __len__(self) -> int:
        return len(self.tokens)

    def __contains__(self, token: object) -> bool:
        return token in self._ids

    def id_of(self, token: str) -> int:
        return self._ids.get(token, UNK_ID)

    def token_of(self, index: int) -> str:
        index = int(index)  # numpy and torch integers too
        if not 0 <= index < len(self.tokens):
            raise IndexError(f"id {index} is outside this vocabulary of {len(self.tokens)} tokens")
        return self.tokens[index]

    def encode(self, tokens: Sequence[str], add_sos: bool = False, add_eos: bool = False) -> list[int]:
        ids = [self._ids.get(token, UNK_ID) for token in tokens]
        return [SOS_ID] * add_sos + ids + [EOS_ID] * add_eos

    def decode(self, ids: Iterable[int], strip_specials: bool = True, stop_at_eos: bool = True) -> list[str]:
        """Tokens for ``ids``. ``strip_specials`` drops ``<pad>``, ``<sos>`` and ``<eos>`` but keeps
        ``<unk>``, which is information a reader should see."""
        return decode_ids(ids, self.token_of, strip_specials, stop_at_eos)

    def unknown_tokens(self, tokens: Sequence[str]) -> list[str]:
        """The tokens, in order, that ``encode`` would turn into ``<unk>``."""
        return [token for token in tokens if token not in self._ids]

    def to_json(self) -> list[str]:
        return list(self.tokens)

    @classmethod
    def from_json(cls, data: Any) -> Vocab:
        """A vocabulary from ``to_json``'s list, checked, since it comes from a file someone may have
        edited."""
        if not isinstance(data, list):
            raise SeqvizError(f"a vocabulary must be a JSON list of strings, not {type(data).__name__}")
        for item in data:
            if not isinstance(item, str):
                raise SeqvizError(f"a vocabulary must be a JSON list of strings, but it holds {item!r}")
        return cls(data)


__all__ = ["EOS", "EOS_ID", "PAD", "PAD_ID", "SOS", "SOS_ID", "UNK", "UNK_ID", "Vocab"]


def decode_ids(
    ids: Iterable[int], token_of: Callable[[int], str], strip_specials: bool = True, stop_at_eos: bool = True
) -> list[str]:
    """Tokens for ``ids`` by ``token_of`` (a vocabulary's, or a copy model's extended one): the one place that
    says where decoding stops (the first ``<eos>``) and which specials a reader never needs to see."""
    out: list[str] = []
    for index in ids:
        index = int(index)
        if stop_at_eos and index == EOS_ID:
            break
        if strip_specials and index in (PAD_ID, SOS_ID, EOS_ID):
            continue
        out.append(token_of(index))
    return out
