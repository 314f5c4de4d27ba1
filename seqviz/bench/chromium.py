"""What the benchmark's browser rows share: the Chromium they drive (Debian's, through Playwright), the flags
it runs with, and the one in-page test of "drawn and idle" that both rows wait on.

Playwright is a development requirement only; ``unavailable`` says why no browser can be driven here.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Browser

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
SETTLE_MS = 300  # the main content must stay drawn and the script finished this long
CHART = '[data-testid="stPlotlyChart"], [data-testid="stVegaLiteChart"]'

# Evaluated in the page on every animation frame: false until the content under ``root`` is drawn and the
# page idle for ``settle`` ms, then the performance.now() at which it first was (ms since navigation start).
# Drawn: the first chart under ``root`` has its SVG or canvas; with a ``sentinel`` selector, that element has
# a size instead; with the sentinel "", ``root`` being there is enough.
READY_JS = """([root, chart, sentinel, settle]) => {
  const scope = document.querySelector(root);
  const drawn = (element) => {
    if (!element) return false;
    const box = element.getBoundingClientRect();
    return box.width > 0 && box.height > 0;
  };
  let ready;
  if (!scope) {
    ready = false;
  } else if (sentinel === '') {
    ready = true;
  } else if (sentinel) {
    ready = drawn(scope.querySelector(sentinel));
  } else {
    const first = scope.querySelector(chart);  // the main chart: the first in reading order
    ready = !!first && drawn(first.querySelector(
      first.dataset.testid === 'stPlotlyChart' ? 'svg.main-svg' : 'canvas, svg.marks'));
  }
  ready = ready && !document.querySelector('[data-testid="stStatusWidget"]');
  const now = performance.now();
  if (!ready) { window.__seqvizDrawnSince = undefined; return false; }
  if (window.__seqvizDrawnSince === undefined) window.__seqvizDrawnSince = now;
  return now - window.__seqvizDrawnSince >= settle ? window.__seqvizDrawnSince : false;
}"""


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


@contextmanager
def launched_chromium() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=list(CHROMIUM_FLAGS))
        try:
            yield browser
        finally:
            browser.close()


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
