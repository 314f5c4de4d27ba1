"""Unknown words shown on the input itself: which tokens a model knows, and the vocabulary it reads."""

from __future__ import annotations

import pytest

from seqviz.checkpoints.store import list_checkpoints, load_checkpoint
from seqviz.explain.input_vocabulary import input_vocabulary, known_tokens, reading_vocabulary
from seqviz.inference import prepare_input

INFOS = {info.name: info for info in list_checkpoints()}


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("en-fr-lstm-bahdanau", "Tom likes pizza"),
        ("en-fr-lstm-bahdanau", "the cat eats an apple"),
        ("reverse-lstm-bahdanau", "hello world"),
        ("charlm-lstm", "Ünïcode 😀 text"),
        ("en-fr-names-lstm-bahdanau-copy", "Zorvak eats an apple"),
    ],
)
def test_marks_exactly_the_tokens_the_model_reads_as_unk(name, text):
    checkpoint = load_checkpoint(INFOS[name].path)
    seen = input_vocabulary(checkpoint, text)
    tokenizer, vocab, lowercase = reading_vocabulary(checkpoint)
    prepared = prepare_input(text, tokenizer, vocab, lowercase)  # what the model really reads
    assert seen.tokens == prepared.tokens
    assert [token for token, unknown in zip(seen.tokens, seen.unknown, strict=True) if unknown] == [
        token for token in prepared.tokens if token in prepared.unknown
    ]
    assert seen.copyable == bool(checkpoint.kind == "seq2seq" and checkpoint.config.copy)
    known = known_tokens(checkpoint)
    assert all(not vocab.unknown_tokens([token]) for token in known) and "<unk>" not in known
    assert len(known) == len(vocab) - 4


def test_an_english_sentence_outside_the_grammar_is_mostly_unknown():
    seen = input_vocabulary(load_checkpoint(INFOS["en-fr-lstm-bahdanau"].path), "Tom likes pizza")
    assert seen.unknown_count >= 2 and seen.separator == " "
