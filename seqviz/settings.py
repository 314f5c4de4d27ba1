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
from typing import TypeVar

from seqviz.errors import InputError

T = TypeVar("T")
DEVICE_CHOICES = ("auto", "cpu", "cuda", "mps")  # what SEQVIZ_DEVICE and --device take


class SettingsError(InputError):
    """An environment variable holds a value seqviz cannot use."""


@dataclass(frozen=True)
class Setting:
    """One variable: its name, what it takes (for the message) and what it means."""

    name: str
    takes: str
    meaning: str


DEVICE = Setting("SEQVIZ_DEVICE", "auto, cpu, cuda or mps", "where models run (make run sets cpu)")
THREADS = Setting("SEQVIZ_THREADS", "a whole number of threads, 0 for one per core", "torch CPU threads")
CHECKPOINTS = Setting("SEQVIZ_CHECKPOINTS", "a folder", "the shipped checkpoints")
USER_CHECKPOINTS = Setting("SEQVIZ_USER_CHECKPOINTS", "a folder", "where users' checkpoints are saved")
MAX_JOBS = Setting("SEQVIZ_MAX_JOBS", "a whole number from 1", "training runs at once on a server")
JOB_THREADS = Setting("SEQVIZ_JOB_THREADS", "a whole number from 1", "torch threads per training run")
OWNER_GRACE_S = Setting(
    "SEQVIZ_OWNER_GRACE_S", "a number of seconds from 0", "how long a run outlives its closed tab"
)
POLL_SECONDS = Setting("SEQVIZ_POLL_SECONDS", "a number of seconds above 0", "how often a live run redraws")
DEBUG = Setting("SEQVIZ_DEBUG", "any text (set: show tracebacks)", "the CLI shows a bug's traceback")
SETTINGS = (
    DEVICE, THREADS, CHECKPOINTS, USER_CHECKPOINTS, MAX_JOBS, JOB_THREADS, OWNER_GRACE_S, POLL_SECONDS, DEBUG
)  # fmt: skip


def _read(setting: Setting, parse: Callable[[str], T], valid: Callable[[T], bool], default: T) -> T:
    raw = os.environ.get(setting.name, "").strip()
    if not raw:
        return default
    try:
        value = parse(raw)
    except ValueError:
        value = None
    if value is None or not valid(value):
        raise SettingsError(f"{setting.name} takes {setting.takes}, not {raw!r}")
    return value


def device_preference() -> str:
    return _read(DEVICE, str.lower, lambda value: value in DEVICE_CHOICES, "auto")


def cpu_threads() -> int:
    """0: one per core."""
    return _read(THREADS, int, lambda value: value >= 0, 0)


def checkpoints_folder(default: Path) -> Path:
    return _read(CHECKPOINTS, Path, lambda _: True, default)


def user_checkpoints_folder(default: Path) -> Path:
    return _read(USER_CHECKPOINTS, Path, lambda _: True, default)


def max_jobs() -> int | None:
    """None: decided by the cores (``seqviz.training.jobs.default_max_running``)."""
    return _read(MAX_JOBS, int, lambda value: value >= 1, None)


def job_threads() -> int:
    return _read(JOB_THREADS, int, lambda value: value >= 1, 1)


def owner_grace_seconds() -> float:
    return _read(OWNER_GRACE_S, float, lambda value: 0 <= value < float("inf"), 15.0)


def poll_seconds() -> float:
    return _read(POLL_SECONDS, float, lambda value: 0 < value < float("inf"), 1.0)


def debug() -> bool:
    return bool(os.environ.get(DEBUG.name))


def check_settings() -> None:
    """Read every setting once; raises the first ``SettingsError``."""
    device_preference()
    cpu_threads()
    checkpoints_folder(Path("."))
    user_checkpoints_folder(Path("."))
    max_jobs()
    job_threads()
    owner_grace_seconds()
    poll_seconds()
