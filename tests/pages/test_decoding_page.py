"""The Decoding stepper page under AppTest: every shipped seq2seq checkpoint and the language model, Step /
Back / Reset / Run to the end, forcing a token, top-k, bad inputs, a URL that reopens the view, Chinese."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from seqviz.checkpoints.store import list_checkpoints, load_checkpoint
from seqviz.inference import greedy_translate
from tests.support.apptest import click, open_tab, texts
from tests.support.vega_read import page_titles

PAGE = "pages/3_Decoding.py"

TAB = "decoding.tab"


INFOS = {info.name: info for info in list_checkpoints()}
SEQ2SEQ = [name for name, info in INFOS.items() if info.kind == "seq2seq"]
LANGUAGE_MODELS = [name for name, info in INFOS.items() if info.kind == "language_model"]
TEXT = "_url.decoding.input"


def output_line(at: AppTest) -> str:
    """The markdown line of output tokens, right after the "Output so far" heading."""
    values = [e.value for e in at.markdown]
    return values[values.index("**Output so far**") + 1]


@pytest.mark.parametrize("name", SEQ2SEQ)
def test_every_seq2seq_checkpoint_steps_back_and_resets(visit, name):
    at = visit(ckpt=name, lang="en")
    assert at.selectbox(key="_model.checkpoint_widget").value == name
    text = at.text_input(key=TEXT).value
    assert text  # opened on a held-out example
    assert "press Step" in texts(at)
    for _ in range(3):
        click(at, "decoding.step_button")
    assert at.query_params["step"] == "3"
    expected = greedy_translate(load_checkpoint(INFOS[name].path), text).tokens
    assert output_line(at) == " ".join(f"`{token}`" for token in expected[:3])
    charts = len(at.get("plotly_chart")) + len(at.get("vega_lite_chart"))
    if "none" in name:
        assert "has no attention" in texts(at)
        assert charts == 3  # hidden state, top-k, why this token: the exposure tab runs when opened
    else:
        assert charts == 4  # attention, hidden state, top-k, why this token
    if "copy" in name:
        assert "p_gen =" in texts(at)
    click(at, "decoding.back_button")
    assert at.query_params["step"] == "2"
    assert output_line(at) == " ".join(f"`{token}`" for token in expected[:2])
    click(at, "decoding.reset_button")
    assert at.query_params["step"] == "0"
    assert "press Step" in texts(at)
    assert not at.get("error")


@pytest.mark.parametrize("name", LANGUAGE_MODELS)
def test_a_language_model_gets_a_message_and_a_way_out(visit, name):
    at = visit(ckpt=name, lang="en")
    assert "needs a sequence-to-sequence model" in texts(at)
    assert not at.get("error")
    click(at, "decoding.use.reverse-lstm-bahdanau")
    assert at.session_state["model.checkpoint"] == "reverse-lstm-bahdanau"
    assert at.query_params["ckpt"] == "reverse-lstm-bahdanau"
    assert "needs a sequence-to-sequence model" not in texts(at)
    assert at.button(key="decoding.step_button")


def test_force_a_token_then_run_to_the_end(visit):
    name = "reverse-lstm-bahdanau"
    ckpt = load_checkpoint(INFOS[name].path)
    at = visit(ckpt=name, text="abcdef", lang="en")
    click(at, "decoding.step_button")
    at.selectbox(key="_decoding.force_choice").set_value(ckpt.target_vocab.id_of("a")).run()
    click(at, "decoding.force_button")
    assert at.query_params["force"] == "2:a" and at.query_params["step"] == "2"
    assert "You forced this token" in texts(at)
    click(at, "decoding.run_button")
    from seqviz.explain.decoding import replay

    expected = replay(ckpt, "abcdef", {2: ckpt.target_vocab.id_of("a")}, 100)
    assert expected.finished
    assert at.query_params["step"] == str(expected.position)
    line = output_line(at)
    assert ":orange-background[`a`]" in line
    assert line.replace(":orange-background[", "").replace("]", "") == " ".join(
        f"`{token}`" for token in expected.output_tokens
    )
    assert f"{expected.log_prob:.4f}" in [m.value for m in at.metric]
    assert at.button(key="decoding.step_button").disabled
    click(at, "decoding.back_button")  # back past the end...
    click(at, "decoding.back_button")
    assert at.query_params["force"] == "2:a"
    for _ in range(expected.position - 3):  # down to step 1
        click(at, "decoding.back_button")
    assert at.query_params["step"] == "1" and at.query_params["force"] == ""  # ...and past the forced one


def test_top_k_slider_and_url(visit):
    at = visit(ckpt="reverse-lstm-bahdanau", text="abc", k="3", step="1")
    assert at.slider(key="_url.decoding.top_k").value == 3
    assert any("Top 3 candidates" in title for title in page_titles(at)), page_titles(at)
    at.slider(key="_url.decoding.top_k").set_value(8).run()
    assert not at.exception
    assert at.query_params["k"] == "8"
    assert any("Top 8 candidates" in title for title in page_titles(at))


def test_a_url_reopens_the_exact_view(visit):
    at = visit(ckpt="en-zh-lstm-bahdanau", text="he draws a book", step="4", force="2:你", k="4")
    assert at.text_input(key=TEXT).value == "he draws a book"
    line = output_line(at)
    assert line.split()[1] == ":orange-background[`你`]"
    assert len(line.split()) == 4
    assert at.slider(key="_url.decoding.top_k").value == 4
    open_tab(at, TAB, "exposure")
    assert at.query_params["tab"] == "exposure"
    assert at.text_input(key="_url.decoding.reference").value == "他画一本书"  # the example's reference


@pytest.mark.parametrize(
    "query",
    [
        {"step": "-3"},
        {"step": "many"},
        {"step": "9999"},
        {"force": "0:a"},
        {"force": "2:no-such-token"},
        {"force": "garbage"},
        {"k": "0"},
        {"k": "500"},
        {"ckpt": "no-such-model"},
    ],
)
def test_unusable_url_values_fall_back(visit, query):
    at = visit(**{"ckpt": "reverse-lstm-bahdanau", "text": "abc", "lang": "en", **query})
    assert not at.get("error")
    assert 0 <= int(at.query_params["step"]) <= 4
    assert 1 <= at.slider(key="_url.decoding.top_k").value <= 20
    if "force" in query:
        assert at.query_params["force"] == ""


def test_step_past_the_end_from_a_url_stops_at_eos(visit):
    at = visit(ckpt="reverse-lstm-bahdanau", text="abc", step="50")
    assert at.query_params["step"] == "4"  # c b a <eos>
    assert "The model wrote <eos>" in texts(at)


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
    at.text_input(key=TEXT).set_value(text).run()
    assert not at.exception
    assert any(message in e.value for e in at.error), [e.value for e in at.error]


@pytest.mark.parametrize("text", ["ab😀中 c", "xyz?!", "abc 日本語 мир"])
def test_emoji_unknown_and_mixed_scripts_are_read_as_unk(visit, text):
    at = visit(ckpt="reverse-lstm-bahdanau", lang="en")
    at.text_input(key=TEXT).set_value(text).run()
    assert not at.exception and not at.error
    assert "read as <unk>" in texts(at)
    click(at, "decoding.step_button")
    assert at.query_params["step"] == "1"


def test_changing_text_or_checkpoint_starts_over(visit):
    at = visit(ckpt="reverse-lstm-bahdanau", text="abcdef", step="3", force="2:a")
    at.text_input(key=TEXT).set_value("abc").run()
    assert at.query_params["step"] == "0" and at.query_params["force"] == ""
    click(at, "decoding.step_button")
    at.selectbox(key="_model.checkpoint_widget").set_value("dates-lstm-bahdanau").run()
    assert not at.exception
    assert at.query_params["step"] == "0"
    assert at.query_params["ckpt"] == "dates-lstm-bahdanau"
    assert "press Step" in texts(at)


def test_exposure_bias_section_with_an_edited_reference(visit):
    at = visit(ckpt="reverse-lstm-bahdanau", text="abcdef", lang="en", tab="exposure")
    assert at.text_input(key="_url.decoding.reference").value == ""  # not an example: no reference
    assert "Type a reference target" in texts(at)
    at.text_input(key="_url.decoding.reference").set_value("fedcba").run()
    assert "The free run writes exactly the reference" in texts(at)
    at.text_input(key="_url.decoding.reference").set_value("aedcba").run()
    assert at.query_params["ref"] == "aedcba"
    said = texts(at)
    assert (
        "The free run first leaves the reference at step 1: it writes `f` where the reference has `a`."
        in said
    )
    assert "differs" in said or "did not spread" in said  # what reading its own output did next
    assert "None" not in said
    assert len(at.dataframe) == 1
    at.text_input(key="_url.decoding.reference").set_value("   ").run()
    assert not at.exception


def test_chinese_page(visit):
    at = visit(ckpt="en-zh-lstm-bahdanau", lang="zh", step="2")
    assert at.title[0].value == "逐步解码"
    assert at.button(key="decoding.step_button").label == "下一步"
    assert "目前的输出" in texts(at)
    assert "`他` `画`" in texts(at)
    titles = page_titles(at)
    assert any("注意力" in title for title in titles), titles
    assert not at.get("error")


def test_a_copied_word_is_written_and_forced_by_name(visit):
    at = visit(ckpt="en-fr-names-lstm-bahdanau-copy", text="Zorvak eats an apple", step="2", lang="en")
    assert "Zorvak" in output_line(at).split()[0]
    at = visit(ckpt="en-fr-names-lstm-bahdanau-copy", text="il mange Zorvak", step="1", force="1:Zorvak")
    assert not at.error
    assert "Zorvak" in output_line(at)
    assert at.query_params["force"] == "1:Zorvak"


# ------------------------------------------------------------------------------ why this token, not that one


@pytest.mark.parametrize("name", SEQ2SEQ)
def test_why_this_token_not_that_one_on_every_seq2seq_checkpoint(visit, name):
    at = visit(ckpt=name, lang="en", step="2")
    assert not at.exception and not at.error
    assert "Why this token, not that one?" in texts(at)
    assert any("log P(" in title for title in (c.proto.spec for c in at.get("plotly_chart")))
    assert "Red bars push the model towards" in texts(at)
    assert "Why not (JSON)" in [button.label for button in at.get("download_button")]


def test_why_not_follows_the_url_in_chinese_with_integrated_gradients(visit):
    at = visit(
        ckpt="reverse-lstm-bahdanau", lang="zh", text="abcd", step="1", why="a", wm="integrated-gradients"
    )
    assert not at.exception and not at.error
    assert at.selectbox(key="_url.decoding.why_alternative").value == "a"
    assert at.selectbox(key="_url.decoding.why_method").value == "integrated-gradients"
    assert "积分梯度的完备性差距" in texts(at)


def test_why_not_waits_for_a_first_step(visit):
    at = visit(ckpt="reverse-lstm-bahdanau", lang="en", step="0")
    assert "Take a step first" in texts(at) and not at.exception


def test_the_why_not_download_is_the_contrast_the_chart_draws():
    """The JSON holds the core's numbers: the same scores, both log-probabilities and their margin."""
    import json

    from seqviz.checkpoints.store import list_checkpoints, load_checkpoint
    from seqviz.explain.attribution import contrast
    from seqviz.export.json_export import contrast_to_json, download_json

    info = next(info for info in list_checkpoints() if info.name == "reverse-lstm-bahdanau")
    result = contrast(load_checkpoint(info.path), "abcd", ["d"], "b", chosen="c", method="grad-input")
    payload = json.loads(download_json(contrast_to_json(result)))
    assert payload["scores"] == result.scores and payload["margin"] == result.margin
    assert (payload["chosen"], payload["alternative"]) == ("c", "b")
    assert payload["source_tokens"][-1] == "<eos>"
