"""A character-level language-model corpus written for seqviz: original prose, about 4 KB.

Plain sentences on a few themes (a river, a clock, counting, reading in order) with a small, repeating
vocabulary and simple punctuation, so a small character model learns letters, words, spaces and full
stops within a minute, and its perplexity and next-character guesses have something to show. The text is
the project's own, so it can ship with the code under the same licence.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from seqviz.errors import InputError

if TYPE_CHECKING:
    from seqviz.checkpoints.provenance import TaskInfo

_PARAGRAPHS = (
    "The river starts as a thin line of water high in the hills. It runs over stones and under roots, and "
    "it grows wider with every stream that joins it. By the time it reaches the town it is slow and brown, "
    "and the children throw sticks into it and race them to the bridge.",
    "A mill stands by the river. The water turns the wheel, the wheel turns the stone, and the stone turns "
    "the grain into flour. The miller listens to the wheel all day. When the sound changes, he knows that "
    "the river is higher or lower than it was in the morning.",
    "On the tower in the square there is a clock. It has two hands and twelve numbers, and it rings once "
    "for every hour. At noon it rings twelve times and the birds leave the roof. At one it rings once and "
    "the birds come back. The clock does not know the birds, but the birds know the clock.",
    "A sequence is a list in which the order matters. Monday comes before Tuesday, and Tuesday before "
    "Wednesday. The letter after q is almost always u. To guess what comes next, you look at what came "
    "before. A short memory sees only the last few steps. A long memory carries the whole story.",
    "The teacher writes a number on the board and the class reads it aloud: one, two, three, four, five. "
    "Then she writes larger numbers. Eleven, twelve, thirteen. Twenty, thirty, forty. One hundred. The "
    "children count the steps to the door, the windows in the wall and the days until the holiday.",
    "Counting is the oldest sequence. You say one, and then you must say two. You cannot skip a number and "
    "you cannot go back. When you count sheep at night, the sheep jump the fence one by one, and somewhere "
    "between forty and fifty you fall asleep and the counting stops.",
    "In the evening the lamps along the river are lit one after another. The first lamp is near the mill "
    "and the last lamp is near the bridge. A boy walks from lamp to lamp and counts them. There are always "
    "twelve lamps, but he counts them every evening, because counting is how he finds the way home.",
    "A reader moves through a page from left to right and from top to bottom. Each word changes what the "
    "next word can be. After the words the cat sat on the, the next word is likely mat or chair or floor, "
    "and very unlikely river or clock. A good reader is surprised less and less as the page goes on.",
    "The old woman by the bridge keeps a book of days. Each evening she writes one line: the weather, the "
    "height of the river, the price of bread. Rain on Monday. Sun on Tuesday. Wind on Wednesday. After many "
    "years the lines make a long pattern, and she can tell from it when the river will rise.",
    "A small model reads this text one letter at a time. At first it guesses badly, and every letter "
    "surprises it. Then it learns that a space comes after a word, that a capital letter comes after a "
    "full stop, and that the river runs past the mill. Its surprise falls, and we say its perplexity is "
    "low.",
    "On Saturday there is a market in the square. There are apples in baskets, fish on ice and bread in "
    "long rows. The sellers call out their prices and the buyers call back. By noon the baskets are light. "
    "By evening the square is empty, and the wind moves the paper bags across the stones.",
    "The train to the city leaves at seven, at nine and at eleven. It stops at the mill, at the farm, at "
    "the school and at the bridge, always in that order. People who take it every day know each stop by "
    "the sound of the wheels, and they wake up just before their own station.",
    "In the garden there are red flowers and white flowers. The gardener waters the red ones in the "
    "morning and the white ones in the evening. A cat sleeps under the table in the shade, and a dog "
    "watches the gate. The bees go from flower to flower and come home before the sun goes down.",
    "In winter the river is quiet and grey, and thin ice grows at its edges. The mill is still, and the "
    "miller mends the wheel. The clock on the tower still rings every hour, a little slower in the cold. "
    "Then the days grow longer, the ice breaks, and the water runs again, as it did the year before.",
    "Every journey is a sequence of steps. You leave the house, you cross the square, you pass the tower "
    "and the clock, you walk along the river to the bridge. If you change the order, you end up somewhere "
    "else. That is why a map is useful, and why a good memory of the way is even better.",
)

LM_CORPUS: str = "\n".join(_PARAGRAPHS) + "\n"


def language_model_corpus() -> str:
    """The text the language-model pages train on and sample from."""
    return LM_CORPUS


LM_CORPUS_NAMES = ("en", "zh")  # "en": the prose above; "zh": seqviz.data.lm_corpus_zh's generated sentences


def lm_corpus_text(name: str = "en") -> str:
    """The corpus a shipped language model was trained on, by the name its checkpoint records
    (``task["lm_corpus"]``, absent = ``"en"``): evaluation and examples must read the same text."""
    if name == "en":
        return LM_CORPUS
    if name == "zh":
        from seqviz.data.lm_corpus_zh import chinese_corpus

        return chinese_corpus()
    raise InputError(f"unknown language-model corpus {name!r}: choose one of {', '.join(LM_CORPUS_NAMES)}")


def checkpoint_corpus_name(task: TaskInfo) -> str:
    """The corpus name a checkpoint's ``task`` records; ``"en"`` for older checkpoints (and unknown names)."""
    name = task.lm_corpus
    return name if name is not None and name in LM_CORPUS_NAMES else "en"


def split_corpus(text: str, validation_fraction: float = 0.1) -> tuple[str, str]:
    """Split ``text`` into (training, validation): the last ``validation_fraction`` of it, moved forward to
    the next sentence start, so the held-out part is text the model never read, not a random sprinkle of
    characters it has seen in context."""
    if not 0 < validation_fraction < 1:
        raise InputError(f"the validation fraction must be between 0 and 1, not {validation_fraction}")
    if len(text) < 2:
        raise InputError("the text is too short to split into training and validation parts")
    cut = min(max(1, round(len(text) * (1 - validation_fraction))), len(text) - 1)
    sentence_start = max(text.rfind(". ", 0, cut), text.rfind("\n", 0, cut))
    if sentence_start > 0 and text[sentence_start] == ".":
        sentence_start += 2
    elif sentence_start > 0:
        sentence_start += 1
    if 0 < sentence_start < len(text):
        cut = sentence_start
    return text[:cut], text[cut:]
