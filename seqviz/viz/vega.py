"""What every Vega-Lite spec of seqviz shares: the schema, sizing, renderer, a title, and axes of positions
labelled with tokens.

Why Vega-Lite for the charts a page shows first: a page's first plotly chart makes the browser load and run
Streamlit's 4.7 MB plotly bundle (about 1.3 s of main-thread work on a 2-core machine) before anything is
drawn; the Vega-Lite bundle costs about half of that (``page_first_render_browser`` in
``python -m seqviz bench``). Specs are plain dicts, not altair objects: altair validates and deep-copies
every object it builds, which cost 0.5 s for the Gates page's six heatmaps, ten times the page's compute.
Tests validate the dicts against the Vega-Lite JSON schema instead.

Tokens repeat ("a b a"), and a chart merges equal category labels, which would silently drop data. So marks
sit at integer positions and the tokens are only the axes' labels (``labelExpr`` indexes a list of them).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pandas as pd

VegaSpec = dict[str, Any]  # a Vega-Lite specification, drawn by st.vega_lite_chart
# Streamlit draws a top-level "concat" only when the spec names its schema (found the hard way: blank chart).
SCHEMA = "https://vega.github.io/schema/vega-lite/v6.4.1.json"
TOP_LEVEL_ONLY = ("$schema", "datasets", "autosize", "usermeta")  # what a grid's panels must not carry
MAX_TICKS = 60  # beyond this, every k-th label: 128 unit numbers side by side are unreadable
SVG_LIMIT = 10_000  # up to this many data rows a chart is drawn as SVG (text a test or screen reader reads)


def tick_positions(count: int, most: int = MAX_TICKS) -> list[int]:
    """Every position when they fit, else every k-th (the tooltip still names each mark)."""
    step = max(1, -(-count // most))
    return list(range(0, count, step))


def label_expression(labels: Sequence[str]) -> str:
    """A Vega expression giving an axis position's label: ``["a","b","a"][datum.value]``.

    JSON string literals are valid Vega expression literals, so any token (quotes, backslashes, Chinese,
    emoji) is shown as it is, never evaluated."""
    return f"{json.dumps(list(labels), ensure_ascii=False)}[datum.value]"


def token_axis(
    labels: Sequence[str], title: str, *, channel: str = "x", most: int = MAX_TICKS, show: bool = True
) -> VegaSpec:
    """An axis of positions labelled with ``labels``: at most ``most`` labels; on an x axis crowded with
    more than 30 labels they are turned upright so they do not overlap (a y axis stacks them anyway)."""
    ticks = tick_positions(len(labels), most)
    return {
        "values": ticks,
        "labelExpr": label_expression(labels),
        "labelAngle": -90 if channel == "x" and len(ticks) > 30 else 0,
        "labelOverlap": False,
        "labelLimit": 120,
        "title": title or None,
        "labels": show,
        "ticks": show,
        "domain": False,
    }


def positions(field: str, labels: Sequence[str], title: str, channel: str = "x", **axis: Any) -> VegaSpec:
    """An ordinal position channel (``channel``: "x" or "y") over ``range(len(labels))``, labelled with
    ``labels``."""
    return {
        "field": field,
        "type": "ordinal",
        "scale": {"domain": list(range(len(labels)))},
        "axis": token_axis(labels, title, channel=channel, **axis),
    }


def chart(
    tables: dict[str, pd.DataFrame],
    body: VegaSpec,
    *,
    title: str = "",
    width: int | str = "container",
    height: int = 240,
) -> VegaSpec:
    """A top-level spec: ``body`` (a mark or layers, with its own ``data``) over named ``tables``.

    Streamlit's default autosize, "fit" on both axes, squeezes a chart of ``height="content"`` to a few
    pixels: a fixed size keeps its plot area ("pad"); a container-wide chart fits only its width. Up to
    ``SVG_LIMIT`` rows the renderer is SVG: Streamlit switches to a canvas above 2,000 data points, where
    titles and labels become pixels, and a few thousand SVG marks are still cheap."""
    spec: VegaSpec = {
        "$schema": SCHEMA,
        "datasets": tables,
        **body,
        "width": width,
        "height": height,
        "autosize": {"type": "fit-x" if width == "container" else "pad", "contains": "padding"},
    }
    spec.update(renderer(tables))
    if title:
        spec["title"] = {"text": title, "anchor": "start"}
    return spec


def renderer(tables: dict[str, pd.DataFrame]) -> VegaSpec:
    """SVG up to ``SVG_LIMIT`` data rows (see ``chart``); beyond, Streamlit's own choice, a canvas."""
    rows = sum(len(table) for table in tables.values())
    return {"usermeta": {"embedOptions": {"renderer": "svg"}}} if rows <= SVG_LIMIT else {}


def annotation(mark: VegaSpec, encoding: VegaSpec) -> VegaSpec:
    """A layer drawn once, not once per table row: a rule at the chosen step, a label, a ring. Its encoding
    uses ``datum`` values on the other layers' scales; its data is a single empty row."""
    return {"data": {"values": [{}]}, "mark": mark, "encoding": encoding}


def tooltip(field: str, title: str, kind: str = "nominal", number_format: str | None = None) -> VegaSpec:
    entry: VegaSpec = {"field": field, "type": kind, "title": title}
    if number_format:
        entry["format"] = number_format
    return entry


def token_bars(
    tokens: Sequence[str],
    values: Sequence[float],
    colours: Sequence[str],
    *,
    horizontal: bool = False,
    token_title: str = "",
    value_title: str = "",
    number_format: str | None = ".2f",
) -> tuple[dict[str, pd.DataFrame], VegaSpec]:
    """A bar per token at its position (first on the left, or on top when ``horizontal``), each in its own
    colour, its value (a probability or an attention weight, 0..1) written at its end (``number_format``;
    ``None``: no numbers). Returns the tables and the body for ``chart``. The value axis runs to 1.15 to
    leave room for the numbers, with ticks at the quarters of 0..1 only."""
    table = pd.DataFrame(
        {"position": range(len(tokens)), "token": list(tokens), "value": [float(v) for v in values],
         "colour": list(colours)}
    )  # fmt: skip
    value = {
        "field": "value",
        "type": "quantitative",
        "title": value_title,
        "scale": {"domain": [0, 1.15]},
        "axis": {"values": [0, 0.25, 0.5, 0.75, 1], "format": ".2~f"},
    }
    token_channel, value_channel = ("y", "x") if horizontal else ("x", "y")
    token = positions("position", tokens, token_title, token_channel)
    encoding = {token_channel: token, value_channel: value}
    bars = {
        "mark": {"type": "bar"},
        "encoding": {
            **encoding,
            "color": {"field": "colour", "type": "nominal", "scale": None},  # the table's own colours
            "tooltip": [
                tooltip("token", token_title or "token"),
                tooltip("value", value_title, "quantitative", ".4f"),
            ],
        },
    }
    layers = [bars]
    if number_format:
        text = {"type": "text", "fontSize": 10, **({"align": "left", "dx": 3} if horizontal else {"dy": -7})}
        numbers = {"field": "value", "type": "quantitative", "format": number_format}
        layers.append({"mark": text, "encoding": {**encoding, "text": numbers}})
    return {"bars": table}, {"data": {"name": "bars"}, "layer": layers}


# ------------------------------------------------------------------------------------------ projector
# At the back of a lecture hall a 10-pixel axis label is unreadable: presentation mode scales every chart's
# text, and a washed-out projector needs marks and lines that stay distinct.

PROJECTOR_SCALE = 1.5
PROJECTOR_CONFIG: VegaSpec = {
    "axis": {"labelFontSize": 16, "titleFontSize": 17, "labelColor": "#111", "titleColor": "#111"},
    "legend": {"labelFontSize": 16, "titleFontSize": 16, "symbolSize": 160, "labelColor": "#111"},
    "title": {"fontSize": 20, "color": "#111"},
    "header": {"labelFontSize": 17, "titleFontSize": 17},
    "line": {"strokeWidth": 3},
}


# Sequential schemes start near white: on a washed-out projector the lowest cells vanish into the page. The
# projector keeps each scheme (more is still darker) but starts it a fifth of the way in, so every cell is
# visibly coloured. Diverging schemes keep their white: there it means zero.
SEQUENTIAL_SCHEMES = frozenset({"blues", "oranges", "greens", "greys", "purples", "reds", "viridis"})
PROJECTOR_SCHEME_EXTENT = (0.2, 1.0)


def projector_spec(spec: VegaSpec, scale: float = PROJECTOR_SCALE) -> VegaSpec:
    """A copy of ``spec`` for a projector: larger axis, legend and title text (``config``), every explicit
    ``fontSize`` of a mark scaled by ``scale``, and sequential colour schemes without their near-white end
    (``PROJECTOR_SCHEME_EXTENT``). The data tables are shared, not copied."""

    def scaled(node: Any) -> Any:
        if isinstance(node, dict):
            out = {}
            for key, value in node.items():
                if key == "fontSize" and isinstance(value, int | float):
                    out[key] = round(value * scale, 1)
                elif key == "scheme" and value in SEQUENTIAL_SCHEMES:
                    out[key] = {"name": value, "extent": list(PROJECTOR_SCHEME_EXTENT)}
                else:
                    out[key] = scaled(value)
            return out
        if isinstance(node, list):
            return [scaled(item) for item in node]
        return node  # numbers, strings and data tables (DataFrames) as they are

    out = {key: (value if key == "datasets" else scaled(value)) for key, value in spec.items()}
    config = dict(out.get("config", {}))
    for section, settings in PROJECTOR_CONFIG.items():
        config[section] = {**settings, **config.get(section, {})}
    out["config"] = config
    return out
