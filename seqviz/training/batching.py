"""From text pairs to padded tensors, with batches bucketed by length so little compute goes to padding.

Every source gets ``<eos>`` appended (so even a one-symbol input has an end the encoder can see); every
target gets ``<eos>`` appended and the decoder reads ``<sos>`` + the target without its last token.

A copy model's pairs are ``CopyPair``s: the target in extended ids (a target word the target vocabulary
lacks but the source holds is ``V + k``, so the model is trained to copy it; ``seqviz.models.copy_vocab``) and
the extended id of every source position, which the batch carries to the decoder.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import torch

from seqviz.data.vocab import EOS_ID, PAD_ID, Vocab
from seqviz.models.copy_vocab import ExtendedVocab, extend_vocab
from seqviz.models.seq2seq import make_decoder_inputs


class CopyPair(NamedTuple):
    """A copy model's pair: source ids, target in extended ids, and what the decoder copies from."""

    source: list[int]  # source-vocabulary ids, <eos> included
    target: list[int]  # extended target ids, <eos> included
    source_extended: list[int]  # the extended id of every source position, <eos> included
    oov: tuple[str, ...]  # the source words the target vocabulary lacks: extended ids V, V + 1, ...

    def output_vocab(self, target_vocab: Vocab) -> ExtendedVocab:
        """The vocabulary that reads this pair's target and outputs back as words."""
        return ExtendedVocab(target_vocab, self.oov, tuple(self.source_extended))


EncodedPair = tuple[list[int], list[int]] | CopyPair


@dataclass
class Batch:
    source: torch.Tensor  # [batch, source_len]  padded ids, <eos> included
    source_lengths: torch.Tensor  # [batch]
    decoder_inputs: torch.Tensor  # [batch, target_len]  <sos> y_1 ... y_{n}
    targets: torch.Tensor  # [batch, target_len]  y_1 ... y_n <eos>, <pad> after
    target_tokens: int  # real target tokens (what tokens/s counts)
    source_extended: torch.Tensor | None = None  # [batch, source_len] copy pairs only: extended source ids

    @property
    def size(self) -> int:
        return self.source.size(0)


def encode_text(text: str, tokenizer, vocab: Vocab) -> list[int]:
    """Token ids of ``text`` with ``<eos>`` appended."""
    return [*vocab.encode(tokenizer.tokenize(text)), EOS_ID]


def encode_copy_pair(
    example, source_tokenizer, target_tokenizer, source_vocab: Vocab, target_vocab: Vocab
) -> CopyPair:
    """One example for a copy model: the target in the source's extended vocabulary."""
    source_tokens = source_tokenizer.tokenize(example.source)
    extended = extend_vocab(source_tokens, target_vocab)
    target = extended.encode(target_tokenizer.tokenize(example.target), add_eos=True)
    return CopyPair(
        [*source_vocab.encode(source_tokens), EOS_ID], target, list(extended.source_ids), extended.oov
    )


def encode_pairs(
    examples: Iterable,
    source_tokenizer,
    target_tokenizer,
    source_vocab: Vocab,
    target_vocab: Vocab,
    copy: bool = False,
) -> list[EncodedPair]:
    """Id pairs of ``examples``; ``copy``: ``CopyPair``s for a copy model."""
    if copy:
        return [
            encode_copy_pair(e, source_tokenizer, target_tokenizer, source_vocab, target_vocab)
            for e in examples
        ]
    return [
        (
            encode_text(e.source, source_tokenizer, source_vocab),
            encode_text(e.target, target_tokenizer, target_vocab),
        )
        for e in examples
    ]


def _padded(rows: Sequence[Sequence[int]]) -> torch.Tensor:
    out = torch.full((len(rows), max(len(r) for r in rows)), PAD_ID, dtype=torch.long)
    for index, ids in enumerate(rows):
        out[index, : len(ids)] = torch.tensor(ids, dtype=torch.long)
    return out


def make_batch(pairs: Sequence[EncodedPair], device: torch.device | str = "cpu") -> Batch:
    sources = [pair[0] for pair in pairs]
    lengths = torch.tensor([len(ids) for ids in sources], dtype=torch.long)
    decoder_inputs, targets = make_decoder_inputs([pair[1] for pair in pairs])
    extended = None
    if pairs and isinstance(pairs[0], CopyPair):
        extended = _padded([pair.source_extended for pair in pairs]).to(device)
    return Batch(
        _padded(sources).to(device),
        lengths,
        decoder_inputs.to(device),
        targets.to(device),
        sum(len(pair[1]) for pair in pairs),
        extended,
    )


def bucketed_batches(
    pairs: Iterator[EncodedPair],
    batch_size: int,
    rng: random.Random,
    pool_batches: int = 16,
    device: torch.device | str = "cpu",
) -> Iterator[Batch]:
    """Draw ``pool_batches * batch_size`` pairs, sort them by length, cut into batches, shuffle those.

    Sentences of similar length share a batch (little padding, and often none), while the shuffle keeps
    the order of lengths random from one update to the next.
    """
    while True:
        pool = [next(pairs) for _ in range(batch_size * pool_batches)]
        pool.sort(key=lambda pair: (len(pair[0]), len(pair[1])))
        chunks = [pool[i : i + batch_size] for i in range(0, len(pool), batch_size)]
        rng.shuffle(chunks)
        for chunk in chunks:
            yield make_batch(chunk, device)


def fixed_batches(
    pairs: Sequence[EncodedPair], batch_size: int, device: torch.device | str = "cpu"
) -> Iterator[tuple[list[int], Batch]]:
    """Batches over a fixed set (validation), sorted by length; yields the original indices with each."""
    order = sorted(range(len(pairs)), key=lambda i: (len(pairs[i][0]), len(pairs[i][1])))
    for start in range(0, len(order), batch_size):
        indices = order[start : start + batch_size]
        yield indices, make_batch([pairs[i] for i in indices], device)
