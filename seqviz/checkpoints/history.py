"""One entry of a training history: what the trainer reports every ``log_every`` updates.

The same frozen record travels everywhere a history goes: the trainer's ``history``, a live run's curves,
a continued run, the BPTT study, a checkpoint's ``history``, the benchmark. Readers use its fields, never
string keys. Torch-free, so figure code and ``config.json`` readers can hold one without loading a model.
It lives with the checkpoints, which store it, because the training room already builds on this one and
this one imports nothing from training: one direction between the two rooms.

A checkpoint stores a history as a JSON list of objects with these field names as keys (the format
predates this class and does not change): ``to_json`` writes one, ``from_json`` reads one. A file is only
required to give ``step`` and ``loss`` (``seqviz.checkpoints.meta``): a field it leaves out reads as None,
and keys this version does not know are kept in ``extra`` and written back as they were.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

JsonNumber = int | float | None


@dataclass(frozen=True)
class StepReport:
    step: int  # updates since the start of the run (of the whole model, once a history is continued)
    loss: float  # mean cross-entropy per target token over the last log window
    perplexity: float | None = None
    grad_norm: float | None = None
    tokens_per_s: float | None = None
    elapsed: float | None = None  # training seconds at the report
    eta: float | None = None  # seconds left, None when unknown
    learning_rate: float | None = None
    teacher_forcing: float | None = None
    progress: float | None = None  # 0..1
    # keys of a stored entry that this version does not know, in file order (hashable: the record is frozen)
    extra: tuple[tuple[str, JsonNumber], ...] = ()

    def shifted(self, steps: int) -> StepReport:
        """The same report, ``steps`` updates later: a continued run's curve goes on from the earlier one."""
        return replace(self, step=self.step + steps)

    def to_json(self) -> dict[str, JsonNumber]:
        """The entry as a checkpoint's ``config.json`` stores it."""
        entry: dict[str, JsonNumber] = {name: getattr(self, name) for name in _JSON_FIELDS}
        entry.update(self.extra)
        return entry

    @classmethod
    def from_json(cls, entry: Mapping[str, Any]) -> StepReport:
        """An entry read from ``config.json`` (already validated: ``step`` a whole number, the rest numbers
        or null, ``loss`` present)."""
        known = {name: entry[name] for name in _JSON_FIELDS if name in entry}
        extra = tuple((key, value) for key, value in entry.items() if key not in _JSON_FIELDS)
        return cls(**known, extra=extra)


_JSON_FIELDS = tuple(field.name for field in fields(StepReport) if field.name != "extra")


def history_to_json(history: Iterable[StepReport]) -> list[dict[str, JsonNumber]]:
    return [report.to_json() for report in history]


def history_from_json(entries: Iterable[Mapping[str, Any]]) -> list[StepReport]:
    return [StepReport.from_json(entry) for entry in entries]
