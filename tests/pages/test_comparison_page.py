"""The RNN vs Transformer page under AppTest: the table filled from a shipped pair before anything trains, in
English and Chinese, a clear sentence when the pair is missing or wrong, and "Train both" running the pair
through the job queue to a table of its own.

The "shipped" pair is a folder of the tests' own (the shipped RNN and a Transformer trained for 20 updates),
so the page's numbers do not depend on which checkpoints the repository ships today.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from seqviz.checkpoints.store import load_checkpoint, save_checkpoint
from seqviz.data.tasks import get_task
from seqviz.models.shapes import parameter_count
from seqviz.training.race import TRANSFORMER, recipes
from seqviz.training.workflows import train_task
from seqviz.ui.i18n import t
from tests.pages.test_train_page import wait_until
from tests.support.apptest import texts

PAGE = "pages/10_RNN_vs_Transformer.py"
ROOT = Path(__file__).resolve().parents[2]
RNN_NAME, TRANSFORMER_NAME = "reverse-lstm-bahdanau", "reverse-transformer"


@pytest.fixture(scope="module")
def pair_folder(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("checkpoints")
    shutil.copytree(ROOT / "checkpoints" / RNN_NAME, root / RNN_NAME)
    recipe = recipes(16)[TRANSFORMER]
    config = recipe.train_config(120.0, steps=20, eval_every=10, eval_size=50)
    checkpoint, _, _ = train_task(get_task("reverse"), recipe.choice, config)
    save_checkpoint(checkpoint, root / TRANSFORMER_NAME)
    return root


@pytest.fixture
def shipped(pair_folder, tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("SEQVIZ_CHECKPOINTS", str(pair_folder))
    monkeypatch.setenv("SEQVIZ_USER_CHECKPOINTS", str(tmp_path / "user"))
    return pair_folder


def table(at, index: int = 0) -> dict[str, list[str]]:
    """A comparison table as {row label: [RNN cell, Transformer cell, ratio cell]}."""
    frame = at.dataframe[index].value
    return {str(row.iloc[0]): [str(cell) for cell in row.iloc[1:]] for _, row in frame.iterrows()}


def headers(at) -> list[str]:
    return [str(header.value) for header in at.subheader]


def test_the_shipped_pair_fills_the_table_before_anything_trains(visit, shipped):
    at = visit()
    assert not at.error, [e.value for e in at.error]
    rows = table(at)
    rnn = load_checkpoint(shipped / RNN_NAME)
    transformer = load_checkpoint(shipped / TRANSFORMER_NAME)
    assert rows["Parameters"][:2] == [
        f"{parameter_count(rnn.config):,}",
        f"{parameter_count(transformer.config):,}",
    ]
    assert rows["Training speed: target tokens/s"][0] == f"{rnn.training.tokens_per_s:,.0f}"
    assert rows["Training speed: target tokens/s"][1] == f"{transformer.training.tokens_per_s:,.0f}"
    assert rows["Training speed: seconds to 90% exact match"][0].startswith(f"≤ {rnn.training.seconds:.1f} s")
    assert rows["Training speed: seconds to 90% exact match"][1].startswith("not reached")  # 20 updates
    seen, beyond = (
        "Long range: exact match at 4–12 (in training)",
        next(label for label in rows if label.startswith("Long range: exact match at 13–")),
    )
    assert rows[seen][0].endswith("%") and rows[beyond][1].endswith("%")
    assert "d_model 16 · 2 layers × 4 heads" in rows["Model"][1]
    assert "attention heads" in rows["Interpretability: what to look at"][1]
    assert at.get("plotly_chart"), "the exact-match-by-length chart"
    assert f"Shipped models: {RNN_NAME} vs {TRANSFORMER_NAME}".replace("-", "\\-") in headers(at)
    assert "Same size" in texts(at)


def test_the_page_in_chinese(visit, shipped):
    at = visit(lang="zh")
    assert not at.error, [e.value for e in at.error]
    frame = at.dataframe[0].value
    assert list(frame.columns) == [
        t(f"comparison.col.{c}", lang="zh") for c in ("row", "rnn", "transformer", "ratio")
    ]
    labels = [str(label) for label in frame.iloc[:, 0]]
    assert t("comparison.row.parameters", lang="zh") in labels
    assert not any("Long range" in label or "Training speed" in label for label in labels)
    assert at.button(key="comparison.train_both").label == "同时训练两个"


def test_the_task_and_budget_come_from_the_url_and_a_bad_value_falls_back(visit, shipped):
    at = visit(task="copy", budget="30")
    assert at.selectbox(key="_url.comparison.task").value == "copy"
    assert at.select_slider(key="_url.comparison.budget").value == 30
    assert "No shipped Transformer for copy yet" in texts(at) and not at.dataframe
    at = visit(task="<b>nonsense</b>", budget="7")
    assert not at.error
    assert at.selectbox(key="_url.comparison.task").value == "reverse"
    assert at.select_slider(key="_url.comparison.budget").value == 60
    assert at.dataframe  # the reverse pair's table


def test_without_a_shipped_transformer_the_page_says_so(visit, tmp_path, monkeypatch):
    root = tmp_path / "checkpoints"
    shutil.copytree(ROOT / "checkpoints" / RNN_NAME, root / RNN_NAME)
    monkeypatch.setenv("SEQVIZ_CHECKPOINTS", str(root))
    at = visit()
    assert not at.error and not at.dataframe
    assert "No shipped Transformer for reverse yet" in texts(at)


def test_a_pair_that_is_not_an_rnn_and_a_transformer_is_one_clear_sentence(visit, tmp_path, monkeypatch):
    root = tmp_path / "checkpoints"
    shutil.copytree(ROOT / "checkpoints" / RNN_NAME, root / RNN_NAME)
    shutil.copytree(ROOT / "checkpoints" / RNN_NAME, root / TRANSFORMER_NAME)  # an RNN under the name
    monkeypatch.setenv("SEQVIZ_CHECKPOINTS", str(root))
    at = visit()
    assert not at.exception
    assert any("is not a Transformer" in str(e.value) for e in at.error), [e.value for e in at.error]


def test_train_both_runs_the_pair_through_the_queue_and_fills_a_table_from_the_runs(visit, shipped):
    at = visit()
    at.select_slider(key="_url.comparison.budget").set_value(10)
    at.button(key="comparison.train_both").click().run()
    assert not at.exception, at.exception
    runs = at.session_state["train.runs"]
    try:
        assert [entry.run.choice.arch for entry in runs] == ["rnn", "transformer"]
        assert all(entry.run.train_config.max_seconds == 10 for entry in runs)
        assert at.button(key="comparison.train_both").disabled  # one pair at a time
        assert "Training both, live" in headers(at)
        wait_until(lambda: not any(entry.job.active for entry in runs), timeout=600)
        at.run()
        assert not at.exception, at.exception
        assert not at.error, [e.value for e in at.error]
        header = "Your runs: Run #1: reverse · rnn · 10 s vs Run #2: reverse · transformer · 10 s"
        assert header in headers(at)
        ours = table(at, 0)  # the runs' table comes first, the shipped pair's after it
        assert len(at.dataframe) == 2
        speed = ours["Training speed: target tokens/s"]
        for entry, cell in zip(runs, speed[:2], strict=True):
            assert cell == f"{entry.run.checkpoint().training.tokens_per_s:,.0f}"  # as the record keeps it
        for cell in ours["Training speed: seconds to 90% exact match"][:2]:
            assert " s (update " in cell or cell.startswith("not reached")  # a run's evaluations: exact
        assert "d_model 64 · 2 layers × 4 heads" in ours["Model"][1]
        assert "hidden 64" in ours["Model"][0]
        assert len(at.get("vega_lite_chart")) == 2  # exact match and loss of both runs against seconds
        assert not at.button(key="comparison.train_both").disabled
    finally:
        for entry in runs:
            entry.run.stop()
            entry.job.thread.join(60)
