"""Figures of the language-model page: pure functions of tokens and probabilities (Vega-Lite specs for the
first view, plotly for the BPTT comparison drawn on request)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from seqviz.viz.heatmap import heatmap_grid, sequential, token_heatmap
from seqviz.viz.layout import titled
from seqviz.viz.vega import VegaSpec, annotation, chart, tick_positions, token_bars, tooltip


def _visible(token: str) -> str:
    return "␣" if token == " " else token


def probability_strip(
    tokens: Sequence[str],
    probabilities: Sequence[float],
    *,
    chosen: int | None = None,
    title: str = "",
    value_name: str = "P(x_t | x_<t)",
    per_row: int = 40,
) -> VegaSpec:
    """The text as cells coloured by each token's probability (red: the model was surprised), wrapped every
    ``per_row`` tokens like a paragraph; spaces shown as ␣. ``chosen`` (a position) is outlined. A Vega-Lite
    spec (``seqviz.viz.vega``): the page's first view, drawn without loading plotly."""
    if len(tokens) != len(probabilities):
        raise ValueError(f"{len(tokens)} tokens but {len(probabilities)} probabilities")
    rows = max(1, -(-len(tokens) // per_row))
    width = min(per_row, max(1, len(tokens)))
    table = pd.DataFrame(
        {
            "index": range(len(tokens)),
            "row": [i // width for i in range(len(tokens))],
            "column": [i % width for i in range(len(tokens))],
            "token": [_visible(token) for token in tokens],
            "p": [float(p) for p in probabilities],
        }
    )
    place = {
        "x": {"field": "column", "type": "ordinal", "axis": None,
              "scale": {"domain": list(range(width)), "paddingInner": 0.06}},
        "y": {"field": "row", "type": "ordinal", "axis": None,
              "scale": {"domain": list(range(rows)), "paddingInner": 0.12}},
    }  # fmt: skip
    cells = {
        "mark": {"type": "rect"},
        "encoding": {
            **place,
            "color": {
                "field": "p", "type": "quantitative", "title": None,
                "scale": {"scheme": "redyellowgreen", "domain": [0, 1]},
                "legend": {"gradientLength": max(60, 34 * rows), "orient": "right"},
            },
            "tooltip": [tooltip("index", "#", "quantitative"), tooltip("token", "token"),
                        tooltip("p", value_name, "quantitative", ".4f")],
        },
    }  # fmt: skip
    text = {"mark": {"type": "text", "fontSize": 15}, "encoding": {**place, "text": {"field": "token"}}}
    layers = [cells, text]
    if chosen is not None and 0 <= chosen < len(tokens):
        outline = {"type": "rect", "filled": False, "stroke": "#222", "strokeWidth": 3}
        layers.append(
            {"transform": [{"filter": f"datum.index == {chosen}"}], "mark": outline, "encoding": place}
        )
    body = {"data": {"name": "strip"}, "layer": layers}
    return chart({"strip": table}, body, title=title, height=34 * rows)


def candidates_bars(
    tokens: Sequence[str], probabilities: Sequence[float], *, highlight: str | None = None, title: str = ""
) -> VegaSpec:
    """Horizontal bars of candidate tokens, most probable on top; ``highlight`` (a token) in red."""
    tables, body = token_bars(
        [_visible(token) for token in tokens],
        probabilities,
        ["#d62728" if token == highlight else "#1f77b4" for token in tokens],
        horizontal=True,
        value_title="P",
        number_format=".3f",
    )
    return chart(tables, body, title=title, height=max(120, 26 * len(tokens)))


def runs_figure(
    runs: Sequence[tuple[str, Sequence[float], Sequence[float]]],
    *,
    title: str = "",
    x_title: str = "update",
    y_title: str = "loss",
    log_y: bool = False,
) -> go.Figure:
    """One line per run: ``(name, xs, ys)``; zeros are left out on a log axis (a logarithm has no place
    for them)."""
    colours = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e")
    figure = go.Figure()
    for index, (name, xs, ys) in enumerate(runs):
        shown = [None if log_y and not y > 0 else y for y in ys]
        figure.add_scatter(
            x=list(xs), y=shown, mode="lines+markers", name=name,
            line={"color": colours[index % len(colours)], "width": 2}, marker={"size": 4},
        )  # fmt: skip
    figure.update_xaxes(title=x_title)
    figure.update_yaxes(title=y_title, type="log" if log_y else "linear", exponentformat="power")
    titled(
        figure,
        title,
        top=45,
        height=330,
        legend={"orientation": "h", "y": -0.3},
    )
    return figure


CONNECTIVITY_PANEL_PX = 320  # two square panels side by side, with their labels, beside the sidebar
LABEL_PX = 12  # a token label per this many pixels at most: a long text's labels would overlap
CONNECTIVITY_DECADES = 8  # the colour scale spans at most this many powers of ten below the largest cell


def connectivity_heatmaps(
    tokens: Sequence[str],
    outputs: Sequence[str],
    panels: Sequence[tuple[str, Sequence[Sequence[float]]]],
    *,
    k: int | None = None,
    input_title: str = "",
    output_title: str = "",
    value_name: str = "norm",
) -> VegaSpec:
    """Connectivity matrices (``(title, matrix)``; ``matrix[t][t']``, outputs as rows, inputs as columns)
    side by side on one colour scale of ``log10`` of the value, so a gradient that fades over ten steps and
    one that fades over fifty look different. A cell that is exactly zero (the future, or cut by truncation)
    is white. With ``k`` a dashed line marks ``t - t' = k``: truncated BPTT carries no gradient from that far.

    Each panel's table holds the values themselves (``seqviz.viz.heatmap``); the logarithm is computed in
    the chart, so the tooltip and a test read the exact numbers."""
    values = [float(v) for _, matrix in panels for row in matrix for v in row]
    positive = [v for v in values if v > 0] or [1.0]
    high = math.ceil(math.log10(max(positive)))
    low = max(math.floor(math.log10(min(positive))), high - CONNECTIVITY_DECADES)
    colours = sequential(low, high, "viridis")
    size = max(160, min(CONNECTIVITY_PANEL_PX, 8 * len(tokens)))
    return heatmap_grid(
        [
            _connectivity_panel(
                token_heatmap(
                    matrix,
                    [_visible(token) for token in outputs],
                    [_visible(token) for token in tokens],
                    title=title,
                    row_title=output_title,
                    column_title=input_title,
                    value_name=value_name,
                    colours=colours,
                    show_values=False,
                    height=size,
                    width=size,
                    legend="top",
                    column_ticks=size // LABEL_PX,
                ),
                k,
                len(tokens),
                value_name,
            )
            for title, matrix in panels
        ],
        columns=len(panels),
    )


def _connectivity_panel(spec: VegaSpec, k: int | None, steps: int, value_name: str) -> VegaSpec:
    """Colour the heatmap's cells by ``log10`` of their value (white when zero), thin the row labels to what
    fits, add the window's line."""
    cells = spec["layer"][0]
    cells["encoding"]["y"]["axis"]["values"] = tick_positions(steps, spec["height"] // LABEL_PX)
    cells["transform"] = [{"calculate": "datum.value > 0 ? log(datum.value) / LN10 : null", "as": "log10"}]
    colour = cells["encoding"]["color"]
    cells["encoding"]["color"] = {
        "condition": {"test": "datum.value <= 0", "value": "white"},
        **colour,
        "field": "log10",
        "title": f"log10 {value_name}",
    }
    if k is not None and k < steps:
        line = {"type": "rule", "color": "#d62728", "strokeDash": [4, 3], "strokeWidth": 2}
        ends = {"x": 0, "y": k, "x2": steps - 1 - k, "y2": steps - 1}
        spec["layer"].append(
            annotation(line, {name: {"datum": value, "type": "ordinal"} for name, value in ends.items()})
        )
    return spec
