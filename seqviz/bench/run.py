"""``python -m seqviz bench``: every figure of the benchmark in one run, as rows against their targets.

Rows (names fixed; a consumer may match on them):

- ``train_tokens_per_s_vs_tutorial``: seqviz's training target tokens/s; ratio to the one-pair-at-a-time
  tutorial trainer, target ``>= 30``.
- ``train_tokens_per_s_vs_batched``: the same figure; ratio to the d2l-style batched trainer, ``>= 2``.
- ``time_to_90_vs_batched``: seqviz's training seconds (evaluation excluded) until validation exact match
  first reaches 0.90; ratio to the d2l-style trainer's, ``<= 0.5``.
- ``trace_vs_lstm_forward``: ``trace_recurrent`` time at T = 100, hidden 256, batch 1; ratio to one
  ``nn.LSTM`` forward, ``<= 3``.
- ``page_first_render``: the slowest model page's first-render compute from a shipped checkpoint (cold
  checkpoint load included), in seconds; ratio to one second, ``<= 1`` (``seqviz.bench.first_render``).
- ``explain_first_render``: integrated gradients (32 steps) of a 20-token input on the shipped reverse model,
  the "Attention vs attribution" tab's compute, in seconds; ratio to one second, ``<= 1``
  (``seqviz.bench.explain_render``).
- ``beam10_vs_greedy``: beam search (width 10, maximum length 30) ms per sentence on the shipped reverse
  model; ratio to greedy decoding, ``<= 3`` (``seqviz.bench.decoding_bleu``).
- ``bleu_explained_vs_sacrebleu``: seconds for BLEU with every n-gram explained on 10,000 pairs; ratio to
  ``sacrebleu.corpus_bleu``, ``<= 2``.
- ``page_first_render_browser``: the slowest page's first render in headless Chromium against the real app
  once the server is warm (every page opened once first), from navigation start until the page's main chart
  is drawn and Streamlit has finished the run; the median of 3 loads per page (2 with ``--quick``), each a
  fresh browser session. Seconds; ratio to one second, ``<= 3`` (``seqviz.bench.browser_render``). Null
  and not ok, with the reason in the note, where Playwright or Chromium is missing.
- ``lesson_step_switch_browser``: the median time from a lecturer's → to the next lesson step's chart drawn
  (Streamlit's run finished), in headless Chromium at 1280×720 against the same server, once a rehearsal
  pass has computed each step; seconds, ratio to one second, ``<= 1`` (``seqviz.bench.lesson_switch``).
- ``peak_memory``: the app server's peak resident memory (``VmHWM``) after the browser row has opened
  every page in several sessions, in MiB; ratio to one MiB, ``<= 2048``: a server for a lecture hall
  should fit in half of a 4 GiB laptop or VM, leaving the rest to the sessions of a class (the load test
  measures many at once). The note also gives the benchmark process's own peak (``ru_maxrss``: the
  training runs). Null where the browser row could not run.
- ``classroom_sessions``: the most simultaneous student sessions one app process serves while each
  interacts every 10 s on the Attention and Decoding pages, with the p95 time from an interaction to the end
  of its script run ``<= 1`` s; light websocket clients, checked against real Chromium tabs; ratio to one
  session, ``>= 30`` (``seqviz.bench.classroom``: the note gives each level's p95, memory per session and
  server CPU per interaction). Null where Chromium is missing.

- ``cluster_runs_per_minute``: default Train-page runs (reverse, the page's default model and settings, one
  thread each) completed per minute when six are submitted at once, on a local Ray cluster using both cores,
  as a ratio to the embedded default (child processes, one core kept for the pages), ``>= 1.5``
  (``seqviz.bench.cluster_runs``; the note gives both sides and the training seconds per run). Null where Ray
  is not installed.

- ``transformer_tokens_per_s_vs_rnn`` and ``transformer_time_to_90_vs_rnn``: the RNN vs Transformer page's
  two recipes (LSTM + Bahdanau, hidden 64, against a Transformer of d_model 64, 2 layers, 4 heads) on the
  same task, budget and threads, one run each: the Transformer's target tokens/s and seconds to 90% exact
  match, as ratios to the RNN's, ``>= 1`` and ``<= 1`` (``seqviz.bench.transformer_rnn``).

With CUDA present the five training rows are measured again on the GPU, their names ending in ``_cuda``.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import torch

from seqviz.bench.browser_render import BrowserRender
from seqviz.bench.classroom import TARGET as CLASSROOM_TARGET
from seqviz.bench.cluster_runs import TARGET as CLUSTER_TARGET
from seqviz.bench.machine import MachineFacts, OtherLoad, machine_facts
from seqviz.bench.rows import Row, Target, compare
from seqviz.bench.runs import Budget, RunResult, run_baseline, run_seqviz
from seqviz.bench.transformer_rnn import TARGETS as TRANSFORMER_TARGETS
from seqviz.bench.transformer_rnn import race, transformer_rows

TARGETS = {
    "train_tokens_per_s_vs_tutorial": Target(">=", 30),
    "train_tokens_per_s_vs_batched": Target(">=", 2),
    "time_to_90_vs_batched": Target("<=", 0.5),
    **TRANSFORMER_TARGETS,
    "trace_vs_lstm_forward": Target("<=", 3),
    "page_first_render": Target("<=", 1),
    "explain_first_render": Target("<=", 1),
    "beam10_vs_greedy": Target("<=", 3),
    "bleu_explained_vs_sacrebleu": Target("<=", 2),
    "page_first_render_browser": Target("<=", 3),
    "lesson_step_switch_browser": Target("<=", 1),
    "peak_memory": Target("<=", 2048),
    "classroom_sessions": CLASSROOM_TARGET,  # a class of thirty on one app process
    "cluster_runs_per_minute": CLUSTER_TARGET,  # most of the 2x that both cores give
}
MIB = 1024 * 1024
NOT_MEASURED: dict[str, str] = {}  # rows the benchmark names but cannot measure yet, with the reason
TRACE_MAX_ERROR = 1e-4  # a replay further than this from nn.LSTM is wrong, and its timing means nothing


@dataclass(frozen=True)
class BenchSettings:
    """Budgets for one benchmark run. ``full()`` is the real measurement; ``quick()`` checks that every
    part runs, in one to three minutes (most of it the browser row loading every page three times), and
    its figures are rough (90% is usually not reached)."""

    quick: bool
    train_seconds: float  # cap for the seqviz and d2l runs
    tutorial_seconds: float  # cap for the one-pair-at-a-time run (it never gets near 90% in time)
    eval_size: int  # validation examples, the same ones for every run
    seqviz_eval_every: int  # updates between evaluations; each side about every half second or less
    d2l_eval_every: int
    tutorial_eval_every: int
    trace_repeats: int
    browser_repeats: int = 3  # timed loads of each page in Chromium, after one untimed warm-up load
    target_exact_match: float = 0.9
    task: str = "reverse"
    seed: int = 0

    @classmethod
    def full(cls) -> BenchSettings:
        return cls(
            quick=False,
            train_seconds=120.0,
            tutorial_seconds=120.0,
            eval_size=500,
            seqviz_eval_every=10,
            d2l_eval_every=5,
            tutorial_eval_every=500,
            trace_repeats=30,
        )

    @classmethod
    def quick_run(cls) -> BenchSettings:
        return cls(
            quick=True,
            train_seconds=5.0,
            tutorial_seconds=2.0,
            eval_size=200,
            seqviz_eval_every=25,
            d2l_eval_every=25,
            tutorial_eval_every=200,
            trace_repeats=5,
            browser_repeats=2,
        )


@dataclass
class BenchReport:
    settings: BenchSettings
    machine: MachineFacts
    started: str
    rows: list[Row] = field(default_factory=list)
    runs: list[RunResult] = field(default_factory=list)
    trace: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    other_cores: float | None = None  # average cores other processes used during the benchmark


def run_bench(settings: BenchSettings, progress: Callable[[str], None] = lambda message: None) -> BenchReport:
    """Run every measurement and build the rows. CPU threads are set once (one per core), so all three
    trainers and the trace share the same thread count."""
    from seqviz.device import configure_cpu_threads, describe_device

    configure_cpu_threads()
    devices = [torch.device("cpu")]
    if torch.cuda.is_available():
        devices.append(torch.device("cuda"))
    started = time.perf_counter()
    others = OtherLoad()
    report = BenchReport(
        settings,
        machine_facts(tuple(describe_device(d) for d in devices)),
        datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    )
    for device in devices:
        runs = train_contestants(settings, device, progress)
        report.runs.extend(runs.values())
        suffix = "" if device.type == "cpu" else f"_{device.type}"
        rows, notes = training_rows(runs, settings, suffix)
        report.rows.extend(rows)
        report.notes.extend(notes)
        pair = race(
            settings.task,
            settings.train_seconds,
            settings.eval_size,
            settings.target_exact_match,
            device,
            settings.seed,
            progress,
        )
        report.runs.extend(pair.values())
        report.rows.extend(transformer_rows(pair, settings.target_exact_match, suffix))
    progress(f"trace replay vs nn.LSTM at T=100, hidden 256 ({settings.trace_repeats} repeats)")
    report.trace, trace_row = measure_trace(settings)
    report.rows.append(trace_row)
    progress("first-render compute of each model page")
    report.rows.append(first_render_row(settings))
    progress("integrated gradients of a 20-token input (the attribution tab's first render)")
    report.rows.append(explain_render_row(settings))
    progress("beam search width 10 vs greedy; explained BLEU vs sacrebleu on 10,000 pairs")
    report.rows.extend(decoding_and_bleu_rows(settings))
    progress(
        f"each page's first render in headless Chromium (one warm-up load, then {settings.browser_repeats} "
        "per page); the server's peak memory"
    )
    report.rows.extend(browser_rows(settings))
    progress("a class of light sessions (and a few Chromium tabs) interacting every 10 s on one app process")
    report.rows.append(classroom_row(settings))
    progress("training runs per minute: the embedded default vs a local Ray cluster on both cores")
    report.rows.append(cluster_row(settings))
    report.seconds = time.perf_counter() - started
    report.other_cores = others.cores()
    busy = busy_note(report.machine, report.other_cores)
    if busy:
        report.notes.append(busy)
    return report


def busy_note(machine: MachineFacts, other_cores: float | None) -> str | None:
    """A warning when other processes shared the CPU: with torch on every core, one busy core stalls every
    parallel operation, and a run can slow down many times over."""
    if other_cores is None or other_cores < 0.1:
        return None
    return (
        f"other processes kept {other_cores:.2f} of {machine.logical_cpus} CPUs busy on average during "
        f"this benchmark (torch used {machine.torch_threads} threads): figures may be low or uneven; "
        "rerun when the machine is quiet, or compare with SEQVIZ_THREADS=1."
    )


def train_contestants(
    settings: BenchSettings, device: torch.device, progress: Callable[[str], None]
) -> dict[str, RunResult]:
    """The d2l baseline, seqviz, then the tutorial: the two raced to 90% run back to back."""
    target = settings.target_exact_match
    plans = [
        ("d2l", Budget(settings.train_seconds, settings.d2l_eval_every, target)),
        ("seqviz", Budget(settings.train_seconds, settings.seqviz_eval_every, target)),
        ("tutorial", Budget(settings.tutorial_seconds, settings.tutorial_eval_every, target)),
    ]
    runs: dict[str, RunResult] = {}
    for name, budget in plans:
        progress(f"training {name} on {settings.task}, {device.type}, up to {budget.max_seconds:g} s")
        others = OtherLoad()
        if name == "seqviz":
            run = run_seqviz(settings.task, budget, device, settings.eval_size, settings.seed)
        else:
            run = run_baseline(name, settings.task, budget, device, settings.eval_size, settings.seed)
        run.other_cores = others.cores()
        reached = run.time_to(target)
        progress(
            f"  {name}: {run.tokens_per_s:,.0f} target tokens/s, {run.steps} updates in {run.elapsed:.1f} s, "
            f"exact match {run.final_exact_match:.3f}, "
            + (f"{target:.0%} after {reached:.1f} s" if reached is not None else f"{target:.0%} not reached")
        )
        runs[name] = run
    return runs


def training_rows(
    runs: dict[str, RunResult], settings: BenchSettings, suffix: str = ""
) -> tuple[list[Row], list[str]]:
    """The three training rows (names + ``suffix``) and notes on anything a bare number would hide."""
    seqviz, tutorial, d2l = runs["seqviz"], runs["tutorial"], runs["d2l"]
    target = settings.target_exact_match
    unit = "target tokens/s"
    ours = seqviz.tokens_per_s or None  # 0: too few updates to time (a run shorter than one window)
    rows = [
        compare(
            "train_tokens_per_s_vs_tutorial" + suffix,
            ours,
            unit,
            _ratio(ours, tutorial.tokens_per_s),
            TARGETS["train_tokens_per_s_vs_tutorial"],
            f"tutorial {tutorial.tokens_per_s:,.0f} {unit}",
        ),
        compare(
            "train_tokens_per_s_vs_batched" + suffix,
            ours,
            unit,
            _ratio(ours, d2l.tokens_per_s),
            TARGETS["train_tokens_per_s_vs_batched"],
            f"d2l-style {d2l.tokens_per_s:,.0f} {unit}",
        ),
    ]
    rows.append(time_to_target_row("time_to_90_vs_batched" + suffix, seqviz, d2l, target))
    notes = []
    our_steps, their_steps = seqviz.steps_to(target), d2l.steps_to(target)
    if our_steps and their_steps and seqviz.seconds_per_step and d2l.seconds_per_step:
        estimate = (our_steps * seqviz.seconds_per_step) / (their_steps * d2l.seconds_per_step)
        notes.append(
            f"{seqviz.device}: at each run's median update speed (what an undisturbed machine would give), "
            f"time to {target:.0%} is {our_steps} x {seqviz.seconds_per_step * 1e3:.1f} ms for seqviz and "
            f"{their_steps} x {d2l.seconds_per_step * 1e3:.1f} ms for d2l: a ratio of {estimate:.2f}."
        )
    return rows, notes


def time_to_target_row(name: str, seqviz: RunResult, baseline: RunResult, target: float) -> Row:
    """Seconds to ``target`` and their ratio. If only the baseline missed it, the true ratio is below
    seqviz's time over the baseline's whole budget: the row is ok when even that bound meets the target."""
    rule = TARGETS["time_to_90_vs_batched"]
    ours, theirs = seqviz.time_to(target), baseline.time_to(target)
    if ours is None:
        best = max(e.exact_match for e in seqviz.evaluations)
        note = f"seqviz did not reach {target:.0%} in {seqviz.elapsed:.0f} s (best {best:.3f})"
        return Row(name, None, "s", None, rule, False, note)
    if theirs is None:
        bound = ours / baseline.elapsed
        note = f"d2l-style did not reach {target:.0%} in {baseline.elapsed:.0f} s: ratio < {bound:.3g}"
        return Row(name, ours, "s", None, rule, rule.met(bound), note)
    return compare(name, ours, "s", ours / theirs, rule, f"d2l-style {theirs:.1f} s")


def measure_trace(settings: BenchSettings) -> tuple[dict[str, Any], Row]:
    from seqviz.bench.trace_cost import measure_trace_overhead

    result = measure_trace_overhead(seq_len=100, hidden=256, repeats=settings.trace_repeats)
    rule = TARGETS["trace_vs_lstm_forward"]
    note = (
        f"nn.LSTM {result['module_seconds'] * 1e3:.2f} ms; best runs "
        f"{result['trace_seconds_best'] / result['module_seconds_best']:.2f}x"
    )
    row = compare("trace_vs_lstm_forward", result["trace_seconds"] * 1e3, "ms", result["ratio"], rule, note)
    if not result["max_abs_error"] <= TRACE_MAX_ERROR:
        note = f"replay differs from nn.LSTM by {result['max_abs_error']:.1e}: a wrong replay, not timed"
        row = Row(row.name, row.value, row.unit, row.ratio, rule, False, note)
    return result, row


def first_render_row(settings: BenchSettings) -> Row:
    from seqviz.bench.first_render import measure_first_renders

    seconds = measure_first_renders(repeats=1 if settings.quick else 5)
    slowest = max(seconds.values())
    note = ", ".join(f"{page} {value * 1e3:.0f} ms" for page, value in seconds.items())
    return compare("page_first_render", slowest, "s", slowest / 1.0, TARGETS["page_first_render"], note)


def explain_render_row(settings: BenchSettings) -> Row:
    from seqviz.bench.explain_render import measure_explain_render

    seconds, note = measure_explain_render(repeats=1 if settings.quick else 5)
    return compare("explain_first_render", seconds, "s", seconds / 1.0, TARGETS["explain_first_render"], note)


def decoding_and_bleu_rows(settings: BenchSettings) -> list[Row]:
    from seqviz.bench.decoding_bleu import beam_vs_greedy, bleu_vs_sacrebleu

    beam = beam_vs_greedy(sentences=10 if settings.quick else 50, repeats=1 if settings.quick else 3)
    bleu = bleu_vs_sacrebleu(pairs=10_000, repeats=1 if settings.quick else 3)
    return [
        compare("beam10_vs_greedy", beam.value, "ms", beam.ratio, TARGETS["beam10_vs_greedy"], beam.note),
        compare(
            "bleu_explained_vs_sacrebleu",
            bleu.value,
            "s",
            bleu.ratio,
            TARGETS["bleu_explained_vs_sacrebleu"],
            bleu.note,
        ),
    ]


def browser_rows(settings: BenchSettings) -> list[Row]:
    """``page_first_render_browser`` and ``peak_memory``: one app server, every page loaded in Chromium."""
    from seqviz.bench.browser_render import measure_browser_render

    others = OtherLoad()
    measured = measure_browser_render(repeats=settings.browser_repeats)
    busy = others.cores()
    return [
        browser_render_row(measured, busy),
        lesson_switch_row(measured),
        peak_memory_row(measured.server_peak_rss, measured.missing),
    ]


def classroom_row(settings: BenchSettings) -> Row:
    from seqviz.bench import classroom

    return classroom.classroom_row(settings.quick)


def cluster_row(settings: BenchSettings) -> Row:
    """Six default runs (two, of 20 updates, in the quick plan) locally and on a 2-CPU local Ray cluster."""
    from seqviz.bench.cluster_runs import cluster_runs_row

    return cluster_runs_row(count=2, steps=20) if settings.quick else cluster_runs_row(count=6)


def lesson_switch_row(measured: BrowserRender) -> Row:
    rule = TARGETS["lesson_step_switch_browser"]
    name = "lesson_step_switch_browser"
    switch = measured.lesson_switch
    if switch is None:
        why = measured.missing or "no lesson has a step whose view draws a chart at once"
        return Row(name, None, "s", None, rule, False, f"not measured: {why}")
    times = ", ".join(f"{step} {seconds:.2f} s" for step, seconds in switch.seconds.items())
    note = "; ".join(filter(None, [f"lesson {switch.lesson}: {times}" if times else "", *switch.problems]))
    value = switch.median
    if value is None or switch.problems:
        return Row(name, None, "s", None, rule, False, note)
    return compare(name, value, "s", value / 1.0, rule, note)


def browser_render_row(measured: BrowserRender, other_cores: float | None = None) -> Row:
    rule = TARGETS["page_first_render_browser"]
    name = "page_first_render_browser"
    if measured.loads is None:
        return Row(name, None, "s", None, rule, False, f"not measured: {measured.missing}")
    loads = measured.loads
    parts = [", ".join(f"{page} {_seconds(value)}" for page, value in loads.seconds.items())]
    if loads.cold:
        cold = ", ".join(f"{page} {_seconds(value)}" for page, value in loads.cold.items())
        parts.append(f"first open after the server started (untimed warm-up): {cold}")
    if other_cores is not None and other_cores >= 0.1:
        parts.append(f"other processes kept {other_cores:.2f} CPUs busy meanwhile")
    parts += loads.problems
    note = "; ".join(parts)
    times = list(loads.seconds.values())
    if not times or None in times:
        return Row(name, None, "s", None, rule, False, note)
    slowest = max(value for value in times if value is not None)
    return compare(name, slowest, "s", slowest / 1.0, rule, note)


def peak_memory_row(server_peak_rss: int | None, missing: str | None = None) -> Row:
    """The app server's peak resident memory in MiB (the row's value); the benchmark's own is in the note."""
    rule = TARGETS["peak_memory"]
    own = own_peak_rss()
    ours = "benchmark process unknown" if own is None else f"benchmark process {own / MIB:,.0f} MiB"
    if server_peak_rss is None:
        why = missing or "its /proc status could not be read"
        return Row("peak_memory", None, "MiB", None, rule, False, f"app server not measured: {why}; {ours}")
    server = server_peak_rss / MIB
    note = f"app server {server:,.0f} MiB, having served every page in Chromium; {ours} (training included)"
    return compare("peak_memory", server, "MiB", server / 1.0, rule, note)


def own_peak_rss() -> int | None:
    """This process's peak resident memory in bytes (``ru_maxrss`` is KiB on Linux, bytes on macOS), or
    ``None`` where there is no ``resource`` module (Windows)."""
    try:
        import resource
    except ImportError:
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def _seconds(value: float | None) -> str:
    return "did not draw" if value is None else f"{value:.2f} s"


def _ratio(numerator: float | None, denominator: float) -> float | None:
    return numerator / denominator if numerator and denominator > 0 else None
