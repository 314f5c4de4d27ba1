"""Figures of the Attention page: alignment heatmaps (Vega-Lite specs), the bottleneck curve, p_gen, and one
step's scores (plotly).

Pure functions of plain data (``AttentionMap``, ``LengthBucket``, ``ScoreBreakdown``), so tests check the
plotted numbers against the model's without a browser. Labels arrive translated from the page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import plotly.graph_objects as go

from seqviz.explain.results import AttentionMap, HeadAttention, LengthBucket, TransformerAttentionKind
from seqviz.viz.heatmap import diverging, heatmap_grid, sequential, token_heatmap
from seqviz.viz.layout import titled
from seqviz.viz.vega import VegaSpec

LINE_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b")


def alignment_heatmap(
    view: AttentionMap,
    *,
    title: str = "",
    source_title: str = "",
    output_title: str = "",
    value_name: str = "α",
) -> VegaSpec:
    """Rows: output tokens (what the decoder wrote); columns: source tokens; cells: α_tj (rows sum to 1)."""
    if view.weights is None:
        raise ValueError("this model has no attention weights")
    return token_heatmap(
        view.weights,
        view.output_tokens,
        view.source_tokens,
        title=title,
        row_title=output_title,
        column_title=source_title,
        value_name=value_name,
        colours=sequential(0.0, 1.0),
    )


HEAD_PANEL_PX, HEAD_ROW_PX, HEAD_COLUMN_PX = 200, 18, 24  # four panels fit beside the sidebar
HEAD_COLUMNS = 4  # panels to a row at most: 8 heads take two rows per layer (each panel names its head)


def head_grid(
    view: HeadAttention,
    kind: TransformerAttentionKind,
    panel_titles: Sequence[Sequence[str]],
    *,
    mean: bool = False,
    row_title: str = "",
    column_title: str = "",
    value_name: str = "α",
) -> VegaSpec:
    """A Transformer's attention as a layer x head grid: one row of panels per layer, one panel per head
    (``mean``: one panel per layer, its heads averaged). Each panel's cells are that head's weights exactly
    (``view.weights(kind)[layer][head]``), on one 0-1 scale, so panels compare by colour; the colour bar is
    drawn once. ``panel_titles[layer][panel]`` names each panel (translated by the page)."""
    rows, columns = view.axes(kind)
    matrices = [[layer] for layer in view.mean_over_heads(kind)] if mean else view.weights(kind)
    if len(panel_titles) != len(matrices) or any(
        len(titles) != len(layer) for titles, layer in zip(panel_titles, matrices, strict=True)
    ):
        raise ValueError("one title per panel: [layer][head]")
    width = max(120, min(HEAD_PANEL_PX, HEAD_COLUMN_PX * len(columns)))
    panels = [
        token_heatmap(
            matrix,
            rows,
            columns,
            title=panel_titles[layer][index],
            row_title=row_title if index == 0 else "",  # the tokens and their title once per row of panels
            column_title=column_title,
            value_name=value_name,
            colours=sequential(0.0, 1.0),
            show_values=False,
            width=width,
            height=max(60, min(400, HEAD_ROW_PX * len(rows))),
            show_row_labels=index == 0,
        )
        for layer, heads in enumerate(matrices)
        for index, matrix in enumerate(heads)
    ]
    grid = heatmap_grid(panels, columns=min(HEAD_COLUMNS, view.layers if mean else view.heads))
    # one 0-1 scale for every panel, so one colour bar beside the grid (not one per panel, nor one that
    # pushes the first panel out of line)
    grid["resolve"] = {"scale": {"color": "shared"}, "legend": {"color": "shared"}}
    if any(len(token) > 2 for token in columns):  # "<sos>", words: wider than a column, so set upright
        for panel in grid["concat"]:
            for layer in panel["layer"]:
                axis = layer.get("encoding", {}).get("x", {}).get("axis")
                if axis is not None:
                    axis["labelAngle"] = -90
    return grid


def coverage_heatmap(
    view: AttentionMap,
    *,
    title: str = "",
    source_title: str = "",
    output_title: str = "",
    value_name: str = "c",
) -> VegaSpec:
    """Coverage c_tj: how much attention source position j had received before output step t."""
    if view.coverage is None:
        raise ValueError("this model has no coverage")
    return token_heatmap(
        view.coverage,
        view.output_tokens,
        view.source_tokens,
        title=title,
        row_title=output_title,
        column_title=source_title,
        value_name=value_name,
        colours=sequential(0.0, None, scheme="oranges"),
    )


def p_gen_chart(
    view: AttentionMap, *, title: str = "", generate_name: str = "p_gen", step_title: str = ""
) -> go.Figure:
    """Bars of p_gen per output token: near 1 the token came from the vocabulary, near 0 it was copied."""
    if view.p_gen is None:
        raise ValueError("this model has no copy mechanism")
    positions = list(range(len(view.p_gen)))
    figure = go.Figure(
        go.Bar(
            x=positions,
            y=view.p_gen,
            marker={"color": [_mix(p) for p in view.p_gen]},
            customdata=view.output_tokens,
            text=[f"{p:.2f}" for p in view.p_gen],
            textposition="outside",
            hovertemplate=f"%{{customdata}}<br>{generate_name}: %{{y:.4f}}<extra></extra>",
        )
    )
    figure.update_xaxes(tickmode="array", tickvals=positions, ticktext=view.output_tokens, title=step_title)
    figure.update_yaxes(range=[0, 1.15], title=generate_name)
    titled(
        figure,
        title,
        height=300,
    )
    return figure


def _mix(p_gen: float) -> str:
    """Blue for generated, orange for copied, blended in between."""
    generated, copied = (31, 119, 180), (255, 127, 14)
    channels = (round(g * p_gen + c * (1 - p_gen)) for g, c in zip(generated, copied, strict=True))
    return "rgb({}, {}, {})".format(*channels)


def bottleneck_chart(
    curves: Mapping[str, Sequence[LengthBucket]],
    training_lengths: tuple[int, int] | None,
    *,
    title: str = "",
    length_title: str = "",
    match_title: str = "",
    training_label: str = "",
) -> go.Figure:
    """Exact match against source length, one line per model, the lengths training covered shaded."""
    figure = go.Figure()
    for index, (name, buckets) in enumerate(curves.items()):
        figure.add_trace(
            go.Scatter(
                x=[bucket.length for bucket in buckets],
                y=[bucket.exact_match for bucket in buckets],
                customdata=[bucket.count for bucket in buckets],
                mode="lines+markers",
                name=name,
                line={"color": LINE_COLOURS[index % len(LINE_COLOURS)], "width": 3},
                hovertemplate=(
                    f"{name}<br>{length_title}: %{{x}}<br>{match_title}: %{{y:.3f}}"
                    " (n=%{customdata})<extra></extra>"
                ),
            )
        )
    if training_lengths is not None:
        figure.add_vrect(
            x0=training_lengths[0] - 0.5,
            x1=training_lengths[1] + 0.5,
            fillcolor="#9e9e9e",
            opacity=0.15,
            line_width=0,
            annotation_text=training_label,
            annotation_position="bottom left",
        )
    figure.update_xaxes(title=length_title, dtick=2)
    figure.update_yaxes(title=match_title, range=[-0.03, 1.05], tickformat=".0%")
    titled(
        figure,
        title,
        height=380,
        legend={"orientation": "h", "y": -0.2},
    )
    return figure


def score_chart(
    source_tokens: Sequence[str],
    scores: Sequence[float],
    weights: Sequence[float],
    selected: int | None = None,
    *,
    score_name: str = "e_tj",
    weight_name: str = "α_tj",
    source_title: str = "",
) -> go.Figure:
    """Two rows over the source positions: raw scores e_tj and their softmax α_tj; ``selected`` outlined."""
    from plotly.subplots import make_subplots

    positions = list(range(len(source_tokens)))
    outline = [3 if i == selected else 0 for i in positions]
    figure = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.12)
    for row, (values, name, colour, fmt) in enumerate(
        ((scores, score_name, "#7f7f7f", ".2f"), (weights, weight_name, "#1f77b4", ".3f")), start=1
    ):
        figure.add_trace(
            go.Bar(
                x=positions,
                y=list(values),
                name=name,
                marker={"color": colour, "line": {"width": outline, "color": "#d62728"}},
                customdata=list(source_tokens),
                text=[format(v, fmt) for v in values],
                textposition="outside",
                hovertemplate=f"%{{customdata}}<br>{name}: %{{y:.4f}}<extra></extra>",
            ),
            row=row,
            col=1,
        )
        figure.update_yaxes(title_text=name, row=row, col=1)
    figure.update_yaxes(range=[0, 1.2], row=2, col=1)
    figure.update_xaxes(tickmode="array", tickvals=positions, ticktext=list(source_tokens), row=2, col=1)
    figure.update_xaxes(title_text=source_title, row=2, col=1)
    figure.update_layout(height=420, showlegend=False, margin={"l": 10, "r": 10, "t": 10, "b": 10})
    return figure


ATTRIBUTION_PANEL_PX = 300  # two panels side by side beside the sidebar


def attribution_heatmaps(
    source_tokens: Sequence[str],
    output_tokens: Sequence[str],
    attention: Sequence[Sequence[float]] | None,
    attribution: Sequence[Sequence[float]],
    *,
    attention_title: str = "",
    attribution_title: str = "",
    source_title: str = "",
    output_title: str = "",
    value_name: str = "a",
) -> VegaSpec:
    """The attention ``α_tj`` beside one method's attribution ``a_tj``, on the same axes (rows: output
    tokens, columns: source tokens), so a reader compares the two pictures cell by cell. An attribution with
    signs is drawn on a scale symmetric around 0 (red raises ``log P(y_t)``, blue lowers it); a magnitude
    (saliency) from 0. Without attention the attribution stands alone."""
    values = [float(v) for row in attribution for v in row]
    bound = max((abs(v) for v in values), default=1.0) or 1.0
    colours = sequential(0.0, bound, "reds") if min(values, default=0.0) >= 0 else diverging(bound)
    width = max(160, min(ATTRIBUTION_PANEL_PX, 28 * len(source_tokens)))
    shared = {
        "row_title": output_title,
        "column_title": source_title,
        "width": width,
        "legend": "top",
        "show_values": False,
    }
    panels = []
    if attention is not None:
        panels.append(
            token_heatmap(
                attention,
                output_tokens,
                source_tokens,
                title=attention_title,
                value_name="α",
                colours=sequential(0.0, 1.0),
                **shared,
            )
        )
    panels.append(
        token_heatmap(
            attribution,
            output_tokens,
            source_tokens,
            title=attribution_title,
            value_name=value_name,
            colours=colours,
            **shared,
        )
    )
    return heatmap_grid(panels, columns=len(panels))


def tau_histogram(
    taus: Sequence[float], *, title: str = "", tau_title: str = "τ", rows_title: str = ""
) -> go.Figure:
    """How attention and an attribution agree over many output rows: Kendall tau in twenty bins from -1 to
    1 (Jain & Wallace's figure); a dashed line at 0, where the two orders are unrelated."""
    figure = go.Figure(
        go.Histogram(
            x=list(taus),
            xbins={"start": -1.0, "end": 1.0, "size": 0.1},
            marker={"color": LINE_COLOURS[0]},
            hovertemplate=f"{tau_title}: %{{x}}<br>{rows_title}: %{{y}}<extra></extra>",
        )
    )
    figure.add_vline(x=0.0, line={"dash": "dash", "color": "#616161"})
    figure.update_xaxes(title=tau_title, range=[-1.0, 1.0])
    figure.update_yaxes(title=rows_title)
    return titled(figure, title, height=300)
