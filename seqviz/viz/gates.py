"""Figures and formulas of the gates page: pure functions from ``seqviz.gates`` data to plotly figures and
LaTeX strings. Labels arrive already translated, so nothing here knows about the language switch."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import plotly.graph_objects as go
import torch

from seqviz.gates import CELL_STATE, HIDDEN, GruStep, LstmStep, StepNumbers
from seqviz.viz.heatmap import token_heatmap

SIGMOID_GATES = ("input", "forget", "output", "reset", "update")  # values in (0, 1)
EQUATION_DECIMALS = 6  # enough that the shown numbers satisfy the equations to 1e-5
HEATMAP_HEIGHT = 380
LINE_COLORS = {
    "input": "#1f77b4", "forget": "#d62728", "cell": "#9467bd", "output": "#2ca02c",
    "reset": "#d62728", "update": "#1f77b4", "new": "#9467bd", CELL_STATE: "#ff7f0e", HIDDEN: "#111111",
    "RNN": "#d62728", "LSTM": "#1f77b4", "GRU": "#2ca02c", "checkpoint": "#ff7f0e",
}  # fmt: skip


def _unit_label(unit: int) -> str:
    return f"u{unit}"


def gate_heatmap(
    matrix: torch.Tensor | Sequence[Sequence[float]],
    tokens: Sequence[str],
    order: Sequence[int],
    quantity: str,
    *,
    title: str = "",
    time_title: str = "",
    unit_title: str = "",
    step: int | None = None,
    unit: int | None = None,
) -> go.Figure:
    """A ``[T, units]`` matrix drawn with units as rows (in ``order``) and the tokens along the time axis.

    Sigmoid gates share the fixed scale 0..1 (so "open" looks the same everywhere); tanh values -1..1; the
    cell state, which is unbounded, a symmetric scale around its largest magnitude. The chosen step and
    unit, when given, are outlined.
    """
    values = matrix.tolist() if isinstance(matrix, torch.Tensor) else [list(row) for row in matrix]
    z = [[values[t][u] for t in range(len(tokens))] for u in order]
    if quantity in SIGMOID_GATES:
        scale, low, high = "Blues", 0.0, 1.0
    else:
        bound = 1.0
        if quantity == CELL_STATE:
            bound = max((abs(v) for row in z for v in row), default=1.0) or 1.0
        scale, low, high = "RdBu_r", -bound, bound
    figure = token_heatmap(
        z,
        [_unit_label(u) for u in order],
        list(tokens),
        title=title,
        row_title=unit_title,
        column_title=time_title,
        value_name=quantity if len(quantity) <= 6 else quantity[:1],
        colorscale=scale,
        zmin=low,
        zmax=high,
        show_values=False,
        height=HEATMAP_HEIGHT,
    )
    figure.update_traces(colorbar={"title": {"text": ""}, "thickness": 12})
    if step is not None:
        figure.add_vline(x=step, line={"color": "#222", "width": 1, "dash": "dot"})
    if unit is not None and unit in order:
        figure.add_hline(y=list(order).index(unit), line={"color": "#222", "width": 1, "dash": "dot"})
    return figure


def trajectory_figure(
    tokens: Sequence[str],
    trajectories: Mapping[str, Sequence[float]],
    names: Mapping[str, str],
    *,
    step: int | None = None,
    title: str = "",
    time_title: str = "",
) -> go.Figure:
    """One unit's gates and states over time, one line each; ``names`` are the legend labels."""
    figure = go.Figure()
    positions = list(range(len(tokens)))
    for key, values in trajectories.items():
        figure.add_scatter(
            x=positions,
            y=list(values),
            mode="lines+markers",
            name=names.get(key, key),
            line={"color": LINE_COLORS.get(key), "width": 3 if key == HIDDEN else 2},
            customdata=list(tokens),
            hovertemplate="%{customdata}: %{y:.4f}<extra>" + names.get(key, key) + "</extra>",
        )
    if step is not None:
        figure.add_vline(x=step, line={"color": "#888", "width": 1, "dash": "dot"})
    _time_axis(figure, tokens, time_title)
    figure.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"} if title else None,
        height=360,
        margin={"l": 10, "r": 10, "t": 50 if title else 10, "b": 10},
        legend={"orientation": "h", "y": -0.25},
    )
    return figure


def gradient_figure(
    tokens: Sequence[str],
    norms: Mapping[str, Sequence[float]],
    names: Mapping[str, str],
    *,
    title: str = "",
    time_title: str = "",
    value_title: str = "",
) -> go.Figure:
    """``||dL/dh_t||`` over t on a log scale; exact zeros (cut off by truncation) are left out of the line,
    since a logarithm has no place for them, and the page says so."""
    figure = go.Figure()
    positions = list(range(len(tokens)))
    for key, values in norms.items():
        shown = [v if v > 0 else None for v in values]
        figure.add_scatter(
            x=positions,
            y=shown,
            mode="lines+markers",
            name=names.get(key, key),
            line={"color": LINE_COLORS.get(key), "dash": "dash" if key == "checkpoint" else "solid"},
            customdata=list(tokens),
            hovertemplate="%{customdata}: %{y:.3e}<extra>" + names.get(key, key) + "</extra>",
        )
    _time_axis(figure, tokens, time_title)
    figure.update_yaxes(type="log", title=value_title, exponentformat="power")
    figure.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"} if title else None,
        height=380,
        margin={"l": 10, "r": 10, "t": 50 if title else 10, "b": 10},
        legend={"orientation": "h", "y": -0.25},
    )
    return figure


def _time_axis(figure: go.Figure, tokens: Sequence[str], title: str) -> None:
    step = max(1, -(-len(tokens) // 60))
    ticks = list(range(0, len(tokens), step))
    figure.update_xaxes(
        tickmode="array", tickvals=ticks, ticktext=[tokens[i] for i in ticks], title=title,
        tickangle=0 if len(tokens) <= 30 else -90,
    )  # fmt: skip


# ------------------------------------------------------------------------------------------- equations


def _n(value: float) -> str:
    return f"{value:.{EQUATION_DECIMALS}f}"


def _signed(value: float) -> str:
    """A number after a ``+`` in a formula: negatives in parentheses."""
    return f"({_n(value)})" if value < 0 else _n(value)


def equation_latex(numbers: StepNumbers) -> list[str]:
    """The course's equations for one unit and step, each followed by this step's numbers.

    Every number is the dataclass's own value printed with ``EQUATION_DECIMALS`` decimals; the right-hand
    sides are printed, not recomputed, so what the page shows is what the trace holds.
    """
    if isinstance(numbers, LstmStep):
        n = numbers
        return [
            rf"i_t = \sigma(W_i [h_{{t-1}}, x_t] + b_i) = \sigma({_n(n.input_pre)}) = {_n(n.input_gate)}",
            rf"f_t = \sigma(W_f [h_{{t-1}}, x_t] + b_f) = \sigma({_n(n.forget_pre)}) = {_n(n.forget_gate)}",
            rf"g_t = \tanh(W_g [h_{{t-1}}, x_t] + b_g) = \tanh({_n(n.cell_pre)}) = {_n(n.cell_candidate)}",
            rf"o_t = \sigma(W_o [h_{{t-1}}, x_t] + b_o) = \sigma({_n(n.output_pre)}) = {_n(n.output_gate)}",
            (
                rf"c_t = f_t \odot c_{{t-1}} + i_t \odot g_t"
                rf" = {_n(n.forget_gate)} \times {_signed(n.cell_before)}"
                rf" + {_n(n.input_gate)} \times {_signed(n.cell_candidate)} = {_n(n.cell)}"
            ),
            (
                rf"h_t = o_t \odot \tanh(c_t) = {_n(n.output_gate)} \times \tanh({_n(n.cell)})"
                rf" = {_n(n.output_gate)} \times {_signed(math.tanh(n.cell))} = {_n(n.hidden)}"
            ),
        ]
    g = numbers
    assert isinstance(g, GruStep)
    return [
        rf"r_t = \sigma(W_{{ir}} x_t + b_{{ir}} + W_{{hr}} h_{{t-1}} + b_{{hr}}) = \sigma({_n(g.reset_pre)})"
        rf" = {_n(g.reset_gate)}",
        rf"z_t = \sigma(W_{{iz}} x_t + b_{{iz}} + W_{{hz}} h_{{t-1}} + b_{{hz}}) = \sigma({_n(g.update_pre)})"
        rf" = {_n(g.update_gate)}",
        (
            rf"n_t = \tanh(W_{{in}} x_t + b_{{in}} + r_t \odot (W_{{hn}} h_{{t-1}} + b_{{hn}}))"
            rf" = \tanh({_n(g.new_input_part)} + {_n(g.reset_gate)} \times {_signed(g.new_hidden_part)})"
            rf" = {_n(g.new_state)}"
        ),
        (
            rf"h_t = (1 - z_t) \odot n_t + z_t \odot h_{{t-1}} = (1 - {_n(g.update_gate)}) \times"
            rf" {_signed(g.new_state)} + {_n(g.update_gate)} \times {_signed(g.hidden_before)}"
            rf" = {_n(g.hidden)}"
        ),
    ]


COURSE_GRU_LATEX: tuple[str, ...] = (
    r"r_t = \sigma(W_r [h_{t-1}, x_t] + b_r), \quad z_t = \sigma(W_z [h_{t-1}, x_t] + b_z)",
    r"\tilde h_t = \tanh(W [r_t \odot h_{t-1}, x_t] + b)",
    r"h_t = (1 - z_t) \odot h_{t-1} + z_t \odot \tilde h_t",
)
"""The GRU as many courses write it (Cho et al. 2014; d2l also uses this reset placement): the reset gate
multiplies h_{t-1} *before* the matrix product, and some texts swap the roles of z_t and 1 - z_t."""
