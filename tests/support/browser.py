"""What the browser tests share: finding a chart by its title, reading what it drew, waiting for a page to
settle, and the checks every page gets (no exception box)."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

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


def wait_for_free_server(page: Page, app_url: str) -> None:
    """Reload until the slot caption says no job runs or waits: a run left by an earlier test (whose tab
    closed) is stopped by the watchdog after the grace period, and a rerun shows the new count."""
    slots_free = re.compile(r"Server: 0 of \d+ training slots busy, 0 waiting\.")
    page.goto(f"{app_url}/Train")
    wait_idle(page, "Start training")
    for _ in range(45):
        if page.get_by_text(slots_free).count():
            break
        page.wait_for_timeout(1000)
        page.reload()
        wait_idle(page, "Start training")
    expect(page.get_by_text(slots_free).first).to_be_visible()
