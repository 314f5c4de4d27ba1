"""Every parameter a config would build, by name and shape, computed from the config alone.

Why not just build the model and read ``state_dict()``: building allocates every tensor. A hostile
``config.json`` (a million-token vocabulary, width 4096, three bidirectional layers) asks for tens of GB, and
the loader must be able to say no *before* that happens. So the shapes are written out here, following the
modules' own constructors (``nn.Embedding``, ``nn.LSTM`` / ``nn.GRU`` / ``nn.RNN``, ``nn.Linear``), and a
test proves they equal ``build_model(config).state_dict()`` for every combination of options.

No torch import: the config module and the loader use this before torch is loaded.
"""

from __future__ import annotations

from math import prod
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from seqviz.models.config import LanguageModelConfig, ModelConfig, Seq2SeqConfig, TransformerConfig

Shape = tuple[int, ...]

# Rows of weight_ih / weight_hh per hidden unit: PyTorch stacks the gates (LSTM i, f, g, o; GRU r, z, n).
GATES_PER_CELL = {"rnn": 1, "lstm": 4, "gru": 3}


def recurrent_shapes(
    prefix: str, cell: str, input_size: int, hidden_size: int, num_layers: int, bidirectional: bool = False
) -> dict[str, Shape]:
    """``nn.RNNBase``'s parameters: per layer k and direction, ``weight_ih_l{k}``, ``weight_hh_l{k}``,
    ``bias_ih_l{k}``, ``bias_hh_l{k}`` (``_reverse`` for the backward direction). Layer k > 0 reads the
    concatenated outputs of every direction of layer k - 1."""
    rows = GATES_PER_CELL[cell] * hidden_size
    directions = ("", "_reverse") if bidirectional else ("",)
    shapes: dict[str, Shape] = {}
    for layer in range(num_layers):
        layer_input = input_size if layer == 0 else hidden_size * len(directions)
        for suffix in directions:
            shapes[f"{prefix}weight_ih_l{layer}{suffix}"] = (rows, layer_input)
            shapes[f"{prefix}weight_hh_l{layer}{suffix}"] = (rows, hidden_size)
            shapes[f"{prefix}bias_ih_l{layer}{suffix}"] = (rows,)
            shapes[f"{prefix}bias_hh_l{layer}{suffix}"] = (rows,)
    return shapes


def seq2seq_shapes(config: Seq2SeqConfig) -> dict[str, Shape]:
    """The parameters of ``Seq2Seq(config)``: encoder, decoder, attention, copy gate, coverage weight."""
    hidden, embedding = config.hidden_size, config.embedding_size
    shapes: dict[str, Shape] = {"encoder.embedding.weight": (config.source_vocab_size, embedding)}
    shapes |= recurrent_shapes(
        "encoder.rnn.",
        config.cell,
        embedding,
        config.encoder_hidden_size,
        config.num_layers,
        config.bidirectional,
    )
    shapes["decoder.embedding.weight"] = (config.target_vocab_size, embedding)
    luong = config.attention.startswith("luong")
    decoder_input = embedding if luong else embedding + hidden  # Bahdanau and none read [e(y); c]
    shapes |= recurrent_shapes("decoder.rnn.", config.cell, decoder_input, hidden, config.num_layers)
    if config.attention == "bahdanau":
        shapes["decoder.attention.query_proj.weight"] = (hidden, hidden)  # W
        shapes["decoder.attention.key_proj.weight"] = (hidden, hidden)  # U
        shapes["decoder.attention.key_proj.bias"] = (hidden,)
        shapes["decoder.attention.v.weight"] = (1, hidden)  # v^T
    elif config.attention == "luong-general":
        shapes["decoder.attention.key_proj.weight"] = (hidden, hidden)  # W_a
    if config.coverage:
        shapes["decoder.attention.coverage_weight"] = (hidden,) if config.attention == "bahdanau" else (1,)
    if luong:
        shapes["decoder.combine.weight"] = (hidden, 2 * hidden)  # W_c
    readout = 2 * hidden if config.attention == "bahdanau" else hidden
    shapes["decoder.output.weight"] = (config.target_vocab_size, readout)
    shapes["decoder.output.bias"] = (config.target_vocab_size,)
    if config.copy:
        shapes["decoder.generate_gate.weight"] = (1, 2 * hidden + embedding)  # [c_t; s_t; x_t] -> p_gen
        shapes["decoder.generate_gate.bias"] = (1,)
    return shapes


def language_model_shapes(config: LanguageModelConfig) -> dict[str, Shape]:
    """The parameters of ``LanguageModel(config)``: embedding, recurrent core, projection to vocabulary."""
    shapes: dict[str, Shape] = {"embedding.weight": (config.vocab_size, config.embedding_size)}
    shapes |= recurrent_shapes(
        "rnn.", config.cell, config.embedding_size, config.hidden_size, config.num_layers
    )
    shapes["projection.weight"] = (config.vocab_size, config.hidden_size)
    shapes["projection.bias"] = (config.vocab_size,)
    return shapes


def transformer_shapes(config: TransformerConfig) -> dict[str, Shape]:
    """The parameters of ``Transformer(config)`` (``seqviz.models.transformer``): per layer, each attention's
    ``W^Q, W^K, W^V, W^O`` with their biases, a LayerNorm before (pre-norm) or after (post-norm) each
    sublayer, the feed-forward ``W_1`` / ``W_2``; a final LayerNorm per stack with pre-norm only."""
    d, d_ff = config.d_model, config.d_ff
    shapes: dict[str, Shape] = {}

    def attention(prefix: str) -> None:
        for projection in ("query_proj", "key_proj", "value_proj", "output_proj"):
            shapes[f"{prefix}.{projection}.weight"] = (d, d)
            shapes[f"{prefix}.{projection}.bias"] = (d,)

    def norm(prefix: str) -> None:
        shapes[f"{prefix}.weight"] = (d,)
        shapes[f"{prefix}.bias"] = (d,)

    def feedforward(prefix: str) -> None:
        shapes[f"{prefix}.linear1.weight"] = (d_ff, d)  # W_1
        shapes[f"{prefix}.linear1.bias"] = (d_ff,)
        shapes[f"{prefix}.linear2.weight"] = (d, d_ff)  # W_2
        shapes[f"{prefix}.linear2.bias"] = (d,)

    shapes["encoder.embedding.weight"] = (config.source_vocab_size, d)
    for layer in range(config.num_layers):
        prefix = f"encoder.layers.{layer}"
        attention(f"{prefix}.self_attention")
        norm(f"{prefix}.self_attention_norm")
        feedforward(f"{prefix}.feedforward")
        norm(f"{prefix}.feedforward_norm")
    shapes["decoder.embedding.weight"] = (config.target_vocab_size, d)
    for layer in range(config.num_layers):
        prefix = f"decoder.layers.{layer}"
        attention(f"{prefix}.self_attention")
        norm(f"{prefix}.self_attention_norm")
        attention(f"{prefix}.cross_attention")
        norm(f"{prefix}.cross_attention_norm")
        feedforward(f"{prefix}.feedforward")
        norm(f"{prefix}.feedforward_norm")
    if config.norm_first:
        norm("encoder.norm")
        norm("decoder.norm")
    shapes["decoder.output.weight"] = (config.target_vocab_size, d)
    shapes["decoder.output.bias"] = (config.target_vocab_size,)
    return shapes


def parameter_shapes(config: ModelConfig) -> dict[str, Shape]:
    """Name -> shape of every entry of ``build_model(config).state_dict()``, without building anything."""
    if config.kind == "seq2seq":
        return seq2seq_shapes(config)  # type: ignore[arg-type]
    if config.kind == "transformer":
        return transformer_shapes(config)  # type: ignore[arg-type]
    return language_model_shapes(config)  # type: ignore[arg-type]


def parameter_count(config: ModelConfig) -> int:
    """How many numbers the model holds (float32: four bytes each in memory)."""
    return sum(prod(shape) for shape in parameter_shapes(config).values())
