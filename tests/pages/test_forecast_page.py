"""The forecasting page under AppTest: it trains and draws, its charts are the study's numbers, controls
live in the URL, bad URL values fall back, Chinese labels."""

from __future__ import annotations

import math

from seqviz.explain.forecast import SeriesSpec, forecast_study
from tests.support.apptest import texts
from tests.support.vega_read import title_of, vega_charts

PAGE = "pages/9_Forecasting.py"


def line(tables: dict, table: str, name: str, column: str) -> list[float]:
    """One named line of a chart's table, as drawn (NaN where it has a gap)."""
    frame = tables[table]
    return frame[frame["series"] == name][column].tolist()


def test_the_page_draws_the_studys_own_predictions(visit):
    at = visit(period="40", noise="0.1", tau="3", k="8", cell="rnn", lang="en")
    assert not at.error
    assert at.slider(key="_url.forecast.tau").value == 3
    assert at.radio(key="_url.forecast.cell").value == "rnn"
    study = forecast_study(SeriesSpec(period=40.0, noise=0.1), 3, 8, "rnn", updates=150)
    (_, mlp), latent, (_, horizons) = vega_charts(at)
    k_step = line(mlp, "predicted", "8 steps ahead", "value")
    for shown, expected in zip(k_step, study.predictions["mlp_k"].tolist(), strict=True):
        assert (math.isnan(shown) and math.isnan(expected)) or abs(shown - expected) < 1e-6
    assert title_of(latent[0]) == "RNN with a latent state h_t"
    assert line(horizons, "errors", "Markov MLP", "mse") == [e.mse for e in study.errors["mlp"]]
    assert "Trained in" in texts(at)
    at.slider(key="_url.forecast.k").set_value(4).run()  # a slider tick alone trains nothing
    assert at.query_params["k"] == "8" and line(vega_charts(at)[0][1], "predicted", "8 steps ahead", "value")
    at.slider(key="_url.forecast.k").set_value(4)
    next(b for b in at.button if b.label == "Train with these settings").click().run()
    assert at.query_params["k"] == "4"
    assert line(vega_charts(at)[0][1], "predicted", "4 steps ahead", "value")


def test_unusable_url_values_fall_back(visit):
    at = visit(period="0", noise="nan", tau="999", k="-1", cell="transformer", lang="en")
    assert not at.exception and not at.error
    assert at.slider(key="_url.forecast.tau").value == 4
    assert at.radio(key="_url.forecast.cell").value == "lstm"


def test_chinese_labels(visit):
    at = visit(lang="zh")
    assert at.title[0].value == "序列模型：预测"
    assert any("马尔可夫" in title_of(spec) for spec, _ in vega_charts(at))
