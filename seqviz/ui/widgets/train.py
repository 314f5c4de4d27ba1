"""The Train page's sections: the settings form, the live view, saving, and comparing runs.

Each function draws one section and returns what the page needs from it. They compute nothing
themselves: a run is a ``TrainingRun``, figures come from ``seqviz.viz``.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from seqviz import settings
from seqviz.errors import InputError
from seqviz.models.config import ATTENTIONS, CELLS, TRANSLATION_KINDS
from seqviz.training.jobs import QUEUED, RUNNING
from seqviz.training.states import RunState, StopCause, StopReason
from seqviz.ui.common import download, metric_text, presentation_mode, vega_chart
from seqviz.ui.errors import user_errors
from seqviz.ui.i18n import current_language, labeller, t
from seqviz.ui.plain import plain
from seqviz.ui.training import SessionRun, session_runs, stop_run

SHOWN_STATE = "train.shown"  # number of the run the live view shows
SAVED_STATE = "train.saved"  # run number -> checkpoint name it was saved as
_CORPUS_STATE = "train.corpus_task"  # (upload file id, CorpusTask)
CORPUS_UPLOAD_MB = (
    20  # seqviz.data.corpus.load_parallel_corpus refuses over 20,000,000 bytes (train.corpus_help)
)
_SNAPSHOT_KEY = "train.snapshot"
_SNAPSHOT_FOLLOW = "train.snapshot_follow"  # the slider sits on the newest snapshot: keep it there

EMBEDDING_SIZES = (16, 32, 64, 128, 256)
HIDDEN_SIZES = (32, 64, 128, 256, 512)
LEARNING_RATES = (1e-4, 3e-4, 1e-3, 2e-3, 3e-3, 5e-3, 1e-2, 3e-2, 0.1, 1.0)  # 1.0: watch a run diverge
D_MODEL_SIZES = (
    32,
    64,
    128,
    256,
)  # a Transformer's d_model: TransformerConfig's bound, every one a multiple of 8
HEAD_COUNTS = (1, 2, 4, 8)
TRANSFORMER_LAYERS = 2  # the shipped Transformers' depth
BATCH_SIZES = (16, 32, 64, 128, 256)
PROBE_POLL_SECONDS = 3.0  # the probe's heatmaps: a new snapshot comes every few dozen updates
QUEUED_POLL_SECONDS = 2.0  # a waiting run's view: only its place in line changes


def poll_interval(job_state: str) -> float | None:
    """How often the live view redraws: every ``settings.poll_seconds()`` (1 s; why in ``seqviz.settings``)
    while training, every two seconds while waiting for a slot (a lecture hall's queued sessions must not
    keep the server busy redrawing nothing), never once the run has ended."""
    return {RUNNING: settings.poll_seconds(), QUEUED: QUEUED_POLL_SECONDS}.get(job_state)


# ---------------------------------------------------------------------------------------- settings


def settings_form(busy: bool) -> Any:
    """The settings; returns a new ``TrainingRun`` when "Start training" was pressed, else None."""
    from seqviz.data.tasks import TASKS

    start_from = st.radio(
        t("train.start_from"),
        ("new", "checkpoint"),
        format_func=labeller("train.start_from"),
        horizontal=True,
        key="train.start_from",
    )
    initial = _checkpoint_choice() if start_from == "checkpoint" else None
    if start_from == "checkpoint" and initial is None:
        return None
    corpus_model = bool(initial is not None and initial.validation_tsv is not None)
    if initial is None:
        source = st.radio(
            t("train.data"),
            ("task", "corpus"),
            format_func=labeller("train.data"),
            horizontal=True,
            key="train.data",
        )
    else:
        source = "corpus" if corpus_model else "task"
        if corpus_model:
            st.info(t("train.checkpoint_corpus"))
    if source == "corpus":
        task = _corpus_task()
        if task is None:
            return None
    elif initial is not None:
        task = TASKS.get(str(initial.task.name))
        if task is None:
            raise InputError(f"{initial.name} was trained on an unknown task {initial.task.name!r}")
    else:
        lang = current_language()
        name = st.selectbox(
            t("train.task"),
            list(TASKS),
            format_func=lambda n: f"{n}: {TASKS[n].description.get(lang, n)}",
            index=list(TASKS).index("reverse"),
            key="train.task",
        )
        task = TASKS[name]
    arch = _architecture(initial)

    # Enter in a field only confirms the value: a run starts from the button alone (one start per intent)
    # On a projector the Start button leads the form, so that it and the live view share the first screen;
    # the settings follow below it (a form's button may stand anywhere in it).
    with st.form("train.form", border=False, enter_to_submit=False):
        start_first = presentation_mode()
        if start_first:
            pressed = _start_button()
        choice = _model_widgets(arch) if initial is None else None
        config = _training_widgets(initial is not None, arch)
        example = task.validation(seed=config.seed, size=1)
        probe = st.text_input(
            t("train.probe"),
            key="train.probe",
            max_chars=400,
            help=t("train.probe_help", example=plain(example[0].source) if example else ""),
            placeholder=example[0].source if example else "",
        )
        device = _device_widget()
        if not start_first:
            pressed = _start_button()
    if not pressed:
        return None
    if busy:
        raise InputError(t("train.busy"))
    from seqviz.training.backends.registry import server_backend
    from seqviz.training.live_run import TrainingRun

    label = _run_label(task.name, choice, config, initial)
    threads = job_threads()
    return TrainingRun(
        task, choice, config, device, probe or None, initial, label, threads=threads, backend=server_backend()
    )


def _start_button() -> bool:
    return st.form_submit_button(t("train.start"), type="primary", icon=":material/play_arrow:")


def state_label(view: Any) -> str:
    """A run's state in words: one the user stopped (or that diverged) says so, not "Finished"."""
    cancelled = view.stop_reason is None and view.stop_cause is not None  # stopped while queued
    if view.state == RunState.FINISHED and (
        view.stop_reason in (StopReason.STOPPED, StopReason.DIVERGED) or cancelled
    ):
        return t("train.state.diverged" if view.stop_reason == StopReason.DIVERGED else "train.state.stopped")
    return t(f"train.state.{view.state}")


def job_threads() -> int:
    """Torch threads per training job on this server: ``SEQVIZ_JOB_THREADS``, else 1 (jobs, not threads
    within a job, share out the cores; see ``TrainingRun``)."""
    return settings.job_threads()


def _architecture(initial: Any) -> str:
    """RNN or Transformer: a radio outside the settings form, so that choosing one redraws the form with
    that family's widgets (a form's widgets rerun nothing until it is submitted). A checkpoint to continue
    has its own."""
    from seqviz.training.config import ARCHITECTURES

    if initial is not None:
        return "transformer" if initial.kind == "transformer" else "rnn"
    return st.radio(
        t("train.arch"),
        ARCHITECTURES,
        format_func=labeller("train.arch"),
        horizontal=True,
        help=t("train.arch_help"),
        key="train.arch",
    )


def _run_label(task: str, choice: Any, config: Any, initial: Any) -> str:
    if initial is not None:
        return f"{initial.name} +{config.steps or f'{config.max_seconds:g}s'}"
    if choice.arch == "transformer":
        parts = [task, "Transformer", f"{choice.num_heads} heads", f"d {choice.hidden_size}"]
    else:
        parts = [task, choice.cell.upper(), choice.attention]
    if choice.bidirectional:
        parts.append("bi")
    if choice.num_layers > 1:
        parts.append(f"{choice.num_layers} layers")
    parts.append(f"TF {config.teacher_forcing:g}")
    if config.teacher_forcing_final is not None:
        parts[-1] += f"→{config.teacher_forcing_final:g}"
    parts.append(f"lr {config.learning_rate:g}")
    return " · ".join(parts)


def _model_widgets(arch: str) -> Any:
    from seqviz.training.config import DEFAULT_MODEL as MODEL
    from seqviz.training.config import ModelChoice

    st.markdown(f"**{t('train.model')}**")
    if arch == "transformer":
        return _transformer_widgets()
    cell = st.radio(
        t("train.cell"),
        CELLS,
        CELLS.index(MODEL.cell),
        format_func=str.upper,
        horizontal=True,
        key="train.cell",
    )
    attention = st.selectbox(
        t("train.attention"),
        ATTENTIONS,
        index=ATTENTIONS.index(MODEL.attention),
        format_func=labeller("train.attention"),
        key="train.attention",
    )
    bidirectional = st.toggle(t("train.bidirectional"), key="train.bidirectional")  # full width: never cut
    left, right = st.columns(2)
    layers = right.slider(t("train.layers"), 1, 3, MODEL.num_layers, key="train.layers")
    embedding = left.select_slider(
        t("train.embedding_size"), EMBEDDING_SIZES, MODEL.embedding_size, key="train.embedding"
    )
    hidden = right.select_slider(t("train.hidden_size"), HIDDEN_SIZES, MODEL.hidden_size, key="train.hidden")
    with st.expander(t("train.advanced.model")):
        dropout = st.slider(t("train.dropout"), 0.0, 0.5, MODEL.dropout, 0.05, key="train.dropout")
        copy = st.toggle(t("train.copy"), key="train.copy")
        coverage = st.toggle(t("train.coverage"), key="train.coverage")
    return ModelChoice(
        cell=cell,
        attention=attention,
        embedding_size=embedding,
        hidden_size=hidden,
        num_layers=layers,
        bidirectional=bidirectional,
        dropout=dropout,
        copy=copy,
        coverage=coverage,
    )


def _transformer_widgets() -> Any:
    """A Transformer's shape: heads, layers (encoder and decoder each) and d_model (every token vector's
    width: the RNN's hidden size, so "same size" compares like with like). No cell, attention kind,
    direction, copy or coverage: those are the RNN's."""
    from seqviz.training.config import DEFAULT_MODEL as MODEL
    from seqviz.training.config import ModelChoice

    left, right = st.columns(2)
    heads = left.select_slider(
        t("train.heads"), HEAD_COUNTS, 4, help=t("train.heads_help"), key="train.heads"
    )
    layers = right.slider(t("train.layers"), 1, 3, TRANSFORMER_LAYERS, key="train.transformer_layers")
    d_model = st.select_slider(
        t("train.d_model"), D_MODEL_SIZES, 64, help=t("train.d_model_help"), key="train.d_model"
    )
    with st.expander(t("train.advanced.model")):
        dropout = st.slider(
            t("train.dropout"), 0.0, 0.5, MODEL.dropout, 0.05, key="train.transformer_dropout"
        )
    return ModelChoice(
        arch="transformer", num_heads=heads, num_layers=layers, hidden_size=d_model, dropout=dropout
    )


def _training_widgets(continuing: bool, arch: str = "rnn") -> Any:
    from seqviz.training.config import ARCH_TRAINING, LIVE_CONTINUE_STEPS, TrainConfig
    from seqviz.training.config import LIVE_TRAINING as LIVE

    st.markdown(f"**{t('train.training')}**")
    defaults = ARCH_TRAINING[arch]  # a Transformer: 1e-3 after a 100-update warm-up (the RNN's 5e-3 swings)
    learning_rate = st.select_slider(
        t("train.learning_rate"),
        LEARNING_RATES,
        defaults["learning_rate"],
        format_func=lambda v: f"{v:g}",
        key="train.lr" if arch == "rnn" else f"train.lr.{arch}",  # one per architecture, each its default
    )
    if arch == "transformer":
        st.caption(
            t("train.transformer_lr", lr=f"{defaults['learning_rate']:g}", warmup=defaults["warmup_steps"])
        )
    teacher_forcing = st.slider(
        t("train.teacher_forcing"),
        0.0,
        1.0,
        LIVE.teacher_forcing,
        0.05,
        help=t("train.teacher_forcing_help"),
        key="train.tf",
    )
    decay = st.toggle(t("train.tf_decay_on"), key="train.tf_decay_on")  # full width: never cut
    final = st.slider(t("train.tf_decay"), 0.0, 1.0, 0.5, 0.05, key="train.tf_final", disabled=not decay)
    budget = st.radio(
        t("train.budget"),
        ("steps", "seconds"),
        format_func=labeller("train.budget"),
        horizontal=True,
        key="train.budget",
    )
    if budget == "steps":
        steps = st.number_input(
            t("train.steps"),
            1,
            100_000,
            LIVE_CONTINUE_STEPS if continuing else LIVE.steps,
            50,
            key="train.steps",
        )
        seconds = None
    else:
        seconds = st.number_input(t("train.seconds"), 1, 3600, 20, 5, key="train.seconds")
        steps = None
    with st.expander(t("train.advanced.training")):
        left, right = st.columns(2)
        batch_size = left.select_slider(
            t("train.batch_size"), BATCH_SIZES, LIVE.batch_size, key="train.batch"
        )
        seed = right.number_input(t("train.seed"), 0, 2**31 - 1, LIVE.seed, key="train.seed")
        clip = left.number_input(t("train.clip_norm"), 0.01, 100.0, LIVE.clip_norm, key="train.clip")
        target = right.number_input(
            t("train.target_em"), 0.0, 1.0, 0.0, 0.01, help=t("train.target_em_help"), key="train.target"
        )
        eval_every = left.number_input(
            t("train.eval_every"), 10, 10_000, LIVE.eval_every, 10, key="train.eval_every"
        )
        probe_every = right.number_input(
            t("train.probe_every"), 1, 10_000, LIVE.probe_every, 5, key="train.probe_every"
        )
    return TrainConfig(
        steps=int(steps) if steps else None,
        max_seconds=float(seconds) if seconds else None,
        batch_size=int(batch_size),
        **{**defaults, "learning_rate": float(learning_rate)},  # the arch's warm-up and batching
        teacher_forcing=float(teacher_forcing),
        teacher_forcing_final=float(final) if decay else None,
        clip_norm=float(clip),
        seed=int(seed),
        log_every=LIVE.log_every,
        eval_every=int(eval_every),
        eval_size=LIVE.eval_size,
        probe_every=int(probe_every),
        target_exact_match=float(target) if target > 0 else None,
    ).validate()


def _device_widget() -> str:
    from seqviz.device import available_devices, pick_device

    default = pick_device().type
    options = available_devices()
    if len(options) == 1:
        return default
    return st.radio(
        t("train.device"), options, index=options.index(default), horizontal=True, key="train.device"
    )


def _checkpoint_choice() -> Any:
    """A seq2seq checkpoint to train further (shipped, shared, the session's own, or uploaded now), loaded;
    None if none."""
    from seqviz.ui.checkpoint_cache import install_uploaded_checkpoint, load_cached_checkpoint
    from seqviz.ui.classroom import visible_checkpoints
    from seqviz.ui.common import checkpoint_option

    uploads = st.file_uploader(
        t("train.checkpoint_upload"),
        type=["zip", "json", "safetensors", "tsv"],
        accept_multiple_files=True,
        key="train.checkpoint_upload",
    )
    if uploads:
        with user_errors():  # a refused upload is a message; the picker below still works
            name = install_uploaded_checkpoint(uploads)
            st.success(t("train.checkpoint_uploaded", name=plain(name)))
            st.caption(t("classroom.link_hint"))  # installed among this session's own: the link finds it
            if st.session_state.get("train.checkpoint_installed") != name:
                st.session_state["train.checkpoint"] = name  # select it once, then leave the choice alone
                st.session_state["train.checkpoint_installed"] = name
    infos = [info for info in visible_checkpoints() if info.kind in TRANSLATION_KINDS]
    if not infos:
        st.info(t("train.no_seq2seq"))
        return None
    names = [info.name for info in infos]
    if st.session_state.get("train.checkpoint") not in names:
        st.session_state["train.checkpoint"] = names[0]
    by_name = {info.name: info for info in infos}
    name = st.selectbox(
        t("train.checkpoint"),
        names,
        format_func=lambda n: checkpoint_option(by_name[n]),
        key="train.checkpoint",
    )
    return load_cached_checkpoint(by_name[name].path)


def _corpus_task() -> Any:
    from seqviz.data.corpus import CorpusTask, load_parallel_corpus

    upload = st.file_uploader(
        t("train.corpus_upload"),
        type=["tsv", "txt", "csv"],
        help=t("train.corpus_help"),
        key="train.corpus",
        max_upload_size=CORPUS_UPLOAD_MB,  # Streamlit's own "Limit … per file" then matches our help text
    )
    if upload is None:
        st.info(t("train.corpus_needed"))
        return None
    cached = st.session_state.get(_CORPUS_STATE)
    if cached is None or cached[0] != upload.file_id:
        name = upload.name.rsplit(".", 1)[0] or "corpus"
        corpus = load_parallel_corpus(upload.getvalue(), name=name)
        cached = (upload.file_id, CorpusTask(corpus, name=name))
        st.session_state[_CORPUS_STATE] = cached
    task = cached[1]
    corpus = task.corpus
    st.caption(
        t(
            "train.corpus_loaded",
            pairs=len(corpus.pairs),
            skipped=corpus.skipped_blank + corpus.filtered_too_long,
        )
    )
    return task


# --------------------------------------------------------------------------------------- live view


def shown_run() -> SessionRun | None:
    runs = session_runs()
    if not runs:
        return None
    wanted = st.session_state.get(SHOWN_STATE)
    return next((r for r in runs if r.number == wanted), runs[-1])


def live_view() -> None:
    """The run being shown, redrawn about twice a second while any run of this session is active."""
    runs = session_runs()
    if not runs:
        st.info(t("train.none_yet"), icon=":material/info:")
        return
    if len(runs) > 1:
        lang = current_language()
        numbers = [r.number for r in runs]
        if st.session_state.get(SHOWN_STATE) not in numbers:
            st.session_state[SHOWN_STATE] = numbers[-1]
        st.selectbox(
            t("train.compare_runs"),
            numbers,
            format_func=lambda n: t(
                "train.run_label", lang=lang, number=n, label=runs[numbers.index(n)].run.label
            ),
            key=SHOWN_STATE,
        )
    entry = shown_run()
    assert entry is not None
    drawn_state = entry.job.state

    interval = poll_interval(drawn_state)

    @st.fragment(run_every=interval)
    def _live() -> None:
        if entry.job.state != drawn_state:
            # It started (poll faster), or ended: a full rerun shows the save panel and stops polling.
            st.rerun()
        _draw_run(entry)

    @st.fragment(run_every=max(interval, PROBE_POLL_SECONDS) if drawn_state == RUNNING else None)
    def _live_probe() -> None:
        _probe(entry.run.view(), transformer=_is_transformer(entry.run))

    _live()
    if drawn_state != QUEUED:  # nothing to show yet: a waiting session redraws only its place in line
        _live_probe()


def _draw_run(entry: SessionRun) -> None:
    from seqviz.ui.training import job_manager

    view = entry.run.view()
    title = t("train.run_label", number=entry.number, label=plain(view.label))  # a corpus's file name
    st.markdown(f"**{title}** · {state_label(view)}")
    manager = job_manager()
    position = manager.queue_position(entry.job)
    if position is not None:
        running, _ = manager.counts()
        st.info(t("train.queue", position=position, running=running, slots=manager.max_running))
    if view.waiting_ahead is not None:  # the job runs, but the cluster has no CPU for it yet
        st.info(t("train.cluster_waiting", ahead=view.waiting_ahead), icon=":material/hourglass_top:")
    if entry.job.state == QUEUED or view.waiting_ahead is not None:  # no numbers yet; fewer elements keep
        _controls(entry)  # a full lecture hall's redraws cheap
        return
    if view.where:
        st.caption(t("train.cluster_node", where=plain(view.where)))
    _progress(view)
    if entry.job.active:
        _controls(entry)
    if view.stop_reason == StopReason.DIVERGED:
        st.error(t("train.diverged", message=plain(view.message)), icon=":material/warning:")
    elif view.error:
        st.error(t("train.failed", message=plain(view.error, keep_newlines=True)), icon=":material/error:")
    elif view.state == RunState.FINISHED:
        st.success(_end_message(view), icon=":material/check_circle:")
    _metrics(view)
    _curves(view, entry.run.train_config.eval_every)


def _end_message(view: Any) -> str:
    """Why the run ended, in the page's language (the core's message is English)."""
    if view.stop_reason is None:
        return t("train.end.cancelled")
    if view.stop_reason == StopReason.STOPPED and view.stop_cause == StopCause.OWNER_GONE:
        return t("train.end.closed", step=view.step)
    return t(f"train.end.{view.stop_reason}", step=view.step)


def _progress(view: Any) -> None:
    if view.state == RunState.FINISHED:
        eta = t("train.done_eta")
    elif view.eta is None:
        eta = t("train.eta_unknown")
    else:
        eta = t("train.eta", seconds=view.eta)
    if view.total_steps:
        text = t(
            "train.progress", step=view.step, total=f"{view.total_steps:,}", elapsed=view.elapsed, eta=eta
        )
    else:
        budget = view.elapsed / view.progress if view.progress else 0.0
        text = t("train.progress_time", step=view.step, elapsed=view.elapsed, budget=round(budget), eta=eta)
    st.progress(min(max(view.progress, 0.0), 1.0), text=text)


def _controls(entry: SessionRun) -> None:
    pause_column, stop_column, _ = st.columns([1, 1, 3])
    if entry.run.state == "paused":
        pause_column.button(
            t("train.resume"), key="train.resume", icon=":material/play_arrow:", on_click=entry.run.resume
        )
    else:
        pause_column.button(
            t("train.pause"),
            key="train.pause",
            icon=":material/pause:",
            on_click=entry.run.pause,
            disabled=entry.job.state != RUNNING,
        )
    stop_column.button(
        t("train.stop"), key="train.stop", icon=":material/stop:", on_click=stop_run, args=(entry,)
    )


def _metrics(view: Any) -> None:
    latest, evaluation = view.latest, view.latest_eval
    columns = st.columns(6)
    values = [
        ("loss", latest and f"{latest.loss:.3f}"),
        ("perplexity", latest and f"{latest.perplexity:.3g}"),
        ("grad_norm", latest and f"{latest.grad_norm:.3g}"),
        ("tokens_per_s", latest and _compact(latest.tokens_per_s or 0.0)),
        ("exact_match", evaluation and f"{evaluation['exact_match']:.1%}"),
        ("bleu", evaluation and f"{evaluation['bleu']:.1f}"),
    ]
    for column, (name, value) in zip(columns, values, strict=True):
        column.metric(t(f"train.metric.{name}"), value or "–")


def _compact(value: float) -> str:
    """12,345 -> 12.3k: six metrics share a row, and a long number would be cut off."""
    return f"{value / 1000:.1f}k" if value >= 10_000 else f"{value:,.0f}"


def _curves(view: Any, eval_every: int) -> None:
    """Loss and validation side by side, then perplexity and gradient norm: the run's four vital signs."""
    from seqviz.viz.train import curves_chart

    if not view.history:
        st.caption(t("train.no_points"))
        return
    step = t("train.step_axis")

    def history_chart(metric: str, container: Any) -> None:
        chart = curves_chart(
            [(view.label, view.history)],
            metric,
            title=t(f"train.curves.{metric}"),
            y_title=t(f"train.metric.{metric}"),
            x_title=step,
        )
        vega_chart(container, chart, width="stretch", key=f"train.chart.{metric}")

    left, right = st.columns(2)
    history_chart("loss", left)
    if view.evaluations:
        series = [
            (
                t("train.metric.exact_match_percent"),
                [{**e, "value": 100 * e["exact_match"]} for e in view.evaluations],
            ),
            (t("train.metric.bleu"), [{**e, "value": e["bleu"]} for e in view.evaluations]),
        ]
        chart = curves_chart(
            series,
            "value",
            title=t("train.curves.validation"),
            y_title="%",
            x_title=step,
            run_title="",
            points=True,
        )
        vega_chart(right, chart, width="stretch", key="train.chart.validation")
    else:
        right.caption(t("train.no_eval", every=eval_every))
    left, right = st.columns(2)
    history_chart("perplexity", left)
    history_chart("grad_norm", right)


def _is_transformer(run: Any) -> bool:
    """Whether a run trains a Transformer: its new model's choice, or the checkpoint it continues."""
    if run.choice is not None:
        return run.choice.arch == "transformer"
    return getattr(run.initial, "kind", None) == "transformer"


def _probe(view: Any, transformer: bool = False) -> None:
    from seqviz.explain.results import GATE_SYMBOLS
    from seqviz.viz.heatmap import diverging, sequential, token_heatmap

    st.markdown(f"#### {t('train.probe_header')}")
    snapshots = view.snapshots
    if not snapshots:
        st.caption(t("train.no_snapshots"))
        return
    last = len(snapshots) - 1
    if st.session_state.get(_SNAPSHOT_FOLLOW, True) or st.session_state.get(_SNAPSHOT_KEY, 0) > last:
        st.session_state[_SNAPSHOT_KEY] = last
    if last > 0:
        index = st.slider(
            t("train.snapshot"),
            0,
            last,
            key=_SNAPSHOT_KEY,
            format=" ",
            on_change=_remember_follow,
            args=(last,),
        )
    else:
        index = 0
    snapshot = snapshots[index]
    vocab = view.target_vocab_tokens
    outputs = [vocab[i] if 0 <= i < len(vocab) else "?" for i in snapshot.output_ids]
    shown_output = " ".join(token for token in outputs if token != "<eos>")
    st.markdown(
        t("train.snapshot_at", step=snapshot.step, elapsed=snapshot.elapsed, output=plain(shown_output))
    )
    source_axis, output_axis = t("train.source_axis"), t("train.output_axis")
    if snapshot.attention is not None:
        vega_chart(
            st,
            token_heatmap(
                snapshot.attention,
                outputs,
                view.source_tokens,
                title=t("train.probe_attention_transformer" if transformer else "train.probe_attention"),
                row_title=output_axis,
                column_title=source_axis,
                value_name=t("train.weight"),
                colours=sequential(0.0, 1.0),
            ),
            width="stretch",
            key="train.chart.attention",
        )
    else:
        st.info(t("train.no_attention"))
    if transformer:  # no gates: the encoder's output vectors, one row per input position
        _vectors_chart(
            snapshot.encoder_hidden,
            view.source_tokens,
            title=t("train.probe_encoder_outputs"),
            value_name="h_i",
            colours=diverging(max((abs(v) for row in snapshot.encoder_hidden for v in row), default=1.0)),
        )
        return
    gates = [*snapshot.encoder_gates, "hidden"]
    gate = st.radio(
        t("train.probe_gate"),
        gates,
        format_func=labeller("gate"),
        horizontal=True,
        key="train.probe_gate",
    )
    values = snapshot.encoder_hidden if gate == "hidden" else snapshot.encoder_gates[gate]
    _vectors_chart(
        values,
        view.source_tokens,
        title=t("train.probe_gates", gate=t(f"gate.{gate}")),
        value_name=f"{GATE_SYMBOLS.get(gate, 'h')}_t",
        colours=diverging(1.0) if gate in ("hidden", "cell", "new") else sequential(0.0, 1.0),
    )


def _vectors_chart(
    values: list[list[float]], tokens: list[str], *, title: str, value_name: str, colours: Any
) -> None:
    """One vector per input position (a gate, h_t, a Transformer encoder's outputs): positions x units."""
    from seqviz.viz.heatmap import token_heatmap

    units = [str(u) for u in range(len(values[0]))] if values else []
    vega_chart(
        st,
        token_heatmap(
            values,
            tokens,
            units,
            title=title,
            row_title=t("train.source_axis"),
            column_title=t("train.unit_axis"),
            value_name=value_name,
            colours=colours,
            show_values=False,
            column_ticks=16,  # 128 unit numbers side by side are unreadable; hover names each cell
        ),
        width="stretch",
        key="train.chart.gates",
    )


def _remember_follow(last: int) -> None:
    st.session_state[_SNAPSHOT_FOLLOW] = st.session_state[_SNAPSHOT_KEY] >= last


# ---------------------------------------------------------------------------------------- saving


def save_panel(entry: SessionRun) -> str | None:
    """Name and save the shown run among the session's own checkpoints; returns the checkpoint name once
    saved (this run or earlier). "Replace" reaches only the session's own folder
    (``seqviz.checkpoints.classroom``)."""
    from seqviz.checkpoints.archive import checkpoint_zip_bytes
    from seqviz.checkpoints.classroom import find_visible, owner_root, private_path
    from seqviz.checkpoints.store import save_checkpoint
    from seqviz.ui.classroom import current_owner, share_controls

    saved: dict[int, str] = st.session_state.setdefault(SAVED_STATE, {})
    run = entry.run
    if run.result is None:
        st.caption(t("train.nothing_to_save"))
        return None
    default = "-".join(run.label.replace(" · ", "-").replace(" ", "").split("-")[:3])
    name_column, button_column = st.columns([3, 1], vertical_alignment="bottom")
    name = name_column.text_input(
        t("train.save_name"),
        value=saved.get(entry.number, default),
        max_chars=64,
        key=f"train.save_name.{entry.number}",
    )
    overwrite = st.checkbox(t("train.overwrite"), key=f"train.overwrite.{entry.number}")
    if button_column.button(
        t("train.save"), type="primary", icon=":material/save:", key=f"train.save.{entry.number}"
    ):
        target = private_path(current_owner(), name)
        name = target.name
        if target.exists() and not overwrite and saved.get(entry.number) != name:
            raise InputError(t("train.exists", name=name))
        save_checkpoint(run.checkpoint(), target)
        saved[entry.number] = name
    name = saved.get(entry.number)
    if name is None:
        return None
    st.success(t("train.saved", name=plain(name)), icon=":material/check_circle:")
    st.caption(t("classroom.link_hint"))
    owner = current_owner()
    download(
        t("train.download"),
        lambda: checkpoint_zip_bytes(find_visible(owner, name).path),
        f"{name}.zip",
        key=f"train.download.{entry.number}",
    )
    share_controls(name, mine=(owner_root(owner) / name).is_dir(), key=f"train.share.{entry.number}")
    return name


# ------------------------------------------------------------------------------------- comparing


def compare_panel() -> None:
    """Overlay the curves of this session's runs, with a table of their settings and results."""
    import pandas as pd

    from seqviz.viz.train import curves_chart, report_value

    runs = session_runs()
    st.caption(t("train.compare_help"))
    titles = {r.number: t("train.run_label", number=r.number, label=r.run.label) for r in runs}
    views = {r.number: r.run.view() for r in runs}

    def shown(report: Any, name: str) -> str:
        """A number on its usual scale, or a dash until the run has reported it (not "None")."""
        value = report_value(report, name) if report else None
        return "—" if value is None else metric_text(name, value)

    rows = [
        {
            t("train.col.run"): titles[number],
            t("train.col.state"): state_label(view),
            t("train.col.steps"): f"{view.step:,}",
            t("train.col.seconds"): f"{view.elapsed:.1f}",
            t("train.metric.loss"): shown(view.latest, "loss"),
            t("train.metric.exact_match"): shown(view.latest_eval, "exact_match"),
            t("train.metric.bleu"): shown(view.latest_eval, "bleu"),
        }
        for number, view in views.items()
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True)
    if len(runs) < 2:
        st.caption(t("train.compare_need_two"))
        return
    metrics = ("loss", "perplexity", "exact_match", "bleu", "grad_norm", "tokens_per_s", "teacher_forcing")
    known = st.session_state.get(_COMPARE_KNOWN)
    if known is None or "train.compare_chosen" not in st.session_state:
        st.session_state["train.compare_chosen"] = list(titles)[-4:]
    else:
        newcomers = [number for number in titles if number not in known]  # a run started since: shown too
        kept = [number for number in st.session_state["train.compare_chosen"] if number in titles]
        st.session_state["train.compare_chosen"] = kept + newcomers
    st.session_state[_COMPARE_KNOWN] = list(titles)
    chosen = st.multiselect(
        t("train.compare_runs"), list(titles), format_func=titles.__getitem__, key="train.compare_chosen"
    )
    left, right = st.columns(2)
    metric = left.selectbox(
        t("train.compare_metric"),
        metrics,
        format_func=labeller("train.metric"),
        key="train.compare_metric",
    )
    x_axis = right.radio(
        t("train.compare_x"),
        ("step", "elapsed"),
        format_func=labeller("train.compare_x"),
        horizontal=True,
        key="train.compare_x",
    )
    evaluation = metric in ("exact_match", "bleu")
    series = []
    for number in chosen:
        view = views[number]
        series.append((titles[number], view.evaluations if evaluation else view.history))
    vega_chart(
        st,
        curves_chart(
            series,
            metric,
            x=x_axis,  # a report's own field: its step, or its training seconds
            y_title=t(f"train.metric.{metric}"),
            x_title=t(f"train.compare_x.{x_axis}"),
            x_format=",d" if x_axis == "step" else ",.1f",
            run_title=t("train.col.run"),
            points=evaluation,
            height=320,
        ),
        width="stretch",
        key="train.chart.compare",
    )


_COMPARE_KNOWN = "train.compare_known"  # the runs the comparison's selection was last drawn with
