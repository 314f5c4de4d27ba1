"""The benchmark's light Streamlit client against the live app: a session opens a page and an interaction
runs the script to a successful end, as a browser tab's would; and the classroom measurement runs end to end
on a tiny plan, Chromium tabs included.

No timing is asserted: these check that the client speaks Streamlit's protocol and that the row's parts
fit together. The asyncio code runs in a thread of its own: Playwright's sync API, which other tests of
this session use, keeps an event loop in the main thread.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import parse_qs

import pytest

from seqviz.bench.light_client import PRESS, LightSession
from seqviz.bench.students import ATTENTION_INPUT, STEP, typed_input


def run(coroutine: Coroutine[Any, Any, Any]) -> Any:
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


def test_a_light_session_opens_the_attention_page_and_an_interaction_finishes(app_url: str) -> None:
    async def student() -> None:
        async with LightSession(app_url, "Attention", timeout_s=180) as session:
            first = await session.open()
            assert first.ok, first.failure
            assert session.session_id and session.page_script_hash  # new_session and navigation were read
            example = session.widget(ATTENTION_INPUT).value
            assert example and f"text={example}" in session.query_string  # the page's own input, in the URL
            text = typed_input(example, random.Random(0))
            typed = await session.rerun({ATTENTION_INPUT: text})
            assert typed.ok, typed.failure
            assert typed.messages > 0 and session.exceptions == []
            assert parse_qs(session.query_string)["text"] == [text]  # the app saw the new input
            again = await session.rerun()  # a plain rerun, with the cache of the run before
            assert again.ok, again.failure

        async with LightSession(app_url, "Decoding", timeout_s=180) as session:
            assert (await session.open()).ok
            stepped = await session.rerun({STEP: PRESS})
            assert stepped.ok, stepped.failure
            assert parse_qs(session.query_string)["step"] == ["1"]
            assert STEP not in session.values and session.widget_id(STEP) not in session.values  # one run

    run(student())


def test_an_unknown_page_fails_the_run_instead_of_hanging(app_url: str) -> None:
    async def student() -> str | None:
        async with LightSession(app_url, "No_such_page", timeout_s=60) as session:
            return (await session.open()).failure

    failure = run(student())
    assert failure is not None and "not found" in failure


@pytest.mark.e2e
def test_the_classroom_measurement_runs_end_to_end_on_a_tiny_plan() -> None:
    from seqviz.bench.classroom import ClassroomPlan, classroom_result_row, measure_classroom

    plan = ClassroomPlan(
        levels=(2,), window_s=3.0, arrival_s=0.5, settle_s=0.5, browsers=1, paired_rounds=1,
        calibration_window_s=3.0, refine=False, interval_s=1.0,
    )  # fmt: skip
    result = measure_classroom(plan)
    assert result.missing is None
    (level,) = result.levels
    assert level.sessions == 2 and level.latency.count > 0 and level.latency.failures == 0
    assert level.server_rss and result.idle_rss and result.cpu_per_interaction
    calibration = result.calibration
    assert calibration is not None and calibration.problems == ()
    assert calibration.paired.chromium.count == calibration.paired.light.count == 1
    assert calibration.paired.chromium.failures == calibration.paired.light.failures == 0
    assert calibration.chromium.count >= 1 and calibration.chromium.failures == 0
    row = classroom_result_row(result)
    assert row.name == "classroom_sessions" and row.unit == "sessions"
    assert "Chromium" in row.note and "per interaction" in row.note
