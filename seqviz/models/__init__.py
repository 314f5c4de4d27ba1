"""Models: encoders, decoders, attention and a language model, all on the ``torch.nn`` fast path."""

from seqviz.models.config import (
    ATTENTIONS,
    CELLS,
    LanguageModelConfig,
    ModelConfig,
    Seq2SeqConfig,
    config_from_dict,
)
from seqviz.models.language_model import LanguageModel
from seqviz.models.seq2seq import GreedyResult, Seq2Seq, Seq2SeqTrace, make_decoder_inputs

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


def build_model(config: ModelConfig) -> Seq2Seq | LanguageModel:
    """Rebuild a model from its config alone."""
    if isinstance(config, Seq2SeqConfig):
        return Seq2Seq(config)
    return LanguageModel(config)
