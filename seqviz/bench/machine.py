"""What a benchmark ran on: the facts a reader needs before trusting (or doubting) its timings.

The load average is among them because a small shared machine is the common case: another process on the
same two cores can halve a run's speed, and the figures are only as good as the quiet they were taken in.
"""

from __future__ import annotations

import os
import platform
import time
from dataclasses import dataclass, field
from pathlib import Path

import torch

CPUINFO = Path("/proc/cpuinfo")
PROC_STAT = Path("/proc/stat")


@dataclass(frozen=True)
class MachineFacts:
    cpu_model: str
    logical_cpus: int
    physical_cores: int | None
    torch_threads: int
    torch_version: str
    python_version: str
    devices: tuple[str, ...]  # described, e.g. "cpu (2 threads)", "cuda: NVIDIA H100"
    load_average: tuple[float, float, float] | None

    def lines(self) -> list[tuple[str, str]]:
        cores = "unknown" if self.physical_cores is None else str(self.physical_cores)
        load = "unknown" if self.load_average is None else " / ".join(f"{x:.2f}" for x in self.load_average)
        return [
            ("CPU", self.cpu_model),
            ("cores", f"{cores} physical, {self.logical_cpus} logical"),
            ("torch threads", str(self.torch_threads)),
            ("torch", self.torch_version),
            ("python", self.python_version),
            ("devices", ", ".join(self.devices)),
            ("load average at start (1 / 5 / 15 min)", load),
        ]


def read_cpuinfo(text: str) -> tuple[str, int | None]:
    """(CPU model name, physical cores) from ``/proc/cpuinfo`` text; cores counted as distinct
    (physical id, core id) pairs, None when the file does not say."""
    model = "unknown"
    cores: set[tuple[str, str]] = set()
    physical = core = None
    for line in [*text.splitlines(), ""]:
        key, _, value = (part.strip() for part in line.partition(":"))
        if key == "model name" and model == "unknown":
            model = value
        elif key == "physical id":
            physical = value
        elif key == "core id":
            core = value
        elif not line.strip():  # a blank line ends one logical CPU's block
            if core is not None:
                cores.add((physical or "0", core))
            physical = core = None
    return model, (len(cores) or None)


def cpu_busy_seconds() -> float | None:
    """CPU seconds the whole machine has spent busy since boot (all processes, stolen time included), or
    None where ``/proc/stat`` is missing."""
    try:
        fields = PROC_STAT.read_text().splitlines()[0].split()
        ticks = [int(x) for x in fields[1:]]
        hertz = os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None
    # user nice system idle iowait irq softirq steal ...: everything but idle and iowait is busy
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)
    return (sum(ticks[:8]) - idle) / hertz


def own_cpu_seconds() -> float:
    """CPU seconds of this process and of its children that have ended and been waited for."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


@dataclass
class OtherLoad:
    """How much CPU *other* processes took while a benchmark ran: the machine's busy time less our own.

    On a small shared machine this is what explains a bad figure: with torch on every core, one core
    taken by someone else stalls every parallel operation. "Our own" includes the child processes this one
    started and has waited for (the app server and Chromium of the browser row), so they are not counted
    as someone else's load.
    """

    wall: float = field(default_factory=time.perf_counter)
    busy: float | None = field(default_factory=cpu_busy_seconds)
    own: float = field(default_factory=own_cpu_seconds)

    def cores(self) -> float | None:
        """Average number of cores other processes kept busy since this object was made."""
        busy = cpu_busy_seconds()
        wall = time.perf_counter() - self.wall
        if busy is None or self.busy is None or wall <= 0:
            return None
        others = (busy - self.busy) - (own_cpu_seconds() - self.own)
        return max(others, 0.0) / wall


def load_average() -> tuple[float, float, float] | None:
    try:
        return os.getloadavg()
    except OSError:  # not every platform has one
        return None


def machine_facts(devices: tuple[str, ...]) -> MachineFacts:
    try:
        model, physical = read_cpuinfo(CPUINFO.read_text(errors="replace"))
    except OSError:
        model, physical = platform.processor() or "unknown", None
    load = load_average()
    return MachineFacts(
        cpu_model=model,
        logical_cpus=os.cpu_count() or 1,
        physical_cores=physical,
        torch_threads=torch.get_num_threads(),
        torch_version=torch.__version__,
        python_version=platform.python_version(),
        devices=devices,
        load_average=load,
    )
