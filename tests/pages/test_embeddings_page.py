"""The Embeddings page under AppTest: every checkpoint draws, and the URL keeps side and token (with
fallbacks)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from seqviz.checkpoints.store import list_checkpoints, load_checkpoint
from seqviz.explain.embeddings import embedding_map
from tests.support.vega_read import schema_errors, vega_charts

SHIPPED = {info.name: info for info in list_checkpoints()}
APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_page_draws_every_checkpoint(name):
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/8_Embeddings.py")
    at.query_params.update({"ckpt": name, "lang": "zh"})
    at.run()
    assert not at.exception and not at.error
    ((spec, tables),) = vega_charts(at)
    assert len(tables["points"]) >= 10 and schema_errors(spec) == []  # num2words: 10 digits
    assert "词嵌入" in at.title[0].value


def test_page_url_state_and_fallbacks():
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/8_Embeddings.py")
    at.query_params.update({"ckpt": "en-zh-lstm-bahdanau", "side": "target", "token": "猫"})
    at.run()
    assert at.radio(key="_url.embeddings.side").value == "target"
    assert at.selectbox(key="_url.embeddings.token").value == "猫"
    target = embedding_map(load_checkpoint(SHIPPED["en-zh-lstm-bahdanau"].path), "target")
    kept = sum(target.explained)
    caption = next(c.value for c in at.caption if c.value.startswith("The map keeps"))
    assert f"{kept:.1%}" in caption and f"{1 - kept:.1%}" in caption  # how much of the geometry is lost
    at.radio(key="_url.embeddings.side").set_value("source").run()
    assert at.query_params["side"] == "source"
    assert at.selectbox(key="_url.embeddings.token").value != "猫"  # not a source token: back to the first
    stale = AppTest.from_file(APP, default_timeout=60)
    stale.switch_page("pages/8_Embeddings.py")
    stale.query_params.update({"ckpt": "charlm-lstm", "side": "target", "token": "no-such-token"})
    stale.run()
    assert not stale.exception and stale.radio(key="_url.embeddings.side").value == "tokens"
