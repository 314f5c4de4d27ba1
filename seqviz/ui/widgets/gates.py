"""The LSTM & GRU page's sections: the choices (part, layer, direction, unit order, step, unit), the heatmaps,
one step's equations and the gradient-flow comparison. Numbers come from ``seqviz.explain.gates`` (through
cached calls), figures from ``seqviz.viz.gates``; nothing here computes model math.

Every choice is URL-bound (``part``, ``layer``, ``dir``, ``sort``, ``units``, ``t``, ``unit``, ``len``,
``k``; the units tab's ``un``, ``ucls``, ``abl``, ``clamp``), so a lecturer's link reopens the same heatmaps,
step and unit. A value the current model cannot use (a layer it lacks, a step past the end of a shorter
input) falls back to the default.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from seqviz.explain.gates import GateView, GradientFlow, mode_name
from seqviz.export.csv_export import ablation_changes_csv, table_csv, unit_ranking_csv
from seqviz.export.json_export import download_json, gate_trace_to_json, units_report_to_json
from seqviz.ui.checkpoint_cache import load_cached_checkpoint, per_checkpoint
from seqviz.ui.common import download, vega_chart
from seqviz.ui.i18n import labeller, t
from seqviz.ui.inputs import model_and_input
from seqviz.ui.plain import code, plain
from seqviz.ui.url_state import url_bound
from seqviz.viz import gates as figures
from seqviz.viz.heatmap import heatmap_grid

RECURRENT_KINDS = ("seq2seq", "language_model")  # the checkpoints with gates: RNN seq2seq and LMs

UNITS_DEFAULT = 32
LENGTH_DEFAULT = 60  # long enough for the plain RNN's gradient to vanish visibly
TRUNCATION_DEFAULT = 10
TRUNCATION_MAX = 100
FRESH_UNITS_SHOWN = 16
FRESH_PANEL_WIDTH = 260  # three cells side by side


# ------------------------------------------------------------------------------------------- cached core


@per_checkpoint(max_entries=128)
def gate_view_for(checkpoint: Any, text: str, part: str) -> GateView:
    """The trace of ``text`` through ``part``, cached per checkpoint version (``InputError`` for bad text)."""
    from seqviz.explain.gates import gate_view

    return gate_view(checkpoint, text, part)


@per_checkpoint(max_entries=128)
def _flow(checkpoint: Any, text: str, part: str, truncation: int | None, length: int) -> GradientFlow:
    from seqviz.explain.gates import gradient_flow, recurrent_module

    view = gate_view_for(checkpoint.path, text, part)
    return gradient_flow(view, recurrent_module(checkpoint, part), truncation, length=length)


@per_checkpoint(max_entries=64)
def _fresh(checkpoint: Any, text: str, part: str) -> dict[str, Any]:
    from seqviz.explain.gates import fresh_hidden_states

    return fresh_hidden_states(gate_view_for(checkpoint.path, text, part))


def _module(path: str | Path, part: str) -> Any:
    from seqviz.explain.gates import recurrent_module

    return recurrent_module(load_cached_checkpoint(path), part)


# ---------------------------------------------------------------------------------------------- choices


@dataclass(frozen=True)
class Choices:
    """What the reader picked; ``order`` is every unit in the chosen order, ``shown`` how many are drawn."""

    layer: int
    direction: int
    order: list[int]
    shown: int
    step: int
    unit: int


def part_choice(checkpoint: Any) -> str:
    from seqviz.explain.gates import parts_of

    parts = list(parts_of(checkpoint))
    if len(parts) == 1:
        return parts[0]
    return st.radio(
        t("gates.part"),
        parts,
        format_func=labeller("gates.part"),
        horizontal=True,
        **url_bound("gates.part", "part", parts[0], valid=lambda value: value in parts),
    )


def describe(view: GateView) -> None:
    st.caption(
        t(
            "gates.reads",
            part=t(f"gates.part.{view.part}"),
            name=plain(view.checkpoint),
            mode=mode_name(view.mode),
            units=view.hidden_size,
            layers=view.num_layers,
            directions=t(f"gates.directions.{view.num_directions}"),
            steps=view.seq_len,
        )
    )
    if view.part == "decoder":
        st.caption(t("gates.decoder_reads", output=code(view.output_text)))
    elif view.part == "lm":
        st.caption(t("gates.lm_reads"))


def choices(view: GateView) -> Choices:
    """Layer, direction, unit order and count in one row; step and unit in the next."""
    from seqviz.explain.gates import SORT_ORDERS, unit_order

    layers, directions = list(range(view.num_layers)), list(range(view.num_directions))
    sizes = sorted({min(n, view.hidden_size) for n in (8, 16, UNITS_DEFAULT, 64, view.hidden_size)})
    layer_column, direction_column, sort_column, units_column = st.columns([1, 1.3, 2.2, 1.6])
    layer = layer_column.selectbox(
        t("gates.layer"),
        layers,
        format_func=lambda index: str(index + 1),
        disabled=len(layers) == 1,
        **url_bound("gates.layer", "layer", 0, parse=int, valid=lambda value: value in layers),
    )
    direction = direction_column.radio(
        t("gates.direction"),
        directions,
        format_func=labeller("gates.direction"),
        disabled=len(directions) == 1,
        **url_bound("gates.direction", "dir", 0, parse=int, valid=lambda value: value in directions),
    )
    sort = sort_column.radio(
        t("gates.sort"),
        list(SORT_ORDERS),
        format_func=labeller("gates.sort"),
        horizontal=True,
        help=t("gates.sort_help"),
        **url_bound("gates.sort", "sort", "variance", valid=lambda value: value in SORT_ORDERS),
    )
    shown = units_column.select_slider(
        t("gates.units"),
        sizes,
        help=t("gates.units_help"),
        **url_bound(
            "gates.units",
            "units",
            min(UNITS_DEFAULT, view.hidden_size),
            parse=int,
            valid=lambda v: v in sizes,
        ),
    )
    order = unit_order(view.layer(layer, direction), sort)
    steps, units = list(range(view.seq_len)), list(range(view.hidden_size))
    step_column, unit_column = st.columns([3, 1])
    step = step_column.select_slider(
        t("gates.step"),
        steps,
        format_func=lambda index: f"{index + 1}: {plain(view.tokens[index])}",  # options render markdown
        **url_bound("gates.step", "t", 0, parse=int, valid=lambda value: value in steps),
    )
    unit = unit_column.selectbox(
        t("gates.unit"),
        order,  # the most active units first
        format_func=lambda index: t("gates.unit_option", unit=index),
        **url_bound("gates.unit", "unit", order[0], parse=int, valid=lambda value: value in units),
    )
    return Choices(layer, direction, order, int(shown), int(step), int(unit))


# --------------------------------------------------------------------------------------------- heatmaps


def _family(mode: str) -> str:
    """LSTM, GRU or RNN (tanh and ReLU share their captions)."""
    return mode if mode in ("LSTM", "GRU") else "RNN"


def quantity_label(quantity: str) -> str:
    from seqviz.explain.gates import CELL_STATE

    return t("gates.cell_state") if quantity == CELL_STATE else t(f"gate.{quantity}")


def heatmaps_tab(view: GateView, chosen: Choices) -> None:
    from seqviz.explain.gates import heatmap_rows, quantities, quantity_matrix

    layer = view.layer(chosen.layer, chosen.direction)
    rows = chosen.order[: chosen.shown]
    panels = [
        figures.gate_heatmap(
            quantity_matrix(layer, quantity).tolist(),
            view.tokens,
            rows,
            quantity,
            title=quantity_label(quantity),
            time_title=t("gates.axis.time"),
            unit_title=t("gates.axis.unit"),
            step=chosen.step,
            unit=chosen.unit,
        )
        for quantity in quantities(view.mode)
    ]
    vega_chart(st, heatmap_grid(panels), width="content", key="gates.heatmaps")
    st.caption(t(f"gates.heatmaps_note.{_family(view.mode)}"))
    if view.mode not in ("LSTM", "GRU"):
        st.info(t("gates.no_gates"), icon=":material/info:")
    stem = f"{view.checkpoint}-{view.part}"
    json_column, csv_column = st.columns(2)
    download(
        t("gates.download_json"),
        lambda: download_json(gate_trace_to_json(view)),
        f"trace-{stem}.json",
        json_column,
    )
    download(
        t("gates.download_csv"),
        lambda: table_csv(heatmap_rows(view, chosen.layer, chosen.direction)),
        f"gates-{stem}-layer{chosen.layer + 1}-dir{chosen.direction}.csv",
        csv_column,
    )


# ------------------------------------------------------------------------------------ one step, one unit


def step_tab(view: GateView, path: str | Path, chosen: Choices) -> None:
    from seqviz.explain.gates import (
        equation_residuals,
        quantities,
        step_numbers,
        step_rows,
        trajectory_rows,
        unit_trajectories,
    )

    trajectories = unit_trajectories(view, chosen.layer, chosen.direction, chosen.unit)
    names = {quantity: quantity_label(quantity) for quantity in quantities(view.mode)}
    chart_column, equation_column = st.columns([1, 1], gap="large")
    chart_column.plotly_chart(
        figures.trajectory_figure(
            view.tokens,
            trajectories,
            names,
            step=chosen.step,
            title=t("gates.trajectory_title", unit=chosen.unit),
            time_title=t("gates.axis.time"),
        ),
        key="gates.trajectory",
    )
    download(
        t("gates.download_trajectory"),
        lambda: table_csv(trajectory_rows(view.tokens, trajectories)),
        f"unit-{chosen.unit}-{view.checkpoint}-{view.part}.csv",
        chart_column,
    )
    with equation_column:
        token = view.tokens[chosen.step]
        st.markdown(
            f"**{t('gates.equations_header', step=chosen.step + 1, token=code(token), unit=chosen.unit)}**"
        )
        numbers = step_numbers(
            view, _module(path, view.part), chosen.layer, chosen.direction, chosen.step, chosen.unit
        )
        if view.mode == "GRU":
            st.markdown(f"*{t('gates.gru_pytorch')}*")
        for line in figures.equation_latex(numbers):
            st.latex(line)
        residual = max(max(equation_residuals(numbers).values()), 1e-9)
        st.caption(t(f"gates.equations_hold.{_family(view.mode)}", residual=residual))
        if view.mode == "GRU":
            st.markdown(f"*{t('gates.gru_course')}*")
            for line in figures.COURSE_GRU_LATEX:
                st.latex(line)
            st.warning(t("gates.gru_note"), icon=":material/compare_arrows:")
        download(
            t("gates.download_step"),
            lambda: table_csv(step_rows(numbers)),
            f"step-{chosen.step + 1}-unit-{chosen.unit}-{view.checkpoint}-{view.part}.csv",
        )


# ------------------------------------------------------------------------------------------ gradients


def _cell_names(view: GateView) -> dict[str, str]:
    names = {cell: t(f"gates.cell.{cell}") for cell in ("RNN", "LSTM", "GRU")}
    names["checkpoint"] = t("gates.cell.checkpoint", mode=mode_name(view.mode))
    return names


def gradients_tab(view: GateView, path: str | Path, text: str) -> None:
    import pandas as pd

    from seqviz.explain.gates import (
        GRADIENT_SEED,
        HIDDEN,
        MAX_GRADIENT_STEPS,
        gradient_rows,
        units_by_variance,
    )

    st.markdown(t("gates.gradients_intro", seed=GRADIENT_SEED))
    names = _cell_names(view)
    fresh = _fresh(path, text, view.part)
    panels = [
        figures.gate_heatmap(
            hidden.tolist(),
            view.tokens,
            units_by_variance(hidden)[:FRESH_UNITS_SHOWN],
            HIDDEN,
            title=f"{names[cell]}: h_t",
            time_title=t("gates.axis.time"),
            unit_title=t("gates.axis.unit"),
            width=FRESH_PANEL_WIDTH,
        )
        for cell, hidden in fresh.items()
    ]
    vega_chart(st, heatmap_grid(panels, columns=len(panels)), width="content", key="gates.fresh")
    length_column, truncation_column = st.columns(2)
    length = length_column.slider(
        t("gates.length"),
        2,
        MAX_GRADIENT_STEPS,
        help=t("gates.length_help"),
        **url_bound(
            "gates.length",
            "len",
            max(LENGTH_DEFAULT, min(view.seq_len, MAX_GRADIENT_STEPS)),
            parse=int,
            valid=lambda value: 2 <= value <= MAX_GRADIENT_STEPS,
        ),
    )
    truncation = truncation_column.slider(
        t("gates.truncation"),
        1,
        TRUNCATION_MAX,
        help=t("gates.truncation_help"),
        **url_bound(
            "gates.truncation",
            "k",
            TRUNCATION_DEFAULT,
            parse=int,
            valid=lambda value: 1 <= value <= TRUNCATION_MAX,
        ),
    )
    full = _flow(path, text, view.part, None, int(length))
    cut = _flow(path, text, view.part, int(truncation), int(length))
    smallest = min((v for norms in full.norms.values() for v in norms if v > 0), default=None)
    full_column, cut_column = st.columns(2)
    for column, flow, title, key in (
        (full_column, full, t("gates.full_title"), "gates.gradients.full"),
        (cut_column, cut, t("gates.truncated_title", k=truncation), "gates.gradients.truncated"),
    ):
        column.plotly_chart(
            figures.gradient_figure(
                flow.tokens,
                flow.norms,
                names,
                title=title,
                time_title=t("gates.axis.step"),
                value_title=t("gates.gradient_axis"),
                smallest=smallest,
            ),
            key=key,
        )
    cut_column.caption(t("gates.truncated_note", k=truncation))
    table = pd.DataFrame(
        {
            t("gates.col.cell"): [names[cell] for cell in full.norms],
            t("gates.col.first"): [norms[0] for norms in full.norms.values()],
            t("gates.col.last"): [norms[-1] for norms in full.norms.values()],
            t("gates.col.ratio"): [
                first / last if last else float("nan") for first, *_, last in full.norms.values()
            ],
        }
    )
    full_column.dataframe(table.style.format("{:.3e}", subset=list(table.columns[1:])), hide_index=True)
    download(
        t("gates.download_gradients"),
        lambda: table_csv(gradient_rows(full) + gradient_rows(cut)),
        f"gradients-{view.checkpoint}-{view.part}-T{length}.csv",
        cut_column,
    )


# --------------------------------------------------------------------------- units that mean something

UNIT_EXAMPLES = (50, 100, 200, 400)
UNIT_EXAMPLES_DEFAULT = 100
ABLATION_CHOICES = 30  # the best-ranked units offered for clamping
ABLATION_DEFAULT = 3


@per_checkpoint(max_entries=32)
def _units(checkpoint: Any, part: str, size: int, chosen_class: str | None) -> Any:
    from seqviz.explain.units import units_report

    return units_report(checkpoint, part, size, chosen_class)


@per_checkpoint(max_entries=32)
def _ablation(checkpoint: Any, units: tuple[tuple[str, int, int, int], ...], value: float, size: int) -> Any:
    from seqviz.explain.units import UnitRef, ablate_units

    return ablate_units(checkpoint, [UnitRef(*unit) for unit in units], value, size)


def units_tab(checkpoint: Any, path: str | Path, part: str) -> None:
    """Units ranked by correlation with the task's latent variable, a linear probe, and decoding with the
    chosen decoder units clamped. Only for the tasks whose latent variable is known."""
    from seqviz.explain.latents import LATENT_VARIABLES

    st.markdown(t("gates.units.intro"))
    variable = LATENT_VARIABLES.get(checkpoint.task.name or "") if checkpoint.kind == "seq2seq" else None
    if variable is None:
        tasks = ", ".join(sorted(LATENT_VARIABLES))
        st.info(t("gates.units.none", tasks=tasks), icon=":material/info:")
        return
    if part not in variable.parts:
        st.info(t("gates.units.not_on_part", part=t(f"gates.part.{part}")), icon=":material/info:")
        return
    st.caption(t(f"gates.units.variable.{variable.task}"))
    size_column, class_column = st.columns([1, 2])
    size = size_column.select_slider(
        t("gates.units.examples"),
        list(UNIT_EXAMPLES),
        **url_bound(
            "gates.units.examples", "un", UNIT_EXAMPLES_DEFAULT, parse=int, valid=UNIT_EXAMPLES.__contains__
        ),
    )
    chosen_class = None
    if variable.kind == "category":
        chosen_class = class_column.radio(
            t("gates.units.class"),
            list(variable.classes),
            format_func=labeller("gates.units.class"),
            horizontal=True,
            **url_bound(
                "gates.units.class", "ucls", variable.classes[0], valid=variable.classes.__contains__
            ),
        )
    with st.spinner(t("gates.units.wait", count=size)):
        report = _units(path, part, int(size), chosen_class)
    _probe_metrics(report)
    top = report.ranking[: len(report.example_states)]
    labels = [f"{entry.unit.label} (r = {entry.correlation:+.2f})" for entry in top]
    name = t(f"gates.units.name.{variable.task}")
    vega_chart(
        st,
        figures.latent_row_heatmap(
            report.example_values, report.example_tokens, name, title=name, time_title=t("gates.axis.time")
        ),
        key="gates.units.variable",
    )
    vega_chart(
        st,
        figures.unit_rows_heatmap(
            report.example_states,
            labels,
            report.example_tokens,
            title=t("gates.units.heatmap_title", count=len(top)),
            time_title=t("gates.axis.time"),
            unit_title=t("gates.axis.unit"),
        ),
        key="gates.units.rows",
    )
    stem = f"{report.checkpoint}-{report.part}-{report.variable}"
    json_column, csv_column = st.columns(2)
    download(t("gates.units.download_json"), lambda: download_json(units_report_to_json(report)),
             f"units-{stem}.json", json_column)  # fmt: skip
    download(t("gates.units.download_csv"), lambda: unit_ranking_csv(report), f"units-{stem}.csv", csv_column)
    if part == "decoder":
        _ablation_section(path, report)
    else:
        st.caption(t("gates.units.encoder_no_ablation"))


def _probe_metrics(report: Any) -> None:
    probe = report.probe
    columns = st.columns(3)
    columns[0].metric(t("gates.units.probe_accuracy"), f"{probe.accuracy:.1%}")
    columns[1].metric(t("gates.units.baseline"), f"{probe.baseline_accuracy:.1%}")
    if probe.r2 is not None:
        columns[2].metric("R²", f"{probe.r2:.3f}")
    st.caption(
        t(
            f"gates.units.probe_note.{probe.kind}",
            examples=report.examples,
            steps=report.steps,
            held=probe.held_out_examples,
        )
    )


def _ablation_section(path: str | Path, report: Any) -> None:
    st.markdown(f"**{t('gates.units.ablation')}**")
    offered = {entry.unit.label: entry.unit for entry in report.ranking[:ABLATION_CHOICES]}
    labels = list(offered)
    units_column, value_column = st.columns([3, 1])
    chosen = units_column.multiselect(
        t("gates.units.ablate_units"),
        labels,
        **url_bound(
            "gates.units.ablate",
            "abl",
            labels[:ABLATION_DEFAULT],
            parse=lambda raw: [label for label in raw.split(",") if label],
            serialize=",".join,
            valid=lambda values: all(value in offered for value in values),
        ),
    )
    value = value_column.number_input(
        t("gates.units.clamp"),
        min_value=-10.0,
        max_value=10.0,
        step=0.5,
        **url_bound("gates.units.clamp", "clamp", 0.0, parse=float, valid=lambda v: -10.0 <= v <= 10.0),
    )
    units = tuple(
        (offered[label].quantity, offered[label].layer, offered[label].direction, offered[label].index)
        for label in chosen
    )
    request = (str(path), units, float(value), report.examples)
    requested = st.session_state.get("gates.units.request") == request
    if st.button(
        t("gates.units.ablate_run"), icon=":material/block:", disabled=requested, key="gates.units.run"
    ):
        st.session_state["gates.units.request"] = request
        requested = True
    if not requested:
        return
    with st.spinner(t("gates.units.wait", count=report.examples)):
        ablation = _ablation(path, units, float(value), report.examples)
    columns = st.columns(3)
    columns[0].metric(t("gates.units.em_before"), f"{ablation.exact_match_before:.1%}")
    columns[1].metric(
        t("gates.units.em_after"),
        f"{ablation.exact_match_after:.1%}",
        delta=f"{ablation.exact_match_after - ablation.exact_match_before:+.1%}",
    )
    columns[2].metric(t("gates.units.changed"), f"{ablation.changed} / {ablation.examples}")
    if ablation.changes:
        import pandas as pd

        table = pd.DataFrame(
            [(c.source, c.reference, c.before, c.after) for c in ablation.changes],
            columns=[t(f"gates.units.col.{name}") for name in ("source", "reference", "before", "after")],
        )
        st.dataframe(table, hide_index=True)
        download(
            t("gates.units.download_changes"),
            lambda: ablation_changes_csv(ablation),
            f"ablation-{report.checkpoint}.csv",
        )
    else:
        st.caption(t("gates.units.nothing_changed"))


# ------------------------------------------------------------------------------------------- the page


def page_view(only: str | None = None) -> tuple[GateView, Choices] | None:
    """The LSTM & GRU page under its introduction: the model and input, the part, the description, the
    shared choices and the tabs (``only``: that tab alone, for a lesson's step). Returns what a lesson's
    event reads (the view and the choices), None when the input cannot be shown."""
    from seqviz.ui.errors import user_errors
    from seqviz.ui.url_state import lazy_tabs

    model = model_and_input("gates", kinds=RECURRENT_KINDS)  # a Transformer has no gates to show
    info, text = model.info, model.text
    with model.model_column:  # under the picker, beside the input's examples: the main view starts higher
        part = part_choice(model.checkpoint)
    with user_errors():
        view = gate_view_for(info.path, text, part)
        describe(view)
        chosen = choices(view)
        lazy_tabs(
            "gates.tab",
            "tab",
            {
                "heatmaps": (t("gates.tab.heatmaps"), lambda: heatmaps_tab(view, chosen)),
                "step": (t("gates.tab.step"), lambda: step_tab(view, info.path, chosen)),
                "gradients": (t("gates.tab.gradients"), lambda: gradients_tab(view, info.path, text)),
                "units": (t("gates.tab.units"), lambda: units_tab(model.checkpoint, info.path, part)),
            },
            only=only,
        )
        return view, chosen
    return None
