"""The benchmark's outputs: a table for the terminal, ``bench/results.md`` for the repository, JSON lines.

Formatting is kept apart from measuring (``run.py``), so the same report renders three ways.
"""

from __future__ import annotations

import os
from pathlib import Path

from seqviz.bench.rows import markdown_table, text_table
from seqviz.bench.run import NOT_MEASURED, BenchReport
from seqviz.bench.runs import RunResult
from seqviz.bench.transformer_rnn import RUN_LABELS as TRANSFORMER_RUN_LABELS
from seqviz.errors import InputError
from seqviz.training.race import RACE_EVAL_EVERY

RUN_LABELS = {
    "seqviz": "seqviz (`train_task`, LSTM + Luong general: the whole target in one nn.LSTM call)",
    "d2l": "d2l-style (batches of 64, GRU + additive attention)",
    "tutorial": "PyTorch tutorial (one pair at a time, GRU + Bahdanau)",
    **TRANSFORMER_RUN_LABELS,
}


def machine_lines(report: BenchReport) -> list[tuple[str, str]]:
    lines = report.machine.lines()
    if report.other_cores is not None:
        lines.append(("CPUs kept busy by other processes during the run", f"{report.other_cores:.2f}"))
    return lines


def format_text(report: BenchReport) -> str:
    lines = [f"seqviz bench{' --quick' if report.settings.quick else ''}  ({report.started})"]
    lines += [f"  {key}: {value}" for key, value in machine_lines(report)]
    lines += ["", *text_table(report.rows), ""]
    lines += [f"  {row.name}: {row.note}" for row in report.rows if row.note]
    lines += [f"  note: {note}" for note in report.notes]
    lines += [f"  not measured: {name} ({why})" for name, why in NOT_MEASURED.items()]
    if report.settings.quick:
        lines.append("  --quick: short budgets; the figures are rough and 90% is usually not reached")
    return "\n".join(lines)


TITLE = "# seqviz benchmark"  # the first line of every report: how an existing file is known to be one


def markdown(report: BenchReport) -> str:
    settings = report.settings
    lines = [
        TITLE,
        "",
        f"Written by `python -m seqviz bench{' --quick' if settings.quick else ''}` on {report.started}, "
        f"in {report.seconds:.0f} s. Figures, not pass/fail tests: they belong to this machine and moment.",
    ]
    if settings.quick:
        lines += [
            "",
            "**Quick run**: budgets of a few seconds; the figures are rough. Run without `--quick`.",
        ]
    lines += ["", "## Machine", ""]
    lines += [f"- {key}: {value}" for key, value in machine_lines(report)]
    lines += ["", "## Rows", "", *markdown_table(report.rows), ""]
    lines += [f"- `{row.name}`: {row.note}" for row in report.rows if row.note]
    lines += [f"- {note}" for note in report.notes]
    lines += ["", "## Runs", "", *runs_table(report.runs, settings.target_exact_match)]
    lines += ["", "## Not measured yet", ""]
    lines += [f"- `{name}`: {why}; the row will come with it." for name, why in NOT_MEASURED.items()]
    lines += ["", "## How the figures are taken", "", *method(report)]
    return "\n".join(lines) + "\n"


def runs_table(runs: list[RunResult], target: float) -> list[str]:
    lines = [
        f"| run | device | updates | training s | stop | target tokens/s | ms/update | "
        f"s to {target:.0%} | updates to {target:.0%} | final exact match | other CPUs busy |",
        "| --- | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for run in runs:
        reached, steps = run.time_to(target), run.steps_to(target)
        final = run.final_exact_match
        lines.append(
            f"| {RUN_LABELS.get(run.name, run.name)} | {run.device} | {run.steps:,} | {run.elapsed:.1f} | "
            f"{run.stop_reason} | {run.tokens_per_s:,.0f} | {run.seconds_per_step * 1e3:.1f} | "
            f"{'not reached' if reached is None else f'{reached:.1f}'} | "
            f"{'-' if steps is None else steps} | {'-' if final is None else f'{final:.3f}'} | "
            f"{'-' if run.other_cores is None else f'{run.other_cores:.2f}'} |"
        )
    return lines


def method(report: BenchReport) -> list[str]:
    s = report.settings
    return [
        f"- Task `{s.task}` (4-12 letters of 20, written backwards), seed {s.seed}: every run reads the same "
        "training stream, vocabularies and encoded pairs, and is scored on the same "
        f"{s.eval_size} held-out validation examples by greedy exact match (output up to `<eos>` equals "
        "the reference).",
        "- Embedding 64, hidden 128, one layer everywhere; the baselines are re-implemented in plain "
        "torch in `seqviz/bench/baselines.py` (tutorial: Adam 0.001, NLLLoss, encoder fed token by "
        "token; d2l: Adam 0.005, gradient clipping 1, masked cross-entropy, sources padded to a fixed "
        "width).",
        f"- Caps: seqviz and d2l {s.train_seconds:g} s, tutorial {s.tutorial_seconds:g} s of training; a run "
        f"stops early at {s.target_exact_match:.0%} exact match. Evaluation every {s.seqviz_eval_every} "
        f"(seqviz), {s.d2l_eval_every} (d2l) and {s.tutorial_eval_every} (tutorial) updates.",
        "- RNN vs Transformer: the RNN vs Transformer page's two recipes (`seqviz.training.race`), one run "
        f"each, the same cap ({s.train_seconds:g} s), threads, seed and evaluation every {RACE_EVAL_EVERY} "
        "updates, each with its own learning rate and warm-up; their rows give the Transformer's figure and "
        "its ratio to the RNN's.",
        "- Training seconds exclude evaluation. Time to 90% is the training time at the first evaluation "
        "that reached it.",
        "- Target tokens/s counts real target tokens (`<eos>` in, padding out), as the median over windows "
        "of 10 updates after the first: other processes on a shared machine stall some windows, and the "
        "median does not let them decide the figure.",
        "- `ratio` is seqviz's figure over the baseline's (trace: `trace_recurrent` over one `nn.LSTM` "
        "forward, medians of alternating runs). `target` is a comparator and a bound: `>= 30` means the "
        "ratio should be at least 30. JSON (`--json`): one object per row with exactly `row`, `value`, "
        "`unit`, `ratio`, `target`, `ok`; a figure that could not be measured is `null` and not ok.",
        "- Browser: the app served by `streamlit run app.py` on this machine (CPU), every page opened once "
        f"untimed (imports, caches), then loaded {s.browser_repeats} times in headless Chromium, each a "
        "fresh session; a load lasts from navigation start until the page's first chart (Train: the start "
        "button; BLEU: the corpus table) is drawn and Streamlit's running indicator is gone. The page's "
        "figure is the median, the row the slowest page. `peak_memory` is the server's peak resident "
        "memory (`VmHWM`) at the end of those loads.",
    ]


def check_writable(path: str | Path) -> Path:
    """Fail before minutes of measuring, not after, when the report cannot be written."""
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(
            f"cannot create {target.parent} for the benchmark results: {error.strerror}"
        ) from None
    if target.is_dir() or not os.access(target.parent, os.W_OK):
        raise InputError(f"cannot write the benchmark results to {target}")
    if target.exists() and _first_line(target) != TITLE:
        raise InputError(
            f"{target} exists and is not a seqviz benchmark report; it is left alone: choose another --out"
        )
    return target


def _first_line(path: Path) -> str | None:
    """The first line of ``path`` (bounded), or None when it cannot be read as text."""
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.readline(len(TITLE) + 2).rstrip("\n")
    except (OSError, UnicodeDecodeError):
        return None


def write_markdown(report: BenchReport, path: str | Path) -> Path:
    target = check_writable(path)  # again: a file of the user's may have appeared while measuring
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(markdown(report), encoding="utf-8")
    except OSError as error:
        raise InputError(
            f"cannot write the benchmark results to {target}: {error.strerror or error}"
        ) from None
    return target
