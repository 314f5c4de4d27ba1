"""Training on a real Ray cluster (``ray start --head`` on loopback with 2 CPUs, started here).

The cluster back end must be indistinguishable from the local ones to the page: the same states, reports,
controls and weights; Ray does the queueing (two runs train, two wait for a CPU); and its faults (a worker
killed mid-run, a cluster that is gone) end a run with a message while the server goes on serving.
"""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest
import torch

from seqviz.bench.local_cluster import local_ray_cluster
from seqviz.data.tasks import get_task
from seqviz.training.backends.ray_cluster import RayBackend, shutdown_gateway
from seqviz.training.backends.registry import CHILD, RAY, server_backend
from seqviz.training.jobs import JobManager
from seqviz.training.live_run import FAILED, FINISHED, PAUSED, RUNNING, WAITING, TrainingRun
from seqviz.training.states import StopCause, StopReason
from seqviz.training.trainer import TrainConfig
from seqviz.training.workflows import ModelChoice

pytest.importorskip("ray", reason="Ray is installed by `make test` (requirements-cluster.txt)")

SMALL = ModelChoice(cell="gru", attention="bahdanau", embedding_size=16, hidden_size=32)
WAIT_S = 180.0  # generous: a busy 2-core machine starts Ray workers (and torch in each) slowly


def config(steps: int) -> TrainConfig:
    """Small batches at a modest learning rate: a run left going for a while must not diverge."""
    return TrainConfig(
        steps=steps,
        batch_size=16,
        learning_rate=0.002,
        log_every=5,
        eval_every=50,
        eval_size=10,
        probe_every=25,
    )


def on_cluster(address: str, steps: int) -> TrainingRun:
    """A Train-page run (reverse task, GRU + additive attention, one thread) that trains on ``address``."""
    run = TrainingRun(get_task("reverse"), SMALL, config(steps), probe_text="abcab", threads=1, backend=RAY)
    assert isinstance(run.backend, RayBackend)
    run.backend.address = address
    return run


def wait_for(condition: Callable[[], bool], what: str, timeout: float = WAIT_S) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting until {what}")
        time.sleep(0.1)


@pytest.fixture
def cluster(ray_cluster_address) -> str:
    return ray_cluster_address


@pytest.fixture
def manager() -> Iterator[JobManager]:
    """The server's job manager as it is set up with a cluster: it submits everything; Ray queues."""
    jobs = JobManager(max_running=50, owner_grace_s=2.0, watch_interval_s=0.2)
    yield jobs
    jobs.shutdown(timeout=60)


def test_the_cluster_is_used_only_when_an_address_is_set(monkeypatch):
    monkeypatch.delenv("SEQVIZ_RAY_ADDRESS", raising=False)
    assert server_backend() == CHILD
    monkeypatch.setenv("SEQVIZ_RAY_ADDRESS", "auto")
    assert server_backend() == RAY


def test_four_runs_at_once_two_train_two_wait_and_all_finish_with_the_local_weights(cluster, manager):
    runs = [on_cluster(cluster, steps=120) for _ in range(4)]
    jobs = [manager.submit(run, owner=f"student-{n}") for n, run in enumerate(runs)]
    seen: list[tuple[int, int]] = []  # (running, waiting) over time
    waiting_counts: set[tuple[int | None, ...]] = set()

    def watch() -> bool:
        views = [run.view() for run in runs]
        states = [view.state for view in views]
        seen.append((states.count(RUNNING) + states.count(PAUSED), states.count(WAITING)))
        waiting = tuple(sorted(v.waiting_ahead for v in views if v.waiting_ahead is not None))
        waiting_counts.add(waiting)
        return all(run.finished for run in runs)

    wait_for(watch, "the four runs finished")
    assert all(manager.wait(job, 30) for job in jobs)
    # 2 CPUs: never more than two train at once, and at some moment two trained while two waited
    assert max(running for running, _ in seen) == 2
    assert (2, 2) in seen
    assert (0, 1) in waiting_counts  # the two waiting runs knew their places: none ahead, one ahead
    for run in runs:
        view = run.view()
        assert view.state == FINISHED and view.error is None, view.error
        assert view.step == 120 and view.stop_reason == StopReason.STEPS
        # the page's "running on the cluster (node ...)"
        assert view.where and view.where.endswith(f" on {socket.gethostname()}")
        assert [h.step for h in view.history][-1] == 120 and view.evaluations and view.snapshots
    # the same recipe trained here, in this process, gives the same weights (one thread each: same sums)
    local = TrainingRun(get_task("reverse"), SMALL, config(120), probe_text="abcab", threads=1)
    local.run()
    expected = local.training.trainer.model.state_dict()
    trained = runs[0].training.trainer.model.state_dict()
    assert expected.keys() == trained.keys()
    for name in expected:
        torch.testing.assert_close(trained[name], expected[name], rtol=1e-5, atol=1e-6, msg=name)


def test_pause_resume_and_stop_reach_the_worker(cluster, manager):
    run = on_cluster(cluster, steps=100_000)
    job = manager.submit(run, owner="student")
    wait_for(lambda: run.view().step >= 10, "the run trained a few updates")
    run.pause()
    assert run.state == PAUSED

    def holds_still() -> bool:  # reports already on their way arrive first; then the step must not move
        before = run.view().step
        time.sleep(1.0)
        return run.view().step == before

    wait_for(holds_still, "the worker paused")
    frozen = run.view().step
    time.sleep(2.0)
    assert run.view().step == frozen and run.state == PAUSED
    run.resume()
    wait_for(lambda: run.view().step > frozen + 5, "the run went on after resume")
    manager.stop(job)
    assert manager.wait(job, WAIT_S)
    view = run.view()
    assert view.state == FINISHED and view.stop_reason == StopReason.STOPPED
    assert view.stop_cause == StopCause.USER and view.error is None
    assert run.checkpoint() is not None  # a stopped run's weights came back: it can be saved


def test_a_run_stopped_while_it_waits_for_a_cpu_is_cancelled_not_failed(cluster, manager):
    busy = [on_cluster(cluster, steps=100_000) for _ in range(2)]
    for n, run in enumerate(busy):
        manager.submit(run, owner=f"busy-{n}")
    wait_for(lambda: all(run.state == RUNNING for run in busy), "both CPUs were taken")
    waiting = on_cluster(cluster, steps=50)
    job = manager.submit(waiting, owner="latecomer")
    wait_for(lambda: waiting.view().waiting_ahead == 0, "the late run waited first in line")
    manager.stop(job)
    assert manager.wait(job, WAIT_S)
    view = waiting.view()
    assert view.state == FINISHED and view.error is None and view.step == 0
    assert "before it started" in view.message
    for run in busy:
        run.stop()


def test_a_killed_worker_fails_its_run_and_the_next_run_works(cluster, manager):
    run = on_cluster(cluster, steps=100_000)
    job = manager.submit(run, owner="student")
    wait_for(lambda: run.view().step >= 5 and run.backend.worker_pid is not None, "the run trained")
    os.kill(run.backend.worker_pid, signal.SIGKILL)  # the actor's process, as a node's crash would end it
    assert manager.wait(job, WAIT_S)
    view = run.view()
    assert view.state == FAILED
    assert "the worker training it died" in view.error
    after = on_cluster(cluster, steps=20)
    after_job = manager.submit(after, owner="student")
    assert manager.wait(after_job, WAIT_S)
    assert after.view().state == FINISHED and after.view().error is None


def test_a_closed_tab_stops_its_cluster_run_after_the_grace_period(cluster, manager):
    connected = threading.Event()
    connected.set()
    run = on_cluster(cluster, steps=100_000)
    job = manager.submit(run, owner="student", is_owner_alive=connected.is_set)
    wait_for(lambda: run.view().step >= 5, "the run trained")
    connected.clear()  # the tab closes
    assert manager.wait(job, WAIT_S)
    assert run.view().stop_cause == StopCause.OWNER_GONE


def test_no_cluster_at_the_address_is_a_clear_failure_not_a_hang(manager):
    from seqviz.bench.app_server import free_port

    started = time.monotonic()
    run = on_cluster(f"127.0.0.1:{free_port()}", steps=20)
    job = manager.submit(run, owner="student")
    assert manager.wait(job, 60)
    view = run.view()
    assert view.state == FAILED and "no Ray cluster answers at 127.0.0.1:" in view.error
    assert time.monotonic() - started < 60


def test_a_cluster_that_goes_away_mid_run_fails_the_run_and_the_next_one_says_so(manager):
    with local_ray_cluster(cpus=1) as running:
        run = on_cluster(running.address, steps=100_000)
        job = manager.submit(run, owner="student")
        wait_for(lambda: run.view().step >= 5, "the run trained")
        running.crash()
        assert manager.wait(job, WAIT_S)
        view = run.view()
        assert view.state == FAILED, (view.stop_reason, view.stop_cause, view.message)
        assert "stopped answering" in view.error or "was lost" in view.error or "died" in view.error
        after = on_cluster(running.address, steps=20)
        after_job = manager.submit(after, owner="student")
        assert manager.wait(after_job, 60)
        assert "no Ray cluster answers" in after.view().error
    shutdown_gateway()


def test_the_benchmarks_runs_per_minute_counts_the_runs_that_finished(cluster):
    from seqviz.bench.cluster_runs import default_runs, time_runs
    from seqviz.training.backends.registry import RAY

    runs = default_runs(2, steps=10, backend=RAY)
    for run in runs:
        run.backend.address = cluster
    jobs = JobManager(max_running=2)
    try:
        measured = time_runs(runs, jobs, "ray")
    finally:
        jobs.shutdown(timeout=60)
    assert measured.failures == [] and measured.runs == 2
    assert measured.per_minute == pytest.approx(60 * 2 / measured.seconds)
    assert 0 < measured.cpu_seconds_per_run < measured.seconds
