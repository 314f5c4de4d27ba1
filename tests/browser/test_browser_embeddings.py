"""The Embeddings page in headless Chromium with Chinese tokens: the map is drawn with its labels.
Screenshot: test-artifacts/embeddings-zh.png."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import CJK, assert_no_exception, wait_idle

pytestmark = pytest.mark.e2e


def test_embedding_map_with_chinese_labels(page: Page, app_url: str, artifacts_dir) -> None:
    page.goto(f"{app_url}/Embeddings?lang=zh&ckpt=en-zh-lstm-bahdanau&side=target&token=%E7%8C%AB")
    wait_idle(page, "嵌入表")
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    expect(chart).to_be_visible(timeout=60_000)
    points = '[data-testid="stVegaLiteChart"] g.mark-text.role-mark text'  # each point's token, drawn as text
    page.wait_for_function(f"() => document.querySelectorAll(`{points}`).length > 20", timeout=60_000)
    labels = chart.locator("g.mark-text.role-mark text").all_text_contents()
    assert "猫" in labels and sum(bool(CJK.search(label)) for label in labels) > 20
    expect(page.get_by_text("与“猫”最相近的词元").first).to_be_visible()
    assert_no_exception(page)
    page.screenshot(path=artifacts_dir / "embeddings-zh.png", full_page=True)
