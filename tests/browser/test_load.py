"""A lecture hall in miniature: eight browser sessions on one real server, each starting a training run.

The server is started for this module alone, with one training slot (``SEQVIZ_MAX_JOBS=1``, the default on
a 2-core machine), so that seven of the eight runs must wait. The test then checks what the issue promises
a lecturer:

- the queued sessions each see their own place in line (1 to 7, in the order they clicked);
- a returning student opening another page gets its chart within 5 s while one run trains and seven wait;
- every run ends cleanly: finished, stopped by its user, cancelled while waiting, or stopped because its tab
  was closed while it trained or waited — each page still open says which;
- the memory of the server and its training processes stays bounded while it all happens;
- once every tab is closed, no job is left, no training process outlives its session, and the server is
  back to its idle thread count.

The eight sessions run in a Chromium of their own that yields the CPU while the visitor is timed (see
``StudentsBrowser``): the test measures the server, not eight browsers sharing its two cores.
Screenshots: test-artifacts/load-queued.png (a session waiting its turn), load-visitor.png.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, BrowserType, Page, expect

from seqviz.bench.app_server import AppServer, process_status, process_tree, running_app, tree_rss
from tests.support.browser import DRAWN, assert_no_exception, wait_for_free_server, wait_idle

pytestmark = pytest.mark.e2e

SLOTS = 1  # the default on a 2-core machine: one core trains, one serves pages
SESSIONS = 8
LONG, SHORT = 100_000, 30  # updates: a run that must be stopped, and one that finishes on its own
VISITOR_SECONDS = 5.0  # another page renders within this while the server is loaded


def visitor_bound(idle_seconds: float) -> float:
    """5 s, or one and a half times what the same page takes with the server idle where that is more (a
    busy CI runner, where Chromium alone needs 4 s for the page): the test is about what the load adds, not
    the machine's speed. Measured on a 2-core machine since the students' browser yields through its
    autogroup: 3.3-4.2 s under load, 3.3 s idle (before: 6.4-8.2 s under load)."""
    return max(VISITOR_SECONDS, 1.5 * idle_seconds)


MEMORY_GROWTH_LIMIT = 1024 * 2**20  # bytes above the idle server: 8 sessions and 1 training process
TRAINING = re.compile(r"^step [1-9][\d,]* of")  # a running run's progress line (a queued one is at step 0)
HOLDS_SLOT = re.compile(r"^step [\d,]+ of")  # a run's progress line, from the moment it has its slot
QUEUED = re.compile(r"^Queued: number")
# The training process runs at nice 10 (``training_process.NICENESS``): by design it yields to the web server
# and to every other process at normal priority. On a 2-core machine with one core kept busy (the acceptance
# run) or a full suite beside it, its first update (importing torch, building the model) can take minutes of
# wall time; the first check therefore only asks that session 1 hold the slot, and its first update is
# awaited later, within this bound.
FIRST_UPDATE_MS = 240_000
THREAD_SLACK = 4  # Tornado/asyncio helpers may come and go; a leaked job or session thread each would add


@pytest.fixture(scope="module")
def loaded_server(tmp_path_factory: pytest.TempPathFactory, artifacts_dir: Path) -> Iterator[AppServer]:
    env = {
        "SEQVIZ_USER_CHECKPOINTS": str(tmp_path_factory.mktemp("load_checkpoints")),
        "SEQVIZ_DEVICE": "cpu",
        "SEQVIZ_MAX_JOBS": str(SLOTS),
        "SEQVIZ_JOB_THREADS": "1",
        "SEQVIZ_OWNER_GRACE_S": "2",
    }
    with running_app(artifacts_dir / "streamlit-load-server.log", env) as server:
        yield server


class MemoryWatch:
    """Samples the resident memory of the server and its training processes five times a second."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.highest = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.highest = max(self.highest, tree_rss(self.pid))
            self._stop.wait(0.2)

    def __enter__(self) -> MemoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)


def open_train_page(context: BrowserContext, url: str) -> Page:
    page = context.new_page()
    # eight tabs training on two cores (and, in a full run, whatever else the machine does): every step of
    # this tab may wait its turn; the test is about what the server does, not about 30 s click budgets
    page.set_default_timeout(90_000)
    page.goto(f"{url}/Train", timeout=90_000)
    wait_idle(page, "Start training", timeout=90_000)
    return page


def start_run(page: Page, updates: int) -> None:
    """Set the number of updates and press Start (the form's only submit: Enter in a field does not start)."""
    page.get_by_label("Updates", exact=True).fill(str(updates))
    page.get_by_role("button", name="Start training").click()


def stop_run(page: Page) -> None:
    page.get_by_test_id("stMainBlockContainer").get_by_role("button", name="Stop").click()


def settled_threads(pid: int, seconds: float = 6.0) -> int:
    """The server's thread count once it has stopped changing for a couple of seconds (sessions close and
    their script threads end a little after the websocket does)."""
    deadline = time.monotonic() + seconds
    counts = [process_status(pid)["threads"]]
    while time.monotonic() < deadline:
        time.sleep(0.5)
        counts.append(process_status(pid)["threads"])
        if len(counts) >= 5 and len(set(counts[-5:])) == 1:
            break
    return counts[-1]


VISITOR_PAGE = "Embeddings"


def visitor_render_seconds(visitor: BrowserContext, url: str, artifacts_dir: Path) -> float:
    """A returning student opens a new tab on another page: seconds until its main chart is drawn, the
    median of three tabs (each a new Streamlit session; the app's scripts come from the browser cache)."""
    times = []
    for _ in range(3):
        page = visitor.new_page()
        try:
            started = time.monotonic()
            page.goto(f"{url}/{VISITOR_PAGE}")
            page.locator(DRAWN).first.wait_for(timeout=60_000)
            times.append(time.monotonic() - started)
            assert_no_exception(page)
            page.screenshot(path=artifacts_dir / "load-visitor.png")
        finally:
            page.close()
    return sorted(times)[1]


class StudentsBrowser:
    """The eight sessions' browser, and a way to make it yield the CPU while the visitor is timed.

    In a lecture hall each student's browser runs on their own laptop, not on the server; on one 2-core test
    machine nine pages drawing in Chromium would take the CPU the server needs, and the visitor's time would
    measure the browsers, not the server. So while (and only while) the visitor is timed, the students'
    browser runs at the lowest priority: its session's autogroup nice (``/proc/PID/autogroup``; Debian groups
    processes by session, and the scheduler shares the CPU fairly between sessions whatever their processes'
    nice values) and its process group's nice value.

    It must not stay there: at autogroup nice 19 it gets ~1.5% of a core against any process at normal
    priority, so with another process keeping one core busy (the acceptance run) or a full suite beside it,
    the students' pages could not even draw a progress line or take a screenshot within 90 s. That was why
    this test failed in full runs and passed alone."""

    def __init__(self, browser: Browser, pid_file: Path) -> None:
        self.browser = browser
        self.pid_file = pid_file

    def _priority(self, autogroup_nice: int, nice: int) -> None:
        pid = int(self.pid_file.read_text())
        with contextlib.suppress(OSError):
            Path(f"/proc/{pid}/autogroup").write_text(f"{autogroup_nice}\n")
        with contextlib.suppress(OSError):  # raising it back needs CAP_SYS_NICE: root in CI
            os.setpriority(os.PRIO_PGRP, pid, nice)

    @contextlib.contextmanager
    def yielding(self) -> Iterator[None]:
        self._priority(19, 10)
        try:
            yield
        finally:
            self._priority(0, 0)


@pytest.fixture(scope="module")
def students(
    browser_type: BrowserType, browser_type_launch_args: dict, tmp_path_factory
) -> Iterator[StudentsBrowser]:
    """A second Chromium for the eight sessions, started through a wrapper that records its process id (the
    wrapper ``exec``s Chromium, so its pid is the browser's)."""
    folder = tmp_path_factory.mktemp("students")
    wrapper, pid_file = folder / "chromium", folder / "pid"
    wrapper.write_text(
        f'#!/bin/sh\necho $$ > "{pid_file}"\nexec "{browser_type_launch_args["executable_path"]}" "$@"\n'
    )
    wrapper.chmod(0o755)
    browser = browser_type.launch(**{**browser_type_launch_args, "executable_path": str(wrapper)})
    yield StudentsBrowser(browser, pid_file)
    browser.close()


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the server's memory from /proc")
def test_eight_sessions_training_on_one_server(
    browser: Browser, students: StudentsBrowser, loaded_server: AppServer, artifacts_dir: Path
) -> None:
    url, pid = loaded_server.url, loaded_server.pid

    # Warm up as a first visitor would: the Train page (torch, the task), a short run, the visitor's page
    # (a checkpoint read into the cache).
    warm = students.browser.new_context()
    warm_page = open_train_page(warm, url)
    start_run(warm_page, 10)
    expect(warm_page.get_by_text("Done: all 10 updates finished.").first).to_be_visible(timeout=120_000)
    visitor = browser.new_context(viewport={"width": 1400, "height": 1500})
    idle_seconds = visitor_render_seconds(visitor, url, artifacts_dir)
    warm.close()
    check = students.browser.new_context()
    wait_for_free_server(check.new_page(), url)
    check.close()
    idle_threads = settled_threads(pid)
    idle_rss = tree_rss(pid)

    # Session 1 trains; sessions 2-8 wait in line. 2-5 run short jobs to the end, 6's tab is closed while it
    # trains, 7 gives up while waiting, 8's tab is closed while waiting.
    plan = [LONG, SHORT, SHORT, SHORT, SHORT, LONG, LONG, LONG]
    contexts = [
        students.browser.new_context(viewport={"width": 1400, "height": 1500}) for _ in range(SESSIONS)
    ]
    with MemoryWatch(pid) as memory:
        pages = [open_train_page(context, url) for context in contexts]
        for number, (page, updates) in enumerate(zip(pages, plan, strict=True)):
            start_run(page, updates)
            try:
                if number < SLOTS:  # it holds the slot at once; its process may still be importing torch
                    expect(page.get_by_text(HOLDS_SLOT).first).to_be_visible(timeout=60_000)
                    expect(page.get_by_text(QUEUED)).to_have_count(0)
                else:  # each waiting session sees its own place, in the order the sessions clicked
                    place = f"Queued: number {number - SLOTS + 1} in line. {SLOTS} of {SLOTS} training slots"
                    expect(page.get_by_text(place).first).to_be_visible(timeout=60_000)
            finally:
                page.screenshot(path=artifacts_dir / f"load-session-{number + 1}.png")
        pages[-1].screenshot(path=artifacts_dir / "load-queued.png")

        # A returning student opens another page while one run trains and seven wait.
        with students.yielding():
            seconds = visitor_render_seconds(visitor, url, artifacts_dir)
        bound = visitor_bound(idle_seconds)
        assert seconds <= bound, f"another page took {seconds:.1f} s under load, {idle_seconds:.1f} s idle"
        visitor.close()

        expect(pages[0].get_by_text(TRAINING).first).to_be_visible(timeout=FIRST_UPDATE_MS)
        stop_run(pages[6])  # gives up while waiting: cancelled, never started
        expect(pages[6].get_by_text("Cancelled before it started.").first).to_be_visible(timeout=60_000)
        contexts[7].close()  # closes the tab while waiting: the watchdog cancels it after the grace period
        stop_run(pages[0])  # the long run is stopped by its user; the short ones then run to the end
        expect(pages[0].get_by_text(re.compile(r"Stopped at update [\d,]+\.")).first).to_be_visible(
            timeout=60_000
        )
        for page in pages[1:5]:
            expect(page.get_by_text(f"Done: all {SHORT} updates finished.").first).to_be_visible(
                timeout=180_000
            )
        expect(pages[5].get_by_text(TRAINING).first).to_be_visible(timeout=FIRST_UPDATE_MS)
        for page in pages[:7]:
            assert_no_exception(page)
        for context in contexts[:7]:  # the sixth tab closes mid-training; the rest have nothing running
            context.close()

        # Every session is gone: the closed tabs' jobs are stopped after the 2 s grace period.
        check = students.browser.new_context()
        wait_for_free_server(check.new_page(), url)
        check.close()

    print(
        f"visitor {seconds:.2f} s ({idle_seconds:.2f} s idle), server idle {idle_rss / 2**20:.0f} MiB, "
        f"most {memory.highest / 2**20:.0f} MiB"
    )
    growth = memory.highest - idle_rss
    assert growth <= MEMORY_GROWTH_LIMIT, f"the server grew by {growth / 2**20:.0f} MiB under load"
    threads = settled_threads(pid, seconds=15)
    assert threads <= idle_threads + THREAD_SLACK, f"{threads} threads now, {idle_threads} when idle"
    assert process_tree(pid)[1:] == [], "a training process outlived its session"
