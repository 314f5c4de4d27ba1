"""Bounded work per request: links, uploads and corpora past their caps are refused with a message before
the work they would cause (a 60,000-character ?ckpt=, two BLEU files of a million lines, a corpus of
900,000 distinct words), and a page rerun reads corpus BLEU back from the cache."""

from __future__ import annotations

from pathlib import Path

import pytest
import tomllib

from seqviz.checkpoints.archive import MAX_ARCHIVE_BYTES
from seqviz.data.corpus import MAX_CORPUS_LINES, MAX_VOCABULARY_WORDS, CorpusTask, load_parallel_corpus
from seqviz.errors import CorpusError
from tests.support.data import distinct_word_corpus

ROOT = Path(__file__).resolve().parents[2]


# ------------------------------------------------------------------------------------------------ links


def test_a_corpus_over_the_line_cap_is_refused_before_parsing():
    assert MAX_CORPUS_LINES == 500_000
    with pytest.raises(CorpusError, match="500,001 lines, over the limit of 500,000"):
        load_parallel_corpus(b"a\tb\n" * 500_001)
    with pytest.raises(CorpusError, match="4 lines, over the limit of 3"):
        load_parallel_corpus(b"\n\n# c\na\tb", max_lines=3)  # blank and comment lines count too
    assert len(load_parallel_corpus(b"a\tb\nc\td\n", max_lines=2).pairs) == 2


def test_a_corpus_with_too_many_words_is_refused_before_a_model_exists():
    assert MAX_VOCABULARY_WORDS == 30_000
    corpus = load_parallel_corpus(distinct_word_corpus(34_000))  # 90% train: 30,600 distinct source words
    with pytest.raises(CorpusError, match="source side has more than 30,000 different words"):
        CorpusTask(corpus)
    small = CorpusTask(load_parallel_corpus(distinct_word_corpus(33_000)))  # 29,700 training words
    source_vocab, _ = small.build_vocabs()
    assert len(source_vocab) <= MAX_VOCABULARY_WORDS + 4  # the specials on top


def test_max_upload_size_admits_the_largest_checkpoint_and_no_more_than_needed():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    megabytes = config["server"]["maxUploadSize"]
    assert megabytes * 1024 * 1024 >= MAX_ARCHIVE_BYTES  # Streamlit counts MB as 2**20 bytes
    assert megabytes * 1024 * 1024 < MAX_ARCHIVE_BYTES + 64 * 1024 * 1024
