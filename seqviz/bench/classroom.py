"""The ``classroom_sessions`` row: how many students one app process serves while each of them interacts
every 10 s on the Attention and Decoding pages, with the p95 time from an interaction to the end of the
script run it asked for held to ``<= 1`` s.

A class is simulated with ``seqviz.bench.light_client`` sessions (a browser tab per student would need more
machine than the server it measures), half on each page (``seqviz.bench.students``). Against one real app
(``streamlit run app.py``, started here):

1. Warm-up: each page is opened and interacted with once, untimed (imports, the shipped checkpoint read
   into the server's cache), as a lecturer's rehearsal does; the server's idle memory is read then.
2. Calibration with real Chromium tabs (at the lowest CPU priority: ``students.students_chromium`` says
   why), so that a reader can see the light client measures what a browser gets:

   - paired: one tab and one light session on the same page take turns, nothing else running, and the
     server's CPU time is read around each interaction: equal CPU means the server does the same work for
     both kinds of client;
   - in the mix: the tabs interact every 10 s beside the first level's light sessions for one window;
     both kinds' p50 and p95 are reported side by side (Chromium's from the key press or click, and from
     the page's websocket send: the light client's clock starts at its send).

   The tabs then close. Measured on a 2-core machine: the server's CPU per interaction was the same for
   both clients (140 vs 150 ms), and replaying a tab's own widget states from a light session changed
   nothing; Chromium's times were longer all the same (p50 0.18-0.25 s against 0.12-0.13 s), its run's
   frames arriving later from the first on. Hiding the tab's main area (no charts drawn) halved the gap,
   so Chromium drawing on the server's two cores is the likely cause, not work the light client skips.
3. The ramp: the class grows through ``levels`` (by 10 up to 80, then by 20 and 40; new students join
   over a few seconds; a level is measured once they have all opened their page and the server has
   settled), and each level is measured over one window: the p95 of the interactions sent in it,
   failures (an exception or error shown, a run that did not finish), the server's CPU time and resident
   memory (``/proc``). The ramp stops at the first level over the limit, then tries the level halfway
   back once (``refine``).

The row's value is the largest level sustained: p95 ``<= 1`` s and no failure. The result also carries
what ``docs/scaling.md`` plans with: the server's memory per session (the least-squares slope of its
resident memory over the levels of the ramp up: caches that grow with students' new inputs included) and
its CPU time per interaction (all its CPU in the sustained windows, over their interactions). The load
generator's own CPU per interaction is in the note: on a 2-core machine it shares the CPU with the server.
"""

from __future__ import annotations

import asyncio
import math
import os
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from seqviz.bench.light_client import LightSession
from seqviz.bench.rows import Row, Target, compare
from seqviz.bench.students import (
    PAGES,
    BrowserTab,
    Interaction,
    Recorder,
    browser_student,
    light_interact,
    light_student,
    students_chromium,
)

if TYPE_CHECKING:
    from playwright.async_api import Browser

ROW = "classroom_sessions"
TARGET = Target(">=", 30)  # a class of thirty on one app process
P95_LIMIT_S = 1.0
INTERVAL_S = 10.0
DRAIN_TIMEOUT_S = 90.0  # a window waits at most this long for the runs it started
PAIR_GAP_S = 0.5  # between the paired interactions: the server idle before each
MIB = 2**20


@dataclass(frozen=True)
class ClassroomPlan:
    levels: tuple[int, ...]  # class sizes of the ramp, smallest first
    window_s: float  # each level's measuring window
    arrival_s: float  # new students join over this long
    settle_s: float  # after the last one opened its page, before the window
    browsers: int  # Chromium tabs in the calibration (pages in turn: Attention, Decoding, ...)
    paired_rounds: int  # paired interactions of each kind per page
    calibration_window_s: float  # the tabs in the mix with the first level
    refine: bool  # after the first level over the limit, try the one halfway back
    interval_s: float = INTERVAL_S
    seed: int = 0

    @classmethod
    def full(cls) -> ClassroomPlan:
        levels = (10, 20, 30, 40, 50, 60, 70, 80, 100, 120, 140, 160, 200, 240, 280, 320)
        return cls(levels, 15.0, 4.0, 3.0, 3, 4, 25.0, True)

    @classmethod
    def quick(cls) -> ClassroomPlan:
        return cls((4,), 8.0, 2.0, 1.0, 1, 1, 8.0, False)


@dataclass(frozen=True)
class Latency:
    """Interactions of one kind of client in one window: how many, how many failed, p50 and p95 in
    seconds (``None`` without any), and the first few failures' reasons."""

    count: int
    failures: int
    p50: float | None
    p95: float | None
    reasons: tuple[str, ...] = ()

    @classmethod
    def of(
        cls, interactions: list[Interaction], seconds: Callable[[Interaction], float | None] | None = None
    ) -> Latency:
        """``seconds``: which time of an interaction (default its ``seconds``)."""
        pick = seconds or (lambda item: item.seconds)
        values = [pick(item) for item in interactions if item.failure is None]
        good = sorted(value for value in values if value is not None)
        failed = [item.failure or "" for item in interactions if item.failure is not None]
        return cls(len(interactions), len(failed), percentile(good, 50), percentile(good, 95),
                   tuple(dict.fromkeys(failed))[:3])  # fmt: skip

    def sustained(self) -> bool:
        return self.count > 0 and self.failures == 0 and self.p95 is not None and self.p95 <= P95_LIMIT_S


@dataclass(frozen=True)
class Level:
    """One class size, measured over one window."""

    sessions: int
    latency: Latency
    server_cpu_s: float  # the server's CPU time during the window
    client_cpu_s: float  # this process's (the light sessions') CPU time during the window
    server_rss: int | None  # bytes at the window's end
    opened_p50_s: float | None  # median first view of the students who joined for this level

    @property
    def sustained(self) -> bool:
        return self.latency.sustained()


@dataclass(frozen=True)
class Paired:
    """A Chromium tab and a light session taking turns on the same page, the server otherwise idle: the
    median server CPU seconds per interaction of each kind, and their times (Chromium's from its send)."""

    chromium_cpu_s: float | None
    light_cpu_s: float | None
    chromium: Latency
    light: Latency


@dataclass(frozen=True)
class Calibration:
    """Real Chromium tabs against light sessions: paired, then in the mix with the first level."""

    paired: Paired
    light: Latency
    chromium: Latency  # from the key press or click
    chromium_from_send: Latency  # from the page's websocket send of the rerun request
    problems: tuple[str, ...] = ()


@dataclass
class ClassroomResult:
    levels: list[Level] = field(default_factory=list)
    calibration: Calibration | None = None
    idle_rss: int | None = None  # the server's resident memory after the warm-up, no student connected
    other_cores: float | None = None  # CPUs other processes kept busy meanwhile
    missing: str | None = None  # why nothing was measured

    @property
    def sessions(self) -> int | None:
        """The largest class size sustained, or ``None`` where none was (or nothing was measured)."""
        sustained = [level.sessions for level in self.levels if level.sustained]
        return max(sustained) if sustained else None

    @property
    def memory_per_session(self) -> float | None:
        """Bytes of server memory per student: the least-squares slope of resident memory over the levels
        of the ramp up."""
        points = [(level.sessions, level.server_rss) for level in _ramp_up(self.levels) if level.server_rss]
        if len(points) < 2:
            return None
        sizes, memory = zip(*points, strict=True)
        return statistics.linear_regression(sizes, memory).slope

    @property
    def cpu_per_interaction(self) -> float | None:
        """Seconds of server CPU per interaction, over the sustained levels' windows."""
        return _per_interaction([level for level in self.levels if level.sustained], "server_cpu_s")

    @property
    def client_cpu_per_interaction(self) -> float | None:
        """Seconds of this process's CPU (the light sessions) per interaction, over every level."""
        return _per_interaction(self.levels, "client_cpu_s")


def _ramp_up(levels: list[Level]) -> list[Level]:
    rising: list[Level] = []
    for level in levels:
        if rising and level.sessions <= rising[-1].sessions:
            break
        rising.append(level)
    return rising


def _per_interaction(levels: list[Level], attribute: str) -> float | None:
    count = sum(level.latency.count for level in levels)
    return sum(getattr(level, attribute) for level in levels) / count if count else None


def percentile(ordered: list[float], q: float) -> float | None:
    """The nearest-rank percentile of sorted values (the p95 of 20 values is the 19th)."""
    if not ordered:
        return None
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process, from Linux's ``/proc/PID/stat`` (0 where there is none)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# ------------------------------------------------------------------------------------------ the class


class Classroom:
    """The students connected to one server, added and removed by level, all recording to one place."""

    def __init__(self, url: str, plan: ClassroomPlan) -> None:
        self.url = url
        self.plan = plan
        self.record = Recorder()
        self.rng = random.Random(plan.seed)
        self._students: list[tuple[asyncio.Task, asyncio.Event]] = []

    async def resize(self, size: int) -> list[Interaction]:
        """Add students (spread over ``arrival_s``, alternating pages) or send the newest home; returns the
        opens of those who joined, once all of them have their page."""
        while len(self._students) > size:
            task, stop = self._students.pop()
            stop.set()
            await task
        joining = size - len(self._students)
        before = len(self.record.interactions)
        for index in range(joining):
            page = PAGES[len(self._students) % len(PAGES)]
            stop = asyncio.Event()
            rng = random.Random(self.rng.random())
            task = asyncio.create_task(
                light_student(self.url, page, rng, self.plan.interval_s, self.record, stop)
            )
            self._students.append((task, stop))
            if index < joining - 1:
                await asyncio.sleep(self.plan.arrival_s / joining)
        await _wait_opened(self.record, before, joining)
        return [item for item in self.record.interactions[before:] if item.kind == "open"]

    async def window(self, seconds: float, server_pid: int) -> tuple[list[Interaction], float, float]:
        """The interactions sent during the next ``seconds`` (waiting for their runs to end; one still
        running ``DRAIN_TIMEOUT_S`` after the window is a failure), and the server's and this process's CPU
        seconds meanwhile."""
        started, server, client = time.monotonic(), cpu_seconds(server_pid), time.process_time()
        await asyncio.sleep(seconds)
        ended = time.monotonic()
        server, client = cpu_seconds(server_pid) - server, time.process_time() - client
        deadline = ended + DRAIN_TIMEOUT_S
        while self.record.waiting(started, ended) and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        sent = [
            item
            for item in self.record.interactions
            if item.kind == "interact" and started <= item.started < ended
        ]
        why = f"still running {DRAIN_TIMEOUT_S:g} s after the window"
        now = time.monotonic()
        sent += [
            Interaction("light", "", "interact", moment, now - moment, why)
            for moment in self.record.waiting(started, ended)
        ]
        return sent, server, client

    async def close(self) -> None:
        await self.resize(0)


async def _wait_opened(record: Recorder, before: int, count: int) -> None:
    deadline = time.monotonic() + DRAIN_TIMEOUT_S
    while time.monotonic() < deadline:
        if sum(item.kind == "open" for item in record.interactions[before:]) >= count:
            return
        await asyncio.sleep(0.1)


async def _warm_up(url: str) -> None:
    """Each page opened and interacted with once, untimed; a failure here is not the class's."""
    rng = random.Random(0)
    for page in PAGES:
        async with LightSession(url, page, timeout_s=180) as session:
            if (await session.open()).ok:
                await light_interact(session, rng)


# ------------------------------------------------------------------------------------- calibration


async def _paired(
    tabs: list[BrowserTab], url: str, server_pid: int, rounds: int, rng: random.Random
) -> Paired:
    """The first tab on each page and a light session on the same page take turns, ``rounds`` each."""
    done: dict[str, list[tuple[Interaction, float]]] = {"chromium": [], "light": []}

    async def timed(interact: Callable[[], Awaitable[Interaction]]) -> None:
        await asyncio.sleep(PAIR_GAP_S)
        before = cpu_seconds(server_pid)
        interaction = await interact()
        done[interaction.client].append((interaction, cpu_seconds(server_pid) - before))

    first = {tab.name: tab for tab in reversed(tabs)}
    for name, tab in first.items():
        async with LightSession(url, name) as session:
            if not (await session.open()).ok:
                continue
            for _ in range(rounds):
                await timed(lambda tab=tab: tab.interact(rng))
                await timed(lambda session=session: light_interact(session, rng))

    def cpu(kind: str) -> float | None:
        values = [seconds for interaction, seconds in done[kind] if interaction.failure is None]
        return statistics.median(values) if values else None

    return Paired(
        cpu("chromium"),
        cpu("light"),
        Latency.of([item for item, _ in done["chromium"]], lambda item: item.from_send),
        Latency.of([item for item, _ in done["light"]]),
    )


async def _calibrate(classroom: Classroom, browser: Browser, server_pid: int) -> Calibration:
    plan, url = classroom.plan, classroom.url
    tabs: list[BrowserTab] = []
    problems: list[str] = []
    for index in range(plan.browsers):
        context = await browser.new_context(viewport={"width": 1400, "height": 1000})
        tab, opened = await BrowserTab.open(context, url, PAGES[index % len(PAGES)])
        if tab is None:
            problems.append(f"a Chromium tab did not open {opened.page}: {opened.failure}")
        else:
            tabs.append(tab)
    paired = await _paired(tabs, url, server_pid, plan.paired_rounds, random.Random(classroom.rng.random()))
    await classroom.resize(plan.levels[0])
    await asyncio.sleep(plan.settle_s)
    stop = asyncio.Event()
    students = [
        asyncio.create_task(
            browser_student(
                tab, random.Random(classroom.rng.random()), plan.interval_s, classroom.record, stop
            )
        )
        for tab in tabs
    ]
    sent, _, _ = await classroom.window(plan.calibration_window_s, server_pid)
    stop.set()
    await asyncio.gather(*students)
    chromium = [item for item in sent if item.client == "chromium"]
    return Calibration(
        paired,
        Latency.of([item for item in sent if item.client == "light"]),
        Latency.of(chromium),
        Latency.of(chromium, lambda item: item.from_send),
        tuple(problems),
    )


# ----------------------------------------------------------------------------------------- the ramp


async def _measure_level(classroom: Classroom, size: int, server_pid: int) -> Level:
    from seqviz.bench.app_server import process_status

    opens = await classroom.resize(size)
    await asyncio.sleep(classroom.plan.settle_s)
    sent, server_cpu, client_cpu = await classroom.window(classroom.plan.window_s, server_pid)
    failed_opens = [item for item in opens if item.failure is not None]
    latency = Latency.of(sent + failed_opens)  # a student who could not open the page is a failure too
    opened = percentile(sorted(item.seconds for item in opens if item.failure is None), 50)
    rss = process_status(server_pid).get("rss")
    return Level(size, latency, server_cpu, client_cpu, rss, opened)


def _halfway(passed: int, failed: int) -> int | None:
    middle = (passed + failed) // 2
    return middle if passed < middle < failed else None


async def _run(
    url: str, server_pid: int, plan: ClassroomPlan, folder: Path, progress: Callable[[str], None]
) -> ClassroomResult:
    from seqviz.bench.app_server import process_status
    from seqviz.bench.chromium import unavailable

    result = ClassroomResult()
    await _warm_up(url)
    result.idle_rss = process_status(server_pid).get("rss")
    classroom = Classroom(url, plan)
    try:
        if unavailable() is None and plan.browsers:
            progress(f"  calibration: {plan.browsers} Chromium tabs against light sessions")
            async with students_chromium(folder) as browser:
                result.calibration = await _calibrate(classroom, browser, server_pid)
        last_passed = 0
        for size in plan.levels:
            result.levels.append(await _measure_level(classroom, size, server_pid))
            progress(f"  {size} sessions: {_latency_text(result.levels[-1].latency)}")
            if not result.levels[-1].sustained:
                middle = _halfway(last_passed, size) if plan.refine and last_passed else None
                if middle is not None:
                    result.levels.append(await _measure_level(classroom, middle, server_pid))
                    progress(f"  {middle} sessions: {_latency_text(result.levels[-1].latency)}")
                break
            last_passed = size
    finally:
        await classroom.close()
    return result


def measure_classroom(
    plan: ClassroomPlan, progress: Callable[[str], None] = lambda message: None
) -> ClassroomResult:
    """Start the app (CPU, a throw-away checkpoint folder) and measure ``plan`` against it."""
    from seqviz.bench.app_server import running_app
    from seqviz.bench.machine import OtherLoad

    others = OtherLoad()
    with tempfile.TemporaryDirectory(prefix="seqviz-classroom-") as name:
        folder = Path(name)
        env = {"SEQVIZ_DEVICE": "cpu", "SEQVIZ_USER_CHECKPOINTS": str(folder / "checkpoints")}
        try:
            with running_app(folder / "streamlit.log", env) as server, ThreadPoolExecutor(1) as thread:
                # a thread of its own: the caller may be inside an event loop (Playwright's sync API is)
                run = _run(server.url, server.pid, plan, folder, progress)
                result = thread.submit(asyncio.run, run).result()
        except RuntimeError as error:  # the server did not start
            return ClassroomResult(missing=str(error).strip().splitlines()[0])
    result.other_cores = others.cores()  # once the server is gone, its CPU counts as this process's
    return result


# ------------------------------------------------------------------------------------------- the row


def _latency_text(latency: Latency) -> str:
    if latency.p95 is None:
        text = f"no interaction finished ({latency.count} sent)"
    else:
        text = f"p95 {latency.p95:.2f} s, p50 {latency.p50:.2f} s of {latency.count}"
    if latency.failures:
        text += f", {latency.failures} failed ({'; '.join(latency.reasons)})"
    return text


def _ms(seconds: float | None) -> str:
    return "n/a" if seconds is None else f"{seconds * 1e3:.0f} ms"


def calibration_text(calibration: Calibration | None) -> str:
    if calibration is None:
        return "no Chromium calibration"
    paired = calibration.paired
    turns = (
        f"Chromium vs light client taking turns on an idle server: server CPU "
        f"{_ms(paired.chromium_cpu_s)} vs {_ms(paired.light_cpu_s)} per interaction, p50 "
        f"{_ms(paired.chromium.p50)} vs {_ms(paired.light.p50)} (Chromium's from its send)"
    )
    mix = (
        f"in the mix with the first level: Chromium {_latency_text(calibration.chromium)} from the key press "
        f"or click (p95 {_ms(calibration.chromium_from_send.p95)} from its send), light "
        f"{_latency_text(calibration.light)}"
    )
    return "; ".join([turns, mix, *calibration.problems])


def classroom_note(result: ClassroomResult) -> str:
    levels = ", ".join(f"{level.sessions} sessions {_latency_text(level.latency)}" for level in result.levels)
    parts = [levels, calibration_text(result.calibration)]
    figures = []
    if result.idle_rss is not None:
        figures.append(f"server idle {result.idle_rss / MIB:,.0f} MiB")
    if (memory := result.memory_per_session) is not None:
        figures.append(f"{memory / MIB:.1f} MiB per session")
    if (cpu := result.cpu_per_interaction) is not None:
        figures.append(f"server CPU {_ms(cpu)} per interaction")
    if (client := result.client_cpu_per_interaction) is not None:
        figures.append(f"light client CPU {client * 1e3:.1f} ms per interaction")
    if result.other_cores is not None and result.other_cores >= 0.1:
        figures.append(f"other processes kept {result.other_cores:.2f} CPUs busy meanwhile")
    if figures:
        parts.append(", ".join(figures))
    return "; ".join(parts)


def classroom_row(quick: bool) -> Row:
    """The row for ``seqviz.bench.run`` (``quick``: the benchmark's quick plan, a few sessions)."""
    from seqviz.bench.chromium import unavailable

    reason = unavailable()  # as the other browser rows: the calibration needs Chromium
    if reason is not None:
        return _null_row(f"not measured: {reason}")
    return classroom_result_row(measure_classroom(ClassroomPlan.quick() if quick else ClassroomPlan.full()))


def classroom_result_row(result: ClassroomResult) -> Row:
    """The row's value is the largest class size sustained; null when none was, or nothing was measured."""
    if result.missing is not None or not result.levels:
        return _null_row(f"not measured: {result.missing or 'no level was measured'}")
    note = classroom_note(result)
    sessions = result.sessions
    if sessions is None:
        note = f"fewer than {result.levels[0].sessions} sessions within p95 <= {P95_LIMIT_S:g} s; {note}"
        return _null_row(note)
    return compare(ROW, sessions, "sessions", float(sessions), TARGET, note)


def _null_row(note: str) -> Row:
    return Row(ROW, None, "sessions", None, TARGET, False, note)
