"""The forecasting page's sections: the controls (URL-bound), the cached study, and its charts.
Numbers come from ``seqviz.explain.forecast``, figures from ``seqviz.viz.forecast``."""

from __future__ import annotations

import time
from typing import Any

import streamlit as st

from seqviz.export.csv_export import forecast_predictions_csv
from seqviz.ui.common import download, vega_chart
from seqviz.ui.i18n import labeller, t
from seqviz.ui.url_state import url_bound

UPDATES = 150


@st.cache_resource(show_spinner=False, max_entries=32)
def _study(period: float, noise: float, tau: int, k: int, cell: str) -> tuple[Any, float]:
    """Trained once per setting and shared by every session (the study is only read)."""
    from seqviz.explain.forecast import SeriesSpec, forecast_study

    started = time.perf_counter()
    study = forecast_study(SeriesSpec(period=period, noise=noise), tau, k, cell, updates=UPDATES)
    return study, time.perf_counter() - started


def _in_form(bound: dict[str, Any], callbacks: list[Any]) -> dict[str, Any]:
    """A ``url_bound`` widget inside a form: its value is remembered when the form is submitted (a form's
    widgets may not have callbacks of their own)."""
    callbacks.append(bound.pop("on_change"))
    return bound


def controls() -> dict[str, Any]:
    """The series and model settings in one form: moving a slider (or pressing its arrow keys twenty times)
    trains nothing until "Train" is pressed; each setting is trained once and cached for every session."""
    from seqviz.models.config import CELLS

    remember: list[Any] = []

    def bound(key: str, query: str, default: Any, **options: Any) -> dict[str, Any]:
        return _in_form(url_bound(f"forecast.{key}", query, default, **options), remember)

    with st.form("forecast.form", border=False, enter_to_submit=False):
        columns = st.columns(5)
        period = columns[0].slider(
            t("forecast.period"), 10, 200, step=5,
            **bound("period", "period", 50, parse=int, valid=lambda v: 10 <= v <= 200),
        )  # fmt: skip
        noise = columns[1].slider(
            t("forecast.noise"), 0.0, 1.0, step=0.05,
            **bound("noise", "noise", 0.2, parse=float, valid=lambda v: 0 <= v <= 1),
        )  # fmt: skip
        tau = columns[2].slider(
            t("forecast.tau"), 1, 32, **bound("tau", "tau", 4, parse=int, valid=lambda v: 1 <= v <= 32)
        )
        k = columns[3].slider(
            t("forecast.k"), 1, 64, **bound("k", "k", 16, parse=int, valid=lambda v: 1 <= v <= 64)
        )
        cell = columns[4].radio(
            t("forecast.cell"), list(CELLS), format_func=labeller("forecast.cell"), horizontal=True,
            **bound("cell", "cell", "lstm", valid=lambda v: v in CELLS),
        )  # fmt: skip
        st.form_submit_button(
            t("forecast.apply"), type="primary", icon=":material/model_training:",
            on_click=lambda: [callback() for callback in remember],
        )  # fmt: skip
    return {
        "period": float(period),
        "noise": round(float(noise), 2),
        "tau": int(tau),
        "k": int(k),
        "cell": cell,
    }


def study(chosen: dict[str, Any]) -> Any:
    with st.spinner(t("forecast.training")):
        result, seconds = _study(
            chosen["period"], chosen["noise"], chosen["tau"], chosen["k"], chosen["cell"]
        )
    st.caption(t("forecast.trained", seconds=seconds, updates=UPDATES))
    return result


def charts(result: Any) -> None:
    from seqviz.explain.forecast import HORIZONS
    from seqviz.viz.forecast import horizon_figure, predictions_figure

    cell = t(f"forecast.cell.{result.cell}")
    truth = result.series.tolist()
    train = result.spec.train_length
    for name, title in (
        ("mlp", t("forecast.mlp_title", tau=result.tau)),
        ("latent", t("forecast.latent_title", cell=cell)),
    ):
        lines = {
            f"{name}_1": (t("forecast.one_step"), result.predictions[f"{name}_1"].tolist()),
            f"{name}_k": (t("forecast.k_step", k=result.k), result.predictions[f"{name}_k"].tolist()),
            f"{name}_free": (t("forecast.free"), result.free_runs[name].tolist()),
        }
        vega_chart(
            st,
            predictions_figure(truth, lines, train, title=title, train_label=t("forecast.train_label")),
            width="stretch",
            key=f"forecast.{name}",
        )
    errors = {
        "mlp": (t("forecast.mlp"), [e.mse for e in result.errors["mlp"]]),
        "latent": (t("forecast.latent", cell=cell), [e.mse for e in result.errors["latent"]]),
    }
    vega_chart(
        st,
        horizon_figure(
            HORIZONS,
            errors,
            result.noise_floor,
            title=t("forecast.horizon_title"),
            floor_label=t("forecast.floor"),
        ),
        width="stretch",
        key="forecast.horizons",
    )
    st.caption(t("forecast.horizon_note"))
    download(
        t("forecast.download"),
        lambda: forecast_predictions_csv(result),
        f"forecast-tau{result.tau}-k{result.k}.csv",
    )


# ------------------------------------------------------------------------------------------- the page


def page_view() -> None:
    """The Forecasting page under its introduction: the settings, then the fitted models' charts."""
    from seqviz.ui.errors import user_errors

    chosen = controls()
    with user_errors():
        charts(study(chosen))
