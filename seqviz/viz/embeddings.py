"""The embedding map: one labelled point per token, the chosen token and its neighbours highlighted."""

from __future__ import annotations

from collections.abc import Collection

import plotly.graph_objects as go

from seqviz.embeddings import EmbeddingMap
from seqviz.viz.layout import titled

MAX_LABELS = 150  # beyond this many points, labels only on hover and for the highlighted tokens


def embedding_scatter(
    embedding: EmbeddingMap,
    highlight: str | None = None,
    neighbours: Collection[str] = (),
    *,
    title: str = "",
    x_title: str = "PC 1",
    y_title: str = "PC 2",
) -> go.Figure:
    """Points at their PCA coordinates, each labelled with its token (axis titles carry the variance)."""
    label_all = len(embedding.tokens) <= MAX_LABELS
    colours, sizes, labels = [], [], []
    for token in embedding.tokens:
        if token == highlight:
            colours.append("#d62728")
            sizes.append(14)
        elif token in neighbours:
            colours.append("#ff7f0e")
            sizes.append(11)
        else:
            colours.append("#1f77b4")
            sizes.append(8)
        labels.append(token if label_all or token == highlight or token in neighbours else "")
    figure = go.Figure(
        go.Scatter(
            x=embedding.x,
            y=embedding.y,
            mode="markers+text",
            text=labels,
            textposition="top center",
            textfont={"size": 13},
            customdata=embedding.tokens,
            marker={"color": colours, "size": sizes, "opacity": 0.85},
            hovertemplate="%{customdata}<br>(%{x:.3f}, %{y:.3f})<extra></extra>",
        )
    )
    figure.update_xaxes(title=x_title, zeroline=True, zerolinecolor="#ddd")
    figure.update_yaxes(title=y_title, zeroline=True, zerolinecolor="#ddd")
    titled(
        figure,
        title,
        height=620,
    )
    return figure
