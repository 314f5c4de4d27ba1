"""The language-model page's sections: the probability strip with perplexity, the alternatives at a chosen
position, step-by-step sampling, full vs truncated BPTT, and connectivity through time. Numbers come from
``seqviz.explain.lm`` and ``seqviz.explain.connectivity`` (cached per checkpoint version), figures from
``seqviz.viz.lm``.

URL state: ``pos`` (position), ``prompt``, ``temp``, ``topk``, ``n`` (tokens), ``seed``, ``s`` (step shown),
``ck`` (the truncation window of the connectivity section).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import streamlit as st

from seqviz.ui.checkpoint_cache import load_cached_checkpoint, per_checkpoint
from seqviz.ui.common import download, vega_chart
from seqviz.ui.i18n import current_language, labeller, t
from seqviz.ui.inputs import model_and_input
from seqviz.ui.plain import code, plain
from seqviz.ui.url_state import parse_bool, serialize_bool, set_bound, url_bound
from seqviz.viz import lm as figures

SHOWN_ALTERNATIVES = 8
CHINESE_MODEL = "charlm-zh-lstm"  # the shipped character model trained on Chinese (seqviz.data.lm_corpus_zh)
DEFAULT_PROMPTS = {"en": "the ", "zh": "今天"}  # a sampling prompt in the language of the model's corpus


def page_default_model() -> str | None:
    """The model the page opens on when the session has none: the Chinese one for a Chinese page."""
    return CHINESE_MODEL if current_language() == "zh" else None


def chinese_model_hint(info: Any) -> None:
    """On a Chinese page showing a model that read only English text, say so and offer the Chinese one."""
    from seqviz.checkpoints.store import checkpoint_root
    from seqviz.ui.common import choose_checkpoint

    if current_language() != "zh" or info.name == CHINESE_MODEL or info.origin != "shipped":
        return
    if not (checkpoint_root() / CHINESE_MODEL).is_dir():
        return

    st.info(t("lm.zh_model_hint", name=code(CHINESE_MODEL)), icon=":material/translate:")
    st.button(t("lm.zh_model_button"), key="lm.zh_model", on_click=choose_checkpoint, args=(CHINESE_MODEL,))


def _default_prompt(path: str | Path) -> str:
    from seqviz.data.lm_corpus import checkpoint_corpus_name

    return DEFAULT_PROMPTS.get(checkpoint_corpus_name(load_cached_checkpoint(path).task), "the ")


@per_checkpoint(max_entries=256)
def _probabilities(checkpoint: Any, text: str) -> Any:
    from seqviz.explain.lm import token_probabilities

    return token_probabilities(checkpoint, text)


@per_checkpoint(max_entries=256)
def _sample(checkpoint: Any, prompt: str, steps: int, temperature: float, top_k: int, seed: int) -> Any:
    from seqviz.explain.lm import sample

    return sample(checkpoint, prompt, steps, temperature=temperature, top_k=top_k, seed=seed)


def strip_section(path: str | Path, text: str) -> Any:
    result = _probabilities(path, text)
    positions = list(range(len(result.tokens)))
    default = min(range(len(positions)), key=lambda i: result.probabilities[i])  # the biggest surprise
    position = int(
        st.select_slider(
            t("lm.position"),
            positions,
            format_func=lambda i: f"{i + 1}: {plain(repr(result.tokens[i]))}",  # 1-based, as a reader counts
            **url_bound("lm.position", "pos", default, parse=int, valid=lambda v: v in positions),
        )
    )
    vega_chart(
        st,
        figures.probability_strip(
            result.tokens, result.probabilities, chosen=position, title=t("lm.strip_title")
        ),
        width="stretch",
        key="lm.strip",
    )
    ppl = result.perplexity
    a, b, c = st.columns(3)
    a.metric(t("lm.perplexity"), f"{ppl.perplexity:.4f}")
    b.metric(t("lm.mean_nll"), f"{ppl.mean_nll:.4f}")
    c.metric(t("lm.tokens"), ppl.token_count)
    st.caption(t("lm.perplexity_formula", mean=ppl.mean_nll, value=ppl.perplexity))
    alternatives = result.alternatives(position, SHOWN_ALTERNATIVES)
    context = "".join(result.tokens[max(0, position - 12) : position]) or "<sos>"
    token = result.tokens[position]
    vega_chart(
        st,
        figures.candidates_bars(
            [name for name, _ in alternatives],
            [p for _, p in alternatives],
            highlight=token,
            title=t("lm.alternatives_title", position=position + 1, context=repr(context)),
        ),
        width="stretch",
        key="lm.alternatives",
    )
    st.caption(t("lm.actual", token=plain(repr(token)), probability=result.probabilities[position]))
    return result


def sampling_section(path: str | Path) -> None:
    st.subheader(t("lm.sampling_header"))
    prompt_column, temperature_column, k_column, n_column, seed_column = st.columns([3, 2, 2, 2, 1])
    default_prompt = _default_prompt(path)
    if st.session_state.get("lm.prompt_for") not in (None, str(path)):  # another model: its own prompt
        set_bound("lm.prompt", default_prompt, "prompt")
    st.session_state["lm.prompt_for"] = str(path)
    prompt = prompt_column.text_input(
        t("lm.prompt"), max_chars=500, **url_bound("lm.prompt", "prompt", default_prompt)
    )
    temperature = temperature_column.slider(
        t("lm.temperature"), 0.0, 2.0, step=0.1, help=t("lm.temperature_help"),
        **url_bound("lm.temperature", "temp", 0.8, parse=float, valid=lambda v: 0 <= v <= 2),
    )  # fmt: skip
    top_k = k_column.slider(
        t("lm.top_k"), 1, 50, **url_bound("lm.top_k", "topk", 10, parse=int, valid=lambda v: 1 <= v <= 50)
    )
    steps = n_column.slider(
        t("lm.steps"), 1, 200, **url_bound("lm.steps", "n", 60, parse=int, valid=lambda v: 1 <= v <= 200)
    )
    seed = seed_column.number_input(
        t("lm.seed"),
        0,
        10_000,
        step=1,
        **url_bound("lm.seed", "seed", 0, parse=int, valid=lambda v: 0 <= v <= 10_000),
    )
    result = _sample(
        path,
        prompt,
        int(steps),
        round(float(temperature), 2),
        int(top_k),
        int(seed),
    )
    st.markdown(t("lm.sample_text", text=code(result.text)))
    if not result.steps:
        return
    indices = list(range(1, len(result.steps) + 1))
    shown = int(
        st.select_slider(
            t("lm.sample_step"),
            indices,
            format_func=lambda i: f"{i}: {plain(repr(result.steps[i - 1].token))}",
            **url_bound("lm.sample_step", "s", 1, parse=int, valid=lambda v: v in indices),
        )
    )
    step = result.steps[shown - 1]
    vega_chart(
        st,
        figures.candidates_bars(
            [name for name, _ in step.candidates],
            [p for _, p in step.candidates],
            highlight=step.token,
            title=t("lm.step_title", step=step.step, temperature=float(temperature), k=int(top_k)),
        ),
        width="stretch",
        key="lm.sample_step_chart",
    )
    st.caption(
        t(
            "lm.step_drawn",
            token=plain(repr(step.token)),
            probability=step.probability,
            model=step.model_probability,
        )
    )


# ------------------------------------------------------------------------------------------- BPTT


@st.cache_resource(show_spinner=False, max_entries=16)
def _bptt(text: str, k: int, steps: int) -> Any:
    """Trained once per text and setting, shared by every session (the runs are only read)."""
    from seqviz.explain.bptt_study import BpttSettings, bptt_comparison

    return bptt_comparison(text, BpttSettings(k=k, steps=steps))


def _training_text(source: str) -> str | None:
    from seqviz.data.lm_corpus import language_model_corpus
    from seqviz.explain.bleu import sentences_from_bytes
    from seqviz.explain.bptt_study import MAX_TEXT_CHARS

    if source == "corpus":
        return language_model_corpus()
    limit_mb = -(-MAX_TEXT_CHARS // 1_000_000)  # the widget's own "Limit … per file" says the same number
    upload = st.file_uploader(
        t("lm.bptt_upload", limit=limit_mb), type=["txt"], key="lm.bptt_file", max_upload_size=limit_mb
    )
    if upload is None:
        return None
    return "\n".join(sentences_from_bytes(upload.getvalue(), upload.name, max_bytes=MAX_TEXT_CHARS))


def bptt_section() -> None:
    from seqviz.explain.bptt_study import BpttSettings
    from seqviz.ui.cluster_calls import cluster_result, on_cluster

    length = BpttSettings().sequence_length
    st.subheader(t("lm.bptt_header"))
    st.markdown(t("lm.bptt_intro", length=length))
    source_column, k_column, steps_column, button_column = st.columns(
        [2, 2, 2, 1.4], vertical_alignment="bottom"
    )
    sources = ["corpus", "upload"]
    source = source_column.radio(
        t("lm.bptt_source"), sources, format_func=labeller("lm.bptt_source"), horizontal=True,
        **url_bound("lm.bptt_source", "bsrc", "corpus", valid=lambda v: v in sources),
    )  # fmt: skip
    k = k_column.slider(
        t("lm.bptt_k"),
        1,
        length - 1,
        **url_bound("lm.bptt_k", "bk", 8, parse=int, valid=lambda v: 1 <= v < length),
    )
    steps = steps_column.slider(
        t("lm.bptt_steps"), 50, 500, step=50,
        **url_bound("lm.bptt_steps", "bn", 150, parse=int, valid=lambda v: 50 <= v <= 500),
    )  # fmt: skip
    pressed = button_column.button(
        t("lm.bptt_train"), key="lm.bptt_button", icon=":material/model_training:", width="stretch"
    )
    text = _training_text(source)
    if text is None:
        return
    wanted = (source, hash(text), int(k), int(steps))
    if pressed:
        st.session_state["lm.bptt_requested"] = wanted
    if st.session_state.get("lm.bptt_requested") != wanted:
        st.caption(t("lm.bptt_press"))
        return
    if on_cluster():  # trained there; this script run never waits for it (``seqviz.ui.cluster_calls``)
        runs = cluster_result(
            ("bptt", hashlib.sha256(text.encode("utf-8")).hexdigest(), int(k), int(steps)),
            "seqviz.explain.bptt_study:bptt_comparison", text, BpttSettings(k=int(k), steps=int(steps)),
        )  # fmt: skip
        if runs is None:
            return
    else:
        with st.spinner(t("lm.bptt_training")):
            runs = _bptt(text, int(k), int(steps))
    names = {run.label: t(f"lm.bptt_run.{run.label}", k=k) for run in runs}
    for run in runs:
        st.caption(
            t(
                "lm.bptt_result",
                run=names[run.label],
                perplexity=run.validation_perplexity,
                seconds=run.seconds,
            )
        )
    full = next((run for run in runs if run.label == "full"), None)
    if full is not None and any(run.validation_perplexity < full.validation_perplexity for run in runs):
        st.info(t("lm.bptt_truncated_ahead"), icon=":material/lightbulb:")  # the surprise needs its reason
    loss_column, reach_column = st.columns(2)
    curves = [
        (names[run.label], [h.step for h in run.history], [h.loss for h in run.history]) for run in runs
    ]
    loss_column.plotly_chart(
        figures.runs_figure(
            curves,
            title=t("lm.bptt_loss_title"), x_title=t("lm.axis.update"), y_title=t("lm.axis.loss"),
        ),
        key="lm.bptt_loss",
    )  # fmt: skip
    reach_column.plotly_chart(
        figures.runs_figure(
            [(names[run.label], list(range(len(run.reach))), run.reach) for run in runs],
            title=t("lm.bptt_reach_title"), x_title=t("lm.axis.step"), y_title="‖∂L/∂h_t‖", log_y=True,
        ),
        key="lm.bptt_reach",
    )  # fmt: skip
    reach_column.caption(t("lm.bptt_reach_note"))
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:6]
    for column, run in zip(st.columns(len(runs)), runs, strict=True):
        column.button(
            t(f"lm.bptt_use.{run.label}", k=k),
            key=f"lm.bptt_use.{run.label}",
            icon=":material/input:",
            on_click=_use_model,
            args=(
                run.checkpoint,
                f"charlm-{run.label}-k{k}-{digest}" if run.bptt else f"charlm-full-{digest}",
            ),
        )


def _use_model(checkpoint: Any, name: str) -> None:
    """Save a trained run among the session's own checkpoints and open it on this page (the strip,
    sampling)."""
    from seqviz.checkpoints.classroom import free_private_path
    from seqviz.checkpoints.store import save_checkpoint
    from seqviz.ui.classroom import current_owner
    from seqviz.ui.common import choose_checkpoint

    target = save_checkpoint(checkpoint, free_private_path(current_owner(), name))
    choose_checkpoint(target.name)


# ------------------------------------------------------------------------------- connectivity


DEFAULT_CONNECTIVITY_K = 32  # the shipped language models' own training window
CONNECTIVITY_VALUE = "‖∂ log P(x_t+1) / ∂ x_t′‖"  # the same symbols in every language


@per_checkpoint(max_entries=64)
def _connectivity(checkpoint: Any, text: str, k: int) -> Any:
    from seqviz.explain.connectivity import language_model_connectivity

    return language_model_connectivity(checkpoint, text, k)


def _trained_window(path: str | Path) -> int | None:
    """The truncation window the checkpoint was trained with, as its provenance records it (None: full BPTT
    or not recorded)."""
    bptt = load_cached_checkpoint(path).training.settings.get("bptt")
    return bptt if type(bptt) is int and bptt > 0 else None  # a hand-edited config may hold anything


def connectivity_section(path: str | Path, text: str) -> None:
    """``||d log P(x_{t+1}) / d x_t'||`` for every pair of steps, full and truncated at k side by side, with
    the window's edge drawn on both (``seqviz.explain.connectivity``)."""
    from seqviz.explain.connectivity import MAX_CONNECTIVITY_TOKENS
    from seqviz.export.csv_export import connectivity_csv

    st.subheader(t("lm.connectivity_header"))
    st.markdown(t("lm.connectivity_intro", limit=MAX_CONNECTIVITY_TOKENS))
    # One backward pass per step and two heatmaps: computed when asked for (``?conn=1`` in a lecturer's
    # link), so the page's first view stays as quick as before the section existed.
    shown = st.toggle(
        t("lm.connectivity_show"),
        **url_bound(
            "lm.connectivity_show",
            "conn",
            False,
            parse=parse_bool,
            serialize=serialize_bool,
            omit_default=True,
        ),
    )
    if not shown:
        return
    trained = _trained_window(path)
    default = min(trained or DEFAULT_CONNECTIVITY_K, MAX_CONNECTIVITY_TOKENS)
    k = int(
        st.slider(
            t("lm.connectivity_k"), 1, MAX_CONNECTIVITY_TOKENS,
            **url_bound("lm.connectivity_k", "ck", default, parse=int,
                        valid=lambda v: 1 <= v <= MAX_CONNECTIVITY_TOKENS),
        )
    )  # fmt: skip
    if trained is not None:
        st.caption(t("lm.connectivity_trained", k=trained))
    result = _connectivity(path, text, k)
    assert result.truncated is not None
    panels = [
        (t("lm.connectivity_full_title"), result.matrix),
        (t("lm.connectivity_truncated_title", k=k), result.truncated),
    ]
    figure = figures.connectivity_heatmaps(
        result.tokens,
        result.outputs,
        panels,
        k=k,
        input_title=t("lm.axis.reads"),
        output_title=t("lm.axis.predicts"),
        value_name=CONNECTIVITY_VALUE,
    )
    vega_chart(st, figure, width="content", key="lm.connectivity")
    st.caption(t("lm.connectivity_note", share=result.cut_share()))
    name = Path(path).name
    download(t("lm.connectivity_csv"), lambda: connectivity_csv(result), f"connectivity-{name}-k{k}.csv")


# ------------------------------------------------------------------------------------------- the page

LM_SECTIONS = ("strip", "sampling", "bptt", "connectivity")


def page_view(only: str | None = None) -> None:
    """The Language-model page under its introduction: the model and text, then its four sections, each
    apart (``only``: that section alone, for a lesson's step)."""
    from seqviz.ui.errors import user_errors

    model = model_and_input(
        "lm", kinds=("language_model",), default=page_default_model(), label_key="lm.text"
    )
    info, text = model.info, model.text
    with model.model_column:
        chinese_model_hint(info)
    draw = {
        "strip": lambda: strip_section(info.path, text),
        "sampling": lambda: sampling_section(info.path),
        "bptt": bptt_section,
        "connectivity": lambda: connectivity_section(info.path, text),
    }
    for number, name in enumerate([only] if only else LM_SECTIONS):
        if number:
            st.divider()
        with user_errors():
            draw[name]()
