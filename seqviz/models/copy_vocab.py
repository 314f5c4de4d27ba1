"""The extended vocabulary of a copy model (See et al. 2017): how a word the model has never seen is copied.

A pointer-generator mixes two distributions, ``P(w) = p_gen P_vocab(w) + (1 - p_gen) sum_{j: x_j = w} a_tj``.
If the copy side could only point at *target-vocabulary* words, a source word missing from that vocabulary
(a name, a number, a typo) would turn into ``<unk>`` and never come through, and that unknown-word problem
is the very reason the course gives for copying. So, for each input, every distinct source token the
target vocabulary lacks gets a temporary id ``V + k`` (``V`` the target vocabulary's size, ``k`` its order
of first appearance in the source): ``P(w)`` is a distribution over ``V + n_oov`` ids, generation putting
nothing on the new ones and copying putting every attention weight on its own word.

Three rules make it work everywhere, and each is a promise tested in ``tests/unit/test_copy_vocab.py``:

- an extended id fed back to the decoder as its next input is read as ``<unk>`` (the decoder has no
  embedding for a word it has never seen; the word itself only ever comes out through the copy side);
- a training target word that the target vocabulary lacks but the source holds is encoded with its
  extended id, so the model is trained to copy it (one that neither holds stays ``<unk>``);
- every id is read back through the input's own ``ExtendedVocab``, so every page, the CLI and the metrics
  show the copied word itself, never ``<unk>``.

``ExtendedVocab`` has the read interface of ``Vocab`` (``token_of``, ``id_of``, ``encode``, ``decode``,
``tokens``, ``__len__``, ``__contains__``), so code that labels output ids takes either.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from seqviz.data.tokenizers import SPECIALS
from seqviz.data.vocab import EOS_ID, SOS_ID, UNK_ID, Vocab, decode_ids


@dataclass(frozen=True)
class ExtendedVocab:
    """A target vocabulary extended, for one input, by the source tokens it lacks.

    ``source_ids[j]`` is the id that copying from source position ``j`` adds probability to: the token's
    target id, or ``len(vocab) + k`` for the k-th distinct source token the target vocabulary lacks.
    The source's final ``<eos>`` position copies to ``<eos>``; a source token spelled like a special
    (a typed ``<pad>``) copies to ``<unk>``: specials are never words.
    """

    vocab: Vocab
    oov: tuple[str, ...]  # the source tokens the target vocabulary lacks, in order of first appearance
    source_ids: tuple[int, ...] = ()  # one extended id per source position, <eos> included
    _oov_ids: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        base = len(self.vocab)
        object.__setattr__(self, "_oov_ids", {token: base + k for k, token in enumerate(self.oov)})

    @property
    def base_size(self) -> int:
        """``V``: ids below it are target-vocabulary ids, the decoder's own."""
        return len(self.vocab)

    @property
    def tokens(self) -> list[str]:
        """``tokens[i]`` is the token of extended id ``i``."""
        return [*self.vocab.tokens, *self.oov]

    def __len__(self) -> int:
        return len(self.vocab) + len(self.oov)

    def __contains__(self, token: object) -> bool:
        return token in self.vocab or token in self._oov_ids

    def is_copied(self, index: int) -> bool:
        """Whether ``index`` is an extended id: a word only copying can write."""
        return int(index) >= len(self.vocab)

    def id_of(self, token: str) -> int:
        if token in self.vocab:
            return self.vocab.id_of(token)
        return self._oov_ids.get(token, UNK_ID)

    def token_of(self, index: int) -> str:
        index = int(index)
        base = len(self.vocab)
        if base <= index < len(self):
            return self.oov[index - base]
        return self.vocab.token_of(index)  # IndexError outside both

    def encode(self, tokens: Sequence[str], add_sos: bool = False, add_eos: bool = False) -> list[int]:
        """Target ids, extended ids for the source's own unknown words, ``<unk>`` for any other word."""
        ids = [self.id_of(token) for token in tokens]
        return [SOS_ID] * add_sos + ids + [EOS_ID] * add_eos

    def decode(self, ids: Iterable[int], strip_specials: bool = True, stop_at_eos: bool = True) -> list[str]:
        """``Vocab.decode`` over extended ids: a copied word comes back as itself."""
        return decode_ids(ids, self.token_of, strip_specials, stop_at_eos)

    def unknown_tokens(self, tokens: Sequence[str]) -> list[str]:
        """The tokens that ``encode`` would turn into ``<unk>``."""
        return [token for token in tokens if token not in self]

    def to_json(self) -> list[str]:
        return self.tokens


def extend_vocab(source_tokens: Sequence[str], vocab: Vocab) -> ExtendedVocab:
    """The extended vocabulary of one input: ``source_tokens`` as the tokenizer split them (no ``<eos>``;
    it is appended here, as the encoder reads it)."""
    base = len(vocab)
    oov: dict[str, int] = {}
    ids = []
    for token in source_tokens:
        if token in SPECIALS:
            ids.append(UNK_ID)
        elif token in vocab:
            ids.append(vocab.id_of(token))
        else:
            ids.append(oov.setdefault(token, base + len(oov)))
    return ExtendedVocab(vocab, tuple(oov), (*ids, EOS_ID))


def input_ids(ids: Sequence[int], base_size: int) -> list[int]:
    """What the decoder reads for ``ids``: an extended id (``>= base_size``) becomes ``<unk>``."""
    return [UNK_ID if int(i) >= base_size else int(i) for i in ids]
