"""The beam search tree as a plotly figure: a pure function of a ``seqviz.beam.BeamTree``.

Steps run left to right; each node sits at the mean height of its visible children, leaves one row apart in
the order the search ranked them (a tidy tree), so branches never cross. Pruned nodes are grey, finished
ones are diamonds, the best outcome's path is drawn in red. Hover shows each node's numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import plotly.graph_objects as go

from seqviz.beam import BeamNode, BeamTree
from seqviz.viz.layout import titled

STATUS_COLOURS = {"kept": "#1f77b4", "pruned": "#b0b0b0", "finished": "#2ca02c"}
BEST = "#d62728"
ROW_PX = 26


def visible_nodes(tree: BeamTree, up_to_step: int | None = None) -> list[BeamNode]:
    """The nodes expanded by step ``up_to_step`` (all when None), root included."""
    last = tree.steps if up_to_step is None else up_to_step
    return [node for node in tree.nodes if node.step <= last]


def tree_layout(nodes: Sequence[BeamNode]) -> dict[int, tuple[float, float]]:
    """``{node id: (step, row)}``: leaves on consecutive rows in rank order, parents centred on children."""
    children: dict[int, list[BeamNode]] = {}
    for node in nodes:
        if node.parent_id is not None:
            children.setdefault(node.parent_id, []).append(node)
    positions: dict[int, tuple[float, float]] = {}
    next_row = 0.0

    def place(node: BeamNode) -> float:
        nonlocal next_row
        kids = sorted(children.get(node.id, []), key=lambda child: (child.rank, child.id))
        if not kids:
            row = next_row
            next_row += 1
        else:
            rows = [place(child) for child in kids]
            row = (rows[0] + rows[-1]) / 2
        positions[node.id] = (float(node.step), row)
        return row

    roots = [node for node in nodes if node.parent_id is None]
    for root in roots:
        place(root)
    return positions


def best_path_ids(tree: BeamTree) -> set[int]:
    if not tree.best_ids:
        return set()
    return {node.id for node in tree.path(tree.best_ids[0])} | {0}


def beam_tree_figure(
    tree: BeamTree,
    *,
    up_to_step: int | None = None,
    labels: Mapping[str, str] | None = None,
    title: str = "",
    step_title: str = "step",
    chosen: int | None = None,
) -> go.Figure:
    """The search tree up to ``up_to_step``; ``labels`` translates the status names and hover fields
    (``kept``, ``pruned``, ``finished``, ``log_p``, ``cumulative``, ``score``, ``best``); ``chosen`` (a node
    id) is ringed."""
    words = {
        "kept": "kept", "pruned": "pruned", "finished": "finished", "best": "best path",
        "log_p": "log P(token)", "cumulative": "Σ log P", "score": "score",
    } | dict(labels or {})  # fmt: skip
    nodes = visible_nodes(tree, up_to_step)
    positions = tree_layout(nodes)
    on_best = best_path_ids(tree)
    figure = go.Figure()
    for best in (False, True):  # grey and blue edges first, the red best path on top
        xs: list[float | None] = []
        ys: list[float | None] = []
        for node in nodes:
            if node.parent_id is None or (node.id in on_best) != best:
                continue
            (x0, y0), (x1, y1) = positions[node.parent_id], positions[node.id]
            xs += [x0, x1, None]
            ys += [y0, y1, None]
        figure.add_scatter(
            x=xs, y=ys, mode="lines", hoverinfo="skip", showlegend=False,
            line={"color": BEST if best else "#c8c8c8", "width": 3 if best else 1},
        )  # fmt: skip
    for status in ("pruned", "kept", "finished"):
        group = [node for node in nodes if node.status == status and node.parent_id is not None]
        if not group:
            continue
        figure.add_scatter(
            x=[positions[node.id][0] for node in group],
            y=[positions[node.id][1] for node in group],
            mode="markers+text",
            name=words[status],
            text=[node.token for node in group],
            textposition="middle right",
            textfont={"color": "#888" if status == "pruned" else "#222", "size": 13},
            marker={
                "symbol": "diamond" if status == "finished" else "circle",
                "size": 13 if status == "finished" else 10,
                "color": STATUS_COLOURS[status],
                "line": {
                    "color": [BEST if node.id in on_best else "white" for node in group],
                    "width": [3 if node.id in on_best else 1 for node in group],
                },
            },
            customdata=[
                [node.token, node.log_prob, node.cumulative_log_prob, node.score, node.step, node.id]
                for node in group
            ],
            hovertemplate=(
                f"%{{customdata[0]}} (#%{{customdata[5]}}, {step_title} %{{customdata[4]}})<br>"
                f"{words['log_p']}: %{{customdata[1]:.4f}}<br>{words['cumulative']}: %{{customdata[2]:.4f}}"
                f"<br>{words['score']}: %{{customdata[3]:.4f}}<extra>{words[status]}</extra>"
            ),
        )
    root = positions.get(0)
    if root is not None:
        figure.add_scatter(
            x=[root[0]], y=[root[1]], mode="markers+text", text=["<sos>"], textposition="middle left",
            marker={"size": 10, "color": "#444"}, hoverinfo="skip", showlegend=False,
        )  # fmt: skip
    if chosen is not None and chosen in positions:
        x, y = positions[chosen]
        figure.add_scatter(
            x=[x], y=[y], mode="markers", hoverinfo="skip", showlegend=False,
            marker={"size": 24, "color": "rgba(0,0,0,0)", "line": {"color": "#ff7f0e", "width": 3}},
        )  # fmt: skip
    rows = max((row for _, row in positions.values()), default=0) + 1
    last_step = max((node.step for node in nodes), default=0)
    figure.update_xaxes(
        title=step_title, tickmode="array", tickvals=list(range(last_step + 1)),
        range=[-0.6, last_step + 0.9], zeroline=False,
    )  # fmt: skip
    figure.update_yaxes(visible=False, autorange="reversed")
    titled(
        figure,
        title,
        height=max(320, min(1400, 90 + ROW_PX * int(rows))),
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 1, "xanchor": "right"},
        plot_bgcolor="white",
    )
    return figure
