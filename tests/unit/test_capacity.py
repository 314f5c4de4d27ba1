"""The capacity model's queue (``seqviz.bench.capacity``): exact on cases worked by hand, equal to a plain
event-by-event simulation on many others, and the plan's arithmetic."""

from __future__ import annotations

import random

import pytest

from seqviz.bench.capacity import Measured, plan_for, plan_table, queue_waits, ray_cpus_for


def test_one_cpu_three_runs_over_a_minute_worked_by_hand():
    # arrivals at 0, 20, 40 s; 30 s each on one CPU: starts at 0, 30, 60
    assert queue_waits(3, 1, 30.0) == pytest.approx([0.0, 10.0, 20.0])
    # two CPUs: the third starts when the first ends (30 s), it arrived at 40: no wait
    assert queue_waits(3, 2, 30.0) == pytest.approx([0.0, 0.0, 0.0])
    assert queue_waits(4, 1, 60.0) == pytest.approx([0.0, 45.0, 90.0, 135.0])


def simulate(runs: int, servers: int, seconds: float) -> list[float]:
    """The same queue, second by second of events: a list of the times each server frees, scanned whole."""
    free = [0.0] * servers
    waits = []
    for n in range(runs):
        arrival = 60.0 * n / runs
        index = min(range(servers), key=lambda i: free[i])
        start = max(arrival, free[index])
        free[index] = start + seconds
        waits.append(start - arrival)
    return waits


def test_the_queue_equals_a_plain_simulation():
    rng = random.Random(7)
    for _ in range(200):
        runs, servers, seconds = rng.randint(1, 300), rng.randint(1, 40), rng.uniform(1, 200)
        assert queue_waits(runs, servers, seconds) == pytest.approx(simulate(runs, servers, seconds))


MEASURED = Measured(
    sessions_per_process=40, mib_per_session=2.0, base_mib=400, cpu_s_per_interaction=0.1, run_cpu_s=30.0
)


def test_the_plan_adds_up():
    plan = plan_for(200, MEASURED, ray_cpus=16)
    assert plan.replicas == 5 and plan.replica_mib == pytest.approx(400 + 40 * 2.0)
    assert plan.interaction_cores == pytest.approx(200 * 0.1 / 10)
    assert plan.max_wait_s == pytest.approx(max(simulate(200, 16, 30.0)))
    cpus = ray_cpus_for(200, MEASURED, max_wait_s=60.0)
    assert max(queue_waits(200, cpus, 30.0)) <= 60.0 < max(queue_waits(200, cpus - 1, 30.0))
    assert len(plan_table(MEASURED)) == 2 + 3
