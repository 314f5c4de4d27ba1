"""Every JSON seqviz writes: the CLI's ``--json`` lines and the pages' JSON downloads.

Why one module: the field names and units here are a promise to scripts that read them (the tests pin them),
so they are decided in one place, apart from the analyses that compute the numbers. The functions named
``*_to_json`` return plain JSON-ready data (dicts of lists, numbers and text); ``cli_json_line`` and
``download_json`` turn such data into text.

No torch import here (tensors are read through their own methods), so the CLI can load this module before it
knows whether a command needs a model at all.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from seqviz.terminal import json_line

if TYPE_CHECKING:
    from pathlib import Path

    import torch

    from seqviz.bench.rows import Row
    from seqviz.explain.beam import BeamSearchResult, Hypothesis, OutputScore
    from seqviz.explain.bleu import BleuReport
    from seqviz.explain.gates import GateView
    from seqviz.explain.interventions import InterventionReport, SurvivalReport
    from seqviz.explain.results import Attribution, BeamNode, ContrastiveAttribution, HeadAttention
    from seqviz.explain.units import AblationReport, UnitsReport
    from seqviz.inference import LanguageModelTrace, TextTrace, Translation
    from seqviz.models.trace import RecurrentTrace
    from seqviz.training.trainer import TrainResult

# ------------------------------------------------------------------------------------------------- text


def cli_json_line(payload: Any) -> str:
    """One ``--json`` line of the CLI: strict JSON (a NaN or an infinity is an error, never ``NaN``, which
    JSON readers refuse), UTF-8 kept readable, control characters escaped (``seqviz.terminal``)."""
    return json_line(payload, allow_nan=False, default=_json_default)


def _json_default(value: Any) -> Any:
    if isinstance(value, float):
        return None
    raise TypeError(f"cannot serialise {type(value).__name__}")


def download_json(payload: Any) -> str:
    """The text of a JSON download: UTF-8 kept readable, so tokens in any script stay legible in the file."""
    return json.dumps(payload, ensure_ascii=False)


def finite_or_none(value: float) -> float | None:
    """``value``, or None for NaN and infinities (JSON has no word for them; a diverged run has them)."""
    return value if value == value and abs(value) != float("inf") else None


def finite_floats(values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` with every float that is not finite written as None; other values unchanged."""
    return {
        key: finite_or_none(value) if isinstance(value, float) else value for key, value in values.items()
    }


# ----------------------------------------------------------------------------------------------- traces


def _rounded(tensor: torch.Tensor | None, digits: int = 6) -> Any:
    if tensor is None:
        return None
    return tensor.detach().cpu().double().round(decimals=digits).tolist()


def recurrent_trace_to_json(trace: RecurrentTrace, digits: int = 6) -> dict[str, Any]:
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


def text_trace_to_json(text_trace: TextTrace, digits: int = 6) -> dict[str, Any]:
    """``seqviz trace --json`` of a seq2seq model: tokens, log-probabilities, attention, both traces."""
    trace = text_trace.trace
    return {
        **_translation_fields(text_trace, digits),
        "p_gen": _rounded(trace.p_gen, digits),
        "coverage": _rounded(trace.coverage, digits),
        "encoder": recurrent_trace_to_json(trace.encoder, digits),
        "decoder": recurrent_trace_to_json(trace.decoder, digits),
        "replay_error": trace.replay_error,
    }


def _translation_fields(text_trace: TextTrace, digits: int) -> dict[str, Any]:
    """What every translation trace exports, RNN or Transformer: the tokens, the log-probabilities and the
    single attention matrix (``[output step][source position]``)."""
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
    }


def transformer_trace_to_json(text_trace: TextTrace, digits: int = 6) -> dict[str, Any]:
    """``seqviz trace --json`` of a Transformer: tokens, log-probabilities and every attention weight the
    forward pass applied, ``[layer][head][query][key]`` for each of the three attentions. ``attention`` is
    the RNN-shaped single matrix (the last decoder layer's cross-attention, mean over heads), named so by
    ``attention_view``; ``step_error`` is the largest gap between the greedy steps' log-probabilities and
    this teacher-forced replay's (None when a target was given)."""
    trace = text_trace.trace
    return {
        "architecture": "transformer",
        **_translation_fields(text_trace, digits),
        "attention_view": ATTENTION_VIEW,
        **_head_weights(
            _rounded(trace.cross_attention, digits),
            _rounded(trace.encoder_self_attention, digits),
            _rounded(trace.decoder_self_attention, digits),
        ),
        "step_error": trace.step_error,
    }


ATTENTION_VIEW = "last decoder layer's cross-attention, mean over heads"


def head_attention_to_json(view: HeadAttention) -> dict[str, Any]:
    """The Attention page's download for a Transformer: every weight of the three attentions, in full
    precision, under the names ``seqviz trace --json`` uses."""
    return {
        "architecture": "transformer",
        "checkpoint": view.checkpoint,
        "source_tokens": view.source_tokens,
        "unknown_tokens": view.unknown,
        "output": view.output_text,
        "output_tokens": view.output_tokens,
        "decoder_input_tokens": view.decoder_input_tokens,
        **_head_weights(view.cross, view.encoder, view.decoder),
    }


def _head_weights(cross: Any, encoder: Any, decoder: Any) -> dict[str, Any]:
    """The three attentions under their JSON names, with their shape (layers, heads) and axes."""
    return {
        "num_layers": len(cross),
        "num_heads": len(cross[0]) if cross else 0,
        "cross_attention": cross,  # [layer][head][output step][source position]
        "encoder_self_attention": encoder,  # [layer][head][source position][source position]
        "decoder_self_attention": decoder,  # [layer][head][output step][decoder input position]
    }


def language_model_trace_to_json(lm_trace: LanguageModelTrace, digits: int = 6) -> dict[str, Any]:
    """``seqviz trace --json`` of a language model: each next token's log-probability and the trace."""
    return {
        "input": lm_trace.source.text,
        "input_tokens": lm_trace.input_tokens,
        "predicted_tokens": lm_trace.predicted_tokens,
        "unknown_tokens": lm_trace.source.unknown,
        "token_log_probs": _rounded(lm_trace.token_log_probs, digits),
        "perplexity": lm_trace.perplexity,
        "recurrent": recurrent_trace_to_json(lm_trace.trace, digits),
    }


def gate_trace_to_json(view: GateView) -> dict[str, Any]:
    """The Gates page's trace download: every layer and direction of a view, ``[time][unit]`` lists of
    every quantity the page draws, in full precision."""
    # Imported here: the gates analysis loads torch, which the CLI's JSON lines must not wait for.
    from seqviz.explain.gates import quantities, quantity_matrix

    layers = []
    for layer in range(view.num_layers):
        for direction in range(view.num_directions):
            trace = view.layer(layer, direction)
            layers.append(
                {
                    "layer": layer,
                    "direction": "forward" if direction == 0 else "backward",
                    **{
                        name: quantity_matrix(trace, name).detach().cpu().double().tolist()
                        for name in quantities(view.mode)
                    },
                }
            )
    return {
        "checkpoint": view.checkpoint,
        "part": view.part,
        "mode": view.mode,
        "hidden_size": view.hidden_size,
        "tokens": list(view.tokens),
        "quantities": list(quantities(view.mode)),
        "layers": layers,
    }


# ------------------------------------------------------------------------------------- the CLI's results


def training_summary_to_json(path: Path, result: TrainResult, metrics: Mapping[str, Any]) -> dict[str, Any]:
    """``seqviz train --json``: where the checkpoint went, how the run ended and its validation metrics."""
    return {
        "checkpoint": str(path),
        "steps": result.steps,
        "seconds": round(result.elapsed, 2),
        "stop_reason": result.stop_reason,
        "message": result.message,
        "tokens_per_s": round(result.tokens_per_s, 1),
        **finite_floats(metrics),
    }


def translation_to_json(translation: Translation) -> dict[str, Any]:
    """``seqviz translate --json`` with greedy decoding."""
    return {
        "input": translation.source.text,
        "output": translation.output,
        "tokens": translation.tokens,
        "token_log_probs": translation.token_log_probs,
        "log_prob": translation.log_prob,
        "finished": translation.finished,
        "unknown_tokens": translation.source.unknown,
        "decoding": "greedy",
    }


def output_score_to_json(scored: OutputScore) -> dict[str, Any]:
    """``seqviz score --json``: an impossible output's log-probability (minus infinity) is null."""
    return {
        "input": scored.source.text,
        "tokens": scored.tokens,
        "token_log_probs": [finite_or_none(value) for value in scored.token_log_probs],
        "log_prob": finite_or_none(scored.log_prob),
        "unknown_tokens": scored.unknown,
    }


def attribution_to_json(result: Attribution, method: str) -> dict[str, Any]:
    """``seqviz explain --json``: one method's [target][source] matrix beside the attention (null without
    it), each row's Kendall tau against the attention (null where undefined) and, for integrated gradients,
    each row's completeness gap."""
    payload = {
        "source_tokens": result.source_tokens,
        "target_tokens": result.target_tokens,
        "attribution": [[finite_or_none(v) for v in row] for row in result.scores[method]],
        "attention": result.attention,
        "kendall_tau": result.kendall_tau[method],
    }
    if method == "integrated-gradients":
        payload["completeness_gap"] = [finite_or_none(v) for v in result.completeness_gap or []]
    return payload


def contrast_to_json(result: ContrastiveAttribution) -> dict[str, Any]:
    """The Decoding stepper's "why X, not Y": each source token's share in ``log P(X) - log P(Y)``, the two
    log-probabilities, their margin, the step's attention row and (integrated gradients) the completeness
    gap."""
    payload = asdict(result)
    payload["scores"] = [finite_or_none(value) for value in result.scores]
    payload["margin"] = finite_or_none(result.margin)
    return payload


# ------------------------------------------------------------------------------------------- beam search


# The fields of a tree node and of a finished hypothesis, in the order the JSON has always listed them.
NODE_FIELDS = (
    "id", "parent_id", "step", "token", "token_id", "log_prob", "cumulative_log_prob", "score", "status",
    "rank", "forced",
)  # fmt: skip
HYPOTHESIS_FIELDS = ("output", "tokens", "token_log_probs", "log_prob", "score", "finished", "node_id")


def _fields(result: Any, names: Sequence[str]) -> dict[str, Any]:
    return {name: getattr(result, name) for name in names}


def node_to_json(node: BeamNode) -> dict[str, Any]:
    return _fields(node, NODE_FIELDS)


def hypothesis_to_json(hypothesis: Hypothesis) -> dict[str, Any]:
    return _fields(hypothesis, HYPOTHESIS_FIELDS)


def beam_to_json(result: BeamSearchResult) -> dict[str, Any]:
    """The n-best list and the whole tree (``tree[i]`` is node ``i``), JSON-ready."""
    return {
        "input": result.source.text,
        "unknown_tokens": result.source.unknown,
        "decoding": "beam",
        "width": result.width,
        "max_len": result.max_len,
        "length_penalty": {"kind": result.penalty.kind, "alpha": result.penalty.alpha},
        "prefix": result.prefix,
        "steps": result.tree.steps,
        "stop_reason": result.tree.stop_reason,  # a code (STOP_REASONS); stop_message says it in English
        "stop_message": result.tree.stop_sentence(),
        "nbest": [hypothesis_to_json(h) for h in result.nbest],
        "tree": [node_to_json(node) for node in result.tree.nodes],
    }


def to_opennmt_beam(result: BeamSearchResult) -> dict[str, list[list[Any]]]:
    """One sentence in the layout OpenNMT's beam dump and VisTools' ``generate_beam_viz.py`` read: per step,
    the surviving nodes (kept and finished, best first) as ``predicted_ids``, ``beam_parent_ids`` (the
    parent's index in the previous step's list; the root is index 0 of step 0) and ``scores``.

    Lists are at most ``width`` long: shorter when finished hypotheses left the beam or at a forced step.
    """
    position = {0: 0}
    layout: dict[str, list[list[Any]]] = {
        "predicted_ids": [],
        "predicted_tokens": [],
        "beam_parent_ids": [],
        "scores": [],
    }
    for step in range(1, result.tree.steps + 1):
        survivors = sorted(
            (node for node in result.tree.at_step(step) if node.status != "pruned"), key=lambda n: n.rank
        )
        for index, node in enumerate(survivors):
            position[node.id] = index
        layout["predicted_ids"].append([node.token_id for node in survivors])
        layout["predicted_tokens"].append([node.token for node in survivors])
        layout["beam_parent_ids"].append([position[node.parent_id] for node in survivors])
        layout["scores"].append([node.score for node in survivors])
    return layout


def opennmt_beam_file(results: Sequence[BeamSearchResult]) -> dict[str, list[Any]]:
    """Several sentences as one VisTools ``--data`` JSON file: every key holds one list per sentence."""
    layouts = [to_opennmt_beam(result) for result in results]
    keys = ("predicted_ids", "predicted_tokens", "beam_parent_ids", "scores")
    return {key: [layout[key] for layout in layouts] for key in keys}


# ------------------------------------------------------------------------------------------------- BLEU


def bleu_to_json(report: BleuReport) -> dict[str, float | int | list]:
    """sacrebleu's field names and units: score 0-100, precisions in percent."""
    return {
        "score": report.score,
        "counts": list(report.counts),
        "totals": list(report.totals),
        "precisions": list(report.precisions),
        "bp": report.bp,
        "sys_len": report.sys_len,
        "ref_len": report.ref_len,
    }


# -------------------------------------------------------------------------------------------- benchmark

BENCH_ROW_FIELDS = ("row", "value", "unit", "ratio", "target", "ok")


def bench_row_to_json(row: Row) -> dict[str, Any]:
    """``seqviz bench --json``: one row as an object with exactly ``BENCH_ROW_FIELDS`` (the note is for the
    human table only)."""
    return {
        "row": row.name,
        "value": _significant(row.value),
        "unit": row.unit,
        "ratio": _significant(row.ratio),
        "target": str(row.target),
        "ok": row.ok,
    }


def _significant(number: float | None) -> float | None:
    """Four significant figures: enough for a ratio, honest about timing noise; None where not finite."""
    if number is None or finite_or_none(number) is None:
        return None
    return float(f"{number:.4g}")


def units_report_to_json(report: UnitsReport) -> dict[str, Any]:
    """The units study as plain data: the variable, the probe, every unit's correlation (ranked) and the
    first example's rows of the top units."""
    data = asdict(report)
    data["ranking"] = [
        {"unit": e.unit.label, **asdict(e.unit), "correlation": e.correlation} for e in report.ranking
    ]
    return data


def ablation_to_json(report: AblationReport) -> dict[str, Any]:
    """An ablation as plain data: the clamped units (by label), the value, exact match before and after."""
    return {**asdict(report), "units": [{"unit": unit.label, **asdict(unit)} for unit in report.units]}


def intervention_report_to_json(report: InterventionReport) -> dict[str, Any]:
    """One input's interventions: the model's own output and each intervention's, with the weights used."""
    return asdict(report)


def survival_to_json(report: SurvivalReport) -> dict[str, Any]:
    """The validation-set figure: per intervention, how many outputs survived, of how many, and the share."""
    return {**asdict(report), "rates": [{**asdict(rate), "share": rate.share} for rate in report.rates]}
