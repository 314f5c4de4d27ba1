"""Data files the tests build: corpora shaped to hit a limit."""

from __future__ import annotations


def distinct_word_corpus(words: int) -> bytes:
    """``words`` pairs, each with its own source word: the source vocabulary grows with every pair."""
    return "".join(f"w{i}\tsame\n" for i in range(words)).encode()
