"""How much a step-by-step replay costs next to one ``nn.LSTM`` call.

A page re-traces on every widget change, so ``trace_recurrent`` has a budget: about 3x one ``nn.LSTM``
forward at T = 100, hidden 256, batch 1 on a CPU. This module measures that ratio; it is a figure to report
(``python -m seqviz bench``), never a pass/fail test, because timings depend on the machine.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

import torch
from torch import nn

from seqviz.models.trace import trace_recurrent


@torch.no_grad()
def measure_trace_overhead(
    seq_len: int = 100,
    hidden: int = 256,
    input_size: int = 64,
    batch: int = 1,
    repeats: int = 20,
    threads: int | None = None,
    warmup: int = 3,
    seed: int = 0,
) -> dict[str, Any]:
    """Median wall time of ``nn.LSTM`` forward vs ``trace_recurrent`` on the same module and input.

    Both run without autograd (``torch.no_grad``), so the comparison is inference against inference. The
    two are timed alternately, one of each per repeat, so that a machine that speeds up or slows down during
    the run affects both alike. ``threads`` sets ``torch.set_num_threads`` for the measurement only.
    ``max_abs_error`` is the largest difference between the two outputs: a timing of a wrong replay is no
    timing at all.
    """
    if seq_len < 1 or hidden < 1 or input_size < 1 or batch < 1 or repeats < 1:
        raise ValueError("seq_len, hidden, input_size, batch and repeats must all be at least 1")
    previous_threads = torch.get_num_threads()
    if threads is not None:
        torch.set_num_threads(threads)
    try:
        generator = torch.Generator().manual_seed(seed)
        torch.manual_seed(seed)
        module = nn.LSTM(input_size, hidden).eval()
        inputs = torch.randn(seq_len, batch, input_size, generator=generator)

        for _ in range(warmup):
            module(inputs)
            trace_recurrent(module, inputs)
        module_times, trace_times = [], []
        for _ in range(repeats):
            start = time.perf_counter()
            module(inputs)
            module_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            trace_recurrent(module, inputs)
            trace_times.append(time.perf_counter() - start)

        expected, _ = module(inputs)
        max_abs_error = (trace_recurrent(module, inputs).output - expected).abs().max().item()
        module_seconds = statistics.median(module_times)
        trace_seconds = statistics.median(trace_times)
        return {
            "seq_len": seq_len,
            "hidden": hidden,
            "input_size": input_size,
            "batch": batch,
            "repeats": repeats,
            "threads": torch.get_num_threads(),
            "module_seconds": module_seconds,
            "trace_seconds": trace_seconds,
            "ratio": trace_seconds / module_seconds,
            # the fastest run of each: less disturbed by other work on a shared machine than the median
            "module_seconds_best": min(module_times),
            "trace_seconds_best": min(trace_times),
            "max_abs_error": max_abs_error,
        }
    finally:
        torch.set_num_threads(previous_threads)


if __name__ == "__main__":
    for length in (20, 100, 500):
        result = measure_trace_overhead(seq_len=length, threads=2)
        print(
            f"T={length:4d}  nn.LSTM {result['module_seconds'] * 1e3:7.3f} ms  "
            f"trace {result['trace_seconds'] * 1e3:7.3f} ms  ratio {result['ratio']:.2f}  "
            f"(best runs {result['trace_seconds_best'] / result['module_seconds_best']:.2f})  "
            f"max |error| {result['max_abs_error']:.1e}"
        )
