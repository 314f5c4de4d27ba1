"""The translation grammar: exact English, French and Chinese renderings of meanings built by hand."""

from __future__ import annotations

import random

import pytest

from seqviz.data import grammar
from seqviz.data.grammar import Meaning, NounPhrase, chinese, english, french
from seqviz.data.tasks import get_task
from seqviz.data.tokenizers import WordTokenizer


def test_the_example_of_the_brief() -> None:
    meaning = Meaning(
        NounPhrase("cat", "the", "black"), "eat", NounPhrase("apple", "two", "red"), True, "today"
    )
    assert english(meaning) == "the black cat does not eat two red apples today"
    assert french(meaning) == "le chat noir ne mange pas deux pommes rouges aujourd'hui"
    assert chinese(meaning) == "今天黑猫不吃两个红苹果"


@pytest.mark.parametrize(
    ("noun_phrase", "french_text"),
    [
        (NounPhrase("cat", "the", "black"), "le chat noir"),
        (NounPhrase("car", "the", "black", plural=True), "les voitures noires"),
        (NounPhrase("cat", "the", "black", plural=True), "les chats noirs"),
        (NounPhrase("flower", "three", "white"), "trois fleurs blanches"),
        (NounPhrase("hat", "four", "white"), "quatre chapeaux blancs"),
        (NounPhrase("house", "a", "white"), "une maison blanche"),
        (NounPhrase("book", "this", "green"), "ce livre vert"),
        (NounPhrase("table", "five", "green"), "cinq tables vertes"),
        (NounPhrase("car", "the", "red"), "la voiture rouge"),
        (NounPhrase("apple", "two", "red"), "deux pommes rouges"),
        (NounPhrase("bird", "the", "blue", plural=True), "les oiseaux bleus"),
        (NounPhrase("flower", "a", "blue"), "une fleur bleue"),
        (NounPhrase("cat", "two", "grey"), "deux chats gris"),  # gris: the same in the masculine plural
        (NounPhrase("apple", "two", "grey"), "deux pommes grises"),
        (NounPhrase("cake", "three", "yellow"), "trois gâteaux jaunes"),
        (NounPhrase("bird", "the"), "l'oiseau"),  # elision before a vowel
        (NounPhrase("bird", "this"), "cet oiseau"),
        (NounPhrase("hat", "this"), "ce chapeau"),
        (NounPhrase("apple", "this", "yellow"), "cette pomme jaune"),
    ],
)
def test_french_noun_phrases_agree(noun_phrase: NounPhrase, french_text: str) -> None:
    assert grammar.french_noun_phrase(noun_phrase) == french_text


@pytest.mark.parametrize(
    ("meaning", "en", "fr", "zh"),
    [
        (
            Meaning("I", "eat", NounPhrase("apple", "a")),
            "I eat an apple",
            "je mange une pomme",
            "我吃一个苹果",
        ),
        (
            Meaning("he", "eat", NounPhrase("apple", "a"), negated=True),
            "he does not eat an apple",
            "il ne mange pas de pomme",
            "他不吃苹果",
        ),
        (
            Meaning("she", "watch", NounPhrase("bird", "a", "white"), negated=True, time="now"),
            "she does not watch a white bird now",
            "elle ne regarde pas d'oiseau blanc maintenant",
            "现在她不看白鸟",
        ),
        (
            Meaning("we", "eat", NounPhrase("cake", "this"), time="tonight"),
            "we eat this cake tonight",
            "nous mangeons ce gâteau ce soir",
            "今晚我们吃这块蛋糕",
        ),
        (
            Meaning("you", "look for", NounPhrase("book", "three")),
            "you look for three books",
            "tu cherches trois livres",
            "你找三本书",
        ),
        (
            Meaning(NounPhrase("dog", "two", "black"), "wash", NounPhrase("car", "the"), time="every day"),
            "two black dogs wash the car every day",
            "deux chiens noirs lavent la voiture tous les jours",
            "每天两只黑狗洗车",
        ),
        (
            Meaning(
                NounPhrase("bird", "a"), "carry", NounPhrase("flower", "a", "yellow"), time="in the morning"
            ),
            "a bird carries a yellow flower in the morning",
            "un oiseau porte une fleur jaune le matin",
            "早上一只鸟拿一朵黄花",
        ),
        (
            Meaning("they", "prepare", NounPhrase("cake", "this"), negated=True),
            "they do not prepare this cake",
            "ils ne préparent pas ce gâteau",
            "他们不准备这块蛋糕",
        ),
        (
            Meaning("he", "wash", NounPhrase("table", "this", "white")),
            "he washes this white table",
            "il lave cette table blanche",
            "他洗这张白桌子",
        ),
        (
            Meaning(NounPhrase("cat", "the", plural=True), "draw", NounPhrase("house", "a", "blue")),
            "the cats draw a blue house",
            "les chats dessinent une maison bleue",
            "猫画一座蓝房子",
        ),
        (
            Meaning(NounPhrase("cat", "this"), "watch", NounPhrase("hat", "five", "grey")),
            "this cat watches five grey hats",
            "ce chat regarde cinq chapeaux gris",
            "这只猫看五顶灰帽子",
        ),
    ],
)
def test_sentences_in_three_languages(meaning: Meaning, en: str, fr: str, zh: str) -> None:
    assert (english(meaning), french(meaning), chinese(meaning)) == (en, fr, zh)


def test_french_verbs() -> None:
    forms = [grammar.french_verb("mang", person, plural) for plural in (False, True) for person in (1, 2, 3)]
    assert forms == ["mange", "manges", "mange", "mangeons", "mangez", "mangent"]
    assert grammar.french_verb("prépar", 1, True) == "préparons"


def test_invalid_noun_phrases_are_refused() -> None:
    bad_phrases = [
        {"noun": "unicorn"},
        {"noun": "cat", "determiner": "these"},
        {"noun": "cat", "adjective": "pink"},
        {"noun": "cat", "determiner": "a", "plural": True},
    ]
    for bad in bad_phrases:
        with pytest.raises(ValueError):
            NounPhrase(**bad)


def test_samples_respect_meaning_and_avoid_loaded_phrases() -> None:
    rng = random.Random(0)
    for _ in range(3000):
        meaning = grammar.sample_meaning(rng)
        assert meaning.obj.noun in grammar.VERBS[meaning.verb].objects
        for np in (meaning.obj, meaning.subject):
            if isinstance(np, NounPhrase):
                assert (np.adjective, np.noun) not in grammar.AVOIDED_PAIRS
        text = chinese(meaning)
        assert not any(bad in text for bad in ("黄书", "绿帽", "黑车"))
        assert " " not in text


def test_task_length_bounds_are_the_grammar_maxima() -> None:
    """The bounds written in tasks.py equal the sums of each slot's longest rendering."""
    tokenizer = WordTokenizer()
    longest = {
        language: sum(max(len(tokenizer.tokenize(text)) for text in slot)
                      for slot in grammar.slot_renderings(language))
        for language in grammar.LANGUAGES
    }  # fmt: skip
    for name, target in (("en-fr", "fr"), ("en-zh", "zh")):
        task = get_task(name)
        assert (task.max_source_tokens, task.max_target_tokens) == (longest["en"], longest[target])
