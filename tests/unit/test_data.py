"""Data: tokenizers, vocabularies, tasks and the corpus loader, with hostile text thrown at them."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seqviz.data import grammar
from seqviz.data.corpus import CorpusTask, load_parallel_corpus
from seqviz.data.lm_corpus import language_model_corpus, split_corpus
from seqviz.data.numbers import chinese_numerals, english_words
from seqviz.data.tasks import get_task, list_tasks
from seqviz.data.tokenizers import SPECIALS, UNK, CharTokenizer, WordTokenizer, get_tokenizer
from seqviz.data.vocab import EOS_ID, PAD_ID, SOS_ID, UNK_ID, Vocab
from seqviz.errors import CorpusError, InputError, SeqvizError, UnknownTaskError

HOSTILE = [
    "",
    " ",
    "x" * 100_000,
    "😀👍🏽🇫🇷",
    "\x00\x01\x1b[31m\x7f",
    "مرحبا",
    "‮abc‬",
    "中文English混合。",
    "l'été — «déjà» !",
    "a\tb\nc\r\n",
    "ｆｕｌｌ　ｗｉｄｔｈ",
    "\ud7ff\ue000",
]


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("tokenizer", [CharTokenizer(), WordTokenizer(), WordTokenizer(lowercase=True)])
def test_tokenizers_never_crash(tokenizer, text):
    tokens = tokenizer.tokenize(text)
    assert all(isinstance(t, str) and t for t in tokens)
    assert tokenizer.tokenize(tokenizer.detokenize(tokens)) == tokens


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_word_tokenizer_round_trip_property(text):
    tok = WordTokenizer()
    tokens = tok.tokenize(text)
    assert tok.tokenize(tok.detokenize(tokens)) == tokens


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_char_tokenizer_is_lossless_after_nfc(text):
    import unicodedata

    tok = CharTokenizer()
    assert tok.detokenize(tok.tokenize(text)) == unicodedata.normalize("NFC", text)


def test_word_tokenizer_examples():
    tok = WordTokenizer()
    assert tok.tokenize("Don't stop, aujourd'hui!") == ["Don't", "stop", ",", "aujourd'hui", "!"]
    assert tok.tokenize("今天黑猫不吃两个红苹果。") == list("今天黑猫不吃两个红苹果。")
    assert tok.tokenize("Va\u202f!") == ["Va", "!"]
    assert tok.detokenize(["Hello", ",", "world", "!"]) == "Hello, world!"
    assert tok.detokenize(list("今天下雨。")) == "今天下雨。"
    assert tok.detokenize(["I", "like", "中", "文"]) == "I like 中文"
    with pytest.raises(InputError):
        get_tokenizer("bpe")


def test_vocab_build_ids_and_unknowns():
    vocab = Vocab.build([["b", "a", "b"], ["c", "b", "a"], ["d"]], min_freq=2)
    assert vocab.to_json() == [*SPECIALS, "b", "a"]
    assert (vocab.id_of("<pad>"), vocab.id_of("<sos>"), vocab.id_of("<eos>"), vocab.id_of(UNK)) == (
        PAD_ID,
        SOS_ID,
        EOS_ID,
        UNK_ID,
    )
    assert vocab.encode(["a", "zz", "b"], add_sos=True, add_eos=True) == [SOS_ID, 5, UNK_ID, 4, EOS_ID]
    assert vocab.decode([SOS_ID, 5, UNK_ID, 4, EOS_ID, 5]) == ["a", UNK, "b"]
    assert vocab.unknown_tokens(["a", "😀", "zz"]) == ["😀", "zz"]
    assert Vocab.build([["x"]], extra=["q"]).to_json() == [*SPECIALS, "q", "x"]
    assert Vocab.from_json(vocab.to_json()) == vocab
    for bad in (None, ["a"], [*SPECIALS, "a", "a"], [*SPECIALS, 3]):
        with pytest.raises(SeqvizError):
            Vocab.from_json(bad)


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "zero"),
        (10, "ten"),
        (11, "eleven"),
        (20, "twenty"),
        (21, "twenty one"),
        (100, "one hundred"),
        (101, "one hundred one"),
        (110, "one hundred ten"),
        (1000, "one thousand"),
        (1001, "one thousand one"),
        (1205, "one thousand two hundred five"),
        (10000, "ten thousand"),
        (100000, "one hundred thousand"),
        (999999, "nine hundred ninety nine thousand nine hundred ninety nine"),
    ],
)
def test_english_words(n, words):
    assert english_words(n) == words


@pytest.mark.parametrize(
    ("n", "numerals"),
    [
        (0, "零"),
        (5, "五"),
        (10, "十"),
        (15, "十五"),
        (20, "二十"),
        (101, "一百零一"),
        (110, "一百一十"),
        (1001, "一千零一"),
        (1010, "一千零一十"),
        (1205, "一千二百零五"),
        (10000, "一万"),
        (10010, "一万零一十"),
        (20000, "二万"),
        (100000, "十万"),
        (100010, "十万零一十"),
        (110000, "十一万"),
        (1000100, "一百万零一百"),
        (10000001, "一千万零一"),
        (10100000, "一千零一十万"),
        (99999999, "九千九百九十九万九千九百九十九"),
    ],
)
def test_chinese_numerals(n, numerals):
    assert chinese_numerals(n) == numerals


def test_translation_grammar_example_and_agreement():
    meaning = grammar.Meaning(
        grammar.NounPhrase("cat", "the", "black"),
        "eat",
        grammar.NounPhrase("apple", "two", "red"),
        negated=True,
        time="today",
    )
    assert grammar.english(meaning) == "the black cat does not eat two red apples today"
    assert grammar.french(meaning) == "le chat noir ne mange pas deux pommes rouges aujourd'hui"
    assert grammar.chinese(meaning) == "今天黑猫不吃两个红苹果"
    flowers = grammar.NounPhrase("flower", "the", "white")
    assert grammar.french_noun_phrase(flowers) == "la fleur blanche"
    assert (
        grammar.french_noun_phrase(grammar.NounPhrase("flower", "three", "white")) == "trois fleurs blanches"
    )
    assert grammar.french_noun_phrase(grammar.NounPhrase("hat", "two", "black")) == "deux chapeaux noirs"
    assert grammar.french_noun_phrase(grammar.NounPhrase("bird", "this")) == "cet oiseau"
    assert grammar.chinese_noun_phrase(grammar.NounPhrase("book", "this")) == "这本书"
    we_eat = grammar.Meaning("we", "eat", grammar.NounPhrase("apple", "a"))
    assert grammar.french(we_eat) == "nous mangeons une pomme"
    assert grammar.english(we_eat) == "we eat an apple"
    yellow = grammar.Meaning("he", "wash", grammar.NounPhrase("apple", "a", "yellow"))
    assert grammar.english(yellow) == "he washes a yellow apple"


@pytest.mark.parametrize("name", list_tasks())
def test_every_task_is_seeded_bounded_and_covered(name):
    task = get_task(name)
    assert task.description["en"] and task.description["zh"]
    assert list(itertools.islice(task.train_stream(3), 20)) == list(
        itertools.islice(task.train_stream(3), 20)
    )
    assert task.validation(3) == task.validation(3)
    validation = task.validation(0)
    assert len({e.source for e in validation}) == len(validation) == 500
    held_out = {e.source for e in validation}
    training = list(itertools.islice(task.train_stream(0), 3000))
    assert not held_out & {e.source for e in training}
    source_vocab, target_vocab = task.build_vocabs()
    for example in training[:500] + validation:
        source = task.source_tokenizer.tokenize(example.source)
        target = task.target_tokenizer.tokenize(example.target)
        assert 1 <= len(source) <= task.max_source_tokens and 1 <= len(target) <= task.max_target_tokens
        # every token, except the words a task keeps out of vocabularies on purpose (en-fr-names: names)
        unknown = source_vocab.unknown_tokens(source) + target_vocab.unknown_tokens(target)
        assert [token for token in unknown if task.vocabulary_word(token)] == []


def test_task_examples():
    rng = random.Random(0)
    for _ in range(200):
        e = get_task("reverse").sample(rng)
        assert (
            e.target == e.source[::-1]
            and 4 <= len(e.source) <= 12
            and set(e.source) <= set("abcdefghijklmnopqrst")
        )
        e = get_task("addition").sample(rng)
        assert str(sum(map(int, e.source.split("+")))) == e.target
        e = get_task("sort").sample(rng)
        assert e.target == "".join(sorted(e.source))
    from datetime import datetime

    for _ in range(300):
        e = get_task("dates").sample(rng)
        parsed = None
        for fmt in ("%B %d, %Y", "%d %b %Y", "%m/%d/%Y"):
            try:
                parsed = datetime.strptime(e.source, fmt)
            except ValueError:
                continue
        assert parsed is not None and parsed.strftime("%Y-%m-%d") == e.target
    with pytest.raises(UnknownTaskError, match="choose one of"):
        get_task("nope")


TATOEBA = (
    "\ufeffGo.\tVa !\tCC-BY 2.0 (France) Attribution: tatoeba.org #2877272 (CM) & #1158250 (Wittydev)\r\n"
    "# a comment\r\n\r\n"
    "Hi.\tSalut !\tCC-BY 2.0 (France) Attribution: tatoeba.org #538123 (CM) & #509819 (Aiji)\r\n"
    "Run!\tCours\u202f!\tCC-BY 2.0\r\n"
    "I am very very very very long indeed.\tJe suis long.\tx\r\n"
    "Who?\tQui ?\r\n"
)


def test_corpus_loader_on_tatoeba_export(tmp_path):
    path = tmp_path / "fra.txt"
    path.write_bytes(TATOEBA.encode("utf-8"))
    corpus = load_parallel_corpus(path, max_tokens=6)
    assert [(p.source, p.target) for p in corpus.pairs] == [
        ("go.", "va !"),
        ("hi.", "salut !"),
        ("run!", "cours !"),
        ("who?", "qui ?"),
    ]
    assert corpus.filtered_too_long == 1 and corpus.skipped_blank == 2
    task = CorpusTask(corpus)
    assert len(task.validation()) == 1
    assert not {e.source for e in task.validation()} & {
        e.source for e in itertools.islice(task.train_stream(), 9)
    }
    source_vocab, _ = task.build_vocabs()
    assert "go" in source_vocab or "hi" in source_vocab


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"a\tb\nno tab here\n", 'line 2 has no TAB between source and target: "no tab here"'),
        (b"a\tb\n\xff\xfe\tx\n", "line 2 is not valid UTF-8"),
        (b"a\tb\nc\t \n", "line 2 has an empty target"),
        (b"\n\n# only comments\n", "no usable pairs"),
    ],
)
def test_corpus_errors_name_the_line(content, message):
    with pytest.raises(CorpusError, match=message):
        load_parallel_corpus(content)


def test_corpus_size_cap_and_truncation(tmp_path):
    with pytest.raises(CorpusError, match="limit"):
        load_parallel_corpus(b"a\tb\n" * 100, max_bytes=50)
    corpus = load_parallel_corpus("".join(f"s{i}\tt{i}\n" for i in range(30)).encode(), max_pairs=10)
    assert len(corpus.pairs) == 10 and corpus.truncated
    with pytest.raises(CorpusError, match="no corpus file"):
        load_parallel_corpus(tmp_path / "missing.tsv")


def test_language_model_corpus():
    text = language_model_corpus()
    assert 3_000 <= len(text.encode()) <= 6_000
    train, held_out = split_corpus(text)
    assert train + held_out == text and 0 < len(held_out) < len(text) / 5
