"""Figures of the language-model page: pure functions of tokens and probabilities."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from seqviz.viz.layout import titled


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
) -> go.Figure:
    """The text as cells coloured by each token's probability (red: the model was surprised), wrapped every
    ``per_row`` tokens like a paragraph; spaces shown as ␣. ``chosen`` (a position) is outlined."""
    labels = [_visible(token) for token in tokens]
    rows = max(1, -(-len(tokens) // per_row))
    width = min(per_row, max(1, len(tokens)))

    def grid(values: Sequence, empty: object = None) -> list[list]:
        return [
            [values[r * width + c] if r * width + c < len(values) else empty for c in range(width)]
            for r in range(rows)
        ]

    cells = [[label, p, index] for index, (label, p) in enumerate(zip(labels, probabilities, strict=True))]
    figure = go.Figure(
        go.Heatmap(
            z=grid(list(probabilities)),
            text=grid(labels, ""),  # plotly writes a None label as "null" in the empty cells
            texttemplate="%{text}",
            textfont={"size": 15},
            colorscale="RdYlGn",
            zmin=0,
            zmax=1,
            customdata=grid(cells),
            hovertemplate=f"#%{{customdata[2]}} %{{customdata[0]}}<br>{value_name} = %{{customdata[1]:.4f}}"
            "<extra></extra>",
            colorbar={"thickness": 10, "title": {"text": ""}},
            xgap=2,
            ygap=4,
        )
    )
    if chosen is not None and 0 <= chosen < len(tokens):
        row, column = divmod(chosen, width)
        figure.add_shape(
            type="rect", x0=column - 0.5, x1=column + 0.5, y0=row - 0.5, y1=row + 0.5,
            line={"color": "#222", "width": 3},
        )  # fmt: skip
    figure.update_xaxes(showticklabels=False, showgrid=False, zeroline=False)
    figure.update_yaxes(showticklabels=False, showgrid=False, zeroline=False, autorange="reversed")
    titled(
        figure,
        title,
        top=45,
        height=70 + 42 * rows + (35 if title else 0),
    )
    return figure


def candidates_bars(
    tokens: Sequence[str], probabilities: Sequence[float], *, highlight: str | None = None, title: str = ""
) -> go.Figure:
    """Horizontal bars of candidate tokens, most probable on top; ``highlight`` (a token) in red."""
    labels = [_visible(token) for token in tokens]
    positions = list(range(len(tokens)))
    figure = go.Figure(
        go.Bar(
            x=list(probabilities),
            y=positions,
            orientation="h",
            marker={"color": ["#d62728" if token == highlight else "#1f77b4" for token in tokens]},
            text=[f"{p:.3f}" for p in probabilities],
            textposition="outside",
            customdata=labels,
            hovertemplate="%{customdata}: %{x:.4f}<extra></extra>",
        )
    )
    figure.update_yaxes(tickmode="array", tickvals=positions, ticktext=labels, autorange="reversed")
    figure.update_xaxes(range=[0, 1.15])
    titled(
        figure,
        title,
        top=45,
        height=max(200, 70 + 30 * len(tokens)),
    )
    return figure


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
