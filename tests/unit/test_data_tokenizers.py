"""Tokenizers: known splits, round trips on any text, and hostile input that must never crash."""

from __future__ import annotations

import dataclasses
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seqviz.data.tokenizers import SPECIALS, CharTokenizer, WordTokenizer, get_tokenizer
from seqviz.data.vocab import UNK_ID, Vocab
from seqviz.errors import InputError

WORD, CHAR = WordTokenizer(), CharTokenizer()

# Characters that stress the rules: combining marks, joiners, apostrophes, CJK and its punctuation, hangul
# jamo that NFKC composes, emoji with modifiers, full-width forms, invisible and control characters.
TRICKY = [
    *"aé e\u0301\u0302'’-‐.,!?()[]«»“”‘中文。，、「」가각ㄱㅏ",
    *"🇫🇷👍🏽\u200d\u200c\ufe0f❤_0１ＡﬁİßΣ\t\n\u202f\u00a0",
    *"\u200b\ufeff\x00\x07…%$#<>/\\\u1100\u1161\u11a8\uf900\uff76\uff9e\u0e01\u0e31\u05d0\u05b8\u0627\u064e",
    *"\u3099\u304b\u00bd\u2044\u0323\u0345\u3000\u2028\x85\x1c\U000e0067\U0001f3fb",
]
any_text = st.one_of(st.text(), st.text(alphabet=st.sampled_from(TRICKY), max_size=40))


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("Aujourd'hui, je ne mange pas.", ["Aujourd'hui", ",", "je", "ne", "mange", "pas", "."]),
        ("Don't stop the well-known cat!", ["Don't", "stop", "the", "well-known", "cat", "!"]),
        ("l’oiseau", ["l’oiseau"]),
        ("今天黑猫不吃两个红苹果。", [*"今天黑猫不吃两个红苹果", "。"]),
        ("I like 中文 a lot", ["I", "like", "中", "文", "a", "lot"]),
        ("Il a dit\u202f: «\u202fbonjour\u202f!\u202f»", ["Il", "a", "dit", ":", "«", "bonjour", "!", "»"]),
        ("ＡＢＣ１２３，ﬁne", ["ABC123", ",", "fine"]),  # NFKC: full-width and ligatures
        ("e\u0301te\u0301", ["été"]),  # decomposed accents are composed, never cut off
        ("नमस्ते दुनिया", ["नमस्ते", "दुनिया"]),  # Devanagari vowel signs stay in the word
        ("👍🏽 👨\u200d👩\u200d👧 🇫🇷 ❤️", ["👍🏽", "👨\u200d👩\u200d👧", "🇫🇷", "❤\ufe0f"]),
        ("a_b 3.14 'quoted'", ["a", "_", "b", "3", ".", "14", "'", "quoted", "'"]),
        ("  \t\n ", []),
        ("", []),
        ("zero\u200bwidth\ufeff", ["zero", "width"]),  # invisible format characters separate like spaces
    ],
)
def test_word_tokenizer_known_splits(text: str, tokens: list[str]) -> None:
    assert WORD.tokenize(text) == tokens


@pytest.mark.parametrize(
    ("tokens", "text"),
    [
        (["Hello", ",", "world", "!"], "Hello, world!"),
        (["le", "chat", "(", "noir", ")", "dort", "."], "le chat (noir) dort."),
        (["«", "bonjour", "»"], "«bonjour»"),
        ([*"今天下雨", "。", "我", "不", "去", "。"], "今天下雨。我不去。"),
        (["我", "爱", "Python", "和", "中", "文"], "我爱 Python 和中文"),
        (["你", "好", ",", "世", "界", "!"], "你好,世界!"),
        (["<unk>", "cat"], "<unk> cat"),
        ([], ""),
    ],
)
def test_word_detokenize_joins_smartly(tokens: list[str], text: str) -> None:
    assert WORD.detokenize(tokens) == text


def test_word_tokenizer_round_trips_ordinary_sentences() -> None:
    for text in ["Go.", "Va !", "Qu'est-ce que c'est ?", "他不吃苹果。", "It's 5 o'clock, isn't it?"]:
        tokens = WORD.tokenize(text)
        assert WORD.tokenize(WORD.detokenize(tokens)) == tokens


@settings(max_examples=300, deadline=None)
@given(any_text, st.booleans())
def test_word_round_trip_on_any_text(text: str, lowercase: bool) -> None:
    tokenizer = WordTokenizer(lowercase=lowercase)
    tokens = tokenizer.tokenize(text)
    assert all(tokens) and not any(token.isspace() for token in tokens)
    assert tokenizer.tokenize(tokenizer.detokenize(tokens)) == tokens


@settings(max_examples=300, deadline=None)
@given(any_text, st.booleans())
def test_char_round_trip_on_any_text(text: str, lowercase: bool) -> None:
    tokenizer = CharTokenizer(lowercase=lowercase)
    tokens = tokenizer.tokenize(text)
    assert all(len(token) == 1 for token in tokens)
    assert tokenizer.tokenize(tokenizer.detokenize(tokens)) == tokens
    if not lowercase:
        assert tokenizer.detokenize(tokens) == unicodedata.normalize("NFC", text)


def test_char_tokenizer_keeps_spaces_and_composes() -> None:
    assert CHAR.tokenize("a b") == ["a", " ", "b"]
    assert CHAR.tokenize("e\u0301!") == ["é", "!"]
    assert CHAR.tokenize("中文🙂") == ["中", "文", "🙂"]
    assert CharTokenizer(lowercase=True).tokenize("AbC") == ["a", "b", "c"]


@pytest.mark.parametrize(
    "tokenizer", [WORD, CHAR, WordTokenizer(lowercase=True)], ids=["word", "char", "lower"]
)
@pytest.mark.parametrize(
    "text",
    [
        "",
        "\x00\x01\x02\x7f\x1b[31m",
        "\ud800 lone surrogate \udfff",
        "\U0010ffff\ue000\U000e0001",  # the last code point, private use, a tag
        "\u0301\u0301\u0301",  # combining marks with nothing to combine with
        "中" * 1000,
        "🇫🇷🇩🇪🇯" + "\u200d" * 10,
    ],
)
def test_hostile_text_never_crashes(tokenizer, text: str) -> None:
    tokens = tokenizer.tokenize(text)
    tokenizer.tokenize(tokenizer.detokenize(tokens))


def test_hundred_thousand_characters() -> None:
    text = ("The cat, 猫, 🐈\u200d⬛ and l'oiseau sat.\n" * 3000)[:100_000]
    assert len(text) == 100_000
    words = WORD.tokenize(text)
    assert len(words) > 20_000
    assert WORD.tokenize(WORD.detokenize(words)) == words
    assert len(CHAR.tokenize(text)) == 100_000


def test_unknown_symbols_become_unk_and_are_reported() -> None:
    vocab = Vocab.build([WORD.tokenize("the cat sees the dog .")])
    tokens = WORD.tokenize("the 猫 sees 🐈 !")
    assert vocab.encode(tokens) == [vocab.id_of("the"), UNK_ID, vocab.id_of("sees"), UNK_ID, UNK_ID]
    assert vocab.unknown_tokens(tokens) == ["猫", "🐈", "!"]


def test_get_tokenizer_by_name() -> None:
    assert get_tokenizer("char") == CharTokenizer()
    assert get_tokenizer("word", lowercase=True) == WordTokenizer(lowercase=True)
    assert get_tokenizer("word").name == "word" and get_tokenizer("char").name == "char"
    with pytest.raises(InputError, match="unknown tokenizer 'bpe'"):
        get_tokenizer("bpe")


def test_tokenizers_are_frozen_and_specials_fixed() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        WORD.lowercase = True  # type: ignore[misc]
    assert SPECIALS == ("<pad>", "<sos>", "<eos>", "<unk>")
    # the specials never come out of the word tokenizer whole, so text cannot forge them
    assert "<unk>" not in WORD.tokenize("<unk> <pad>")
