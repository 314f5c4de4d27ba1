"""Background jobs for a shared server: a bounded number run, the rest wait their turn in order.

A lecture hall is a hundred browser sessions on one machine. If every "Train" click started a thread at
once, each run would crawl and the server would stop answering. So a ``JobManager`` (one per server
process) lets at most ``max_running`` jobs compute at a time; the others wait in a first-come queue and
can ask their place in it. A job whose owner disappears (its browser tab closed) is stopped by a watchdog
after a grace period, so nobody's compute is spent on a tab nobody looks at.

The module knows nothing about Streamlit or torch: a job's work is any object with ``run()`` and
``stop()`` (a training run), and the owner's liveness is a callable the UI layer supplies.
"""

from __future__ import annotations

import itertools
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from seqviz import settings
from seqviz.errors import InputError
from seqviz.training.states import JobState, StopCause


class Work(Protocol):
    """What a job runs: ``run()`` blocks until done; ``stop(cause)`` (from another thread) asks it to end
    soon, saying who asked (a ``StopCause``)."""

    def run(self) -> Any: ...

    def stop(self, reason: StopCause) -> None: ...


BY_USER, OWNER_GONE, SHUTDOWN = StopCause.USER, StopCause.OWNER_GONE, StopCause.SHUTDOWN
QUEUED, RUNNING, DONE, FAILED, CANCELLED = (
    JobState.QUEUED,
    JobState.RUNNING,
    JobState.DONE,
    JobState.FAILED,
    JobState.CANCELLED,
)
FINAL_STATES = (DONE, FAILED, CANCELLED)


@dataclass(eq=False)
class Job:
    """One piece of work and what happened to it. ``state`` moves queued -> running -> done | failed, or
    queued -> cancelled when stopped before it started."""

    id: int
    owner: str
    label: str
    work: Work
    is_owner_alive: Callable[[], bool] | None = None
    state: JobState = QUEUED
    submitted: float = field(default_factory=time.monotonic)
    started: float | None = None
    finished: float | None = None
    result: Any = None
    error: BaseException | None = None
    stop_reason: StopCause | None = None  # who asked it to stop
    owner_lost_since: float | None = None
    _thread: threading.Thread | None = None

    @property
    def active(self) -> bool:
        return self.state in (QUEUED, RUNNING)

    @property
    def thread(self) -> threading.Thread | None:
        return self._thread


class JobManager:
    """Runs jobs in background threads, at most ``max_running`` at a time, queueing the rest in order.

    ``max_queued`` bounds the waiting line (each waiting job holds a thread and its data); past it a new
    job is refused with a message rather than left to wait for an hour.
    """

    def __init__(
        self,
        max_running: int | None = None,
        max_queued: int = 200,
        owner_grace_s: float | None = None,
        watch_interval_s: float = 1.0,
    ) -> None:
        self.max_running = max(1, max_running or default_max_running())
        self.max_queued = max_queued
        self.owner_grace_s = owner_grace_s if owner_grace_s is not None else default_owner_grace()
        self.watch_interval_s = watch_interval_s
        self._lock = threading.Condition()
        self._queue: list[Job] = []  # waiting, in arrival order
        self._running: list[Job] = []
        self._ids = itertools.count(1)
        self._watchdog: threading.Thread | None = None
        self._closed = False

    # -- submitting and asking -------------------------------------------------------------------------
    def submit(
        self, work: Work, owner: str, label: str = "", is_owner_alive: Callable[[], bool] | None = None
    ) -> Job:
        """Queue ``work``; it starts as soon as a slot is free (at once when one is)."""
        with self._lock:
            if self._closed:
                raise InputError("the server is shutting down; no new jobs start")
            if len(self._queue) >= self.max_queued:
                raise InputError(
                    f"the server is busy: {len(self._running)} jobs running and {len(self._queue)} "
                    "waiting. Try again in a minute."
                )
            job = Job(next(self._ids), owner, label, work, is_owner_alive)
            self._queue.append(job)
            job._thread = threading.Thread(
                target=self._job_thread, args=(job,), name=f"seqviz-job-{job.id}", daemon=True
            )
            job._thread.start()
            self._ensure_watchdog()
            return job

    def queue_position(self, job: Job) -> int | None:
        """1 for the next job to start, 2 for the one after it, ...; None when not waiting."""
        with self._lock:
            return self._queue.index(job) + 1 if job in self._queue else None

    def counts(self) -> tuple[int, int]:
        """(running, queued) right now."""
        with self._lock:
            return len(self._running), len(self._queue)

    def jobs(self, owner: str | None = None) -> list[Job]:
        """Unfinished jobs (running first, then queued), optionally only one owner's."""
        with self._lock:
            jobs = [*self._running, *self._queue]
        return [j for j in jobs if owner is None or j.owner == owner]

    # -- stopping --------------------------------------------------------------------------------------
    def stop(self, job: Job, reason: StopCause = BY_USER) -> None:
        """A waiting job is cancelled at once; a running one is asked to stop (it ends within a step).
        Either way the work hears ``stop(reason)``, so that what it shows can say why it never ran."""
        with self._lock:
            if job.state in FINAL_STATES:
                return
            job.stop_reason = job.stop_reason or reason
            if job in self._queue:
                self._queue.remove(job)
                job.state = CANCELLED
                job.finished = time.monotonic()
                self._lock.notify_all()
        job.work.stop(reason)

    def stop_owner(self, owner: str, reason: StopCause = OWNER_GONE) -> None:
        for job in self.jobs(owner):
            self.stop(job, reason)

    def shutdown(self, timeout: float = 10.0) -> None:
        """Stop everything and wait for the threads (tests, server exit)."""
        with self._lock:
            self._closed = True
            jobs = [*self._running, *self._queue]
            self._lock.notify_all()
        for job in jobs:
            self.stop(job, SHUTDOWN)
        deadline = time.monotonic() + timeout
        for job in jobs:
            if job._thread is not None:
                job._thread.join(max(0.0, deadline - time.monotonic()))

    def wait(self, job: Job, timeout: float | None = None) -> bool:
        """Block until ``job`` has ended; True if it did within ``timeout``."""
        if job._thread is None:
            return True
        job._thread.join(timeout)
        return not job._thread.is_alive()

    # -- the threads -----------------------------------------------------------------------------------
    def _job_thread(self, job: Job) -> None:
        with self._lock:
            while job.state == QUEUED and not (
                self._queue and self._queue[0] is job and len(self._running) < self.max_running
            ):
                self._lock.wait()
            if job.state != QUEUED:  # cancelled while waiting
                return
            self._queue.pop(0)
            self._running.append(job)
            job.state = RUNNING
            job.started = time.monotonic()
            self._lock.notify_all()  # the next in line may fit too
        try:
            job.result = job.work.run()
            state = DONE
        except BaseException as exc:  # a bug in the work must not kill the server; the page shows it
            job.error = exc
            state = FAILED
        with self._lock:
            job.state = state
            job.finished = time.monotonic()
            self._running.remove(job)
            self._lock.notify_all()

    def _ensure_watchdog(self) -> None:
        if self._watchdog is None:  # called with the lock held
            self._watchdog = threading.Thread(target=self._watch, name="seqviz-job-watchdog", daemon=True)
            self._watchdog.start()

    def _watch(self) -> None:
        """Stop jobs whose owner has been gone longer than the grace period (a reload reconnects within
        it and keeps its job). It ends when no job is left, so an idle server holds no extra thread."""
        while True:
            time.sleep(self.watch_interval_s)
            with self._lock:
                jobs = [*self._running, *self._queue]
                if self._closed or not jobs:
                    self._watchdog = None
                    return
            now = time.monotonic()
            for job in jobs:
                if job.is_owner_alive is None:
                    continue
                try:
                    alive = job.is_owner_alive()
                except Exception:
                    alive = True  # unknown: never stop someone's work on a failed check
                if alive:
                    job.owner_lost_since = None
                elif job.owner_lost_since is None:
                    job.owner_lost_since = now
                elif now - job.owner_lost_since >= self.owner_grace_s:
                    self.stop(job, OWNER_GONE)


def default_owner_grace() -> float:
    """Seconds a job survives its owner's disconnect (``SEQVIZ_OWNER_GRACE_S``, default 15): long enough
    for a page reload or a network blip to reconnect, short enough to free the slot soon."""
    return settings.owner_grace_seconds()


def default_max_running() -> int:
    """``SEQVIZ_MAX_JOBS`` if set, else one less than the CPU cores this process may use (at least one).

    One core stays free to serve pages: with every core training, a 2-core server took 7 s or more to
    draw a page for a new visitor; with one left free, about 2-4 s."""
    configured = settings.max_jobs()
    if configured is not None:
        return configured
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, cores - 1)
