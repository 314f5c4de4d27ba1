"""The Attention page in headless Chromium: the alignment heatmap is drawn with its tokens on both axes, in
English and with Chinese output tokens. Screenshots: test-artifacts/attention-en.png, attention-zh.png,
attention-scores.png."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import CHARTS, CJK, assert_no_exception, wait_idle
from tests.support.browser import tick_labels as axis_labels

pytestmark = pytest.mark.e2e


def tick_labels(page: Page, axis: str) -> list[str]:
    """The tick labels of the page's first chart's ``axis`` ("x" or "y"), as drawn in the SVG."""
    return axis_labels(page.locator(CHARTS).first, axis)


def open_attention(page: Page, app_url: str, query: str, idle_text: str) -> None:
    page.goto(f"{app_url}/Attention?{query}")
    wait_idle(page, idle_text)
    expect(page.locator(CHARTS).first).to_be_visible(timeout=60_000)
    page.wait_for_function(
        f"() => document.querySelector(`{CHARTS}`)?.querySelectorAll('.role-axis-label text').length > 3",
        timeout=60_000,
    )
    assert_no_exception(page)


def test_alignment_heatmap_in_english(page: Page, app_url: str, artifacts_dir) -> None:
    open_attention(page, app_url, "lang=en&ckpt=reverse-lstm-bahdanau&text=abcdefgh", "Attention weights")
    assert tick_labels(page, "x") == [*"abcdefgh", "<eos>"]
    assert tick_labels(page, "y") == [*"hgfedcba", "<eos>"]
    page.screenshot(path=artifacts_dir / "attention-en.png", full_page=True)
    page.get_by_role("tab", name="Where a weight comes from").click()
    expect(page.locator(".katex").first).to_be_visible(timeout=30_000)
    assert_no_exception(page)
    page.screenshot(path=artifacts_dir / "attention-scores.png", full_page=True)


def test_chinese_tokens_and_labels_render(page: Page, app_url: str, artifacts_dir) -> None:
    open_attention(page, app_url, "lang=zh&ckpt=en-zh-lstm-bahdanau&text=he+draws+a+book", "注意力权重")
    rows = tick_labels(page, "y")
    assert any(CJK.search(label) for label in rows), rows
    assert tick_labels(page, "x")[:4] == ["he", "draws", "a", "book"]
    expect(page.get_by_text("模型输出").first).to_be_visible()
    page.screenshot(path=artifacts_dir / "attention-zh.png", full_page=True)
