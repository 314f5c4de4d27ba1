"""The forecasting and language-model pages in headless Chromium: the charts drawn, Chinese
labels rendered. Screenshots: test-artifacts/forecast-zh.png, lm-zh.png, lm-bptt-zh.png."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import CHARTS, assert_no_exception, chart, legend_labels, wait_idle

pytestmark = pytest.mark.e2e


def test_forecasting_in_chinese(page: Page, app_url: str, artifacts_dir) -> None:
    page.set_viewport_size({"width": 1500, "height": 1800})
    page.goto(f"{app_url}/Forecasting?lang=zh&tau=4&k=16")
    wait_idle(page, "训练用时", timeout=120_000)
    page.wait_for_function(
        f"() => document.querySelectorAll(`{CHARTS}`).length >= 3"
        f" && document.querySelector(`{CHARTS}`).querySelectorAll('.role-axis-label text').length > 3",
        timeout=60_000,
    )
    mlp = chart(page, "马尔可夫 MLP")
    expect(mlp).to_be_visible()
    legend = " ".join(legend_labels(mlp))
    assert "单步预测" in legend and "16 步预测" in legend, legend
    expect(chart(page, "测试误差随预测步数 k 的变化")).to_be_visible()
    assert_no_exception(page)
    page.screenshot(path=artifacts_dir / "forecast-zh.png")


def test_language_model_strip_in_chinese(page: Page, app_url: str, artifacts_dir) -> None:
    page.set_viewport_size({"width": 1500, "height": 1800})
    # bn=50: the fewest updates the BPTT comparison takes, so training both stays short on a busy machine;
    # in Chinese the page opens on the Chinese character LM and one of its held-out sentences
    page.goto(f"{app_url}/Language_models?lang=zh&bn=50")
    wait_idle(page, "困惑度")
    strip = chart(page, "每个词元的 P(x_t | x_<t)")
    expect(strip).to_be_visible(timeout=60_000)
    page.wait_for_function(
        f"() => document.querySelectorAll('{CHARTS} g.textpoint text, {CHARTS} .hm text').length > 0"
        f" || document.querySelectorAll('{CHARTS} text').length > 20",
        timeout=60_000,
    )
    cells = " ".join(strip.locator("text").all_text_contents())
    assert "<unk>" not in cells and sum("\u4e00" <= ch <= "\u9fff" for ch in cells) >= 4, cells
    expect(chart(page, "第 ")).to_be_visible()  # a sampling step's distribution, titled in Chinese
    assert_no_exception(page)
    page.screenshot(path=artifacts_dir / "lm-zh.png")

    page.get_by_role("button", name="训练两个模型").click()
    reach = chart(page, "梯度能回传多远")
    expect(reach).to_be_visible(timeout=120_000)
    reach.scroll_into_view_if_needed()
    legend = " ".join(reach.locator("g.legend text").all_text_contents())
    assert "完整 BPTT" in legend and "截断" in legend, legend
    assert_no_exception(page)
    reach.screenshot(path=artifacts_dir / "lm-bptt-zh.png")
