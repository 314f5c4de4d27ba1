"""A benchmark row: one figure, its ratio to a baseline, and the target that ratio is held to.

The target travels as a string, a comparator and a number: ``">= 30"`` means the ratio should be at least
30, ``"<= 0.5"`` at most 0.5. ``ok`` says whether the measured ratio meets it; a figure that could not be
measured (a run that never reached the exact match asked for) has ``value`` or ``ratio`` null and is not
ok. Rows are reported, never asserted: timings belong to the machine they were taken on. The ``--json`` form
of a row is ``seqviz.export.json_export.bench_row_to_json``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    comparator: str  # ">=" or "<="
    bound: float

    def __post_init__(self) -> None:
        if self.comparator not in (">=", "<="):
            raise ValueError(f"a target compares with >= or <=, not {self.comparator!r}")

    def met(self, ratio: float | None) -> bool:
        if ratio is None:
            return False
        return ratio >= self.bound if self.comparator == ">=" else ratio <= self.bound

    def __str__(self) -> str:
        return f"{self.comparator} {self.bound:g}"


@dataclass(frozen=True)
class Row:
    name: str
    value: float | None
    unit: str
    ratio: float | None
    target: Target
    ok: bool
    note: str = ""  # shown in the human table and results.md, not in JSON


def compare(
    name: str, value: float | None, unit: str, ratio: float | None, target: Target, note: str = ""
) -> Row:
    """A row whose ``ok`` is simply whether ``ratio`` meets ``target``."""
    return Row(name, value, unit, ratio, target, target.met(ratio), note)


def format_number(number: float | None) -> str:
    if number is None:
        return "not reached"
    if abs(number) >= 1000:
        return f"{number:,.0f}"
    return f"{number:.3g}"


def markdown_table(rows: list[Row]) -> list[str]:
    lines = ["| row | value | unit | ratio | target | ok |", "| --- | ---: | --- | ---: | --- | --- |"]
    for row in rows:
        ratio = "n/a" if row.ratio is None else f"{row.ratio:.3g}"
        lines.append(
            f"| `{row.name}` | {format_number(row.value)} | {row.unit} | {ratio} | {row.target} | "
            f"{'yes' if row.ok else '**no**'} |"
        )
    return lines


def text_table(rows: list[Row]) -> list[str]:
    """Aligned columns for a terminal."""
    header = ("row", "value", "unit", "ratio", "target", "ok")
    cells = [
        (
            row.name,
            format_number(row.value),
            row.unit,
            "n/a" if row.ratio is None else f"{row.ratio:.3g}",
            str(row.target),
            "yes" if row.ok else "NO",
        )
        for row in rows
    ]
    widths = [max(len(line[i]) for line in [header, *cells]) for i in range(len(header))]
    return [
        "  ".join(text.ljust(width) for text, width in zip(line, widths, strict=True)).rstrip()
        for line in [header, *cells]
    ]
