"""Model configurations: one dataclass per model, enough to rebuild it with no other file.

A checkpoint stores ``config.to_dict()`` next to the weights; ``config_from_dict`` reads it back and refuses
anything it does not understand with a message that names the field, so a hand-edited or hostile
``config.json`` cannot build a model of a surprising shape.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, ClassVar

from seqviz.errors import CheckpointError, InputError

CELLS = ("rnn", "lstm", "gru")
ATTENTIONS = ("none", "bahdanau", "luong-dot", "luong-general")
MAX_LAYERS = 3
MAX_WIDTH = 4096
# The Transformer's limits (issue 21): a model to watch, not to win benchmarks. Eight heads of a 256-wide
# model are 32 numbers each, still few enough to read one by one.
MAX_MODEL_SIZE = 256
MAX_HEADS = 8
MAX_FEEDFORWARD = 4 * MAX_MODEL_SIZE
MAX_VOCAB = 1_000_000
# The most numbers a model may hold. Its float32 weights (4 bytes each, 240 MB) must fit the largest weights
# file a checkpoint may have (seqviz.checkpoints.store.MAX_WEIGHTS_BYTES, 256 MiB, header included): a bigger
# model could never be saved or loaded, so it is refused when configured, not after training it or allocating
# it.
MAX_PARAMETERS = 60_000_000


def _check_int(name: str, value: Any, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InputError(f"{name} must be a whole number from {low} to {high}, not {value!r}")


def _check_bool(name: str, value: Any) -> None:
    if not isinstance(value, bool):
        raise InputError(f"{name} must be true or false, not {value!r}")


def _check_size(config: ModelConfig) -> None:
    """Refuse a model over ``MAX_PARAMETERS``, counted from the config alone (nothing is allocated)."""
    from seqviz.models.shapes import parameter_count

    count = parameter_count(config)
    if count > MAX_PARAMETERS:
        raise InputError(
            f"the model would hold {count:,} parameters, over the limit of {MAX_PARAMETERS:,}; "
            "use a smaller vocabulary, width or fewer layers"
        )


def _check_choice(name: str, value: Any, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise InputError(f"{name} must be one of {', '.join(choices)}, not {value!r}")


def _check_dropout(value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value < 1.0:
        raise InputError(f"dropout must be in [0, 1), not {value!r}")


@dataclass
class Seq2SeqConfig:
    """An encoder-decoder: embedding + recurrent encoder, decoder with optional attention, copy, coverage.

    ``hidden_size`` is the width of the decoder and of every encoder memory vector. A bidirectional encoder
    gives each direction ``hidden_size // 2`` units, so that ``[->h_j ; <-h_j]`` is ``hidden_size`` wide and
    the decoder starts from the concatenated final states of both directions (the bridge).
    """

    kind: ClassVar[str] = "seq2seq"

    source_vocab_size: int
    target_vocab_size: int
    cell: str = "lstm"
    attention: str = "bahdanau"
    embedding_size: int = 64
    hidden_size: int = 128
    num_layers: int = 1
    bidirectional: bool = False
    dropout: float = 0.0
    copy: bool = False
    coverage: bool = False
    # For copy: the target-vocabulary id of every source-vocabulary id (<unk> where the target lacks it).
    # Only a fallback: callers pass each input's extended ids (seqviz.models.copy_vocab), so a word the target
    # vocabulary lacks is copied as itself, not as <unk>.
    source_to_target: list[int] | None = field(default=None, repr=False)

    def validate(self) -> Seq2SeqConfig:
        _check_int("source_vocab_size", self.source_vocab_size, 5, MAX_VOCAB)
        _check_int("target_vocab_size", self.target_vocab_size, 5, MAX_VOCAB)
        _check_choice("cell", self.cell, CELLS)
        _check_choice("attention", self.attention, ATTENTIONS)
        _check_int("embedding_size", self.embedding_size, 1, MAX_WIDTH)
        _check_int("hidden_size", self.hidden_size, 2, MAX_WIDTH)
        _check_int("num_layers", self.num_layers, 1, MAX_LAYERS)
        for name in ("bidirectional", "copy", "coverage"):
            _check_bool(name, getattr(self, name))
        if self.bidirectional and self.hidden_size % 2:
            raise InputError("a bidirectional encoder needs an even hidden_size (half per direction)")
        if not isinstance(self.dropout, (int, float)) or not 0.0 <= self.dropout < 1.0:
            raise InputError(f"dropout must be in [0, 1), not {self.dropout!r}")
        if (self.copy or self.coverage) and self.attention == "none":
            raise InputError("copy and coverage need an attention decoder (attention is 'none')")
        if self.copy:
            mapping = self.source_to_target
            if not isinstance(mapping, list) or len(mapping) != self.source_vocab_size:
                raise InputError("copy needs source_to_target: one target id per source-vocabulary id")
            if any(
                isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < self.target_vocab_size
                for i in mapping
            ):
                raise InputError("source_to_target holds an id outside the target vocabulary")
        elif self.source_to_target is not None and not isinstance(self.source_to_target, list):
            raise InputError("source_to_target must be a list of target ids or null")
        _check_size(self)
        return self

    @property
    def encoder_hidden_size(self) -> int:
        """Units per encoder direction."""
        return self.hidden_size // 2 if self.bidirectional else self.hidden_size

    def describe(self) -> str:
        parts = [self.cell.upper(), "no attention" if self.attention == "none" else self.attention]
        if self.bidirectional:
            parts.append("bidirectional")
        if self.copy:
            parts.append("copy")
        if self.coverage:
            parts.append("coverage")
        parts.append(f"{self.num_layers} layer{'s' if self.num_layers > 1 else ''}")
        parts.append(f"hidden {self.hidden_size}")
        return ", ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, **asdict(self)}


@dataclass
class TransformerConfig:
    """A Transformer encoder-decoder (Vaswani et al. 2017): the seq2seq model whose recurrence is replaced by
    self-attention. Names follow the paper: ``d_model`` is the width of every token vector, ``num_heads``
    heads of ``d_head = d_model / num_heads`` numbers each, ``d_ff`` the width of the position-wise
    feed-forward layer. ``num_layers`` counts the encoder's layers and, as many, the decoder's.

    ``norm_first``: pre-norm (``x + Sublayer(LayerNorm(x))``, a final LayerNorm on each stack), which trains
    without a careful warm-up, or the paper's post-norm (``LayerNorm(x + Sublayer(x))``).
    """

    kind: ClassVar[str] = "transformer"
    # What code written for any translation model reads from its config (``prepare_source``, the stepper):
    # a Transformer neither copies nor keeps coverage. Class constants, so config.json never holds them.
    copy: ClassVar[bool] = False
    coverage: ClassVar[bool] = False

    source_vocab_size: int
    target_vocab_size: int
    d_model: int = 128
    num_heads: int = 4
    num_layers: int = 2
    d_ff: int = 512
    dropout: float = 0.0  # the RNN configs' default too: a like-for-like comparison; raise it for corpora
    norm_first: bool = True

    def validate(self) -> TransformerConfig:
        _check_int("source_vocab_size", self.source_vocab_size, 5, MAX_VOCAB)
        _check_int("target_vocab_size", self.target_vocab_size, 5, MAX_VOCAB)
        _check_int("d_model", self.d_model, 2, MAX_MODEL_SIZE)
        _check_int("num_heads", self.num_heads, 1, MAX_HEADS)
        _check_int("num_layers", self.num_layers, 1, MAX_LAYERS)
        _check_int("d_ff", self.d_ff, 1, MAX_FEEDFORWARD)
        _check_bool("norm_first", self.norm_first)
        _check_dropout(self.dropout)
        if self.d_model % 2:
            raise InputError(
                f"d_model must be even (sinusoidal positions pair a sine and a cosine), not {self.d_model}"
            )
        if self.d_model % self.num_heads:
            raise InputError(
                f"d_model ({self.d_model}) must be a multiple of num_heads ({self.num_heads}): "
                "each head reads an equal slice"
            )
        _check_size(self)
        return self

    @property
    def d_head(self) -> int:
        """Numbers per head: the width of each head's queries, keys and values."""
        return self.d_model // self.num_heads

    def describe(self) -> str:
        layers = f"{self.num_layers} layer{'s' if self.num_layers > 1 else ''}"
        heads = f"{self.num_heads} head{'s' if self.num_heads > 1 else ''}"
        norm = "pre-norm" if self.norm_first else "post-norm"
        return f"Transformer, {layers}, {heads}, d_model {self.d_model}, {norm}"

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, **asdict(self)}


@dataclass
class LanguageModelConfig:
    """A language model: embedding, a recurrent core, a projection to next-token logits."""

    kind: ClassVar[str] = "language_model"

    vocab_size: int
    cell: str = "lstm"
    embedding_size: int = 64
    hidden_size: int = 256
    num_layers: int = 1
    dropout: float = 0.0

    def validate(self) -> LanguageModelConfig:
        _check_int("vocab_size", self.vocab_size, 5, MAX_VOCAB)
        _check_choice("cell", self.cell, CELLS)
        _check_int("embedding_size", self.embedding_size, 1, MAX_WIDTH)
        _check_int("hidden_size", self.hidden_size, 1, MAX_WIDTH)
        _check_int("num_layers", self.num_layers, 1, MAX_LAYERS)
        if not isinstance(self.dropout, (int, float)) or not 0.0 <= self.dropout < 1.0:
            raise InputError(f"dropout must be in [0, 1), not {self.dropout!r}")
        _check_size(self)
        return self

    def describe(self) -> str:
        layers = f"{self.num_layers} layer{'s' if self.num_layers > 1 else ''}"
        return f"{self.cell.upper()} language model, {layers}, hidden {self.hidden_size}"

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, **asdict(self)}


ModelConfig = Seq2SeqConfig | TransformerConfig | LanguageModelConfig
CONFIG_CLASSES: dict[str, type[Seq2SeqConfig] | type[TransformerConfig] | type[LanguageModelConfig]] = {
    Seq2SeqConfig.kind: Seq2SeqConfig,
    TransformerConfig.kind: TransformerConfig,
    LanguageModelConfig.kind: LanguageModelConfig,
}
# The kinds that translate: a source sentence in, a target sentence out, through ``start`` / ``decoder``.
TRANSLATION_KINDS = (Seq2SeqConfig.kind, TransformerConfig.kind)


def config_from_dict(data: Any) -> ModelConfig:
    """Rebuild a config from ``to_dict()`` output; any unknown or ill-typed field is a CheckpointError."""
    if not isinstance(data, dict):
        raise CheckpointError("the model config must be a JSON object")
    kind = data.get("kind")
    if kind not in CONFIG_CLASSES:
        raise CheckpointError(f"unknown model kind {kind!r} (expected one of {', '.join(CONFIG_CLASSES)})")
    cls = CONFIG_CLASSES[kind]
    known = {f.name for f in fields(cls)}
    values = {k: v for k, v in data.items() if k != "kind"}
    unknown = sorted(set(values) - known)
    if unknown:
        raise CheckpointError(f"the model config has unknown fields: {', '.join(unknown)}")
    try:
        return cls(**values).validate()
    except TypeError as error:  # a required field is missing
        raise CheckpointError(f"the model config is incomplete: {error}") from None
    except InputError as error:
        raise CheckpointError(f"the model config is invalid: {error}") from None
