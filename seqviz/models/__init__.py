"""Models: encoders, decoders, attention and a language model, all on the ``torch.nn`` fast path, and a
small Transformer encoder-decoder that decodes through the same calls as the RNN ``Seq2Seq``.

The configs import without torch (the home page lists checkpoints from their ``config.json`` alone); the
modules load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from seqviz.models.config import (
    ATTENTIONS,
    CELLS,
    LanguageModelConfig,
    ModelConfig,
    Seq2SeqConfig,
    TransformerConfig,
    config_from_dict,
)

if TYPE_CHECKING:
    from seqviz.models.language_model import LanguageModel
    from seqviz.models.seq2seq import GreedyResult, Seq2Seq, Seq2SeqTrace, make_decoder_inputs
    from seqviz.models.transformer import Transformer, TransformerTrace

_LAZY = {
    "LanguageModel": "seqviz.models.language_model",
    "GreedyResult": "seqviz.models.seq2seq",
    "Seq2Seq": "seqviz.models.seq2seq",
    "Seq2SeqTrace": "seqviz.models.seq2seq",
    "make_decoder_inputs": "seqviz.models.seq2seq",
    "Transformer": "seqviz.models.transformer",
    "TransformerTrace": "seqviz.models.transformer",
}

__all__ = [
    "ATTENTIONS",
    "CELLS",
    "GreedyResult",
    "LanguageModel",
    "LanguageModelConfig",
    "ModelConfig",
    "Seq2Seq",
    "Seq2SeqConfig",
    "Seq2SeqTrace",
    "Transformer",
    "TransformerConfig",
    "TransformerTrace",
    "build_model",
    "config_from_dict",
    "make_decoder_inputs",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'seqviz.models' has no attribute {name!r}")


def build_model(config: ModelConfig) -> Seq2Seq | Transformer | LanguageModel:
    """Rebuild a model from its config alone."""
    from seqviz.models.language_model import LanguageModel
    from seqviz.models.seq2seq import Seq2Seq
    from seqviz.models.transformer import Transformer

    if isinstance(config, Seq2SeqConfig):
        return Seq2Seq(config)
    if isinstance(config, TransformerConfig):
        return Transformer(config)
    return LanguageModel(config)
