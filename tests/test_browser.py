"""The home page in a real headless Chromium: it renders, switches to Chinese, and presentation mode works.

Screenshots go to test-artifacts/ (home-en.png, home-zh.png, present-zh.png) for a look by eye.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

pytestmark = pytest.mark.e2e

TITLE_EN = "seqviz: watch sequence models think"
TITLE_ZH = "seqviz：看序列模型如何思考"
CJK = re.compile(r"[\u4e00-\u9fff]")
PLOTLY = '[data-testid="stPlotlyChart"]'
VEGA = '[data-testid="stVegaLiteChart"]'
CHARTS = f"{PLOTLY}, {VEGA}"
DRAWN = f"{PLOTLY} .main-svg, {VEGA} .marks"  # a chart's drawing surface, there once it is drawn
# A Vega-Lite chart's titled views: each panel of a grid (Vega names their groups concat_0_group, ...), or
# the whole chart when it is a single view (its root group, when that holds no panels). Other "scope"
# groups exist (one per coloured line), so panels are found by name.
PANEL = 'g.role-scope[class*="concat_"]'
VEGA_VIEWS = f"{VEGA} {PANEL}, {VEGA} g.root:not(:has({PANEL}))"


def chart(page: Page, title: str) -> Locator:
    """The plotly chart, or the Vega-Lite view (a heatmap, or one panel of a grid of them), whose SVG title
    contains ``title``."""
    plotly = page.locator(PLOTLY).filter(has=page.locator(".gtitle", has_text=title))
    vega = page.locator(VEGA_VIEWS).filter(has=page.locator(".role-title-text text", has_text=title))
    return plotly.or_(vega).first


def tick_labels(figure: Locator, axis: str) -> list[str]:
    """A chart's ``axis`` ("x" or "y") tick labels, as drawn in the SVG (inner_text is None for SVG).

    Vega-Lite draws SVG for small charts only (Streamlit switches to a canvas above 2,000 data points), so
    browser tests read small inputs."""
    vega = f"g.role-axis[aria-label^='{axis.upper()}-axis'] .role-axis-label text"
    return figure.locator(f"g.{axis}tick text, {vega}").all_text_contents()


def legend_labels(figure: Locator) -> list[str]:
    """A chart's legend entries as drawn (plotly's legend, or Vega's legend labels)."""
    return figure.locator("g.legend text, .role-legend-label text").all_text_contents()


def wait_idle(page: Page, text: str, timeout: float = 60_000) -> None:
    """Wait for a sentinel text, then for Streamlit's "Running..." indicator to go away."""
    expect(page.get_by_text(text).first).to_be_visible(timeout=timeout)
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=timeout)


def wait_for_query(page: Page, contains: str, present: bool = True, timeout: float = 10_000) -> None:
    """Wait until the address bar's query string does (or does not) contain ``contains``.

    Reads ``location.search`` in the page: Playwright's ``page.url`` can lag one ``history.replaceState``
    behind, which is how Streamlit writes ``st.query_params`` into the URL.
    """
    check = "location.search.includes(arg)" if present else "!location.search.includes(arg)"
    page.wait_for_function(f"arg => {check}", arg=contains, timeout=timeout)


def assert_no_exception(page: Page) -> None:
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


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
