"""Which of a student's input tokens a model knows, and what it knows: the facts behind "unknown words".

Students type their own sentences and meet ``<unk>``: "Tom likes pizza" reaches an en-fr model as three
``<unk>`` tokens, and the model still answers fluently. A page must show that plainly, on the input itself,
and let the student see what the model can read. This module gives the page those facts as plain data; the
sentences are made in the UI, in the user's language.
"""

from __future__ import annotations

from dataclasses import dataclass

from seqviz.checkpoints.store import Checkpoint
from seqviz.data.tokenizers import SPECIALS, clean_text, get_tokenizer
from seqviz.data.vocab import Vocab
from seqviz.models.config import TRANSLATION_KINDS


@dataclass(frozen=True)
class InputVocabulary:
    """The input split as the model's tokenizer splits it, each token marked known or unknown."""

    tokens: list[str]
    unknown: list[bool]  # per token: not in the vocabulary, so the model reads <unk> there
    separator: str  # "" for characters, " " for words: how the tokens join back into the input
    copyable: bool  # a copy model can still write unknown source words into its output

    @property
    def unknown_count(self) -> int:
        return sum(self.unknown)


def reading_vocabulary(checkpoint: Checkpoint) -> tuple[str, Vocab, bool]:
    """(tokenizer name, vocabulary, lowercase) the model reads its input with: a seq2seq model's source
    side (an RNN's or a Transformer's), a language model's only vocabulary."""
    if checkpoint.kind in TRANSLATION_KINDS and checkpoint.source_vocab is not None:
        return checkpoint.source_tokenizer, checkpoint.source_vocab, checkpoint.lowercase
    return checkpoint.target_tokenizer, checkpoint.target_vocab, False


def input_vocabulary(checkpoint: Checkpoint, text: str) -> InputVocabulary:
    """Each token of ``text`` as the model splits it, and whether its vocabulary has it."""
    tokenizer_name, vocab, lowercase = reading_vocabulary(checkpoint)
    tokens = get_tokenizer(tokenizer_name).tokenize(clean_text(text, lowercase))  # as prepare_input reads it
    missing = set(vocab.unknown_tokens(tokens))
    return InputVocabulary(
        tokens=tokens,
        unknown=[token in missing for token in tokens],
        separator="" if tokenizer_name == "char" else " ",
        copyable=checkpoint.kind in TRANSLATION_KINDS and bool(checkpoint.config.copy),
    )


def known_tokens(checkpoint: Checkpoint) -> list[str]:
    """Every token the model can read, in vocabulary order, without the four special tokens."""
    _, vocab, _ = reading_vocabulary(checkpoint)
    return [token for token in vocab.tokens if token not in SPECIALS]
