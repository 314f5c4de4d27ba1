"""Latent variables of the synthetic tasks: what a model *must* keep track of to do the task, known exactly
because the task's generator made the example (``seqviz.data.tasks``).

Each variable is a function of one example, with one value per step of a recurrent part:

- encoder steps: the source's characters, then ``<eos>``;
- decoder steps: step ``t`` is the state ``s_t`` that writes ``y_t`` (it has read ``y_{t-1}``), over the
  target's characters, then the step that writes ``<eos>``.

A value of ``None`` means "not defined at this step" (the carry of the ``<eos>`` step); such steps are left
out of every correlation and probe. The variables:

- ``reverse``, ``from_end`` (count): how many letters are still to come: ``n - j`` at encoder step ``j``
  (0 at ``<eos>``) and ``n - t`` at decoder step ``t`` (0 when ``<eos>`` is written). Writing backwards
  needs it: the letter written at step ``t`` is the one read ``t`` steps before the end.
- ``copy``, ``position`` (count): ``j`` at encoder step ``j``, ``t`` at decoder step ``t`` (``n`` at
  ``<eos>``): which letter is being read or written.
- ``dates``, ``field`` (category): which field of the date a character belongs to, ``year``, ``month``,
  ``day``, ``separator`` (``-`` written; spaces, commas and slashes read) or ``end`` (``<eos>``); the
  source's three formats are parsed back into their fields.
- ``addition``, ``carry`` (category, decoder only): the carry into the column being written. The sum is
  written most significant digit first, so at step ``t`` the column is ``k = len(sum) - 1 - t`` (units are
  column 0) and the carry is ``1`` when ``a mod 10^k + b mod 10^k >= 10^k``: the model must have worked out
  the lower columns before it writes this one.

Plain Python, no torch: the page's labels and the tests read these definitions directly.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from seqviz.data.tasks import Example
from seqviz.errors import InputError

Values = list[float | None]


@dataclass(frozen=True)
class LatentVariable:
    task: str
    name: str
    kind: str  # "count" (a number per step) or "category" (an index into ``classes``)
    parts: tuple[str, ...]  # the recurrent parts it is defined on: "encoder", "decoder"
    classes: tuple[str, ...] = ()  # category names, the value is the index
    values: Callable[[Example, str], Values] | None = None  # (example, part) -> one value per step

    def of(self, example: Example, part: str) -> Values:
        if part not in self.parts:
            raise InputError(
                f"{self.name} is defined on the {' and '.join(self.parts)}, not the {part}",
                code="units.part",
                variable=self.name,
                part=part,
            )
        assert self.values is not None
        return self.values(example, part)


def _from_end(example: Example, part: str) -> Values:
    n = len(example.source if part == "encoder" else example.target)
    return [float(n - step) for step in range(n + 1)]


def _position(example: Example, part: str) -> Values:
    n = len(example.source if part == "encoder" else example.target)
    return [float(step) for step in range(n + 1)]


DATE_FIELDS: tuple[str, ...] = ("year", "month", "day", "separator", "end")
_SOURCE_DATE = (
    re.compile(r"(?P<month>[A-Za-z]+) (?P<day>\d+), (?P<year>\d+)"),  # March 5, 2021
    re.compile(r"(?P<day>\d+) (?P<month>[A-Za-z]+) (?P<year>\d+)"),  # 5 Mar 2021
    re.compile(r"(?P<month>\d+)/(?P<day>\d+)/(?P<year>\d+)"),  # 03/05/2021
    re.compile(r"(?P<year>\d+)-(?P<month>\d+)-(?P<day>\d+)"),  # 2021-03-05, the target
)


def _field(example: Example, part: str) -> Values:
    text = example.source if part == "encoder" else example.target
    match = next((m for pattern in _SOURCE_DATE if (m := pattern.fullmatch(text))), None)
    if match is None:
        raise InputError(f"{text!r} is not a date in one of the task's formats", code="units.not_a_date")
    fields = [float(DATE_FIELDS.index("separator"))] * len(text)
    for name in ("year", "month", "day"):
        start, end = match.span(name)
        fields[start:end] = [float(DATE_FIELDS.index(name))] * (end - start)
    return [*fields, float(DATE_FIELDS.index("end"))]


def carry_into(a: int, b: int, column: int) -> int:
    """The carry into ``column`` (0 = units) of ``a + b``: 1 when the columns below overflow."""
    return int(a % 10**column + b % 10**column >= 10**column)


def _carry(example: Example, part: str) -> Values:
    a, b = (int(number) for number in example.source.split("+"))
    written = example.target
    return [float(carry_into(a, b, len(written) - 1 - t)) for t in range(len(written))] + [None]


LATENT_VARIABLES: dict[str, LatentVariable] = {
    variable.task: variable
    for variable in (
        LatentVariable("reverse", "from_end", "count", ("encoder", "decoder"), values=_from_end),
        LatentVariable("copy", "position", "count", ("encoder", "decoder"), values=_position),
        LatentVariable("dates", "field", "category", ("encoder", "decoder"), DATE_FIELDS, _field),
        LatentVariable("addition", "carry", "category", ("decoder",), ("no_carry", "carry"), _carry),
    )
}


def latent_variable(task: str) -> LatentVariable:
    """The known latent variable of ``task``; a task without one (translation, a user's corpus) is refused."""
    if task not in LATENT_VARIABLES:
        raise InputError(
            f"the task {task!r} has no known latent variable; units can be studied on "
            f"{', '.join(sorted(LATENT_VARIABLES))}",
            code="units.no_latent",
            task=task,
        )
    return LATENT_VARIABLES[task]
