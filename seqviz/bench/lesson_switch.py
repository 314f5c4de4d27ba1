"""The ``lesson_step_switch_browser`` row: how long a hall waits between the lecturer's key press and the
next step's chart, in headless Chromium against the real app.

A lesson is opened at its first step on a projector's screen (1280×720, presentation mode). The lecturer's
→ goes to the page (Playwright's keyboard, as a clicker's key would); the time runs in the browser from just
before the key press (``performance.now()``) until the new step's view (its container's class names the
lesson and step: ``Lesson.step_key``) has its chart drawn and Streamlit's running
indicator is gone, both for ``SETTLE_MS`` (the time taken is when both first held).

The lesson is walked twice, each in a fresh browser session: the first pass is untimed (the server computes
and caches each step's view once, as a lecturer's rehearsal does); the second is timed. Steps whose view has
no chart on arrival (a question not yet answered, ``NO_CHART_ON_ARRIVAL``) are passed through but not
timed. The row's value is the median of the timed switches, held to ``<= 1`` s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from seqviz.lessons.schema import Lesson

from seqviz.bench.chromium import CHART, READY_JS, SETTLE_MS, median
from seqviz.lessons.schema import NO_CHART_ON_ARRIVAL

PROJECTOR = {"width": 1280, "height": 720}
SWITCH_TIMEOUT_S = 60.0
WARM_TIMEOUT_S = 240.0  # a step's first view on a cold server (a measured question, a trained model)


@dataclass(frozen=True)
class LessonSwitch:
    """Seconds from key press to drawn chart, per timed switch (``"lesson 3"`` -> s), and what went wrong."""

    lesson: str
    seconds: dict[str, float] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def median(self) -> float | None:
        return median(list(self.seconds.values())) if self.seconds else None


def timed_steps(lesson: Lesson) -> list[int]:
    """The steps (1-based, never the first) whose view shows a chart as soon as it is opened."""
    return [
        number
        for number, step in enumerate(lesson.steps, start=1)
        if number > 1 and step.question is None and step.view.name not in NO_CHART_ON_ARRIVAL
    ]


def bench_lesson(lessons: tuple[Lesson, ...]) -> Lesson | None:
    """The lesson with the most timed switches (the course's order breaks ties)."""
    ranked = sorted(lessons, key=lambda lesson: -len(timed_steps(lesson)))
    return ranked[0] if ranked and timed_steps(ranked[0]) else None


def measure_lesson_switch(url: str, browser: Browser, lesson: Lesson) -> LessonSwitch:
    """Walk ``lesson`` once untimed, then once timed; see the module's docstring."""
    from playwright.sync_api import Error as PlaywrightError

    result = LessonSwitch(lesson.id)
    for timed in (False, True):
        context = browser.new_context(viewport=PROJECTOR)
        try:
            page = context.new_page()
            _walk(page, url, lesson, result if timed else None)
        except PlaywrightError as error:
            result.problems.append(
                f"{'timed' if timed else 'warm-up'} pass: {str(error).strip().splitlines()[0]}"
            )
            return result
        finally:
            context.close()
    return result


def _walk(page: Page, url: str, lesson: Lesson, result: LessonSwitch | None) -> None:
    timeout_ms = (SWITCH_TIMEOUT_S if result is not None else WARM_TIMEOUT_S) * 1000
    page.goto(f"{url.rstrip('/')}/Lessons?lesson={lesson.id}&step=1&present=1", wait_until="commit")
    _wait_step(page, lesson.step_key(1), False, WARM_TIMEOUT_S * 1000)
    page.wait_for_function("() => window.__seqvizLessonKeys === true", timeout=timeout_ms)
    timed = set(timed_steps(lesson))
    for number in range(2, len(lesson.steps) + 1):
        page.evaluate(
            "() => document.activeElement && document.activeElement.blur()"
        )  # no widget keeps the keys
        page.evaluate("() => { window.__seqvizKeyAt = performance.now(); }")
        page.keyboard.press("ArrowRight")
        drawn_at = _wait_step(page, lesson.step_key(number), number in timed, timeout_ms)
        if result is not None and number in timed:
            key_at = float(page.evaluate("() => window.__seqvizKeyAt"))
            result.seconds[f"step {number}"] = (drawn_at - key_at) / 1000


def _wait_step(page: Page, key: str, need_chart: bool, timeout_ms: float) -> float:
    """Wait until step ``key``'s container is on screen (with its chart drawn, when ``need_chart``) and the
    run has finished; the time it first was, in ms since navigation start."""
    handle = page.wait_for_function(
        READY_JS, arg=step_drawn_arg(key, need_chart), polling="raf", timeout=timeout_ms
    )
    return float(handle.json_value())


def step_drawn_arg(key: str, need_chart: bool) -> list:
    """``READY_JS``'s argument for lesson step ``key`` (``Lesson.step_key``)."""
    return [f".st-key-{key}", CHART, None if need_chart else "", SETTLE_MS]
