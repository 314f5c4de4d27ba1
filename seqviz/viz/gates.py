"""Figures and formulas of the gates page: pure functions from ``seqviz.explain.gates`` data to figures
(Vega-Lite specs for the heatmaps, plotly for the rest) and LaTeX strings. Labels arrive already translated,
so
nothing here knows about the language switch."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import plotly.graph_objects as go

from seqviz.explain.results import CELL_STATE, GATE_SYMBOLS, HIDDEN, GruStep, LstmStep, RnnStep, StepNumbers
from seqviz.viz.heatmap import ColourScale, diverging, plot_height, sequential, token_heatmap
from seqviz.viz.layout import titled
from seqviz.viz.vega import VegaSpec

SIGMOID_GATES = ("input", "forget", "output", "reset", "update")  # values in (0, 1)
EQUATION_DECIMALS = 6  # enough that the shown numbers satisfy the equations to 1e-5
HEATMAP_ROW_PX = 14  # unit labels stay legible
HEATMAP_PANEL_WIDTH = 320  # two panels side by side, with their labels, fit beside the sidebar on 1280 px
LINE_COLORS = {
    "input": "#1f77b4", "forget": "#d62728", "cell": "#9467bd", "output": "#2ca02c",
    "reset": "#d62728", "update": "#1f77b4", "new": "#9467bd", CELL_STATE: "#ff7f0e", HIDDEN: "#111111",
    "RNN": "#d62728", "LSTM": "#1f77b4", "GRU": "#2ca02c", "checkpoint": "#ff7f0e",
}  # fmt: skip


def _unit_label(unit: int) -> str:
    return f"u{unit}"


def _symbol(quantity: str) -> str:
    """The course's name of a gate or state at step t: f_t, c_t, h_t (language-neutral legend titles)."""
    return {CELL_STATE: "c_t", HIDDEN: "h_t"}.get(quantity, f"{GATE_SYMBOLS.get(quantity, quantity)}_t")


def gate_colours(quantity: str, values: Sequence[Sequence[float]]) -> ColourScale:
    """Sigmoid gates share the fixed scale 0..1 (so "open" looks the same everywhere); tanh values -1..1;
    the cell state, which is unbounded, a symmetric scale around its largest magnitude."""
    if quantity in SIGMOID_GATES:
        return sequential(0.0, 1.0)
    if quantity == CELL_STATE:
        return diverging(max((abs(v) for row in values for v in row), default=1.0))
    return diverging(1.0)


def gate_heatmap(
    matrix: Sequence[Sequence[float]],
    tokens: Sequence[str],
    order: Sequence[int],
    quantity: str,
    *,
    title: str = "",
    time_title: str = "",
    unit_title: str = "",
    step: int | None = None,
    unit: int | None = None,
    width: int | str = HEATMAP_PANEL_WIDTH,
) -> VegaSpec:
    """A ``[T, units]`` matrix drawn with units as rows (in ``order``) and the tokens along the time axis,
    coloured by ``gate_colours``. The chosen step and unit, when given, are outlined."""
    values = [[float(value) for value in row] for row in matrix]
    rows = [[values[t][u] for t in range(len(tokens))] for u in order]
    return token_heatmap(
        rows,
        [_unit_label(u) for u in order],
        list(tokens),
        title=title,
        row_title=unit_title,
        column_title=time_title,
        value_name=_symbol(quantity),
        colours=gate_colours(quantity, rows),
        show_values=False,
        height=plot_height(len(order), HEATMAP_ROW_PX),
        width=width,
        marked_column=step,
        marked_row=list(order).index(unit) if unit is not None and unit in order else None,
        legend="top",
    )


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
    titled(
        figure,
        title,
        height=360,
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
    smallest: float | None = None,
) -> go.Figure:
    """``||dL/dh_t||`` over t on a log scale; exact zeros (cut off by truncation) are left out of the line,
    since a logarithm has no place for them, and the page says so.

    The axis shows the step number t (1-based; the token read is in the hover), since a stretched input
    repeats its tokens. ``smallest``: the lower end of the y axis, so that two charts side by side (full and
    truncated BPTT) share one scale.
    """
    figure = go.Figure()
    positions = list(range(1, len(tokens) + 1))
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
    figure.update_xaxes(title=time_title)
    figure.update_yaxes(type="log", title=value_title, exponentformat="power")
    if smallest is not None and smallest > 0:
        largest = max((v for values in norms.values() for v in values), default=1.0)
        figure.update_yaxes(range=[math.log10(smallest) - 0.5, math.log10(max(largest, smallest)) + 0.5])
    titled(
        figure,
        title,
        height=380,
        legend={"orientation": "h", "y": -0.25},
    )
    return figure


def _time_axis(figure: go.Figure, tokens: Sequence[str], title: str) -> None:
    step = max(1, -(-len(tokens) // 40))
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


def _aligned(lhs: str, symbolic: str, *numeric: str) -> str:
    """``lhs = symbolic`` on the first line, then each numeric form on its own line under the ``=``: a long
    equation wraps where a reader expects it instead of running off a narrow column."""
    lines = [rf"{lhs} &= {symbolic}", *(rf"&= {form}" for form in numeric)]
    return r"\begin{aligned} " + r" \\ ".join(lines) + r" \end{aligned}"


def equation_latex(numbers: StepNumbers) -> list[str]:
    """The course's equations for one unit and step, each followed by this step's numbers.

    Every number is the dataclass's own value printed with ``EQUATION_DECIMALS`` decimals; the right-hand
    sides are printed, not recomputed, so what the page shows is what the trace holds.
    """
    if isinstance(numbers, LstmStep):
        n = numbers
        return [
            _aligned(
                "i_t", r"\sigma(W_i [h_{t-1}, x_t] + b_i)", rf"\sigma({_n(n.input_pre)}) = {_n(n.input_gate)}"
            ),
            _aligned(
                "f_t",
                r"\sigma(W_f [h_{t-1}, x_t] + b_f)",
                rf"\sigma({_n(n.forget_pre)}) = {_n(n.forget_gate)}",
            ),
            _aligned(
                "g_t",
                r"\tanh(W_g [h_{t-1}, x_t] + b_g)",
                rf"\tanh({_n(n.cell_pre)}) = {_n(n.cell_candidate)}",
            ),
            _aligned(
                "o_t",
                r"\sigma(W_o [h_{t-1}, x_t] + b_o)",
                rf"\sigma({_n(n.output_pre)}) = {_n(n.output_gate)}",
            ),
            _aligned(
                "c_t",
                r"f_t \odot c_{t-1} + i_t \odot g_t",
                rf"{_n(n.forget_gate)} \times {_signed(n.cell_before)}"
                rf" + {_n(n.input_gate)} \times {_signed(n.cell_candidate)}",
                _n(n.cell),
            ),
            _aligned(
                "h_t",
                r"o_t \odot \tanh(c_t)",
                rf"{_n(n.output_gate)} \times \tanh({_n(n.cell)})",
                rf"{_n(n.output_gate)} \times {_signed(math.tanh(n.cell))} = {_n(n.hidden)}",
            ),
        ]
    if isinstance(numbers, RnnStep):
        r = numbers
        activation = r"\tanh" if r.activation == "tanh" else r"\operatorname{relu}"
        return [
            _aligned(
                "h_t",
                rf"{activation}(W_{{ih}} x_t + b_{{ih}} + W_{{hh}} h_{{t-1}} + b_{{hh}})",
                rf"{activation}({_n(r.input_part)} + {_signed(r.hidden_part)})",
                _n(r.hidden),
            )
        ]
    g = numbers
    assert isinstance(g, GruStep)
    return [
        _aligned(
            "r_t",
            r"\sigma(W_{ir} x_t + b_{ir} + W_{hr} h_{t-1} + b_{hr})",
            rf"\sigma({_n(g.reset_pre)}) = {_n(g.reset_gate)}",
        ),
        _aligned(
            "z_t",
            r"\sigma(W_{iz} x_t + b_{iz} + W_{hz} h_{t-1} + b_{hz})",
            rf"\sigma({_n(g.update_pre)}) = {_n(g.update_gate)}",
        ),
        _aligned(
            "n_t",
            r"\tanh(W_{in} x_t + b_{in} + r_t \odot (W_{hn} h_{t-1} + b_{hn}))",
            rf"\tanh({_n(g.new_input_part)} + {_n(g.reset_gate)} \times {_signed(g.new_hidden_part)})",
            _n(g.new_state),
        ),
        _aligned(
            "h_t",
            r"(1 - z_t) \odot n_t + z_t \odot h_{t-1}",
            rf"(1 - {_n(g.update_gate)}) \times {_signed(g.new_state)}"
            rf" + {_n(g.update_gate)} \times {_signed(g.hidden_before)}",
            _n(g.hidden),
        ),
    ]


COURSE_GRU_LATEX: tuple[str, ...] = (
    r"r_t = \sigma(W_r [h_{t-1}, x_t] + b_r), \quad z_t = \sigma(W_z [h_{t-1}, x_t] + b_z)",
    r"\tilde h_t = \tanh(W [r_t \odot h_{t-1}, x_t] + b)",
    r"h_t = z_t \odot h_{t-1} + (1 - z_t) \odot \tilde h_t",
)
"""The GRU as the course writes it (Cho et al. 2014; d2l: ``H = Z * H_prev + (1 - Z) * H_tilde``): the reset
gate multiplies h_{t-1} *before* the matrix product. ``z_t`` keeps the old state, as in PyTorch; some other
texts swap the roles of z_t and 1 - z_t."""


# ------------------------------------------------------------------------------ units that mean something


def unit_rows_heatmap(
    states: Sequence[Sequence[float]],
    unit_labels: Sequence[str],
    tokens: Sequence[str],
    *,
    title: str = "",
    time_title: str = "",
    unit_title: str = "",
    width: int | str = "container",
) -> VegaSpec:
    """The best-ranked units on one example: ``states[u][t]``, one row per unit (most correlated on top),
    on a scale symmetric around 0 (h_t and c_t alike have a sign that means something)."""
    rows = [[float(value) for value in row] for row in states]
    return token_heatmap(
        rows,
        list(unit_labels),
        list(tokens),
        title=title,
        row_title=unit_title,
        column_title=time_title,
        value_name="h_t / c_t",  # the units are hidden (h) and cell (c) units: a legend in any language
        colours=diverging(max((abs(v) for row in rows for v in row), default=1.0) or 1.0),
        show_values=False,
        height=plot_height(len(rows), HEATMAP_ROW_PX),
        width=width,
        legend="top",
    )


def latent_row_heatmap(
    values: Sequence[float | None],
    tokens: Sequence[str],
    row_label: str,
    *,
    title: str = "",
    time_title: str = "",
    width: int | str = "container",
) -> VegaSpec:
    """The latent variable on the same steps, one row with its numbers written in (a step where the
    variable is undefined is left blank)."""
    row = [float("nan") if value is None else float(value) for value in values]
    defined = [value for value in row if value == value]
    return token_heatmap(
        [row],
        [row_label],
        list(tokens),
        title=title,
        column_title=time_title,
        value_name=row_label,
        colours=sequential(min(defined, default=0.0), max(defined, default=1.0)),
        show_values=True,
        height=plot_height(1, 2 * HEATMAP_ROW_PX),
        width=width,
        legend=None,
    )
