"""Figures of the Decoding stepper page: one step's attention row, hidden state and top-k candidates, and
the teacher-forcing vs free-running comparison.

Pure functions of plain numbers and tokens (from ``seqviz.decoding``), so tests can check the plotted
values without a browser. Labels arrive translated from the page. Tokens repeat in a source ("a b a"), and
plotly merges equal category labels, so bars sit at integer positions and tokens are only tick labels.
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from seqviz.viz.heatmap import VegaSpec, diverging, token_heatmap
from seqviz.viz.layout import titled

CHOSEN = "#d62728"
FORCED = "#ff7f0e"
OTHER = "#1f77b4"
TEACHER = "#2ca02c"
FREE = "#9467bd"


def _layout(figure: go.Figure, title: str, height: int) -> go.Figure:
    titled(
        figure,
        title,
        height=height,
        showlegend=False,
    )
    return figure


def attention_bars(
    source_tokens: Sequence[str],
    weights: Sequence[float],
    *,
    title: str = "",
    axis_title: str = "",
    value_name: str = "α",
) -> go.Figure:
    """One attention row: a bar per source position, labelled with its token; the strongest in red."""
    if len(source_tokens) != len(weights):
        raise ValueError(f"{len(source_tokens)} source tokens but {len(weights)} weights")
    positions = list(range(len(weights)))
    strongest = max(positions, key=lambda j: weights[j]) if positions else -1
    figure = go.Figure(
        go.Bar(
            x=positions,
            y=list(weights),
            customdata=list(source_tokens),
            marker={"color": [CHOSEN if j == strongest else OTHER for j in positions]},
            text=[f"{w:.2f}" for w in weights] if len(weights) <= 30 else None,
            textposition="outside",
            hovertemplate=f"%{{customdata}}<br>{value_name}: %{{y:.4f}}<extra></extra>",
        )
    )
    figure.update_xaxes(
        tickmode="array",
        tickvals=positions,
        ticktext=list(source_tokens),
        title=axis_title,
        tickangle=0 if len(positions) <= 30 else -90,
    )
    figure.update_yaxes(range=[0, 1.15], title=value_name)
    return _layout(figure, title, 280)


def hidden_strip(
    values: Sequence[float], *, title: str = "", unit_title: str = "unit", value_name: str = "value"
) -> VegaSpec:
    """The decoder's hidden state as one row of coloured cells, one per unit (blue negative, red positive),
    about 16 unit numbers along the strip, never crowded."""
    bound = max(1.0, max((abs(v) for v in values), default=1.0))
    return token_heatmap(
        [list(values)],
        [""],
        [str(i) for i in range(len(values))],
        title=title,
        column_title=unit_title,
        value_name=value_name,
        colours=diverging(bound),
        show_values=False,
        height=36,
        show_row_labels=False,
        column_ticks=16,
    )


def top_k_bars(
    tokens: Sequence[str],
    probabilities: Sequence[float],
    *,
    chosen: int | None = None,
    forced: bool = False,
    title: str = "",
    token_title: str = "",
    probability_title: str = "probability",
) -> go.Figure:
    """Horizontal bars of the k most probable next tokens, most probable on top; ``chosen`` (an index into
    ``tokens``) in red, or orange when the user forced it."""
    if len(tokens) != len(probabilities):
        raise ValueError(f"{len(tokens)} tokens but {len(probabilities)} probabilities")
    positions = list(range(len(tokens)))
    colour = FORCED if forced else CHOSEN
    figure = go.Figure(
        go.Bar(
            x=list(probabilities),
            y=positions,
            orientation="h",
            customdata=list(tokens),
            marker={"color": [colour if i == chosen else OTHER for i in positions]},
            text=[f"{p:.3f}" for p in probabilities],
            textposition="outside",
            hovertemplate=f"%{{customdata}}<br>{probability_title}: %{{x:.4f}}<extra></extra>",
        )
    )
    figure.update_yaxes(
        tickmode="array", tickvals=positions, ticktext=list(tokens), autorange="reversed", title=token_title
    )
    figure.update_xaxes(range=[0, 1.15], title=probability_title)
    return _layout(figure, title, max(220, 80 + 32 * len(tokens)))


def exposure_chart(
    reference_tokens: Sequence[str],
    teacher_log_probs: Sequence[float | None],
    free_log_probs: Sequence[float | None],
    *,
    first_difference: int | None = None,
    title: str = "",
    teacher_name: str = "teacher forcing",
    free_name: str = "free running",
    step_title: str = "",
    value_name: str = "log P",
    difference_name: str = "first difference",
) -> go.Figure:
    """log P of each reference token under teacher forcing and under free running (None: not reached), one
    line each; the first step where the two regimes predict differently is marked."""
    positions = list(range(len(reference_tokens)))
    figure = go.Figure()
    for name, values, colour, dash, symbol in (  # dashed and open: visible on top of an equal line
        (teacher_name, teacher_log_probs, TEACHER, "solid", "circle"),
        (free_name, free_log_probs, FREE, "dash", "circle-open"),
    ):
        figure.add_trace(
            go.Scatter(
                x=positions,
                y=[values[i] if i < len(values) else None for i in positions],
                customdata=list(reference_tokens),
                mode="lines+markers",
                name=name,
                line={"color": colour, "dash": dash, "width": 2},
                marker={"symbol": symbol, "size": 10 if symbol == "circle-open" else 7},
                hovertemplate=f"{name}<br>%{{customdata}}<br>{value_name}: %{{y:.4f}}<extra></extra>",
            )
        )
    if first_difference is not None and first_difference < len(positions):
        figure.add_vline(
            x=first_difference,
            line={"color": CHOSEN, "dash": "dash"},
            annotation_text=difference_name,
            annotation_position="top",
        )
    figure.update_xaxes(
        tickmode="array",
        tickvals=positions,
        ticktext=list(reference_tokens),
        title=step_title,
        tickangle=0 if len(positions) <= 30 else -90,
    )
    figure.update_yaxes(title=value_name)
    _layout(figure, title, 340)
    figure.update_layout(showlegend=True, legend={"orientation": "h", "y": -0.4})
    return figure
