"""The Chinese language-model corpus: seeded and deterministic, Chinese, small in vocabulary, and split so
that whole lines are held out."""

from __future__ import annotations

import re

from seqviz.checkpoints.provenance import TaskInfo
from seqviz.data.lm_corpus import checkpoint_corpus_name, lm_corpus_text, split_corpus
from seqviz.data.lm_corpus_zh import DEFAULT_SENTENCES, chinese_corpus


def test_same_seed_same_text_other_seed_other_text():
    assert chinese_corpus(200, seed=3) == chinese_corpus(200, seed=3)
    assert chinese_corpus(200, seed=3) != chinese_corpus(200, seed=4)
    assert lm_corpus_text("zh") == chinese_corpus()  # the shipped model's corpus is the default one


def test_a_few_thousand_short_chinese_sentences_from_common_characters():
    text = chinese_corpus()
    sentences = [s for s in re.split(r"(?<=[。？])(?!”)|(?<=”)", text.replace("\n", "")) if s]
    assert len(sentences) == DEFAULT_SENTENCES >= 2000
    assert max(len(s) for s in sentences) <= 40
    characters = set(text) - {"\n"}
    assert 80 <= len(characters) <= 400, len(characters)
    assert not re.search(r"[A-Za-z]", text)
    assert all(re.search(r"[\u4e00-\u9fff]", s) for s in sentences)


def test_measure_words_agree_with_their_nouns():
    text = chinese_corpus()
    assert "三本书" in text or "两本书" in text or "一本书" in text
    assert not re.search(r"[一两三四五六七八九十]本(猫|狗|茶|河)", text)


def test_split_holds_out_whole_lines():
    train, held_out = split_corpus(chinese_corpus())
    assert train.endswith("\n") and train + held_out == chinese_corpus()
    assert 0.05 < len(held_out) / len(train + held_out) < 0.15


def test_corpus_names():
    assert checkpoint_corpus_name(TaskInfo(name="charlm-zh-lstm", lm_corpus="zh")) == "zh"
    assert checkpoint_corpus_name(TaskInfo(name="charlm-lstm")) == "en"
    assert checkpoint_corpus_name(TaskInfo(lm_corpus="klingon")) == "en"
    assert lm_corpus_text("en").startswith("The river")
