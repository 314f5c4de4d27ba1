"""A small grammar that renders one meaning into English, French and Chinese.

One ``Meaning`` is sampled, then each language renders it, so a pair is a translation by construction.
The grammar is small on purpose, but what it does it does right, because the point is *reordering* and
*agreement*, which give attention more to show than a diagonal:

- French puts colour adjectives *after* the noun and makes them agree in gender and number
  (``la voiture rouge``, ``les fleurs blanches``, ``les chats gris``), elides ``le``/``la``/``de`` before a
  vowel (``l'oiseau``), splits negation around the verb (``ne mange pas``) and turns ``un``/``une`` into
  ``de`` under negation (``il ne mange pas de pomme``). Verbs are regular ``-er`` verbs that start with a
  consonant, so ``je`` and ``ne`` never elide.
- Chinese fronts time words (``今天…``), has no articles (``the cat`` is ``猫``), needs a measure word
  after numbers and demonstratives (``两只猫``, ``这本书``, ``一辆车``), uses 两 for "two" before a measure
  word, and puts 不 before the verb. A negated indefinite object is a bare noun (``他不吃苹果``), like
  French ``de``.

Person names (``Name``, the ``en-fr-names`` task) stand where a noun phrase or pronoun would: a name is
third person singular, takes no article in any language, and is written as it is (``Tom mange une pomme``,
``il regarde Tom``).

A few colour/noun pairs are never generated because in Chinese they mean something else: 黄书 (an obscene
book), 绿帽子 (a cuckold's "green hat") and 黑车 (an unlicensed taxi).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal

Language = Literal["en", "fr", "zh"]
LANGUAGES: tuple[Language, ...] = ("en", "fr", "zh")


@dataclass(frozen=True)
class Noun:
    english: str
    english_plural: str
    french: str
    french_plural: str
    gender: Literal["m", "f"]
    chinese: str
    measure: str  # the Chinese measure word used after numbers, 一 and 这
    animate: bool = False  # animals can be subjects


@dataclass(frozen=True)
class Adjective:
    english: str
    french: tuple[
        str, str, str, str
    ]  # masculine singular, feminine singular, masculine plural, feminine plural
    chinese: str


@dataclass(frozen=True)
class Verb:
    english: str
    english_third_person: str  # he/she/it form
    french_stem: str  # infinitive minus -er
    chinese: str
    objects: tuple[str, ...]  # nouns that make sense as its object


@dataclass(frozen=True)
class Pronoun:
    english: str
    french: str
    chinese: str
    person: int
    plural: bool


@dataclass(frozen=True)
class TimeWord:
    english: str
    french: str
    chinese: str


NOUNS: dict[str, Noun] = {
    "cat": Noun("cat", "cats", "chat", "chats", "m", "猫", "只", animate=True),
    "dog": Noun("dog", "dogs", "chien", "chiens", "m", "狗", "只", animate=True),
    "bird": Noun("bird", "birds", "oiseau", "oiseaux", "m", "鸟", "只", animate=True),
    "book": Noun("book", "books", "livre", "livres", "m", "书", "本"),
    "car": Noun("car", "cars", "voiture", "voitures", "f", "车", "辆"),
    "house": Noun("house", "houses", "maison", "maisons", "f", "房子", "座"),
    "apple": Noun("apple", "apples", "pomme", "pommes", "f", "苹果", "个"),
    "cake": Noun("cake", "cakes", "gâteau", "gâteaux", "m", "蛋糕", "块"),
    "flower": Noun("flower", "flowers", "fleur", "fleurs", "f", "花", "朵"),
    "table": Noun("table", "tables", "table", "tables", "f", "桌子", "张"),
    "hat": Noun("hat", "hats", "chapeau", "chapeaux", "m", "帽子", "顶"),
}
ADJECTIVES: dict[str, Adjective] = {
    "red": Adjective("red", ("rouge", "rouge", "rouges", "rouges"), "红"),
    "black": Adjective("black", ("noir", "noire", "noirs", "noires"), "黑"),
    "white": Adjective("white", ("blanc", "blanche", "blancs", "blanches"), "白"),
    "green": Adjective("green", ("vert", "verte", "verts", "vertes"), "绿"),
    "blue": Adjective("blue", ("bleu", "bleue", "bleus", "bleues"), "蓝"),
    "yellow": Adjective("yellow", ("jaune", "jaune", "jaunes", "jaunes"), "黄"),
    "grey": Adjective("grey", ("gris", "grise", "gris", "grises"), "灰"),
}
AVOIDED_PAIRS = frozenset({("yellow", "book"), ("green", "hat"), ("black", "car")})
_ANIMALS = ("cat", "dog", "bird")
VERBS: dict[str, Verb] = {
    "watch": Verb("watch", "watches", "regard", "看", tuple(NOUNS)),
    "eat": Verb("eat", "eats", "mang", "吃", ("apple", "cake")),
    "look for": Verb("look for", "looks for", "cherch", "找", tuple(NOUNS)),
    "carry": Verb(
        "carry", "carries", "port", "拿", (*_ANIMALS, "book", "apple", "cake", "flower", "table", "hat")
    ),
    "draw": Verb("draw", "draws", "dessin", "画", tuple(NOUNS)),
    "wash": Verb("wash", "washes", "lav", "洗", ("cat", "dog", "car", "apple", "table", "hat")),
    "prepare": Verb("prepare", "prepares", "prépar", "准备", ("apple", "cake")),
}
PRONOUNS: dict[str, Pronoun] = {
    "I": Pronoun("I", "je", "我", 1, False),
    "you": Pronoun("you", "tu", "你", 2, False),
    "he": Pronoun("he", "il", "他", 3, False),
    "she": Pronoun("she", "elle", "她", 3, False),
    "we": Pronoun("we", "nous", "我们", 1, True),
    "they": Pronoun("they", "ils", "他们", 3, True),
}
TIMES: dict[str, TimeWord] = {
    "today": TimeWord("today", "aujourd'hui", "今天"),
    "every day": TimeWord("every day", "tous les jours", "每天"),
    "now": TimeWord("now", "maintenant", "现在"),
    "in the morning": TimeWord("in the morning", "le matin", "早上"),
    "tonight": TimeWord("tonight", "ce soir", "今晚"),
}
NUMBERS: dict[str, tuple[str, str]] = {  # English: (French, Chinese before a measure word)
    "two": ("deux", "两"),
    "three": ("trois", "三"),
    "four": ("quatre", "四"),
    "five": ("cinq", "五"),
}
DETERMINERS = ("the", "a", "this", *NUMBERS)


@dataclass(frozen=True)
class NounPhrase:
    """``determiner`` is "the", "a", "this" or a number word ("two".."five"); numbers are plural, "a" and
    "this" singular, and "the" is plural when ``plural`` says so."""

    noun: str
    determiner: str = "the"
    adjective: str | None = None
    plural: bool = False

    def __post_init__(self) -> None:
        if self.noun not in NOUNS or self.determiner not in DETERMINERS:
            raise ValueError(f"unknown noun or determiner in {self}")
        if self.adjective is not None and self.adjective not in ADJECTIVES:
            raise ValueError(f"unknown adjective in {self}")
        if self.plural and self.determiner in ("a", "this"):
            raise ValueError(f"{self.determiner!r} cannot be plural")

    @property
    def is_plural(self) -> bool:
        return self.plural or self.determiner in NUMBERS


@dataclass(frozen=True)
class Name:
    """A person's name: written the same in every language, and in no vocabulary."""

    text: str


@dataclass(frozen=True)
class Meaning:
    subject: str | NounPhrase | Name  # a key of PRONOUNS, a noun phrase or a name
    verb: str
    obj: NounPhrase | Name
    negated: bool = False
    time: str | None = None  # a key of TIMES

    def person(self) -> tuple[int, bool]:
        """Grammatical person and number of the subject, for verb agreement."""
        if isinstance(self.subject, Name):
            return 3, False
        if isinstance(self.subject, NounPhrase):
            return 3, self.subject.is_plural
        pronoun = PRONOUNS[self.subject]
        return pronoun.person, pronoun.plural


# -------------------------------------------------------------------------------------------- sampling


def sample_noun_phrase(rng: random.Random, nouns: tuple[str, ...]) -> NounPhrase:
    noun = rng.choice(nouns)
    roll = rng.random()
    if roll < 0.3:
        determiner, plural = "the", False
    elif roll < 0.4:
        determiner, plural = "the", True
    elif roll < 0.6:
        determiner, plural = "a", False
    elif roll < 0.75:
        determiner, plural = "this", False
    else:
        determiner, plural = rng.choice(tuple(NUMBERS)), False
    adjective = None
    if rng.random() < 0.6:
        adjective = rng.choice([a for a in ADJECTIVES if (a, noun) not in AVOIDED_PAIRS])
    return NounPhrase(noun, determiner, adjective, plural)


def sample_meaning(rng: random.Random) -> Meaning:
    subject: str | NounPhrase
    subject = rng.choice(tuple(PRONOUNS)) if rng.random() < 0.5 else sample_noun_phrase(rng, _ANIMALS)
    verb = rng.choice(tuple(VERBS))
    obj = sample_noun_phrase(rng, VERBS[verb].objects)
    negated = rng.random() < 0.25
    time = rng.choice(tuple(TIMES)) if rng.random() < 0.5 else None
    return Meaning(subject, verb, obj, negated, time)


NAME_OBJECT_VERBS = ("watch", "look for", "draw")  # verbs a person can sensibly be the object of


def sample_named_meaning(rng: random.Random, names: tuple[str, ...]) -> Meaning:
    """A meaning where a name is the subject (45%), the object (20%), both (15%) or neither (20%)."""
    meaning = sample_meaning(rng)
    roll = rng.random()
    subject, verb, obj = meaning.subject, meaning.verb, meaning.obj
    if roll < 0.8:
        if roll < 0.45 or roll >= 0.65:
            subject = Name(rng.choice(names))
        if roll >= 0.45:
            verb = rng.choice(NAME_OBJECT_VERBS)
            obj = Name(rng.choice(names))
    return Meaning(subject, verb, obj, meaning.negated, meaning.time)


# --------------------------------------------------------------------------------------------- English


def english_noun_phrase(np: NounPhrase | Name) -> str:
    if isinstance(np, Name):
        return np.text
    noun = NOUNS[np.noun]
    words = [noun.english_plural if np.is_plural else noun.english]
    if np.adjective:
        words.insert(0, ADJECTIVES[np.adjective].english)
    determiner = np.determiner
    if determiner == "a" and words[0][0] in "aeiou":
        determiner = "an"
    return " ".join([determiner, *words])


def _english_head(meaning: Meaning) -> str:
    """Subject and verb: the verb agrees (``he eats``, ``they eat``), negation adds ``do``/``does not``."""
    if isinstance(meaning.subject, (NounPhrase, Name)):
        subject = english_noun_phrase(meaning.subject)
    else:
        subject = PRONOUNS[meaning.subject].english
    verb = VERBS[meaning.verb]
    third_singular = meaning.person() == (3, False)
    if meaning.negated:
        return f"{subject} {'does' if third_singular else 'do'} not {verb.english}"
    return f"{subject} {verb.english_third_person if third_singular else verb.english}"


def english(meaning: Meaning) -> str:
    parts = [_english_head(meaning), english_noun_phrase(meaning.obj)]
    if meaning.time:
        parts.append(TIMES[meaning.time].english)  # at the end
    return " ".join(parts)


# ---------------------------------------------------------------------------------------------- French

_FRENCH_ENDINGS = {
    (1, False): "e",
    (2, False): "es",
    (3, False): "e",
    (1, True): "ons",
    (2, True): "ez",
    (3, True): "ent",
}


def french_verb(stem: str, person: int, plural: bool) -> str:
    """Present tense of a regular -er verb: ``mange``, ``manges``, ``mangeons`` (the e keeps the g soft)."""
    ending = _FRENCH_ENDINGS[(person, plural)]
    if stem.endswith("g") and ending.startswith("o"):
        return f"{stem}e{ending}"
    return stem + ending


def _elided(word: str, following: str) -> str:
    """``le``/``la``/``de`` + ``oiseau`` -> ``l'oiseau``: French elides before a vowel sound."""
    if following[0] in "aeiouéèâ":
        return f"{word[0]}'{following}"
    return f"{word} {following}"


def french_noun_phrase(np: NounPhrase | Name, negated_object: bool = False) -> str:
    """Determiner, noun, then the adjective agreeing with the noun. ``negated_object``: the noun phrase
    is the object of a negated verb, where ``un``/``une`` become ``de`` (``pas de pomme``)."""
    if isinstance(np, Name):
        return np.text
    noun = NOUNS[np.noun]
    feminine = noun.gender == "f"
    word = noun.french_plural if np.is_plural else noun.french
    if np.adjective:
        word += " " + ADJECTIVES[np.adjective].french[2 * np.is_plural + feminine]
    if np.determiner in NUMBERS:
        return f"{NUMBERS[np.determiner][0]} {word}"
    if np.determiner == "the":
        return f"les {word}" if np.is_plural else _elided("la" if feminine else "le", word)
    if np.determiner == "a":
        return _elided("de", word) if negated_object else f"{'une' if feminine else 'un'} {word}"
    this = "cette" if feminine else ("cet" if word[0] in "aeiouh" else "ce")
    return f"{this} {word}"


def _french_head(meaning: Meaning) -> str:
    if isinstance(meaning.subject, (NounPhrase, Name)):
        subject = french_noun_phrase(meaning.subject)
    else:
        subject = PRONOUNS[meaning.subject].french
    verb = french_verb(VERBS[meaning.verb].french_stem, *meaning.person())
    return f"{subject} ne {verb} pas" if meaning.negated else f"{subject} {verb}"


def french(meaning: Meaning) -> str:
    parts = [_french_head(meaning), french_noun_phrase(meaning.obj, negated_object=meaning.negated)]
    if meaning.time:
        parts.append(TIMES[meaning.time].french)  # at the end
    return " ".join(parts)


# --------------------------------------------------------------------------------------------- Chinese


def chinese_noun_phrase(np: NounPhrase | Name, negated_object: bool = False) -> str:
    """Number/一/这 + measure word + colour + noun; "the" is a bare noun. A negated indefinite object is
    bare too (``不吃苹果``, not ``不吃一个苹果``)."""
    if isinstance(np, Name):
        return np.text
    noun = NOUNS[np.noun]
    word = (ADJECTIVES[np.adjective].chinese if np.adjective else "") + noun.chinese
    if np.determiner in NUMBERS:
        return NUMBERS[np.determiner][1] + noun.measure + word
    if np.determiner == "a" and not negated_object:
        return "一" + noun.measure + word
    if np.determiner == "this":
        return "这" + noun.measure + word
    return word


def _chinese_head(meaning: Meaning) -> str:
    if isinstance(meaning.subject, (NounPhrase, Name)):
        subject = chinese_noun_phrase(meaning.subject)
    else:
        subject = PRONOUNS[meaning.subject].chinese
    return subject + ("不" if meaning.negated else "") + VERBS[meaning.verb].chinese


def chinese(meaning: Meaning) -> str:
    """Written without spaces, time word first: ``今天黑猫不吃两个红苹果``."""
    time = TIMES[meaning.time].chinese if meaning.time else ""
    return time + _chinese_head(meaning) + chinese_noun_phrase(meaning.obj, negated_object=meaning.negated)


RENDERERS: dict[Language, Callable[[Meaning], str]] = {"en": english, "fr": french, "zh": chinese}


def render(meaning: Meaning, language: Language) -> str:
    return RENDERERS[language](meaning)


# ------------------------------------------------------------------------------- every possible piece


def _all_noun_phrases(nouns: tuple[str, ...]) -> Iterator[NounPhrase]:
    for noun in nouns:
        for determiner in DETERMINERS:
            for plural in (False, True) if determiner == "the" else (False,):
                for adjective in (None, *ADJECTIVES):
                    yield NounPhrase(noun, determiner, adjective, plural)


def slot_renderings(language: Language) -> tuple[list[str], list[str], list[str]]:
    """Every rendering of the three slots of a sentence: subject with verb, object, time word.

    A sentence is the three joined (in some order), so the sum of each slot's longest rendering bounds
    every sentence, and the union of their tokens is the language's whole vocabulary: tasks use both.
    """
    subjects: list[str | NounPhrase] = [*PRONOUNS, *_all_noun_phrases(_ANIMALS)]
    any_object = NounPhrase("cat")
    heads = {"en": _english_head, "fr": _french_head, "zh": _chinese_head}[language]
    objects = {
        "en": lambda np, _: english_noun_phrase(np),
        "fr": french_noun_phrase,
        "zh": chinese_noun_phrase,
    }[language]
    head_texts = [
        heads(Meaning(subject, verb, any_object, negated))
        for subject in subjects
        for verb in VERBS
        for negated in (False, True)
    ]
    object_texts = [
        objects(np, negated) for np in _all_noun_phrases(tuple(NOUNS)) for negated in (False, True)
    ]
    time_texts = [
        getattr(time, {"en": "english", "fr": "french", "zh": "chinese"}[language]) for time in TIMES.values()
    ]
    return head_texts, object_texts, time_texts
