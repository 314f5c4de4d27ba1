"""Heatmaps labelled by tokens, the one shape most seqviz figures share.

Tokens repeat ("a b a"), and plotly merges equal category labels into one row, which would silently drop
data. So cells sit at integer positions and the tokens are only tick labels: every position keeps its row.
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from seqviz.viz.layout import titled

MAX_TICKS = 60  # beyond this, every k-th label: 128 unit numbers side by side are unreadable


def _tick_positions(count: int) -> list[int]:
    """Every position when they fit, else every k-th (hover still names each cell)."""
    step = max(1, -(-count // MAX_TICKS))
    return list(range(0, count, step))


def token_heatmap(
    values: Sequence[Sequence[float]],
    row_labels: Sequence[str],
    column_labels: Sequence[str],
    *,
    title: str = "",
    row_title: str = "",
    column_title: str = "",
    value_name: str = "value",
    colorscale: str = "Blues",
    zmin: float | None = None,
    zmax: float | None = None,
    show_values: bool | None = None,
    height: int | None = None,
) -> go.Figure:
    """``values[i][j]`` drawn at row ``i`` (top to bottom) and column ``j``, axes labelled with the tokens.

    ``show_values`` writes each number in its cell (default: when the grid is small enough to read).
    """
    rows, columns = len(row_labels), len(column_labels)
    if show_values is None:
        show_values = rows * columns <= 400
    labels = [[[row_labels[i], column_labels[j]] for j in range(columns)] for i in range(rows)]
    heatmap = go.Heatmap(
        z=[list(row) for row in values],
        x=list(range(columns)),
        y=list(range(rows)),
        customdata=labels,
        hovertemplate=(
            f"{row_title or 'row'}: %{{customdata[0]}}<br>{column_title or 'column'}: %{{customdata[1]}}"
            f"<br>{value_name}: %{{z:.4f}}<extra></extra>"
        ),
        texttemplate="%{z:.2f}" if show_values else None,
        colorscale=colorscale,
        zmin=zmin,
        zmax=zmax,
        colorbar={"title": {"text": value_name}},
    )
    figure = go.Figure(heatmap)
    figure.update_xaxes(
        tickmode="array",
        tickvals=_tick_positions(columns),
        ticktext=[column_labels[i] for i in _tick_positions(columns)],
        title=column_title,
        tickangle=0 if columns <= 30 else -90,
    )
    figure.update_yaxes(
        tickmode="array",
        tickvals=_tick_positions(rows),
        ticktext=[row_labels[i] for i in _tick_positions(rows)],
        title=row_title,
        autorange="reversed",
    )
    titled(
        figure,
        title,
        height=height or max(240, min(900, 110 + 28 * rows)),
    )
    return figure
