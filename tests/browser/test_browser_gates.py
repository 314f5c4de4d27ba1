"""The LSTM & GRU page in headless Chromium: heatmaps drawn with the input's tokens on the time axis, the
equations typeset, the gradient charts on a log scale, and Chinese labels rendered.
Screenshots: test-artifacts/gates-en.png, gates-step-en.png, gates-gradients-zh.png."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import CHARTS, CJK, VEGA_VIEWS, assert_no_exception, chart, tick_labels, wait_idle

pytestmark = pytest.mark.e2e


def open_gates(page: Page, app_url: str, query: str, idle_text: str) -> None:
    page.set_viewport_size({"width": 1500, "height": 2400})  # the page scrolls inside Streamlit's container
    page.goto(f"{app_url}/Gates?{query}")
    wait_idle(page, idle_text)
    page.wait_for_function(  # every panel of the open tab drawn with its axes, not only the first few
        f"() => {{ const views = [...document.querySelectorAll('{VEGA_VIEWS}')];"
        " return views.length >= 4"
        " && views.every(v => v.querySelectorAll('.role-axis-label text').length > 0); }",
        timeout=60_000,
    )
    assert_no_exception(page)


def test_heatmaps_and_equations_in_english(page: Page, app_url: str, artifacts_dir) -> None:
    open_gates(page, app_url, "ckpt=reverse-lstm-bahdanau&text=abcdef&t=2&units=16&lang=en", "Order units by")
    for title in ("input gate i_t", "forget gate f_t", "cell state c_t", "hidden state h_t"):
        assert tick_labels(chart(page, title), "x") == [*"abcdef", "<eos>"], title
    units = tick_labels(chart(page, "forget gate f_t"), "y")
    assert len(units) == 16 and all(label.startswith("u") for label in units), units
    page.screenshot(path=artifacts_dir / "gates-en.png")

    page.get_by_role("tab", name="One step, one unit").click()
    expect(page.locator(".katex").first).to_be_visible(timeout=30_000)  # the equations, typeset
    expect(page.get_by_text("every equation holds to")).to_be_visible()
    assert page.locator(".katex").count() >= 6
    page.screenshot(path=artifacts_dir / "gates-step-en.png")
    assert_no_exception(page)


def test_gradient_flow_in_chinese(page: Page, app_url: str, artifacts_dir) -> None:
    open_gates(page, app_url, "ckpt=reverse-gru-luong-general&text=abcdef&len=80&k=10&lang=zh", "单元排序")
    expect(page.locator("h1").filter(has_text="LSTM 与 GRU 的门").first).to_be_visible()
    assert CJK.search(" ".join(page.locator(CHARTS).first.locator("text").all_text_contents()))
    page.get_by_role("tab", name="RNN、LSTM 与 GRU：梯度流").click()
    full = chart(page, "完整 BPTT")
    expect(full).to_be_visible(timeout=30_000)
    full.scroll_into_view_if_needed()
    legend = " ".join(full.locator("g.legend text").all_text_contents())
    assert "RNN（新建）" in legend and "本模型（GRU）" in legend, legend
    assert full.locator("g.ytick text").count() > 0  # the log axis is drawn
    assert_no_exception(page)
    page.screenshot(path=artifacts_dir / "gates-gradients-zh.png")


def test_a_download_is_built_on_click_and_equals_the_core_trace(page: Page, app_url: str, tmp_path) -> None:
    """Downloads are deferred (built only on a click, seqviz.ui.download): the file the browser saves is
    exactly ``gate_trace_to_json`` of the same checkpoint and input, as ``download_json`` writes it."""
    from seqviz.checkpoints.store import list_checkpoints, load_checkpoint
    from seqviz.explain import gates
    from seqviz.export.json_export import download_json, gate_trace_to_json

    open_gates(page, app_url, "ckpt=reverse-lstm-bahdanau&text=abcdef&lang=en", "Order units by")
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Trace (JSON)").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "trace-reverse-lstm-bahdanau-encoder.json"
    info = next(info for info in list_checkpoints() if info.name == "reverse-lstm-bahdanau")
    expected = download_json(
        gate_trace_to_json(gates.gate_view(load_checkpoint(info.path), "abcdef", "encoder"))
    )
    assert saved.read_text(encoding="utf-8") == expected
    assert_no_exception(page)
