"""The Beam search page's sections: the search controls, the tree, forcing a node, greedy vs beam and the
n-best table. Numbers come from ``seqviz.explain.beam`` / ``seqviz.explain.bleu`` (cached per checkpoint
version), the tree figure from ``seqviz.viz.beam``; nothing here computes model math.

URL state: ``k`` (width), ``lp`` (penalty kind), ``alpha``, ``max`` (maximum length), ``step`` (the search
shown up to that step), ``prefix`` (forced target ids, dot-separated) and ``ref`` (the BLEU reference).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from seqviz.export.json_export import beam_to_json, download_json, to_opennmt_beam
from seqviz.models.config import TRANSLATION_KINDS
from seqviz.ui.checkpoint_cache import per_checkpoint
from seqviz.ui.common import download, vega_chart
from seqviz.ui.i18n import labeller, t
from seqviz.ui.inputs import model_and_input
from seqviz.ui.plain import code
from seqviz.ui.url_state import set_bound, url_bound

WIDTH_DEFAULT, WIDTH_MAX = 4, 20
ALPHA_DEFAULT = 0.6
PREFIX_STATE, PREFIX_QUERY = "beam.prefix", "prefix"
_NODE_WIDGET = "_beam.node"
_OWNER_STATE = "beam.prefix_for"
_STEPS_STATE = "beam.step_of"  # how many steps the search had when the step slider was last drawn


# ------------------------------------------------------------------------------------------ cached core


@per_checkpoint(max_entries=256)
def _search(
    checkpoint: Any, text: str, width: int, kind: str, alpha: float, max_len: int, prefix: tuple
) -> Any:
    from seqviz.explain.beam import LengthPenalty, beam_search

    penalty = LengthPenalty(kind, alpha if kind != "none" else 0.0)
    return beam_search(checkpoint, text, width, max_len=max_len, penalty=penalty, prefix=prefix)


@per_checkpoint(max_entries=256)
def greedy(checkpoint: Any, text: str, max_len: int) -> Any:
    """The greedy translation, cached per checkpoint version, text and length limit."""
    from seqviz.inference import greedy_translate

    return greedy_translate(checkpoint, text, max_len)


def parse_prefix(text: str) -> tuple[int, ...]:
    """``"5.7.3"`` -> ``(5, 7, 3)``; ValueError for anything else (a URL typed by hand)."""
    return tuple(int(part) for part in text.split(".")) if text else ()


# ---------------------------------------------------------------------------------------------- controls


def controls(info: Any, checkpoint: Any, text: str) -> dict[str, Any]:
    """Width, penalty, alpha and maximum length in one row; returns them with the forced prefix."""
    from seqviz.explain.beam import MAX_OUTPUT_TOKENS, PENALTY_KINDS
    from seqviz.inference import default_max_len, prepare_source

    owner = (info.name, text)
    if st.session_state.get(_OWNER_STATE) not in (None, owner):  # another model or input: drop the forcing
        set_bound(PREFIX_STATE, "", PREFIX_QUERY)
    st.session_state[_OWNER_STATE] = owner
    width_column, kind_column, alpha_column, length_column = st.columns([2, 2.4, 1.6, 2])
    width = width_column.slider(
        t("beam.width"), 1, WIDTH_MAX,
        **url_bound("beam.width", "k", WIDTH_DEFAULT, parse=int, valid=lambda v: 1 <= v <= WIDTH_MAX),
    )  # fmt: skip
    kind = kind_column.radio(
        t("beam.penalty"), list(PENALTY_KINDS), format_func=labeller("beam.penalty"), horizontal=True,
        **url_bound("beam.penalty", "lp", "gnmt", valid=lambda v: v in PENALTY_KINDS),
    )  # fmt: skip
    alpha = alpha_column.slider(
        t("beam.alpha"), 0.0, 2.0, step=0.1, disabled=kind == "none",
        **url_bound("beam.alpha", "alpha", ALPHA_DEFAULT, parse=float, valid=lambda v: 0 <= v <= 2),
    )  # fmt: skip
    limit = min(MAX_OUTPUT_TOKENS, 60)
    default_length = min(limit, default_max_len(len(prepare_source(checkpoint, text).ids)))
    max_len = length_column.slider(
        t("beam.max_len"), 1, limit,
        **url_bound("beam.max_len", "max", default_length, parse=int, valid=lambda v: 1 <= v <= limit),
    )  # fmt: skip
    url_bound(PREFIX_STATE, PREFIX_QUERY, "", valid=_valid_prefix)  # not a widget: the value lives in state
    prefix_text = st.session_state[PREFIX_STATE]
    return {
        "width": int(width), "kind": kind, "alpha": round(float(alpha), 2), "max_len": int(max_len),
        "prefix": parse_prefix(prefix_text),
    }  # fmt: skip


def _valid_prefix(text: str) -> bool:
    try:
        parse_prefix(text)
    except ValueError:
        return False
    return True


def search(path: str | Path, text: str, chosen: dict[str, Any]) -> Any:
    return _search(
        path, text, chosen["width"], chosen["kind"], chosen["alpha"], chosen["max_len"], chosen["prefix"]
    )


# ------------------------------------------------------------------------------------------------ tree


def tree_section(result: Any) -> int:
    """The step slider and the tree up to that step; returns the step shown."""
    from seqviz.viz.beam import beam_tree_figure

    steps = max(1, result.tree.steps)
    drawn_for = st.session_state.get(_STEPS_STATE)
    if drawn_for not in (None, steps) and st.session_state.get("beam.step") == drawn_for:
        set_bound("beam.step", steps, "step")  # left at the end: follow a longer or shorter new search
    st.session_state[_STEPS_STATE] = steps
    shown = st.slider(
        t("beam.step"), 1, steps, help=t("beam.step_help"),
        **url_bound("beam.step", "step", steps, parse=int, valid=lambda v: 1 <= v <= steps),
    )  # fmt: skip
    st.caption(t("beam.penalty_direction"))
    labels = {status: t(f"beam.status.{status}") for status in ("kept", "pruned", "finished")}
    labels |= {field: t(f"beam.hover.{field}") for field in ("log_p", "cumulative", "score")}
    penalty = t(f"beam.penalty.{result.penalty.kind}").replace("α", f"{result.penalty.alpha:g}")
    figure = beam_tree_figure(
        result.tree,
        up_to_step=int(shown),
        labels=labels,
        title=t("beam.tree_title", width=result.width, penalty=penalty),
        step_title=t("beam.axis.step"),
        chosen=st.session_state.get(_NODE_WIDGET),
    )
    vega_chart(st, figure, width="stretch", key="beam.tree")
    st.caption(
        t(
            "beam.tree_note",
            steps=result.tree.steps,
            nodes=len(result.tree.nodes),
            reason=t(f"beam.stop.{result.tree.stop_reason}", n_best=result.tree.n_best),
        )
    )
    return int(shown)


def _force(path_ids: list[int]) -> None:
    set_bound(PREFIX_STATE, ".".join(str(i) for i in path_ids), PREFIX_QUERY)


def force_section(result: Any, baseline: Any, shown_step: int) -> None:
    """Choose any visible node and rerun the search with its path forced; say what changed."""
    st.markdown(f"**{t('beam.force_header')}**")
    tree = result.tree
    candidates = [node for node in tree.nodes if node.parent_id is not None and node.step <= shown_step]
    if not candidates:
        return
    by_id = {node.id: node for node in candidates}
    if st.session_state.get(_NODE_WIDGET) not in by_id:
        pruned = [node for node in candidates if node.status == "pruned"]
        st.session_state[_NODE_WIDGET] = (pruned or candidates)[0].id
    status = labeller("beam.status")

    def describe(node_id: int) -> str:
        node = by_id[node_id]
        path = " ".join(step.token for step in tree.path(node_id))
        return t(
            "beam.force_option",
            id=node_id,
            step=node.step,
            path=path,
            status=status(node.status),
            score=node.score,
        )

    pick, go, clear = st.columns([4, 2, 2], vertical_alignment="bottom")
    node_id = pick.selectbox(t("beam.force_node"), list(by_id), format_func=describe, key=_NODE_WIDGET)
    go.button(
        t("beam.force"), key="beam.force_button", icon=":material/call_split:",
        on_click=_force, args=(tree.path_ids(node_id),),
    )  # fmt: skip
    clear.button(
        t("beam.clear_force"), key="beam.clear_button", icon=":material/restart_alt:",
        disabled=not result.prefix, on_click=_force, args=([],),
    )  # fmt: skip
    if result.prefix:
        vocab_tokens = [node.token for node in tree.path(result.nbest[0].node_id)][: len(result.prefix)]
        st.info(
            t("beam.forced", prefix=" ".join(code(token) for token in vocab_tokens)), icon=":material/edit:"
        )
        st.markdown(
            t(
                "beam.changed",
                before=code(baseline.best.output),
                before_score=baseline.best.score,
                after=code(result.best.output),
                after_score=result.best.score,
            )
        )


def _prefix_nodes(tree: Any, length: int) -> list[int]:
    """The forced nodes, in order (the search marks them ``forced``)."""
    return sorted((node.id for node in tree.nodes if node.forced), key=lambda i: tree.nodes[i].step)[:length]


# ---------------------------------------------------------------------------------------------- tables


def compare_section(result: Any, greedy_result: Any) -> None:
    st.subheader(t("beam.compare_header"))
    left, right = st.columns(2)
    for column, title, output, log_prob, score in (
        (left, t("beam.greedy"), greedy_result.output, greedy_result.log_prob, None),
        (
            right,
            t("beam.beam", width=result.width),
            result.best.output,
            result.best.log_prob,
            result.best.score,
        ),
    ):
        column.markdown(f"**{title}**: {code(output)}")
        a, b = column.columns(2)
        a.metric(t("beam.log_prob_metric"), f"{log_prob:.4f}")
        if score is not None:
            b.metric(t("beam.score_metric"), f"{score:.4f}")


def nbest_section(result: Any, checkpoint: Any, reference: str) -> None:
    import pandas as pd

    from seqviz.explain.bleu import sentence_bleu, tokenizer_for

    st.subheader(t("beam.nbest_header"))
    rows = []
    tokenize = tokenizer_for(checkpoint.target_tokenizer)
    for rank, hypothesis in enumerate(result.nbest, start=1):
        row = {
            t("beam.col.rank"): rank,
            t("beam.col.output"): hypothesis.output,
            t("beam.col.length"): len(hypothesis.tokens),
            t("beam.col.log_prob"): hypothesis.log_prob,
            t("beam.col.divisor"): result.penalty.divisor(len(hypothesis.tokens)),
            t("beam.col.score"): hypothesis.score,
            t("beam.col.finished"): hypothesis.finished,
        }
        if reference.strip():
            row[t("beam.col.bleu")] = sentence_bleu(hypothesis.output, [reference], tokenize=tokenize).score
        rows.append(row)
    frame = pd.DataFrame(rows)
    st.dataframe(frame.style.format(precision=4), hide_index=True)
    tree_column, opennmt_column = st.columns(2)
    stem = f"beam-{checkpoint.name}-k{result.width}"
    download(
        t("beam.download_tree"),
        lambda: download_json(beam_to_json(result)),
        f"{stem}.json",
        tree_column,
    )
    download(
        t("beam.download_opennmt"), lambda: download_json(to_opennmt_beam(result)),
        f"{stem}-opennmt.json", opennmt_column,
    )  # fmt: skip


def reference_input(default: str) -> str:
    return st.text_input(t("beam.reference"), max_chars=2000, **url_bound("beam.reference", "ref", default))


# ------------------------------------------------------------------------------------------- the page


def page_view() -> None:
    """The Beam search page under its introduction: model and input, the controls, the tree, forcing a
    node, greedy vs beam and the n-best list."""
    from seqviz.ui.errors import user_errors

    model = model_and_input("beam", kinds=TRANSLATION_KINDS)
    info, checkpoint, text = model.info, model.checkpoint, model.text
    with user_errors():
        chosen = controls(info, checkpoint, text)
        result = search(info.path, text, chosen)
        baseline = search(info.path, text, chosen | {"prefix": ()}) if chosen["prefix"] else result
        shown = tree_section(result)
        force_section(result, baseline, shown)
        compare_section(result, greedy(info.path, text, chosen["max_len"]))
        reference = reference_input("")
        nbest_section(result, checkpoint, reference)
