"""The forecasting page under AppTest: it trains and draws, its charts are the study's numbers, controls
live in the URL, bad URL values fall back, Chinese labels."""

from __future__ import annotations

import json
import math

from apptest_pages import open_page as open_page_at
from apptest_pages import texts
from streamlit.testing.v1 import AppTest

from seqviz.forecast import SeriesSpec, forecast_study

PAGE = "pages/9_Forecasting.py"


def open_page(**query: str) -> AppTest:
    return open_page_at(PAGE, **query)


def specs(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def test_the_page_draws_the_studys_own_predictions():
    at = open_page(period="40", noise="0.1", tau="3", k="8", cell="rnn", lang="en")
    assert not at.error
    assert at.slider(key="_url.forecast.tau").value == 3
    assert at.radio(key="_url.forecast.cell").value == "rnn"
    study = forecast_study(SeriesSpec(period=40.0, noise=0.1), 3, 8, "rnn", updates=150)
    mlp, latent, horizons = specs(at)
    k_step = next(trace for trace in mlp["data"] if trace["name"] == "8 steps ahead")
    for shown, expected in zip(k_step["y"], study.predictions["mlp_k"].tolist(), strict=True):
        assert (shown is None and math.isnan(expected)) or abs(shown - expected) < 1e-6
    assert latent["layout"]["title"]["text"] == "RNN with a latent state h_t"
    mse = next(trace for trace in horizons["data"] if trace["name"] == "Markov MLP")["y"]
    assert mse == [e.mse for e in study.errors["mlp"]]
    assert "Trained in" in texts(at)
    at.slider(key="_url.forecast.k").set_value(4).run()
    assert at.query_params["k"] == "4"
    assert any(trace["name"] == "4 steps ahead" for trace in specs(at)[0]["data"])


def test_unusable_url_values_fall_back():
    at = open_page(period="0", noise="nan", tau="999", k="-1", cell="transformer", lang="en")
    assert not at.exception and not at.error
    assert at.slider(key="_url.forecast.tau").value == 4
    assert at.radio(key="_url.forecast.cell").value == "lstm"


def test_chinese_labels():
    at = open_page(lang="zh")
    assert at.title[0].value == "序列模型：预测"
    assert any("马尔可夫" in spec["layout"]["title"]["text"] for spec in specs(at))
