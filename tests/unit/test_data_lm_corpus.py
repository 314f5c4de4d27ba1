"""The language-model text: size, a small learnable alphabet, and a split at a sentence boundary."""

from __future__ import annotations

import pytest

from seqviz.data.lm_corpus import LM_CORPUS, language_model_corpus, split_corpus
from seqviz.errors import InputError


def test_corpus_is_small_plain_english() -> None:
    assert language_model_corpus() == LM_CORPUS
    assert 3_000 <= len(LM_CORPUS.encode("utf-8")) <= 6_000
    assert LM_CORPUS.isascii() and len(set(LM_CORPUS)) <= 60
    assert LM_CORPUS.count(". ") > 40 and LM_CORPUS.endswith("\n")


def test_split_at_a_sentence_start() -> None:
    train, validation = split_corpus(LM_CORPUS)
    assert train + validation == LM_CORPUS
    assert 0.08 <= len(validation) / len(LM_CORPUS) <= 0.12
    assert validation[0].isupper() and train.endswith((". ", "\n"))
    assert split_corpus(LM_CORPUS, 0.5)[1] != validation


def test_split_edge_cases() -> None:
    assert split_corpus("ab") == ("a", "b")
    assert split_corpus("no sentence ends here at all", 0.25) == ("no sentence ends here", " at all")
    for bad in (0, 1, -0.1, 1.5):
        with pytest.raises(InputError):
            split_corpus(LM_CORPUS, bad)
    with pytest.raises(InputError):
        split_corpus("a")
