"""Text in, model numbers out: the one path from a user's typed text to a checkpoint's model.

Pages and the CLI both call these functions, so a clear message for bad text (empty, too long, symbols the
model never saw) is written once. Unknown symbols are not an error: they become ``<unk>``, as the model was
trained to expect, and are reported so the UI can show them.

A copy model reads and writes through each input's extended vocabulary (``seqviz.models.copy_vocab``): the
prepared source carries it (``PreparedInput.extended``), every output id is read back through it
(``output_vocab``), so a copied word is shown as itself, and a given output text (``prepare_output``) is
encoded with it, so ``score`` accepts what ``translate`` printed.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import torch

from seqviz.checkpoints.store import Checkpoint
from seqviz.data.tokenizers import clean_text, get_tokenizer
from seqviz.data.vocab import EOS_ID, UNK, Vocab
from seqviz.errors import InputError
from seqviz.models.config import TRANSLATION_KINDS
from seqviz.models.copy_vocab import ExtendedVocab, extend_vocab
from seqviz.models.seq2seq import Seq2SeqTrace

MAX_INPUT_CHARS = 2_000
MAX_INPUT_TOKENS = 200


@dataclass
class PreparedInput:
    text: str
    tokens: list[str]  # as the tokenizer split them
    ids: list[int]  # vocabulary ids, <eos> appended
    unknown: list[str]  # tokens the vocabulary lacks (shown as <unk>)
    extended: ExtendedVocab | None = None  # a copy model's source: the output vocabulary for this input

    @property
    def shown_tokens(self) -> list[str]:
        """The tokens as the model sees them: unknown ones as ``<unk>``, then ``<eos>``."""
        return [*(t if t not in self.unknown else "<unk>" for t in self.tokens), "<eos>"]


def _visible(token: str) -> str:
    """Control and invisible characters shown as code points, so a message never hides what it is about."""
    if all(unicodedata.category(ch)[0] in "LMNPS" or ch == " " for ch in token):
        return token
    return "".join(ch if unicodedata.category(ch)[0] in "LMNPS" else f"U+{ord(ch):04X}" for ch in token)


def prepare_input(
    text: str,
    tokenizer_name: str,
    vocab: Vocab,
    lowercase: bool = False,
    what: str = "input",
    keep_unk: bool = False,
    strip: bool = True,
) -> PreparedInput:
    """``text`` tokenized and encoded, ``<eos>`` appended. ``keep_unk``: a written ``<unk>`` is that one
    token (an output the model printed with ``<unk>`` in it reads back as it was written); ``strip``:
    surrounding whitespace is dropped (not for an output as printed: a character model may write a space)."""
    if not isinstance(text, str):
        raise InputError(f"the {what} must be text", code="input.not_text", what=what)
    if len(text) > MAX_INPUT_CHARS:
        raise InputError(
            f"the {what} is {len(text):,} characters long; the limit is {MAX_INPUT_CHARS:,}",
            code="input.too_long",
            what=what,
            length=len(text),
            limit=MAX_INPUT_CHARS,
        )
    cleaned = clean_text(text, lowercase, strip)
    tokenizer = get_tokenizer(tokenizer_name)
    if keep_unk:
        pieces = cleaned.split(UNK)
        tokens = [token for piece in pieces for token in [UNK, *tokenizer.tokenize(piece)]][1:]
    else:
        tokens = tokenizer.tokenize(cleaned)
    if not tokens:
        raise InputError(
            f"the {what} is empty: type something for the model to read", code="input.empty", what=what
        )
    if len(tokens) > MAX_INPUT_TOKENS:
        raise InputError(
            f"the {what} has {len(tokens):,} tokens; the limit is {MAX_INPUT_TOKENS}",
            code="input.too_many_tokens",
            what=what,
            count=len(tokens),
            limit=MAX_INPUT_TOKENS,
        )
    unknown = list(dict.fromkeys(vocab.unknown_tokens(tokens)))
    return PreparedInput(cleaned, tokens, [*vocab.encode(tokens), EOS_ID], unknown)


def describe_unknown(prepared: PreparedInput) -> str | None:
    """A sentence for the UI when some symbols were not in the vocabulary, else None."""
    if not prepared.unknown:
        return None
    shown = ", ".join(repr(_visible(t)) for t in prepared.unknown[:8])
    more = f" and {len(prepared.unknown) - 8} more" if len(prepared.unknown) > 8 else ""
    copies = "; the copy mechanism can still write them" if prepared.extended is not None else ""
    return f"not in the model's vocabulary, read as <unk>: {shown}{more}{copies}"


def _require_seq2seq(checkpoint: Checkpoint) -> None:
    if checkpoint.kind not in TRANSLATION_KINDS:  # an RNN Seq2Seq or a Transformer: the same calls
        raise InputError(
            f"{checkpoint.name} is a {checkpoint.kind.replace('_', ' ')}, not a translation "
            "model; choose a seq2seq checkpoint",
            code="checkpoint.not_seq2seq",
            name=checkpoint.name,
            kind=checkpoint.kind,
        )


def require_rnn(checkpoint: Checkpoint, what: str) -> None:
    """Refuse a Transformer for a view of RNN parts (gates, recurrent states, Bahdanau / Luong scores,
    interventions through the RNN decoder's attention): one sentence that says so, rather than a failure
    deep inside the view. ``what`` names the view, in English (the CLI's text)."""
    if checkpoint.kind == "transformer":
        raise InputError(
            f"{what} is for RNN models; {checkpoint.name} is a Transformer",
            code="model.rnn_only",
            name=checkpoint.name,
        )


def prepare_source(checkpoint: Checkpoint, text: str) -> PreparedInput:
    """The encoder's input; for a copy model with the extended vocabulary its outputs are read in."""
    _require_seq2seq(checkpoint)
    source = prepare_input(text, checkpoint.source_tokenizer, checkpoint.source_vocab, checkpoint.lowercase)
    if checkpoint.config.copy:
        source.extended = extend_vocab(source.tokens, checkpoint.target_vocab)
    return source


def output_vocab(checkpoint: Checkpoint, source: PreparedInput) -> Vocab | ExtendedVocab:
    """What reads the output ids of ``source``: its extended vocabulary (copy), else the target's."""
    return source.extended if source.extended is not None else checkpoint.target_vocab


def extended_source(source: PreparedInput, device: torch.device | str = "cpu") -> torch.Tensor | None:
    """``source_extended`` for ``Seq2Seq.start`` / ``greedy`` (``[1, source]``); None without copy."""
    if source.extended is None:
        return None
    return torch.tensor([list(source.extended.source_ids)], dtype=torch.long, device=device)


def prepare_output(
    checkpoint: Checkpoint, source: PreparedInput, text: str, what: str, as_printed: bool = False
) -> PreparedInput:
    """An output (a target, a reference) in the ids the model writes for ``source``: a copy model's
    extended ids for the source words it can copy; any other unknown word is ``<unk>``, and so is a
    written ``<unk>``. ``as_printed``: the text exactly as ``translate`` printed it, spaces at either end
    kept and the empty output allowed (``<eos>`` alone), so it scores as it was decoded."""
    if as_printed and text == "":  # the empty output: <eos> alone
        return PreparedInput("", [], [EOS_ID], [])
    prepared = prepare_input(
        text,
        checkpoint.target_tokenizer,
        checkpoint.target_vocab,
        checkpoint.lowercase,
        what,
        keep_unk=True,
        strip=not as_printed,
    )
    if source.extended is None:
        return prepared
    vocab = source.extended
    unknown = list(dict.fromkeys(vocab.unknown_tokens(prepared.tokens)))
    return PreparedInput(prepared.text, prepared.tokens, vocab.encode(prepared.tokens, add_eos=True), unknown)


def default_max_len(source_length: int) -> int:
    return min(2 * source_length + 10, 400)


@dataclass
class Translation:
    source: PreparedInput
    output: str  # detokenized, without <eos>
    tokens: list[str]  # output tokens, <eos> included when produced
    token_log_probs: list[float]
    log_prob: float  # sum of token_log_probs (<eos> included)
    finished: bool  # False when max_len stopped it before <eos>


def greedy_translate(checkpoint: Checkpoint, text: str, max_len: int | None = None) -> Translation:
    source = prepare_source(checkpoint, text)
    model = checkpoint.model
    device = next(model.parameters()).device
    ids = torch.tensor([source.ids], device=device)
    limit = max_len or default_max_len(len(source.ids))
    result = model.greedy(ids, torch.tensor([len(source.ids)]), limit, extended_source(source, device))
    length = int(result.lengths[0])
    out_ids = result.tokens[0, :length].tolist()
    log_probs = result.token_log_probs[0, :length].tolist()
    vocab = output_vocab(checkpoint, source)
    tokens = [vocab.token_of(i) for i in out_ids]
    words = vocab.decode(out_ids)
    return Translation(
        source,
        get_tokenizer(checkpoint.target_tokenizer).detokenize(words),
        tokens,
        log_probs,
        float(sum(log_probs)),
        bool(result.finished[0]),
    )


@dataclass
class TextTrace:
    """A ``Seq2SeqTrace`` with the tokens that label its axes."""

    source: PreparedInput
    source_tokens: list[str]  # encoder positions, <eos> included
    output_tokens: list[str]  # decoder positions, <eos> included
    decoder_input_tokens: list[str]
    trace: Seq2SeqTrace
    output_text: str


def trace_text(
    checkpoint: Checkpoint, text: str, target: str | None = None, max_len: int | None = None
) -> TextTrace:
    """Trace a translation of ``text``: greedy when ``target`` is None, else teacher-forced on it."""
    source = prepare_source(checkpoint, text)
    target_ids = None
    if target is not None:
        target_ids = prepare_output(checkpoint, source, target, what="target").ids
    extended = None if source.extended is None else source.extended.source_ids
    limit = max_len or default_max_len(len(source.ids))
    trace = checkpoint.model.trace(source.ids, target_ids, limit, extended)
    vocab = output_vocab(checkpoint, source)
    output_tokens = [vocab.token_of(i) for i in trace.output_ids]
    words = vocab.decode(trace.output_ids)
    return TextTrace(
        source,
        source.shown_tokens,
        output_tokens,
        [vocab.token_of(i) for i in trace.decoder_input_ids],
        trace,
        get_tokenizer(checkpoint.target_tokenizer).detokenize(words),
    )


@dataclass
class LanguageModelTrace:
    """A language model reading a text: the probability of every next token and the recurrent trace."""

    source: PreparedInput
    input_tokens: list[str]  # positions read: <sos> x_1 ... x_{n-1}
    predicted_tokens: list[str]  # positions predicted: x_1 ... x_n
    token_log_probs: torch.Tensor  # [n] log P(x_t | x_<t)
    log_probs: torch.Tensor  # [n, vocab]
    trace: object  # RecurrentTrace of the core
    perplexity: float


@torch.no_grad()
def trace_language_model(checkpoint: Checkpoint, text: str) -> LanguageModelTrace:
    from seqviz.data.vocab import SOS_ID
    from seqviz.metrics import perplexity
    from seqviz.models.trace import trace_recurrent

    if checkpoint.kind != "language_model":
        raise InputError(f"{checkpoint.name} is not a language model")
    source = prepare_input(text, checkpoint.target_tokenizer, checkpoint.target_vocab, checkpoint.lowercase)
    model = checkpoint.model
    device = next(model.parameters()).device
    targets = source.ids[:-1]  # the text's tokens; the language model predicts each from the ones before
    inputs = torch.tensor([[SOS_ID, *targets[:-1]]], device=device)
    logits, _, embedded = model(inputs)
    log_probs = torch.log_softmax(logits[0], -1)
    picked = log_probs.gather(1, torch.tensor(targets, device=device)[:, None]).squeeze(1)
    vocab = checkpoint.target_vocab
    return LanguageModelTrace(
        source,
        [vocab.token_of(i) for i in inputs[0].tolist()],
        [vocab.token_of(i) for i in targets],
        picked,
        log_probs,
        trace_recurrent(model.rnn, embedded),
        perplexity((-picked).tolist()).perplexity,
    )
