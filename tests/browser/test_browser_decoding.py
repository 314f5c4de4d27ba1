"""The Decoding stepper page in headless Chromium: a step's attention bars carry the source tokens, the top-k
chart its candidates, Step advances the URL's ``step``, and Chinese candidates and the exposure-bias chart
render. Screenshots: test-artifacts/decoding-en.png, decoding-zh.png, decoding-exposure-zh.png."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import (
    CHARTS,
    CJK,
    assert_no_exception,
    chart,
    tick_labels,
    wait_for_query,
    wait_idle,
)

pytestmark = pytest.mark.e2e


def open_decoding(page: Page, app_url: str, query: str, idle_text: str) -> None:
    """Open the page and wait until the step charts (attention, hidden state, top-k) have tick labels."""
    page.goto(f"{app_url}/Decoding?{query}")
    wait_idle(page, idle_text)
    expect(page.locator(CHARTS).first).to_be_visible(timeout=60_000)
    page.wait_for_function(
        f"() => document.querySelectorAll('{CHARTS}').length >= 3"
        f" && [...document.querySelectorAll('{CHARTS}')].slice(0, 3)"
        ".every(c => c.querySelectorAll('g.xtick text, g.ytick text, .role-axis-label text').length > 0)",
        timeout=60_000,
    )
    assert_no_exception(page)


def test_step_view_and_step_button_in_english(page: Page, app_url: str, artifacts_dir) -> None:
    open_decoding(page, app_url, "ckpt=reverse-lstm-bahdanau&text=abcdef&step=2&lang=en", "Output so far")
    attention = chart(page, "Attention over the source at step 2")
    assert set("abcdef") <= set(tick_labels(attention, "x")), tick_labels(attention, "x")
    candidates = tick_labels(chart(page, "candidates for step 2"), "y")
    assert candidates and all(label.strip() for label in candidates), candidates
    expect(chart(page, "Decoder hidden state s_2")).to_be_visible()
    page.screenshot(path=artifacts_dir / "decoding-en.png", full_page=True)

    main = page.get_by_test_id("stMainBlockContainer")
    main.get_by_role("button", name="Step", exact=True).click()
    wait_for_query(page, "step=3", timeout=30_000)
    wait_idle(page, "Output so far")
    expect(chart(page, "Attention over the source at step 3")).to_be_visible(timeout=30_000)
    expect(main.get_by_text("Step 3 of at most").first).to_be_visible()
    assert_no_exception(page)


def test_chinese_candidates_render(page: Page, app_url: str, artifacts_dir) -> None:
    open_decoding(page, app_url, "ckpt=en-zh-lstm-bahdanau&step=3&lang=zh", "目前的输出")
    expect(page.locator("h1").filter(has_text="逐步解码").first).to_be_visible()
    candidates = tick_labels(chart(page, "候选"), "y")
    assert any(CJK.search(label) for label in candidates), candidates
    expect(chart(page, "注意力")).to_be_visible()
    expect(page.get_by_role("button", name="下一步")).to_be_visible()
    assert_no_exception(page)
    page.screenshot(path=artifacts_dir / "decoding-zh.png", full_page=True)

    # The held-out example comes with its reference, so the exposure-bias chart is drawn over its tokens.
    page.get_by_role("tab", name="教师强制与自由生成（暴露偏差）").click()
    wait_for_query(page, "tab=exposure", timeout=30_000)
    exposure = chart(page, "参考词元的 log P")
    expect(exposure).to_be_visible(timeout=30_000)
    exposure.scroll_into_view_if_needed()
    references = tick_labels(exposure, "x")
    assert references[-1:] == ["<eos>"] and any(CJK.search(label) for label in references), references
    exposure.screenshot(path=artifacts_dir / "decoding-exposure-zh.png")
