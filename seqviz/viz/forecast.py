"""Figures of the forecasting page: pure functions of the series and predictions (lists, NaN = none)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import plotly.graph_objects as go

from seqviz.viz.layout import titled

TRUTH = "#7f7f7f"
COLOURS = {"1": "#1f77b4", "k": "#d62728", "free": "#9467bd", "mlp": "#ff7f0e", "latent": "#2ca02c"}


def _clean(values: Sequence[float]) -> list[float | None]:
    return [None if math.isnan(v) else v for v in values]


def _frame(figure: go.Figure, title: str, height: int, x_title: str, y_title: str) -> go.Figure:
    figure.update_xaxes(title=x_title)
    figure.update_yaxes(title=y_title)
    titled(
        figure,
        title,
        height=height,
        legend={"orientation": "h", "y": -0.25},
    )
    return figure


def predictions_figure(
    truth: Sequence[float],
    lines: Mapping[str, tuple[str, Sequence[float]]],
    train_length: int,
    *,
    title: str = "",
    train_label: str = "training part",
    x_title: str = "t",
    y_title: str = "x_t",
) -> go.Figure:
    """The series (grey dots) with prediction lines ``{colour key: (name, values)}``; the training part
    shaded, since only the steps after it are predictions of unseen data."""
    steps = list(range(len(truth)))
    figure = go.Figure()
    figure.add_vrect(
        x0=0, x1=train_length - 1, fillcolor="#eeeeee", line_width=0, layer="below",
        annotation_text=train_label, annotation_position="top left",
    )  # fmt: skip
    figure.add_scatter(
        x=steps, y=list(truth), mode="markers", name="x_t", marker={"color": TRUTH, "size": 3}, opacity=0.6
    )
    for key, (name, values) in lines.items():
        figure.add_scatter(
            x=steps, y=_clean(values), mode="lines", name=name,
            line={"color": COLOURS.get(key.split("_")[-1]), "width": 2},
        )  # fmt: skip
    return _frame(figure, title, 340, x_title, y_title)


def horizon_figure(
    horizons: Sequence[int],
    errors: Mapping[str, tuple[str, Sequence[float]]],
    noise_floor: float,
    *,
    title: str = "",
    floor_label: str = "noise floor",
    x_title: str = "k",
    y_title: str = "MSE",
) -> go.Figure:
    """Test MSE against the horizon k (log-log): how errors compound as predictions feed predictions."""
    figure = go.Figure()
    for key, (name, values) in errors.items():
        figure.add_scatter(
            x=list(horizons), y=_clean(values), mode="lines+markers", name=name,
            line={"color": COLOURS.get(key), "width": 2},
        )  # fmt: skip
    if noise_floor > 0:  # a legend entry, not an annotation: plotly misplaces hline labels on log axes
        figure.add_scatter(
            x=[horizons[0], horizons[-1]], y=[noise_floor, noise_floor], mode="lines", name=floor_label,
            line={"dash": "dot", "color": TRUTH}, hoverinfo="skip",
        )  # fmt: skip
    figure.update_xaxes(type="log", tickvals=list(horizons))
    figure.update_yaxes(type="log", dtick=1, exponentformat="power")  # one label per decade
    return _frame(figure, title, 340, x_title, y_title)
