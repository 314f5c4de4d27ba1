"""From text pairs to padded tensors, with batches bucketed by length so little compute goes to padding.

Every source gets ``<eos>`` appended (so even a one-symbol input has an end the encoder can see); every
target gets ``<eos>`` appended and the decoder reads ``<sos>`` + the target without its last token.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import torch

from seqviz.data.vocab import EOS_ID, PAD_ID, Vocab
from seqviz.models.seq2seq import make_decoder_inputs

EncodedPair = tuple[list[int], list[int]]


@dataclass
class Batch:
    source: torch.Tensor  # [batch, source_len]  padded ids, <eos> included
    source_lengths: torch.Tensor  # [batch]
    decoder_inputs: torch.Tensor  # [batch, target_len]  <sos> y_1 ... y_{n}
    targets: torch.Tensor  # [batch, target_len]  y_1 ... y_n <eos>, <pad> after
    target_tokens: int  # real target tokens (what tokens/s counts)

    @property
    def size(self) -> int:
        return self.source.size(0)


def encode_text(text: str, tokenizer, vocab: Vocab) -> list[int]:
    """Token ids of ``text`` with ``<eos>`` appended."""
    return [*vocab.encode(tokenizer.tokenize(text)), EOS_ID]


def encode_pairs(
    examples: Iterable, source_tokenizer, target_tokenizer, source_vocab: Vocab, target_vocab: Vocab
) -> list[EncodedPair]:
    return [
        (
            encode_text(e.source, source_tokenizer, source_vocab),
            encode_text(e.target, target_tokenizer, target_vocab),
        )
        for e in examples
    ]


def make_batch(pairs: Sequence[EncodedPair], device: torch.device | str = "cpu") -> Batch:
    width = max(len(source) for source, _ in pairs)
    source = torch.full((len(pairs), width), PAD_ID, dtype=torch.long)
    for row, (ids, _) in enumerate(pairs):
        source[row, : len(ids)] = torch.tensor(ids, dtype=torch.long)
    lengths = torch.tensor([len(ids) for ids, _ in pairs], dtype=torch.long)
    decoder_inputs, targets = make_decoder_inputs([target for _, target in pairs])
    return Batch(
        source.to(device),
        lengths,
        decoder_inputs.to(device),
        targets.to(device),
        sum(len(target) for _, target in pairs),
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
