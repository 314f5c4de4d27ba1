"""A small grammar that renders one meaning into English, French and Chinese.

The point is reordering, so attention has more to show than a diagonal:

- French puts colour adjectives *after* the noun and makes them agree (``la voiture rouge``,
  ``les fleurs blanches``), and splits negation around the verb (``ne mange pas``).
- Chinese fronts time words (``今天 ...``), drops articles, needs a measure word after numbers and
  demonstratives (``两只猫``, ``这本书``) and puts 不 before the verb.

One ``Meaning`` is sampled, then each language renders it, so a pair is a translation by construction.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

# English (singular, plural), French (singular, plural), gender, Chinese noun, Chinese measure word
NOUNS = {
    "cat": ("cat", "cats", "chat", "chats", "m", "猫", "只"),
    "dog": ("dog", "dogs", "chien", "chiens", "m", "狗", "只"),
    "bird": ("bird", "birds", "oiseau", "oiseaux", "m", "鸟", "只"),
    "book": ("book", "books", "livre", "livres", "m", "书", "本"),
    "car": ("car", "cars", "voiture", "voitures", "f", "车", "辆"),
    "house": ("house", "houses", "maison", "maisons", "f", "房子", "座"),
    "apple": ("apple", "apples", "pomme", "pommes", "f", "苹果", "个"),
    "flower": ("flower", "flowers", "fleur", "fleurs", "f", "花", "朵"),
    "table": ("table", "tables", "table", "tables", "f", "桌子", "张"),
    "hat": ("hat", "hats", "chapeau", "chapeaux", "m", "帽子", "顶"),
}
ANIMATE = ("cat", "dog", "bird")
# English, French m.sg, f.sg, m.pl, f.pl, Chinese
ADJECTIVES = {
    "red": ("red", "rouge", "rouge", "rouges", "rouges", "红"),
    "black": ("black", "noir", "noire", "noirs", "noires", "黑"),
    "white": ("white", "blanc", "blanche", "blancs", "blanches", "白"),
    "green": ("green", "vert", "verte", "verts", "vertes", "绿"),
    "blue": ("blue", "bleu", "bleue", "bleus", "bleues", "蓝"),
    "yellow": ("yellow", "jaune", "jaune", "jaunes", "jaunes", "黄"),
}
# English base, English third person singular, French stem (regular -er verbs that start with a consonant,
# so "je" never elides), Chinese
VERBS = {
    "watch": ("watch", "watches", "regard", "看"),
    "eat": ("eat", "eats", "mang", "吃"),
    "look for": ("look for", "looks for", "cherch", "找"),
    "carry": ("carry", "carries", "port", "拿"),
    "draw": ("draw", "draws", "dessin", "画"),
    "wash": ("wash", "washes", "lav", "洗"),
    "prepare": ("prepare", "prepares", "prépar", "准备"),
}
# English, French, Chinese
PRONOUNS = {
    "I": ("I", "je", "我", 1, False),
    "you": ("you", "tu", "你", 2, False),
    "he": ("he", "il", "他", 3, False),
    "she": ("she", "elle", "她", 3, False),
    "we": ("we", "nous", "我们", 1, True),
    "they": ("they", "ils", "他们", 3, True),
}
TIMES = {
    "today": ("today", "aujourd'hui", "今天"),
    "every day": ("every day", "tous les jours", "每天"),
    "now": ("now", "maintenant", "现在"),
    "in the morning": ("in the morning", "le matin", "早上"),
    "tonight": ("tonight", "ce soir", "今晚"),
}
NUMBERS = {
    2: ("two", "deux", "两"),
    3: ("three", "trois", "三"),
    4: ("four", "quatre", "四"),
    5: ("five", "cinq", "五"),
}
DETERMINERS = ("the", "a", "this", "number")


@dataclass(frozen=True)
class NounPhrase:
    noun: str
    determiner: str  # the | a | this | number
    count: int = 1  # > 1 only with "number"
    adjective: str | None = None

    @property
    def plural(self) -> bool:
        return self.count > 1


@dataclass(frozen=True)
class Meaning:
    subject: str | NounPhrase  # a pronoun key or a noun phrase
    verb: str
    obj: NounPhrase
    negated: bool = False
    time: str | None = None


def sample_noun_phrase(rng: random.Random, animate: bool = False) -> NounPhrase:
    noun = rng.choice(ANIMATE if animate else tuple(NOUNS))
    determiner = rng.choice(DETERMINERS)
    count = rng.choice(tuple(NUMBERS)) if determiner == "number" else 1
    adjective = rng.choice(tuple(ADJECTIVES)) if rng.random() < 0.6 else None
    return NounPhrase(noun, determiner, count, adjective)


def sample_meaning(rng: random.Random) -> Meaning:
    subject: str | NounPhrase
    subject = rng.choice(tuple(PRONOUNS)) if rng.random() < 0.5 else sample_noun_phrase(rng, animate=True)
    return Meaning(
        subject,
        rng.choice(tuple(VERBS)),
        sample_noun_phrase(rng),
        negated=rng.random() < 0.25,
        time=rng.choice(tuple(TIMES)) if rng.random() < 0.5 else None,
    )


def _person(subject: str | NounPhrase) -> tuple[int, bool]:
    if isinstance(subject, str):
        _, _, _, person, plural = PRONOUNS[subject]
        return person, plural
    return 3, subject.plural


# ------------------------------------------------------------------------------------------- English


def english_noun_phrase(np: NounPhrase) -> str:
    singular, plural = NOUNS[np.noun][:2]
    noun = plural if np.plural else singular
    adjective = f"{ADJECTIVES[np.adjective][0]} " if np.adjective else ""
    if np.determiner == "number":
        return f"{NUMBERS[np.count][0]} {adjective}{noun}"
    following = adjective or noun
    article = "an" if np.determiner == "a" and following[0] in "aeiou" else np.determiner
    return f"{article} {adjective}{noun}"


def english(meaning: Meaning) -> str:
    person, plural = _person(meaning.subject)
    subject = (
        PRONOUNS[meaning.subject][0]
        if isinstance(meaning.subject, str)
        else english_noun_phrase(meaning.subject)
    )
    base, third_person = VERBS[meaning.verb][:2]
    third_singular = person == 3 and not plural
    if meaning.negated:
        verb = f"{'does' if third_singular else 'do'} not {base}"
    else:
        verb = third_person if third_singular else base
    words = [subject, verb, english_noun_phrase(meaning.obj)]
    if meaning.time:
        words.append(TIMES[meaning.time][0])
    return " ".join(words)


# -------------------------------------------------------------------------------------------- French

_FRENCH_ENDINGS = {
    (1, False): "e",
    (2, False): "es",
    (3, False): "e",
    (1, True): "ons",
    (2, True): "ez",
    (3, True): "ent",
}


def french_verb(stem: str, person: int, plural: bool) -> str:
    ending = _FRENCH_ENDINGS[(person, plural)]
    if stem.endswith("g") and ending.startswith("o"):  # mangeons: keep the soft g
        return stem + "e" + ending
    return stem + ending


def french_noun_phrase(np: NounPhrase) -> str:
    _, _, singular, plural, gender = NOUNS[np.noun][:5]
    noun = plural if np.plural else singular
    if np.determiner == "number":
        determiner = NUMBERS[np.count][1]
    elif np.determiner == "the":
        determiner = "les" if np.plural else ("le" if gender == "m" else "la")
    elif np.determiner == "a":
        determiner = "un" if gender == "m" else "une"
    else:  # this
        determiner = ("cet" if noun[0] in "aeiouh" else "ce") if gender == "m" else "cette"
    words = [determiner, noun]
    if np.adjective:  # after the noun, agreeing in gender and number
        forms = ADJECTIVES[np.adjective][1:5]
        words.append(forms[(2 if np.plural else 0) + (1 if gender == "f" else 0)])
    return " ".join(words)


def french(meaning: Meaning) -> str:
    person, plural = _person(meaning.subject)
    subject = (
        PRONOUNS[meaning.subject][1]
        if isinstance(meaning.subject, str)
        else french_noun_phrase(meaning.subject)
    )
    verb = french_verb(VERBS[meaning.verb][2], person, plural)
    words = [subject, f"ne {verb} pas" if meaning.negated else verb, french_noun_phrase(meaning.obj)]
    if meaning.time:
        words.append(TIMES[meaning.time][1])
    return " ".join(words)


# ------------------------------------------------------------------------------------------- Chinese


def chinese_noun_phrase(np: NounPhrase) -> str:
    noun, measure = NOUNS[np.noun][5:7]
    adjective = ADJECTIVES[np.adjective][5] if np.adjective else ""
    if np.determiner == "number":
        return f"{NUMBERS[np.count][2]}{measure}{adjective}{noun}"
    if np.determiner == "a":
        return f"一{measure}{adjective}{noun}"
    if np.determiner == "this":
        return f"这{measure}{adjective}{noun}"
    return f"{adjective}{noun}"  # "the": a bare noun


def chinese(meaning: Meaning) -> str:
    subject = (
        PRONOUNS[meaning.subject][2]
        if isinstance(meaning.subject, str)
        else chinese_noun_phrase(meaning.subject)
    )
    verb = VERBS[meaning.verb][3]
    time = TIMES[meaning.time][2] if meaning.time else ""
    return f"{time}{subject}{'不' if meaning.negated else ''}{verb}{chinese_noun_phrase(meaning.obj)}"
