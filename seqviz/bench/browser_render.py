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
   (Train: the "Start training" button; BLEU: the corpus table's canvas), and Streamlit's running
   indicator (``stStatusWidget``) is gone, both for ``SETTLE_MS`` so that a rerun cannot cut in (the time
   taken is when both first held).
3. The page's figure is the median of its loads; the row's value is the slowest page, held to ``<= 3`` s.

Playwright is a development requirement only, and a machine may have no Chromium: then, or when the server
does not start or a page never draws, the figure is missing (``None``) with the reason, never a crash.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Browser

    from seqviz.ui.navigation import PageInfo

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)
VIEWPORT = {"width": 1400, "height": 1000}
SETTLE_MS = 300  # the main content must stay drawn and the script finished this long
LOAD_TIMEOUT_S = 60.0  # a timed load slower than this is reported as missing
WARM_TIMEOUT_S = 180.0  # the first open trains the forecasting page's models on a cold server

CHART = '[data-testid="stPlotlyChart"], [data-testid="stVegaLiteChart"]'
# What "drawn" means for pages whose first view has no chart (selectors, so any language works).
SENTINELS = {
    "train": '[data-testid="stFormSubmitButton"] button',  # "Start training"
    "bleu": '[data-testid="stDataFrame"] canvas',  # the corpus table, the page's last and only graphic
}

# Evaluated in the page on every animation frame: false until the page is drawn and idle for SETTLE_MS,
# then the performance.now() at which it first was (milliseconds since navigation start).
READY_JS = """([chart, sentinel, settle]) => {
  const main = document.querySelector('[data-testid="stMain"]') || document.body;
  const drawn = (element) => {
    if (!element) return false;
    const box = element.getBoundingClientRect();
    return box.width > 0 && box.height > 0;
  };
  let ready;
  if (sentinel) {
    ready = drawn(main.querySelector(sentinel));
  } else {
    const first = main.querySelector(chart);  // the page's main chart: the first in reading order
    ready = !!first && drawn(first.querySelector(
      first.dataset.testid === 'stPlotlyChart' ? 'svg.main-svg' : 'canvas, svg.marks'));
  }
  ready = ready && !document.querySelector('[data-testid="stStatusWidget"]');
  const now = performance.now();
  if (!ready) { window.__seqvizDrawnSince = undefined; return false; }
  if (window.__seqvizDrawnSince === undefined) window.__seqvizDrawnSince = now;
  return now - window.__seqvizDrawnSince >= settle ? window.__seqvizDrawnSince : false;
}"""


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


def chromium_path() -> str:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


def unavailable() -> str | None:
    """Why no browser can be driven here, or ``None`` when Playwright and Chromium are both present."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install -r requirements-dev.txt)"
    path = chromium_path()
    if not (Path(path).is_file() and os.access(path, os.X_OK)):
        return f"no Chromium at {path} (apt-get install chromium, or set CHROMIUM_PATH)"
    return None


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
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_path(), args=list(CHROMIUM_FLAGS))
            try:
                return measure_pages(url, pages, repeats, warm_up, timeout_s, browser)
            finally:
                browser.close()
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
        seconds[page.key] = _median(times) if times and len(times) == repeats else None
    return PageLoads(seconds, cold, problems)


def _timed_load(browser: Browser, address: str, key: str, timeout_s: float) -> float:
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.goto(address, wait_until="commit", timeout=timeout_s * 1000)
        drawn = page.wait_for_function(
            READY_JS, arg=[CHART, SENTINELS.get(key), SETTLE_MS], polling="raf", timeout=timeout_s * 1000
        )
        return float(drawn.json_value()) / 1000
    finally:
        context.close()


def measure_browser_render(repeats: int = 3) -> BrowserRender:
    """Start the app on a free port (CPU, a throw-away user checkpoint folder), measure every page with
    ``measure_pages``, and read the server's peak resident memory just before it stops."""
    reason = unavailable()
    if reason is not None:
        return BrowserRender(None, None, reason)
    from playwright.sync_api import Error as PlaywrightError

    from seqviz.bench.app_server import process_status, running_app

    with tempfile.TemporaryDirectory(prefix="seqviz-bench-") as folder:
        env = {"SEQVIZ_DEVICE": "cpu", "SEQVIZ_USER_CHECKPOINTS": str(Path(folder) / "checkpoints")}
        try:
            with running_app(Path(folder) / "streamlit.log", env) as server:
                loads = measure_pages(server.url, repeats=repeats)
                peak = process_status(server.pid).get("peak_rss")
        except (RuntimeError, PlaywrightError) as error:  # the server or the browser did not start
            return BrowserRender(None, None, str(error).strip().splitlines()[0])
    return BrowserRender(loads, peak)


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
