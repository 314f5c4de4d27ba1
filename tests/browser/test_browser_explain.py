"""The "why" views in headless Chromium, in English and Chinese: the Gates page's units that mean something
(the latent variable's row and the best-correlated units' rows, both drawn) and the Language-models page's
connectivity through time (full and truncated BPTT side by side). Each view's chart is found by its
translated title, proven drawn (axis labels in the SVG), and photographed.
Screenshots: test-artifacts/explain-units-<lang>.png, explain-connectivity-<lang>.png."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from seqviz.ui import t
from tests.support.browser import CJK, assert_no_exception, chart, tick_labels
from tests.support.page_checks import FIRST_RUN_TIMEOUT, literal_parts

pytestmark = pytest.mark.e2e

UNITS_SHOWN = 12  # the units tab draws the twelve best-correlated units


def drawn(page: Page, title: str):
    """The chart (a Vega view or a plotly figure) titled ``title``, once its axis labels are in the SVG."""
    figure = chart(page, title)
    expect(figure).to_be_visible(timeout=FIRST_RUN_TIMEOUT)
    figure.scroll_into_view_if_needed()
    axis_labels = figure.locator(".role-axis-label text, g.xtick text, g.ytick text")
    expect(axis_labels.first).to_be_attached(timeout=30_000)
    return figure


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_units_that_mean_something(page: Page, app_url: str, artifacts_dir, lang: str) -> None:
    page.set_viewport_size({"width": 1500, "height": 2600})
    page.goto(f"{app_url}/Gates?ckpt=reverse-lstm-bahdanau&part=decoder&tab=units&lang={lang}")
    try:
        expect(page.get_by_role("tab", name=t("gates.tab.units", lang=lang))).to_have_attribute(
            "aria-selected", "true", timeout=FIRST_RUN_TIMEOUT
        )
        units = drawn(page, t("gates.units.heatmap_title", lang=lang, count=UNITS_SHOWN))
        rows = tick_labels(units, "y")
        assert len(rows) == UNITS_SHOWN and all(label[:1] in "hc" for label in rows), rows
        assert tick_labels(units, "x")[0] == "<sos>"  # the decoder's steps, as it reads them
        if lang == "zh":
            assert CJK.search(" ".join(units.locator("text").all_text_contents()))
        assert_no_exception(page)
    finally:
        page.screenshot(path=artifacts_dir / f"explain-units-{lang}.png", full_page=True)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_connectivity_through_time(page: Page, app_url: str, artifacts_dir, lang: str) -> None:
    page.set_viewport_size({"width": 1500, "height": 3200})
    page.goto(f"{app_url}/Language_models?lang={lang}&ck=4&conn=1")
    try:
        full = drawn(page, t("lm.connectivity_full_title", lang=lang))
        truncated = drawn(page, t("lm.connectivity_truncated_title", lang=lang, k=4))
        for figure in (full, truncated):
            assert tick_labels(figure, "x") and tick_labels(figure, "y")  # tokens on both axes
            assert figure.locator(".role-mark path, .role-mark rect, path.mark-rect").count() > 0
        header = page.get_by_text(t("lm.connectivity_header", lang=lang), exact=True).first
        expect(header).to_be_visible()
        assert_no_exception(page)
    finally:
        page.screenshot(path=artifacts_dir / f"explain-connectivity-{lang}.png", full_page=True)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_attention_beside_attribution(page: Page, app_url: str, artifacts_dir, lang: str) -> None:
    page.set_viewport_size({"width": 1500, "height": 2600})
    page.goto(
        f"{app_url}/Attention?ckpt=reverse-lstm-bahdanau&text=abcdef&tab=attribution"
        f"&am=integrated-gradients&lang={lang}"
    )
    try:
        attribution = drawn(page, t("attention.method.integrated-gradients", lang=lang))
        attention = drawn(page, t("attention.heatmap_title", lang=lang))
        for figure in (attention, attribution):  # the same axes: source tokens across, outputs down
            assert tick_labels(figure, "x") == [*"abcdef", "<eos>"]
            assert tick_labels(figure, "y") == [*"fedcba", "<eos>"]
        assert_no_exception(page)
    finally:
        page.screenshot(path=artifacts_dir / f"explain-attribution-{lang}.png", full_page=True)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_why_this_token_not_that_one(page: Page, app_url: str, artifacts_dir, lang: str) -> None:
    page.set_viewport_size({"width": 1500, "height": 2600})
    page.goto(f"{app_url}/Decoding?ckpt=reverse-lstm-bahdanau&text=abcdef&step=3&lang={lang}")
    try:
        expect(page.get_by_text(t("decoding.why_header", lang=lang)).first).to_be_visible(
            timeout=FIRST_RUN_TIMEOUT
        )
        why = drawn(page, literal_parts(t("decoding.why_chart", lang=lang))[0])
        bars = set(tick_labels(why, "x")) | set(tick_labels(why, "y"))
        assert bars >= {*"abcdef"}, bars  # a bar per source token
        assert_no_exception(page)
    finally:
        page.screenshot(path=artifacts_dir / f"explain-why-{lang}.png", full_page=True)
