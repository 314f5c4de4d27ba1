"""The Beam search and BLEU pages in headless Chromium: the tree drawn with its tokens (Chinese included),
the coloured n-gram matches and the typeset formulas.
Screenshots: test-artifacts/beam-zh.png, beam-en.png, bleu-en.png, bleu-zh.png."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import CJK, assert_no_exception, chart, tick_labels, wait_idle

pytestmark = pytest.mark.e2e


def tree_tokens(page: Page, title: str) -> list[str]:
    """The node labels drawn in the tree chart (its text marks: the tokens and <sos>)."""
    figure = chart(page, title)
    expect(figure).to_be_visible(timeout=60_000)
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=\"stVegaLiteChart\"] g.mark-text text').length > 3",
        timeout=60_000,
    )
    return figure.locator("g.mark-text.role-mark text").all_text_contents()


def test_beam_tree_in_chinese(page: Page, app_url: str, artifacts_dir) -> None:
    page.set_viewport_size({"width": 1500, "height": 2200})
    page.goto(f"{app_url}/Beam_search?ckpt=en-zh-lstm-bahdanau&k=4&lang=zh")
    wait_idle(page, "搜索树")
    tokens = tree_tokens(page, "搜索树")
    assert "<eos>" in tokens and any(CJK.search(token) for token in tokens), tokens
    assert_no_exception(page)
    page.screenshot(path=artifacts_dir / "beam-zh.png")


def test_beam_step_slider_in_english(page: Page, app_url: str, artifacts_dir) -> None:
    page.set_viewport_size({"width": 1500, "height": 1800})
    page.goto(f"{app_url}/Beam_search?ckpt=reverse-lstm-bahdanau&text=abcdef&k=3&step=2&lang=en")
    wait_idle(page, "Search tree")
    tokens = tree_tokens(page, "Search tree")
    assert "<sos>" in tokens and "f" in tokens, tokens  # the reversed input starts with f
    steps = tick_labels(chart(page, "Search tree"), "x")
    assert steps == ["0", "1", "2"], steps  # the search shown up to step 2 only
    assert_no_exception(page)
    page.screenshot(path=artifacts_dir / "beam-en.png")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_bleu_matches_and_formulas(page: Page, app_url: str, artifacts_dir, lang: str) -> None:
    page.set_viewport_size({"width": 1500, "height": 2000})
    page.goto(f"{app_url}/BLEU?lang={lang}")
    wait_idle(page, "BLEU = ")
    expect(page.locator(".katex").first).to_be_visible(timeout=30_000)
    assert page.locator(".katex").count() >= 3
    main = page.get_by_test_id("stMainBlockContainer")
    expect(main.get_by_text("sacrebleu.sentence_bleu").first).to_be_visible()
    candidate = main.locator('[data-testid="stTextInput"] input').first
    expect(candidate).to_have_value("the cat the cat is on the mat", timeout=30_000)  # a busy CI machine
    expect(main.locator('[data-testid="stDataFrame"]').last).to_be_visible()
    page.wait_for_timeout(1500)  # widgets and the table grid finish drawing after their data arrives
    if lang == "zh":
        expect(main.get_by_text("匹配的 n 元组")).to_be_visible()
    assert_no_exception(page)
    page.screenshot(path=artifacts_dir / f"bleu-{lang}.png")
