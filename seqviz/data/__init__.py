"""Data: tokenizers, vocabularies, seeded synthetic tasks, user corpora and the language-model text.

Pure Python and the standard library; nothing here needs torch.
"""

from seqviz.data.corpus import CorpusTask, ParallelCorpus, examples_to_tsv, load_parallel_corpus
from seqviz.data.lm_corpus import LM_CORPUS, language_model_corpus, split_corpus
from seqviz.data.numbers import chinese_numerals, english_words
from seqviz.data.tasks import TASKS, Example, GeneratedTask, Task, get_task, list_tasks
from seqviz.data.tokenizers import (
    EOS,
    PAD,
    SOS,
    SPECIALS,
    UNK,
    CharTokenizer,
    Tokenizer,
    WordTokenizer,
    get_tokenizer,
)
from seqviz.data.vocab import EOS_ID, PAD_ID, SOS_ID, UNK_ID, Vocab

__all__ = [
    "EOS",
    "EOS_ID",
    "LM_CORPUS",
    "PAD",
    "PAD_ID",
    "SOS",
    "SOS_ID",
    "SPECIALS",
    "TASKS",
    "UNK",
    "UNK_ID",
    "CharTokenizer",
    "CorpusTask",
    "Example",
    "GeneratedTask",
    "ParallelCorpus",
    "Task",
    "Tokenizer",
    "Vocab",
    "WordTokenizer",
    "chinese_numerals",
    "english_words",
    "examples_to_tsv",
    "get_task",
    "get_tokenizer",
    "language_model_corpus",
    "list_tasks",
    "load_parallel_corpus",
    "split_corpus",
]
