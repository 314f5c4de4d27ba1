"""The BLEU page's sections: inputs, the matching n-grams in colour, the counts table, the brevity penalty,
the two formulas with their numbers, sacrebleu's score beside ours, and corpus BLEU on two uploaded files.
Numbers come from ``seqviz.explain.bleu``; nothing here computes BLEU.

URL state: ``hyp``, ``ref`` (references, newline-separated), ``tok``, ``smooth`` and ``lc``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import streamlit as st

from seqviz.ui.i18n import t
from seqviz.ui.plain import code, plain
from seqviz.ui.url_state import parse_bool, serialize_bool, set_bound, url_bound

DEFAULT_CANDIDATE = "the cat the cat is on the mat"
DEFAULT_REFERENCES = "the cat is on the mat\nthere is a cat on the mat"
TOKENIZERS = ("auto", "13a", "zh", "char", "intl", "none")  # auto: zh for Chinese text, else 13a
UPLOAD_LIMIT_MB = 5
# Two 4 MB files of a million short lines each took 54 s of server CPU: the page scores at most this many
# lines per file and refuses longer files whole (``python -m seqviz bleu`` scores files of any length).
MAX_UPLOAD_LINES = 10_000
_FROM_MODEL_STATE = "bleu.from_model_info"  # what the "Use a model's translation" button last did
MARK_COLOURS = {"matched": "green", "clipped": "orange", "unmatched": "gray"}
# A washed-out projector turns the pale highlight colours into one grey: in presentation mode each n-gram is a
# badge (dark text on its tint) that also carries its kind as a symbol: the marks stay apart without colour.
MARK_SYMBOLS = {"matched": "✓", "clipped": "✂", "unmatched": "✗"}


def match_chip(text: str, mark: str, projector: bool) -> str:
    """One n-gram occurrence as Streamlit markdown: a highlight on screen, a symbol badge on a projector.
    ``text`` is the user's tokens, shown as plain text."""
    if projector:
        return f":{MARK_COLOURS[mark]}-badge[{MARK_SYMBOLS[mark]} {plain(text)}]"
    return f":{MARK_COLOURS[mark]}-background[{plain(text)}]"


# ------------------------------------------------------------------------------------------------ inputs


def _from_model() -> None:
    from seqviz.data.examples import example_pairs
    from seqviz.explain.bleu import tokenizer_for
    from seqviz.inference import greedy_translate
    from seqviz.models.config import TRANSLATION_KINDS
    from seqviz.ui.checkpoint_cache import load_cached_checkpoint
    from seqviz.ui.classroom import visible_checkpoints
    from seqviz.ui.common import selected_checkpoint

    infos = [info for info in visible_checkpoints() if info.kind in TRANSLATION_KINDS]
    info = selected_checkpoint(infos) or infos[0]
    checkpoint = load_cached_checkpoint(info.path)
    pair = example_pairs(checkpoint, 1)[0]
    set_bound("bleu.hypothesis", greedy_translate(checkpoint, pair.source).output, "hyp")
    # the user's own references and tokenizer stay; only the page's defaults are replaced
    kept = st.session_state.get("bleu.references", DEFAULT_REFERENCES).strip() not in ("", DEFAULT_REFERENCES)
    if not kept:
        set_bound("bleu.references", pair.target, "ref")
    if st.session_state.get("bleu.tokenize", "auto") == "auto" and checkpoint.target_tokenizer == "char":
        set_bound("bleu.tokenize", tokenizer_for(checkpoint.target_tokenizer), "tok")
    st.session_state[_FROM_MODEL_STATE] = {"model": info.name, "source": pair.source, "target": pair.target,
                                           "kept": kept}  # fmt: skip


def inputs() -> dict[str, Any]:
    from seqviz.explain.bleu import SMOOTH_METHODS

    candidate_column, reference_column = st.columns(2)
    hypothesis = candidate_column.text_input(
        t("bleu.candidate"), max_chars=5000, **url_bound("bleu.hypothesis", "hyp", DEFAULT_CANDIDATE)
    )
    candidate_column.button(
        t("bleu.from_model"), key="bleu.from_model", icon=":material/translate:",
        help=t("bleu.from_model_help"), on_click=_from_model,
    )  # fmt: skip
    references = reference_column.text_area(
        t("bleu.references"), max_chars=20000, height=110,
        **url_bound("bleu.references", "ref", DEFAULT_REFERENCES),
    )  # fmt: skip
    tokenize_column, smooth_column, lower_column = st.columns([2, 2, 1], vertical_alignment="bottom")
    auto = t("bleu.tokenize_auto")  # in this run's language: AppTest formats options after the run
    tokenize = tokenize_column.selectbox(
        t("bleu.tokenize"),
        TOKENIZERS,
        format_func=lambda name: auto if name == "auto" else name,
        **url_bound("bleu.tokenize", "tok", "auto", valid=lambda v: v in TOKENIZERS),
    )
    smooth = smooth_column.selectbox(
        t("bleu.smooth"), SMOOTH_METHODS,
        **url_bound("bleu.smooth", "smooth", "exp", valid=lambda v: v in SMOOTH_METHODS),
    )  # fmt: skip
    lowercase = lower_column.toggle(
        t("bleu.lowercase"),
        **url_bound("bleu.lowercase", "lc", False, parse=parse_bool, serialize=serialize_bool),
    )
    from seqviz.explain.bleu import auto_tokenizer

    reference_lines = [line for line in references.splitlines() if line.strip()]
    translated = st.session_state.get(_FROM_MODEL_STATE)
    if translated and translated.get("hypothesis_seen") in (None, hypothesis):
        translated["hypothesis_seen"] = hypothesis  # said while the candidate is still the model's
        key = "bleu.from_model_kept" if translated["kept"] else "bleu.from_model_done"
        st.caption(t(key, model=plain(translated["model"]), source=code(translated["source"]),
                     target=code(translated["target"])))  # fmt: skip
    if tokenize == "auto":
        tokenize = auto_tokenizer([hypothesis, *reference_lines])
        st.caption(t(f"bleu.tokenize_auto_{tokenize}"))
    return {
        "hypothesis": hypothesis,
        "references": reference_lines,
        "tokenize": tokenize,
        "smooth": smooth,
        "lowercase": bool(lowercase),
    }


# ----------------------------------------------------------------------------------------- one sentence


def sentence_sections(chosen: dict[str, Any]) -> None:
    from seqviz.explain.bleu import sentence_bleu

    if not chosen["references"]:
        st.info(t("bleu.no_references"), icon=":material/info:")
        return
    report = sentence_bleu(
        chosen["hypothesis"], chosen["references"], tokenize=chosen["tokenize"],
        lowercase=chosen["lowercase"], smooth_method=chosen["smooth"],
    )  # fmt: skip
    st.subheader(
        t("bleu.score_line", score=report.score, smooth=chosen["smooth"], tokenize=chosen["tokenize"])
    )
    matches_section(report)
    counts_table(report)
    brevity_section(report)  # full width, one under the other: the formulas are wider than half a page
    formulas_section(report, chosen)
    sacrebleu_line(report, chosen)


def matches_section(report: Any) -> None:
    import pandas as pd

    from seqviz.explain.bleu import occurrence_marks
    from seqviz.ui.common import presentation_mode

    projector = presentation_mode()
    st.markdown(f"**{t('bleu.matches_header')}**")
    st.caption(t("bleu.legend_symbols" if projector else "bleu.legend"))
    sentence = report.sentences[0]
    tokens = sentence.hypothesis_tokens
    for order in range(1, report.max_order + 1):
        explanation = sentence.matches(order)
        marks = occurrence_marks(tokens, explanation)
        chips = " ".join(
            match_chip(" ".join(tokens[start : start + order]), mark, projector) for start, mark in marks
        )
        precision = 100 * explanation.count / explanation.total if explanation.total else 0.0
        line = t(
            "bleu.order_line",
            n=order,
            matched=explanation.count,
            total=explanation.total,
            precision=precision,
        )
        st.markdown(f"{line}  \n{chips}" if chips else line)
        with st.expander(t("bleu.ngram_table", n=order)):
            st.dataframe(
                pd.DataFrame(
                    {
                        t("bleu.col.ngram"): [" ".join(ngram) for ngram in explanation.ngrams],
                        t("bleu.col.count"): explanation.candidate_counts,
                        t("bleu.col.max_ref"): explanation.max_ref_counts,
                        t("bleu.col.clipped"): explanation.clipped_counts,
                    }
                ),
                hide_index=True,
            )


def counts_table(report: Any) -> None:
    import pandas as pd

    st.dataframe(
        pd.DataFrame(
            {
                t("bleu.col.n"): list(range(1, report.max_order + 1)),
                t("bleu.col.matches"): report.counts,
                t("bleu.col.total"): report.totals,
                t("bleu.col.precision"): [round(p, 4) for p in report.precisions],
            }
        ),
        hide_index=True,
    )


def brevity_section(report: Any) -> None:
    st.markdown(f"**{t('bleu.bp_header')}**")
    c, r = report.sys_len, report.ref_len
    verdict = t("bleu.bp_short", bp=report.bp) if c < r else t("bleu.bp_long")
    st.markdown(t("bleu.bp_text", c=c, r=r, verdict=verdict))
    st.latex(
        rf"\mathrm{{BP}} = \begin{{cases}} 1 & c \ge r \\ e^{{1 - r/c}} & c < r \end{{cases}}"
        rf" \quad c = {c},\ r = {r},\ \mathrm{{BP}} = {report.bp:.4f}"
    )


def formulas_section(report: Any, chosen: dict[str, Any]) -> None:
    from seqviz.explain.bleu import course_bleu, tokenize

    st.markdown(f"**{t('bleu.formulas_header')}**")
    st.markdown(f"*{t('bleu.standard')}*")
    used = report.orders_used
    terms = r" \cdot ".join(f"{p / 100:.4f}^{{1/{used}}}" for p in report.precisions[:used])
    st.latex(
        r"\begin{aligned} \mathrm{BLEU} &= \mathrm{BP} \cdot"
        r" \exp\Big(\sum_{n=1}^{N} \tfrac{1}{N} \log p_n\Big)"
        rf" \\ &= {report.bp:.4f} \cdot {terms} \\ &= {report.score / 100:.4f} \end{{aligned}}"
    )
    st.markdown(f"*{t('bleu.course')}*")
    prediction = tokenize(chosen["hypothesis"], chosen["tokenize"], chosen["lowercase"])
    reference = tokenize(chosen["references"][0], chosen["tokenize"], chosen["lowercase"])
    course = course_bleu(prediction, reference)
    course_terms = r" \cdot ".join(f"{p:.4f}^{{1/{2**n}}}" for n, p in enumerate(course.precisions, start=1))
    ratio = f"{course.ref_len}/{course.pred_len}" if course.pred_len else r"\infty"
    st.latex(
        r"\begin{aligned} & \exp\Big(\min\big(0, 1 - \tfrac{len_{ref}}{len_{pred}}\big)\Big)"
        rf" \prod_{{n=1}}^{{\min({course.max_order},\,len_{{pred}})}} p_n^{{1/2^n}}"
        rf" \\ &= e^{{\min(0,\,1 - {ratio})}} \cdot {course_terms or '1'} \\ &= {course.score:.4f}"
        r" \end{aligned}"
    )
    if course.empty_prediction:
        st.caption(t("bleu.course_empty"))
    elif course.skipped_orders:
        skipped = ", ".join(str(n) for n in course.skipped_orders)
        st.caption(t("bleu.course_skipped", orders=skipped, length=course.pred_len))
    st.caption(t("bleu.course_note"))


def sacrebleu_line(report: Any, chosen: dict[str, Any]) -> None:
    from seqviz.explain.bleu import sacrebleu_sentence_score

    theirs = sacrebleu_sentence_score(
        chosen["hypothesis"], chosen["references"], tokenize=chosen["tokenize"],
        lowercase=chosen["lowercase"], smooth_method=chosen["smooth"],
    )  # fmt: skip
    if math.isclose(theirs, report.score, abs_tol=1e-6):
        st.success(t("bleu.sacrebleu_equal", theirs=theirs, ours=report.score), icon=":material/verified:")
    else:
        st.error(t("bleu.sacrebleu_differs", theirs=theirs, ours=report.score))


# --------------------------------------------------------------------------------------------- corpus


@dataclass(frozen=True)
class CorpusScores:
    """What the corpus section shows for two uploaded files: plain data, so ``st.cache_data`` can keep it."""

    hypotheses: list[str]
    references: list[str]
    score: float  # seqviz's corpus BLEU
    sacrebleu_score: float  # sacrebleu's corpus_bleu on the same lines
    sentence_scores: list[float]  # sentence BLEU of every line, in file order


@st.cache_data(show_spinner=False, max_entries=8)
def corpus_scores(
    hyp_data: bytes, hyp_name: str, ref_data: bytes, ref_name: str, options: dict[str, Any]
) -> CorpusScores | tuple[int, int]:
    """Corpus BLEU of two uploads, computed once per (files, options): a rerun of the page (any widget)
    reads it back instead of scoring 10,000 lines again. Files over ``UPLOAD_LIMIT_MB`` or
    ``MAX_UPLOAD_LINES`` raise ``CorpusError`` before any scoring; files of different lengths return
    their two line counts."""
    import sacrebleu

    from seqviz.explain.bleu import corpus_bleu, sentence_bleus, sentences_from_bytes

    limit = UPLOAD_LIMIT_MB * 1024 * 1024
    hypotheses = sentences_from_bytes(hyp_data, hyp_name, limit, MAX_UPLOAD_LINES)
    references = sentences_from_bytes(ref_data, ref_name, limit, MAX_UPLOAD_LINES)
    if len(hypotheses) != len(references):
        return len(hypotheses), len(references)
    report = corpus_bleu(hypotheses, [references], **options)
    theirs = sacrebleu.corpus_bleu(hypotheses, [references], **options).score
    scores = [s.score for s in sentence_bleus(hypotheses, [references], **options)]
    return CorpusScores(hypotheses, references, report.score, float(theirs), scores)


def corpus_section(chosen: dict[str, Any]) -> None:
    import pandas as pd

    st.subheader(t("bleu.corpus_header"))
    st.caption(t("bleu.corpus_intro", limit=UPLOAD_LIMIT_MB, lines=MAX_UPLOAD_LINES))
    hyp_column, ref_column = st.columns(2)
    # max_upload_size: Streamlit's own "Limit … per file" (English, drawn by the browser) then states the
    # same limit as our caption, not the server-wide one
    hyp_file = hyp_column.file_uploader(
        t("bleu.hyp_file"), type=["txt"], key="bleu.hyp_file", max_upload_size=UPLOAD_LIMIT_MB
    )
    ref_file = ref_column.file_uploader(
        t("bleu.ref_file"), type=["txt"], key="bleu.ref_file", max_upload_size=UPLOAD_LIMIT_MB
    )
    if hyp_file is None or ref_file is None:
        return
    options = {
        "tokenize": chosen["tokenize"],
        "lowercase": chosen["lowercase"],
        "smooth_method": chosen["smooth"],
    }
    result = corpus_scores(hyp_file.getvalue(), hyp_file.name, ref_file.getvalue(), ref_file.name, options)
    if isinstance(result, tuple):
        st.error(t("bleu.line_mismatch", hyp=result[0], ref=result[1]))
        return
    hypotheses, references, scores = result.hypotheses, result.references, result.sentence_scores
    lines = len(hypotheses)
    st.markdown(t("bleu.corpus_score", score=result.score, lines=lines, theirs=result.sacrebleu_score))
    order = sorted(range(lines), key=lambda i: (scores[i], i))
    st.markdown(f"**{t('bleu.worst_first')}**")
    st.dataframe(
        pd.DataFrame(
            {
                t("bleu.col.line"): [i + 1 for i in order],
                t("bleu.col.bleu"): [round(scores[i], 2) for i in order],
                t("bleu.col.hypothesis"): [hypotheses[i] for i in order],
                t("bleu.col.reference"): [references[i] for i in order],
            }
        ),
        hide_index=True,
    )


# ------------------------------------------------------------------------------------------- the page


def page_view(corpus: bool = True) -> None:
    """The BLEU page under its introduction: the candidate and references with every sentence section,
    then (``corpus``) corpus BLEU on two uploaded files."""
    from seqviz.ui.errors import user_errors

    chosen = inputs()
    with user_errors():
        sentence_sections(chosen)
    if corpus:
        st.divider()
        with user_errors():
            corpus_section(chosen)
