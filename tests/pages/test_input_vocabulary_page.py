"""The input's vocabulary on a page: unknown words marked on the input, and the model's vocabulary shown."""

from __future__ import annotations

from tests.support.apptest import open_page, texts


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
