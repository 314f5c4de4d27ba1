"""Vocab: fixed special ids, deterministic building, encoding and decoding, and checked JSON."""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seqviz.data.tokenizers import SPECIALS, UNK
from seqviz.data.vocab import EOS_ID, PAD_ID, SOS_ID, UNK_ID, Vocab
from seqviz.errors import SeqvizError

SENTENCES = [["the", "cat", "sat"], ["the", "dog", "sat"], ["a", "cat", "ran"], ["the", "cat"]]


def test_special_ids_are_fixed() -> None:
    assert (PAD_ID, SOS_ID, EOS_ID, UNK_ID) == (0, 1, 2, 3)
    assert (Vocab.PAD_ID, Vocab.SOS_ID, Vocab.EOS_ID, Vocab.UNK_ID) == (0, 1, 2, 3)
    vocab = Vocab.build([])
    assert vocab.tokens == list(SPECIALS) and len(vocab) == 4
    assert [vocab.id_of(token) for token in SPECIALS] == [0, 1, 2, 3]


def test_build_orders_by_count_then_token() -> None:
    vocab = Vocab.build(SENTENCES)
    assert vocab.tokens[4:] == ["cat", "the", "sat", "a", "dog", "ran"]


def test_build_is_deterministic_whatever_the_order() -> None:
    shuffled = [list(s) for s in SENTENCES]
    random.Random(3).shuffle(shuffled)
    assert Vocab.build(shuffled) == Vocab.build(SENTENCES)
    assert Vocab.build(iter(SENTENCES)).tokens == Vocab.build(SENTENCES).tokens  # any iterable, once


def test_min_freq_max_size_and_extra() -> None:
    assert Vocab.build(SENTENCES, min_freq=2).tokens[4:] == ["cat", "the", "sat"]
    assert Vocab.build(SENTENCES, max_size=6).tokens[4:] == ["cat", "the"]
    with_extra = Vocab.build(SENTENCES, min_freq=3, extra=["zebra", "dog", "<unk>", "zebra"])
    assert with_extra.tokens[4:] == ["zebra", "dog", "cat", "the"]  # extras first however rare, specials once
    assert "zebra" in Vocab.build(SENTENCES, max_size=5, extra=["zebra"])
    with pytest.raises(SeqvizError):
        Vocab.build(SENTENCES, min_freq=0)


def test_encode_decode() -> None:
    vocab = Vocab.build(SENTENCES)
    ids = vocab.encode(["the", "cat", "flew"], add_sos=True, add_eos=True)
    assert ids == [SOS_ID, vocab.id_of("the"), vocab.id_of("cat"), UNK_ID, EOS_ID]
    assert vocab.decode(ids) == ["the", "cat", UNK]
    assert vocab.decode([*ids, PAD_ID, vocab.id_of("dog")], stop_at_eos=False) == ["the", "cat", UNK, "dog"]
    assert vocab.decode(ids, strip_specials=False) == ["<sos>", "the", "cat", UNK]
    assert vocab.token_of(vocab.id_of("dog")) == "dog"
    assert vocab.id_of("unicorn") == UNK_ID and "unicorn" not in vocab and "cat" in vocab
    with pytest.raises(IndexError):
        vocab.token_of(len(vocab))
    with pytest.raises(IndexError):
        vocab.token_of(-1)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.lists(st.text(min_size=1, max_size=3), max_size=6), max_size=8))
def test_encode_then_decode_gives_the_tokens_back(sequences: list[list[str]]) -> None:
    vocab = Vocab.build(sequences[1:])  # the first sequence may hold unknown tokens
    for tokens in sequences:  # short strings, never a special
        known = [token if token in vocab else UNK for token in tokens]
        assert vocab.decode(vocab.encode(tokens, add_sos=True, add_eos=True)) == known


def test_unknown_tokens_in_order() -> None:
    vocab = Vocab.build(SENTENCES)
    assert vocab.unknown_tokens(["the", "猫", "cat", "🐈", "猫"]) == ["猫", "🐈", "猫"]
    assert vocab.unknown_tokens([]) == []


def test_json_round_trip() -> None:
    vocab = Vocab.build(SENTENCES)
    assert Vocab.from_json(json.loads(json.dumps(vocab.to_json()))) == vocab


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"tokens": []}, "JSON list of strings"),
        ("<pad>", "JSON list of strings"),
        (["<pad>", "<sos>", "<eos>", "<unk>", 5], "holds 5"),
        (["<pad>", "<sos>", "<eos>", "<unk>", None], "holds None"),
        (["<sos>", "<pad>", "<eos>", "<unk>"], "must start with"),
        (["<pad>", "<sos>", "<eos>"], "must start with"),
        (["<pad>", "<sos>", "<eos>", "<unk>", "a", "b", "a"], "repeats \\['a'\\]"),
    ],
)
def test_from_json_rejects_bad_data(data, message: str) -> None:
    with pytest.raises(SeqvizError, match=message):
        Vocab.from_json(data)
