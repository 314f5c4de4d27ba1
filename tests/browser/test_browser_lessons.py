"""A lesson driven from the keyboard alone in headless Chromium, as a lecturer drives it in a hall: → through
every step, ← back to the first, on a projector's 1280×720 in presentation mode, in 简体中文. Each step's
screenshot is kept (test-artifacts/lesson-<id>-<n>-zh.png) to be looked at; the test itself checks what a
look would: the step's title on screen, its chart drawn where it has one, no cut-off text, Chinese drawn with
a CJK font, no sideways scroll, and the URL naming the step.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from seqviz.bench.chromium import READY_JS
from seqviz.bench.lesson_switch import step_drawn_arg, timed_steps
from seqviz.lessons import load_lessons
from tests.support.browser import assert_no_exception, wait_for_query
from tests.support.page_checks import CLIPPED_TEXT_JS, GLYPHS_JS, MAIN

pytestmark = pytest.mark.e2e

WIDTH, HEIGHT = 1280, 720
STEP_MS = 120_000  # a step's first view on a busy 2-core machine (a measured question, a cold model)
LESSONS = load_lessons().lessons
# the keyboard lesson: the attention lesson (its views draw charts at once), else the first
DRIVEN = next((lesson for lesson in LESSONS if lesson.id == "attention"), LESSONS[0])


def _step_on_screen(page: Page, number: int) -> None:
    need_chart = number in timed_steps(DRIVEN) or (number == 1 and DRIVEN.steps[0].question is None)
    page.wait_for_function(READY_JS, arg=step_drawn_arg(DRIVEN.step_key(number), need_chart), timeout=STEP_MS)


def _looks_right(page: Page, number: int) -> None:
    step = DRIVEN.steps[number - 1]
    main = page.locator(MAIN)
    expect(main.locator("h3").filter(has_text=step.title.zh).first).to_be_visible()
    page.wait_for_function("n => new URLSearchParams(location.search).get('step') === n", arg=str(number))
    assert_no_exception(page)
    clipped = page.evaluate(CLIPPED_TEXT_JS, MAIN)
    assert clipped == [], f"step {number} cuts off: {clipped}"
    sideways = page.evaluate("() => document.documentElement.scrollWidth")
    assert sideways <= WIDTH, f"step {number} is {sideways} px wide on a {WIDTH} px screen"


def test_a_lesson_driven_by_the_keyboard_alone(page: Page, app_url: str, artifacts_dir: Path) -> None:
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    page.goto(f"{app_url}/Lessons?lesson={DRIVEN.id}&step=1&lang=zh&present=1")
    page.wait_for_function("() => window.__seqvizLessonKeys === true", timeout=STEP_MS)
    title = page.locator(f"{MAIN} h3").first
    glyphs = title.evaluate(GLYPHS_JS)
    assert glyphs["ink"] > 200 and not glyphs["zhongIsWen"] and not glyphs["zhongIsPua"], glyphs
    count = len(DRIVEN.steps)
    for number in range(1, count + 1):
        try:
            _step_on_screen(page, number)
            _looks_right(page, number)
        finally:
            page.screenshot(path=artifacts_dir / f"lesson-{DRIVEN.id}-{number}-zh.png")
        if number < count:
            page.evaluate("() => document.activeElement && document.activeElement.blur()")
            page.keyboard.press("ArrowRight")
    for number in range(count - 1, 0, -1):
        page.evaluate("() => document.activeElement && document.activeElement.blur()")
        page.keyboard.press("ArrowLeft")
        _step_on_screen(page, number)
        _looks_right(page, number)


def test_p_leaves_and_enters_presentation_mode(page: Page, app_url: str) -> None:
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    page.goto(f"{app_url}/Lessons?lesson={DRIVEN.id}&step=1&lang=zh&present=1")
    page.wait_for_function("() => window.__seqvizLessonKeys === true", timeout=STEP_MS)
    _step_on_screen(page, 1)
    page.keyboard.press("p")
    wait_for_query(page, "present=1", present=False)
    expect(page.get_by_test_id("stSidebar")).to_be_attached()
    page.keyboard.press("p")
    wait_for_query(page, "present=1")


def test_a_students_link_opens_the_same_step(page: Page, app_url: str) -> None:
    """A QR code on a slide holds only the lesson and the step: the step opens with its preset view."""
    number = min(2, len(DRIVEN.steps))
    page.goto(f"{app_url}/Lessons?lesson={DRIVEN.id}&step={number}&lang=zh")
    _step_on_screen(page, number)
    expect(
        page.locator(f"{MAIN} h3").filter(has_text=DRIVEN.steps[number - 1].title.zh).first
    ).to_be_visible()
    for key, value in DRIVEN.steps[number - 1].view.params.items():
        if key != "text":  # URL-encoded
            wait_for_query(page, f"v.{key}={value}")
