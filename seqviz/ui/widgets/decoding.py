"""The Decoding stepper page's sections: the step controls, one step's charts, the what-if box and the
teacher-forcing vs free-running comparison. Numbers come from ``seqviz.explain.decoding``, figures from
``seqviz.viz.decoding``; nothing here computes model math.

State (all URL-bound, so a link reopens the exact view): ``step`` (tokens written), ``k`` (top-k),
``force`` (``"2:x,5:y"``: the tokens the user forced, by 1-based step) and ``ref`` (the reference). Each
run rebuilds the view from these with ``DecodeStepper.follow``, on a stepper kept in session state for the
current (checkpoint, text): Step runs one decoder step, Back pops one, and browser back/forward or a
changed checkpoint simply lands on other values.
"""

from __future__ import annotations

import math
from typing import Any

import streamlit as st

from seqviz.export.json_export import contrast_to_json, download_json
from seqviz.models.config import TRANSLATION_KINDS
from seqviz.ui.checkpoint_cache import checkpoint_version, per_checkpoint
from seqviz.ui.classroom import visible_checkpoints
from seqviz.ui.common import DEFAULT_CHECKPOINT, choose_checkpoint, download, vega_chart
from seqviz.ui.errors import user_errors
from seqviz.ui.i18n import labeller, t
from seqviz.ui.inputs import model_and_input
from seqviz.ui.plain import code, plain
from seqviz.ui.url_state import set_bound, url_bound
from seqviz.viz import decoding as figures

STEP_STATE, STEP_QUERY = "decoding.step", "step"
TOP_K_STATE, TOP_K_QUERY = "decoding.top_k", "k"
FORCE_STATE, FORCE_QUERY = "decoding.force", "force"
REFERENCE_STATE, REFERENCE_QUERY = "decoding.reference", "ref"
_STEPPER_STATE = "decoding.stepper"  # (key, DecodeStepper) for the current checkpoint and text
_OWNER_STATE = "decoding.state_for"  # (checkpoint, text) the step and forced tokens belong to
_REFERENCE_OWNER = "decoding.reference_for"
_CHOICE_WIDGET = "_decoding.force_choice"
_CHOICE_OWNER = "_decoding.force_choice_for"
TOP_K_DEFAULT, TOP_K_MAX = 5, 20
MAX_STEP = 400  # default_max_len's ceiling


# ---------------------------------------------------------------------------------- not a seq2seq


def accepts(info: Any) -> bool:
    """Whether the stepper can show ``info`` (a translation model: an RNN seq2seq or a Transformer); for a
    language model, says so with one-click switches to seq2seq checkpoints."""
    if info.kind in TRANSLATION_KINDS:
        return True
    needs_seq2seq(info, visible_checkpoints())
    return False


def needs_seq2seq(info: Any, infos: list[Any]) -> None:
    """The note for a language model, with one-click switches to seq2seq checkpoints."""
    st.info(t("decoding.needs_seq2seq", name=plain(info.name)), icon=":material/info:")
    names = sorted(
        (i.name for i in infos if i.kind in TRANSLATION_KINDS), key=lambda n: (n != DEFAULT_CHECKPOINT, n)
    )[:3]
    for column, name in zip(st.columns(max(1, len(names))), names, strict=False):
        column.button(
            t("decoding.use_model", name=plain(name)),
            key=f"decoding.use.{name}",
            on_click=choose_checkpoint,
            args=(name,),
        )


# ------------------------------------------------------------------------------------------ state


def _forced_valid(tokens: list[str]) -> Any:
    from seqviz.explain.decoding import decode_forced

    def valid(text: str) -> bool:
        try:
            decode_forced(text, tokens)
        except ValueError:
            return False
        return True

    return valid


def _set_view(step: int, forced: dict[int, int], tokens: list[str]) -> None:
    from seqviz.explain.decoding import encode_forced

    set_bound(STEP_STATE, max(0, step), STEP_QUERY)
    kept = {p: i for p, i in forced.items() if p <= step}  # a force past the step is undone with it
    set_bound(FORCE_STATE, encode_forced(kept, tokens), FORCE_QUERY)


def current_stepper(info: Any, checkpoint: Any, text: str) -> Any:
    """The stepper at the URL's view (step, forced tokens) of ``text``; InputError for unusable text."""
    from seqviz.explain.decoding import DecodeStepper, decode_forced, encode_forced

    owner = (info.name, text)
    previous = st.session_state.get(_OWNER_STATE)
    if previous is not None and previous != owner:  # another model or text: start over
        set_bound(STEP_STATE, 0, STEP_QUERY)
        set_bound(FORCE_STATE, "", FORCE_QUERY)
    st.session_state[_OWNER_STATE] = owner
    key = (str(info.path), checkpoint_version(info.path), text)
    cached = st.session_state.get(_STEPPER_STATE)
    if cached is None or cached[0] != key:
        stepper = DecodeStepper(checkpoint, text)
        st.session_state[_STEPPER_STATE] = (key, stepper)
    else:
        stepper = cached[1]
    tokens = stepper.vocab.to_json()  # a copy model's: the words of this input it can copy included
    url_bound(STEP_STATE, STEP_QUERY, 0, parse=int, valid=lambda v: 0 <= v <= MAX_STEP)
    url_bound(FORCE_STATE, FORCE_QUERY, "", valid=_forced_valid(tokens))
    wanted_step = int(st.session_state[STEP_STATE])
    forced = decode_forced(st.session_state[FORCE_STATE], tokens)
    reached = stepper.follow(forced, wanted_step)
    if reached != wanted_step or encode_forced(stepper.forced, tokens) != st.session_state[FORCE_STATE]:
        _set_view(reached, stepper.forced, tokens)  # stopped at <eos>, or a force past the end: normalize
    return stepper


# --------------------------------------------------------------------------------------- controls


def _step_by(delta: int, tokens: list[str]) -> None:
    from seqviz.explain.decoding import decode_forced

    forced = decode_forced(st.session_state.get(FORCE_STATE, ""), tokens)
    _set_view(int(st.session_state.get(STEP_STATE, 0)) + delta, forced, tokens)


def _reset(tokens: list[str]) -> None:
    _set_view(0, {}, tokens)


def _run_to_end(limit: int, tokens: list[str]) -> None:
    _step_by(limit, tokens)  # follow() stops at <eos>; the page then writes the real step into the URL


def _force(tokens: list[str]) -> None:
    from seqviz.explain.decoding import decode_forced

    choice = st.session_state.get(_CHOICE_WIDGET)
    if choice is None:
        return
    step = int(st.session_state.get(STEP_STATE, 0)) + 1
    forced = decode_forced(st.session_state.get(FORCE_STATE, ""), tokens)
    forced[step] = int(choice)
    _set_view(step, forced, tokens)


def controls(stepper: Any) -> int:
    """Step / Back / Reset / Run to the end, and the top-k slider; returns k."""
    tokens = stepper.vocab.to_json()
    columns = st.columns([1, 1, 1, 1.4, 3], vertical_alignment="bottom")
    columns[0].button(
        t("decoding.step"),
        key="decoding.step_button",
        icon=":material/skip_next:",
        type="primary",
        disabled=stepper.done,
        help=t("decoding.step_help"),
        on_click=_step_by,
        args=(1, tokens),
    )
    columns[1].button(
        t("decoding.back"),
        key="decoding.back_button",
        icon=":material/undo:",
        disabled=stepper.position == 0,
        help=t("decoding.back_help"),
        on_click=_step_by,
        args=(-1, tokens),
    )
    columns[2].button(
        t("decoding.reset"),
        key="decoding.reset_button",
        icon=":material/restart_alt:",
        disabled=stepper.position == 0 and not stepper.forced,
        help=t("decoding.reset_help"),
        on_click=_reset,
        args=(tokens,),
    )
    columns[3].button(
        t("decoding.run_to_end"),
        key="decoding.run_button",
        icon=":material/fast_forward:",
        disabled=stepper.done,
        help=t("decoding.run_to_end_help"),
        on_click=_run_to_end,
        args=(stepper.max_len, tokens),
    )
    largest = max(1, min(TOP_K_MAX, len(tokens) - 2))  # <pad> and <sos> are never candidates
    default = min(TOP_K_DEFAULT, largest)
    return int(
        columns[4].slider(
            t("decoding.top_k"),
            1,
            largest,
            help=t("decoding.top_k_help"),
            **url_bound(TOP_K_STATE, TOP_K_QUERY, default, parse=int, valid=lambda v: 1 <= v <= largest),
        )
    )


# -------------------------------------------------------------------------------------- step view


def _token_chip(token: str, forced: bool) -> str:
    shown = code(token.replace("`", "ˋ"))  # a backtick would still read as one, without closing the span
    return f":orange-background[{shown}]" if forced else shown


def output_so_far(stepper: Any) -> None:
    st.markdown(f"**{t('decoding.output_so_far')}**")
    if not stepper.steps:
        st.info(t("decoding.nothing_yet"), icon=":material/info:")
        return
    chips = " ".join(_token_chip(view.chosen_token, view.forced) for view in stepper.steps)
    st.markdown(chips)
    notes = [t("decoding.position", step=stepper.position, limit=stepper.max_len)]
    if stepper.forced:
        forced = ", ".join(
            f"{p}: {plain(stepper.vocab.token_of(i))}" for p, i in sorted(stepper.forced.items())
        )
        notes.append(t("decoding.forced_list", tokens=forced))
    st.caption(" · ".join(notes))
    if stepper.finished:
        st.success(t("decoding.finished"), icon=":material/check_circle:")
    elif stepper.done:
        st.warning(t("decoding.at_limit", limit=stepper.max_len))


MEAN_OF_LAST_LAYER = "mean"


def _attention_row(distribution: Any) -> tuple[list[float], str]:
    """The attention row to draw and its title. An RNN has one row. A Transformer has one per layer and
    head: the reader picks which (the last layer's first head at first), or the last layer's mean over heads,
    the model's one-row summary, which no head applied."""
    heads = distribution.head_attention
    if heads is None:
        return distribution.attention, t("decoding.chart.attention", step=distribution.step)
    layers, per_layer = len(heads), len(heads[0])
    choices = [(layer, head) for layer in range(layers) for head in range(per_layer)]
    choices.insert(per_layer * (layers - 1), MEAN_OF_LAST_LAYER)  # beside the last layer's heads

    def label(choice: Any) -> str:
        if choice == MEAN_OF_LAST_LAYER:
            return t("attention.heads.panel_mean", layer=layers, heads=per_layer)
        return t("attention.heads.panel", layer=choice[0] + 1, head=choice[1] + 1)

    # the options are the labels themselves: a format_func would be called again outside the script run
    # (AppTest does), in whatever language that thread has
    labels = {label(choice): choice for choice in choices}
    chosen = labels[
        st.selectbox(
            t("decoding.head_choice"),
            list(labels),
            index=choices.index((layers - 1, 0)),
            help=t("decoding.head_choice_help"),
            key="decoding.head_choice",
        )
    ]
    step = t("decoding.chart.attention", step=distribution.step)
    if chosen == MEAN_OF_LAST_LAYER:
        return distribution.attention, f"{step} · {label(chosen)}"
    return heads[chosen[0]][chosen[1]], f"{step} · {label(chosen)}"


def step_view(stepper: Any, info: Any, k: int) -> None:
    """The charts of the last step written (or, before the first, of the step about to run)."""
    view = stepper.steps[-1] if stepper.steps else None
    distribution = view.distribution if view is not None else stepper.pending
    if distribution is None:
        return
    vocab = stepper.vocab
    transformer = info.kind == "transformer"  # its vector is the decoder's output, not a recurrent state
    left, right = st.columns([3, 2], gap="large")
    with left:
        if distribution.attention is None:
            st.info(t("decoding.no_attention", name=plain(info.name)), icon=":material/info:")
        else:
            weights, title = _attention_row(distribution)
            vega_chart(
                st,
                figures.attention_bars(
                    stepper.source_tokens,
                    weights,
                    title=title,
                    axis_title=t("decoding.chart.attention_axis"),
                    value_name=t("decoding.chart.weight"),
                ),
                width="stretch",
                key="decoding.attention_chart",
            )
        vega_chart(
            st,
            figures.hidden_strip(
                distribution.hidden,
                title=t(
                    "decoding.chart.output_vector" if transformer else "decoding.chart.hidden",
                    step=distribution.step,
                    units=len(distribution.hidden),
                ),
                unit_title=t("decoding.chart.unit"),
                value_name=t("decoding.chart.activation"),
            ),
            width="stretch",
            key="decoding.hidden_chart",
        )
    with right:
        top = distribution.top(k)
        chosen = None
        if view is not None:
            chosen = next((i for i, (token_id, _) in enumerate(top) if token_id == view.chosen_id), None)
        vega_chart(
            st,
            figures.top_k_bars(
                [vocab.token_of(i) for i, _ in top],
                [p for _, p in top],
                chosen=chosen,
                forced=bool(view and view.forced),
                title=t("decoding.chart.top_k", k=len(top), step=distribution.step),
                token_title=t("decoding.chart.token"),
                probability_title=t("decoding.chart.probability"),
            ),
            width="stretch",
            key="decoding.top_k_chart",
        )
        if view is not None:
            st.markdown(f"**{t('decoding.chosen', step=view.step)}**")
            st.markdown(
                t(
                    "decoding.chosen_value",
                    token=_token_chip(view.chosen_token, view.forced),
                    prob=math.exp(view.log_prob),
                    log_prob=view.log_prob,
                )
            )
            if view.forced:
                st.caption(t("decoding.chosen_forced", greedy=code(vocab.token_of(view.greedy_id))))
            else:
                st.caption(t("decoding.chosen_greedy"))
        if distribution.p_gen is not None:
            st.caption(t("decoding.p_gen", value=distribution.p_gen))
        a, b = st.columns(2)
        a.metric(t("decoding.log_prob"), f"{stepper.log_prob:.4f}", help=t("decoding.log_prob_help"))
        b.metric(t("decoding.probability"), f"{math.exp(stepper.log_prob):.4f}")


def what_if(stepper: Any) -> None:
    """Pick any token for the next step (top candidates first, then the rest of the vocabulary)."""
    st.markdown(f"**{t('decoding.what_if_header')}**")
    pending = stepper.pending
    if pending is None:
        st.caption(t("decoding.done_no_force"))
        return
    from seqviz.explain.decoding import NEVER_OUTPUT_IDS

    vocab = stepper.vocab
    ranked = [i for i, _ in pending.top(len(vocab)) if i not in NEVER_OUTPUT_IDS]
    probs = {i: math.exp(float(pending.log_probs[i])) for i in ranked}
    owner = (stepper.checkpoint.name, stepper.source.text, st.session_state.get(FORCE_STATE), pending.step)
    if st.session_state.get(_CHOICE_OWNER) != owner or st.session_state.get(_CHOICE_WIDGET) not in ranked:
        st.session_state[_CHOICE_WIDGET] = ranked[1] if len(ranked) > 1 else ranked[0]  # the runner-up
        st.session_state[_CHOICE_OWNER] = owner
    st.caption(t("decoding.what_if_intro", step=pending.step))
    pick, button = st.columns([3, 2], vertical_alignment="bottom")
    pick.selectbox(
        t("decoding.force_token", step=pending.step),
        ranked,
        format_func=lambda i: t("decoding.force_option", token=vocab.token_of(i), prob=probs[i]),
        key=_CHOICE_WIDGET,
    )
    button.button(
        t("decoding.force"),
        key="decoding.force_button",
        icon=":material/edit:",
        help=t("decoding.force_help"),
        on_click=_force,
        args=(vocab.to_json(),),
    )


# ------------------------------------------------------------------------------ why this token, not that one

WHY_METHODS = ("grad-input", "integrated-gradients", "occlusion", "saliency")
WHY_CANDIDATES = 20  # alternatives offered: the step's most probable tokens after the chosen one


@per_checkpoint(max_entries=64)
def _contrast(
    checkpoint: Any, text: str, prefix: tuple[str, ...], chosen: str, alternative: str, method: str
) -> Any:
    from seqviz.explain.attribution import contrast

    return contrast(checkpoint, text, list(prefix), alternative, chosen=chosen, method=method)


def why_not(stepper: Any, info: Any) -> None:
    """ "Why this token, not that one?" at the last step written: each source token's share in
    log P(chosen) - log P(alternative) (Yin & Neubig 2022)."""
    from seqviz.explain.decoding import NEVER_OUTPUT_IDS

    st.markdown(f"**{t('decoding.why_header')}**")
    view = stepper.steps[-1] if stepper.steps else None
    if view is None:
        st.caption(t("decoding.why_first"))
        return
    vocab = stepper.vocab
    ranked = [i for i, _ in view.distribution.top(len(vocab)) if i not in NEVER_OUTPUT_IDS]
    candidates = [vocab.token_of(i) for i in ranked if i != view.chosen_id][:WHY_CANDIDATES]
    if not candidates:
        return
    left, right = st.columns(2)
    alternative = left.selectbox(
        t("decoding.why_alternative", chosen=view.chosen_token),
        candidates,
        **url_bound(
            "decoding.why_alternative", "why", candidates[0], valid=lambda token: token in candidates
        ),
    )
    method = right.selectbox(
        t("attention.attribution_method"),
        WHY_METHODS,
        format_func=labeller("attention.method"),
        **url_bound("decoding.why_method", "wm", WHY_METHODS[0], valid=lambda name: name in WHY_METHODS),
    )
    with user_errors():
        prefix = tuple(stepper.output_tokens[:-1])
        result = _contrast(info.path, stepper.source.text, prefix, view.chosen_token, alternative, method)
        st.plotly_chart(
            figures.contrast_bars(
                result.source_tokens,
                result.scores,
                title=t("decoding.why_chart", chosen=result.chosen, alternative=result.alternative),
                axis_title=t("decoding.chart.attention_axis"),
                value_name=t(f"attention.method.{method}"),
            ),
            width="stretch",
            key="decoding.why_chart",
        )
        st.caption(
            t(
                "decoding.why_margin",
                chosen=code(result.chosen),
                alternative=code(result.alternative),
                margin=f"{result.margin:.4f}",
            )
        )
        if result.completeness_gap is not None:
            st.caption(t("decoding.why_gap", gap=f"{result.completeness_gap:.1e}"))
        download(
            t("decoding.why_download"),
            lambda: download_json(contrast_to_json(result)),
            f"why-not-{info.name}-step-{len(prefix) + 1}.json",
        )


# ------------------------------------------------------------------------------------ exposure bias


@per_checkpoint(max_entries=256)
def _exposure(checkpoint: Any, text: str, reference: str) -> Any:
    from seqviz.explain.decoding import exposure_bias

    return exposure_bias(checkpoint, text, reference)


def _default_reference(checkpoint: Any, text: str) -> str:
    from seqviz.data.examples import example_pairs

    wanted = text.strip()
    return next((pair.target for pair in example_pairs(checkpoint, 6) if pair.source.strip() == wanted), "")


def reference_input(info: Any, checkpoint: Any, text: str) -> str:
    default = _default_reference(checkpoint, text)
    owner = (info.name, text)
    previous = st.session_state.get(_REFERENCE_OWNER)
    if previous is not None and previous != owner:
        set_bound(REFERENCE_STATE, default, REFERENCE_QUERY)
    st.session_state[_REFERENCE_OWNER] = owner
    return st.text_input(
        t("decoding.reference"),
        max_chars=2000,
        help=t("decoding.reference_help"),
        **url_bound(REFERENCE_STATE, REFERENCE_QUERY, default),
    )


def exposure_section(info: Any, text: str, reference: str) -> None:
    import pandas as pd

    if not reference.strip():
        st.info(t("decoding.reference_needed"), icon=":material/info:")
        return
    result = _exposure(info.path, text, reference)
    _exposure_account(result)
    a, b = st.columns(2)
    a.metric(t("decoding.reference_lp_teacher"), f"{result.teacher_forced_log_prob:.4f}")
    b.metric(
        t("decoding.reference_lp_free"),
        f"{result.free_log_prob:.4f}",
        help=t("decoding.reference_lp_free_help", steps=result.free_steps_scored),
    )

    def cell(value: Any) -> Any:
        return "—" if value is None else value

    columns = [
        t("decoding.col.step"),
        t("decoding.col.reference"),
        t("decoding.col.teacher"),
        t("decoding.col.free"),
        t("decoding.col.teacher_lp"),
        t("decoding.col.free_lp"),
    ]
    rows = [
        [
            row.step + 1,
            cell(row.reference_token),
            cell(row.teacher_forced_token),
            cell(row.free_token),
            row.teacher_forced_log_prob,
            row.free_log_prob,
        ]
        for row in result.steps
    ]
    frame = pd.DataFrame(rows, columns=columns)
    marked = result.first_difference

    def highlight(row: Any) -> list[str]:
        style = "background-color: rgba(255, 165, 0, 0.35)" if row.name == marked else ""
        return [style] * len(row)

    vega_chart(
        st,
        figures.exposure_chart(
            [cell(row.reference_token) if row.reference_token else "—" for row in result.steps],
            [row.teacher_forced_log_prob for row in result.steps],
            [row.free_log_prob for row in result.steps],
            first_difference=marked,
            title=t("decoding.chart.exposure"),
            teacher_name=t("decoding.regime.teacher"),
            free_name=t("decoding.regime.free"),
            step_title=t("decoding.col.reference"),
            difference_name=t("decoding.chart.first_difference"),
        ),
        width="stretch",
        key="decoding.exposure_chart",
    )
    st.dataframe(
        frame.style.apply(highlight, axis=1).format(precision=4, na_rep="—"),
        hide_index=True,
    )


# ------------------------------------------------------------------------------------------------- tabs


def stepper_tab(stepper: Any, info: Any) -> None:
    """One token at a time: the controls, the output so far, the step's charts, and what-if forcing."""
    top_k = controls(stepper)
    output_so_far(stepper)
    step_view(stepper, info, top_k)
    what_if(stepper)
    why_not(stepper, info)


def _exposure_account(result: Any) -> None:
    """One story in reading order: where the free run first leaves the reference, then what reading its own
    output did to its predictions. Before its first error both regimes read the same prefix, so they cannot
    differ there; a run that ended predicts nothing more, so an early <eos> is said as such."""
    if result.first_error is None:
        st.success(t("decoding.exposure.same"), icon=":material/check_circle:")
        return
    step = result.first_error
    free = result.free_tokens[step] if step < len(result.free_tokens) else None
    reference = result.reference_tokens[step] if step < len(result.reference_tokens) else None
    if free is None:  # the free run ended before the reference did (its <eos> is the error): not reached
        said = t("decoding.exposure.ended", step=step, total=len(result.reference_tokens))
    elif reference is None:
        said = t("decoding.exposure.longer", step=step + 1, free=code(free))
    else:
        said = t("decoding.exposure.leaves", step=step + 1, free=code(free), reference=code(reference))
    if result.first_difference is not None:
        then = t("decoding.exposure.differs", step=result.first_difference + 1)
    elif step + 1 < min(len(result.free_tokens), len(result.reference_tokens)):
        then = t("decoding.exposure.agrees")
    else:
        then = ""
    st.warning(f"{said} {then}".strip(), icon=":material/call_split:")


def exposure_tab(info: Any, checkpoint: Any, text: str) -> None:
    """Teacher forcing vs free running over a reference (the held-out example's, or one the user types)."""
    st.markdown(t("decoding.exposure_intro"))
    reference = reference_input(info, checkpoint, text)
    with user_errors():
        exposure_section(info, text, reference)


# ------------------------------------------------------------------------------------------- the page


def page_view(only: str | None = None) -> Any:
    """The Decoding page under its introduction: the model and input, then the stepper and exposure tabs
    (``only``: that tab alone, for a lesson's step). Returns the stepper (what a lesson's event reads), or
    None when the input cannot be decoded (the page has said why)."""
    from seqviz.ui.url_state import lazy_tabs

    model = model_and_input("decoding", accept=accepts)
    info, checkpoint, text = model.info, model.checkpoint, model.text
    stepper = None
    with user_errors():
        stepper = current_stepper(info, checkpoint, text)
    if stepper is None:
        return None
    lazy_tabs(
        "decoding.tab",
        "tab",
        {
            "stepper": (t("decoding.stepper_header"), lambda: stepper_tab(stepper, info)),
            "exposure": (t("decoding.exposure_header"), lambda: exposure_tab(info, checkpoint, text)),
        },
        only=only,
    )
    return stepper
