"""Figures carry exactly the numbers they are given, with every token kept (repeats included)."""

from __future__ import annotations

import math

import pandas as pd

from seqviz.viz.heatmap import diverging, heatmap_grid, token_heatmap
from seqviz.viz.train import MAX_POINTS_PER_RUN, curves_chart, curves_frame, thinned
from seqviz.viz.vega import label_expression, tick_positions
from tests.support.vega_read import heatmaps, labels_of, schema_errors


def test_heatmap_keeps_repeated_tokens_as_separate_rows_and_columns():
    values = [[0.1, 0.9, 0.0], [0.5, 0.25, 0.25]]
    spec = token_heatmap(values, ["a", "a"], ["x", "x", "<eos>"], row_title="out", column_title="in")
    assert schema_errors(spec) == []
    (drawn,) = heatmaps(spec).values()
    assert drawn.values.tolist() == values
    assert drawn.row_labels == ["a", "a"] and drawn.column_labels == ["x", "x", "<eos>"]
    frame = spec["datasets"]["cells"]
    assert frame.iloc[5][["row_label", "column_label"]].tolist() == ["a", "<eos>"]  # the tooltip's names
    cells = spec["layer"][0]["encoding"]
    assert cells["x"]["axis"]["values"] == [0, 1, 2] and cells["y"]["axis"]["values"] == [0, 1]


def test_heatmap_numbers_in_cells_only_when_readable():
    def marks(spec):
        return [layer["mark"]["type"] for layer in spec["layer"]]

    assert marks(token_heatmap([[0.5]], ["a"], ["b"])) == ["rect", "text"]
    assert marks(token_heatmap([[0.0] * 100] * 10, list("abcdefghij"), [str(i) for i in range(100)])) == [
        "rect"
    ]


def test_any_token_is_an_axis_label_as_it_is_never_code():
    tokens = ['"', "\\", "</script>", "猫", "🙂", "a'b", "\n", "datum.value"]
    spec = token_heatmap([[0.0] * len(tokens)], ["r"], tokens)
    assert labels_of(spec["layer"][0]["encoding"]["x"]["axis"]) == tokens
    assert label_expression(["a"]) == '["a"][datum.value]'


def test_long_axes_label_every_kth_position_but_keep_every_cell():
    spec = token_heatmap([[float(i) for i in range(130)]], ["r"], [str(i) for i in range(130)])
    axis = spec["layer"][0]["encoding"]["x"]["axis"]
    assert axis["values"] == tick_positions(130) == list(range(0, 130, 3))
    assert axis["labelAngle"] == -90  # 44 labels side by side: turned
    assert heatmaps(spec)[""].values.shape == (1, 130)


def test_marks_and_scales():
    spec = token_heatmap(
        [[0.1, -2.0]], ["r"], ["x", "y"], colours=diverging(2.0), marked_row=0, marked_column=1
    )
    scale = spec["layer"][0]["encoding"]["color"]["scale"]
    assert (scale["domainMin"], scale["domainMax"], scale["domainMid"]) == (-2.0, 2.0, 0.0)
    rules = [layer["encoding"] for layer in spec["layer"] if layer["mark"]["type"] == "rule"]
    assert rules == [{"x": {"datum": 1, "type": "ordinal"}}, {"y": {"datum": 0, "type": "ordinal"}}]


def test_a_grid_keeps_each_panel_with_its_own_table_and_colour_scale():
    first = token_heatmap([[0.1, 0.2]], ["a"], ["x", "y"], title="one", width=300)
    second = token_heatmap([[5.0], [6.0]], ["b", "c"], ["z"], title="two", width=300, colours=diverging(6.0))
    grid = heatmap_grid([first, second])
    assert schema_errors(grid) == []
    assert [view["data"]["name"] for view in grid["concat"]] == ["cells0", "cells1"]
    assert grid["resolve"]["scale"]["color"] == "independent"
    assert "$schema" in grid and "autosize" in grid  # without either, Streamlit draws a blank chart
    assert all("autosize" not in view and "$schema" not in view for view in grid["concat"])
    drawn = heatmaps(grid)
    assert drawn["one"].values.tolist() == [[0.1, 0.2]] and drawn["two"].values.tolist() == [[5.0], [6.0]]


def test_curves_frame_has_one_row_per_finite_report():
    runs = [
        ("lstm", [{"step": 5, "loss": 2.0}, {"step": 10, "loss": math.nan}, {"step": 15, "loss": 1.0}]),
        ("gru", [{"step": 5, "loss": 1.5}, {"step": 10}]),
    ]
    frame = curves_frame(runs, "loss")
    assert frame.to_dict("records") == [
        {"step": 5.0, "value": 2.0, "run": "lstm"},
        {"step": 15.0, "value": 1.0, "run": "lstm"},
        {"step": 5.0, "value": 1.5, "run": "gru"},
    ]


def test_long_runs_are_thinned_to_real_reports_keeping_first_and_last():
    reports = [{"step": step, "loss": 1 / step} for step in range(1, 10_001)]
    kept = thinned(reports)
    assert len(kept) <= MAX_POINTS_PER_RUN + 1
    assert kept[0] is reports[0] and kept[-1] is reports[-1]
    assert all(any(k is r for r in reports) for k in kept[:5])  # the same objects: true values
    steps = [k["step"] for k in kept]
    assert steps == sorted(set(steps))
    short = reports[:MAX_POINTS_PER_RUN]
    assert thinned(short) == short
    frame = curves_frame([("a", reports), ("b", short)], "loss")
    assert (frame["run"] == "b").sum() == MAX_POINTS_PER_RUN
    assert frame[frame["run"] == "a"]["step"].iloc[-1] == 10_000


def test_curves_chart_colours_by_run_only_for_several_runs():
    one = curves_chart([("a", [{"step": 1, "loss": 1.0}])], "loss")
    two = curves_chart([("a", [{"step": 1, "loss": 1.0}]), ("b", [{"step": 1, "loss": 2.0}])], "loss")
    assert schema_errors(one) == [] and schema_errors(two) == []
    assert one["encoding"]["color"] == {"value": "#1f77b4"}
    assert two["encoding"]["color"]["field"] == "run"
    colours = two["encoding"]["color"]["scale"]["range"]
    assert len(set(colours)) == 2 and colours[0] != colours[1]  # distinct hues, not the theme's blues
    dashes = two["encoding"]["strokeDash"]["scale"]["range"]
    assert dashes[0] != dashes[1]
    assert two["datasets"]["curves"]["value"].tolist() == [1.0, 2.0]
    log = curves_chart([("a", [{"step": 1, "perplexity": 3.0}])], "perplexity")
    assert log["encoding"]["y"]["scale"]["type"] == "log"


def test_probability_strip_wraps_the_text_and_outlines_the_chosen_token():
    from seqviz.viz.lm import probability_strip

    spec = probability_strip(list("ab de"), [0.5, 0.25, 0.1, 0.9, 1.0], per_row=3, chosen=4)
    assert schema_errors(spec) == []
    table = spec["datasets"]["strip"]
    assert table[["row", "column"]].values.tolist() == [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1]]
    assert table["token"].tolist() == ["a", "b", "␣", "d", "e"]  # a space made visible
    assert spec["layer"][-1]["transform"] == [{"filter": "datum.index == 4"}]


def test_decoding_bars_carry_the_numbers_and_mark_the_chosen():
    from seqviz.viz.decoding import CHOSEN, FORCED, OTHER, attention_bars, top_k_bars

    bars = attention_bars(["a", "b", "a"], [0.2, 0.7, 0.1], title="step 2", axis_title="source")
    assert schema_errors(bars) == []
    table = bars["datasets"]["bars"]
    assert table["value"].tolist() == [0.2, 0.7, 0.1] and table["token"].tolist() == ["a", "b", "a"]
    assert table["colour"].tolist() == [OTHER, CHOSEN, OTHER]  # the strongest in red
    assert labels_of(bars["layer"][0]["encoding"]["x"]["axis"]) == ["a", "b", "a"]  # both a's kept
    top = top_k_bars(["x", "y"], [0.9, 0.05], chosen=1, forced=True, title="top 2")
    assert schema_errors(top) == []
    assert top["datasets"]["bars"]["colour"].tolist() == [OTHER, FORCED]
    assert labels_of(top["layer"][0]["encoding"]["y"]["axis"]) == ["x", "y"]  # most probable on top (rank 0)


def test_exposure_chart_leaves_steps_not_reached_as_gaps():
    from seqviz.viz.decoding import exposure_chart

    spec = exposure_chart(["a", "b", "<eos>"], [-0.1, -0.2, -0.3], [-0.1, -2.0], first_difference=1)
    assert schema_errors(spec) == []
    table = spec["datasets"]["log_probs"]
    free = table[table["regime"] == "free running"]["log_p"].tolist()
    assert free[:2] == [-0.1, -2.0] and pd.isna(free[2])  # not reached: no point drawn
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["line", "rule", "text"]  # the first difference, marked and named


def test_only_a_crowded_x_axis_turns_its_labels():
    units = [f"u{i}" for i in range(32)]
    spec = token_heatmap([[0.0] * 40 for _ in units], units, [str(t) for t in range(40)])
    encoding = spec["layer"][0]["encoding"]
    assert encoding["x"]["axis"]["labelAngle"] == -90  # 40 time steps side by side: turned
    assert encoding["y"]["axis"]["labelAngle"] == 0  # 32 unit labels stacked: never turned


def test_latex_numbers_never_show_a_python_exponent():
    from seqviz.viz.latex import latex_number

    assert latex_number(70_964_123.4) == r"7.0964 \times 10^{7}"
    assert latex_number(1.234e-5) == r"1.234 \times 10^{-5}"
    assert latex_number(3.5) == "3.5" and latex_number(float("inf")) == r"\infty"
    assert all("e" not in latex_number(10.0**k).replace("times", "") for k in range(-12, 13))


def test_projector_spec_scales_chart_text_and_leaves_the_data():
    from seqviz.viz.vega import PROJECTOR_CONFIG, projector_spec

    spec = curves_chart([("a", [{"step": 1, "loss": 1.0}]), ("b", [{"step": 1, "loss": 2.0}])], "loss")
    spec["layer"] = [{"mark": {"type": "text", "fontSize": 10}}]
    big = projector_spec(spec)
    assert big["config"]["axis"]["labelFontSize"] == PROJECTOR_CONFIG["axis"]["labelFontSize"] > 11
    assert big["layer"][0]["mark"]["fontSize"] == 15  # explicit mark text scaled too
    assert spec["layer"][0]["mark"]["fontSize"] == 10 and "config" not in spec  # the original untouched
    assert big["datasets"]["curves"] is spec["datasets"]["curves"]  # data shared, not copied
    plain_spec = curves_chart([("a", [{"step": 1, "loss": 1.0}])], "loss")
    assert schema_errors(projector_spec(plain_spec)) == []  # still a valid Vega-Lite spec


def test_projector_heatmaps_start_visibly_coloured_and_keep_white_for_zero():
    """Sequential schemes lose their near-white end on a projector (every cell visibly coloured, more still
    darker); a diverging scheme keeps white, which means zero there."""
    from seqviz.viz.heatmap import diverging, sequential, token_heatmap
    from seqviz.viz.vega import PROJECTOR_SCHEME_EXTENT, projector_spec

    def scale_of(spec):  # the colour scale of the heatmap's cells
        (drawn,) = heatmaps(spec).values()
        cells = next(layer for layer in drawn.view["layer"] if layer["mark"]["type"] == "rect")
        return cells["encoding"]["color"]["scale"]

    values, rows, columns = [[0.0, 0.5], [0.25, 1.0]], ["a", "b"], ["x", "y"]
    light = token_heatmap(values, rows, columns, colours=sequential(0.0, 1.0, scheme="oranges"))
    projected = projector_spec(light)
    assert scale_of(light)["scheme"] == "oranges"  # the screen's spec untouched
    assert scale_of(projected)["scheme"] == {"name": "oranges", "extent": list(PROJECTOR_SCHEME_EXTENT)}
    assert PROJECTOR_SCHEME_EXTENT[0] > 0 and PROJECTOR_SCHEME_EXTENT[1] == 1.0
    assert schema_errors(projected) == []
    signed = token_heatmap(values, rows, columns, colours=diverging(1.0))
    assert scale_of(projector_spec(signed))["scheme"] == "redblue"
