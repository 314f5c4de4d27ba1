"""Heatmaps labelled by tokens, the one shape most seqviz figures share, as Vega-Lite specs
(``seqviz.viz.vega`` says why Vega-Lite and plain dicts).

Cells sit at integer positions (``row``, ``column``) and the tokens are only the axes' labels, so repeated
tokens keep their own rows. The data is one long-form table, one line per cell, with both labels and the
value, so a tooltip names each cell and a test reads back exactly what is drawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from seqviz.viz.vega import (
    MAX_TICKS,
    SCHEMA,
    TOP_LEVEL_ONLY,
    VegaSpec,
    annotation,
    chart,
    positions,
    renderer,
    tooltip,
)

CELL_TEXT_LIMIT = 400  # cells up to which each number is written in its cell by default
ROW_PX, MIN_PLOT_HEIGHT, MAX_PLOT_HEIGHT = 26, 40, 760
COLUMNS = ("row", "column", "row_label", "column_label", "value")
CELLS = "cells"  # the name of a heatmap's table in its spec's datasets


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
        "x": positions("column", column_labels, column_title, most=column_ticks),
        "y": positions("row", row_labels, row_title, "y", show=show_row_labels),
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
                tooltip("row_label", row_title or "row"),
                tooltip("column_label", column_title or "column"),
                tooltip("value", value_name, "quantitative", ".4f"),
            ],
        },
    }
    layers = [cells, *([_cell_numbers(position, colours, frame)] if show_values else [])]
    layers += _marks(marked_row, marked_column)
    body = {"data": {"name": CELLS}, "layer": layers}
    return chart({CELLS: frame}, body, title=title, width=width, height=height or plot_height(rows))


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
            marks.append(annotation(mark, {channel: {"datum": value, "type": "ordinal"}}))
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
        **renderer(datasets),
    }
