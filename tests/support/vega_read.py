"""Read back what a Vega-Lite heatmap draws: each panel's values, in the positions drawn, with the labels its
axes show. Works on a spec built by ``seqviz.viz.heatmap`` (tables as DataFrames) and on a chart element of
an AppTest run (tables as the Arrow bytes Streamlit sends), so page tests check what the browser receives."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa


@dataclass(frozen=True)
class DrawnHeatmap:
    title: str
    values: np.ndarray  # [rows, columns], row 0 drawn on top
    row_labels: list[str]
    column_labels: list[str]
    view: dict[str, Any]  # the panel's own spec (layers, marks)


def element_spec(element: Any) -> tuple[dict[str, Any], dict[str, pd.DataFrame]]:
    """An AppTest ``vega_lite_chart`` element's spec and its named tables."""
    spec = json.loads(element.proto.spec)
    tables = {
        dataset.name: pa.ipc.open_stream(dataset.data.data).read_all().to_pandas()
        for dataset in element.proto.datasets
    }
    return spec, tables


def labels_of(axis: dict[str, Any]) -> list[str]:
    """The labels an axis built by ``label_expression`` shows: its JSON list, indexed by position."""
    expression = axis["labelExpr"]
    return json.loads(expression[: expression.rindex("[datum.value]")])


def heatmaps(spec: dict[str, Any], tables: dict[str, pd.DataFrame] | None = None) -> dict[str, DrawnHeatmap]:
    """Every heatmap panel of ``spec`` (a single heatmap or a grid of them) by its title."""
    tables = tables if tables is not None else spec.get("datasets", {})
    views = spec.get("concat", [spec])
    found = {}
    for view in views:
        frame = tables[view["data"]["name"]]
        cells = next(layer for layer in view["layer"] if layer["mark"]["type"] == "rect")
        x, y = cells["encoding"]["x"], cells["encoding"]["y"]
        rows, columns = len(y["scale"]["domain"]), len(x["scale"]["domain"])
        values = np.full((rows, columns), np.nan)
        values[frame["row"].to_numpy(), frame["column"].to_numpy()] = frame["value"].to_numpy()
        title = view.get("title", {}).get("text", "")
        found[title] = DrawnHeatmap(title, values, labels_of(y["axis"]), labels_of(x["axis"]), view)
    return found


def vega_charts(at: Any) -> list[tuple[dict[str, Any], dict[str, pd.DataFrame]]]:
    """Every Vega-Lite chart of an AppTest page, as (spec, tables)."""
    return [element_spec(element) for element in at.get("vega_lite_chart")]


def page_heatmaps(at: Any) -> dict[str, DrawnHeatmap]:
    """Every heatmap panel on an AppTest page by its title."""
    found: dict[str, DrawnHeatmap] = {}
    for spec, tables in vega_charts(at):
        if all(_is_heatmap(view) for view in spec.get("concat", [spec])):
            found.update(heatmaps(spec, tables))
    return found


def _is_heatmap(view: dict[str, Any]) -> bool:
    layers = view.get("layer", [])
    return any(
        isinstance(layer.get("mark"), dict) and layer["mark"].get("type") == "rect" for layer in layers
    )


def schema_errors(spec: dict[str, Any]) -> list[str]:
    """Where ``spec`` breaks the Vega-Lite JSON schema that altair ships (tables replaced by their records):
    a property in the wrong place is silently ignored or blanks the chart in the browser."""
    import jsonschema
    from altair.vegalite.v6.schema.core import load_schema

    plain = dict(spec)
    if "datasets" in plain:
        plain["datasets"] = {
            name: table.to_dict("records") if isinstance(table, pd.DataFrame) else table
            for name, table in plain["datasets"].items()
        }
    validator = jsonschema.Draft7Validator(load_schema())
    return [f"{list(error.absolute_path)}: {error.message[:200]}" for error in validator.iter_errors(plain)]


def title_of(spec: dict[str, Any]) -> str:
    return spec.get("title", {}).get("text", "")


def page_titles(at: Any) -> list[str]:
    """The titles of every chart on an AppTest page: plotly layouts, Vega-Lite charts and their panels."""
    layouts = [json.loads(chart.proto.spec)["layout"] for chart in at.get("plotly_chart")]
    titles = [layout.get("title", {}).get("text", "") for layout in layouts]
    for spec, _ in vega_charts(at):
        titles += [title_of(view) for view in spec.get("concat", [spec])]
    return titles
