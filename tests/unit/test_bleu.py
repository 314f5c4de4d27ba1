"""Explained BLEU: every number equals sacrebleu's, the explanation adds up, the course variant by hand."""

from __future__ import annotations

import logging
import math
import random

import pytest
import sacrebleu
from hypothesis import given, settings
from hypothesis import strategies as st
from sacrebleu.metrics import BLEU

from seqviz.errors import CorpusError, InputError
from seqviz.explain import bleu
from seqviz.export.json_export import bleu_to_json

logging.getLogger("sacrebleu").setLevel(logging.ERROR)  # "tokenized period" and effective-order warnings

TOKENIZERS = ("13a", "zh", "char", "intl", "none")
SMOOTHINGS = (("none", None), ("floor", None), ("add-k", None), ("exp", None), ("floor", 0.3), ("add-k", 2))
VOCABULARY = (
    "the The THE cat Cat sat on mat a dog , . ! ? 's don't 3.14 1,000 & &amp; &quot; -- (x) "
    "我 爱 你 我们 北京 。 ， 的 是 中文 Ünïcödé naïve 東京 🙂"
)
WORDS = VOCABULARY.split()


def random_sentence(rng: random.Random) -> str:
    """Mostly words from a small vocabulary (so n-grams match), sometimes empty, odd spacing, no spaces."""
    roll = rng.random()
    if roll < 0.08:
        return ""
    if roll < 0.12:
        return "   "
    words = [rng.choice(WORDS) for _ in range(rng.randint(1, 14))]
    joiner = "" if roll < 0.2 else rng.choice([" ", " ", "  ", "\t"])
    return joiner.join(words) + rng.choice(["", "", " ", ".", " ."])


def edited(sentence: str, rng: random.Random) -> str:
    """A reference close to the hypothesis (words dropped, replaced, swapped), so long n-grams match too."""
    words = sentence.split(" ")
    for _ in range(rng.randint(0, 3)):
        i = rng.randrange(len(words))
        action = rng.random()
        if action < 0.3 and len(words) > 1:
            del words[i]
        elif action < 0.6:
            words[i] = rng.choice(WORDS)
        elif action < 0.8:
            words.insert(i, rng.choice(WORDS))
        else:
            j = rng.randrange(len(words))
            words[i], words[j] = words[j], words[i]
    return " ".join(words)


def random_corpus(seed: int) -> tuple[list[str], list[list[str]]]:
    rng = random.Random(seed)
    size = rng.randint(1, 6)
    hypotheses = [random_sentence(rng) for _ in range(size)]
    references = [
        [edited(h, rng) if rng.random() < 0.7 else random_sentence(rng) for h in hypotheses]
        for _ in range(rng.randint(1, 3))
    ]
    return hypotheses, references


def assert_same(ours: bleu.BleuReport, theirs, smooth_method: str) -> None:
    assert ours.score == pytest.approx(theirs.score, abs=1e-6, rel=0)
    assert list(ours.precisions) == pytest.approx(list(theirs.precisions), abs=1e-6, rel=0)
    assert ours.bp == pytest.approx(theirs.bp, abs=1e-12, rel=0)
    assert (ours.sys_len, ours.ref_len) == (theirs.sys_len, theirs.ref_len)
    # sacrebleu's add-k writes its smoothing into the counts and totals it reports (orders >= 2)
    assert list(ours.smoothed_counts) == pytest.approx(list(theirs.counts), abs=1e-9)
    assert list(ours.smoothed_totals) == pytest.approx(list(theirs.totals), abs=1e-9)
    if smooth_method != "add-k":
        assert list(ours.counts) == list(theirs.counts)
        assert list(ours.totals) == list(theirs.totals)


def assert_explanation_adds_up(report: bleu.BleuReport) -> None:
    for n in range(1, report.max_order + 1):
        explained = report.matches(n)
        assert len(explained) == len(report.sentences)
        for sentence, order in zip(report.sentences, explained, strict=True):
            assert order.count == sentence.counts[n - 1]
            assert order.total == sentence.totals[n - 1]
            for match in order:
                assert match.order == n
                assert match.clipped_count == min(match.candidate_count, match.max_ref_count)
        assert sum(order.count for order in explained) == report.counts[n - 1]
        assert sum(order.total for order in explained) == report.totals[n - 1]


# ------------------------------------------------------------------------------------ equal to sacrebleu


@pytest.mark.parametrize("tokenize", TOKENIZERS)
@pytest.mark.parametrize("lowercase", [False, True])
def test_corpus_bleu_equals_sacrebleu(tokenize, lowercase):
    for seed in range(25):
        hypotheses, references = random_corpus(seed)
        for smooth_method, smooth_value in SMOOTHINGS:
            for effective_order in (False, True):
                options = {
                    "smooth_method": smooth_method,
                    "smooth_value": smooth_value,
                    "lowercase": lowercase,
                    "tokenize": tokenize,
                }
                theirs = BLEU(effective_order=effective_order, **options).corpus_score(hypotheses, references)
                ours = bleu.corpus_bleu(
                    hypotheses, references, use_effective_order=effective_order, **options
                )
                assert_same(ours, theirs, smooth_method)
        assert_explanation_adds_up(ours)


@pytest.mark.parametrize("tokenize", TOKENIZERS)
def test_sentence_bleu_equals_sacrebleu(tokenize):
    for seed in range(40):
        hypotheses, references = random_corpus(1000 + seed)
        lowercase = seed % 2 == 1
        for smooth_method, smooth_value in SMOOTHINGS:
            options = {
                "smooth_method": smooth_method,
                "smooth_value": smooth_value,
                "lowercase": lowercase,
                "tokenize": tokenize,
            }
            per_line = bleu.sentence_bleus(hypotheses, references, **options)
            for i, hypothesis in enumerate(hypotheses):
                refs = [stream[i] for stream in references]
                theirs = sacrebleu.sentence_bleu(hypothesis, refs, **options)
                assert_same(bleu.sentence_bleu(hypothesis, refs, **options), theirs, smooth_method)
                assert_same(per_line[i], theirs, smooth_method)


def test_default_options_are_sacrebleus():
    hypotheses, references = random_corpus(7)
    assert_same(
        bleu.corpus_bleu(hypotheses, references), sacrebleu.corpus_bleu(hypotheses, references), "exp"
    )
    ours = bleu.sentence_bleu(hypotheses[0], [r[0] for r in references])
    assert_same(ours, sacrebleu.sentence_bleu(hypotheses[0], [r[0] for r in references]), "exp")


def test_missing_references_are_skipped_like_sacrebleu():
    hypotheses = ["the cat sat on the mat", "a dog", "我 爱 你"]
    references = [["the cat sat on a mat", "a dog barked", "我爱你"], ["the cat", None, None]]
    ours = bleu.corpus_bleu(hypotheses, references)
    assert_same(ours, sacrebleu.corpus_bleu(hypotheses, references), "exp")
    assert ours.sentences[1].reference_tokens == (("a", "dog", "barked"),)


@settings(max_examples=150, deadline=None)
@given(
    hypotheses=st.lists(st.text(max_size=30), min_size=1, max_size=4),
    reference_seed=st.integers(0, 10_000),
    tokenize=st.sampled_from(TOKENIZERS),
    smooth_method=st.sampled_from(bleu.SMOOTH_METHODS),
    lowercase=st.booleans(),
    sentence=st.booleans(),
)
def test_any_text_equals_sacrebleu(hypotheses, reference_seed, tokenize, smooth_method, lowercase, sentence):
    """Arbitrary Unicode (control characters, newlines, combining marks) next to related references."""
    rng = random.Random(reference_seed)
    references = [[h if rng.random() < 0.3 else random_sentence(rng) for h in hypotheses]]
    options = {"smooth_method": smooth_method, "lowercase": lowercase, "tokenize": tokenize}
    if sentence:
        ours = bleu.sentence_bleu(hypotheses[0], [references[0][0]], **options)
        theirs = sacrebleu.sentence_bleu(hypotheses[0], [references[0][0]], **options)
    else:
        ours = bleu.corpus_bleu(hypotheses, references, **options)
        theirs = sacrebleu.corpus_bleu(hypotheses, references, **options)
    assert_same(ours, theirs, smooth_method)
    assert_explanation_adds_up(ours)


def test_closest_reference_length_prefers_the_shorter_on_a_tie():
    assert bleu.closest_reference_length(5, [7, 3]) == 3
    assert bleu.closest_reference_length(5, [3, 7]) == 3
    assert bleu.closest_reference_length(5, [9, 6, 4]) == 4
    hypothesis, references = "a b c d e", ["a b c d e f g", "a b c"]
    ours = bleu.sentence_bleu(hypothesis, references)
    assert ours.ref_len == 3
    assert_same(ours, sacrebleu.sentence_bleu(hypothesis, references), "exp")


def test_format_matches_sacrebleus_line():
    hypotheses, references = random_corpus(3)
    theirs = sacrebleu.corpus_bleu(hypotheses, references)
    assert bleu.format_bleu(bleu.corpus_bleu(hypotheses, references)) == theirs.format()
    payload = bleu_to_json(bleu.corpus_bleu(hypotheses, references))
    assert set(payload) == {"score", "counts", "totals", "precisions", "bp", "sys_len", "ref_len"}
    assert payload["score"] == pytest.approx(theirs.score, abs=1e-6)


# ------------------------------------------------------------------------------------ the explanation


def test_clipping_is_explained():
    report = bleu.sentence_bleu("the the the the", ["the cat"], tokenize="none")
    (the,) = report.sentences[0].matches(1)
    assert the == bleu.NgramMatch(("the",), candidate_count=4, max_ref_count=1, clipped_count=1)
    assert report.counts[0] == 1 and report.totals[0] == 4
    (bigram,) = report.sentences[0].matches(2)
    assert (bigram.ngram, bigram.candidate_count, bigram.max_ref_count, bigram.clipped_count) == (
        ("the", "the"),
        3,
        0,
        0,
    )


def test_ceiling_is_the_largest_count_in_any_one_reference():
    report = bleu.sentence_bleu("the the the cat", ["the the dog", "the cat", "the"], tokenize="none")
    rows = {m.ngram: m for m in report.sentences[0].matches(1)}
    assert (rows[("the",)].max_ref_count, rows[("the",)].clipped_count) == (2, 2)
    assert (rows[("cat",)].max_ref_count, rows[("cat",)].clipped_count) == (1, 1)
    assert report.counts[0] == 3


def test_explanation_rows_keep_candidate_order_and_index():
    sentence = bleu.corpus_bleu(["b a b c"], [["a b c"]], tokenize="none").sentences[0]
    order1 = sentence.matches(1)
    assert [m.ngram for m in order1] == [("b",), ("a",), ("c",)]
    assert order1[0].candidate_count == 2 and order1[-1].ngram == ("c",)
    assert [m.ngram for m in order1[1:]] == [("a",), ("c",)]
    assert [m.ngram for m in sentence.matches(3)] == [("b", "a", "b"), ("a", "b", "c")]
    assert [o.order for o in sentence.explanation()] == [1, 2, 3, 4]
    with pytest.raises(InputError):
        sentence.matches(5)


def test_iter_matches_covers_every_ngram():
    hypotheses, references = random_corpus(11)
    report = bleu.corpus_bleu(hypotheses, references)
    rows = list(report.iter_matches())
    assert sum(m.candidate_count for _, m in rows) == sum(report.totals)
    assert sum(m.clipped_count for _, m in rows) == sum(report.counts)
    assert {i for i, _ in rows} <= set(range(len(hypotheses)))


def test_add_k_counts_stay_plain():
    report = bleu.sentence_bleu("a b c d", ["a b x d"], smooth_method="add-k", tokenize="none")
    assert report.counts == (3, 1, 0, 0)
    assert report.smoothed_counts == (3, 2, 1, 1)
    assert report.smoothed_totals == (4, 4, 3, 2)


# ------------------------------------------------------------------------------------ the course's variant


def test_course_variant_by_hand():
    result = bleu.course_bleu("the cat sat on mat", "the cat sat on the mat")
    # p1 = 5/5, p2 = 3/4 (the cat, cat sat, sat on), p3 = 2/3, p4 = 1/2; bp = exp(1 - 6/5)
    expected = math.exp(-0.2) * 1.0**0.5 * 0.75**0.25 * (2 / 3) ** 0.125 * 0.5**0.0625
    assert result.score == pytest.approx(expected, rel=1e-12)
    assert result.bp == pytest.approx(math.exp(-0.2))
    assert result.matches == (5, 3, 2, 1) and result.totals == (5, 4, 3, 2)
    assert result.precisions == pytest.approx((1.0, 0.75, 2 / 3, 0.5))
    assert result.weights == (0.5, 0.25, 0.125, 0.0625)
    assert (result.pred_len, result.ref_len) == (5, 6)


def test_course_variant_edges():
    assert bleu.course_bleu("a b c d", "a b c d").score == pytest.approx(1.0)
    # longer than the reference: no penalty
    assert bleu.course_bleu("a b c d e", "a b c d").bp == 1.0
    empty = bleu.course_bleu([], ["a", "b"])
    assert (empty.score, empty.bp, empty.totals) == (0.0, 0.0, (0, 0, 0, 0))
    assert empty.empty_prediction and empty.orders_used == 0 and empty.skipped_orders == (1, 2, 3, 4)
    too_short = bleu.course_bleu("a b", "a b")  # no 3-grams or 4-grams: those orders are skipped, as in d2l
    assert too_short.score == pytest.approx(1.0) and too_short.precisions == (1.0, 1.0)
    assert too_short.orders_used == 2 and too_short.skipped_orders == (3, 4)
    assert too_short.weights == (0.5, 0.25) and too_short.totals == (2, 1, 0, 0)
    assert bleu.course_bleu("a b", "a b", max_order=2).score == pytest.approx(1.0)
    assert bleu.course_bleu(list("abcc"), list("abc")).matches == (3, 2, 1, 0)
    # a zero precision among the orders used still zeroes the score
    assert bleu.course_bleu("a x", "a b").score == 0.0
    # an empty reference: bp = 1, p1 = 0
    no_ref = bleu.course_bleu("a b", [])
    assert (no_ref.bp, no_ref.score) == (1.0, 0.0)


def test_course_variant_va_like_the_d2l_book():
    """d2l prints ``go . => va !, bleu 1.000`` (k = 2); with k = 4 the missing orders are skipped too."""
    for k in (2, 4):
        result = bleu.course_bleu("va !", "va !", max_order=k)
        assert result.score == 1.0
        assert result.orders_used == 2 and result.skipped_orders == tuple(range(3, k + 1))


def d2l_bleu(pred_tokens: list[str], label_tokens: list[str], k: int) -> float:
    """d2l's published ``bleu`` (d2l.ai, section 10.7), written again here on token lists so the test does not
    share code with seqviz: Counter-free, substring keys, order loop ``1 .. min(k, len_pred)``."""
    len_pred, len_label = len(pred_tokens), len(label_tokens)
    score = math.exp(min(0, 1 - len_label / len_pred))
    for n in range(1, min(k, len_pred) + 1):
        num_matches, label_subs = 0, {}
        for i in range(len_label - n + 1):
            key = " ".join(label_tokens[i : i + n])
            label_subs[key] = label_subs.get(key, 0) + 1
        for i in range(len_pred - n + 1):
            key = " ".join(pred_tokens[i : i + n])
            if label_subs.get(key, 0) > 0:
                num_matches += 1
                label_subs[key] -= 1
        score *= math.pow(num_matches / (len_pred - n + 1), math.pow(0.5, n))
    return score


def test_course_variant_equals_d2l_on_random_short_pairs():
    rng = random.Random(1507)
    checked = short = zeros = positive = 0
    for _ in range(800):
        alphabet = ["a", "b", "c", "d", "e"][: rng.randint(1, 5)]  # small alphabets: repeats and matches
        pred = [rng.choice(alphabet) for _ in range(rng.randint(1, 8))]
        if rng.random() < 0.3:  # a prediction built from the label: high scores, not only zeros
            label = list(pred)
            if label and rng.random() < 0.5:
                label.insert(rng.randrange(len(label) + 1), rng.choice(alphabet))
        else:
            label = [rng.choice(alphabet) for _ in range(rng.randint(0, 8))]
        k = rng.randint(1, 6)
        ours = bleu.course_bleu(pred, label, max_order=k)
        theirs = d2l_bleu(pred, label, k)
        assert ours.score == pytest.approx(theirs, rel=1e-12, abs=1e-15), (pred, label, k)
        assert ours.orders_used == min(k, len(pred))
        checked += 1
        short += len(pred) < k
        zeros += theirs == 0.0
        positive += theirs > 0.5
    # the random pairs really cover the cases the rule is about
    assert checked == 800 and short > 100 and zeros > 50 and positive > 50
    # the string form splits on spaces like d2l's pred_seq.split(' ') for single-spaced text
    expected = d2l_bleu(["va", "!", "!"], ["va", "!"], 4)
    assert bleu.course_bleu("va ! !", "va !").score == pytest.approx(expected)


# ------------------------------------------------------------------------------------ hostile input and files


def test_bad_arguments_are_input_errors():
    with pytest.raises(InputError, match="reference stream 1 has 1"):
        bleu.corpus_bleu(["a", "b"], [["a"]])
    with pytest.raises(InputError, match="tokenizer"):
        bleu.corpus_bleu(["a"], [["a"]], tokenize="moses")
    with pytest.raises(InputError, match="smoothing"):
        bleu.corpus_bleu(["a"], [["a"]], smooth_method="add-one")
    with pytest.raises(InputError, match="no reference"):
        bleu.corpus_bleu(["a"], [[None]])
    with pytest.raises(InputError, match="not one string"):
        bleu.sentence_bleu("a", "a")
    with pytest.raises(InputError):
        bleu.corpus_bleu("a b", [["a b"]])


def test_empty_corpus_scores_zero():
    report = bleu.corpus_bleu([], [[]])
    assert (report.score, report.sys_len, report.ref_len, report.counts) == (0.0, 0, 0, (0, 0, 0, 0))


def test_read_sentences(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes("one\r\ntwo\n\n中文\n".encode())
    assert bleu.read_sentences(path) == ["one", "two", "", "中文"]
    path.write_bytes(b"no newline at the end")
    assert bleu.read_sentences(path) == ["no newline at the end"]
    path.write_bytes(b"\n")
    assert bleu.read_sentences(path) == [""]
    path.write_bytes(b"")
    with pytest.raises(CorpusError, match="empty"):
        bleu.read_sentences(path)
    path.write_bytes(b"fine\nfine\n\xe4\xb8 broken\n")
    with pytest.raises(CorpusError, match="line 3 is not valid UTF-8"):
        bleu.read_sentences(path)
    with pytest.raises(CorpusError, match="no such file"):
        bleu.read_sentences(tmp_path / "missing.txt")
    with pytest.raises(CorpusError, match="folder"):
        bleu.read_sentences(tmp_path)
