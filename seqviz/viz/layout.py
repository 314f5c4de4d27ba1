"""The layout every seqviz figure shares: a left-aligned title and tight margins that leave room for it."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go


def titled(figure: go.Figure, title: str, *, top: int = 50, **layout: Any) -> go.Figure:
    """Set ``title`` (left-aligned; none when empty) with margins of 10 px, ``top`` px above a title, and any
    other ``layout`` settings (height, legend, ...); returns the figure."""
    figure.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"} if title else None,
        margin={"l": 10, "r": 10, "t": top if title else 10, "b": 10},
        **layout,
    )
    return figure
