"""The benchmark's browser rows, measured for real on one page: Chromium opens the live app and times it."""

from __future__ import annotations

import pytest

from seqviz.bench import browser_render
from seqviz.bench.browser_render import measure_pages
from seqviz.ui import PAGES


@pytest.mark.e2e
def test_browser_first_render_of_one_page(app_url, browser):
    beam = next(page for page in PAGES if page.key == "beam")
    loads = measure_pages(app_url, (beam,), repeats=1, browser=browser)
    assert loads.problems == []
    assert 0 < loads.cold["beam"] < browser_render.WARM_TIMEOUT_S
    assert 0 < loads.seconds["beam"] < browser_render.LOAD_TIMEOUT_S
