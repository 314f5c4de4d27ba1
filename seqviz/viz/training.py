"""Training curves: one or several runs' reports as altair line charts.

One function serves the live view of a single run and the "compare runs" overlay: a run is a label and
its list of report dicts (``StepReport`` fields, or evaluation fields), and every run becomes one coloured
line of the same chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt
import pandas as pd

RunSeries = tuple[str, Sequence[dict[str, Any]]]  # (label, reports with "step" and the metric)

# Metrics whose range spans orders of magnitude read better on a log axis.
LOG_SCALE_METRICS = frozenset({"perplexity", "grad_norm"})


MAX_POINTS_PER_RUN = 600  # more than a chart's width in pixels shows nothing more


def thinned(reports: Sequence[dict[str, Any]], max_points: int = MAX_POINTS_PER_RUN) -> list[dict[str, Any]]:
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


def curves_frame(runs: Sequence[RunSeries], metric: str) -> pd.DataFrame:
    """Long-form table ``step, value, run`` of ``metric`` for every run, thinned to at most about
    ``MAX_POINTS_PER_RUN`` points each (missing or non-finite values are left out rather than drawn as
    zero)."""
    rows = [
        {"step": float(report["step"]), "value": float(report[metric]), "run": label}
        for label, reports in runs
        for report in thinned(reports)
        if isinstance(report.get(metric), (int, float))
        and pd.notna(report[metric])
        and abs(float(report[metric])) != float("inf")
    ]
    return pd.DataFrame(rows, columns=["step", "value", "run"])


def curves_chart(
    runs: Sequence[RunSeries],
    metric: str,
    *,
    title: str = "",
    y_title: str | None = None,
    x_title: str = "step",
    x_format: str = ",d",
    run_title: str = "run",
    log_scale: bool | None = None,
    points: bool = False,
    height: int = 240,
) -> alt.Chart:
    """One line per run of ``metric`` against step; a legend only when there is more than one run."""
    frame = curves_frame(runs, metric)
    log_scale = metric in LOG_SCALE_METRICS if log_scale is None else log_scale
    positive = bool(len(frame)) and bool((frame["value"] > 0).all())
    scale = alt.Scale(type="log") if log_scale and positive else alt.Scale(zero=False)
    several = len({label for label, _ in runs}) > 1
    color = (
        alt.Color("run:N", title=run_title or None, legend=alt.Legend(orient="bottom"))
        if several
        else alt.value("#1f77b4")
    )
    chart = (
        alt.Chart(frame, title=title or alt.Undefined, height=height)
        .mark_line(point=points, interpolate="monotone")
        .encode(
            x=alt.X("step:Q", title=x_title, axis=alt.Axis(format=x_format)),
            y=alt.Y("value:Q", title=y_title or metric, scale=scale),
            color=color,
            tooltip=[
                alt.Tooltip("run:N", title=run_title),
                alt.Tooltip("step:Q", title=x_title, format=x_format),
                alt.Tooltip("value:Q", title=y_title or metric, format=".4g"),
            ],
        )
    )
    return chart
