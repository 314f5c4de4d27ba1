"""The Attention page's sections. Each draws one tab from cached core results (``seqviz.explain.attention``,
``seqviz.explain.bottleneck``) and ``seqviz.viz.attention`` figures; nothing here computes model math."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from seqviz.explain.attention import TRANSFORMER, AttentionMap, StepExplanation
from seqviz.explain.results import TRANSFORMER_ATTENTIONS, Attribution, HeadAttention
from seqviz.export.csv_export import attention_weights_csv, attribution_csv
from seqviz.export.json_export import attribution_to_json, download_json, head_attention_to_json
from seqviz.models.config import TRANSLATION_KINDS
from seqviz.ui.checkpoint_cache import checkpoint_version, load_cached_checkpoint, per_checkpoint
from seqviz.ui.common import choose_checkpoint, download, vega_chart
from seqviz.ui.errors import user_errors
from seqviz.ui.i18n import labeller, t
from seqviz.ui.inputs import model_and_input
from seqviz.ui.plain import code, plain, plain_list
from seqviz.ui.url_state import parse_bool, serialize_bool, url_bound
from seqviz.viz import attention as figures
from seqviz.viz.latex import latex_number

BOTTLENECK_PER_LENGTH = 30
UNIT_ROWS = 12  # units listed in the score table (largest contributions); the sum covers all of them


# ------------------------------------------------------------------------------------------- cached core


@per_checkpoint(max_entries=256)
def attention_map_for(checkpoint: Any, text: str) -> AttentionMap:
    """The greedy translation of ``text`` and its attention, cached per checkpoint version and text."""
    from seqviz.explain.attention import attention_map

    return attention_map(checkpoint, text)


@per_checkpoint(max_entries=256)
def head_attention_for(checkpoint: Any, text: str) -> HeadAttention:
    """A Transformer's every attention weight for ``text``'s greedy translation, cached like the map."""
    from seqviz.explain.attention import head_attention

    return head_attention(checkpoint, text)


@per_checkpoint(max_entries=256)
def _explanation(checkpoint: Any, text: str, step: int, position: int) -> StepExplanation:
    from seqviz.explain.attention import explain_attention

    return explain_attention(checkpoint, text, step, position)


@st.cache_data(show_spinner=False, max_entries=32)
def _bottleneck(paths: tuple[str, ...], versions: tuple[float, ...], per_length: int) -> tuple[dict, Any]:
    from seqviz.explain.bottleneck import exact_match_by_length, length_study

    curves, study = {}, None
    for path in paths:
        checkpoint = load_cached_checkpoint(path)
        study = length_study(checkpoint, per_length=per_length)
        curves[checkpoint.name] = exact_match_by_length(checkpoint, study.examples)
    return curves, study


# -------------------------------------------------------------------------------------------- sections


def _describe(view: AttentionMap) -> str:
    kind = t(f"attention.kind.{view.attention_kind}")
    if view.attention_kind == TRANSFORMER:
        return f"**{plain(view.checkpoint)}**  \n{kind}"
    direction = t(f"attention.direction.{2 if view.bidirectional else 1}")
    return f"**{plain(view.checkpoint)}** · {direction}  \n{kind}"


def alignment_section(view: AttentionMap, *, key: str) -> None:
    """One model's heatmap with its output; a note instead for a model without attention."""
    st.markdown(_describe(view))
    st.markdown(t("attention.output", output=code(view.output_text)))
    if view.weights is None:
        st.info(
            t("attention.no_attention", name=plain(view.checkpoint), size=view.context_size),
            icon=":material/info:",
        )
        return
    figure = figures.alignment_heatmap(
        view,
        title=t("attention.heatmap_title"),
        source_title=t("attention.axis.source"),
        output_title=t("attention.axis.output"),
    )
    vega_chart(st, figure, width="stretch", key=key)


def alignment_tab(view: AttentionMap, infos: list[Any], current: Any) -> None:
    """The heatmap and a caption that says what a row really is for this model's wiring."""
    alignment_section(view, key="attention.heatmap")
    if view.weights is None:
        return
    bahdanau = view.attention_kind == "bahdanau"
    st.caption(t("attention.rows_sum.bahdanau" if bahdanau else "attention.rows_sum.luong"))
    if view.bidirectional:
        st.caption(t("attention.bidirectional_note"))
    elif bahdanau:
        st.caption(t("attention.offset_note"))
        from seqviz.explain.attention import bidirectional_partner

        partner = bidirectional_partner(current, infos)
        if partner is not None:
            st.button(
                t("attention.see_bidirectional", name=partner),
                key="attention.see_bidirectional",
                on_click=choose_checkpoint,
                args=(partner,),
                icon=":material/swap_horiz:",
            )
    download(
        t("attention.download_csv"), lambda: attention_weights_csv(view), f"attention-{view.checkpoint}.csv"
    )


def heads_tab(view: HeadAttention, *, key: str = "attention.heads") -> None:
    """A Transformer's attention, every layer and head: the grid of one attention kind (cross, encoder
    self, decoder masked self), or each layer's mean over heads when the reader asks for it."""
    st.markdown(t("attention.output", output=code(view.output_text)))
    st.markdown(t("attention.heads.intro", layers=view.layers, heads=view.heads))
    which_column, mean_column = st.columns([3, 1], vertical_alignment="bottom")
    kind = which_column.segmented_control(
        t("attention.heads.which"),
        TRANSFORMER_ATTENTIONS,
        format_func=labeller("attention.heads.kind"),
        help=t("attention.heads.which_help"),
        **url_bound("attention.heads_kind", "heads", "cross", valid=lambda k: k in TRANSFORMER_ATTENTIONS),
    )
    kind = kind or "cross"  # a segmented control can be cleared: read that as the first choice
    mean = mean_column.toggle(
        t("attention.heads.mean"),
        help=t("attention.heads.mean_help"),
        **url_bound("attention.heads_mean", "mean", False, parse=parse_bool, serialize=serialize_bool),
    )
    if mean:
        titles = [
            [t("attention.heads.panel_mean", layer=layer + 1, heads=view.heads)]
            for layer in range(view.layers)
        ]
    else:
        titles = [
            [t("attention.heads.panel", layer=layer + 1, head=head + 1) for head in range(view.heads)]
            for layer in range(view.layers)
        ]
    rows_title, columns_title = {
        "cross": ("attention.axis.output", "attention.axis.source"),
        "encoder": ("attention.axis.source_query", "attention.axis.source"),
        "decoder": ("attention.axis.output", "attention.axis.decoder_input"),
    }[kind]
    figure = figures.head_grid(
        view, kind, titles, mean=mean, row_title=t(rows_title), column_title=t(columns_title)
    )
    vega_chart(st, figure, width="content", key=key)
    st.caption(t(f"attention.heads.caption.{kind}"))
    if mean:
        st.caption(t("attention.heads.mean_note", heads=view.heads))
    download(
        t("attention.heads.download_json"),
        lambda: download_json(head_attention_to_json(view)),
        f"attention-heads-{view.checkpoint}.json",
    )


def compare_tab(view: AttentionMap, infos: list[Any], current: Any, text: str) -> None:
    from seqviz.explain.attention import comparison_candidates, comparison_partner

    candidates = [info.name for info in comparison_candidates(current, infos)]
    if not candidates:
        st.info(t("attention.no_partner", task=plain(current.task)))
        return
    default = comparison_partner(current, infos) or candidates[0]
    partner_name = st.selectbox(
        t("attention.compare_with"),
        candidates,
        help=t("attention.compare_help"),
        **url_bound("attention.partner", "vs", default, valid=lambda name: name in candidates),
    )
    partner = next(info for info in infos if info.name == partner_name)
    left, right = st.columns(2, gap="large")
    with left:
        alignment_section(view, key="attention.compare_left")
    with right, user_errors():
        other = attention_map_for(partner.path, text)
        if other.unknown:
            st.caption(t("input.unknown", tokens=plain_list(repr(token) for token in other.unknown)))
        alignment_section(other, key="attention.compare_right")
        if view.has_attention and other.has_attention:
            mine, theirs = view.strongest_source(), other.strongest_source()
            steps = min(len(mine), len(theirs))
            same = sum(a == b for a, b in zip(mine[:steps], theirs[:steps], strict=True))
            st.caption(t("attention.agree", same=same, total=steps))


def bottleneck_tab(infos: list[Any], current: Any) -> None:
    st.markdown(t("attention.bottleneck_intro"))
    seq2seq = [info.name for info in infos if info.kind in TRANSLATION_KINDS]
    same_task = [info.name for info in infos if info.kind in TRANSLATION_KINDS and info.task == current.task]
    chosen = st.multiselect(
        t("attention.bottleneck_models"),
        seq2seq,
        max_selections=4,
        **url_bound(
            "attention.bottleneck_models",
            None,
            same_task[:4],
            valid=lambda names: all(name in seq2seq for name in names),
        ),
    )
    if not chosen:
        st.info(t("attention.bottleneck_pick"))
        return
    paths = tuple(str(next(info.path for info in infos if info.name == name)) for name in chosen)
    versions = tuple(checkpoint_version(path) for path in paths)
    requested = st.session_state.get("attention.bottleneck_request") == (paths, versions)
    if st.button(t("attention.bottleneck_run"), icon=":material/straighten:", disabled=requested):
        st.session_state["attention.bottleneck_request"] = (paths, versions)
        requested = True
    if not requested:
        return
    with user_errors():
        with st.spinner(t("attention.bottleneck_wait", count=12 * BOTTLENECK_PER_LENGTH)):
            curves, study = _bottleneck(paths, versions, BOTTLENECK_PER_LENGTH)
        figure = figures.bottleneck_chart(
            curves,
            study.training_lengths,
            title=t("attention.bottleneck_title"),
            length_title=t("attention.axis.length"),
            match_title=t("attention.axis.exact_match"),
            training_label=t("attention.bottleneck_training"),
        )
        st.plotly_chart(figure, width="stretch", key="attention.bottleneck_chart")
        if study.generated:
            longest = max(len(example.source) for example in study.examples)
            st.caption(t("attention.bottleneck_generated", per_length=BOTTLENECK_PER_LENGTH, longest=longest))
        else:
            st.caption(t("attention.bottleneck_validation"))
        low, high = study.training_lengths or (0, 10**9)
        for name, buckets in curves.items():
            inside = [b for b in buckets if low <= b.length <= high]
            outside = [b for b in buckets if not low <= b.length <= high]
            st.markdown(
                "- "
                + t(
                    "attention.bottleneck_row",
                    name=f"**{plain(name)}**",
                    inside=_mean_match(inside),
                    outside=_mean_match(outside) if outside else t("attention.bottleneck_none_outside"),
                )
            )


def _mean_match(buckets: list[Any]) -> str:
    total = sum(b.count for b in buckets)
    hits = sum(b.exact_match * b.count for b in buckets)
    return f"{hits / total:.0%}" if total else "—"


def scores_tab(view: AttentionMap, path: Any, text: str) -> None:
    if view.attention_kind == TRANSFORMER:
        st.info(t("attention.rnn_only.scores"), icon=":material/info:")
        return
    if view.weights is None:
        st.info(t("attention.no_scores"))
        return
    st.markdown(t("attention.scores_intro"))
    steps, positions = len(view.output_tokens), len(view.source_tokens)
    left, right = st.columns(2)
    step = left.selectbox(
        t("attention.step"),
        list(range(steps)),
        format_func=_option_formatter(view.output_tokens),
        **url_bound("attention.step", "t", 0, parse=int, valid=lambda v: 0 <= v < steps),
    )
    default_position = view.strongest_source()[step]
    position = right.selectbox(
        t("attention.position"),
        list(range(positions)),
        format_func=_option_formatter(view.source_tokens),
        **url_bound(
            "attention.position", "j", default_position, parse=int, valid=lambda v: 0 <= v < positions
        ),
    )
    with user_errors():
        explained = _explanation(path, text, step, position)
        _score_equations(explained, step, position)


def _option_formatter(tokens: list[str]) -> Any:
    # steps and positions count from 1 on every page
    return lambda index: t("attention.step_option", index=index + 1, token=tokens[index])


def _score_equations(explained: StepExplanation, step: int, position: int) -> None:
    import pandas as pd

    breakdown, parts = explained.breakdown, explained.contributions
    score, weight = breakdown.scores[position], breakdown.weights[position]
    token_out, token_in = explained.output_tokens[step], explained.source_tokens[position]
    t_shown, j_shown = step + 1, position + 1  # steps and positions count from 1 on every page
    if breakdown.kind == "bahdanau":
        equation = rf"e_{{{t_shown},{j_shown}}} = v^\top \tanh(W s_{{t-1}} + U h_j + b"
        equation += r" + w_c\,c_{tj})" if breakdown.coverage is not None else ")"
    elif breakdown.kind == "luong-general":
        equation = rf"e_{{{t_shown},{j_shown}}} = s_t^\top W_a h_j"
    else:
        equation = rf"e_{{{t_shown},{j_shown}}} = s_t^\top h_j"
    if parts.constant:
        equation += r" + w_c\,c_{tj}"
    st.latex(rf"{equation} = {score:.4f}")
    st.caption(f"t = {t_shown} ({plain(token_out)}), j = {j_shown} ({plain(token_in)})")
    st.latex(
        rf"\alpha_{{{t_shown},{j_shown}}} = \frac{{\exp(e_{{tj}})}}{{\sum_k \exp(e_{{tk}})}}"
        rf" = \frac{{\exp({score:.4f})}}{{{latex_number(explained.exp_sum)}}} = {weight:.4f}"
    )
    st.plotly_chart(
        figures.score_chart(
            explained.source_tokens,
            breakdown.scores,
            breakdown.weights,
            position,
            source_title=t("attention.axis.source"),
        ),
        width="stretch",
        key="attention.score_chart",
    )
    units = len(parts.contribution)
    order = sorted(range(units), key=lambda k: -abs(parts.contribution[k]))[:UNIT_ROWS]
    table = pd.DataFrame(
        {
            t("attention.unit"): order,
            **{name: [values[k] for k in order] for name, values in parts.columns.items()},
            t("attention.contribution"): [parts.contribution[k] for k in order],
        }
    )
    st.caption(t("attention.units_table", units=units))
    st.dataframe(table, hide_index=True, width="stretch")
    st.caption(t("attention.checked", error=explained.max_error))


def copy_tab(view: AttentionMap) -> None:
    if view.p_gen is None and view.coverage is None:
        st.info(t("attention.no_copy"))
        return
    if view.p_gen is not None:
        st.markdown(t("attention.copy_intro"))
        st.plotly_chart(
            figures.p_gen_chart(
                view, title=t("attention.p_gen_title"), step_title=t("attention.axis.output")
            ),
            width="stretch",
            key="attention.p_gen",
        )
        if view.copied:
            words = ", ".join(f"{code(word)} (p_gen {p:.2f})" for _, word, p in view.copied)  # user words
            st.caption(t("attention.copied_words", words=words))
    if view.coverage is not None:
        st.markdown(t("attention.coverage_intro"))
        vega_chart(
            st,
            figures.coverage_heatmap(
                view,
                title=t("attention.coverage_title"),
                source_title=t("attention.axis.source"),
                output_title=t("attention.axis.output"),
            ),
            width="stretch",
            key="attention.coverage",
        )


# ------------------------------------------------------------------------------ attention vs attribution

ATTRIBUTION_STEPS = (8, 16, 32, 64, 128, 256)  # integrated gradients' path points offered


@per_checkpoint(max_entries=64)
def attribution_for(checkpoint: Any, text: str, target: str | None, method: str, steps: int) -> Attribution:
    """One method's attribution of ``text``'s greedy output (or ``target``), with the attention beside it."""
    from seqviz.explain.attribution import attribute

    return attribute(checkpoint, text, target, [method], steps=steps)


def attribution_tab(info: Any, text: str) -> None:
    """The attention heatmap beside one attribution method's, Kendall tau per row, IG's completeness."""
    from seqviz.explain.attribution import DEFAULT_STEPS, INTEGRATED_GRADIENTS, METHODS

    st.markdown(t("attention.attribution_intro"))
    method_column, steps_column = st.columns(2)
    method = method_column.selectbox(
        t("attention.attribution_method"),
        METHODS,
        format_func=labeller("attention.method"),
        **url_bound("attention.method", "am", INTEGRATED_GRADIENTS, valid=lambda name: name in METHODS),
    )
    steps = steps_column.select_slider(
        t("attention.attribution_steps"),
        ATTRIBUTION_STEPS,
        disabled=method != INTEGRATED_GRADIENTS,
        **url_bound(
            "attention.steps", "steps", DEFAULT_STEPS, parse=int, valid=lambda n: n in ATTRIBUTION_STEPS
        ),
    )
    target = st.text_input(
        t("attention.attribution_target"),
        help=t("attention.attribution_target_help"),
        max_chars=2000,
        **url_bound("attention.target", "target", ""),
    )
    with user_errors():
        result = attribution_for(info.path, text, target or None, method, steps)
        _attribution_view(result, method)
    if _has_attention(info):
        with user_errors():
            _agreement_section(info, method, steps)
        if info.kind == TRANSFORMER:
            heads = getattr(info.config, "num_heads", "?")
            st.info(t("attention.rnn_only.interventions", count=heads), icon=":material/info:")
            return
        with user_errors():
            _interventions_section(info, text)


def _has_attention(info: Any) -> bool:
    return info.config is None or info.kind == TRANSFORMER or info.config.attention != "none"


SUMMARY_EXAMPLES = 30  # held-out inputs explained for the summary: seconds (IG: up to half a minute)


def _held_out_on_request(
    store: str,
    request: tuple,
    label: str,
    *,
    key: str,
    icon: str,
    progress_label: str,
    compute: Callable[[Callable[[int, int], None]], Any],
) -> Any:
    """A figure over held-out examples, computed when its button is pressed (seconds: a progress bar counts
    the examples with ``progress_label``) and kept in this session under ``request``; None until then."""
    results = st.session_state.setdefault(store, {})
    if st.button(label, key=key, icon=icon, disabled=request in results):
        bar = st.progress(0.0)

        def advance(done: int, total: int) -> None:
            bar.progress(done / total, text=t(progress_label, done=done, total=total))

        results[request] = compute(advance)
        bar.empty()
    return results.get(request)


def _agreement_section(info: Any, method: str, steps: int) -> None:
    """Jain & Wallace's figure on request: tau over the held-out examples' rows, with a progress bar."""
    from seqviz.explain.attribution import agreement_summary

    st.markdown(t("attention.summary_intro", count=SUMMARY_EXAMPLES))
    summary = _held_out_on_request(
        "attention.summaries",
        (str(info.path), checkpoint_version(info.path), method, steps),
        t("attention.summary_run"),
        key="attention.summary_run",
        icon=":material/query_stats:",
        progress_label="attention.summary_progress",
        compute=lambda advance: agreement_summary(
            load_cached_checkpoint(info.path),
            method,
            examples=SUMMARY_EXAMPLES,
            steps=steps,
            progress=advance,
        ),
    )
    if summary is None:
        return
    st.plotly_chart(
        figures.tau_histogram(
            summary.taus, title=t("attention.summary_title"), rows_title=t("attention.rows")
        ),
        width="stretch",
        key="attention.tau_histogram",
    )
    st.caption(
        t(
            "attention.summary_caption",
            examples=summary.examples,
            rows=len(summary.top1),
            median=f"{summary.median_tau:+.2f}" if summary.median_tau is not None else "—",
            top1=f"{summary.top1_share:.0%}" if summary.top1_share is not None else "—",
        )
    )


def _attribution_view(result: Attribution, method: str) -> None:
    matrix = result.scores[method]
    figure = figures.attribution_heatmaps(
        result.source_tokens,
        result.target_tokens,
        result.attention,
        matrix,
        attention_title=t("attention.heatmap_title"),
        attribution_title=t(f"attention.method.{method}"),
        source_title=t("attention.axis.source"),
        output_title=t("attention.axis.output"),
    )
    vega_chart(st, figure, key="attention.attribution_heatmaps")
    st.caption(t(f"attention.method_note.{method}"))
    taus = result.kendall_tau[method]
    if result.attention is None:
        st.info(t("attention.attribution_no_attention"), icon=":material/info:")
    else:
        defined = [tau for tau in taus if tau is not None]
        agree = [bool(a) for a in result.top1_agreement[method]]
        st.markdown(
            t(
                "attention.attribution_agreement",
                tau=f"{sum(defined) / len(defined):+.2f}" if defined else "—",
                same=sum(agree),
                total=len(agree),
            )
        )
    _attribution_table(result, method, taus)
    if result.completeness_gap is not None and method == "integrated-gradients":
        st.caption(t("attention.completeness", gap=f"{max(result.completeness_gap):.1e}", steps=result.steps))
    download(
        t("attention.download_attribution_csv"),
        lambda: attribution_csv(result, method),
        f"attribution-{result.checkpoint}-{method}.csv",
    )
    download(
        t("attention.download_attribution_json"),
        lambda: download_json(attribution_to_json(result, method)),
        f"attribution-{result.checkpoint}-{method}.json",
    )


def _attribution_table(result: Attribution, method: str, taus: list[float | None]) -> None:
    import pandas as pd

    columns = {
        t("attention.axis.output"): result.target_tokens,
        "log P": result.log_probs,
        "τ": taus,
    }
    if method == "integrated-gradients" and result.completeness_gap is not None:
        columns[t("attention.gap")] = result.completeness_gap
    st.dataframe(pd.DataFrame(columns), hide_index=True, width="stretch")


# ------------------------------------------------------------------------------------------- interventions


@per_checkpoint(max_entries=64)
def interventions_for(checkpoint: Any, text: str) -> Any:
    """The input re-decoded with the model's own attention and with each intervention."""
    from seqviz.explain.interventions import intervene

    return intervene(checkpoint, text)


SURVIVAL_EXAMPLES = 200  # held-out inputs decoded once per intervention: a few seconds


def _interventions_section(info: Any, text: str) -> None:
    """Does the output *depend* on where attention looks? Re-decode with attention changed, then count the
    held-out outputs that survive each change."""
    import pandas as pd

    from seqviz.explain.interventions import survival_rates
    from seqviz.export.json_export import intervention_report_to_json, survival_to_json

    st.subheader(t("attention.interventions_header"))
    st.markdown(t("attention.interventions_intro"))
    report = interventions_for(info.path, text)
    rows = [report.own, *report.outcomes]
    st.dataframe(
        pd.DataFrame(
            {
                t("attention.interventions_column.kind"): [
                    t(f"attention.intervention.{row.intervention}") for row in rows
                ],
                t("attention.interventions_column.output"): [row.output_text for row in rows],
                "log P": [row.log_prob for row in rows],
                t("attention.interventions_column.own"): [row.own_output_log_prob for row in rows],
                t("attention.interventions_column.changed"): [
                    t("attention.interventions_changed" if row.changed else "attention.interventions_same")
                    for row in rows
                ],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    download(
        t("attention.interventions_download"),
        lambda: download_json(intervention_report_to_json(report)),
        f"interventions-{info.name}.json",
    )
    survival = _held_out_on_request(
        "attention.survivals",
        (str(info.path), checkpoint_version(info.path)),
        t("attention.survival_run", count=SURVIVAL_EXAMPLES),
        key="attention.survival_run",
        icon=":material/science:",
        progress_label="attention.survival_progress",
        compute=lambda advance: survival_rates(
            load_cached_checkpoint(info.path), size=SURVIVAL_EXAMPLES, progress=advance
        ),
    )
    if survival is None:
        return
    columns = st.columns(len(survival.rates))
    for column, rate in zip(columns, survival.rates, strict=True):
        column.metric(t(f"attention.intervention.{rate.intervention}"), f"{rate.share:.0%}")
    st.caption(t("attention.survival_caption", examples=survival.examples))
    download(
        t("attention.survival_download"),
        lambda: download_json(survival_to_json(survival)),
        f"intervention-survival-{info.name}.json",
    )


# ------------------------------------------------------------------------------------------- the page


def page_view(only: str | None = None) -> None:
    """The Attention page under its introduction: the model and input, then the tabs (``only``: that tab
    alone, for a lesson's step)."""
    from seqviz.ui.classroom import visible_checkpoints
    from seqviz.ui.url_state import lazy_tabs

    model = model_and_input("attention", kinds=TRANSLATION_KINDS)
    info, text = model.info, model.text
    with user_errors():
        view = attention_map_for(info.path, text)
        infos = visible_checkpoints()
        if info.kind == TRANSFORMER:
            # every layer and head, not the mean view; traced only when this tab is open
            alignment = lambda: heads_tab(head_attention_for(info.path, text))  # noqa: E731
        else:
            alignment = lambda: alignment_tab(view, infos, info)  # noqa: E731
        lazy_tabs(
            "attention.tab",
            "tab",
            {
                "alignment": (t("attention.tab.alignment"), alignment),
                "compare": (t("attention.tab.compare"), lambda: compare_tab(view, infos, info, text)),
                "bottleneck": (t("attention.tab.bottleneck"), lambda: bottleneck_tab(infos, info)),
                "scores": (t("attention.tab.scores"), lambda: scores_tab(view, info.path, text)),
                "copy": (t("attention.tab.copy"), lambda: copy_tab(view)),
                "attribution": (t("attention.tab.attribution"), lambda: attribution_tab(info, text)),
            },
            only=only,
        )
