"""The embedding map: one labelled point per token, the chosen token and its neighbours highlighted. A
Vega-Lite spec (``seqviz.viz.vega``): the page's first view, drawn without loading plotly."""

from __future__ import annotations

from collections.abc import Collection

import pandas as pd

from seqviz.explain.results import EmbeddingMap
from seqviz.viz.vega import VegaSpec, chart, tooltip

MAX_LABELS = 150  # beyond this many points, labels only on hover and for the highlighted tokens
CHOSEN, NEIGHBOUR, OTHER = "#d62728", "#ff7f0e", "#1f77b4"


def embedding_scatter(
    embedding: EmbeddingMap,
    highlight: str | None = None,
    neighbours: Collection[str] = (),
    *,
    title: str = "",
    x_title: str = "PC 1",
    y_title: str = "PC 2",
) -> VegaSpec:
    """Points at their PCA coordinates, each labelled with its token (axis titles carry the variance); the
    highlighted token and its neighbours drawn last, so no other point hides them."""
    label_all = len(embedding.tokens) <= MAX_LABELS
    rows = []
    for token, x, y in zip(embedding.tokens, embedding.x, embedding.y, strict=True):
        rank = 2 if token == highlight else 1 if token in neighbours else 0
        rows.append(
            {
                "token": token,
                "x": float(x),
                "y": float(y),
                "colour": (OTHER, NEIGHBOUR, CHOSEN)[rank],
                "size": (60, 110, 190)[rank],
                "rank": rank,
                "label": token if label_all or rank else "",
            }
        )
    table = pd.DataFrame.from_records(rows).sort_values("rank", kind="stable")
    place = {
        "x": {"field": "x", "type": "quantitative", "title": x_title, "scale": {"zero": False, "nice": True}},
        "y": {"field": "y", "type": "quantitative", "title": y_title, "scale": {"zero": False, "nice": True}},
    }
    points = {
        "mark": {"type": "circle", "opacity": 0.85},
        "encoding": {
            **place,
            "color": {"field": "colour", "type": "nominal", "scale": None},
            "size": {"field": "size", "type": "quantitative", "scale": None},
            "order": {"field": "rank"},
            "tooltip": [
                tooltip("token", "token"),
                tooltip("x", x_title, "quantitative", ".3f"),
                tooltip("y", y_title, "quantitative", ".3f"),
            ],
        },
    }
    labels = {
        "mark": {"type": "text", "dy": -10, "fontSize": 13},
        "encoding": {**place, "text": {"field": "label"}},
    }
    body = {"data": {"name": "points"}, "layer": [points, labels]}
    return chart({"points": table}, body, title=title, height=560)
