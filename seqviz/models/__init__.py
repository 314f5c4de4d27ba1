"""Models: encoders, decoders, attention and a language model, all on the ``torch.nn`` fast path.

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
    config_from_dict,
)

if TYPE_CHECKING:
    from seqviz.models.language_model import LanguageModel
    from seqviz.models.seq2seq import GreedyResult, Seq2Seq, Seq2SeqTrace, make_decoder_inputs

_LAZY = {
    "LanguageModel": "seqviz.models.language_model",
    "GreedyResult": "seqviz.models.seq2seq",
    "Seq2Seq": "seqviz.models.seq2seq",
    "Seq2SeqTrace": "seqviz.models.seq2seq",
    "make_decoder_inputs": "seqviz.models.seq2seq",
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
    "build_model",
    "config_from_dict",
    "make_decoder_inputs",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'seqviz.models' has no attribute {name!r}")


def build_model(config: ModelConfig) -> Seq2Seq | LanguageModel:
    """Rebuild a model from its config alone."""
    from seqviz.models.language_model import LanguageModel
    from seqviz.models.seq2seq import Seq2Seq

    if isinstance(config, Seq2SeqConfig):
        return Seq2Seq(config)
    return LanguageModel(config)
