"""``cluster_runs_per_minute``: the Train page's default run, completed per minute, on a local Ray cluster
using both cores vs the embedded default (child processes, one core kept free for the pages).

Both sides train the same batch of runs, submitted at once as a class pressing "Train" together would, through
the same job manager and live run the page uses; the clock runs from the first submission to the last run's
end, so start-up (Ray's workers, each child's torch import) is counted, as a student waits for it too.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from seqviz.bench.rows import Row, Target, compare
from seqviz.training.jobs import JobManager

TARGET = Target(">=", 1.5)  # two cores instead of one: most of the 2x, the rest is Ray's overhead
RUN_TIMEOUT_S = 1800.0


@dataclass(frozen=True)
class RunsPerMinute:
    backend: str
    runs: int
    seconds: float
    cpu_seconds_per_run: float  # the wall time one run held one CPU for, on average
    failures: list[str] = field(default_factory=list)

    @property
    def per_minute(self) -> float:
        return 60.0 * self.runs / self.seconds if self.seconds > 0 else 0.0


def default_runs(count: int, steps: int | None, backend: str) -> list:
    """``count`` runs of the Train page's default recipe (task, model, live training settings, one thread)."""
    from dataclasses import replace

    from seqviz.data.tasks import get_task
    from seqviz.training.config import DEFAULT_MODEL, LIVE_TRAINING
    from seqviz.training.live_run import TrainingRun

    config = LIVE_TRAINING if steps is None else replace(LIVE_TRAINING, steps=steps)
    return [
        TrainingRun(get_task("reverse"), DEFAULT_MODEL, config, threads=1, backend=backend)
        for _ in range(count)
    ]


def time_runs(runs: list, manager: JobManager, backend: str) -> RunsPerMinute:
    """Submit every run at once and wait for them all; the runs' own training seconds give CPU per run."""
    started = time.perf_counter()
    jobs = [manager.submit(run, owner=f"student-{n}") for n, run in enumerate(runs)]
    for job in jobs:
        manager.wait(job, RUN_TIMEOUT_S)
    seconds = time.perf_counter() - started
    failures = [run.view().error or "" for run in runs if run.view().error or run.result is None]
    trained = [run.result.elapsed for run in runs if run.result is not None]
    return RunsPerMinute(
        backend, len(runs) - len(failures), seconds, sum(trained) / max(1, len(trained)), failures
    )


def measure(count: int = 6, steps: int | None = None, cpus: int = 2) -> tuple[RunsPerMinute, RunsPerMinute]:
    """The same ``count`` runs locally (the server's default job manager) and on a ``cpus``-CPU local Ray
    cluster (a job manager that hands every run to Ray at once)."""
    from seqviz.bench.local_cluster import local_ray_cluster
    from seqviz.training.backends.ray_cluster import shutdown_gateway
    from seqviz.training.backends.registry import CHILD, RAY

    local_manager = JobManager()  # the embedded default: one less than the cores
    try:
        local = time_runs(default_runs(count, steps, CHILD), local_manager, "local")
    finally:
        local_manager.shutdown(timeout=60)
    with local_ray_cluster(cpus=cpus) as cluster:
        cluster_manager = JobManager(max_running=count)
        runs = default_runs(count, steps, RAY)
        for run in runs:
            run.backend.address = cluster.address
        try:
            on_ray = time_runs(runs, cluster_manager, "ray")
        finally:
            cluster_manager.shutdown(timeout=60)
            shutdown_gateway()
    return local, on_ray


def cluster_runs_row(count: int = 6, steps: int | None = None) -> Row:
    """The row; a machine without Ray gets an unmeasured row that says so."""
    from seqviz.bench.local_cluster import ray_executable

    if ray_executable() is None:
        return compare(
            "cluster_runs_per_minute", None, "runs/min", None, TARGET,
            "not measured: Ray is not installed (pip install -r requirements-cluster.txt)",
        )  # fmt: skip
    local, on_ray = measure(count, steps)
    failed = local.failures + on_ray.failures
    ratio = on_ray.per_minute / local.per_minute if local.per_minute and not failed else None
    note = (
        f"{count} default Train-page runs submitted at once; local back end {local.per_minute:.2f} runs/min "
        f"({local.seconds:.0f} s, one core kept for pages); Ray on 2 CPUs {on_ray.per_minute:.2f} runs/min "
        f"({on_ray.seconds:.0f} s); {on_ray.cpu_seconds_per_run:.1f} training s per run on Ray, "
        f"{local.cpu_seconds_per_run:.1f} s locally"
    )
    if failed:
        note += f"; {len(failed)} runs failed: {failed[0][:200]}"
    return compare("cluster_runs_per_minute", on_ray.per_minute, "runs/min", ratio, TARGET, note)
