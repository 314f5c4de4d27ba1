"""Figures carry exactly the numbers they are given, with every token kept (repeats included)."""

from __future__ import annotations

import math

from seqviz.viz.heatmap import token_heatmap
from seqviz.viz.training import MAX_POINTS_PER_RUN, curves_chart, curves_frame, thinned


def test_heatmap_keeps_repeated_tokens_as_separate_rows_and_columns():
    values = [[0.1, 0.9, 0.0], [0.5, 0.25, 0.25]]
    figure = token_heatmap(values, ["a", "a"], ["x", "x", "<eos>"], row_title="out", column_title="in")
    heatmap = figure.data[0]
    assert [list(row) for row in heatmap.z] == values
    assert list(figure.layout.yaxis.ticktext) == ["a", "a"]
    assert list(figure.layout.xaxis.ticktext) == ["x", "x", "<eos>"]
    assert list(figure.layout.yaxis.tickvals) == [0, 1]
    assert list(heatmap.customdata[1][2]) == ["a", "<eos>"]


def test_heatmap_numbers_in_cells_only_when_readable():
    small = token_heatmap([[0.5]], ["a"], ["b"])
    large = token_heatmap([[0.0] * 100] * 10, list("abcdefghij"), [str(i) for i in range(100)])
    assert small.data[0].texttemplate == "%{z:.2f}"
    assert large.data[0].texttemplate is None


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
    one = curves_chart([("a", [{"step": 1, "loss": 1.0}])], "loss").to_dict()
    two = curves_chart(
        [("a", [{"step": 1, "loss": 1.0}]), ("b", [{"step": 1, "loss": 2.0}])], "loss"
    ).to_dict()
    assert one["encoding"]["color"] == {"value": "#1f77b4"}
    assert two["encoding"]["color"]["field"] == "run"
    log = curves_chart([("a", [{"step": 1, "perplexity": 3.0}])], "perplexity").to_dict()
    assert log["encoding"]["y"]["scale"]["type"] == "log"


def test_probability_strip_leaves_the_cells_after_the_text_blank():
    from seqviz.viz.lm import probability_strip

    figure = probability_strip(list("abcde"), [0.5] * 5, per_row=3)
    text = figure.data[0].text
    assert [list(row) for row in text] == [["a", "b", "c"], ["d", "e", ""]]  # not None: drawn as "null"
