"""Start the real app (``streamlit run app.py``) on a free local port, for browser tests and the benchmark.

The browser tests, the load test and the benchmark's browser rows all need the same thing: the app as a
user gets it, served by Streamlit in its own process, on 127.0.0.1 only, with its output kept in a log for
a post-mortem. One context manager serves them all, and exposes the process so that callers can read its
memory and thread count from ``/proc`` (``process_status``).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from seqviz import PROJECT_ROOT

ROOT = PROJECT_ROOT


@dataclass(frozen=True)
class AppServer:
    url: str  # http://127.0.0.1:PORT
    process: subprocess.Popen
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_app(
    log: Path, env: Mapping[str, str] | None = None, start_timeout_s: float = 60, script: Path | None = None
) -> Iterator[AppServer]:
    """Serve ``app.py`` (or another Streamlit ``script`` of the project, a test's small app) until the block
    ends; ``env`` adds to (or overrides) this process's environment.

    Raises RuntimeError with the server's output when it does not answer its health check in time."""
    port = free_port()
    command = [
        sys.executable, "-m", "streamlit", "run", str(script or ROOT / "app.py"),
        "--server.headless", "true", "--server.address", "127.0.0.1", "--server.port", str(port),
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
    ]  # fmt: skip
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            # `streamlit run` puts the script's folder on sys.path; a test's app imports seqviz too
            env={**os.environ, "PYTHONPATH": _with_root(os.environ.get("PYTHONPATH")), **(env or {})},
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
        )
    server = AppServer(f"http://127.0.0.1:{port}", process, log)
    try:
        wait_healthy(
            server.url, process, start_timeout_s, lambda: "streamlit did not start:\n" + log.read_text()
        )
        yield server
    finally:
        end_process(process, 10)


def _with_root(python_path: str | None) -> str:
    return os.pathsep.join(filter(None, [str(ROOT), python_path]))


def end_process(process: subprocess.Popen, timeout_s: float) -> None:
    """Ask a server process to end (SIGTERM); kill it if it has not within ``timeout_s``."""
    process.terminate()
    try:
        process.wait(timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout_s)


def wait_healthy(
    url: str, process: subprocess.Popen, timeout_s: float, failure: Callable[[], str], probe_s: float = 1
) -> None:
    """Until Streamlit's health check at ``url`` answers "ok" (directly or through a proxy); raises with
    ``failure()`` (the log that says why) if ``process`` ends or ``timeout_s`` passes first."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=probe_s) as response:
                if response.read() == b"ok":
                    return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(failure())
        time.sleep(0.2)


def process_status(pid: int) -> dict[str, int]:
    """Resident memory now and at its peak (bytes) and the thread count of a process, from Linux's
    ``/proc/PID/status``: ``{"rss": ..., "peak_rss": ..., "threads": ...}``; empty where there is no /proc."""
    fields = {"VmRSS": "rss", "VmHWM": "peak_rss", "Threads": "threads"}
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return {}
    status: dict[str, int] = {}
    for line in lines:
        key, _, value = line.partition(":")
        if key in fields:
            number = int(value.split()[0])
            status[fields[key]] = number * 1024 if key.startswith("Vm") else number
    return status


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants (Linux ``/proc/PID/task/*/children``): a server and the training
    processes it started."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            with suppress(OSError):
                pending.extend(int(child) for child in (task / "children").read_text().split())
    return found


def tree_rss(pid: int) -> int:
    """Resident memory of ``pid`` and its descendants together, in bytes (shared pages counted in each)."""
    return sum(process_status(member).get("rss", 0) for member in process_tree(pid))
