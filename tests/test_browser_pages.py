"""Every page, in English and Chinese, opened fresh in headless Chromium: no exception box or error alert, its
main chart really drawn, and (in Chinese) its title rendered with real CJK glyphs, not tofu boxes.

The per-page browser tests check what each page shows; this one is the smoke test that no page is left out
and that the fonts on the machine can draw Chinese at all. Titles come from the label table, so a reworded
label does not break it. Screenshots: test-artifacts/pages-<page>-<lang>.png.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from seqviz.bench.app_server import running_app
from seqviz.ui import PAGES, t
from tests.test_browser import CHARTS, assert_no_exception

pytestmark = pytest.mark.e2e

FIRST_RUN_TIMEOUT = 120_000  # ms: a cold page on a slow machine (Forecasting trains two models on first open)
MAIN = '[data-testid="stMainBlockContainer"]'

# The label of each page's main chart: the figure title it is found by. BLEU draws no chart (tables and
# formulas), the Train page draws none until a run starts, and the home page is cards and a picker: those
# three are checked by their main content instead (see check_main_content).
MAIN_CHART = {
    "forecast": "forecast.mlp_title",
    "gates": "gate.hidden",  # every cell type has an h_t heatmap; which gates come before it depends on it
    "attention": "attention.heatmap_title",
    "decoding": "decoding.chart.attention",
    "beam": "beam.tree_title",
    "lm": "lm.strip_title",
    "embeddings": "embeddings.title",
}


@dataclass(frozen=True)
class AppPage:
    id: str
    path: str  # URL path: the file name without its leading number and .py
    title_key: str


APP_PAGES = (
    AppPage("home", "/", "home.title"),
    *(AppPage(p.key, "/" + Path(p.path).stem.split("_", 1)[1], p.title_key) for p in PAGES),
)

# Finds the first chart whose title holds ``parts`` in order (a plotly chart, or a Vega-Lite chart with a view
# of that title: a grid's panel titles count); reports its size and drawn marks. Plotly: the traces' paths
# with a non-empty box and heatmap images with data (plotly 6 puts the traces under .overplot, older
# versions under .plot; grid lines and axes live elsewhere and do not count). Vega-Lite: the marks' paths
# in SVG, or the canvas it draws on above 2,000 data points.
MAIN_CHART_JS = """
([selector, parts]) => {
  const titles = chart => chart.dataset.testid === 'stPlotlyChart'
    ? [...chart.querySelectorAll('.gtitle')] : [...chart.querySelectorAll('.role-title-text text')];
  const holds = text => {
    let at = 0;
    for (const part of parts) {
      const i = text.indexOf(part, at);
      if (i < 0) return false;
      at = i + part.length;
    }
    return true;
  };
  const all = [...document.querySelectorAll(selector)];
  const chart = all.find(c => titles(c).some(t => holds(t.textContent)));
  if (!chart) return {found: false, titles: all.map(c => titles(c).map(t => t.textContent).join(' | '))};
  const plotly = chart.dataset.testid === 'stPlotlyChart';
  const surface = chart.querySelector(plotly ? 'svg.main-svg' : 'svg.marks, canvas.marks');
  const box = surface ? surface.getBoundingClientRect() : {width: 0, height: 0};
  const drawn = m => {
    if (m.tagName.toLowerCase() === 'image') return (m.href.baseVal || '').startsWith('data:');
    try { const b = m.getBBox(); return b.width > 0 || b.height > 0; } catch (e) { return false; }
  };
  const traces = ['.overplot', '.plot'].map(g => `.cartesianlayer ${g} path, .cartesianlayer ${g} image`);
  const marks = plotly ? [...chart.querySelectorAll(traces.join(', '))].filter(drawn).length
    : surface && surface.tagName.toLowerCase() === 'canvas' ? 1
    : [...chart.querySelectorAll('.role-mark path')].filter(drawn).length;
  return {found: true, title: titles(chart).map(t => t.textContent).join(' | '), width: box.width,
          height: box.height, marks};
}
"""
CHART_DRAWN = (
    f"args => {{ const r = ({MAIN_CHART_JS})(args);"
    " return r.found && r.marks > 0 && r.width > 200 && r.height > 60; }"  # the LM strip: one line of text
)

# Draws 中, 文 and U+E000 (Private Use Area: no font has it, so it is always the .notdef box or nothing)
# with the element's own font. A font stack without CJK glyphs draws 中 and 文 as the same box, identical to
# U+E000's, so the pixels tell whether Chinese really renders.
GLYPHS_JS = """
async el => {
  await document.fonts.ready;
  const style = getComputedStyle(el);
  const font = `${style.fontStyle} ${style.fontWeight} 64px ${style.fontFamily}`;
  const draw = ch => {
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 96;
    const g = canvas.getContext('2d');
    g.font = font;
    g.fillStyle = '#000';
    g.textBaseline = 'top';
    g.fillText(ch, 8, 8);
    return Array.from(g.getImageData(0, 0, 96, 96).data.filter((_, i) => i % 4 === 3));
  };
  const zhong = draw('中'), wen = draw('文'), pua = draw('\\ue000');
  const same = (a, b) => a.every((v, i) => v === b[i]);
  return {font, ink: zhong.filter(v => v > 0).length,
          zhongIsWen: same(zhong, wen), zhongIsPua: same(zhong, pua)};
}
"""


def literal_parts(template: str) -> list[str]:
    """A label's fixed text around its ``{placeholders}``: "Search tree (k = {width}, {penalty})" ->
    ["Search tree (k = ", ", ", ")"]."""
    return [literal for literal, _, _, _ in string.Formatter().parse(template) if literal]


def wait_idle(page: Page, timeout: float = FIRST_RUN_TIMEOUT) -> None:
    """Streamlit's "Running..." indicator gone (the script run and its reruns are over)."""
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=timeout)


def check_main_chart(page: Page, label_key: str, lang: str) -> None:
    parts = literal_parts(t(label_key, lang=lang))
    try:
        page.wait_for_function(CHART_DRAWN, arg=[CHARTS, parts], timeout=FIRST_RUN_TIMEOUT)
    except PlaywrightError:
        state = page.evaluate(MAIN_CHART_JS, [CHARTS, parts])
        pytest.fail(f"main chart {parts} not drawn: {state}", pytrace=False)


def check_main_content(page: Page, page_id: str, lang: str) -> None:
    """The main chart, or for the three pages without one on first view, their main content."""
    main = page.locator(MAIN)
    if page_id in MAIN_CHART:
        check_main_chart(page, MAIN_CHART[page_id], lang)
    elif page_id == "home":
        # A card with a link for every page, and the model picker; the device line appears once the
        # background torch import is done (after it the page stops polling and goes idle).
        expect(main.get_by_text(literal_parts(t("device.auto", lang=lang))[0]).first).to_be_visible(
            timeout=FIRST_RUN_TIMEOUT
        )
        expect(main.get_by_test_id("stPageLink")).to_have_count(len(PAGES))
        expect(main.get_by_text(t("model.label", lang=lang), exact=True).first).to_be_visible()
        expect(main.get_by_test_id("stSelectbox").first).to_be_visible()
    elif page_id == "train":
        # A fresh session has no run yet, so no curve: the settings form's start button and the hint.
        # The live charts are checked in test_browser_train.py, which trains.
        expect(main.get_by_role("button", name=t("train.start", lang=lang))).to_be_enabled(
            timeout=FIRST_RUN_TIMEOUT
        )
        expect(main.get_by_text(t("train.none_yet", lang=lang))).to_be_visible()
    elif page_id == "bleu":
        # No chart: the n-gram matches, the counts table (a canvas grid) and the typeset formulas.
        expect(main.get_by_text(t("bleu.matches_header", lang=lang)).first).to_be_visible(
            timeout=FIRST_RUN_TIMEOUT
        )
        page.wait_for_function(
            f"() => document.querySelectorAll('{MAIN} .katex').length >= 3"
            f" && [...document.querySelectorAll('{MAIN} [data-testid=\"stDataFrame\"] canvas')]"
            ".some(c => c.width > 100 && c.height > 30)",
            timeout=FIRST_RUN_TIMEOUT,
        )
    else:
        pytest.fail(f"no main content check for page {page_id!r}: add it to MAIN_CHART or here")


# Text the main view cuts off: an element whose content is wider than its box while its box hides the rest
# (an ellipsis or a hidden overflow: "Exact match 96.…", "Open Sequence models: fo…"), and typeset
# formulas wider than their column (KaTeX scrolls them: the right end is out of sight). KaTeX's hidden
# accessibility copy (.katex-mathml) is not shown and does not count.
CLIPPED_TEXT_JS = """
(main) => {
  const root = document.querySelector(main);
  const clipped = [];
  for (const el of root.querySelectorAll('p, span, div, li, h1, h2, h3, h4, label, button')) {
    if (el.closest('.katex-mathml') || el.children.length > 3) continue;
    const style = getComputedStyle(el);
    const hides = style.overflowX === 'hidden' || style.textOverflow === 'ellipsis'
      || style.overflow === 'hidden';
    if (hides && el.scrollWidth > el.clientWidth + 2 && el.innerText.trim().length > 1) {
      clipped.push(el.innerText.trim().slice(0, 60));
    }
  }
  for (const el of root.querySelectorAll('[data-testid="stButtonGroup"] > div')) {  // pills
    if (el.scrollWidth > el.clientWidth + 2) clipped.push('pills scroll: ' + el.innerText.slice(0, 30));
  }
  for (const el of root.querySelectorAll('.katex-display, [data-testid="stMetricValue"]')) {
    if (el.scrollWidth > el.clientWidth + 2) clipped.push('formula or metric: ' + el.innerText.slice(0, 40));
  }
  return clipped;
}
"""


def check_nothing_clipped(page: Page, page_id: str, lang: str) -> None:
    """At 1400 px and at a projector's 1280 px, no text of the first view is cut off."""
    for width in (1400, 1280):
        page.set_viewport_size({"width": width, "height": 1500})
        page.wait_for_timeout(800)  # the layout reflows
        clipped = page.evaluate(CLIPPED_TEXT_JS, MAIN)
        assert clipped == [], f"{page_id} ({lang}) at {width} px cuts off: {clipped}"


def check_chinese_glyphs(page: Page, title_selector: str) -> None:
    glyphs = page.locator(title_selector).first.evaluate(GLYPHS_JS)
    assert glyphs["ink"] > 200, f"中 draws (almost) nothing with {glyphs['font']}: {glyphs}"
    assert not glyphs["zhongIsWen"], f"中 and 文 draw the same box: no CJK font for {glyphs['font']}"
    assert not glyphs["zhongIsPua"], f"中 draws as the missing-glyph box with {glyphs['font']}"


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("app_page", APP_PAGES, ids=lambda p: p.id)
def test_page_renders(page: Page, app_url: str, artifacts_dir: Path, app_page: AppPage, lang: str) -> None:
    page.goto(f"{app_url}{app_page.path}?lang={lang}")
    title = t(app_page.title_key, lang=lang)
    title_selector = f"{MAIN} h1"
    try:
        expect(page.locator(title_selector).filter(has_text=title).first).to_be_visible(
            timeout=FIRST_RUN_TIMEOUT
        )
        check_main_content(page, app_page.id, lang)
        wait_idle(page)
        assert_no_exception(page)
        errors = page.locator(f'{MAIN} [data-testid="stAlertContentError"]')
        assert errors.count() == 0, f"error alert on {app_page.path}: {errors.all_inner_texts()}"
        if lang == "zh":
            check_chinese_glyphs(page, title_selector)
        page.wait_for_timeout(1000)  # the other charts and grids finish drawing after their data arrives
        check_nothing_clipped(page, app_page.id, lang)
    finally:
        page.screenshot(path=artifacts_dir / f"pages-{app_page.id}-{lang}.png", full_page=True)


def sidebar_navigation(page: Page) -> list[str]:
    return page.get_by_test_id("stSidebarNav").get_by_test_id("stSidebarNavLink").all_inner_texts()


def test_a_bookmark_is_routed_on_a_fresh_server(page: Page, tmp_path: Path, artifacts_dir: Path) -> None:
    """The first visit to a server that has not run ``app.py`` yet, straight to a page's old URL: Streamlit
    would serve ``pages/`` in its legacy way (file names in English, "app" for home); the page hands the
    run to the router, so the sidebar lists the translated titles, and the view is the bookmarked one."""
    env = {"SEQVIZ_USER_CHECKPOINTS": str(tmp_path / "user"), "SEQVIZ_DEVICE": "cpu"}
    with running_app(tmp_path / "streamlit.log", env) as server:
        page.goto(f"{server.url}/Attention?lang=zh&tab=compare")
        try:
            title = t("page.attention.title", lang="zh")
            expect(page.locator(f"{MAIN} h1").filter(has_text=title).first).to_be_visible(
                timeout=FIRST_RUN_TIMEOUT
            )
            expect(page.get_by_test_id("stSidebarNavLink").first).to_be_visible()
            links = [" ".join(text.split()) for text in sidebar_navigation(page)]
            wanted = [t("nav.home", lang="zh"), *(t(p.title_key, lang="zh") for p in PAGES)]
            # a link's text is its icon's name, then its title
            assert len(links) == len(wanted) and all(map(str.endswith, links, wanted)), links
            assert page.url.split("?")[0].endswith("/Attention") and "tab=compare" in page.url
            assert_no_exception(page)
        finally:
            page.screenshot(path=artifacts_dir / "pages-fresh-server-bookmark.png")
