"""A character-level language-model corpus written for seqviz (original text, a few KB).

Plain sentences on a few themes with a small, repeating vocabulary, so a small character model learns
words, spaces and punctuation within a minute, and its perplexity has something to show.
"""

from __future__ import annotations

LM_CORPUS = """\
The river runs past the mill and the mill turns the stone. The stone grinds the grain and the grain becomes \
bread. In the morning the baker opens the door and the street smells of bread. Children walk to school along \
the river. They count the boats: one boat, two boats, three boats. The boats carry wood and salt and apples.
A clock on the tower counts the hours. At noon it rings twelve times, and the birds rise from the roof. At \
night it rings once for every hour, and the town listens in the dark. The clock does not sleep. It remembers \
every second that has passed, but it never tells what it remembers.
A sequence is a list with an order. The first word comes before the second, and the second before the third. \
To guess the next word, a reader looks at the words that came before. A short memory sees only the last few \
words. A long memory carries the whole story. The story of the river is long, and the story of the clock is \
longer still.
The teacher writes a number on the board and the class reads it aloud. Seven, then seventeen, then seventy. \
The numbers grow and the voices grow louder. When the bell rings, the class is quiet again, and the board is \
clean. Tomorrow there will be new numbers and new words.
In the garden there are red flowers and white flowers. The gardener waters the red ones in the morning and \
the white ones in the evening. A cat sleeps under the table in the shade. A dog watches the gate. The bees go \
from flower to flower and come back to the hive before the sun goes down.
The old man keeps a book of days. Each day he writes one line: the weather, the river, the price of bread. \
Rain on Monday. Sun on Tuesday. The river was high on Wednesday, and the bread was cheap. After many years \
the book is full, and the lines make a long song that nobody sings.
A small model reads this text one letter at a time. At first it guesses badly, and every letter surprises it. \
Then it learns that a space comes after a word, that a capital letter comes after a full stop, and that the \
river runs past the mill. Its surprise falls. When the surprise is small, we say the perplexity is low.
The road leaves the town and climbs the hill. From the top you can see the river, the mill, the tower and the \
garden. The wind is cold on the hill. Travellers stop there to rest and to look back at the road they walked. \
Then they go down the other side, and the town is behind them.
Every evening the lamps are lit one by one along the river. The first lamp is near the mill, the last lamp is \
near the bridge. A boy runs from lamp to lamp and counts them: ten, eleven, twelve. There are always twelve \
lamps, but he counts them every evening, because counting is how he remembers the way home.
The market opens on Saturday. There are apples in baskets, fish on ice, and bread in long rows. The sellers \
call out their prices and the buyers call back. By noon the baskets are light and the voices are tired. By \
evening the square is empty, and the wind moves the paper on the stones.
Winter comes slowly. First the leaves fall, then the river turns grey, then the first snow lies on the roof of \
the mill. The clock on the tower still rings every hour. The baker still opens the door in the morning. The \
town is quiet, and it waits for spring, and spring always comes.
"""


def language_model_corpus() -> str:
    return LM_CORPUS


def split_corpus(text: str, validation_fraction: float = 0.1) -> tuple[str, str]:
    """The last ``validation_fraction`` of the text, cut at a sentence end, is held out."""
    cut = int(len(text) * (1 - validation_fraction))
    boundary = text.rfind(". ", 0, cut)
    cut = boundary + 2 if boundary > 0 else cut
    return text[:cut], text[cut:]
