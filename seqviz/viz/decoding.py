"""Figures of the Decoding stepper page: one step's attention row, hidden state and top-k candidates, and
the teacher-forcing vs free-running comparison.

Vega-Lite specs (``seqviz.viz.vega``): the page's first view, drawn without loading plotly. Pure functions
of plain numbers and tokens (from ``seqviz.explain.decoding``), so tests can check the plotted values without
a browser. Labels arrive translated from the page. Bars sit at integer positions and tokens are only axis
labels, so a repeated token keeps its own bar.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from seqviz.viz.heatmap import diverging, token_heatmap
from seqviz.viz.layout import titled
from seqviz.viz.vega import VegaSpec, annotation, chart, positions, token_bars, tooltip

CHOSEN = "#d62728"
FORCED = "#ff7f0e"
OTHER = "#1f77b4"
TEACHER = "#2ca02c"
FREE = "#9467bd"


def attention_bars(
    source_tokens: Sequence[str],
    weights: Sequence[float],
    *,
    title: str = "",
    axis_title: str = "",
    value_name: str = "α",
) -> VegaSpec:
    """One attention row: a bar per source position, labelled with its token; the strongest in red."""
    if len(source_tokens) != len(weights):
        raise ValueError(f"{len(source_tokens)} source tokens but {len(weights)} weights")
    strongest = max(range(len(weights)), key=lambda j: weights[j]) if weights else -1
    tables, body = token_bars(
        source_tokens,
        weights,
        [CHOSEN if j == strongest else OTHER for j in range(len(weights))],
        token_title=axis_title,
        value_title=value_name,
        number_format=".2f" if len(weights) <= 30 else None,
    )
    return chart(tables, body, title=title, height=200)


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
) -> VegaSpec:
    """Horizontal bars of the k most probable next tokens, most probable on top; ``chosen`` (an index into
    ``tokens``) in red, or orange when the user forced it."""
    if len(tokens) != len(probabilities):
        raise ValueError(f"{len(tokens)} tokens but {len(probabilities)} probabilities")
    picked = FORCED if forced else CHOSEN
    tables, body = token_bars(
        tokens,
        probabilities,
        [picked if i == chosen else OTHER for i in range(len(tokens))],
        horizontal=True,
        token_title=token_title,
        value_title=probability_title,
        number_format=".3f",
    )
    return chart(tables, body, title=title, height=max(120, 26 * len(tokens)))


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
) -> VegaSpec:
    """log P of each reference token under teacher forcing and under free running (None: not reached, a gap
    in the line), one line each; the first step where the two regimes predict differently is marked."""
    count = len(reference_tokens)
    records = [
        {
            "position": i,
            "token": reference_tokens[i],
            "regime": name,
            "log_p": values[i] if i < len(values) else None,
        }
        for name, values in ((teacher_name, teacher_log_probs), (free_name, free_log_probs))
        for i in range(count)
    ]
    regimes = {"domain": [teacher_name, free_name]}
    encoding = {
        "x": positions("position", reference_tokens, step_title),
        "y": {"field": "log_p", "type": "quantitative", "title": value_name},
        "color": {
            "field": "regime",
            "type": "nominal",
            "title": None,
            "scale": regimes | {"range": [TEACHER, FREE]},
            "legend": {"orient": "bottom"},
        },
        "strokeDash": {
            "field": "regime",
            "type": "nominal",
            "scale": regimes | {"range": [[1, 0], [6, 4]]},
            "legend": None,
        },
        "tooltip": [
            tooltip("regime", ""),
            tooltip("token", step_title or "token"),
            tooltip("log_p", value_name, "quantitative", ".4f"),
        ],
    }
    lines = {
        "mark": {"type": "line", "point": {"filled": False, "size": 60}, "strokeWidth": 2},
        "encoding": encoding,
    }
    layers = [lines]
    if first_difference is not None and first_difference < count:
        at = {"x": {"datum": first_difference, "type": "ordinal"}}
        rule = {"type": "rule", "color": CHOSEN, "strokeDash": [4, 4]}
        label = {"type": "text", "color": CHOSEN, "y": 0, "dy": -6, "align": "left", "dx": 4}
        layers += [
            annotation(rule, at),
            annotation(label | {"text": difference_name}, at),
        ]
    body = {"data": {"name": "log_probs"}, "layer": layers}
    return chart({"log_probs": pd.DataFrame.from_records(records)}, body, title=title, height=240)


def contrast_bars(
    source_tokens: Sequence[str],
    scores: Sequence[float],
    *,
    title: str = "",
    axis_title: str = "",
    value_name: str = "",
) -> go.Figure:
    """ "Why X, not Y": a bar per source token, its share in ``log P(X) - log P(Y)``; red bars push the model
    towards its choice X, blue ones towards the alternative Y."""
    if len(source_tokens) != len(scores):
        raise ValueError(f"{len(source_tokens)} source tokens but {len(scores)} scores")
    figure = go.Figure(
        go.Bar(
            x=list(range(len(scores))),
            y=list(scores),
            customdata=list(source_tokens),
            marker={"color": [CHOSEN if value >= 0 else OTHER for value in scores]},
            hovertemplate=f"%{{customdata}}<br>{value_name}: %{{y:.4f}}<extra></extra>",
        )
    )
    figure.update_xaxes(
        title=axis_title, tickmode="array", tickvals=list(range(len(scores))), ticktext=list(source_tokens)
    )
    figure.update_yaxes(title=value_name, zeroline=True)
    return titled(figure, title, height=280)
