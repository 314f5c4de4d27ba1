"""Heatmaps labelled by tokens, the one shape most seqviz figures share, as Vega-Lite specifications.

Why Vega-Lite and not plotly here: heatmaps are what most pages show first, and a page's first plotly chart
makes the browser load and run Streamlit's 4.7 MB plotly bundle (about 1.3 s of main-thread work on a
2-core machine) before anything is drawn; the Vega-Lite bundle costs about half of that. See the
``page_first_render_browser`` row of ``python -m seqviz bench``. The specs are plain dicts, not altair
objects: altair validates and deep-copies every object it builds, which cost 0.5 s for the Gates page's
six heatmaps, ten times the page's own compute.

Tokens repeat ("a b a"), and a chart merges equal category labels into one row, which would silently drop
data. So cells sit at integer positions (``row``, ``column``) and the tokens are only the axes' labels
(``labelExpr`` indexes a list of them): every position keeps its cell. The data is one long-form table,
one line per cell, with both labels and the value, so a tooltip names each cell and a test reads back
exactly what is drawn.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

MAX_TICKS = 60  # beyond this, every k-th label: 128 unit numbers side by side are unreadable
CELL_TEXT_LIMIT = 400  # cells up to which each number is written in its cell by default
SVG_CELL_LIMIT = 10_000  # up to this many cells a chart is drawn as SVG (text a test or screen reader reads)
ROW_PX, MIN_PLOT_HEIGHT, MAX_PLOT_HEIGHT = 26, 40, 760
COLUMNS = ("row", "column", "row_label", "column_label", "value")
TOP_LEVEL_ONLY = ("$schema", "datasets", "autosize", "usermeta")  # what a grid's panels must not carry
CELLS = "cells"  # the name of a heatmap's table in its spec's datasets

VegaSpec = dict[str, Any]  # a Vega-Lite specification, drawn by st.vega_lite_chart
# Streamlit draws a top-level "concat" only when the spec names its schema (found the hard way: blank chart).
SCHEMA = "https://vega.github.io/schema/vega-lite/v6.4.1.json"


@dataclass(frozen=True)
class ColourScale:
    """A Vega colour scheme from ``low`` to ``high`` (``None``: the data's own end). ``mid`` centres a
    diverging scheme on a value (0 for tanh outputs), so white always means zero."""

    scheme: str
    low: float | None = None
    high: float | None = None
    reverse: bool = False
    mid: float | None = None


def sequential(low: float | None = 0.0, high: float | None = 1.0, scheme: str = "blues") -> ColourScale:
    """Light (low) to dark (high): probabilities, attention weights, sigmoid gates."""
    return ColourScale(scheme, low, high)


def diverging(bound: float = 1.0) -> ColourScale:
    """Blue for negative, white at zero, red for positive, symmetric in ``[-bound, bound]``."""
    bound = bound if bound > 0 else 1.0
    return ColourScale("redblue", -bound, bound, reverse=True, mid=0.0)


def tick_positions(count: int, most: int = MAX_TICKS) -> list[int]:
    """Every position when they fit, else every k-th (the tooltip still names each cell)."""
    step = max(1, -(-count // most))
    return list(range(0, count, step))


def label_expression(labels: Sequence[str]) -> str:
    """A Vega expression giving an axis position's label: ``["a","b","a"][datum.value]``.

    JSON string literals are valid Vega expression literals, so any token (quotes, backslashes, Chinese,
    emoji) is shown as it is, never evaluated."""
    return f"{json.dumps(list(labels), ensure_ascii=False)}[datum.value]"


def heatmap_frame(
    values: Sequence[Sequence[float]], row_labels: Sequence[str], column_labels: Sequence[str]
) -> pd.DataFrame:
    """One line per cell: its position, both labels and ``values[row][column]``."""
    if len(values) != len(row_labels) or any(len(row) != len(column_labels) for row in values):
        raise ValueError(
            f"a {len(row_labels)} x {len(column_labels)} heatmap needs that many values, "
            f"got {len(values)} rows of {sorted({len(row) for row in values})}"
        )
    records = [
        (i, j, row_labels[i], column_labels[j], float(value))
        for i, row in enumerate(values)
        for j, value in enumerate(row)
    ]
    return pd.DataFrame.from_records(records, columns=COLUMNS)


def plot_height(rows: int, row_px: int = ROW_PX) -> int:
    """Pixels for ``rows`` rows: ``row_px`` each, within limits that keep a chart on one screen."""
    return max(MIN_PLOT_HEIGHT, min(MAX_PLOT_HEIGHT, row_px * rows))


def _axis(labels: Sequence[str], title: str, *, most: int = MAX_TICKS, show: bool = True) -> VegaSpec:
    """An axis of positions labelled with ``labels``: at most ``most`` labels, upright when they fit."""
    ticks = tick_positions(len(labels), most)
    return {
        "values": ticks,
        "labelExpr": label_expression(labels),
        "labelAngle": 0 if len(ticks) <= 30 else -90,
        "labelOverlap": False,
        "labelLimit": 120,
        "title": title or None,
        "labels": show,
        "ticks": show,
        "domain": False,
    }


def _colour_scale(colours: ColourScale) -> VegaSpec:
    scale: VegaSpec = {"scheme": colours.scheme, "reverse": colours.reverse, "clamp": True}
    if colours.low is not None:
        scale["domainMin"] = colours.low
    if colours.high is not None:
        scale["domainMax"] = colours.high
    if colours.mid is not None:
        scale["domainMid"] = colours.mid
    return scale


def token_heatmap(
    values: Sequence[Sequence[float]],
    row_labels: Sequence[str],
    column_labels: Sequence[str],
    *,
    title: str = "",
    row_title: str = "",
    column_title: str = "",
    value_name: str = "value",
    colours: ColourScale | None = None,
    show_values: bool | None = None,
    height: int | None = None,
    width: int | str = "container",
    marked_row: int | None = None,
    marked_column: int | None = None,
    legend: str | None = "right",
    show_row_labels: bool = True,
    column_ticks: int = MAX_TICKS,
) -> VegaSpec:
    """``values[i][j]`` drawn at row ``i`` (top to bottom) and column ``j``, axes labelled with the tokens.

    ``show_values`` writes each number in its cell (default: when the grid is small enough to read);
    ``marked_row`` / ``marked_column`` outline one row / column (the chosen unit, the chosen step);
    ``height`` / ``width`` are the plot area's pixels (``width="container"``: the page's column);
    ``column_ticks``: at most this many column labels; ``legend``: the colour bar's place, "right", "top"
    (narrow panels side by side) or ``None``. The spec's table is ``datasets["cells"]`` (``heatmap_frame``),
    which Streamlit sends as Arrow.
    """
    colours = colours or sequential()
    frame = heatmap_frame(values, row_labels, column_labels)
    rows, columns = len(row_labels), len(column_labels)
    if show_values is None:
        show_values = rows * columns <= CELL_TEXT_LIMIT
    position = {
        "x": {
            "field": "column",
            "type": "ordinal",
            "scale": {"domain": list(range(columns))},
            "axis": _axis(column_labels, column_title, most=column_ticks),
        },
        "y": {
            "field": "row",
            "type": "ordinal",
            "scale": {"domain": list(range(rows))},
            "axis": _axis(row_labels, row_title, show=show_row_labels),
        },
    }
    colour: VegaSpec = {"field": "value", "type": "quantitative", "title": value_name}
    colour["scale"] = _colour_scale(colours)
    colour["legend"] = _legend(legend, rows)
    cells = {
        "mark": {"type": "rect"},
        "encoding": {
            **position,
            "color": colour,
            "tooltip": [
                {"field": "row_label", "type": "nominal", "title": row_title or "row"},
                {"field": "column_label", "type": "nominal", "title": column_title or "column"},
                {"field": "value", "type": "quantitative", "title": value_name, "format": ".4f"},
            ],
        },
    }
    layers = [cells, *([_cell_numbers(position, colours, frame)] if show_values else [])]
    layers += _marks(marked_row, marked_column)
    spec: VegaSpec = {
        "$schema": SCHEMA,
        "datasets": {CELLS: frame},
        "data": {"name": CELLS},
        "width": width,
        "height": height or plot_height(rows),
        "layer": layers,
        "autosize": _autosize(width),
        **_renderer(len(frame)),
    }
    if title:
        spec["title"] = {"text": title, "anchor": "start"}
    return spec


def _renderer(cells: int) -> VegaSpec:
    """SVG up to ``SVG_CELL_LIMIT`` cells: Streamlit switches to a canvas above 2,000 data points, where
    titles and labels become pixels; a few thousand rectangles are still cheap in SVG. Beyond, its canvas."""
    return {"usermeta": {"embedOptions": {"renderer": "svg"}}} if cells <= SVG_CELL_LIMIT else {}


def _autosize(width: int | str) -> VegaSpec:
    """Streamlit's default autosize, "fit" on both axes, squeezes a chart of ``height="content"`` to a few
    pixels: a fixed size keeps its plot area ("pad"); a container-wide chart fits only its width."""
    return {"type": "fit-x" if width == "container" else "pad", "contains": "padding"}


def _legend(place: str | None, rows: int) -> VegaSpec | None:
    if place is None:
        return None
    if place == "top":
        return {"orient": "top", "direction": "horizontal", "gradientLength": 160, "titleOrient": "left"}
    return {"orient": place, "gradientLength": max(60, min(200, plot_height(rows, 20)))}


def _cell_numbers(position: VegaSpec, colours: ColourScale, frame: pd.DataFrame) -> VegaSpec:
    """Each cell's value, white on dark cells (the far end of a sequential scale, both ends of a diverging
    one) so that it stays legible."""
    values = frame["value"].tolist() or [0.0, 1.0]
    low = colours.low if colours.low is not None else min(values)
    high = colours.high if colours.high is not None else max(values)
    span = high - low
    if colours.mid is None:
        dark = f"datum.value > {low + 0.6 * span}"
    else:
        dark = f"datum.value > {colours.mid + 0.3 * span} || datum.value < {colours.mid - 0.3 * span}"
    return {
        "mark": {"type": "text", "fontSize": 11},
        "encoding": {
            **position,
            "text": {"field": "value", "type": "quantitative", "format": ".2f"},
            "color": {"condition": {"test": dark, "value": "white"}, "value": "#222"},
        },
    }


def _marks(marked_row: int | None, marked_column: int | None) -> list[VegaSpec]:
    """Dotted lines through the chosen row and column (one datum each, on the cells' scales)."""
    mark = {"type": "rule", "color": "#222", "strokeDash": [3, 3], "strokeWidth": 1.5}
    marks = []
    for channel, value in (("x", marked_column), ("y", marked_row)):
        if value is not None:
            encoding = {channel: {"datum": value, "type": "ordinal"}}
            marks.append({"data": {"values": [{}]}, "mark": mark, "encoding": encoding})
    return marks


def heatmap_grid(panels: Sequence[VegaSpec], columns: int = 2) -> VegaSpec:
    """Several heatmaps in one chart, ``columns`` to a row, each with its own colour scale and legend.

    One chart rather than several: each chart on a page is drawn separately in the browser, and the page's
    first render waits for all of them. Each panel keeps its own table, renamed ``cells0``, ``cells1``, ...
    Panels need a width in pixels: Vega-Lite cannot fit a grid to its container."""
    datasets: dict[str, pd.DataFrame] = {}
    concat = []
    for index, panel in enumerate(panels):
        name = f"{CELLS}{index}"
        datasets[name] = panel["datasets"][CELLS]
        view = {key: value for key, value in panel.items() if key not in TOP_LEVEL_ONLY}
        concat.append(view | {"data": {"name": name}})
    return {
        "$schema": SCHEMA,
        "datasets": datasets,
        "concat": concat,
        "columns": columns,
        "spacing": 24,
        "autosize": {"type": "pad", "contains": "padding"},  # Streamlit's default, "fit", draws a grid blank
        "resolve": {"scale": {"color": "independent"}, "legend": {"color": "independent"}},
        **_renderer(sum(len(table) for table in datasets.values())),
    }
