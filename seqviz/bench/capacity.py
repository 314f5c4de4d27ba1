"""The capacity model of ``docs/scaling.md``: from figures measured on one machine to a plan for a class.

Measured (``python -m seqviz bench``: the ``classroom_sessions`` and ``cluster_runs_per_minute`` rows): how
many interacting sessions one app process sustains, the memory each session adds, the CPU one interaction
costs, and the CPU-seconds one default training run takes. Derived here, and said so in the document: how many
replicas and Ray CPUs a class needs, and how long a run waits when everyone presses "Train" within a minute.

The training wait is a first-come queue on ``ray_cpus`` identical servers, each run taking ``run_seconds``,
with the runs' arrivals spread evenly over the minute (a lecture's "now everyone press Train"). It is computed
by simulating that queue exactly, not by a formula that holds only for random arrivals.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Measured:
    sessions_per_process: int  # simultaneous sessions at p95 <= 1 s, one interaction each per 10 s
    mib_per_session: float  # the app process's memory growth per connected session
    base_mib: float  # the app process's memory with no session
    cpu_s_per_interaction: float  # the app process's CPU time per interaction
    run_cpu_s: float  # one default Train-page run, one thread, from start to finish
    interaction_every_s: float = 10.0


@dataclass(frozen=True)
class Plan:
    students: int
    replicas: int
    replica_mib: float  # memory of one replica with its share of the sessions
    interaction_cores: float  # CPU the interactions of the whole class keep busy
    ray_cpus: int
    last_run_done_s: float  # after the first press, when the last of the class's runs finishes
    mean_wait_s: float  # a run's average wait for a CPU
    max_wait_s: float


def queue_waits(runs: int, servers: int, run_seconds: float, spread_s: float = 60.0) -> list[float]:
    """Each run's wait for a free server (first come, first served), ``runs`` arriving evenly over
    ``spread_s`` seconds; every run takes ``run_seconds`` once started."""
    if runs <= 0:
        return []
    free_at = [0.0] * max(1, servers)  # when each server is next free (a heap)
    waits = []
    for n in range(runs):
        arrival = spread_s * n / runs
        earliest = heapq.heappop(free_at)
        start = max(arrival, earliest)
        waits.append(start - arrival)
        heapq.heappush(free_at, start + run_seconds)
    return waits


def plan_for(students: int, measured: Measured, ray_cpus: int) -> Plan:
    """Replicas enough for ``students`` interacting sessions, and the training queue on ``ray_cpus`` CPUs."""
    replicas = max(1, math.ceil(students / max(1, measured.sessions_per_process)))
    per_replica = math.ceil(students / replicas)
    waits = queue_waits(students, ray_cpus, measured.run_cpu_s)
    last_done = max(
        (60.0 * n / students + wait + measured.run_cpu_s for n, wait in enumerate(waits)), default=0
    )
    return Plan(
        students=students,
        replicas=replicas,
        replica_mib=measured.base_mib + per_replica * measured.mib_per_session,
        interaction_cores=students * measured.cpu_s_per_interaction / measured.interaction_every_s,
        ray_cpus=ray_cpus,
        last_run_done_s=last_done,
        mean_wait_s=sum(waits) / len(waits) if waits else 0.0,
        max_wait_s=max(waits, default=0.0),
    )


def ray_cpus_for(students: int, measured: Measured, max_wait_s: float) -> int:
    """The fewest Ray CPUs with which no run of ``students`` pressing Train within a minute waits longer than
    ``max_wait_s``."""
    low, high = 1, max(1, students)
    while low < high:
        middle = (low + high) // 2
        if max(queue_waits(students, middle, measured.run_cpu_s), default=0.0) <= max_wait_s:
            high = middle
        else:
            low = middle + 1
    return low


def plan_table(
    measured: Measured, classes: tuple[int, ...] = (50, 200, 1000), max_wait_s: float = 60.0
) -> list[str]:
    """The document's table: for each class size, the replicas and the Ray CPUs for a wait of at most
    ``max_wait_s``, and, for comparison, the wait on a 16-CPU cluster."""
    lines = [
        "| students | app replicas | memory per replica | CPU for interactions | Ray CPUs for a wait ≤ "
        f"{max_wait_s:g} s | last run done | mean / max wait on 16 Ray CPUs |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for students in classes:
        cpus = ray_cpus_for(students, measured, max_wait_s)
        plan = plan_for(students, measured, cpus)
        small = plan_for(students, measured, 16)
        cells = [
            f"{students:,}", str(plan.replicas), f"{plan.replica_mib:,.0f} MiB",
            f"{plan.interaction_cores:.1f} cores", str(cpus), f"{plan.last_run_done_s:.0f} s",
            f"{small.mean_wait_s:,.0f} s / {small.max_wait_s:,.0f} s",
        ]  # fmt: skip
        lines.append("| " + " | ".join(cells) + " |")
    return lines
