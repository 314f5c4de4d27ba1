"""Bounded work on the pages: a URL value too long to use is dropped with a message, BLEU uploads are capped
and scored once per upload, and the Train page says a corpus's vocabulary error plainly."""

from __future__ import annotations

import pytest

from seqviz.errors import CorpusError
from seqviz.explain.bleu import sentences_from_bytes
from seqviz.ui.common import CHECKPOINT_STATE, DEFAULT_CHECKPOINT
from seqviz.ui.plain import plain
from seqviz.ui.url_state import MAX_QUERY_VALUE_CHARS, QUERY_VALUE_LIMITS
from seqviz.ui.widgets import bleu as bleu_widgets
from tests.support.apptest import open_page, texts
from tests.support.data import distinct_word_corpus

# ------------------------------------------------------------------------------------------------ links


def test_a_long_ckpt_is_dropped_with_a_message():
    limit = QUERY_VALUE_LIMITS["ckpt"]
    assert limit == 200
    at = open_page("app.py", lang="en", ckpt="x" * 60_000)
    assert f"has 60,000 characters, more than {limit}: ignored." in texts(at)
    assert at.session_state[CHECKPOINT_STATE] == DEFAULT_CHECKPOINT  # the default, not the link's value
    assert at.query_params["ckpt"] == DEFAULT_CHECKPOINT
    assert "model.missing" not in texts(at) and "from the link is not here" not in texts(at)


def test_a_ckpt_at_the_limit_is_read_not_dropped():
    at = open_page("app.py", lang="en", ckpt="y" * 200)
    assert "more than 200: ignored" not in texts(at)
    assert "from the link is not here" in texts(at)  # read, looked up, not found: the usual message


def test_any_url_value_over_the_limit_is_ignored():
    assert MAX_QUERY_VALUE_CHARS == 20_000
    at = open_page("pages/5_BLEU.py", lang="en", hyp="z" * (MAX_QUERY_VALUE_CHARS + 1), tok="char")
    assert at.text_input(key="_url.bleu.hypothesis").value == bleu_widgets.DEFAULT_CANDIDATE
    assert "The link's value for hyp has 20,001 characters, more than 20,000: ignored." in texts(at)
    assert at.selectbox(key="_url.bleu.tokenize").value == "char"  # the other parameters still apply
    at = open_page("pages/5_BLEU.py", lang="en", ref="r" * MAX_QUERY_VALUE_CHARS)
    assert at.text_area(key="_url.bleu.references").value == "r" * MAX_QUERY_VALUE_CHARS
    assert "ignored" not in texts(at)


def upload_pair(at, hypotheses: bytes, references: bytes):
    at.file_uploader(key="bleu.hyp_file").set_value(("hyp.txt", hypotheses, "text/plain"))
    at.file_uploader(key="bleu.ref_file").set_value(("ref.txt", references, "text/plain"))
    at.run()
    assert not at.exception, at.exception
    return at


def test_bleu_upload_line_cap():
    limit = bleu_widgets.MAX_UPLOAD_LINES
    assert limit == 10_000
    with pytest.raises(CorpusError, match="10,001 lines is over the limit of 10,000"):
        sentences_from_bytes(b"a\n" * (limit + 1), "hyp.txt", max_lines=limit)
    assert len(sentences_from_bytes(b"a\r\n" * limit, "hyp.txt", max_lines=limit)) == limit

    at = open_page("pages/5_BLEU.py", lang="en")
    upload_pair(at, b"a b\n" * (limit + 1), b"a b\n" * (limit + 1))
    message = plain("hyp.txt: 10,001 lines is over the limit of 10,000")  # error text is shown escaped
    assert any(message in e.value for e in at.error), [e.value for e in at.error]
    assert "Corpus BLEU =" not in texts(at)


def test_corpus_bleu_is_computed_once_per_upload(monkeypatch):
    import seqviz.explain.bleu

    calls = []
    real = seqviz.explain.bleu.corpus_bleu

    def counting(*args, **kwargs):
        calls.append(kwargs.get("smooth_method"))
        return real(*args, **kwargs)

    monkeypatch.setattr(seqviz.explain.bleu, "corpus_bleu", counting)
    bleu_widgets.corpus_scores.clear()
    at = open_page("pages/5_BLEU.py", lang="en")
    upload_pair(at, b"the cat sat\na dog\n", b"the cat sat down\nthe dog\n")
    assert "Corpus BLEU =" in texts(at)
    scored = len(calls)
    assert scored >= 1
    at.run()  # a rerun (any widget) reads the cached result
    at.text_input(key="_url.bleu.hypothesis").set_value("another candidate").run()
    assert len(calls) == scored and "Corpus BLEU =" in texts(at)
    at.selectbox(key="_url.bleu.smooth").set_value("floor").run()  # new options: scored again
    assert len(calls) > scored


def test_the_train_page_shows_the_vocabulary_error():
    at = open_page("pages/6_Train.py", lang="en")
    at.radio(key="train.data").set_value("corpus").run()
    at.file_uploader(key="train.corpus").set_value(("big.tsv", distinct_word_corpus(34_000), "text/plain"))
    at.run()
    assert not at.exception
    assert any("more than 30,000 different words" in e.value for e in at.error)
