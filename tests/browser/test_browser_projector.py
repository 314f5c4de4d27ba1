"""Every page in presentation mode on a projector's 1280×720 screen, in English and Chinese: the main view
(its chart, or the controls and content that drive the page) starts on the first screen, nothing of it
overflows sideways or is cut off, and the header row (title, folded introduction, language, exit) is there.

A chart taller than the screen (the Gates grid, the beam tree) cannot fit whole: the test asks that at least
``MIN_VISIBLE_PX`` of it show without scrolling, so the lecturer's first screen holds the picture and not
only its controls. Screenshots: test-artifacts/projector-<page>-<lang>.png (the first screen only).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from seqviz.ui import t
from tests.support.browser import CHARTS, assert_no_exception
from tests.support.page_checks import (
    APP_PAGES,
    CHART_DRAWN,
    CLIPPED_TEXT_JS,
    FIRST_RUN_TIMEOUT,
    MAIN,
    MAIN_CHART,
    MAIN_CHART_JS,
    AppPage,
    literal_parts,
)

pytestmark = pytest.mark.e2e

WIDTH, HEIGHT = 1280, 720
MIN_VISIBLE_PX = 180  # of a main chart, on the first screen

# The main chart's box: the chart element holding the titled view MAIN_CHART_JS finds.
CHART_BOX_JS = f"""
([selector, parts]) => {{
  const found = ({MAIN_CHART_JS})([selector, parts]);
  if (!found.found) return null;
  const chart = [...document.querySelectorAll(selector)].find(c => {{
    const svg = c.querySelector('svg.main-svg, svg.marks, canvas.marks');
    return svg && svg.getBoundingClientRect().width === found.width;
  }});
  const box = (chart || document.querySelector(selector)).getBoundingClientRect();
  return {{top: box.top, bottom: box.bottom}};
}}
"""

# The elements of each page's main view that must be wholly on the first screen: the first page card's link
# (home), the controls that drive the page, or the content of a page without a chart.
MAIN_CONTROLS: dict[str, tuple[Callable[[Locator, str], Locator], ...]] = {
    "home": (lambda main, lang: main.get_by_test_id("stPageLink").first,),
    "train": (  # the button that starts a run (it leads the settings in presentation mode), the live panel
        lambda main, lang: main.get_by_role("button", name=t("train.start", lang=lang)).first,
        lambda main, lang: main.get_by_text(t("train.none_yet", lang=lang)).first,
    ),
    "bleu": (lambda main, lang: main.get_by_text(t("bleu.matches_header", lang=lang), exact=True).first,),
    "decoding": (lambda main, lang: main.get_by_role("button", name=t("decoding.step", lang=lang)).first,),
    "lessons": (  # the way on, and the first step's heading
        lambda main, lang: main.get_by_role("button", name=t("lessons.next", lang=lang)).first,
        lambda main, lang: main.locator("h3").first,
    ),
}


def in_first_screen(page: Page, locator: Locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= HEIGHT


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("app_page", APP_PAGES, ids=lambda p: p.id)
def test_main_view_fits_a_projectors_first_screen(
    page: Page, app_url: str, artifacts_dir: Path, app_page: AppPage, lang: str
) -> None:
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    page.goto(f"{app_url}{app_page.path}?lang={lang}&present=1")
    main = page.locator(MAIN)
    try:
        expect(main.locator("h1").filter(has_text=t(app_page.title_key, lang=lang)).first).to_be_visible(
            timeout=FIRST_RUN_TIMEOUT
        )
        exit_button = main.get_by_role("button", name=t("present.exit", lang=lang))
        expect(exit_button).to_be_visible()
        assert in_first_screen(page, exit_button), "the exit button is not on the first screen"
        if app_page.id in MAIN_CHART:
            parts = literal_parts(t(MAIN_CHART[app_page.id], lang=lang))
            page.wait_for_function(CHART_DRAWN, arg=[CHARTS, parts], timeout=FIRST_RUN_TIMEOUT)
            page.wait_for_timeout(1000)  # the layout settles once every chart above has its height
            box = page.evaluate(CHART_BOX_JS, [CHARTS, parts])
            assert box is not None
            visible = min(box["bottom"], HEIGHT) - box["top"]
            assert visible >= min(MIN_VISIBLE_PX, box["bottom"] - box["top"]), (
                f"{app_page.id} ({lang}): the main chart starts at {box['top']:.0f} px of {HEIGHT}"
            )
        for control in MAIN_CONTROLS.get(app_page.id, ()):
            element = control(main, lang)
            expect(element).to_be_visible(timeout=FIRST_RUN_TIMEOUT)
            assert in_first_screen(page, element), f"{app_page.id} ({lang}): {element} is below the fold"
        assert_no_exception(page)
        clipped = page.evaluate(CLIPPED_TEXT_JS, MAIN)
        assert clipped == [], f"{app_page.id} ({lang}) on a projector cuts off: {clipped}"
        sideways = page.evaluate("() => document.documentElement.scrollWidth")
        assert sideways <= WIDTH, f"{app_page.id} ({lang}) is {sideways} px wide on a {WIDTH} px screen"
    finally:
        page.screenshot(path=artifacts_dir / f"projector-{app_page.id}-{lang}.png")
