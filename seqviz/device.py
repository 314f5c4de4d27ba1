"""Choosing where tensors live.

Training and replay run on CPU by default (the embedded default of ``make run``), and on CUDA or Apple's
MPS when the user asks for ``auto`` and one is present. The choice is made in one place so the CLI, the
pages and the benchmark agree on what "auto" means.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from seqviz.errors import InputError
from seqviz.settings import DEVICE_CHOICES, cpu_threads, device_preference

if TYPE_CHECKING:
    import torch


def _mps_available() -> bool:
    import torch

    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())


def available_devices() -> list[str]:
    """The device kinds this machine can run, CPU first."""
    import torch

    devices = ["cpu"]
    if torch.cuda.is_available():
        devices.append("cuda")
    if _mps_available():
        devices.append("mps")
    return devices


def pick_device(preference: str | None = None) -> torch.device:
    """Resolve a user's device choice; ``auto`` prefers cuda, then mps, then cpu.

    With no choice, ``SEQVIZ_DEVICE`` decides (``make run`` sets it to ``cpu``), else ``auto``.

    An explicit choice that this machine cannot honour is an ``InputError`` rather than a silent fallback:
    a lecturer who asked for the GPU should learn that it is not there.
    """
    import torch

    choice = (preference or device_preference()).strip().lower()
    if choice not in DEVICE_CHOICES:
        raise InputError(f"unknown device {preference!r}: choose one of {', '.join(DEVICE_CHOICES)}")
    available = available_devices()
    if choice == "auto":
        for kind in ("cuda", "mps"):
            if kind in available:
                return torch.device(kind)
        return torch.device("cpu")
    if choice not in available:
        raise InputError(f"device {choice!r} is not available here (available: {', '.join(available)})")
    return torch.device(choice)


@dataclass(frozen=True)
class DeviceFacts:
    """What a page says about a device, as data: each edge words it in its own language."""

    kind: str  # "cpu", "cuda" or "mps"
    name: str = ""  # the GPU's name (cuda)
    threads: int = 0  # the CPU threads torch uses (cpu)


def device_facts(device: torch.device) -> DeviceFacts:
    import torch

    if device.type == "cuda":
        return DeviceFacts("cuda", name=torch.cuda.get_device_name(device))
    if device.type == "mps":
        return DeviceFacts("mps", name="Apple GPU")
    return DeviceFacts("cpu", threads=torch.get_num_threads())


def describe_device(device: torch.device) -> str:
    """A short English description for the CLI, e.g. ``cpu (2 threads)`` or ``cuda: NVIDIA H100``."""
    facts = device_facts(device)
    if facts.kind == "cpu":
        return f"cpu ({facts.threads} threads)"
    return f"{facts.kind}: {facts.name}"


def configure_cpu_threads(threads: int | None = None) -> int:
    """Use one thread per core (``SEQVIZ_THREADS`` overrides); small RNNs lose to oversubscription."""
    import torch

    wanted = threads or cpu_threads() or (os.cpu_count() or 1)
    torch.set_num_threads(max(1, wanted))
    return torch.get_num_threads()


@contextmanager
def torch_threads(threads: int | None) -> Iterator[None]:
    """Run a block with ``threads`` torch intra-op threads, then put the previous count back.

    Why restore: the count is process-wide, so a run that set it and left it would change the arithmetic of
    whatever runs next in the same process (a float sum split over 2 threads adds in another order than over
    1). ``None`` leaves the count as it is.
    """
    import torch

    previous = torch.get_num_threads()
    if threads:
        torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(previous)
