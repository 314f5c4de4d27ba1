"""Figures of the forecasting page, as Vega-Lite specs (``seqviz.viz.vega``): pure functions of the series
and predictions (lists, NaN = none: a gap in a line, never a point at zero)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pandas as pd

from seqviz.viz.vega import VegaSpec, annotation, chart, tooltip

TRUTH = "#7f7f7f"
COLOURS = {"1": "#1f77b4", "k": "#d62728", "free": "#9467bd", "mlp": "#ff7f0e", "latent": "#2ca02c"}
SERIES = "series"  # the column naming each line, shown in the legend
SOLID, DOTTED = [1, 0], [2, 3]


def _clean(values: Sequence[float]) -> list[float | None]:
    return [None if math.isnan(v) else float(v) for v in values]


def _lines(
    names: list[str], colours: list[str], dashes: list[list[int]], x: VegaSpec, y: VegaSpec
) -> VegaSpec:
    """One coloured line per ``SERIES`` value, in the order given, with a legend under the chart."""
    dash_scale = {"domain": names, "range": dashes}
    return {
        "x": x,
        "y": y,
        "color": {
            "field": SERIES,
            "type": "nominal",
            "title": None,
            "scale": {"domain": names, "range": colours},
            "legend": {"orient": "bottom", "columns": 4, "labelLimit": 360},
        },
        "strokeDash": {"field": SERIES, "type": "nominal", "scale": dash_scale, "legend": None},
        "tooltip": [
            tooltip(SERIES, ""),
            tooltip(x["field"], x["title"], "quantitative"),
            tooltip(y["field"], y["title"], "quantitative", ".4f"),
        ],
    }


def predictions_figure(
    truth: Sequence[float],
    lines: Mapping[str, tuple[str, Sequence[float]]],
    train_length: int,
    *,
    title: str = "",
    train_label: str = "training part",
    x_title: str = "t",
    y_title: str = "x_t",
) -> VegaSpec:
    """The series (grey dots) with prediction lines ``{colour key: (name, values)}``; the training part
    shaded, since only the steps after it are predictions of unseen data."""
    steps = range(len(truth))
    observed = pd.DataFrame({"t": steps, "value": [float(v) for v in truth]})
    predicted = pd.DataFrame.from_records(
        [
            {"t": t, "value": value, SERIES: name}
            for name, values in lines.values()
            for t, value in zip(steps, _clean(values), strict=False)
        ],
        columns=["t", "value", SERIES],
    )
    names = [name for name, _ in lines.values()]
    colours = [COLOURS.get(key.split("_")[-1], TRUTH) for key in lines]
    x = {"field": "t", "type": "quantitative", "title": x_title}
    y = {"field": "value", "type": "quantitative", "title": y_title}
    shade = {"x": {"datum": 0, "type": "quantitative"}, "x2": {"datum": max(train_length - 1, 0)}}
    label = {"type": "text", "text": train_label, "align": "left", "baseline": "top", "dx": 4, "y": 4}
    points = [tooltip("t", x_title, "quantitative"), tooltip("value", y_title, "quantitative", ".4f")]
    layers = [
        annotation({"type": "rect", "color": "#eeeeee"}, shade),
        annotation(label, {"x": shade["x"]}),
        {
            "data": {"name": "observed"},
            "mark": {"type": "circle", "size": 9, "color": TRUTH, "opacity": 0.6},
            "encoding": {"x": x, "y": y, "tooltip": points},
        },
        {
            "data": {"name": "predicted"},
            "mark": {"type": "line", "strokeWidth": 2},
            "encoding": _lines(names, colours, [SOLID] * len(names), x, y),
        },
    ]
    tables = {"observed": observed, "predicted": predicted}
    return chart(tables, {"layer": layers}, title=title, height=260)


def horizon_figure(
    horizons: Sequence[int],
    errors: Mapping[str, tuple[str, Sequence[float]]],
    noise_floor: float,
    *,
    title: str = "",
    floor_label: str = "noise floor",
    x_title: str = "k",
    y_title: str = "MSE",
) -> VegaSpec:
    """Test MSE against the horizon k (log-log): how errors compound as predictions feed predictions. The
    noise floor, the error no predictor can beat, is a dotted line with its own legend entry."""
    records = [
        {"k": k, "mse": value, SERIES: name}
        for name, values in errors.values()
        for k, value in zip(horizons, _clean(values), strict=False)
    ]
    names, colours = [name for name, _ in errors.values()], [COLOURS.get(key, TRUTH) for key in errors]
    dashes = [SOLID] * len(names)
    if noise_floor > 0:
        records += [{"k": k, "mse": noise_floor, SERIES: floor_label} for k in (horizons[0], horizons[-1])]
        names, colours, dashes = [*names, floor_label], [*colours, TRUTH], [*dashes, DOTTED]
    x = {"field": "k", "type": "quantitative", "title": x_title,
         "scale": {"type": "log"}, "axis": {"values": list(horizons), "format": "d"}}  # fmt: skip
    y = {"field": "mse", "type": "quantitative", "title": y_title, "scale": {"type": "log"}}
    line = {"type": "line", "strokeWidth": 2, "point": True}
    body = {"data": {"name": "errors"}, "mark": line, "encoding": _lines(names, colours, dashes, x, y)}
    return chart({"errors": pd.DataFrame.from_records(records)}, body, title=title, height=260)
