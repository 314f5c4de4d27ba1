"""Reading ``config.json`` of a checkpoint as hostile input: bounded parsing, then every field checked.

Why every field: a checkpoint may be uploaded by anyone, and the pages read its metadata long after it was
installed (``task.seed`` regenerates the validation set, ``history`` draws the curves,
``training.steps_total`` continues training). A field of the wrong type installed today is a traceback for
whoever picks the model tomorrow. So the loader refuses, with one sentence naming the field, anything the
rest of seqviz could trip on, and the upload installs nothing that this check refuses.

Why bounded parsing: Python's ``json`` converts a 5,000-digit integer slowly, ``str()`` of one raises
``ValueError``, and deeply nested arrays raise ``RecursionError``. Integers are limited to ``MAX_INT_DIGITS``
digits while parsing, and nesting to ``MAX_DEPTH`` levels.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from seqviz.errors import CheckpointError

MAX_INT_DIGITS = 20  # every whole number seqviz writes fits 64 bits (20 digits)
MAX_DEPTH = 8  # the deepest seqviz writes is 3 (vocab -> target -> token; history -> entry -> value)
MAX_TEXT_CHARS = 4000  # descriptions, names, versions: short texts
MAX_HISTORY = 1_000_000  # log windows: 10,000,000 steps (TrainConfig's limit) logged every 10 steps
MAX_KEYS = 200  # keys of a task / training / metrics / tokenizers section, or of one history entry
MAX_SEED = 2**32 - 1  # what every seeded generator in seqviz accepts
MAX_COUNT = 10**12  # steps, sizes and other counts: far above anything real, far below overflow
TOKENIZER_NAMES = ("char", "word")
SHA256 = re.compile(r"[0-9a-f]{64}")

Scalar = str | int | float | bool | None

# training fields that are counts: whole numbers (or null) from 0 to MAX_COUNT
TRAINING_COUNTS = (
    "steps",
    "steps_done",
    "steps_total",
    "step_to_90",
    "batch_size",
    "bucket_pool",
    "warmup_steps",
    "log_every",
    "eval_every",
    "eval_size",
    "probe_every",
    "sequence_length",
    "bptt",
)


def parse_config_text(text: str, where: str) -> Any:
    """``json.loads`` with integers of at most ``MAX_INT_DIGITS`` digits and nesting of at most
    ``MAX_DEPTH`` levels; anything else is one ``CheckpointError``."""

    def parse_int(digits: str) -> int:
        if len(digits.lstrip("-")) > MAX_INT_DIGITS:
            raise CheckpointError(
                f"{where} holds a whole number of {len(digits.lstrip('-')):,} digits; at most "
                f"{MAX_INT_DIGITS} are allowed"
            )
        return int(digits)

    try:
        data = json.loads(text, parse_int=parse_int)
    except json.JSONDecodeError as error:
        raise CheckpointError(
            f"{where} is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None
    except RecursionError:
        raise CheckpointError(f"{where} is nested more than {MAX_DEPTH} levels deep; refused") from None
    except ValueError as error:  # a number Python cannot convert
        raise CheckpointError(f"{where} holds a number that cannot be read ({error})") from None
    _check_depth(data, where)
    return data


def _check_depth(data: Any, where: str) -> None:
    """Walk the parsed value without recursion, refusing nesting deeper than ``MAX_DEPTH``."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        for child in children:
            if isinstance(child, (dict, list)):
                if depth + 1 > MAX_DEPTH:
                    raise CheckpointError(f"{where} is nested more than {MAX_DEPTH} levels deep; refused")
                stack.append((child, depth + 1))


# ------------------------------------------------------------------------------------------ the sections


def check_metadata(meta: dict[str, Any], where: str) -> None:
    """Check every section other than ``model`` and ``vocab`` (those are checked by building the config and
    the vocabularies): ``created``, ``seqviz_version``, ``weights_sha256``, ``tokenizers``, ``task``,
    ``training``, ``history`` and ``metrics``. Raises one ``CheckpointError`` naming the first bad field."""
    for key in ("created", "seqviz_version"):
        if key in meta:
            _text(meta[key], f"{where}: {key!r}")
    sha = meta.get("weights_sha256")
    if sha is not None and not (isinstance(sha, str) and SHA256.fullmatch(sha)):
        raise CheckpointError(f"{where}: 'weights_sha256' must be 64 lowercase hex digits")
    _tokenizers(meta.get("tokenizers", {}), where)
    _task(meta.get("task", {}), where)
    _training(meta.get("training", {}), where)
    _history(meta.get("history", []), where)
    _metrics(meta.get("metrics", {}), where)


def _tokenizers(section: Any, where: str) -> None:
    _section(section, f"{where}: 'tokenizers'")
    for side in ("source", "target"):
        if side in section and section[side] not in TOKENIZER_NAMES:
            raise CheckpointError(
                f"{where}: tokenizers.{side} must be one of {', '.join(TOKENIZER_NAMES)}, "
                f"not {_show(section[side])}"
            )
    if "lowercase" in section and not isinstance(section["lowercase"], bool):
        raise CheckpointError(f"{where}: tokenizers.lowercase must be true or false")


def _task(section: Any, where: str) -> None:
    _section(section, f"{where}: 'task'")
    _scalars(section, f"{where}: task")
    if "name" in section and not isinstance(section["name"], str):
        raise CheckpointError(f"{where}: task.name must be a text, not {_show(section['name'])}")
    if "seed" in section:
        _whole(section["seed"], f"{where}: task.seed", 0, MAX_SEED)
    if "corpus" in section and not isinstance(section["corpus"], bool):
        raise CheckpointError(f"{where}: task.corpus must be true or false")


def _training(section: Any, where: str) -> None:
    _section(section, f"{where}: 'training'")
    _scalars(section, f"{where}: training")
    for key in TRAINING_COUNTS:
        if section.get(key) is not None:
            _whole(section[key], f"{where}: training.{key}", 0, MAX_COUNT)
    if "seed" in section:
        _whole(section["seed"], f"{where}: training.seed", 0, MAX_SEED)
    seconds = section.get("seconds_to_90")
    if seconds is not None and (
        isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not 0 <= seconds < float("inf")
    ):
        raise CheckpointError(
            f"{where}: training.seconds_to_90 must be a number of seconds, not {_show(seconds)}"
        )


def _history(entries: Any, where: str) -> None:
    if not isinstance(entries, list):
        raise CheckpointError(f"{where}: 'history' must be a JSON list")
    if len(entries) > MAX_HISTORY:
        raise CheckpointError(f"{where}: 'history' has {len(entries):,} entries, over {MAX_HISTORY:,}")
    for number, entry in enumerate(entries):
        label = f"{where}: history[{number}]"
        _section(entry, label)
        _scalars(entry, label)
        _whole(entry.get("step"), f"{label}.step", 0, MAX_COUNT)
        for key, value in entry.items():
            if key != "step" and value is not None and not _is_number(value):
                raise CheckpointError(f"{label}.{key} must be a number or null, not {_show(value)}")
        if "loss" not in entry:
            raise CheckpointError(f"{label} has no loss")


def _metrics(section: Any, where: str) -> None:
    _section(section, f"{where}: 'metrics'")
    for key, value in section.items():
        if value is not None and not _is_number(value):
            raise CheckpointError(f"{where}: metrics.{key} must be a number or null, not {_show(value)}")


# --------------------------------------------------------------------------------------------- the types


def _section(value: Any, label: str) -> None:
    if not isinstance(value, dict):
        raise CheckpointError(f"{label} must be a JSON object, not {_kind(value)}")
    if len(value) > MAX_KEYS:
        raise CheckpointError(f"{label} has {len(value):,} keys, over {MAX_KEYS}")
    for key in value:
        if len(key) > 100:
            raise CheckpointError(f"{label} has a key of {len(key):,} characters; refused")


def _scalars(section: dict[str, Any], label: str) -> None:
    """Every value is a short text, a finite-or-not number, true/false or null: no nested objects."""
    for key, value in section.items():
        if isinstance(value, str):
            _text(value, f"{label}.{key}")
        elif not (value is None or isinstance(value, (bool, int, float))):
            raise CheckpointError(f"{label}.{key} must be a text, a number or null, not {_kind(value)}")


def _text(value: Any, label: str) -> None:
    if not isinstance(value, str):
        raise CheckpointError(f"{label} must be a text, not {_show(value)}")
    if len(value) > MAX_TEXT_CHARS:
        raise CheckpointError(f"{label} has {len(value):,} characters, over {MAX_TEXT_CHARS:,}")


def _whole(value: Any, label: str, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise CheckpointError(f"{label} must be a whole number from {low} to {high:,}, not {_show(value)}")


def _is_number(value: Any) -> bool:
    """An int or a float (NaN and infinities included: a diverged run's loss is one); never a bool."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a text", bool: "true/false"}.get(
        type(value), "null" if value is None else "a number"
    )


def _show(value: Any) -> str:
    """A value as a message may show it: short, and never the whole of a hostile text."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    text = json.dumps(value, ensure_ascii=True)[:60] if isinstance(value, (str, int, float)) else _kind(value)
    return text
