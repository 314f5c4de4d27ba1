"""The vocabulary: tokens to ids and back, with the four specials at fixed ids.

Fixed special ids (``<pad>`` 0, ``<sos>`` 1, ``<eos>`` 2, ``<unk>`` 3) let models, batching and masks agree
without passing a vocabulary around. A token the vocabulary lacks becomes ``<unk>``, never an error, and
``unknown_tokens`` says which ones did, so a page can show them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from seqviz.data.tokenizers import EOS, PAD, SOS, SPECIALS, UNK
from seqviz.errors import SeqvizError

PAD_ID, SOS_ID, EOS_ID, UNK_ID = 0, 1, 2, 3


class Vocab:
    PAD_ID, SOS_ID, EOS_ID, UNK_ID = PAD_ID, SOS_ID, EOS_ID, UNK_ID

    def __init__(self, tokens: Sequence[str]) -> None:
        self.tokens = list(tokens)
        if tuple(self.tokens[:4]) != SPECIALS:
            raise SeqvizError(f"a vocabulary must start with {', '.join(SPECIALS)}")
        self.index = {token: i for i, token in enumerate(self.tokens)}
        if len(self.index) != len(self.tokens):
            raise SeqvizError("a vocabulary must not hold a token twice")

    @classmethod
    def build(
        cls,
        token_sequences: Iterable[Sequence[str]],
        min_freq: int = 1,
        max_size: int | None = None,
        extra: Iterable[str] = (),
    ) -> Vocab:
        """Specials, then ``extra``, then tokens seen at least ``min_freq`` times, most frequent first
        (ties by the token itself, so the same data always gives the same ids)."""
        counts = Counter(token for sequence in token_sequences for token in sequence)
        tokens = list(SPECIALS)
        seen = set(tokens)
        for token in extra:
            if token not in seen:
                tokens.append(token)
                seen.add(token)
        frequent = sorted(
            (t for t, n in counts.items() if n >= min_freq and t not in seen), key=lambda t: (-counts[t], t)
        )
        if max_size is not None:
            frequent = frequent[: max(0, max_size - len(tokens))]
        return cls(tokens + frequent)

    def __len__(self) -> int:
        return len(self.tokens)

    def __contains__(self, token: object) -> bool:
        return token in self.index

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Vocab) and other.tokens == self.tokens

    def __repr__(self) -> str:
        return f"Vocab({len(self)} tokens)"

    def id_of(self, token: str) -> int:
        return self.index.get(token, UNK_ID)

    def token_of(self, index: int) -> str:
        return self.tokens[index] if 0 <= index < len(self.tokens) else UNK

    def encode(self, tokens: Sequence[str], add_sos: bool = False, add_eos: bool = False) -> list[int]:
        ids = [self.index.get(token, UNK_ID) for token in tokens]
        return ([SOS_ID] if add_sos else []) + ids + ([EOS_ID] if add_eos else [])

    def decode(self, ids: Iterable[int], strip_specials: bool = True, stop_at_eos: bool = True) -> list[str]:
        out = []
        for index in ids:
            index = int(index)
            if stop_at_eos and index == EOS_ID:
                break
            if strip_specials and index in (PAD_ID, SOS_ID, EOS_ID):
                continue
            out.append(self.token_of(index))
        return out

    def unknown_tokens(self, tokens: Sequence[str]) -> list[str]:
        return [token for token in tokens if token not in self.index]

    def to_json(self) -> list[str]:
        return list(self.tokens)

    @classmethod
    def from_json(cls, data: Any) -> Vocab:
        if not isinstance(data, list) or not all(isinstance(t, str) for t in data):
            raise SeqvizError("a vocabulary must be a JSON list of strings")
        return cls(data)


__all__ = ["EOS", "EOS_ID", "PAD", "PAD_ID", "SOS", "SOS_ID", "UNK", "UNK_ID", "Vocab"]
