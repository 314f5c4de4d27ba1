"""The beam search tree as a Vega-Lite spec (``seqviz.viz.vega``): a pure function of a ``BeamTree``.

Steps run left to right; each node sits at the mean height of its visible children, leaves one row apart in
the order the search ranked them (a tidy tree), so branches never cross. Pruned nodes are grey, finished
ones are diamonds, the best outcome's path is drawn in red. A tooltip shows each node's numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from seqviz.explain.results import BeamNode, BeamTree
from seqviz.viz.vega import VegaSpec, annotation, chart, tooltip

STATUS_COLOURS = {"kept": "#1f77b4", "pruned": "#b0b0b0", "finished": "#2ca02c"}
BEST = "#d62728"
ROW_PX = 26
NODE_COLUMNS = ("id", "token", "step", "row", "status", "shape", "log_p", "cumulative", "score", "best",
                "text_colour")  # fmt: skip
EDGE_COLUMNS = ("step", "row", "step2", "row2", "best")


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
) -> VegaSpec:
    """The search tree up to ``up_to_step``; ``labels`` translates the status names and tooltip fields
    (``kept``, ``pruned``, ``finished``, ``log_p``, ``cumulative``, ``score``, ``best``); ``chosen`` (a node
    id) is ringed. Tables: ``nodes`` (one line per expanded node, its numbers as the search computed them)
    and ``edges`` (parent to child, the best path flagged)."""
    words = {
        "kept": "kept", "pruned": "pruned", "finished": "finished", "best": "best path",
        "log_p": "log P(token)", "cumulative": "Σ log P", "score": "score",
    } | dict(labels or {})  # fmt: skip
    nodes = visible_nodes(tree, up_to_step)
    where = tree_layout(nodes)
    on_best = best_path_ids(tree)
    node_rows = [
        {
            "id": node.id, "token": node.token, "step": node.step, "row": where[node.id][1],
            "status": words[node.status], "shape": "diamond" if node.status == "finished" else "circle",
            "log_p": node.log_prob, "cumulative": node.cumulative_log_prob, "score": node.score,
            "best": node.id in on_best, "text_colour": "#888" if node.status == "pruned" else "#222",
        }
        for node in nodes
        if node.parent_id is not None
    ]  # fmt: skip
    edge_rows = [
        {"step": where[node.parent_id][0], "row": where[node.parent_id][1],
         "step2": where[node.id][0], "row2": where[node.id][1], "best": node.id in on_best}
        for node in nodes
        if node.parent_id is not None
    ]  # fmt: skip
    edge_rows.sort(key=lambda edge: edge["best"])  # grey edges first, the red best path on top
    rows = max((row for _, row in where.values()), default=0) + 1
    last_step = max((node.step for node in nodes), default=0)
    x = {"field": "step", "type": "quantitative", "title": step_title,
         "scale": {"domain": [-0.6, last_step + 0.9], "nice": False},
         "axis": {"values": list(range(last_step + 1)), "format": "d", "grid": False}}  # fmt: skip
    y = {"field": "row", "type": "quantitative", "axis": None,
         "scale": {"domain": [rows - 0.5, -0.5], "nice": False, "zero": False}}  # fmt: skip
    statuses = ("kept", "pruned", "finished")
    edges = {
        "data": {"name": "edges"},
        "mark": {"type": "rule"},
        "encoding": {
            "x": x, "y": y, "x2": {"field": "step2"}, "y2": {"field": "row2"},
            "color": {"condition": {"test": "datum.best", "value": BEST}, "value": "#c8c8c8"},
            "strokeWidth": {"condition": {"test": "datum.best", "value": 3}, "value": 1},
        },
    }  # fmt: skip
    points = {
        "data": {"name": "nodes"},
        "mark": {"type": "point", "filled": True, "opacity": 1, "size": 110},
        "encoding": {
            "x": x, "y": y,
            "shape": {"field": "shape", "type": "nominal", "scale": None},
            "color": {"field": "status", "type": "nominal", "title": None,
                      "scale": {"domain": [words[s] for s in statuses],
                                "range": [STATUS_COLOURS[s] for s in statuses]},
                      "legend": {"orient": "top", "direction": "horizontal"}},
            "stroke": {"condition": {"test": "datum.best", "value": BEST}, "value": "white"},
            "strokeWidth": {"condition": {"test": "datum.best", "value": 3}, "value": 1},
            "tooltip": [
                tooltip("token", "token"), tooltip("id", "#", "quantitative"),
                tooltip("step", step_title, "quantitative"), tooltip("status", ""),
                tooltip("log_p", words["log_p"], "quantitative", ".4f"),
                tooltip("cumulative", words["cumulative"], "quantitative", ".4f"),
                tooltip("score", words["score"], "quantitative", ".4f"),
            ],
        },
    }  # fmt: skip
    tokens = {
        "data": {"name": "nodes"},
        "mark": {"type": "text", "align": "left", "dx": 9, "fontSize": 13},
        "encoding": {"x": x, "y": y, "text": {"field": "token"},
                     "color": {"field": "text_colour", "type": "nominal", "scale": None}},
    }  # fmt: skip
    layers = [edges, points, tokens]

    def at(node_id: int) -> VegaSpec:  # a node's place, for marks drawn once
        step, row = where[node_id]
        return {"x": {"datum": step, "type": "quantitative"}, "y": {"datum": row, "type": "quantitative"}}

    if 0 in where:  # the root: <sos>
        layers += [
            annotation({"type": "point", "filled": True, "color": "#444", "size": 90}, at(0)),
            annotation({"type": "text", "text": "<sos>", "align": "right", "dx": -9}, at(0)),
        ]
    if chosen is not None and chosen in where:
        ring = {"type": "point", "filled": False, "size": 520, "stroke": "#ff7f0e", "strokeWidth": 3}
        layers.append(annotation(ring, at(chosen)))
    tables = {"nodes": pd.DataFrame.from_records(node_rows, columns=NODE_COLUMNS),
              "edges": pd.DataFrame.from_records(edge_rows, columns=EDGE_COLUMNS)}  # fmt: skip
    height = max(260, min(1300, ROW_PX * int(rows)))
    return chart(tables, {"layer": layers}, title=title, height=height)
