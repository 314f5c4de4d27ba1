"""The Attention page under AppTest: every shipped seq2seq checkpoint, the tabs' widgets, bad inputs, a URL
that reopens a view, and Chinese."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from seqviz.checkpoints.store import list_checkpoints
from seqviz.explain.attention import comparison_candidates
from seqviz.ui.i18n import t
from tests.support.apptest import click, open_tab, texts

PAGE = "pages/2_Attention.py"
TAB = "attention.tab"


SEQ2SEQ = [info.name for info in list_checkpoints() if info.kind == "seq2seq"]


def charts(at: AppTest) -> int:
    """Charts sent: the heatmaps (Vega-Lite) and the other figures (plotly)."""
    return len(at.get("plotly_chart")) + len(at.get("vega_lite_chart"))


@pytest.mark.parametrize("name", SEQ2SEQ)
def test_page_opens_on_every_seq2seq_checkpoint(visit, name):
    at = visit(ckpt=name, lang="en")
    assert at.selectbox(key="_model.checkpoint_widget").value == name
    assert at.text_input(key="_url.attention.input").value  # opened on a held-out example
    assert "Model output:" in texts(at)
    assert not at.get("error")
    if "none" in name:
        assert "has no attention" in texts(at)
    else:
        assert charts(at) == 1  # the alignment: the other tabs run when opened
        infos = list_checkpoints()
        current = next(info for info in infos if info.name == name)
        if comparison_candidates(current, infos):
            assert charts(open_tab(at, TAB, "compare")) >= 1  # the comparison's
        else:  # no other model of this task: said, not compared with another task's vocabularies
            open_tab(at, TAB, "compare")
            assert "No other model here was trained on the task" in texts(at)
        assert not at.get("error")


def test_language_model_choice_falls_back_to_a_seq2seq_model(visit):
    at = visit(ckpt="charlm-lstm")
    assert at.session_state["model.checkpoint"] in SEQ2SEQ
    assert not at.warning


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("a" * 2000, "tokens; the limit is"),
    ],
)
def test_bad_inputs_give_a_message_not_a_traceback(visit, text, message):
    at = visit(ckpt="reverse-lstm-bahdanau")
    at.text_input(key="_url.attention.input").set_value(text).run()
    assert not at.exception
    assert any(message in e.value for e in at.error), [e.value for e in at.error]


def test_emoji_and_unknown_symbols_are_read_as_unk(visit):
    at = visit(ckpt="reverse-lstm-bahdanau")
    at.text_input(key="_url.attention.input").set_value("ab😀中 c").run()
    assert not at.exception and not at.error
    assert "read as <unk>" in texts(at)
    assert charts(at) >= 1


def test_example_pill_replaces_the_input_and_url(visit):
    at = visit(ckpt="dates-lstm-bahdanau")
    pills = at.get("button_group")[0]
    chosen = pills.options[1].content if hasattr(pills.options[1], "content") else pills.options[1]
    pills.set_value(chosen).run()
    assert at.text_input(key="_url.attention.input").value == chosen
    assert at.query_params["text"] == chosen


def test_scores_tab_follows_the_chosen_cell_and_url(visit):
    at = visit(ckpt="reverse-lstm-bahdanau", text="abcdef", t="2", j="3", tab="scores")
    assert at.selectbox(key="_url.attention.step").value == 2
    assert at.selectbox(key="_url.attention.position").value == 3
    latex = [e.value for e in at.get("latex")]
    assert any(r"e_{3,4}" in value for value in latex)  # ?t=2&j=3 count from 0; the page counts from 1
    assert any(r"\alpha_{3,4}" in value for value in latex)
    at.selectbox(key="_url.attention.position").set_value(1).run()
    assert at.query_params["j"] == "1"
    assert any(r"e_{3,2}" in e.value for e in at.get("latex"))
    assert "Recomputed α_tj equals the forward pass's" in texts(at)


def test_out_of_range_url_values_fall_back(visit):
    at = visit(ckpt="reverse-lstm-bahdanau", text="abc", t="99", j="-4", tab="scores")
    assert at.selectbox(key="_url.attention.step").value == 0
    assert 0 <= at.selectbox(key="_url.attention.position").value < 4
    at = visit(ckpt="reverse-lstm-bahdanau", text="abc", vs="no-such-model", tab="compare")
    assert at.selectbox(key="_url.attention.partner").value in SEQ2SEQ


def test_compare_partner_in_url(visit):
    at = visit(ckpt="reverse-lstm-bahdanau", vs="reverse-bilstm-bahdanau", tab="compare")
    assert at.selectbox(key="_url.attention.partner").value == "reverse-bilstm-bahdanau"
    assert "bidirectional encoder" in texts(at)
    assert "attend to the same source position" in texts(at)


def test_bottleneck_measures_on_request(visit):
    at = visit(ckpt="reverse-lstm-none", tab="bottleneck")
    models = at.multiselect(key="_url.attention.bottleneck_models")
    models.set_value(["reverse-lstm-none", "reverse-lstm-bahdanau"]).run()
    before = charts(at)
    measure = next(b for b in at.button if b.label == "Measure")
    measure.click().run()
    assert not at.exception
    assert charts(at) == before + 1
    assert "inside the trained lengths" in texts(at)


def test_copy_model_shows_p_gen_and_coverage_in_chinese(visit):
    at = visit(ckpt="dates-lstm-bahdanau-copy-coverage", lang="zh", tab="copy")
    assert "指针生成网络" in texts(at) and "覆盖向量" in texts(at)
    assert at.tabs[0].label == "对齐"


def test_a_link_opens_its_tab_and_a_language_switch_keeps_it(visit):
    at = visit(ckpt="reverse-lstm-bahdanau", lang="en", tab="bottleneck")
    assert at.multiselect(key="_url.attention.bottleneck_models")
    assert charts(at) == 0  # the alignment tab is closed: its heatmap was not sent
    at.radio(key="_ui.lang_widget").set_value("zh").run()
    assert at.tabs[2].label == "实测瓶颈"
    assert at.query_params["tab"] == "bottleneck" and at.query_params["lang"] == "zh"
    assert at.multiselect(key="_url.attention.bottleneck_models") and charts(at) == 0


def test_copy_tab_names_the_word_only_copying_wrote(visit):
    at = visit(ckpt="en-fr-names-lstm-bahdanau-copy", text="Zorvak eats an apple", tab="copy", lang="en")
    shown = texts(at)
    assert "Copied words the model's vocabulary lacks" in shown and "`Zorvak` (p_gen 0." in shown
    assert not at.error


def test_the_caption_says_what_a_row_is_and_offers_the_bidirectional_model(visit):
    at = visit(ckpt="reverse-lstm-bahdanau", text="abcdef", lang="en")
    said = texts(at)
    assert "computed from the decoder state s_(t−1) before y_t was written" in said
    assert "Why rows can look shifted by one" in said
    button = at.button(key="attention.see_bidirectional")
    assert "reverse-bilstm-bahdanau" in button.label
    button.click().run()
    assert not at.exception
    assert at.session_state["model.checkpoint"] == "reverse-bilstm-bahdanau"
    said = texts(at)
    assert "every column already knows the whole input" in said and "shifted by one" not in said
    luong = visit(ckpt="reverse-gru-luong-general", text="abcdef", lang="en")
    assert "computed from s_t, the state after reading y_(t−1)" in texts(luong)
    assert not luong.button  # no offset to explain, nothing to switch to


# ------------------------------------------------------------------------------ attention vs attribution


@pytest.mark.parametrize("name", SEQ2SEQ)
def test_attribution_tab_on_every_seq2seq_checkpoint(visit, name):
    """Integrated gradients (the default) beside the attention, tau per row and the completeness gap."""
    at = visit(ckpt=name, lang="en", tab="attribution", steps="16")
    assert not at.exception and not at.error
    assert at.selectbox(key="_url.attention.method").value == "integrated-gradients"
    assert charts(at) == 1  # attention and attribution in one chart, on the same axes
    assert "Completeness gap with 16 steps" in texts(at)
    if "none" in name:
        assert "has no attention: the attribution stands alone" in texts(at)
    else:
        assert "Mean τ over the rows" in texts(at)
    # attribution as CSV and JSON; with attention, the interventions' JSON too (the section drives them all)
    assert len(at.get("download_button")) == (2 if "none" in name else 3)


def test_attribution_tab_follows_method_and_target_in_the_url_and_in_chinese(visit):
    at = visit(ckpt="reverse-lstm-bahdanau", lang="zh", tab="attribution", am="occlusion", target="dcba")
    assert at.selectbox(key="_url.attention.method").value == "occlusion"
    assert at.text_input(key="_url.attention.target").value == "dcba"
    assert not at.exception and not at.error
    assert "注意力与归因" in [tab.label for tab in at.tabs]
    assert "各行 τ 的平均值" in texts(at)
    at.selectbox(key="_url.attention.method").select_index(0).run()  # saliency
    assert at.query_params["am"] == "saliency" and not at.exception


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"target": "x" * 150}, "limited to 100"),
        ({"text": "a" * 150}, "explaining is limited to 100"),
    ],
)
def test_attribution_tab_refuses_hostile_inputs_with_a_message(visit, query, message):
    at = visit(ckpt="reverse-lstm-bahdanau", lang="en", tab="attribution", **query)
    assert not at.exception
    assert any(message in e.value for e in at.error), [e.value for e in at.error]


def test_attribution_errors_are_said_in_chinese(visit):
    at = visit(ckpt="reverse-lstm-bahdanau", lang="zh", tab="attribution", target="x" * 150)
    assert not at.exception
    assert any("解释最多支持 100 个" in e.value for e in at.error), [e.value for e in at.error]


def test_attribution_tab_reads_emoji_as_unk(visit):
    at = visit(ckpt="reverse-lstm-bahdanau", lang="en", tab="attribution", am="grad-input", text="a😀b")
    assert not at.exception and not at.error
    assert charts(at) == 1


def test_attribution_summary_over_held_out_examples_on_request(visit):
    at = visit(ckpt="reverse-lstm-bahdanau", lang="en", tab="attribution", am="grad-input")
    assert len(at.get("plotly_chart")) == 0  # nothing computed before the click
    click(at, "attention.summary_run")
    assert not at.error
    assert len(at.get("plotly_chart")) == 1  # the tau histogram
    assert "30 inputs" in texts(at) and "median τ" in texts(at)


# ---------------------------------------------------------------------------------------- interventions


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_interventions_show_each_changed_decode_and_the_validation_survival(visit, lang):
    """The table is the core's report, row for row; the survival shares come on request."""
    from seqviz.checkpoints.store import list_checkpoints, load_checkpoint
    from seqviz.explain.interventions import intervene

    at = visit(ckpt="reverse-lstm-bahdanau", text="abcdef", lang=lang, tab="attribution", am="saliency")
    info = next(info for info in list_checkpoints() if info.name == "reverse-lstm-bahdanau")
    report = intervene(load_checkpoint(info.path), "abcdef")
    table = at.dataframe[-1].value
    expected = [report.own, *report.outcomes]
    assert table.iloc[:, 1].tolist() == [row.output_text for row in expected]
    assert table["log P"].tolist() == pytest.approx([row.log_prob for row in expected])
    assert table.iloc[0, 1] == "fedcba"  # the model's own attention: its own output
    at.button(key="attention.survival_run").click().run()
    assert not at.exception and not at.error
    shares = {metric.label: metric.value for metric in at.metric}
    assert len(shares) == 3 and all(value.endswith("%") for value in shares.values())
    assert t("attention.intervention.uniform", lang=lang) in shares


def test_a_model_without_attention_offers_no_interventions(visit):
    at = visit(ckpt="reverse-lstm-none", lang="en", tab="attribution", am="saliency")
    assert not at.exception
    assert t("attention.interventions_header", lang="en") not in [h.value for h in at.subheader]
