"""Every CSV seqviz writes: the tables behind the pages' download buttons.

Why one module: a download's columns and number formats are a promise to whoever opens it in a spreadsheet;
kept together they stay alike (header first, six decimals where a figure shows rounded numbers, full
precision where the table is the data). No torch here: a result's tensors are read through ``tolist()``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from seqviz.explain.connectivity import Connectivity
    from seqviz.explain.forecast import ForecastStudy
    from seqviz.explain.results import AttentionMap, Attribution, EmbeddingMap
    from seqviz.explain.units import AblationReport, UnitsReport


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


def _rows_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def attention_weights_csv(view: AttentionMap) -> str:
    """The attention matrix: one row per output token, one column per source token, six decimals."""
    assert view.weights is not None
    return _rows_csv(
        ["output \\ source", *view.source_tokens],
        (
            [token, *(f"{w:.6f}" for w in row)]
            for token, row in zip(view.output_tokens, view.weights, strict=True)
        ),
    )


def attribution_csv(result: Attribution, method: str) -> str:
    """One method's attributions: one row per output token, one column per source token, then the row's
    Kendall tau against the attention and, for integrated gradients, its completeness gap; six decimals,
    an empty cell where a number is undefined."""
    gaps = result.completeness_gap if method == "integrated-gradients" else None
    extra = ["kendall_tau", *(["completeness_gap"] if gaps is not None else [])]

    def cell(value: float | None) -> str:
        return "" if value is None else f"{value:.6f}"

    return _rows_csv(
        ["output \\ source", *result.source_tokens, *extra],
        (
            [token, *(cell(v) for v in row), cell(tau), *([cell(gaps[t])] if gaps is not None else [])]
            for t, (token, row, tau) in enumerate(
                zip(result.target_tokens, result.scores[method], result.kendall_tau[method], strict=True)
            )
        ),
    )


def embedding_map_csv(embedding: EmbeddingMap) -> str:
    """Each token's place on the 2-D PCA map, six decimals."""
    return _rows_csv(
        ["token", "pc1", "pc2"],
        (
            [token, f"{x:.6f}", f"{y:.6f}"]
            for token, x, y in zip(embedding.tokens, embedding.x, embedding.y, strict=True)
        ),
    )


def forecast_predictions_csv(result: ForecastStudy) -> str:
    """One row per time step: the series, each model's k-step-ahead prediction and its free run."""
    columns = {name: result.predictions[name].tolist() for name in sorted(result.predictions)}
    columns |= {f"{name}_free": run.tolist() for name, run in result.free_runs.items()}
    return table_csv(
        {"t": step, "x": value, **{name: column[step] for name, column in columns.items()}}
        for step, value in enumerate(result.series.tolist())
    )


def connectivity_csv(result: Connectivity) -> str:
    """One row per pair (t, t'): both tokens, the full-BPTT norm and, with a window, the truncated one; in
    full precision, since a gradient of 1e-7 is data that six decimals would write as zero."""
    truncated = f"truncated_k{result.k}"
    return table_csv(
        {
            "t": t,
            "output": result.outputs[t],
            "t_prime": source,
            "input": result.tokens[source],
            "full": value,
            **({truncated: result.truncated[t][source]} if result.truncated is not None else {}),
        }
        for t, row in enumerate(result.matrix)
        for source, value in enumerate(row)
    )


def unit_ranking_csv(report: UnitsReport) -> str:
    """Every unit by |correlation| with the latent variable: rank, unit, quantity, layer, direction, r."""
    return _rows_csv(
        ["rank", "unit", "quantity", "layer", "direction", "index", "correlation"],
        (
            [rank, e.unit.label, e.unit.quantity, e.unit.layer, e.unit.direction, e.unit.index, e.correlation]
            for rank, e in enumerate(report.ranking, start=1)
        ),
    )


def ablation_changes_csv(report: AblationReport) -> str:
    """The outputs an ablation changed (the first ones kept): source, reference, before, after."""
    return _rows_csv(
        ["source", "reference", "before", "after"],
        ([c.source, c.reference, c.before, c.after] for c in report.changes),
    )
