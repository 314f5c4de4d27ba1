"""The ``page_first_render_browser`` row: each page's first render as a user sees it, in headless Chromium.

``page_first_render`` times only the compute a page does; a user waits for more than that: the page's
HTML and JavaScript, Streamlit's websocket session, the script run, the figures sent to the browser and
drawn there. This row times all of it against the real app (``streamlit run app.py``, started by
``seqviz.bench.app_server.running_app``):

1. Warm-up: every page is opened once, untimed, so that the server has paid for what it pays once, not
   per visitor (imports, shipped checkpoints read into its caches, the forecasting page's cached models).
   These cold figures are kept for the note: a lecturer opening a page first after a restart waits them.
2. Each page is then loaded ``repeats`` times, each in a fresh browser context: a new Streamlit session
   with an empty browser cache, as a student opening the link. A load is timed in the browser, from
   navigation start (``performance.now()``) until the page's main content is drawn: its first chart
   (plotly or Vega-Lite) has its SVG or canvas, or, for pages whose first view has no chart, a sentinel
   (Train: the "Start training" button; BLEU: the corpus table's canvas; Lessons: the first step), and
   Streamlit's running indicator (``stStatusWidget``) is gone, both for ``SETTLE_MS`` so that a rerun
   cannot cut in (the time taken is when both first held).
3. The page's figure is the median of its loads; the row's value is the slowest page, held to ``<= 3`` s.

Playwright is a development requirement only, and a machine may have no Chromium: then, or when the server
does not start or a page never draws, the figure is missing (``None``) with the reason, never a crash.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from seqviz.bench.chromium import (
    CHART,
    READY_JS,
    SETTLE_MS,
    launched_chromium,
    median,
    unavailable,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser

    from seqviz.bench.lesson_switch import LessonSwitch
    from seqviz.ui.navigation import PageInfo

VIEWPORT = {"width": 1400, "height": 1000}
LOAD_TIMEOUT_S = 60.0  # a timed load slower than this is reported as missing
WARM_TIMEOUT_S = 180.0  # the first open trains the forecasting page's models on a cold server

# What "drawn" means for pages whose first view has no chart (selectors, so any language works).
SENTINELS = {
    "train": '[data-testid="stFormSubmitButton"] button',  # "Start training"
    "bleu": '[data-testid="stDataFrame"] canvas',  # the corpus table, the page's last and only graphic
    # the first lesson's first step (its view or its question: a question keeps the view back)
    "lessons": '[class*="st-key-lesson-step-"]',
}

MAIN_ROOT = '[data-testid="stMain"]'


@dataclass(frozen=True)
class PageLoads:
    """Seconds per page id (median of the timed loads) and of the untimed first open; ``None`` where a page
    did not draw in time. ``problems`` says what went wrong, page by page."""

    seconds: dict[str, float | None]
    cold: dict[str, float | None]
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class BrowserRender:
    """The browser row's measurement: page loads and the server's peak resident memory (bytes), or the
    reason nothing was measured."""

    loads: PageLoads | None
    server_peak_rss: int | None
    missing: str | None = None
    lesson_switch: LessonSwitch | None = None  # key press to next step's chart (seqviz.bench.lesson_switch)


def url_path(page: PageInfo) -> str:
    """The page's address under the app (``pages/4_Beam_search.py`` -> ``/Beam_search``)."""
    return "/" + page.url_path


def measure_pages(
    url: str,
    pages: tuple[PageInfo, ...] | None = None,
    repeats: int = 3,
    warm_up: bool = True,
    timeout_s: float = LOAD_TIMEOUT_S,
    browser: Browser | None = None,
) -> PageLoads:
    """Time each page's first render in fresh browser contexts against the app served at ``url``.

    Every page (default: every page of the app) is opened once untimed first (``warm_up``), then loaded
    ``repeats`` times; its figure is the median. ``browser`` is a Playwright browser to use (a test's);
    without one, Chromium is launched here. Raises what Playwright raises when Chromium cannot start."""
    from playwright.sync_api import Error as PlaywrightError

    if browser is None:
        with launched_chromium() as launched:
            return measure_pages(url, pages, repeats, warm_up, timeout_s, launched)
    if pages is None:
        from seqviz.ui.navigation import PAGES

        pages = PAGES
    problems: list[str] = []

    def load(page: PageInfo, timeout: float) -> float | None:
        try:
            return _timed_load(browser, url.rstrip("/") + url_path(page), page.key, timeout)
        except PlaywrightError as error:  # a timeout included: the page never drew
            problems.append(f"{page.key}: {str(error).strip().splitlines()[0]}")
            return None

    cold = {page.key: load(page, max(timeout_s, WARM_TIMEOUT_S)) for page in pages} if warm_up else {}
    seconds: dict[str, float | None] = {}
    for page in pages:
        times: list[float] = []
        while len(times) < repeats and (value := load(page, timeout_s)) is not None:
            times.append(value)  # a load that failed says enough: no waiting out the others
        seconds[page.key] = median(times) if times and len(times) == repeats else None
    return PageLoads(seconds, cold, problems)


def _timed_load(browser: Browser, address: str, key: str, timeout_s: float) -> float:
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.goto(address, wait_until="commit", timeout=timeout_s * 1000)
        drawn = page.wait_for_function(
            READY_JS,
            arg=[MAIN_ROOT, CHART, SENTINELS.get(key), SETTLE_MS],
            polling="raf",
            timeout=timeout_s * 1000,
        )
        return float(drawn.json_value()) / 1000
    finally:
        context.close()


def measure_browser_render(repeats: int = 3) -> BrowserRender:
    """Start the app on a free port (CPU, a throw-away user checkpoint folder), measure every page with
    ``measure_pages`` and a lesson's step switches (``seqviz.bench.lesson_switch``), and read the server's
    peak resident memory just before it stops."""
    reason = unavailable()
    if reason is not None:
        return BrowserRender(None, None, reason)
    from playwright.sync_api import Error as PlaywrightError

    from seqviz.bench.app_server import process_status, running_app

    with tempfile.TemporaryDirectory(prefix="seqviz-bench-") as folder:
        env = {"SEQVIZ_DEVICE": "cpu", "SEQVIZ_USER_CHECKPOINTS": str(Path(folder) / "checkpoints")}
        try:
            with running_app(Path(folder) / "streamlit.log", env) as server, launched_chromium() as browser:
                loads = measure_pages(server.url, repeats=repeats, browser=browser)
                switch = _lesson_switch(server.url, browser)
                peak = process_status(server.pid).get("peak_rss")
        except (RuntimeError, PlaywrightError) as error:  # the server or the browser did not start
            return BrowserRender(None, None, str(error).strip().splitlines()[0])
    return BrowserRender(loads, peak, lesson_switch=switch)


def _lesson_switch(url: str, browser: Browser) -> LessonSwitch | None:
    from seqviz.bench.lesson_switch import bench_lesson, measure_lesson_switch
    from seqviz.lessons import load_lessons

    lesson = bench_lesson(load_lessons().lessons)
    return None if lesson is None else measure_lesson_switch(url, browser, lesson)
