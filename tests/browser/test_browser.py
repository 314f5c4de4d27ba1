"""The home page in a real headless Chromium: it renders, switches to Chinese, and presentation mode works.

Screenshots go to test-artifacts/ (home-en.png, home-zh.png, present-zh.png) for a look by eye.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import assert_no_exception, wait_for_query, wait_idle

pytestmark = pytest.mark.e2e

TITLE_EN = "seqviz: watch sequence models think"
TITLE_ZH = "seqviz：看序列模型如何思考"


def test_home_in_english_then_chinese(page: Page, app_url: str, artifacts_dir) -> None:
    page.goto(app_url)
    wait_idle(page, TITLE_EN)
    expect(page.get_by_text("Models run on:")).to_be_visible(timeout=60_000)  # background torch import done
    wait_idle(page, TITLE_EN)
    assert_no_exception(page)
    main = page.get_by_test_id("stMainBlockContainer")
    beam_card = main.get_by_test_id("stPageLink").filter(has=page.locator('a[href*="Beam_search"]'))
    expect(beam_card.get_by_role("link", name="Open")).to_be_visible()  # every page exists: cards link
    assert main.get_by_text("Coming soon").count() == 0
    page.screenshot(path=artifacts_dir / "home-en.png")

    page.locator('[data-testid="stSidebar"]').get_by_text("简体中文").click()
    wait_idle(page, TITLE_ZH)
    expect(page.get_by_text("可以探索的内容")).to_be_visible()
    expect(page.get_by_text("模型运行在：")).to_be_visible()
    wait_for_query(page, "lang=zh")
    expect(page.get_by_text(TITLE_EN)).to_have_count(0)
    assert_no_exception(page)
    page.screenshot(path=artifacts_dir / "home-zh.png")


def test_presentation_mode_from_a_bookmarked_url(page: Page, app_url: str, artifacts_dir) -> None:
    page.goto(f"{app_url}/?lang=zh&present=1")
    wait_idle(page, TITLE_ZH)
    assert_no_exception(page)
    expect(page.locator('[data-testid="stSidebar"]')).to_be_hidden()
    exit_button = page.get_by_role("button", name="退出演示模式")
    expect(exit_button).to_be_visible()
    page.screenshot(path=artifacts_dir / "present-zh.png")

    exit_button.click()
    expect(exit_button).to_have_count(0)
    wait_for_query(page, "present=1", present=False)
    wait_for_query(page, "lang=zh")
    expect(page.get_by_text("可以探索的内容")).to_be_visible()
    assert_no_exception(page)
