"""Where a checkpoint came from: the task it learned (``TaskInfo``) and how it was trained (``TrainingInfo``).

These are the ``task`` and ``training`` sections of ``config.json`` as typed records, so that readers use
attributes (``checkpoint.task.seed``) instead of string keys with defaults repeated at every reader.

The file format does not change: ``from_json`` reads a section (already checked by
``seqviz.checkpoints.meta``) and ``to_json`` writes it back with the same keys, in the order seqviz has always
written them. Why keep what is not understood: a key this seqviz does not know (written by a newer seqviz, or
by hand), or a known key holding a value of another kind (``"seed": null``), is set aside exactly as it was
and written back unchanged, so loading and saving a checkpoint never loses what its file held. A typed field
is None where the file does not say (or says it in a way this seqviz does not read).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from seqviz.checkpoints.meta import Scalar

_NUMBER = (int, float)


def _fits(value: Any, kinds: tuple[type, ...]) -> bool:
    """``value`` is one of ``kinds``; true/false counts as a number only where ``bool`` is named."""
    return isinstance(value, kinds) and (bool in kinds or not isinstance(value, bool))


def _split(
    section: Mapping[str, Any], kinds: Mapping[str, tuple[type, ...]]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The keys of ``kinds`` whose values fit their kinds, and everything else in the file's order."""
    known = {key: value for key, value in section.items() if key in kinds and _fits(value, kinds[key])}
    rest = {key: value for key, value in section.items() if key not in known}
    return known, rest


def _said(record: Any, kinds: Mapping[str, tuple[type, ...]]) -> dict[str, Any]:
    """The typed fields of ``record`` that say something (not None), in the order of ``kinds``."""
    return {key: getattr(record, key) for key in kinds if getattr(record, key) is not None}


# The typed keys of each section, in the order seqviz writes them, with the kinds of value each may hold.
TASK_KEYS: dict[str, tuple[type, ...]] = {
    "name": (str,),
    "seed": (int,),
    "description": (str,),
    "corpus": (bool,),
    "lm_corpus": (str,),
}
TRAINING_RUN_KEYS: dict[str, tuple[type, ...]] = {
    "device": (str,),
    "steps_done": (int,),
    "seconds": _NUMBER,
    "stop_reason": (str,),
    "tokens_per_s": _NUMBER,
    "seqviz_version": (str,),
    "steps_total": (int,),
    "seconds_to_90": _NUMBER,
    "step_to_90": (int,),
}


@dataclass(frozen=True)
class TaskInfo:
    """What a checkpoint learned: a seeded built-in task, a user's parallel corpus, or a language model's
    text. The seed regenerates a built-in task's validation set; a corpus's held-out pairs travel in the
    checkpoint's ``validation.tsv`` instead (they cannot be regenerated)."""

    name: str | None = None  # the built-in task, the corpus file's stem, or the language model's name
    seed: int | None = None  # the seed of the task's generator (built-in tasks)
    description: str | None = None  # in English
    corpus: bool | None = None  # True: trained on a user's parallel corpus
    lm_corpus: str | None = None  # the shipped corpus a language model read (absent: English)
    extra: Mapping[str, Scalar] = field(default_factory=dict)  # keys kept as the file had them (see above)

    @classmethod
    def from_json(cls, section: Mapping[str, Any]) -> TaskInfo:
        known, rest = _split(section, TASK_KEYS)
        return cls(**known, extra=rest)

    def to_json(self) -> dict[str, Any]:
        return {**_said(self, TASK_KEYS), **self.extra}


@dataclass(frozen=True)
class TrainingInfo:
    """How a checkpoint was trained: the settings of its last run and what that run did.

    ``settings`` are the trainer's config fields as they were recorded (``TrainConfig``'s, a language
    model's window and BPTT length besides), kept by name rather than as ``TrainConfig``: that class lives in
    the training room and grows, and a checkpoint must still read what an older or newer one recorded.
    """

    settings: Mapping[str, Scalar] = field(default_factory=dict)
    device: str | None = None
    steps_done: int | None = None  # updates of the last run
    seconds: float | None = None
    stop_reason: str | None = None  # a StopReason code
    tokens_per_s: float | None = None
    seqviz_version: str | None = None
    steps_total: int | None = None  # updates over every run (a continued checkpoint adds its earlier ones)
    # The course's "training speed" row: when the last run's validation exact match first reached 0.90 (its
    # training seconds and update; None: never, or not recorded: checkpoints before 2026-12 kept only their
    # final metrics).
    seconds_to_90: float | None = None
    step_to_90: int | None = None

    @property
    def steps_so_far(self) -> int:
        """Updates this model has had over all its runs; older checkpoints record only their one run's."""
        for steps in (self.steps_total, self.steps_done):
            if steps is not None:
                return steps
        return 0

    @classmethod
    def from_json(cls, section: Mapping[str, Any]) -> TrainingInfo:
        run, settings = _split(section, TRAINING_RUN_KEYS)
        return cls(settings=settings, **run)

    def to_json(self) -> dict[str, Any]:
        return {**self.settings, **_said(self, TRAINING_RUN_KEYS)}
