"""A real Ray cluster on this machine, for the cluster benchmark row and the cluster tests.

``ray start --head --block`` on loopback, in its own temporary folder and on a free port, so it never meets
a cluster someone else runs here (``ray stop`` would end every cluster of the machine; ending our own
``--block`` process ends exactly ours, its raylet and its workers).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from seqviz.bench.app_server import free_port
from seqviz.training.backends.ray_gateway import head_answers

START_TIMEOUT_S = 90.0
OBJECT_STORE_BYTES = 100 * 1024 * 1024  # the runs pass weights of a few MB; Ray's default takes 30% of RAM


@dataclass(frozen=True)
class LocalCluster:
    address: str  # host:port of the head, what SEQVIZ_RAY_ADDRESS takes
    process: subprocess.Popen
    log: Path

    def stop(self) -> None:
        """End the cluster (its head, raylet and workers) and wait until it is gone. At once: a graceful
        ``ray stop`` takes seconds and keeps nothing this throw-away cluster would need."""
        if self.process.poll() is None:
            self.crash()

    def crash(self) -> None:
        """End every process of the cluster at once (SIGKILL), as a power cut would: for fault tests."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # its own process group: see local_ray_cluster
        self.process.wait(10)


def ray_executable() -> str | None:
    """The ``ray`` command beside this interpreter (the venv's), or None when Ray is not installed."""
    candidate = Path(sys.executable).parent / "ray"
    return str(candidate) if candidate.exists() else shutil.which("ray")


@contextlib.contextmanager
def local_ray_cluster(cpus: int = 2) -> Iterator[LocalCluster]:
    """A running Ray head with ``cpus`` CPUs on 127.0.0.1, ended (all of it) on exit."""
    ray = ray_executable()
    if ray is None:
        raise RuntimeError("Ray is not installed (pip install -r requirements-cluster.txt)")
    port = free_port()
    # Ray's sockets live in this folder: short, or their paths pass the 107-character limit of Unix sockets
    folder = Path(tempfile.mkdtemp(prefix="sqray-", dir="/tmp" if os.path.isdir("/tmp") else None))
    log = folder / "head.log"
    command = [
        ray, "start", "--head", "--block", "--node-ip-address=127.0.0.1", f"--port={port}",
        f"--num-cpus={cpus}", "--num-gpus=0", "--include-dashboard=false", "--disable-usage-stats",
        f"--object-store-memory={OBJECT_STORE_BYTES}", f"--temp-dir={folder}",
    ]  # fmt: skip
    with log.open("wb") as output:
        process = subprocess.Popen(  # a session of its own: its processes can be ended together (crash)
            command, stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
        )
    cluster = LocalCluster(f"127.0.0.1:{port}", process, log)
    try:
        _wait_until_up(cluster, port)
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)


def _wait_until_up(cluster: LocalCluster, port: int) -> None:
    """Until the head takes connections and has said it started (its raylet is then up too)."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if cluster.process.poll() is not None:
            raise RuntimeError(f"ray start ended early: {cluster.log.read_text(errors='replace')[-2000:]}")
        if (
            head_answers("127.0.0.1", port, timeout=1.0)
            and b"Ray runtime started" in cluster.log.read_bytes()
        ):
            return
        time.sleep(0.3)
    raise RuntimeError(f"the Ray head did not start within {START_TIMEOUT_S:g} s")
