"""The language-model page and its numbers: token probabilities equal the model's softmax, perplexity by
the one definition, alternatives, sampling (seeded, temperature 0 and top-1 are greedy), AppTest runs."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
import torch

from seqviz.checkpoints.store import list_checkpoints, load_checkpoint
from seqviz.data.vocab import SOS_ID
from seqviz.errors import InputError
from seqviz.explain import lm as lm_view
from seqviz.explain.connectivity import language_model_connectivity
from tests.support.apptest import texts
from tests.support.vega_read import heatmaps, vega_charts

PAGE = "pages/7_Language_models.py"
LM = next(info for info in list_checkpoints() if info.kind == "language_model")


@pytest.fixture(scope="module")
def checkpoint():
    return load_checkpoint(LM.path)


def test_probabilities_are_the_models_softmax(checkpoint):
    text = "the cat sat."
    result = lm_view.token_probabilities(checkpoint, text)
    ids = checkpoint.target_vocab.encode(list(text))
    with torch.no_grad():
        logits, _, _ = checkpoint.model.eval()(torch.tensor([[SOS_ID, *ids[:-1]]]))
    expected = torch.softmax(logits[0], -1).gather(1, torch.tensor(ids)[:, None]).squeeze(1)
    assert result.tokens == list(text)
    for got, want in zip(result.probabilities, expected.tolist(), strict=True):
        assert got == pytest.approx(want, rel=1e-5)
    nll = [-math.log(p) for p in result.probabilities]
    assert result.perplexity.perplexity == pytest.approx(math.exp(sum(nll) / len(nll)), rel=1e-6)
    top = result.alternatives(4, 5)
    assert [p for _, p in top] == sorted((p for _, p in top), reverse=True) and sum(
        p for _, p in top
    ) <= 1 + 1e-6
    with pytest.raises(InputError):
        result.alternatives(len(text), 5)


def test_sampling_is_seeded_and_greedy_at_the_limits(checkpoint):
    a = lm_view.sample(checkpoint, "the ", 30, temperature=1.0, top_k=10, seed=3)
    b = lm_view.sample(checkpoint, "the ", 30, temperature=1.0, top_k=10, seed=3)
    assert a == b
    cold = lm_view.sample(checkpoint, "the ", 30, temperature=0.0, top_k=None, seed=1)
    top1 = lm_view.sample(checkpoint, "the ", 30, temperature=1.0, top_k=1, seed=2)
    assert cold.text == top1.text
    for step in a.steps:
        assert sum(p for _, p in step.candidates) <= 1 + 1e-6 and len(step.candidates) <= 8
        assert 0 < step.probability <= 1 and 0 < step.model_probability <= 1
    assert len(lm_view.sample(checkpoint, "", 5, seed=0).steps) >= 1  # an empty prompt starts from <sos>


@pytest.mark.parametrize(
    "kwargs",
    [{"steps": 0}, {"temperature": -1.0}, {"temperature": float("nan")}, {"top_k": 0}, {"top_k": 99}],
)
def test_bad_sampling_settings_are_input_errors(checkpoint, kwargs):
    with pytest.raises(InputError):
        lm_view.sample(checkpoint, "the", **({"steps": 5} | kwargs))


def test_page_opens_with_the_strip_and_sampling(visit):
    at = visit(lang="en")
    assert not at.error and not at.exception
    strip = next(tables["strip"] for _, tables in vega_charts(at) if "strip" in tables)
    text = at.text_input(key="_url.lm.input").value
    result = lm_view.token_probabilities(load_checkpoint(LM.path), text)
    assert strip.sort_values("index")["p"].tolist() == pytest.approx(result.probabilities)
    assert f"{result.perplexity.perplexity:.4f}" in [metric.value for metric in at.metric]
    assert "Drew" in texts(at)


def test_url_state_and_step_slider(visit):
    at = visit(lang="en", text="hello world", pos="3", prompt="a", temp="0", topk="5", n="20", seed="7")
    assert at.select_slider(key="_url.lm.position").value == 3
    assert at.slider(key="_url.lm.temperature").value == 0.0
    at.select_slider(key="_url.lm.sample_step").set_value(2).run()
    assert at.query_params["s"] == "2"


@pytest.mark.parametrize(("text", "message"), [("", "empty"), ("a" * 1500, "the limit is")])
def test_bad_text_gives_a_message(visit, text, message):
    at = visit(lang="en")
    at.text_input(key="_url.lm.input").set_value(text).run()
    assert not at.exception and at.error and message in at.error[0].value.lower()


def test_seq2seq_choice_falls_back_and_chinese(visit):
    at = visit(lang="zh", ckpt="reverse-lstm-bahdanau", text="你好😀")
    assert not at.exception
    assert at.title[0].value == "序列模型与语言模型"
    # a language model, silently: in Chinese, the one trained on Chinese
    assert at.selectbox(key="_model.checkpoint_widget").value == "charlm-zh-lstm"
    assert "按 <unk> 处理" in texts(at) and "'😀'" in texts(at)


def test_chinese_page_opens_on_the_chinese_model_with_chinese_text(visit):
    at = visit(lang="zh")
    assert not at.exception and not at.error
    assert at.selectbox(key="_model.checkpoint_widget").value == "charlm-zh-lstm"
    text = at.text_input(key="_url.lm.input").value
    assert re.search(r"[\u4e00-\u9fff]", text), text  # a held-out sentence of its Chinese corpus
    strip = next(tables["strip"] for _, tables in vega_charts(at) if "strip" in tables)
    shown = "".join(strip.sort_values("index")["token"].astype(str))
    assert re.search(r"[\u4e00-\u9fff]{4}", shown), shown  # the strip's cells are Chinese characters
    assert re.search(r"[\u4e00-\u9fff]", at.text_input(key="_url.lm.prompt").value)
    assert not at.info  # no hint to switch: it is the Chinese model
    perplexity = float(next(m.value for m in at.metric if m.label == "困惑度"))
    assert perplexity < 10  # it reads its own kind of text well


def test_the_english_model_on_a_chinese_page_offers_the_chinese_one(visit):
    at = visit(lang="zh", ckpt=LM.name)
    assert not at.exception
    assert at.selectbox(key="_model.checkpoint_widget").value == LM.name  # a chosen model stays chosen
    assert any("charlm-zh-lstm" in info.value for info in at.info)
    at.button(key="lm.zh_model").click().run()
    assert not at.exception
    assert at.selectbox(key="_model.checkpoint_widget").value == "charlm-zh-lstm"
    assert re.search(r"[\u4e00-\u9fff]", at.text_input(key="_url.lm.prompt").value)


def test_bptt_comparison_explains_a_truncated_run_that_comes_out_ahead(visit):
    """Both runs are reported; the note on why truncation can win shows exactly when it did win."""
    at = visit(bn="50", bk="4", lang="en")
    at.button(key="lm.bptt_button").click().run()
    assert not at.exception, at.exception
    results = {}
    for caption in at.caption:
        match = re.match(r"(full BPTT|truncated, k = 4): validation perplexity ([\d.]+)", caption.value)
        if match:
            results[match.group(1)] = float(match.group(2))
    assert set(results) == {"full BPTT", "truncated, k = 4"}, [c.value for c in at.caption]
    ahead = results["truncated, k = 4"] < results["full BPTT"]
    assert ("came out ahead here" in texts(at)) == ahead


# ------------------------------------------------------------------------------------------ connectivity

LANGUAGE_MODELS = [info.name for info in list_checkpoints() if info.kind == "language_model"]
PANEL_TITLES = {"en": ("Full BPTT", "Truncated BPTT, k = {k}"), "zh": ("完整 BPTT", "截断 BPTT，k = {k}")}


def connectivity_drawn(at, lang: str, k: int):
    """The connectivity chart's two panels (full, truncated) as drawn."""
    full, cut = PANEL_TITLES[lang]
    for spec, tables in vega_charts(at):
        drawn = heatmaps(spec, tables) if "concat" in spec else {}
        if full in drawn:
            return drawn[full], drawn[cut.format(k=k)]
    raise AssertionError("no connectivity chart on the page")


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", LANGUAGE_MODELS)
def test_connectivity_draws_the_cores_numbers(visit, name, lang):
    at = visit(lang=lang, ckpt=name, ck="5", conn="1")
    assert not at.exception and not at.error
    assert at.slider(key="_url.lm.connectivity_k").value == 5
    text = at.text_input(key="_url.lm.input").value
    path = next(info.path for info in list_checkpoints() if info.name == name)
    result = language_model_connectivity(load_checkpoint(path), text, 5)
    full, cut = connectivity_drawn(at, lang, 5)
    assert np.array_equal(full.values, np.array(result.matrix))
    assert np.array_equal(cut.values, np.array(result.truncated))
    assert full.row_labels == [token if token != " " else "␣" for token in result.outputs]
    steps = len(result.tokens)
    rules = [layer for layer in full.view["layer"] if layer["mark"]["type"] == "rule"]
    assert [rule["encoding"]["y"]["datum"] for rule in rules] == ([5] if steps > 5 else [])
    assert f"{result.cut_share():.1%}" in texts(at)
    assert ("k = 32." if lang == "en" else "k = 32）") in texts(at)  # the window it was trained with


def test_connectivity_is_computed_only_when_asked_for(visit):
    """The first view stays as quick as before: the section waits for its toggle (or ``?conn=1``)."""
    at = visit(lang="en")
    assert at.toggle(key="_url.lm.connectivity_show").value is False and "conn" not in at.query_params
    assert not at.get("slider") or all(s.key != "_url.lm.connectivity_k" for s in at.slider)
    at.toggle(key="_url.lm.connectivity_show").set_value(True).run()
    assert not at.exception and at.query_params["conn"] == "1"
    connectivity_drawn(at, "en", 32)


def test_connectivity_window_follows_the_slider_into_the_url(visit):
    at = visit(lang="en", conn="1")
    assert at.slider(key="_url.lm.connectivity_k").value == 32  # the shipped models' own training window
    at.slider(key="_url.lm.connectivity_k").set_value(3).run()
    assert not at.exception and at.query_params["ck"] == "3"
    connectivity_drawn(at, "en", 3)
    assert (
        visit(lang="en", ck="0", conn="1").slider(key="_url.lm.connectivity_k").value == 32
    )  # out of range: default


def test_connectivity_with_hostile_text(visit):
    at = visit(lang="en", ckpt=LM.name, text="a😀\u202eb\x00 <unk> c", ck="2", conn="1")
    assert not at.exception and not at.error
    full, _ = connectivity_drawn(at, "en", 2)
    assert "<unk>" in full.row_labels and np.isfinite(full.values).all()
    at.text_input(key="_url.lm.input").set_value("ab " * 40).run()  # 120 tokens: over the section's bound
    assert not at.exception
    assert [e.value for e in at.error] == [
        "Cannot continue: the text has 119 tokens; connectivity through time reads at most 100"
    ]
    assert "strip" in {
        name for _, tables in vega_charts(at) for name in tables
    }  # the rest of the page stands
