"""Training histories are typed records (``StepReport``) everywhere, and a checkpoint's ``config.json`` still
stores them as before: a list of objects with the same keys, old files with fewer or unknown keys included."""

from __future__ import annotations

import json
from dataclasses import FrozenInstanceError, fields

import pytest

from seqviz.checkpoints.history import StepReport, history_from_json, history_to_json
from seqviz.checkpoints.store import CONFIG_FILE, load_checkpoint, save_checkpoint
from tests.support.checkpoints import small_checkpoint

# The keys every history entry seqviz writes has had since the format began (a shipped checkpoint's).
STORED_KEYS = [
    "step",
    "loss",
    "perplexity",
    "grad_norm",
    "tokens_per_s",
    "elapsed",
    "eta",
    "learning_rate",
    "teacher_forcing",
    "progress",
]
FULL = StepReport(10, 1.5, 4.48, 0.7, 1234.5, 2.5, None, 0.005, 1.0, 0.5)


def test_the_record_is_frozen_and_its_json_keys_are_the_stored_ones():
    with pytest.raises(FrozenInstanceError):
        FULL.loss = 0.0  # type: ignore[misc]
    assert list(FULL.to_json()) == STORED_KEYS
    assert [field.name for field in fields(StepReport)] == [*STORED_KEYS, "extra"]
    assert StepReport.from_json(FULL.to_json()) == FULL
    assert FULL.shifted(100).step == 110 and FULL.shifted(100).loss == FULL.loss


def test_a_checkpoint_writes_the_same_json_history_and_reads_back_records(tmp_path):
    checkpoint = small_checkpoint()
    checkpoint.history = [FULL, FULL.shifted(10)]
    path = save_checkpoint(checkpoint, tmp_path / "model")
    stored = json.loads((path / CONFIG_FILE).read_text())["history"]
    assert stored == [
        dict(zip(STORED_KEYS, [10, 1.5, 4.48, 0.7, 1234.5, 2.5, None, 0.005, 1.0, 0.5], strict=True)),
        dict(zip(STORED_KEYS, [20, 1.5, 4.48, 0.7, 1234.5, 2.5, None, 0.005, 1.0, 0.5], strict=True)),
    ]
    loaded = load_checkpoint(path)
    assert loaded.history == [FULL, FULL.shifted(10)]
    assert all(isinstance(entry, StepReport) for entry in loaded.history)


def test_old_entries_with_fewer_or_unknown_keys_still_load_and_keep_what_they_said(tmp_path):
    path = save_checkpoint(small_checkpoint(), tmp_path / "model")
    meta = json.loads((path / CONFIG_FILE).read_text())
    meta["history"] = [
        {"step": 5, "loss": 2.0},
        {"step": 10, "loss": 1.0, "bleu_guess": 3.5, "momentum": None},
    ]
    (path / CONFIG_FILE).write_text(json.dumps(meta))
    loaded = load_checkpoint(path)
    short, longer = loaded.history
    assert (short.step, short.loss, short.perplexity, short.extra) == (5, 2.0, None, ())
    assert longer.extra == (("bleu_guess", 3.5), ("momentum", None))
    resaved = json.loads((save_checkpoint(loaded, tmp_path / "again") / CONFIG_FILE).read_text())["history"]
    assert resaved[1]["bleu_guess"] == 3.5 and "momentum" in resaved[1]  # unknown keys go back as they came
    assert history_from_json(history_to_json(loaded.history)) == loaded.history
