"""The Beam search page under AppTest: every shipped seq2seq checkpoint, the tree equal to the search's own
nodes, sliders and penalty in the URL, forcing a node, the n-best table with BLEU, bad inputs, Chinese."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from seqviz.checkpoints.store import list_checkpoints, load_checkpoint
from seqviz.explain.beam import LengthPenalty, beam_search
from tests.support.apptest import texts
from tests.support.vega_read import title_of, vega_charts

PAGE = "pages/4_Beam_search.py"
INFOS = {info.name: info for info in list_checkpoints()}
SEQ2SEQ = [name for name, info in INFOS.items() if info.kind == "seq2seq"]
TEXT = "_url.beam.input"


def tree_spec(at: AppTest) -> tuple[dict, dict]:
    """The search tree chart's spec and tables."""
    return next((spec, tables) for spec, tables in vega_charts(at) if "nodes" in tables)


def drawn_nodes(chart: tuple[dict, dict]) -> dict[int, list]:
    """Node id -> [token, log P, cumulative, score, step, id] of every node marker drawn."""
    nodes = chart[1]["nodes"]
    columns = ["token", "log_p", "cumulative", "score", "step", "id"]
    return {int(row[5]): row for row in nodes[columns].values.tolist()}


@pytest.mark.parametrize("name", SEQ2SEQ)
def test_every_seq2seq_checkpoint_draws_its_search(visit, name):
    at = visit(ckpt=name, k="3", lp="none", lang="en")
    text = at.text_input(key=TEXT).value
    assert text and not at.error, [e.value for e in at.error]
    result = beam_search(
        load_checkpoint(INFOS[name].path), text, 3, max_len=at.slider(key="_url.beam.max_len").value
    )
    drawn = drawn_nodes(tree_spec(at))
    assert set(drawn) == {node.id for node in result.tree.nodes if node.parent_id is not None}
    for node in result.tree.nodes[1:]:
        token, log_p, cumulative, score, step, _ = drawn[node.id]
        assert (token, step) == (node.token, node.step)
        assert abs(log_p - node.log_prob) < 1e-9 and abs(cumulative - node.cumulative_log_prob) < 1e-9
        assert abs(score - node.score) < 1e-9
    assert f"`{result.best.output}`" in texts(at)
    tables = [d for d in at.dataframe if list(d.value.columns) != ["token"]]  # not the vocabulary list
    assert len(tables) == 1 and len(at.get("download_button")) == 2


def test_controls_live_in_the_url_and_the_step_slider_hides_later_nodes(visit):
    at = visit(ckpt="reverse-lstm-bahdanau", text="abcdef", k="5", lp="length", alpha="1.0", lang="en")
    assert at.slider(key="_url.beam.width").value == 5
    assert at.radio(key="_url.beam.penalty").value == "length"
    assert at.slider(key="_url.beam.alpha").value == 1.0
    everything = drawn_nodes(tree_spec(at))
    at.slider(key="_url.beam.step").set_value(2).run()
    assert at.query_params["step"] == "2"
    early = drawn_nodes(tree_spec(at))
    assert early and all(row[4] <= 2 for row in early.values()) and len(early) < len(everything)
    at.slider(key="_url.beam.width").set_value(2).run()
    assert at.query_params["k"] == "2"
    assert "score = log P / lp" in at.dataframe[0].value.columns


def test_the_step_slider_follows_a_new_search_unless_the_user_moved_it(visit):
    at = visit(ckpt="reverse-lstm-bahdanau", text="abcdefgh", k="3", max="3", lang="en")
    step = at.slider(key="_url.beam.step")
    assert step.value == step.max == 3  # the search stops at the maximum length
    at.slider(key="_url.beam.max_len").set_value(20).run()
    step = at.slider(key="_url.beam.step")
    assert step.max > 3 and step.value == step.max, (step.value, step.max)  # the whole new tree is shown
    at.slider(key="_url.beam.step").set_value(2).run()
    at.slider(key="_url.beam.width").set_value(5).run()
    assert at.slider(key="_url.beam.step").value == 2  # a step the user chose stays


def test_penalty_changes_scores_not_log_probs(visit):
    name, text = "reverse-lstm-bahdanau", "abcdefgh"
    at = visit(ckpt=name, text=text, k="4", lp="gnmt", alpha="1.0", lang="en")
    table = at.dataframe[0].value
    checkpoint = load_checkpoint(INFOS[name].path)
    result = beam_search(
        checkpoint,
        text,
        4,
        max_len=at.slider(key="_url.beam.max_len").value,
        penalty=LengthPenalty("gnmt", 1.0),
    )
    assert list(table["output"]) == [h.output for h in result.nbest]
    for row, hypothesis in zip(table.itertuples(index=False), result.nbest, strict=True):
        assert abs(row[3] - hypothesis.log_prob) < 1e-9  # raw log P
        assert abs(row[5] - hypothesis.log_prob / ((5 + len(hypothesis.tokens)) / 6)) < 1e-9
    assert "favours longer outputs" in texts(at)


def test_forcing_a_node_reruns_from_its_prefix_and_says_what_changed(visit):
    at = visit(ckpt="reverse-lstm-bahdanau", text="abcdef", k="3", lp="none", lang="en")
    node_id = at.selectbox(key="_beam.node").value  # a pruned node by default
    at.button(key="beam.force_button").click().run()
    assert not at.exception
    prefix = at.query_params["prefix"]
    assert prefix
    assert "Forced prefix:" in texts(at) and "Without the forced prefix the best output was" in texts(at)
    checkpoint = load_checkpoint(INFOS["reverse-lstm-bahdanau"].path)
    ids = [int(i) for i in prefix.split(".")]
    result = beam_search(
        checkpoint, "abcdef", 3, max_len=at.slider(key="_url.beam.max_len").value, prefix=ids
    )
    assert result.best.token_ids[: len(ids)] == ids
    assert f"`{result.best.output}`" in texts(at)
    assert node_id is not None
    at.button(key="beam.clear_button").click().run()
    assert at.query_params.get("prefix", "") == ""


def test_reference_adds_bleu_equal_to_sacrebleu(visit):
    import sacrebleu

    at = visit(ckpt="reverse-lstm-bahdanau", text="abcdef", k="3", lang="en")
    at.text_input(key="_url.beam.reference").set_value("fedcba").run()
    table = at.dataframe[0].value
    for output, bleu in zip(table["output"], table["BLEU"], strict=True):
        expected = sacrebleu.sentence_bleu(output, ["fedcba"], tokenize="char").score
        assert abs(bleu - expected) < 1e-6


@pytest.mark.parametrize(("text", "message"), [("", "empty"), ("a" * 1500, "the limit is")])
def test_bad_inputs_give_a_message(visit, text, message):
    at = visit(ckpt="reverse-lstm-bahdanau", lang="en")
    at.text_input(key=TEXT).set_value(text).run()
    assert not at.exception and at.error and message in at.error[0].value.lower()


@pytest.mark.parametrize(
    "query",
    [
        {"k": "0"},
        {"k": "x"},
        {"lp": "loud"},
        {"alpha": "9"},
        {"prefix": "1.x"},
        {"prefix": "999"},
        {"step": "99"},
    ],
)
def test_unusable_url_values_fall_back_or_explain(visit, query):
    at = visit(ckpt="reverse-lstm-bahdanau", text="abcdef", lang="en", **query)
    assert not at.exception


def test_emoji_is_read_as_unk_and_chinese_labels(visit):
    at = visit(ckpt="en-zh-lstm-bahdanau", text="he draws 😀", lang="zh")
    assert not at.exception and not at.error
    assert "<unk>" in texts(at)
    assert at.title[0].value == "束搜索"
    assert "搜索树" in title_of(tree_spec(at)[0])


def test_a_copied_name_is_a_node_of_the_tree(visit):
    at = visit(ckpt="en-fr-names-lstm-bahdanau-copy", text="Zorvak eats an apple", k="3", lang="en")
    assert "`Zorvak mange une pomme`" in texts(at)
    assert "Zorvak" in {values[0] for values in drawn_nodes(tree_spec(at)).values()}
