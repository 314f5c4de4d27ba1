"""The job manager: a bounded number run, the rest queue in order, owners that vanish lose their jobs."""

from __future__ import annotations

import os
import threading
import time

import pytest

from seqviz.errors import InputError
from seqviz.training.jobs import BY_USER, CANCELLED, DONE, FAILED, OWNER_GONE, QUEUED, RUNNING, JobManager


class Gate:
    """Work that runs until released or stopped, recording what happened to it."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.release = threading.Event()
        self.stopped_because: str | None = None

    def run(self) -> str:
        self.started.set()
        self.release.wait(30)
        return "stopped" if self.stopped_because else "done"

    def stop(self, reason: str) -> None:
        self.stopped_because = reason
        self.release.set()


class Broken:
    def run(self) -> None:
        raise RuntimeError("a bug in the work")

    def stop(self, reason: str) -> None: ...


def wait_for(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.01)


@pytest.fixture
def manager():
    manager = JobManager(max_running=2, owner_grace_s=0.2, watch_interval_s=0.05)
    yield manager
    manager.shutdown()


def test_at_most_max_running_and_fifo_queue(manager):
    works = [Gate() for _ in range(4)]
    jobs = [manager.submit(w, owner=f"s{i}") for i, w in enumerate(works)]
    works[0].started.wait(5)
    works[1].started.wait(5)
    assert [j.state for j in jobs] == [RUNNING, RUNNING, QUEUED, QUEUED]
    assert [manager.queue_position(j) for j in jobs] == [None, None, 1, 2]
    assert manager.counts() == (2, 2)
    works[1].release.set()  # a slot frees: the first in line starts, the second moves up
    assert works[2].started.wait(5)
    wait_for(lambda: manager.queue_position(jobs[3]) == 1)
    assert jobs[1].state == DONE and jobs[1].result == "done"
    assert not works[3].started.is_set()
    for w in works:
        w.release.set()
    for j in jobs:
        assert manager.wait(j, 5)
    assert manager.counts() == (0, 0)


def test_stopping_a_queued_job_cancels_it_without_running(manager):
    works = [Gate() for _ in range(3)]
    jobs = [manager.submit(w, owner="a") for w in works]
    works[0].started.wait(5)
    manager.stop(jobs[2])
    assert jobs[2].state == CANCELLED
    assert manager.wait(jobs[2], 5)
    assert not works[2].started.is_set()
    assert works[2].stopped_because == BY_USER  # the work knows, so its view can say why
    manager.stop(jobs[0])
    assert manager.wait(jobs[0], 5)
    assert works[0].stopped_because == BY_USER


def test_a_failing_job_is_recorded_and_frees_its_slot(manager):
    job = manager.submit(Broken(), owner="a")
    assert manager.wait(job, 5)
    assert job.state == FAILED and isinstance(job.error, RuntimeError)
    gate = manager.submit(Gate(), owner="a")
    gate.work.release.set()
    assert manager.wait(gate, 5) and gate.state == DONE


def test_a_vanished_owner_loses_its_job_after_the_grace_period(manager):
    alive = {"a": True, "b": True}
    work_a, work_b = Gate(), Gate()
    job_a = manager.submit(work_a, owner="a", is_owner_alive=lambda: alive["a"])
    job_b = manager.submit(work_b, owner="b", is_owner_alive=lambda: alive["b"])
    work_a.started.wait(5)
    alive["a"] = False
    assert manager.wait(job_a, 5)
    assert work_a.stopped_because == OWNER_GONE
    assert job_b.state == RUNNING  # the other session keeps training
    work_b.release.set()
    assert manager.wait(job_b, 5)


def test_a_brief_disconnect_keeps_the_job(manager):
    alive = {"a": True}
    work = Gate()
    job = manager.submit(work, owner="a", is_owner_alive=lambda: alive["a"])
    work.started.wait(5)
    alive["a"] = False
    time.sleep(0.06)
    alive["a"] = True  # a page reload reconnects within the grace period
    time.sleep(0.4)
    assert job.state == RUNNING and work.stopped_because is None
    work.release.set()
    assert manager.wait(job, 5)


def test_the_queue_is_bounded_with_a_message():
    manager = JobManager(max_running=1, max_queued=1)
    try:
        works = [Gate(), Gate()]
        manager.submit(works[0], owner="a")
        works[0].started.wait(5)
        manager.submit(works[1], owner="a")  # waits: the one queue place is taken
        with pytest.raises(InputError, match="busy"):
            manager.submit(Gate(), owner="a")
    finally:
        manager.shutdown()


def test_no_thread_is_left_after_the_jobs_end():
    before = {t.name for t in threading.enumerate()}
    manager = JobManager(max_running=1, watch_interval_s=0.02)
    works = [Gate(), Gate()]
    jobs = [manager.submit(w, owner="a", is_owner_alive=lambda: True) for w in works]
    for w in works:
        w.release.set()
    for j in jobs:
        assert manager.wait(j, 5)
    wait_for(lambda: not any(t.name.startswith("seqviz-job") for t in threading.enumerate()), 5)
    wait_for(lambda: {t.name for t in threading.enumerate()} <= before, 5)  # the watchdog ends too


def test_max_jobs_from_the_environment(monkeypatch):
    from seqviz.training.jobs import default_max_running

    monkeypatch.setenv("SEQVIZ_MAX_JOBS", "3")
    assert default_max_running() == 3
    monkeypatch.delenv("SEQVIZ_MAX_JOBS")
    for cores, slots in ((1, 1), (2, 1), (16, 15)):  # one core is kept for serving pages
        affinity = set(range(cores))
        monkeypatch.setattr(os, "sched_getaffinity", lambda pid, affinity=affinity: affinity, raising=False)
        assert default_max_running() == slots
    monkeypatch.setenv("SEQVIZ_MAX_JOBS", "many")
    with pytest.raises(InputError, match="whole number"):
        default_max_running()


def test_states_and_stop_reasons_are_enums_that_equal_their_codes():
    """Codes in JSON and URLs stay the same strings; code compares members, never parses a message."""
    import json

    from seqviz.training.states import STOP_PHRASES, JobState, RunState, StopCause, StopReason

    assert QUEUED is JobState.QUEUED and QUEUED == "queued" and f"{StopReason.STEPS}" == "steps"
    assert json.dumps({"stop_reason": StopReason.DIVERGED}) == '{"stop_reason": "diverged"}'
    assert RunState("finished") is RunState.FINISHED
    assert set(STOP_PHRASES) == set(StopCause)  # every cause has its English words
