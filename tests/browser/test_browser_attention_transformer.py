"""The Attention page on a Transformer in headless Chromium: the layer x head grid of cross-attention is drawn
(every panel's cells, tokens on the axes), in English and in Chinese with real CJK glyphs in the panel titles.
The attention selector and the mean over heads redraw it. Screenshots: test-artifacts/
attention-transformer-grid-en.png, attention-transformer-grid-zh.png, attention-transformer-decoder-en.png,
attention-transformer-mean-en.png."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import CJK, PANEL, VEGA, assert_no_exception, wait_for_query, wait_idle
from tests.support.browser import tick_labels as axis_labels
from tests.support.page_checks import GLYPHS_JS

pytestmark = pytest.mark.e2e

NAME = "reverse-transformer"
LAYERS, HEADS = 2, 4  # the shipped reverse-transformer's shape
GRID = f"{VEGA}:has({PANEL})"


def open_grid(page: Page, app_url: str, lang: str, first_panel: str) -> None:
    page.goto(f"{app_url}/Attention?lang={lang}&ckpt={NAME}&text=abcdef")
    wait_until_drawn(page, first_panel, LAYERS * HEADS)


def wait_until_drawn(page: Page, first_panel: str, panels: int) -> None:
    """Wait for the grid whose first panel is titled ``first_panel`` to draw ``panels`` panels, each with
    its cells (marks with a size, not only the frame)."""
    wait_idle(page, first_panel)
    grid = page.locator(GRID).first
    expect(grid).to_be_visible(timeout=60_000)
    page.wait_for_function(
        """([grid, panel, count]) => {
          const panels = document.querySelector(grid)?.querySelectorAll(panel) ?? [];
          const drawn = [...panels].filter(p => [...p.querySelectorAll('.role-mark path')]
            .some(m => { const b = m.getBBox(); return b.width > 0 && b.height > 0; }));
          return drawn.length === count;
        }""",
        arg=[GRID, PANEL, panels],
        timeout=60_000,
    )
    assert_no_exception(page)


def panel_titles(page: Page) -> list[str]:
    return page.locator(f"{GRID} {PANEL} .role-title-text text").all_text_contents()


def test_the_grid_of_heads_in_english(page: Page, app_url: str, artifacts_dir) -> None:
    open_grid(page, app_url, "en", "layer 1 · head 1")
    titles = panel_titles(page)
    assert titles == [f"layer {layer} · head {head}" for layer in (1, 2) for head in (1, 2, 3, 4)], titles
    first = page.locator(f"{GRID} {PANEL}").first
    assert axis_labels(first, "x") == [*"abcdef", "<eos>"]  # columns: the source tokens
    assert axis_labels(first, "y") == [*"fedcba", "<eos>"]  # rows: the output the model wrote
    page.screenshot(path=artifacts_dir / "attention-transformer-grid-en.png", full_page=True)
    # the decoder's masked self-attention: rows the output, columns what the decoder had read
    page.get_by_text("decoder masked self-attention", exact=True).click()
    wait_for_query(page, "heads=decoder")
    wait_until_drawn(page, "the mask hides the future", LAYERS * HEADS)
    first = page.locator(f"{GRID} {PANEL}").first
    assert axis_labels(first, "x") == ["<sos>", *"fedcba"]
    assert axis_labels(first, "y") == [*"fedcba", "<eos>"]
    page.screenshot(path=artifacts_dir / "attention-transformer-decoder-en.png", full_page=True)
    # each layer's mean over heads, on request
    page.get_by_text("Mean over heads").click()
    wait_for_query(page, "mean=1")
    wait_until_drawn(page, "Showing the mean over heads", LAYERS)
    assert panel_titles(page) == ["layer 1 · mean of 4 heads", "layer 2 · mean of 4 heads"]
    page.screenshot(path=artifacts_dir / "attention-transformer-mean-en.png", full_page=True)


def test_the_grid_of_heads_in_chinese_with_real_glyphs(page: Page, app_url: str, artifacts_dir) -> None:
    open_grid(page, app_url, "zh", "第 1 层 · 第 1 个头")
    titles = panel_titles(page)
    assert len(titles) == LAYERS * HEADS and all(CJK.search(title) for title in titles), titles
    glyphs = page.locator(f"{GRID} {PANEL} .role-title-text text").first.evaluate(GLYPHS_JS)
    assert glyphs["ink"] > 200 and not glyphs["zhongIsWen"] and not glyphs["zhongIsPua"], glyphs  # not boxes
    expect(page.get_by_text("模型输出").first).to_be_visible()
    page.screenshot(path=artifacts_dir / "attention-transformer-grid-zh.png", full_page=True)
