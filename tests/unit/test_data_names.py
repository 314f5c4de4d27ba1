"""The en-fr-names task: invented names in no vocabulary, and validation names training never sees."""

from __future__ import annotations

import itertools
import random

from seqviz.data import grammar, names
from seqviz.data.tasks import Example, get_task

TASK = get_task("en-fr-names")


def _names_in(text: str) -> set[str]:
    return {token for token in TASK.source_tokenizer.tokenize(text) if names.is_name(token)}


def test_names_are_many_distinct_seeded_and_never_zorvak():
    everyone = names.all_names()
    assert len(everyone) == len(set(everyone)) == names.NAME_COUNT
    assert "Zorvak" not in everyone and not names.is_name("Zorvak")
    assert all(name[0].isupper() and name.isalpha() and 3 <= len(name) <= 12 for name in everyone)
    held = names.validation_names()
    assert 0.05 < len(held) / len(everyone) < 0.15  # about one in ten
    assert set(held).isdisjoint(names.training_names())
    assert set(held) | set(names.training_names()) == set(everyone)


def test_no_validation_name_is_ever_trained_on():
    trained = set()
    for example in itertools.islice(TASK.train_stream(seed=0), 3000):
        trained |= _names_in(example.source)
    assert len(trained) > 500  # many names are drawn ...
    assert not trained & set(names.validation_names())  # ... and never a validation one
    validation = TASK.validation()
    named = [example for example in validation if _names_in(example.source)]
    assert len(named) > 0.6 * len(validation)
    assert all(_names_in(e.source) & set(names.validation_names()) for e in named)
    assert all(_names_in(e.source) == _names_in(e.target) for e in validation)  # names are copied as is


def test_names_are_in_neither_vocabulary():
    source, target = TASK.build_vocabs()
    assert not any(names.is_name(token) for token in source.tokens + target.tokens)
    assert "mange" in target and "eats" in source


def test_a_name_is_third_person_singular_and_takes_no_article():
    tom = grammar.Name("Tom")
    apple = grammar.NounPhrase("apple", "a")
    meaning = grammar.Meaning(tom, "eat", apple)
    assert grammar.english(meaning) == "Tom eats an apple"
    assert grammar.french(meaning) == "Tom mange une pomme"
    watched = grammar.Meaning("he", "watch", tom, negated=True, time="tonight")
    assert grammar.english(watched) == "he does not watch Tom tonight"
    assert grammar.french(watched) == "il ne regarde pas Tom ce soir"
    assert grammar.chinese(watched) == "今晚他不看Tom"


def test_samples_put_names_where_the_grammar_allows():
    rng = random.Random(0)
    for _ in range(300):
        meaning = grammar.sample_named_meaning(rng, ("Ana", "Bo"))
        if isinstance(meaning.obj, grammar.Name):
            assert meaning.verb in grammar.NAME_OBJECT_VERBS
    assert TASK.sample(random.Random(1)) == TASK.sample(random.Random(1))
    assert isinstance(TASK.sample(random.Random(1)), Example)
