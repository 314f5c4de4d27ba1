"""The RNN vs Transformer page's sections: task and budget, the course's table, the pair's live runs.

The numbers come from ``seqviz.explain.comparison`` (the table) and ``seqviz.training.race`` (the two
recipes); the runs are ordinary ``TrainingRun`` jobs on the server's queue (``seqviz.ui.training``), so the
Train page lists them too. Before anything trains, the table is measured on the shipped pair of the task.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import streamlit as st

from seqviz.explain.comparison import Comparison, ModelSide, TimeToTarget
from seqviz.training.jobs import QUEUED
from seqviz.training.race import RNN, TRANSFORMER, recipes
from seqviz.ui.checkpoint_cache import checkpoint_version, load_cached_checkpoint
from seqviz.ui.common import CHECKPOINT_QUERY, bookmark_params, presentation_mode, vega_chart
from seqviz.ui.i18n import current_language, t
from seqviz.ui.navigation import PAGES
from seqviz.ui.plain import plain
from seqviz.ui.training import SessionRun, session_runs, start_runs, stop_run
from seqviz.ui.url_state import url_bound
from seqviz.ui.widgets.train import job_threads, poll_interval

TASKS = ("reverse", "copy", "en-zh")  # copy and reverse make inputs of any length; en-zh has shipped models
BUDGETS = (10, 30, 60, 120, 300)  # seconds of training per model
DEFAULT_BUDGET = 60
TASK_STATE, BUDGET_STATE = "comparison.task", "comparison.budget"
RACE_STATE = "comparison.race"  # (task, seconds, RNN run number, Transformer run number) of the last pair
MEASURED_STATE = "comparison.measured"  # (RNN run number, Transformer run number) -> Comparison


# ------------------------------------------------------------------------------------------ settings


def settings() -> tuple[str, int, bool]:
    """The task, the time budget and whether "Train both" was pressed."""
    from seqviz.data.tasks import TASKS as ALL_TASKS

    lang = current_language()
    left, middle, right = st.columns([2, 2, 1], vertical_alignment="bottom")
    task = left.selectbox(  # both kept in the URL (?task=copy&budget=30): a lecturer's bookmark
        t("comparison.task"),
        TASKS,
        format_func=lambda name: f"{name}: {ALL_TASKS[name].description.get(lang, name)}",
        **url_bound(TASK_STATE, "task", TASKS[0], valid=lambda name: name in TASKS),
    )
    seconds = middle.select_slider(
        t("comparison.budget"),
        BUDGETS,
        **url_bound(BUDGET_STATE, "budget", DEFAULT_BUDGET, parse=int, valid=lambda value: value in BUDGETS),
    )
    pressed = right.button(
        t("comparison.train_both"),
        type="primary",
        icon=":material/play_arrow:",
        key="comparison.train_both",
        disabled=race_active(),
    )
    same_size_caption(str(task))
    return str(task), int(seconds), pressed


def same_size_caption(task: str) -> None:
    """What "the same size" means, with both models' parameter counts on ``task``'s vocabularies."""
    pair = recipes()
    rnn, transformer = pair[RNN], pair[TRANSFORMER]
    rnn_parameters, transformer_parameters = _race_parameters(task)
    text = t(
        "comparison.same_size",
        width=transformer.choice.hidden_size,
        d_ff=4 * transformer.choice.hidden_size,
        rnn_parameters=rnn_parameters,
        transformer_parameters=transformer_parameters,
        every=rnn.train_config(1.0).eval_every,
        rnn_lr=rnn.learning_rate,
        transformer_lr=transformer.learning_rate,
        warmup=transformer.warmup_steps,
    )
    if presentation_mode():  # folded on a projector, so the chart below fits the first screen
        with st.popover(t("comparison.sizes"), icon=":material/straighten:"):
            st.caption(text)
    else:
        st.caption(text)


@st.cache_data(show_spinner=False, max_entries=8)
def _race_parameters(task: str) -> tuple[int, int]:
    """Parameter counts of the race's RNN and Transformer on ``task``'s vocabularies."""
    from seqviz.data.tasks import get_task
    from seqviz.models.shapes import parameter_count

    source, target = get_task(task).build_vocabs()
    pair = recipes()
    return tuple(parameter_count(pair[arch].choice.config(source, target)) for arch in (RNN, TRANSFORMER))


# ----------------------------------------------------------------------------------- the shipped pair


def shipped_pair(task: str) -> tuple[Path, Path] | None:
    """The task's shipped RNN (``<task>-lstm-bahdanau``) and Transformer (``<task>-transformer``) folders."""
    from seqviz.checkpoints.store import checkpoint_root

    root = checkpoint_root()
    folders = (root / f"{task}-lstm-bahdanau", root / f"{task}-transformer")
    return folders if all((folder / "config.json").is_file() for folder in folders) else None


@st.cache_data(show_spinner=False, max_entries=16)
def _shipped_comparison(
    rnn: str, rnn_version: float, transformer: str, transformer_version: float
) -> Comparison:
    from seqviz.explain.comparison import compare_models

    return compare_models(load_cached_checkpoint(rnn), load_cached_checkpoint(transformer))


def shipped_comparison(pair: tuple[Path, Path]) -> Comparison:
    """The table of a shipped pair, measured once per server and weights version."""
    rnn, transformer = pair
    return _shipped_comparison(
        str(rnn), checkpoint_version(rnn), str(transformer), checkpoint_version(transformer)
    )


# --------------------------------------------------------------------------------------------- the table


def table(comparison: Comparison) -> None:
    """The course's table, one row per claim, each cell the measured number (plain text in a dataframe)."""
    import pandas as pd

    rnn, transformer = comparison.rnn, comparison.transformer
    unknown = t("comparison.unknown")

    def ratio(value: float | None) -> str:
        return unknown if value is None else f"{value:.2f}×"

    rows = [
        (t("comparison.row.model"), _describe(rnn), _describe(transformer), ""),
        (
            t("comparison.row.parameters"),
            f"{rnn.parameters:,}",
            f"{transformer.parameters:,}",
            ratio(transformer.parameters / rnn.parameters if rnn.parameters else None),
        ),
        (
            t("comparison.row.parallelism"),
            t("comparison.parallel.rnn"),
            t("comparison.parallel.transformer"),
            "",
        ),
        (
            t("comparison.row.tokens_per_s"),
            _number(rnn.tokens_per_s),
            _number(transformer.tokens_per_s),
            ratio(comparison.tokens_per_s_ratio),
        ),
        (
            t("comparison.row.time_to_target", target=rnn.time_to_target.target),
            _time(rnn.time_to_target),
            _time(transformer.time_to_target),
            ratio(comparison.time_to_target_ratio),
        ),
        *_length_rows(comparison),
        (
            t("comparison.row.interpretability"),
            t("comparison.views.rnn"),
            t("comparison.views.transformer"),
            "",
        ),
    ]
    columns = [
        t("comparison.col.row"),
        t("comparison.col.rnn"),
        t("comparison.col.transformer"),
        t("comparison.col.ratio"),
    ]
    widths = dict(zip(columns, (330, 255, 225, 110), strict=True))  # pixels: the four fit the main column
    st.dataframe(
        pd.DataFrame(rows, columns=columns),
        hide_index=True,
        width="stretch",
        column_config={column: st.column_config.TextColumn(width=width) for column, width in widths.items()},
    )


def _describe(side: ModelSide) -> str:
    if side.kind == TRANSFORMER:
        return t("comparison.describe.transformer", width=side.width, layers=side.layers, heads=side.heads)
    return t(
        "comparison.describe.rnn",
        cell=(side.cell or "").upper(),
        attention=(side.attention or "").replace("-", " ").title(),
        width=side.width,
        layers=side.layers,
    )


def _number(value: float | None) -> str:
    return t("comparison.unknown") if value is None else f"{value:,.0f}"


def _time(reached: TimeToTarget) -> str:
    if reached.seconds is None:
        if reached.exact_match is None:
            return t("comparison.time.no_evaluations")
        return t("comparison.time.never_reached", best=reached.exact_match)
    if reached.at_most:
        return t("comparison.time.at_most", seconds=reached.seconds)
    return t("comparison.time.exact", seconds=reached.seconds, step=reached.step or 0)


def _length_rows(comparison: Comparison) -> list[tuple[str, str, str, str]]:
    """Exact match inside the training lengths and beyond them (all lengths, when training's are unknown)."""
    lengths = comparison.training_lengths
    if lengths is None or not comparison.generated:
        groups = [(t("comparison.row.all_lengths"), lambda length: True)]
    else:
        low, high = lengths
        longest = max(bucket.length for bucket in comparison.rnn.by_length)
        groups = [
            (t("comparison.row.inside", low=low, high=high), lambda length: low <= length <= high),
        ]
        if longest > high:
            groups.append(
                (t("comparison.row.beyond", low=high + 1, high=longest), lambda length: length > high)
            )
    rows = []
    for label, inside in groups:
        rnn = _mean_exact_match(comparison.rnn, inside)
        transformer = _mean_exact_match(comparison.transformer, inside)
        rows.append((label, _percent(rnn), _percent(transformer), ""))
    return rows


def _mean_exact_match(side: ModelSide, inside: Any) -> float | None:
    """Exact match over every example whose length passes ``inside`` (weighted by each length's count)."""
    buckets = [bucket for bucket in side.by_length if inside(bucket.length)]
    count = sum(bucket.count for bucket in buckets)
    return sum(bucket.exact_match * bucket.count for bucket in buckets) / count if count else None


def _percent(value: float | None) -> str:
    return t("comparison.unknown") if value is None else f"{value:.0%}"


def length_chart(comparison: Comparison, key: str) -> None:
    """Exact match against input length, both models on one chart, training's lengths shaded."""
    from seqviz.viz.attention import bottleneck_chart

    figure = bottleneck_chart(
        {
            t("comparison.col.rnn"): comparison.rnn.by_length,
            t("comparison.col.transformer"): comparison.transformer.by_length,
        },
        comparison.training_lengths if comparison.generated else None,
        title=t("comparison.length_chart"),
        length_title=t("comparison.axis.length"),
        match_title=t("comparison.axis.exact_match"),
        training_label=t("comparison.training_lengths"),
    )
    st.plotly_chart(figure, width="stretch", key=key)
    if comparison.generated and comparison.training_lengths is not None:
        buckets = comparison.rnn.by_length
        st.caption(
            t(
                "comparison.length_note",
                count=max(bucket.count for bucket in buckets),
                longest=max(bucket.length for bucket in buckets),
                low=comparison.training_lengths[0],
                high=comparison.training_lengths[1],
            )
        )
    else:
        st.caption(t("comparison.length_note_validation"))


def view_links(comparison: Comparison) -> None:
    """Links to the views each model offers: the RNN's gates and attention, the Transformer's head grid."""
    pages = {page.key: page for page in PAGES}
    st.markdown(f"**{t('comparison.look_inside')}**")
    columns = st.columns(3)
    links = [
        (comparison.rnn.name, "gates", "comparison.open_gates"),
        (comparison.rnn.name, "attention", "comparison.open_attention"),
        (comparison.transformer.name, "attention", "comparison.open_attention"),
    ]
    for column, (name, key, label) in zip(columns, links, strict=True):
        page = pages[key]
        column.page_link(
            page.path,
            label=t(label, name=plain(name)),  # a widget label is markdown: the folder name as plain text
            icon=page.icon,
            query_params={**bookmark_params(), CHECKPOINT_QUERY: name},
        )


def show_comparison(comparison: Comparison, header: str, key: str, linked: bool) -> None:
    """The table and the chart by length; on a projector the chart first, so it is on the first screen."""
    st.subheader(header)
    if presentation_mode():
        length_chart(comparison, key=f"comparison.length_chart.{key}")
        table(comparison)
    else:
        table(comparison)
        length_chart(comparison, key=f"comparison.length_chart.{key}")
    if linked:  # a shipped pair: say where its speed figures come from
        st.caption(t("comparison.shipped_note", target=comparison.rnn.time_to_target.target))
        view_links(comparison)
    else:
        st.caption(t("comparison.save_to_open"))


def shipped_section(task: str) -> None:
    """The table from the shipped pair of ``task``, or a note that there is none yet."""
    pair = shipped_pair(task)
    if pair is None:
        st.info(t("comparison.no_shipped", task=plain(task)), icon=":material/info:")
        return
    comparison = shipped_comparison(pair)
    header = t("comparison.shipped_header", rnn=plain(pair[0].name), transformer=plain(pair[1].name))
    show_comparison(comparison, header, "shipped", linked=True)


# ------------------------------------------------------------------------------------------ the race


def start_race(task_name: str, seconds: int) -> None:
    """Queue the RNN's run and the Transformer's, same task, budget, seed and threads."""
    from seqviz.data.tasks import get_task
    from seqviz.training.backends.registry import server_backend
    from seqviz.training.live_run import TrainingRun

    task = get_task(task_name)
    runs = [
        TrainingRun(
            task,
            recipe.choice,
            recipe.train_config(float(seconds)),
            "cpu",
            label=f"{task.name} · {arch} · {seconds} s",
            threads=job_threads(),
            backend=server_backend(),
        )
        for arch, recipe in recipes().items()
    ]
    rnn, transformer = start_runs(runs)
    st.session_state[RACE_STATE] = (task.name, seconds, rnn.number, transformer.number)


def race_entries() -> tuple[SessionRun, SessionRun] | None:
    """This session's last pair, while both are still kept."""
    race = st.session_state.get(RACE_STATE)
    if race is None:
        return None
    by_number = {entry.number: entry for entry in session_runs()}
    pair = by_number.get(race[2]), by_number.get(race[3])
    return (pair[0], pair[1]) if pair[0] is not None and pair[1] is not None else None


def race_active() -> bool:
    pair = race_entries()
    return pair is not None and any(entry.job.active for entry in pair)


def race_section() -> None:
    """The pair's live curves while they train; their table once both have finished."""
    pair = race_entries()
    if pair is None:
        return
    st.subheader(t("comparison.live_header"))
    states = tuple(entry.job.state for entry in pair)
    interval = min(
        (poll for poll in (poll_interval(state) for state in states) if poll is not None), default=None
    )

    @st.fragment(run_every=interval)
    def _live() -> None:
        if tuple(entry.job.state for entry in pair) != states:
            st.rerun()  # one started or ended: redraw the page (polling speed, the table)
        _draw_race(pair)

    _live()
    if not any(entry.job.active for entry in pair):
        comparison = race_comparison(pair)
        if comparison is not None:
            rnn, transformer = pair
            header = t(
                "comparison.runs_header",
                rnn=t("train.run_label", number=rnn.number, label=plain(rnn.run.label)),
                transformer=t(
                    "train.run_label", number=transformer.number, label=plain(transformer.run.label)
                ),
            )
            show_comparison(comparison, header, "runs", linked=False)


def _draw_race(pair: tuple[SessionRun, SessionRun]) -> None:
    from seqviz.viz.train import curves_chart

    views = [entry.run.view() for entry in pair]
    for entry, view, arch in zip(pair, views, (RNN, TRANSFORMER), strict=True):
        model = t(f"comparison.col.{arch}")
        if entry.job.state == QUEUED:
            st.caption(f"{model}: {t('comparison.waiting')}")
            continue
        budget = entry.run.train_config.max_seconds or 0.0
        st.progress(
            min(max(view.progress, 0.0), 1.0),
            text=t("comparison.progress", model=model, step=view.step, elapsed=view.elapsed, budget=budget),
        )
        if view.error:
            st.error(t("comparison.failed", model=model, message=plain(view.error)), icon=":material/error:")
    if any(entry.job.active for entry in pair):
        st.button(
            t("comparison.stop"),
            key="comparison.stop",
            icon=":material/stop:",
            on_click=lambda: [stop_run(entry) for entry in pair],
        )
    labels = [t("comparison.col.rnn"), t("comparison.col.transformer")]
    left, right = st.columns(2)
    charts = (
        (left, "exact_match", [(label, view.evaluations) for label, view in zip(labels, views, strict=True)]),
        (right, "loss", [(label, view.history) for label, view in zip(labels, views, strict=True)]),
    )
    for column, metric, series in charts:
        if not any(reports for _, reports in series):  # no axes without a line: a caption until there is one
            column.caption(t("comparison.no_points", every=pair[0].run.train_config.eval_every))
            continue
        spec = curves_chart(
            series,
            metric,
            x="elapsed",
            title=t(f"comparison.curves.{metric}"),
            y_title=t(f"comparison.axis.{metric}"),
            x_title=t("comparison.axis.seconds"),
            x_format=",.0f",
            run_title="",
            points=metric == "exact_match",
        )
        vega_chart(column, spec, width="stretch", key=f"comparison.chart.{metric}")


def race_comparison(pair: tuple[SessionRun, SessionRun]) -> Comparison | None:
    """The table of two finished runs, measured once (kept in the session by their numbers); None when
    either ended without a model (failed, or stopped before it started)."""
    from seqviz.explain.comparison import compare_models

    rnn, transformer = pair
    if rnn.run.result is None or transformer.run.result is None:
        return None
    measured = st.session_state.setdefault(MEASURED_STATE, {})
    key = (rnn.number, transformer.number)
    if key not in measured:
        with st.spinner(t("comparison.measuring")):
            comparison = compare_models(
                rnn.run.checkpoint(),
                transformer.run.checkpoint(),
                rnn.run.view().evaluations,
                transformer.run.view().evaluations,
            )
        measured.clear()  # the last pair's table only: a session keeps little
        measured[key] = replace(
            comparison,
            rnn=replace(comparison.rnn, name=rnn.run.label),
            transformer=replace(comparison.transformer, name=transformer.run.label),
        )
    return measured[key]
