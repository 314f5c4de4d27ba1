"""Every page, in English and Chinese, opened fresh in headless Chromium: no exception box or error alert, its
main chart really drawn, and (in Chinese) its title rendered with real CJK glyphs, not tofu boxes.

The per-page browser tests check what each page shows; this one is the smoke test that no page is left out
and that the fonts on the machine can draw Chinese at all. Titles come from the label table, so a reworded
label does not break it. Screenshots: test-artifacts/pages-<page>-<lang>.png.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from seqviz.bench.app_server import running_app
from seqviz.ui import PAGES, t
from tests.support.browser import CHARTS, assert_no_exception
from tests.support.page_checks import (
    APP_PAGES,
    CHART_DRAWN,
    CLIPPED_TEXT_JS,
    FIRST_RUN_TIMEOUT,
    GLYPHS_JS,
    MAIN,
    MAIN_CHART,
    MAIN_CHART_JS,
    AppPage,
    literal_parts,
)

pytestmark = pytest.mark.e2e


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
    elif page_id == "lessons":
        # The first lesson's first step: its heading, the way on, and its view or question drawn.
        expect(main.locator('[class*="st-key-lesson-step-"]').first).to_be_visible(timeout=FIRST_RUN_TIMEOUT)
        expect(main.get_by_role("button", name=t("lessons.next", lang=lang))).to_be_enabled()
        expect(main.locator("h3").first).to_be_visible()
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
