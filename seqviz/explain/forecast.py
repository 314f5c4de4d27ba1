"""Autoregressive forecasting of a noisy periodic series: the first chapter of the course, made runnable.

Two ways to predict ``x_t`` from the past:

- the **Markov assumption**: only the last ``tau`` values matter, ``x_t ~ f(x_{t-tau}, ..., x_{t-1})``; an MLP
  on those ``tau`` numbers (d2l's first sequence model);
- a **latent state**: ``h_t = g(h_{t-1}, x_t)`` summarises everything seen, ``x_{t+1} ~ W h_t + b``; a small
  RNN / LSTM / GRU.

Both train on the first part of the series in a second or two. Then the compounding of errors: a
*one-step-ahead* prediction reads the true past; a *k-step-ahead* prediction of ``x_t`` must feed its own
predictions for ``x_{t-k+1} ... x_{t-1}`` back in, and each one carries the error of the last. Every
prediction here is made exactly that way, batched over all start points, so the k-step curve a page draws
is what k rounds of feeding back really give.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch
from torch import nn

from seqviz.errors import InputError
from seqviz.models.config import CELLS

MAX_LENGTH = 5000
MAX_TAU = 64
MAX_HORIZON = 128


@dataclass(frozen=True)
class SeriesSpec:
    """``x_t = sin(2 pi t / period) + noise * N(0, 1)`` for t = 0 .. length-1 (d2l: period 2 pi / 0.01)."""

    length: int = 1000
    period: float = 100.0
    noise: float = 0.2
    seed: int = 0
    train_fraction: float = 0.6  # the first 60% trains the models (d2l: 600 of 1000)

    def __post_init__(self) -> None:
        if not 50 <= self.length <= MAX_LENGTH:
            raise InputError(f"the series length must be between 50 and {MAX_LENGTH}, got {self.length}")
        if not (math.isfinite(self.period) and 2 <= self.period <= self.length):
            raise InputError(f"the period must be between 2 and the length {self.length}, got {self.period}")
        if not (math.isfinite(self.noise) and 0 <= self.noise <= 5):
            raise InputError(f"the noise must be between 0 and 5, got {self.noise}")
        if not 0.2 <= self.train_fraction <= 0.9:
            raise InputError(f"the training fraction must be between 0.2 and 0.9, got {self.train_fraction}")

    @property
    def train_length(self) -> int:
        return int(self.length * self.train_fraction)


def periodic_series(spec: SeriesSpec) -> torch.Tensor:
    """The series ``[length]`` (float32), the same for the same spec on every machine."""
    generator = torch.Generator().manual_seed(spec.seed)
    steps = torch.arange(spec.length, dtype=torch.float64)
    clean = torch.sin(2 * math.pi * steps / spec.period)
    noise = torch.randn(spec.length, generator=generator, dtype=torch.float64) * spec.noise
    return (clean + noise).float()


# ------------------------------------------------------------------------------------------------ models


class MarkovMLP(nn.Module):
    """``x_t = MLP(x_{t-tau}, ..., x_{t-1})``: a fixed window of the past, nothing else (d2l's sizes)."""

    def __init__(self, tau: int, hidden: int = 10) -> None:
        super().__init__()
        self.tau = tau
        self.net = nn.Sequential(nn.Linear(tau, hidden), nn.ReLU(), nn.Linear(hidden, 1))

    def forward(self, windows: torch.Tensor) -> torch.Tensor:
        """``windows [N, tau]`` (oldest first) -> the next value ``[N]``."""
        return self.net(windows).squeeze(-1)


class LatentForecaster(nn.Module):
    """``h_t = cell(h_{t-1}, x_t)``, ``x_{t+1} = W h_t + b``: the past summarised in a latent state."""

    def __init__(self, cell: str = "lstm", hidden: int = 16) -> None:
        super().__init__()
        if cell not in CELLS:
            raise InputError(f"the cell must be one of {', '.join(CELLS)}, got {cell!r}")
        self.cell = cell
        self.rnn = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[cell](1, hidden, batch_first=True)
        self.head = nn.Linear(hidden, 1)

    def forward(self, values: torch.Tensor, state: object = None) -> tuple[torch.Tensor, object]:
        """``values [B, T]`` -> predictions of the next value after each ``[B, T]``, and the final state."""
        outputs, state = self.rnn(values[..., None], state)
        return self.head(outputs).squeeze(-1), state

    def states(self, values: torch.Tensor) -> object:
        """The state after reading each prefix of one series ``[T]``, laid out as nn.RNN's ``hx`` for a
        batch of T start points: ``[1, T, H]`` (and c_t alongside for an LSTM, which nn.LSTM does not return
        per step: ``trace_recurrent`` replays it)."""
        from seqviz.models.trace import trace_recurrent

        trace = trace_recurrent(self.rnn, values[None, :, None])
        hidden = trace.hidden[0]  # [B=1, T, H]: read as layers=1, batch=T
        if self.cell != "lstm":
            return hidden.contiguous()
        assert trace.cell is not None
        return hidden.contiguous(), trace.cell[0].contiguous()


Forecaster = MarkovMLP | LatentForecaster


# -------------------------------------------------------------------------------------------- training


@dataclass
class TrainingResult:
    model: Forecaster
    losses: list[float] = field(default_factory=list)  # training MSE per update


def train_mlp(
    series: torch.Tensor, spec: SeriesSpec, tau: int, updates: int = 300, seed: int = 0
) -> TrainingResult:
    """Fit the Markov MLP on every window of the training part (full-batch Adam, lr 0.01)."""
    if not 1 <= tau <= min(MAX_TAU, spec.train_length - 1):
        raise InputError(f"tau must be between 1 and {min(MAX_TAU, spec.train_length - 1)}, got {tau}")
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = MarkovMLP(tau)
        train = series[: spec.train_length]
        windows, targets = lag_windows(train, tau)
        optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
        losses = []
        for _ in range(updates):
            loss = nn.functional.mse_loss(model(windows), targets)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    return TrainingResult(model.eval(), losses)


def train_latent(
    series: torch.Tensor, spec: SeriesSpec, cell: str = "lstm", updates: int = 300, seed: int = 0
) -> TrainingResult:
    """Fit the latent-state model to predict every next value of the training part, read as one sequence
    from a zero state (full BPTT; the series is short), Adam 0.01 with gradient clipping.

    One whole sequence, not independent chunks: predictions later start from the state after reading the
    series from its beginning, and a model trained only on short chunks has never seen such a state.
    """
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = LatentForecaster(cell)
        train = series[: spec.train_length]
        inputs, targets = train[None, :-1], train[None, 1:]
        optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
        losses = []
        for _ in range(updates):
            predictions, _ = model(inputs)
            loss = nn.functional.mse_loss(predictions, targets)
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            losses.append(loss.item())
    return TrainingResult(model.eval(), losses)


def lag_windows(values: torch.Tensor, tau: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Features ``[x_{t-tau} .. x_{t-1}]`` and label ``x_t`` for every t >= tau."""
    windows = values.unfold(0, tau, 1)[:-1]  # [T - tau, tau]
    return windows, values[tau:]


# ----------------------------------------------------------------------------------------- predictions


@torch.no_grad()
def k_step_predictions(model: Forecaster, series: torch.Tensor, k: int) -> torch.Tensor:
    """``[T]``: the prediction of each ``x_t`` made from the truth up to ``x_{t-k}`` and the model's own
    predictions after that (k = 1: one step ahead). NaN where the model has too little true past.
    """
    if not 1 <= k <= MAX_HORIZON:
        raise InputError(f"the horizon k must be between 1 and {MAX_HORIZON}, got {k}")
    length = series.shape[0]
    result = torch.full((length,), float("nan"))
    if isinstance(model, MarkovMLP):
        tau = model.tau
        starts = length - tau - k + 1  # windows whose k-th prediction stays inside the series
        if starts <= 0:
            return result
        features = torch.zeros(starts, tau + k)
        for column in range(tau):
            features[:, column] = series[column : column + starts]
        for step in range(k):  # each column after the first tau is a prediction fed back as input
            features[:, tau + step] = model(features[:, step : step + tau])
        result[tau + k - 1 :] = features[:, -1]
        return result
    state = model.states(series)  # after reading the truth x_0 .. x_s, for every start point s (as a batch)
    hidden = state[0] if isinstance(state, tuple) else state
    predictions = model.head(hidden[0]).squeeze(-1)  # [T]: x^_{s+1}
    for _ in range(k - 1):  # feed each prediction back in: x^_{s+1} in, x^_{s+2} out, and so on
        outputs, state = model.rnn(predictions[:, None, None], state)
        predictions = model.head(outputs[:, 0]).squeeze(-1)
    result[k:] = predictions[: length - k]  # from the state after x_s: the prediction of x_{s+k}
    return result


@dataclass(frozen=True)
class HorizonError:
    k: int
    mse: float  # mean squared error of the k-step predictions over the test part
    count: int  # how many test steps had a prediction


def horizon_errors(
    model: Forecaster, series: torch.Tensor, spec: SeriesSpec, horizons: list[int]
) -> list[HorizonError]:
    """The test MSE (steps after the training part) of the k-step predictions, for each k."""
    truth = series[spec.train_length :]
    errors = []
    for k in horizons:
        predicted = k_step_predictions(model, series, k)[spec.train_length :]
        valid = ~torch.isnan(predicted)
        count = int(valid.sum())
        mse = float(((predicted[valid] - truth[valid]) ** 2).mean()) if count else float("nan")
        errors.append(HorizonError(k, mse, count))
    return errors


@torch.no_grad()
def free_run(model: Forecaster, series: torch.Tensor, start: int) -> torch.Tensor:
    """``[T]``: the truth up to ``start``, then only the model's own predictions (NaN before ``start``)."""
    if not 1 <= start < series.shape[0]:
        raise InputError(f"the free run must start inside the series, got {start}")
    result = torch.full_like(series, float("nan"))
    if isinstance(model, MarkovMLP):
        if start < model.tau:
            raise InputError(f"the free run needs tau = {model.tau} true values first")
        values = series.clone()
        for t in range(start, series.shape[0]):
            values[t] = model(values[None, t - model.tau : t])[0]
        result[start:] = values[start:]
        return result
    predictions, state = model(series[None, :start])
    value = predictions[:, -1]  # x^_start
    for t in range(start, series.shape[0]):
        result[t] = value[0]
        predictions, state = model(value[:, None], state)
        value = predictions[:, -1]
    return result


# ------------------------------------------------------------------------------------------- one study

HORIZONS = (1, 2, 4, 8, 16, 32, 64)


@dataclass
class ForecastStudy:
    """Everything the forecasting page draws, for one series and one choice of tau, k and cell."""

    spec: SeriesSpec
    tau: int
    k: int
    cell: str
    series: torch.Tensor
    predictions: dict[str, torch.Tensor]  # "mlp_1", "mlp_k", "latent_1", "latent_k" -> [T], NaN where none
    free_runs: dict[str, torch.Tensor]  # "mlp", "latent" -> [T] from the end of the training part
    errors: dict[str, list[HorizonError]]  # "mlp", "latent" -> test MSE per horizon in HORIZONS
    losses: dict[str, list[float]]  # training MSE per update
    noise_floor: float  # noise ** 2: the MSE of a perfect predictor of the clean signal


def forecast_study(spec: SeriesSpec, tau: int, k: int, cell: str, updates: int = 150) -> ForecastStudy:
    """Train both models on ``spec``'s series and predict with each, 1 and ``k`` steps ahead."""
    if not 1 <= k <= MAX_HORIZON:
        raise InputError(f"the horizon k must be between 1 and {MAX_HORIZON}, got {k}")
    series = periodic_series(spec)
    mlp = train_mlp(series, spec, tau, updates=updates)
    latent = train_latent(series, spec, cell, updates=updates)
    models = {"mlp": mlp.model, "latent": latent.model}
    predictions = {
        f"{name}_{label}": k_step_predictions(model, series, horizon)
        for name, model in models.items()
        for label, horizon in (("1", 1), ("k", k))
    }
    return ForecastStudy(
        spec=spec,
        tau=tau,
        k=k,
        cell=cell,
        series=series,
        predictions=predictions,
        free_runs={name: free_run(model, series, spec.train_length) for name, model in models.items()},
        errors={name: horizon_errors(model, series, spec, list(HORIZONS)) for name, model in models.items()},
        losses={"mlp": mlp.losses, "latent": latent.losses},
        noise_floor=spec.noise**2,
    )
