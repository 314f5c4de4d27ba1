"""Autoregressive forecasting: the series, the Markov MLP and the latent-state models, and k-step-ahead
predictions checked against a plain one-prediction-at-a-time loop (no batching tricks)."""

from __future__ import annotations

import math

import pytest
import torch

from seqviz.errors import InputError
from seqviz.explain import forecast

SPEC = forecast.SeriesSpec(length=200, period=25, noise=0.1, seed=3)


@pytest.fixture(scope="module")
def series():
    return forecast.periodic_series(SPEC)


def test_series_is_seeded_and_periodic(series):
    again = forecast.periodic_series(SPEC)
    assert torch.equal(series, again)
    clean = forecast.periodic_series(forecast.SeriesSpec(length=200, period=25, noise=0.0))
    assert torch.allclose(clean[:25], clean[25:50], atol=1e-5)
    assert abs(float((series - clean).std()) - 0.1) < 0.03


@pytest.mark.parametrize(
    "kwargs",
    [{"length": 10}, {"period": 1}, {"period": float("nan")}, {"noise": -1}, {"train_fraction": 1.0}],
)
def test_bad_series_settings_are_input_errors(kwargs):
    with pytest.raises(InputError):
        forecast.SeriesSpec(**kwargs)


def mlp_loop(model, series, k):
    """x^_t from the truth up to x_{t-k}, then the model's own values, one prediction at a time."""
    tau, result = model.tau, [math.nan] * len(series)
    for t in range(tau + k - 1, len(series)):
        window = series[t - k + 1 - tau : t - k + 1].tolist()
        for _ in range(k):
            window.append(float(model(torch.tensor([window[-tau:]]))[0]))
        result[t] = window[-1]
    return result


def latent_loop(model, series, k):
    result = [math.nan] * len(series)
    for s in range(len(series) - k):
        predictions, state = model(series[None, : s + 1])
        value = predictions[:, -1]
        for _ in range(k - 1):
            predictions, state = model(value[:, None], state)
            value = predictions[:, -1]
        result[s + k] = float(value[0])
    return result


@pytest.mark.parametrize("k", [1, 3, 7])
def test_mlp_k_step_predictions_equal_the_plain_loop(series, k):
    model = forecast.train_mlp(series, SPEC, tau=4, updates=30).model
    batched = forecast.k_step_predictions(model, series, k).tolist()
    with torch.no_grad():
        expected = mlp_loop(model, series, k)
    for got, want in zip(batched, expected, strict=True):
        assert (math.isnan(got) and math.isnan(want)) or abs(got - want) < 1e-5


@pytest.mark.parametrize("cell", forecast.CELLS)
@pytest.mark.parametrize("k", [1, 4])
def test_latent_k_step_predictions_equal_the_plain_loop(series, cell, k):
    model = forecast.train_latent(
        series[:80], forecast.SeriesSpec(length=80, period=25), cell, updates=5
    ).model
    short = series[:60]
    batched = forecast.k_step_predictions(model, short, k).tolist()
    with torch.no_grad():
        expected = latent_loop(model, short, k)
    for got, want in zip(batched, expected, strict=True):
        assert (math.isnan(got) and math.isnan(want)) or abs(got - want) < 1e-5


def test_training_is_seeded_and_learns(series):
    a = forecast.train_mlp(series, SPEC, tau=4, updates=200)
    b = forecast.train_mlp(series, SPEC, tau=4, updates=200)
    assert a.losses == b.losses
    assert a.losses[-1] < a.losses[0] / 3
    errors = forecast.horizon_errors(a.model, series, SPEC, [1, 16])
    assert errors[0].mse < errors[1].mse  # the Markov model's errors compound
    assert errors[0].count > 0


def test_free_run_uses_only_its_own_predictions(series):
    model = forecast.train_mlp(series, SPEC, tau=4, updates=30).model
    run = forecast.free_run(model, series, 150)
    assert torch.isnan(run[:150]).all() and not torch.isnan(run[150:]).any()
    altered = series.clone()
    altered[151:] = 99.0  # the truth after the start must not matter
    torch.testing.assert_close(run, forecast.free_run(model, altered, 150), equal_nan=True, rtol=0, atol=0)
    with pytest.raises(InputError):
        forecast.free_run(model, series, 2)


def test_bad_choices_are_input_errors(series):
    with pytest.raises(InputError):
        forecast.train_mlp(series, SPEC, tau=0)
    with pytest.raises(InputError):
        forecast.LatentForecaster("transformer")
    model = forecast.train_mlp(series, SPEC, tau=2, updates=1).model
    with pytest.raises(InputError):
        forecast.k_step_predictions(model, series, 0)
