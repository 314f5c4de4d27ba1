"""Traces as JSON: plain lists of numbers with the tokens that label them, for the CLI and downloads."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from typing import Any

import torch


def _rounded(tensor: torch.Tensor | None, digits: int = 6) -> Any:
    if tensor is None:
        return None
    return torch.round(tensor.detach().to("cpu", torch.float64), decimals=digits).tolist()


def recurrent_trace_to_json(trace, digits: int = 6) -> dict[str, Any]:
    """One entry per (layer, direction) with ``hidden``/``cell``/gates as ``[time][unit]`` (batch 0)."""
    layers = []
    for layer in range(trace.num_layers):
        for direction in range(trace.num_directions):
            index = layer * trace.num_directions + direction
            entry: dict[str, Any] = {
                "layer": layer,
                "direction": "backward" if direction else "forward",
                "hidden": _rounded(trace.hidden[index, 0], digits),
            }
            if trace.cell is not None:
                entry["cell"] = _rounded(trace.cell[index, 0], digits)
            entry["gates"] = {
                name: _rounded(values[index, 0], digits) for name, values in trace.gates.items()
            }
            layers.append(entry)
    return {
        "mode": trace.mode,
        "num_layers": trace.num_layers,
        "num_directions": trace.num_directions,
        "hidden_size": trace.hidden_size,
        "layers": layers,
    }


def text_trace_to_json(text_trace, digits: int = 6) -> dict[str, Any]:
    trace = text_trace.trace
    return {
        "input": text_trace.source.text,
        "source_tokens": text_trace.source_tokens,
        "unknown_tokens": text_trace.source.unknown,
        "output": text_trace.output_text,
        "output_tokens": text_trace.output_tokens,
        "decoder_input_tokens": text_trace.decoder_input_tokens,
        "teacher_forced": trace.teacher_forced,
        "token_log_probs": _rounded(trace.token_log_probs, digits),
        "log_prob": round(float(trace.token_log_probs.sum()), digits),
        "attention": _rounded(trace.attention, digits),
        "p_gen": _rounded(trace.p_gen, digits),
        "coverage": _rounded(trace.coverage, digits),
        "encoder": recurrent_trace_to_json(trace.encoder, digits),
        "decoder": recurrent_trace_to_json(trace.decoder, digits),
        "replay_error": trace.replay_error,
    }


def language_model_trace_to_json(lm_trace, digits: int = 6) -> dict[str, Any]:
    return {
        "input": lm_trace.source.text,
        "input_tokens": lm_trace.input_tokens,
        "predicted_tokens": lm_trace.predicted_tokens,
        "unknown_tokens": lm_trace.source.unknown,
        "token_log_probs": _rounded(lm_trace.token_log_probs, digits),
        "perplexity": lm_trace.perplexity,
        "recurrent": recurrent_trace_to_json(lm_trace.trace, digits),
    }


def table_csv(rows: Iterable[Mapping[str, Any]]) -> str:
    """Rows of dicts (same keys) as CSV text, header first; floats written in full precision."""
    rows = list(rows)
    if not rows:
        return ""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()
