"""The BLEU page under AppTest: the default example with clipping, counts equal to sacrebleu's, the course's
variant, options in the URL, a model's translation, corpus BLEU on uploads, bad inputs, Chinese."""

from __future__ import annotations

import pytest
import sacrebleu

from seqviz.explain.bleu import course_bleu
from tests.support.apptest import texts

PAGE = "pages/5_BLEU.py"


def test_default_example_shows_clipping_and_equals_sacrebleu(visit):
    at = visit(lang="en")
    hyp = at.text_input(key="_url.bleu.hypothesis").value
    refs = at.text_area(key="_url.bleu.references").value.splitlines()
    expected = sacrebleu.sentence_bleu(hyp, refs)
    shown = texts(at)
    assert f"BLEU = {expected.score:.2f}" in " ".join(h.value for h in at.subheader)
    assert ":orange-background[the]" in shown  # "the" appears 4 times, a reference holds it at most twice
    assert "**1-grams**: 6 of 8 matched" in shown
    table = next(d.value for d in at.dataframe if "candidate n-grams" in d.value.columns)
    assert list(table["matches (clipped)"]) == list(expected.counts)
    assert list(table["candidate n-grams"]) == list(expected.totals)
    assert f"sacrebleu.sentence_bleu gives {expected.score:.6f}" in shown and ": equal." in shown
    course = course_bleu(hyp.split(), refs[0].split())
    assert any(f"= {course.score:.4f}" in latex.value for latex in at.latex)


def test_on_a_projector_matches_are_told_apart_by_symbol_not_only_by_a_pale_colour(visit):
    at = visit(lang="en", present="1")
    shown = texts(at)
    assert ":orange-badge[✂ the]" in shown and ":green-badge[✓ the]" in shown
    assert "-background[" not in shown  # no pale highlight left for the projector to wash out
    assert "✓ green: matched" in " ".join(c.value for c in at.caption)
    assert "**1-grams**: 6 of 8 matched" in shown  # the same counts as on screen


@pytest.mark.parametrize("smooth", ["none", "floor", "add-k", "exp"])
@pytest.mark.parametrize("tok", ["13a", "char", "zh"])
def test_options_follow_the_url_and_match_sacrebleu(visit, smooth, tok):
    hyp, ref = "他画了一本书。", "他画一本书。"
    at = visit(hyp=hyp, ref=ref, tok=tok, smooth=smooth, lc="1", lang="en")
    assert at.selectbox(key="_url.bleu.tokenize").value == tok
    assert at.toggle(key="_url.bleu.lowercase").value is True
    expected = sacrebleu.sentence_bleu(hyp, [ref], tokenize=tok, smooth_method=smooth, lowercase=True).score
    assert f"BLEU = {expected:.2f}" in at.subheader[0].value
    assert ": equal." in texts(at)


def test_a_models_translation_fills_the_candidate_and_keeps_the_users_references(visit):
    at = visit(lang="en", ckpt="num2words-lstm-bahdanau")
    at.button(key="bleu.from_model").click().run()
    assert not at.exception
    candidate = at.text_input(key="_url.bleu.hypothesis").value
    assert candidate != "the cat the cat is on the mat"
    reference = at.text_area(key="_url.bleu.references").value
    assert reference != "the cat is on the mat\nthere is a cat on the mat"  # the defaults: replaced
    assert at.query_params.get("tok", "auto") == "auto"  # a word model: the user's tokenizer choice stays
    assert "reference: that example's target" in texts(at) and ": equal." in texts(at)
    # references of the user's own are kept, and so is an explicit tokenizer
    at.text_area(key="_url.bleu.references").set_value("my own reference").run()
    at.selectbox(key="_url.bleu.tokenize").set_value("intl").run()
    at.button(key="bleu.from_model").click().run()
    assert at.text_area(key="_url.bleu.references").value == "my own reference"
    assert at.selectbox(key="_url.bleu.tokenize").value == "intl"
    assert "Your references are kept" in texts(at)


def test_chinese_text_is_scored_with_the_zh_tokenizer_and_says_so(visit):
    at = visit(lang="en", hyp="猫坐在垫子上", ref="猫坐在垫子上")
    assert "Tokenizer: zh, chosen because the text holds Chinese characters" in texts(at)
    assert any(h.value.startswith("BLEU = 100.00") for h in at.subheader)  # 13a would score 0 here
    at.selectbox(key="_url.bleu.tokenize").set_value("13a").run()  # an explicit choice is obeyed
    assert "Tokenizer: zh" not in texts(at)


@pytest.mark.parametrize("hyp", ["", "😀😀 🙂", "\u202eabc", "x" * 4000])
def test_hostile_candidates_give_a_score_or_a_message(visit, hyp):
    at = visit(lang="en")
    at.text_input(key="_url.bleu.hypothesis").set_value(hyp).run()
    assert not at.exception
    assert ": equal." in texts(at) or at.error


def test_no_reference_asks_for_one(visit):
    at = visit(lang="en")
    at.text_area(key="_url.bleu.references").set_value("  \n ").run()
    assert not at.exception
    assert "Type at least one reference." in texts(at)


def test_unknown_url_options_fall_back(visit):
    at = visit(lang="en", tok="klingon", smooth="magic", lc="maybe")
    assert at.selectbox(key="_url.bleu.tokenize").value == "auto"
    assert at.selectbox(key="_url.bleu.smooth").value == "exp"


def test_chinese_labels(visit):
    at = visit(lang="zh")
    assert at.title[0].value == "BLEU"
    assert "匹配的 n 元组" in texts(at) and "两者相等" in texts(at)


def test_uploaded_files_are_capped_and_checked():
    from seqviz.errors import SeqvizError
    from seqviz.explain.bleu import occurrence_marks, sentence_bleu, sentences_from_bytes

    assert sentences_from_bytes(b"a b\r\nc d\n", "hyp.txt") == ["a b", "c d"]
    with pytest.raises(SeqvizError, match="over the limit"):
        sentences_from_bytes(b"x" * 100, "big.txt", max_bytes=10)
    with pytest.raises(SeqvizError, match="not valid UTF-8"):
        sentences_from_bytes(b"ok\n\xff\xfe", "bad.txt")
    report = sentence_bleu("the the the the", ["the cat", "a the"])
    marks = occurrence_marks(report.sentences[0].hypothesis_tokens, report.sentences[0].matches(1))
    assert [mark for _, mark in marks] == ["matched", "clipped", "clipped", "clipped"]
    assert sum(mark == "matched" for _, mark in marks) == report.counts[0]


def test_course_variant_skips_orders_the_prediction_is_too_short_for(visit):
    """d2l's ``go . => va !, bleu 1.000``: two tokens use p1 and p2 only, and the page says so."""
    at = visit(hyp="va !", ref="va !", tok="none", lang="en")
    assert any(r"\min(4,\,len_{pred})" in latex.value and "= 1.0000" in latex.value for latex in at.latex)
    assert "Skipped here: n = 3, 4 (the prediction has only 2 tokens)." in texts(at)
    zh = visit(hyp="va !", ref="va !", tok="none", lang="zh")
    assert "这里跳过了 n = 3, 4" in texts(zh)


def test_course_variant_of_an_empty_prediction_says_why_it_is_zero(visit):
    at = visit(hyp="", ref="a b", lang="en")
    assert "The prediction is empty" in texts(at)
