"""Unknown words shown on the input itself: which tokens a model knows, and the vocabulary it reads."""

from __future__ import annotations

import pytest
from apptest_pages import open_page, texts

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


def test_the_page_marks_unknown_words_and_shows_the_vocabulary():
    at = open_page("pages/2_Attention.py", ckpt="en-fr-lstm-bahdanau", text="the cat likes pizza", lang="en")
    warning = next(w.value for w in at.warning if "not in the model's vocabulary" in w.value)
    assert "so its output is made without them" in warning
    assert ":red-background[pizza]" in warning and ":red-background[cat]" not in warning
    assert "What the model can read: its vocabulary of" in at.expander[0].label
    words = at.dataframe[-1].value.iloc[:, 0].tolist()
    assert "cat" in words and "pizza" not in words
    copy = open_page(
        "pages/2_Attention.py", ckpt="en-fr-names-lstm-bahdanau-copy", text="Zorvak eats an apple", lang="en"
    )
    assert "can still copy them into its output" in texts(copy)
    known = open_page("pages/2_Attention.py", ckpt="reverse-lstm-bahdanau", text="abcdef", lang="en")
    assert not any("not in the model's vocabulary" in w.value for w in known.warning)
    assert "a b c" in known.code[0].value  # a character model's alphabet on one line
