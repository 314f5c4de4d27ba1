"""Data: tokenizers, vocabularies, seeded synthetic tasks, user corpora and the language-model text."""

from seqviz.data.tasks import TASKS, Example, Task, get_task, list_tasks
from seqviz.data.tokenizers import EOS, PAD, SOS, SPECIALS, UNK, CharTokenizer, WordTokenizer, get_tokenizer
from seqviz.data.vocab import EOS_ID, PAD_ID, SOS_ID, UNK_ID, Vocab

__all__ = [
    "EOS",
    "EOS_ID",
    "PAD",
    "PAD_ID",
    "SOS",
    "SOS_ID",
    "SPECIALS",
    "TASKS",
    "UNK",
    "UNK_ID",
    "CharTokenizer",
    "Example",
    "Task",
    "Vocab",
    "WordTokenizer",
    "get_task",
    "get_tokenizer",
    "list_tasks",
]
