"""The language-model page's sections: the probability strip with perplexity, the alternatives at a chosen
position, and step-by-step sampling. Numbers come from ``seqviz.lm_view`` (cached per checkpoint version),
figures from ``seqviz.viz.lm``.

URL state: ``pos`` (position), ``prompt``, ``temp``, ``topk``, ``n`` (tokens), ``seed``, ``s`` (step shown).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from seqviz.ui.i18n import t
from seqviz.ui.models import checkpoint_version, load_cached_checkpoint
from seqviz.ui.url_state import url_bound
from seqviz.viz import lm as figures

SHOWN_ALTERNATIVES = 8


@st.cache_data(show_spinner=False, max_entries=256)
def _probabilities(path: str, version: float, text: str) -> Any:
    from seqviz.lm_view import token_probabilities

    return token_probabilities(load_cached_checkpoint(path), text)


@st.cache_data(show_spinner=False, max_entries=256)
def _sample(
    path: str, version: float, prompt: str, steps: int, temperature: float, top_k: int, seed: int
) -> Any:
    from seqviz.lm_view import sample

    return sample(
        load_cached_checkpoint(path), prompt, steps, temperature=temperature, top_k=top_k, seed=seed
    )


def strip_section(path: str | Path, text: str) -> Any:
    result = _probabilities(str(path), checkpoint_version(path), text)
    if result.unknown:
        st.caption(t("input.unknown", tokens=", ".join(repr(token) for token in result.unknown)))
    positions = list(range(len(result.tokens)))
    default = min(range(len(positions)), key=lambda i: result.probabilities[i])  # the biggest surprise
    position = int(
        st.select_slider(
            t("lm.position"),
            positions,
            format_func=lambda i: f"{i}: {result.tokens[i]!r}",
            **url_bound("lm.position", "pos", default, parse=int, valid=lambda v: v in positions),
        )
    )
    st.plotly_chart(
        figures.probability_strip(
            result.tokens, result.probabilities, chosen=position, title=t("lm.strip_title")
        ),
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
    st.plotly_chart(
        figures.candidates_bars(
            [name for name, _ in alternatives],
            [p for _, p in alternatives],
            highlight=token,
            title=t("lm.alternatives_title", position=position, context=repr(context)),
        ),
        key="lm.alternatives",
    )
    st.caption(t("lm.actual", token=repr(token), probability=result.probabilities[position]))
    return result


def sampling_section(path: str | Path) -> None:
    st.subheader(t("lm.sampling_header"))
    prompt_column, temperature_column, k_column, n_column, seed_column = st.columns([3, 2, 2, 2, 1])
    prompt = prompt_column.text_input(
        t("lm.prompt"), max_chars=500, **url_bound("lm.prompt", "prompt", "the ")
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
        str(path),
        checkpoint_version(path),
        prompt,
        int(steps),
        round(float(temperature), 2),
        int(top_k),
        int(seed),
    )
    st.markdown(t("lm.sample_text", text=f"`{result.text}`"))
    if not result.steps:
        return
    indices = list(range(1, len(result.steps) + 1))
    shown = int(
        st.select_slider(
            t("lm.sample_step"),
            indices,
            format_func=lambda i: f"{i}: {result.steps[i - 1].token!r}",
            **url_bound("lm.sample_step", "s", 1, parse=int, valid=lambda v: v in indices),
        )
    )
    step = result.steps[shown - 1]
    st.plotly_chart(
        figures.candidates_bars(
            [name for name, _ in step.candidates],
            [p for _, p in step.candidates],
            highlight=step.token,
            title=t("lm.step_title", step=step.step, temperature=float(temperature), k=int(top_k)),
        ),
        key="lm.sample_step_chart",
    )
    st.caption(
        t("lm.step_drawn", token=repr(step.token), probability=step.probability, model=step.model_probability)
    )
