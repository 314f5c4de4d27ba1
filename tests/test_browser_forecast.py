"""The forecasting page in headless Chromium: both prediction charts and the horizon chart drawn, Chinese
labels rendered. Screenshot: test-artifacts/forecast-zh.png."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.test_browser import assert_no_exception, wait_idle
from tests.test_browser_decoding import CHARTS, chart

pytestmark = pytest.mark.e2e


def test_forecasting_in_chinese(page: Page, app_url: str, artifacts_dir) -> None:
    page.set_viewport_size({"width": 1500, "height": 1800})
    page.goto(f"{app_url}/Forecasting?lang=zh&tau=4&k=16")
    wait_idle(page, "训练用时", timeout=120_000)
    page.wait_for_function(
        f"() => document.querySelectorAll('{CHARTS} g.xtick text').length > 10", timeout=60_000
    )
    mlp = chart(page, "马尔可夫 MLP")
    expect(mlp).to_be_visible()
    legend = " ".join(mlp.locator("g.legend text").all_text_contents())
    assert "单步预测" in legend and "16 步预测" in legend, legend
    expect(chart(page, "测试误差随预测步数 k 的变化")).to_be_visible()
    assert_no_exception(page)
    page.screenshot(path=artifacts_dir / "forecast-zh.png")
