"""The lesson keyboard (seqviz.ui.lesson_keys) in headless Chromium, on its own small app
(tests/browser/apps/lesson_keys_app.py): arrows, PageDown / PageUp and ``p`` reach Python once per press,
keys typed into a text input or a slider stay there, and the component takes no room on the page.

Ignored keys are checked without sleeping: presses reach Python one at a time and in order, so after the
ignored ones a handled key is pressed and the page must show exactly the step *and the number of presses*
that the handled keys alone explain. Screenshot: test-artifacts/lesson-keys.png.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from seqviz.bench.app_server import running_app
from tests.support.browser import assert_no_exception

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "tests" / "browser" / "apps" / "lesson_keys_app.py"
LOG = ROOT / "test-artifacts" / "lesson-keys-server.log"
LOAD_MS = 60_000  # the first page load on a busy 2-core machine
RUN_MS = 30_000  # one rerun


@pytest.fixture(scope="module")
def lesson_app_url() -> Iterator[str]:
    """``streamlit run`` of the test app on a free port."""
    with running_app(LOG, script=APP) as server:
        yield server.url


def open_app(page: Page, url: str) -> None:
    """Load the app (a fresh session: step 0) and wait until the key listener is attached."""
    page.goto(url)
    expect_shown(page, "step 0", timeout=LOAD_MS)
    page.wait_for_function("window.__seqvizLessonKeys === true", timeout=LOAD_MS)
    # Records whether the last keydown's default action was prevented (window listeners run after the
    # component's listener on the document).
    page.evaluate(
        "window.addEventListener('keydown', e => { window.__lastKey = [e.key, e.defaultPrevented]; })"
    )


def expect_shown(page: Page, text: str, timeout: float = RUN_MS) -> None:
    expect(page.get_by_text(text, exact=True)).to_be_visible(timeout=timeout)


def expect_counts(page: Page, step: int, presses: int) -> None:
    expect_shown(page, f"step {step}")
    expect_shown(page, f"presses {presses}")


def last_key(page: Page) -> list:
    return page.evaluate("window.__lastKey")


def test_arrows_and_page_keys_move_the_step_once_per_press(page: Page, lesson_app_url: str) -> None:
    open_app(page, lesson_app_url)
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    expect_counts(page, 3, 3)
    page.keyboard.press("ArrowLeft")
    expect_counts(page, 2, 4)
    page.keyboard.press("PageDown")
    expect_counts(page, 3, 5)
    assert last_key(page) == ["PageDown", True]  # handled, so the page does not scroll as well
    page.keyboard.press("PageUp")
    expect_counts(page, 2, 6)
    assert page.evaluate("window.__seqvizLessonKeysState.mounts.size") == 1
    assert_no_exception(page)


def test_p_toggles_presentation_and_modifiers_are_ignored(page: Page, lesson_app_url: str) -> None:
    open_app(page, lesson_app_url)
    page.keyboard.press("p")
    expect_shown(page, "present on")
    page.keyboard.press("p")
    expect_shown(page, "present off")
    for chord in ("Control+ArrowRight", "Shift+P", "Alt+p", "Alt+PageDown"):
        page.keyboard.press(chord)
        assert last_key(page)[1] is False, chord  # not handled, so the browser's own meaning stays
    page.keyboard.press("ArrowRight")
    expect_counts(page, 1, 3)
    expect_shown(page, "present off")


def test_keys_typed_into_the_text_input_stay_there(page: Page, lesson_app_url: str) -> None:
    open_app(page, lesson_app_url)
    box = page.get_by_label("notes")
    box.click()
    page.keyboard.type("pq")
    for key in ("ArrowLeft", "ArrowLeft", "ArrowRight", "PageDown", "PageUp", "p"):
        page.keyboard.press(key)
        assert last_key(page) == [key, False]
    expect(box).to_have_value("ppq")  # the arrows moved the text cursor: the second p went after the first
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("ArrowRight")
    expect_counts(page, 1, 1)
    expect_shown(page, "present off")


def test_arrow_keys_on_the_slider_move_only_the_slider(page: Page, lesson_app_url: str) -> None:
    """Also: the slider's own reruns after a press do not report that press again (a trigger, not a state)."""
    open_app(page, lesson_app_url)
    page.keyboard.press("ArrowRight")
    expect_counts(page, 1, 1)
    thumb = page.get_by_role("slider")  # Streamlit 1.67: an <input type="range"> (react-aria)
    thumb.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowLeft")
    expect(thumb).to_have_value("6", timeout=RUN_MS)
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("ArrowLeft")
    expect_counts(page, 0, 2)
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=RUN_MS)
    expect_counts(page, 0, 2)
    expect(thumb).to_have_value("6")


def test_a_rapid_burst_is_reported_press_by_press(page: Page, lesson_app_url: str) -> None:
    """A clicker's double press (and a burst while a slow run is still going) is counted in full: the
    browser sends each press only when Python has acknowledged the previous one."""
    open_app(page, lesson_app_url + "/?slow=1")  # each run sleeps a second after the widgets
    for key in ("ArrowRight", "ArrowRight", "PageDown", "ArrowRight", "PageUp"):
        page.keyboard.press(key)  # a few milliseconds apart
    expect_counts(page, 3, 5)
    expect_shown(page, "end of page")
    assert_no_exception(page)


def test_the_component_takes_no_room(page: Page, lesson_app_url: str, artifacts_dir: Path) -> None:
    open_app(page, lesson_app_url)
    mount = page.locator('[data-testid="seqviz-lesson-keys"]')
    expect(mount).to_be_attached()
    container = page.locator('[data-testid="stElementContainer"]').filter(has=mount)
    expect(container).to_be_hidden()  # display: none, so no height and no flex gap either
    # The first visible element starts exactly where the main block's content starts.
    offset = page.evaluate(
        """() => {
            const block = document.querySelector('[data-testid="stMainBlockContainer"]');
            const top = block.getBoundingClientRect().top + parseFloat(getComputedStyle(block).paddingTop);
            const first = [...document.querySelectorAll('[data-testid="stElementContainer"]')]
                .find(e => e.getBoundingClientRect().height > 0);
            return first.getBoundingClientRect().top - top;
        }"""
    )
    assert abs(offset) < 1, offset
    page.screenshot(path=artifacts_dir / "lesson-keys.png")
