"""Every model page on a Transformer checkpoint (issue 21), under AppTest, in English and Chinese: the
Attention page's layer x head grid of each attention (the numbers drawn are the trace's), the mean over heads
on request, the RNN-only views saying so; Beam search, the Decoding stepper and BLEU on a Transformer; the
Train page's architecture choice. The Gates page, which shows an RNN's parts, opens an RNN instead."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from streamlit.testing.v1 import AppTest

from seqviz.checkpoints.store import list_checkpoints, load_checkpoint
from seqviz.inference import trace_text
from seqviz.training.config import ARCH_TRAINING
from seqviz.ui.i18n import t
from seqviz.ui.plain import plain
from tests.support.apptest import click, open_page, open_tab, texts
from tests.support.vega_read import page_heatmaps, page_titles, title_of, vega_charts

REVERSE, EN_ZH = "reverse-transformer", "en-zh-transformer"
INFOS = {info.name: info for info in list_checkpoints()}
ATTENTION, DECODING, BEAM, BLEU = (
    "pages/2_Attention.py",
    "pages/3_Decoding.py",
    "pages/4_Beam_search.py",
    "pages/5_BLEU.py",
)


def charts(at: AppTest) -> int:
    return len(at.get("plotly_chart")) + len(at.get("vega_lite_chart"))


def traced(name: str, text: str):
    return trace_text(load_checkpoint(INFOS[name].path), text).trace


# ---------------------------------------------------------------------------------------------- Attention


@pytest.mark.parametrize(("name", "lang"), [(REVERSE, "en"), (REVERSE, "zh"), (EN_ZH, "en"), (EN_ZH, "zh")])
def test_attention_grid_draws_every_layer_and_head_of_the_trace(name, lang):
    at = open_page(ATTENTION, ckpt=name, lang=lang)
    assert at.selectbox(key="_model.checkpoint_widget").value == name  # listed, not replaced by an RNN
    assert not at.error, [e.value for e in at.error]
    text = at.text_input(key="_url.attention.input").value
    trace = traced(name, text)
    layers, heads = trace.cross_attention.shape[:2]
    drawn = page_heatmaps(at)
    head_word = "head" if lang == "en" else "个头"
    panels = {title: panel for title, panel in drawn.items() if head_word in title}
    assert len(panels) == layers * heads, list(drawn)
    for layer in range(layers):
        for head in range(heads):
            title = (
                f"layer {layer + 1} · head {head + 1}"
                if lang == "en"
                else f"第 {layer + 1} 层 · 第 {head + 1} 个头"
            )
            expected = trace.cross_attention[layer, head].double().numpy()
            assert np.allclose(panels[title].values, expected, atol=1e-6), title  # Arrow: float64 of float32
    assert ("Model output:" if lang == "en" else "模型输出") in texts(at)


def test_attention_kind_and_mean_over_heads_follow_the_widgets_and_the_url():
    at = open_page(ATTENTION, ckpt=REVERSE, lang="en")
    text = at.text_input(key="_url.attention.input").value
    trace = traced(REVERSE, text)
    layers, heads = trace.cross_attention.shape[:2]
    tensors = {"encoder": trace.encoder_self_attention, "decoder": trace.decoder_self_attention}
    for kind, tensor in tensors.items():
        at.segmented_control(key="_url.attention.heads_kind").set_value(kind).run()
        assert not at.exception and at.query_params["heads"] == kind
        drawn = page_heatmaps(at)
        panel = drawn["layer 2 · head 3"]
        assert np.allclose(panel.values, tensor[1, 2].double().numpy(), atol=1e-6), kind
    assert "the mask hides the future" in texts(at)
    assert np.all(
        np.triu(page_heatmaps(at)["layer 1 · head 1"].values, k=1) == 0
    )  # exactly 0 above the diagonal
    at.toggle(key="_url.attention.heads_mean").set_value(True).run()
    assert not at.exception and at.query_params["mean"] == "1"
    drawn = page_heatmaps(at)
    means = {title: panel for title, panel in drawn.items() if "mean of" in title}
    assert len(means) == layers
    expected = trace.decoder_self_attention[0].mean(dim=0).double().numpy()
    assert np.allclose(means[f"layer 1 · mean of {heads} heads"].values, expected, atol=1e-6)
    assert "Showing the mean over heads, as you chose" in texts(at)
    # the URL reopens the same view
    again = open_page(ATTENTION, ckpt=REVERSE, lang="en", heads="decoder", mean="1")
    assert again.segmented_control(key="_url.attention.heads_kind").value == "decoder"
    assert again.toggle(key="_url.attention.heads_mean").value is True


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_attention_tab_works_or_says_it_is_for_rnns(lang):
    at = open_page(ATTENTION, ckpt=REVERSE, lang=lang)
    open_tab(at, "attention.tab", "compare")
    assert charts(at) >= 2  # the mean view beside an RNN of the same task
    assert not at.error, [e.value for e in at.error]
    open_tab(at, "attention.tab", "bottleneck")
    assert not at.error
    open_tab(at, "attention.tab", "scores")
    assert ("for RNN models" if lang == "en" else "只适用于 RNN 模型") in texts(at)
    open_tab(at, "attention.tab", "copy")
    assert not at.error
    at.query_params["am"] = "grad-input"
    open_tab(at, "attention.tab", "attribution")
    assert not at.error, [e.value for e in at.error]
    assert charts(at) >= 1  # attention beside gradient x input
    assert ("Interventions rewrite the one attention module" if lang == "en" else "干预会改写") in texts(at)


def test_the_bottleneck_measures_a_transformer_beside_an_rnn():
    at = open_page(ATTENTION, ckpt=REVERSE, lang="en", tab="bottleneck")
    assert REVERSE in at.multiselect(key="_url.attention.bottleneck_models").options
    at.multiselect(key="_url.attention.bottleneck_models").set_value([REVERSE]).run()
    run = next(button for button in at.button if button.label == t("attention.bottleneck_run", lang="en"))
    run.click().run()
    assert not at.error, [e.value for e in at.error]
    assert plain(REVERSE) in texts(at)  # its row: exact match inside and outside the training lengths
    assert len(at.get("plotly_chart")) == 1


# ------------------------------------------------------------------------------- Beam, Decoding, BLEU


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_beam_search_on_a_transformer(lang):
    at = open_page(BEAM, ckpt=REVERSE, lang=lang)
    assert at.selectbox(key="_model.checkpoint_widget").value == REVERSE
    assert not at.error, [e.value for e in at.error]
    assert charts(at) >= 1  # the tree


@pytest.mark.parametrize(("name", "lang"), [(REVERSE, "en"), (EN_ZH, "zh")])
def test_decoding_stepper_on_a_transformer_labels_its_attention_row(name, lang):
    at = open_page(DECODING, ckpt=name, lang=lang)
    assert at.selectbox(key="_model.checkpoint_widget").value == name
    for _ in range(2):
        click(at, "decoding.step_button")
    assert not at.error, [e.value for e in at.error]
    assert charts(at) == 4  # attention, decoder output vector, top-k, why this token
    titles = " ".join(page_titles(at))
    assert ("layer 2 · head 1" if lang == "en" else "第 2 层 · 第 1 个头") in titles  # one head, by default
    assert ("Decoder output vector" if lang == "en" else "解码器的输出向量") in titles  # not an RNN state
    click(at, "decoding.run_button")
    assert not at.error
    open_tab(at, "decoding.tab", "exposure")
    assert not at.error, [e.value for e in at.error]


def drawn_attention_row(at) -> tuple[str, list[float]]:
    """The Decoding stepper's attention bars: their title and the weights drawn, in source order."""
    for spec, tables in vega_charts(at):
        title = title_of(spec)
        if title.startswith("Attention over the source"):
            table = next(iter(tables.values()))
            return title, [float(v) for v in table.sort_values("position")["value"]]
    raise AssertionError("no attention bars on the page")


def test_decoding_stepper_draws_one_heads_weights_unless_the_mean_is_picked():
    """Per layer and head, as the forward pass applied them; the last layer's mean only when chosen."""
    at = open_page(DECODING, ckpt=REVERSE, lang="en")
    text = at.text_input(key="_url.decoding.input").value
    click(at, "decoding.step_button")
    trace = traced(REVERSE, text)
    step = at.session_state["decoding.stepper"][1].steps[0]
    layers, heads = trace.cross_attention.shape[:2]
    assert np.allclose(
        np.array(step.distribution.head_attention), trace.cross_attention[:, :, 0].numpy(), atol=1e-5
    )
    title, drawn = drawn_attention_row(at)  # by default the last layer's first head, not the mean
    assert f"layer {layers} · head 1" in title
    assert np.allclose(drawn, trace.cross_attention[layers - 1, 0, 0].numpy(), atol=1e-5)
    choice = at.selectbox(key="decoding.head_choice")
    assert len(choice.options) == layers * heads + 1
    choice.set_value(f"layer 1 · head {heads}").run()
    title, drawn = drawn_attention_row(at)
    assert f"layer 1 · head {heads}" in title
    assert np.allclose(drawn, trace.cross_attention[0, heads - 1, 0].numpy(), atol=1e-5)
    at.selectbox(key="decoding.head_choice").set_value(f"layer {layers} · mean of {heads} heads").run()
    title, drawn = drawn_attention_row(at)
    assert f"mean of {heads} heads" in title
    assert np.allclose(drawn, trace.attention[0].numpy(), atol=1e-5)
    assert torch.allclose(trace.attention, trace.cross_attention[-1].mean(dim=0))
    assert not at.exception and not at.error


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_bleu_takes_a_transformers_translation(lang):
    at = open_page(BLEU, ckpt=REVERSE, lang=lang)
    at.button(key="bleu.from_model").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.text_input(key="_url.bleu.hypothesis").value != "the cat the cat is on the mat"


def test_gates_page_opens_an_rnn_for_a_transformer_link():
    at = open_page("pages/1_Gates.py", ckpt=REVERSE, lang="en")
    assert at.selectbox(key="_model.checkpoint_widget").value != REVERSE
    assert not at.error


# -------------------------------------------------------------------------------------------------- Train


@pytest.fixture
def train_page(tmp_path, monkeypatch):
    """Opens the Train page (``lang``: its language) and stops the runs it started."""
    monkeypatch.setenv("SEQVIZ_USER_CHECKPOINTS", str(tmp_path / "user_checkpoints"))
    opened: list[AppTest] = []

    def open_train(lang: str = "en") -> AppTest:
        opened.append(open_page("pages/6_Train.py", lang=lang))
        return opened[-1]

    yield open_train
    for at in opened:
        for entry in at.session_state["train.runs"] if "train.runs" in at.session_state else []:  # noqa: SIM401
            entry.run.stop()
            entry.job.thread.join(30)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_train_page_offers_the_transformer_with_its_own_widgets_and_learning_rate(train_page, lang):
    at = train_page(lang)
    assert at.radio(key="train.cell").value == "lstm"  # the RNN by default
    at.radio(key="train.arch").set_value("transformer").run()
    assert not at.exception
    keys = {widget.key for kind in ("radio", "selectbox", "toggle") for widget in at.get(kind)}
    assert not {"train.cell", "train.attention", "train.bidirectional", "train.copy", "train.coverage"} & keys
    assert at.select_slider(key="train.heads").value == 4
    assert at.slider(key="train.transformer_layers").value == 2
    assert at.select_slider(key="train.d_model").value == 64
    # the Transformer's own default
    assert at.select_slider(key="train.lr.transformer").value == ARCH_TRAINING["transformer"]["learning_rate"]
    assert ("100-update warm-up" if lang == "en" else "预热 100 步") in texts(at)
    at.radio(key="train.arch").set_value("rnn").run()
    assert at.select_slider(key="train.lr").value == 5e-3  # the RNN keeps its own


def test_a_transformer_run_trains_and_its_probe_shows_encoder_outputs_not_gates(train_page):
    at = train_page()
    at.radio(key="train.arch").set_value("transformer").run()
    at.select_slider(key="train.d_model").set_value(32)
    at.number_input(key="train.steps").set_value(12)
    at.number_input(key="train.probe_every").set_value(5)
    at.select_slider(key="train.lr.transformer").set_value(1e-3)  # the user can still change it
    at.button(key="FormSubmitter:train.form-Start training").click().run()
    assert not at.exception, at.exception
    entry = at.session_state["train.runs"][0]
    entry.job.thread.join(120)
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert entry.run.view().label.startswith("reverse · Transformer · 4 heads · d 32")
    assert entry.run.view().label.endswith("lr 0.001")
    drawn = page_heatmaps(at)
    assert any(title.startswith("Cross-attention of the last decoder layer") for title in drawn), list(drawn)
    assert any(title.startswith("Encoder output vectors") for title in drawn), list(drawn)
    assert "train.probe_gate" not in {widget.key for widget in at.get("radio")}


def test_continue_training_lists_transformers(train_page):
    at = train_page()
    at.radio(key="train.start_from").set_value("checkpoint").run()
    assert f"{REVERSE} · reverse" in at.selectbox(key="train.checkpoint").options
    at.selectbox(key="train.checkpoint").set_value(REVERSE).run()
    assert not at.exception and not at.error
    assert at.select_slider(key="train.lr.transformer").value == ARCH_TRAINING["transformer"]["learning_rate"]
