"""Training curves: one or several runs' reports as Vega-Lite line charts.

One function serves the live view of a single run and the "compare runs" overlay: a run is a label and
its list of reports (a history's ``StepReport`` records, read by attribute, or evaluation dicts, read by
key), and every run becomes one coloured line of the same chart.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from seqviz.viz.vega import VegaSpec, chart, tooltip

RunSeries = tuple[str, Sequence[Any]]  # (label, reports with "step" and the metric: records or dicts)

# Runs compared on one chart: distinct hues (Tableau 10), each with its own dash pattern.
RUN_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf")
RUN_DASHES = ([1, 0], [6, 3], [2, 2], [8, 3, 2, 3])

# Metrics whose range spans orders of magnitude read better on a log axis.
LOG_SCALE_METRICS = frozenset({"perplexity", "grad_norm"})


MAX_POINTS_PER_RUN = 600  # more than a chart's width in pixels shows nothing more


def report_value(report: Any, name: str) -> Any:
    """A report's ``name``: a field of a record (a history's ``StepReport``), a key of a dict (an evaluation);
    None when it has none. Figures take both without importing the record type (it lives beside models)."""
    if isinstance(report, Mapping):
        return report.get(name)
    return getattr(report, name, None)


def _finite(value: Any) -> bool:
    return isinstance(value, (int, float)) and pd.notna(value) and abs(float(value)) != float("inf")


def thinned(reports: Sequence[Any], max_points: int = MAX_POINTS_PER_RUN) -> list[Any]:
    """Every k-th report, the first and the last always kept, at most about ``max_points`` of them.

    A live chart is redrawn twice a second and its data goes over the websocket each time: a run of
    50,000 updates would send 10,000 points per curve per redraw, for a line no wider than the screen.
    The points kept are real reports (never averages), so a tooltip still shows a true value."""
    if len(reports) <= max_points:
        return list(reports)
    stride = -(-len(reports) // max_points)
    kept = list(reports[::stride])
    if kept[-1] is not reports[-1]:
        kept.append(reports[-1])
    return kept


def curves_frame(runs: Sequence[RunSeries], metric: str, x: str = "step") -> pd.DataFrame:
    """Long-form table ``step, value, run`` of ``metric`` for every run, thinned to at most about
    ``MAX_POINTS_PER_RUN`` points each (missing or non-finite values are left out rather than drawn as
    zero). ``x``: the report field on the horizontal axis (``"elapsed"``: training seconds); the column
    keeps the name ``step``."""
    rows = [
        {"step": float(report_value(report, x)), "value": float(report_value(report, metric)), "run": label}
        for label, reports in runs
        for report in thinned(reports)
        if _finite(report_value(report, metric)) and _finite(report_value(report, x))
    ]
    return pd.DataFrame(rows, columns=["step", "value", "run"])


def curves_chart(
    runs: Sequence[RunSeries],
    metric: str,
    *,
    x: str = "step",
    title: str = "",
    y_title: str | None = None,
    x_title: str = "step",
    x_format: str = ",d",
    run_title: str = "run",
    log_scale: bool | None = None,
    points: bool = False,
    height: int = 240,
) -> VegaSpec:
    """One line per run of ``metric`` against ``x``; a legend only when there is more than one run.

    A Vega-Lite spec built as a dict (``seqviz.viz.vega``): the Train page redraws four of these twice a
    second per live run, and building them as altair objects cost 13-20 ms each in validation alone."""
    frame = curves_frame(runs, metric, x)
    log_scale = metric in LOG_SCALE_METRICS if log_scale is None else log_scale
    positive = bool(len(frame)) and bool((frame["value"] > 0).all())
    scale = {"type": "log"} if log_scale and positive else {"zero": False}
    several = len({label for label, _ in runs}) > 1
    labels = list(dict.fromkeys(label for label, _ in runs))
    colour: VegaSpec = (
        {
            "field": "run",
            "type": "nominal",
            "title": run_title or None,
            "legend": {"orient": "bottom", "columns": 2, "labelLimit": 400},
            # explicit hues, not the theme's shades of one blue; dashes tell lines apart in grey print too
            "scale": {
                "domain": labels,
                "range": [RUN_COLOURS[i % len(RUN_COLOURS)] for i in range(len(labels))],
            },
        }
        if several
        else {"value": RUN_COLOURS[0]}
    )
    mark: VegaSpec = {"type": "line", "interpolate": "monotone", **({"point": True} if points else {})}
    encoding = {
        "x": {"field": "step", "type": "quantitative", "title": x_title, "axis": {"format": x_format}},
        "y": {"field": "value", "type": "quantitative", "title": y_title or metric, "scale": scale},
        "color": colour,
        **(
            {
                "strokeDash": {
                    "field": "run",
                    "type": "nominal",
                    "legend": None,
                    "scale": {
                        "domain": labels,
                        "range": [RUN_DASHES[i % len(RUN_DASHES)] for i in range(len(labels))],
                    },
                }
            }
            if several
            else {}
        ),
        "tooltip": [
            tooltip("run", run_title),
            tooltip("step", x_title, "quantitative", x_format),
            tooltip("value", y_title or metric, "quantitative", ".4g"),
        ],
    }
    body = {"data": {"name": "curves"}, "mark": mark, "encoding": encoding}
    return chart({"curves": frame}, body, title=title, height=height)
