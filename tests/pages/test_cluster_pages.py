"""The Train page and the LM page's BPTT study with ``SEQVIZ_RAY_ADDRESS`` set: both train on a real local Ray
cluster (started here), the page's script runs return at once while the cluster works, and the page says
where the training ran."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.apptest import open_page, texts

pytest.importorskip("ray", reason="Ray is installed by `make test` (requirements-cluster.txt)")

ROOT = Path(__file__).resolve().parents[2]
WAIT_S = 240.0


@pytest.fixture
def on_cluster(ray_cluster_address, tmp_path, monkeypatch) -> Iterator[str]:
    """This test's server trains on the cluster: a fresh job manager and cluster-call table for it."""
    from seqviz.ui.cluster_calls import _calls
    from seqviz.ui.training import job_manager

    monkeypatch.setenv("SEQVIZ_RAY_ADDRESS", ray_cluster_address)
    monkeypatch.setenv("SEQVIZ_USER_CHECKPOINTS", str(tmp_path))
    job_manager.clear()
    _calls.clear()
    yield ray_cluster_address
    job_manager().shutdown(timeout=60)
    job_manager.clear()
    _calls.clear()


def rerun_until(at: AppTest, condition, what: str) -> None:
    """What the page's timed fragment does in a browser: run again until ``condition`` holds."""
    deadline = time.monotonic() + WAIT_S
    while True:
        at.run()
        assert not at.exception, at.exception
        if condition(at):
            return
        assert time.monotonic() < deadline, f"timed out waiting until {what}: {texts(at)}"
        time.sleep(0.5)


def test_the_train_page_trains_on_the_cluster_and_says_on_which_node(on_cluster):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("pages/6_Train.py").run()
    assert f"Training runs on the Ray cluster at {on_cluster}" in texts(at)
    at.select_slider(key="train.embedding").set_value(16)
    at.select_slider(key="train.hidden").set_value(32)
    at.number_input(key="train.steps").set_value(150)
    at.button(key="FormSubmitter:train.form-Start training").click().run()
    assert not at.exception, at.exception
    entry = at.session_state["train.runs"][0]
    assert entry.run.backend.address == on_cluster  # this run went to the cluster, not a child process
    rerun_until(at, lambda at: "Running on the cluster (node " in texts(at), "the page named the node")
    entry.job.thread.join(WAIT_S)
    at.run()
    assert not at.exception and "Done: all 150 updates finished." in texts(at), texts(at)
    at.text_input(key="train.save_name.1").set_value("from-the-cluster")
    at.button(key="train.save.1").click().run()
    assert not at.exception and not at.error


def test_the_bptt_study_trains_on_the_cluster_without_holding_the_page(on_cluster):
    at = open_page("pages/7_Language_models.py", lang="en", bk="4", bn="50")
    at.button(key="lm.bptt_button").click().run()
    assert not at.exception and not at.error
    assert "Training on the Ray cluster" in texts(at)  # the script run ended before the training did
    assert not at.get("plotly_chart") or len(at.get("plotly_chart")) < 2
    rerun_until(at, lambda at: "Trained on the cluster (node " in texts(at), "the study came back")
    titles = [chart.proto.spec for chart in at.get("plotly_chart")]
    assert any("How far back the gradient reaches" in title for title in titles)
    assert "validation perplexity" in texts(at)
    at.button(key="lm.bptt_use.truncated").click().run()  # the model trained there is usable here
    assert not at.exception and not at.error
    assert at.selectbox(key="_model.checkpoint_widget").value.startswith("charlm-truncated-k4-")
