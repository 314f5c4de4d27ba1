"""Every ``SEQVIZ_*`` environment variable, read and validated in one place.

Each setting is read when it is asked for (tests and ``make run`` set them per process, and the pages ask
again on each run), and a bad value is one clear ``SettingsError`` naming the variable and what it takes,
never a traceback from ``float()`` at import. ``check_settings()`` reads them all at start-up: the CLI and
the app call it first, so a typo in a launch script is said at once, not when a student first trains.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from seqviz.errors import InputError

DEVICE_CHOICES = ("auto", "cpu", "cuda", "mps")  # what SEQVIZ_DEVICE and --device take
INFINITY = float("inf")


class SettingsError(InputError):
    """An environment variable holds a value seqviz cannot use."""


@dataclass(frozen=True)
class Setting:
    """One variable: its name, what it takes (said when a value is refused), how it is read and checked, and
    the value when it is unset (None: the caller decides, e.g. from the cores or its own folder)."""

    name: str
    takes: str
    parse: Callable[[str], Any]
    valid: Callable[[Any], bool]
    default: Any

    def read(self) -> Any:
        raw = os.environ.get(self.name, "").strip()
        if not raw:
            return self.default
        try:
            value = self.parse(raw)
        except ValueError:
            value = None
        if value is None or not self.valid(value):
            raise SettingsError(f"{self.name} takes {self.takes}, not {raw!r}")
        return value


def _anything(_: object) -> bool:
    return True


DEVICE = Setting(  # where models run (make run sets cpu)
    "SEQVIZ_DEVICE", "auto, cpu, cuda or mps", str.lower, lambda value: value in DEVICE_CHOICES, "auto"
)
THREADS = Setting(  # torch CPU threads; 0: one per core
    "SEQVIZ_THREADS", "a whole number of threads, 0 for one per core", int, lambda value: value >= 0, 0
)
CHECKPOINTS = Setting("SEQVIZ_CHECKPOINTS", "a folder", Path, _anything, None)  # the shipped checkpoints
USER_CHECKPOINTS = Setting("SEQVIZ_USER_CHECKPOINTS", "a folder", Path, _anything, None)  # users' saves
MAX_JOBS = Setting(  # training runs at once on a server; unset: decided by the cores
    "SEQVIZ_MAX_JOBS", "a whole number from 1", int, lambda value: value >= 1, None
)
JOB_THREADS = Setting(  # torch threads per training run on a server
    "SEQVIZ_JOB_THREADS", "a whole number from 1", int, lambda value: value >= 1, 1
)
OWNER_GRACE_S = Setting(  # how long a run outlives its closed tab
    "SEQVIZ_OWNER_GRACE_S", "a number of seconds from 0", float, lambda value: 0 <= value < INFINITY, 15.0
)
# How often a training run's numbers and curves redraw. Each redraw is a script run on the server and four
# charts redrawn in the browser: at twice a second, one watched run kept a core of a 2-core server busy.
POLL_SECONDS = Setting(
    "SEQVIZ_POLL_SECONDS", "a number of seconds above 0", float, lambda value: 0 < value < INFINITY, 1.0
)


def _ray_address(raw: str) -> str | None:
    """``auto`` or ``host:port`` (a port from 1 to 65535); anything else is refused."""
    if raw.lower() == "auto":
        return "auto"
    host, _, port = raw.rpartition(":")
    return raw if host and port.isdigit() and 1 <= int(port) <= 65535 else None


# A Ray cluster to train on (``auto``: the one ``ray start`` left on this machine, or host:port of its head);
# unset: training runs here, in child processes, and nothing about Ray is imported.
RAY_ADDRESS = Setting(
    "SEQVIZ_RAY_ADDRESS", "auto or the head's host:port (e.g. 10.0.0.5:6379)", _ray_address, _anything, None
)
DEBUG = Setting("SEQVIZ_DEBUG", "any text (set: show tracebacks)", bool, _anything, False)  # the CLI
SETTINGS = (
    DEVICE, THREADS, CHECKPOINTS, USER_CHECKPOINTS, MAX_JOBS, JOB_THREADS, OWNER_GRACE_S, POLL_SECONDS,
    RAY_ADDRESS, DEBUG,
)  # fmt: skip


def device_preference() -> str:
    return DEVICE.read()


def cpu_threads() -> int:
    """0: one per core."""
    return THREADS.read()


def checkpoints_folder(default: Path) -> Path:
    return CHECKPOINTS.read() or default


def user_checkpoints_folder(default: Path) -> Path:
    return USER_CHECKPOINTS.read() or default


def max_jobs() -> int | None:
    """None: decided by the cores (``seqviz.training.jobs.default_max_running``)."""
    return MAX_JOBS.read()


def job_threads() -> int:
    return JOB_THREADS.read()


def owner_grace_seconds() -> float:
    return OWNER_GRACE_S.read()


def poll_seconds() -> float:
    return POLL_SECONDS.read()


def ray_address() -> str | None:
    """None: no cluster (train locally)."""
    return RAY_ADDRESS.read()


def debug() -> bool:
    return DEBUG.read()


def check_settings() -> None:
    """Read every setting once; raises the first ``SettingsError``."""
    for setting in SETTINGS:
        setting.read()
