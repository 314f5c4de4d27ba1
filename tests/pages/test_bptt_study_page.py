"""The BPTT study on the Language-models page: both runs train on request and are drawn."""

from __future__ import annotations

import json

from seqviz.checkpoints.classroom import owner_root
from tests.support.apptest import open_page, texts


def test_the_language_model_page_trains_both_on_request(tmp_path, monkeypatch):
    monkeypatch.setenv("SEQVIZ_USER_CHECKPOINTS", str(tmp_path))
    at = open_page("pages/7_Language_models.py", lang="en", bk="4", bn="50")
    assert "Press Train both" in texts(at)
    at.button(key="lm.bptt_button").click().run()
    assert not at.exception and not at.error
    specs = {
        json.loads(c.proto.spec)["layout"]["title"]["text"]: json.loads(c.proto.spec)
        for c in at.get("plotly_chart")
    }
    reach = specs["How far back the gradient reaches: ‖∂L/∂h_t‖ over one window"]
    truncated = next(trace for trace in reach["data"] if trace["name"] == "truncated, k = 4")["y"]
    assert sum(value is not None for value in truncated) == 4
    assert "Training loss" in specs
    assert "validation perplexity" in texts(at)
    at.button(key="lm.bptt_use.truncated").click().run()  # the trained model, now on this page
    assert not at.exception and not at.error
    chosen = at.selectbox(key="_model.checkpoint_widget").value
    own = owner_root(at.session_state["ui.owner"])  # the session's own folder (seqviz.checkpoints.classroom)
    assert chosen.startswith("charlm-truncated-k4-") and (own / chosen / "config.json").is_file()
    assert at.query_params["ckpt"] == chosen
    assert "Perplexity = exp(mean NLL)" in texts(at)
