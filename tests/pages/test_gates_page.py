"""The LSTM & GRU page under AppTest: every shipped checkpoint and part, heatmaps equal to trace_recurrent,
the equations for LSTM and GRU, the gradient section, bad inputs, URL state, Chinese."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from streamlit.testing.v1 import AppTest

from seqviz.checkpoints.store import list_checkpoints, load_checkpoint
from seqviz.explain import gates
from seqviz.models.trace import trace_recurrent
from tests.support.apptest import open_tab, texts
from tests.support.vega_read import DrawnHeatmap, page_heatmaps

PAGE = "pages/1_Gates.py"
INFOS = {info.name: info for info in list_checkpoints()}
TEXT = "_url.gates.input"
TAB = "gates.tab"
TABS = ("heatmaps", "step", "gradients")


def charts(at: AppTest) -> dict[str, object]:
    """Every figure on the page by its title: plotly charts (their specs) and heatmap panels (read back)."""
    specs = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    found: dict[str, object] = {spec["layout"].get("title", {}).get("text", ""): spec for spec in specs}
    return found | page_heatmaps(at)


def heatmap_by_title(at: AppTest, title: str) -> DrawnHeatmap:
    found = page_heatmaps(at)
    assert title in found, list(found)
    return found[title]


PARTS = [(name, part) for name, info in INFOS.items() for part in gates.parts_of(load_checkpoint(info.path))]


@pytest.mark.parametrize(("name", "part"), PARTS)
def test_every_checkpoint_and_part_opens(visit, name, part):
    at = visit(ckpt=name, part=part, lang="en")
    assert at.selectbox(key="_model.checkpoint_widget").value == name
    assert at.text_input(key=TEXT).value  # opened on a held-out example
    assert not at.error, [e.value for e in at.error]
    expected = len(gates.quantities(gates.recurrent_module(load_checkpoint(INFOS[name].path), part).mode))
    titles, downloads = [], 0
    for tab in TABS:  # only the open tab runs: read each in turn
        open_tab(at, TAB, tab)
        assert not at.error, (tab, [e.value for e in at.error])
        titles += list(charts(at))
        downloads += len(at.get("download_button"))
    assert sum(title in titles for title in ("hidden state h_t", "input gate i_t", "reset gate r_t")) >= 2
    assert len(titles) >= expected + 1 + 3 + 2  # heatmaps, trajectory, fresh cells, two gradient charts
    assert downloads == 5
    if part == "decoder":
        assert "The decoder reads <sos>" in texts(at)
    if part == "lm":
        assert "The language model reads <sos>" in texts(at)


def test_the_forget_gate_heatmap_shows_exactly_the_trace_of_the_module(visit):
    name, text = "reverse-lstm-bahdanau", "abcdefg"
    at = visit(ckpt=name, text=text, sort="variance", units="16", lang="en")
    drawn = heatmap_by_title(at, "forget gate f_t")
    checkpoint = load_checkpoint(INFOS[name].path)
    encoder = checkpoint.model.encoder
    source = checkpoint.source_vocab.encode(list(text), add_eos=True)  # the characters, then <eos>
    with torch.no_grad():
        embedded = encoder.embedding(torch.tensor(source))
    replay = trace_recurrent(encoder.rnn, embedded[None]).layer(0)
    reference = replay.gates["forget"][0].numpy()  # [T, H]
    order = gates.unit_order(replay, "variance")[:16]
    np.testing.assert_array_equal(drawn.values, reference.T[order].astype(np.float64))
    assert drawn.row_labels[0] == f"u{order[0]}"
    assert drawn.column_labels == [*text, "<eos>"]


def test_lstm_equations_and_url_bound_step_and_unit(visit):
    at = visit(
        ckpt="reverse-lstm-bahdanau", text="abcdef", t="2", unit="7", sort="index", lang="en", tab="step"
    )
    assert at.select_slider(key="_url.gates.step").value == 2
    assert at.selectbox(key="_url.gates.unit").value == 7
    latex = [e.value for e in at.latex]
    assert len(latex) == 6 and r"\begin{aligned} f_t &= \sigma" in latex[1]
    assert "The equations at step 3 (token `c`), unit u7" in texts(at)
    assert "every equation holds to" in texts(at)
    at.select_slider(key="_url.gates.step").set_value(4).run()
    assert at.query_params["t"] == "4"
    at.selectbox(key="_url.gates.unit").set_value(11).run()
    assert at.query_params["unit"] == "11"
    assert "unit u11" in texts(at)


def test_gru_shows_pytorch_form_beside_the_course_form(visit):
    at = visit(ckpt="reverse-gru-luong-general", text="abcdef", lang="en", tab="step")
    latex = [e.value for e in at.latex]
    assert any(r"r_t \odot (W_{hn} h_{t-1} + b_{hn})" in value for value in latex)  # PyTorch's, with numbers
    assert any(r"r_t \odot h_{t-1}, x_t" in value for value in latex)  # the course's
    assert "The two GRUs differ" in texts(at)
    open_tab(at, TAB, "heatmaps")
    assert "reset gate r_t" in charts(at) and "cell state c_t" not in charts(at)


def test_sort_units_and_sizes_follow_the_url(visit):
    at = visit(ckpt="reverse-lstm-bahdanau", text="abcdef", sort="change", units="8", lang="en")
    assert at.radio(key="_url.gates.sort").value == "change"
    assert heatmap_by_title(at, "hidden state h_t").values.shape[0] == 8
    at.radio(key="_url.gates.sort").set_value("index").run()
    assert at.query_params["sort"] == "index"
    assert heatmap_by_title(at, "hidden state h_t").row_labels[:3] == ["u0", "u1", "u2"]


def test_bidirectional_encoder_offers_both_directions(visit):
    at = visit(ckpt="reverse-bilstm-bahdanau", text="abcdef", dir="1", lang="en")
    assert at.radio(key="_url.gates.direction").value == 1
    assert "bidirectional" in texts(at)
    at.radio(key="_url.gates.direction").set_value(0).run()
    assert at.query_params["dir"] == "0"


def test_gradient_section_length_and_truncation(visit):
    at = visit(ckpt="reverse-lstm-bahdanau", text="abcdef", len="80", k="5", lang="en", tab="gradients")
    assert at.slider(key="_url.gates.length").value == 80
    found = charts(at)
    full = found["Full BPTT: ‖∂L/∂h_t‖"]
    cut = found["Truncated BPTT (k = 5): ‖∂L/∂h_t‖"]
    assert len(full["data"]) == 4 and len(full["data"][0]["y"]) == 80
    rnn_full, rnn_cut = full["data"][0]["y"], cut["data"][0]["y"]
    assert all(value is None for value in rnn_cut[: 80 - 1 - 5])  # exact zeros, off the log scale
    np.testing.assert_allclose(rnn_cut[80 - 1 - 5 :], rnn_full[80 - 1 - 5 :], rtol=1e-9)
    assert rnn_full[0] < 1e-15 < full["data"][1]["y"][0]  # RNN vanished, LSTM did not
    assert len(at.dataframe) == 1
    at.slider(key="_url.gates.truncation").set_value(12).run()
    assert at.query_params["k"] == "12"


def test_language_model_has_one_part_and_no_part_choice(visit):
    name = next(name for name, info in INFOS.items() if info.kind == "language_model")
    at = visit(ckpt=name, lang="en")
    assert not [r for r in at.radio if r.key == "_url.gates.part"]
    assert "language model of" in texts(at)


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "empty"), ("   ", "empty"), ("a" * 1500, "the limit is")],
)
def test_bad_inputs_give_a_message_not_a_traceback(visit, text, message):
    at = visit(ckpt="reverse-lstm-bahdanau", lang="en")
    at.text_input(key=TEXT).set_value(text).run()
    assert not at.exception
    assert at.error and message in at.error[0].value.lower()


@pytest.mark.parametrize("text", ["ab😀中 c", "abc 日本語 мир", "\u202eabc"])
def test_emoji_unknown_and_mixed_scripts_are_read_as_unk(visit, text):
    at = visit(ckpt="reverse-lstm-bahdanau", lang="en")
    at.text_input(key=TEXT).set_value(text).run()
    assert not at.exception and not at.error
    assert "<unk>" in texts(at)
    assert charts(at)


@pytest.mark.parametrize(
    "query",
    [
        {"layer": "3"},
        {"dir": "1"},
        {"t": "999"},
        {"unit": "-1"},
        {"unit": "abc"},
        {"sort": "loudness"},
        {"units": "7"},
        {"len": "100000"},
        {"k": "0"},
        {"part": "lm"},
    ],
)
def test_unusable_url_values_fall_back(visit, query):
    at = visit(ckpt="reverse-lstm-bahdanau", text="abcdef", lang="en", **query)
    assert not at.error
    assert at.select_slider(key="_url.gates.step").value in range(7)
    assert at.selectbox(key="_url.gates.unit").value in range(128)


def test_changing_the_checkpoint_keeps_the_page_usable(visit):
    at = visit(ckpt="reverse-lstm-bahdanau", t="5", unit="100", lang="en")
    at.selectbox(key="_model.checkpoint_widget").set_value("dates-lstm-bahdanau").run()
    assert not at.exception and not at.error
    assert at.query_params["ckpt"] == "dates-lstm-bahdanau"
    assert charts(at)


def test_chinese_page(visit):
    at = visit(ckpt="reverse-gru-luong-general", lang="zh")
    assert at.title[0].value == "LSTM 与 GRU 的门"
    assert [tab.label for tab in at.tabs] == [
        "门与状态",
        "单步与单个单元",
        "RNN、LSTM 与 GRU：梯度流",
        "有含义的单元",
    ]
    assert "重置门 r_t" in charts(at)
    open_tab(at, TAB, "step")
    assert "两种 GRU 的重置门作用位置不同" in texts(at)
    assert not at.error


def test_only_the_open_tab_runs_and_the_url_keeps_it(visit):
    """Hidden tabs cost nothing (their charts are neither computed nor sent), and ``?tab=`` reopens a tab,
    in either language."""
    at = visit(ckpt="reverse-lstm-bahdanau", text="abcdef", lang="en")
    assert at.query_params["tab"] == "heatmaps"
    assert "forget gate f_t" in charts(at)
    assert not at.latex and "Full BPTT: ‖∂L/∂h_t‖" not in charts(at)  # the other tabs did not run
    open_tab(at, TAB, "gradients")
    assert at.query_params["tab"] == "gradients"
    assert "Full BPTT: ‖∂L/∂h_t‖" in charts(at) and "forget gate f_t" not in charts(at)
    linked = visit(ckpt="reverse-lstm-bahdanau", text="abcdef", lang="zh", tab="step")
    assert linked.latex and "遗忘门 f_t" not in charts(linked)
    assert visit(ckpt="reverse-lstm-bahdanau", lang="en", tab="nonsense").query_params["tab"] == "heatmaps"


def test_a_download_does_not_rerun_the_page(visit):
    """A click on a deferred download must not rerun the page: the rerun would replace the file's id and
    could drop it before the browser fetched it (a download that never arrives)."""
    at = visit(ckpt="reverse-lstm-bahdanau", lang="en")
    buttons = at.get("download_button")
    assert buttons
    for button in buttons:
        assert button.proto.ignore_rerun, button.proto.label
        assert button.proto.deferred_file_id or not button.proto.url  # built on click, not on every run


# ----------------------------------------------------------------------------- units that mean something


def test_units_tab_ranks_the_units_probes_them_and_ablates(visit):
    from seqviz.explain.units import ablate_units, units_report

    name = "reverse-lstm-bahdanau"
    at = visit(ckpt=name, part="decoder", tab="units", un="50", lang="en")
    assert not at.error, [e.value for e in at.error]
    report = units_report(load_checkpoint(INFOS[name].path), "decoder", 50)
    drawn = heatmap_by_title(at, "The 12 best-correlated units on the first example")
    np.testing.assert_array_equal(drawn.values, np.array(report.example_states))
    assert drawn.row_labels[0] == f"{report.ranking[0].unit.label} (r = {report.ranking[0].correlation:+.2f})"
    variable = heatmap_by_title(at, "letters to go")
    assert variable.values.tolist() == [list(report.example_values)]
    metrics = {m.label: m.value for m in at.get("metric")}
    assert metrics["Probe accuracy (held out)"] == f"{report.probe.accuracy:.1%}"
    assert metrics["R²"] == f"{report.probe.r2:.3f}"
    assert len(at.get("download_button")) == 2
    top = [entry.unit.label for entry in report.ranking[:3]]
    assert at.multiselect(key="_url.gates.units.ablate").value == top
    assert at.query_params["abl"] == ",".join(top)
    at.button(key="gates.units.run").click().run()
    assert not at.exception and not at.error
    ablation = ablate_units(load_checkpoint(INFOS[name].path), [e.unit for e in report.ranking[:3]], 0.0, 50)
    metrics = {m.label: m.value for m in at.get("metric")}
    assert metrics["Exact match before"] == f"{ablation.exact_match_before:.1%}"
    assert metrics["Exact match after"] == f"{ablation.exact_match_after:.1%}"
    assert metrics["Outputs changed"] == f"{ablation.changed} / 50"
    if ablation.changes:
        assert at.dataframe[0].value.iloc[0].tolist() == [
            ablation.changes[0].source, ablation.changes[0].reference, ablation.changes[0].before,
            ablation.changes[0].after,
        ]  # fmt: skip
        assert len(at.get("download_button")) == 3


@pytest.mark.parametrize("name", sorted(name for name, info in INFOS.items() if info.kind != "transformer"))
def test_units_tab_opens_for_every_shipped_checkpoint(visit, name):  # a Transformer's link opens an RNN
    at = visit(ckpt=name, tab="units", un="50", lang="en")
    assert not at.error, [e.value for e in at.error]
    task = load_checkpoint(INFOS[name].path).task.name
    if task in ("reverse", "dates"):
        assert any(title.startswith("The 12 best-correlated units") for title in page_heatmaps(at))
        assert "Ablation clamps decoder units" in texts(at)  # the page opens on the encoder
    else:
        assert "has no known latent variable" in texts(at)


def test_units_tab_ranks_by_the_chosen_date_field_and_in_chinese(visit):
    at = visit(ckpt="dates-lstm-bahdanau", part="decoder", tab="units", un="50", ucls="month", lang="zh")
    assert not at.error, [e.value for e in at.error]
    assert at.radio(key="_url.gates.units.class").value == "month"
    assert "有些任务里有一个模型" in texts(at) and "字段" in page_heatmaps(at)
    assert any(m.label == "探针准确率（留出集）" for m in at.get("metric"))


@pytest.mark.parametrize(
    "query", [{"un": "7"}, {"ucls": "nonsense"}, {"abl": "zz,h1"}, {"clamp": "1e9"}, {"clamp": "nan"}]
)
def test_units_tab_ignores_unusable_url_values(visit, query):
    at = visit(ckpt="reverse-lstm-bahdanau", part="decoder", tab="units", lang="en", **query)
    assert not at.error, [e.value for e in at.error]
    assert at.select_slider(key="_url.gates.units.examples").value == 100
    assert at.number_input(key="_url.gates.units.clamp").value == 0.0
    assert len(at.multiselect(key="_url.gates.units.ablate").value) == 3
