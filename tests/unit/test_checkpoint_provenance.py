"""``Checkpoint.task`` / ``.training`` are typed records, and ``config.json`` reads and writes exactly as
before: the same keys in the same order, unknown keys kept, missing ones None."""

from __future__ import annotations

import json

import pytest

from seqviz.checkpoints.provenance import TaskInfo, TrainingInfo
from seqviz.checkpoints.store import CONFIG_FILE, DEFAULT_ROOT, load_checkpoint, save_checkpoint
from tests.support.checkpoints import small_checkpoint

TRAINING = TrainingInfo(
    settings={"steps": 12, "max_seconds": None, "learning_rate": 0.005, "seed": 3},
    device="cpu",
    steps_done=12,
    seconds=1.5,
    stop_reason="steps",
    tokens_per_s=900.0,
    seqviz_version="0.1.0",
    steps_total=40,
)


def _config(folder) -> dict:
    return json.loads((folder / CONFIG_FILE).read_text(encoding="utf-8"))


def test_task_and_training_survive_save_and_load(tmp_path):
    checkpoint = small_checkpoint()
    checkpoint.task = TaskInfo(name="reverse", seed=7, description="backwards", corpus=True)
    checkpoint.training = TRAINING
    loaded = load_checkpoint(save_checkpoint(checkpoint, tmp_path / "model"))
    assert loaded.task == checkpoint.task and loaded.training == TRAINING
    assert loaded.training.steps_so_far == 40


def test_the_file_holds_the_keys_in_the_order_seqviz_always_wrote_them(tmp_path):
    checkpoint = small_checkpoint()
    checkpoint.task = TaskInfo(name="reverse", seed=0, description="backwards")
    checkpoint.training = TRAINING
    meta = _config(save_checkpoint(checkpoint, tmp_path / "model"))
    assert list(meta["task"].items()) == [("name", "reverse"), ("seed", 0), ("description", "backwards")]
    assert list(meta["training"]) == [
        "steps", "max_seconds", "learning_rate", "seed",
        "device", "steps_done", "seconds", "stop_reason", "tokens_per_s", "seqviz_version", "steps_total",
    ]  # fmt: skip


@pytest.mark.parametrize("folder", sorted(p for p in DEFAULT_ROOT.iterdir() if (p / CONFIG_FILE).is_file()))
def test_every_shipped_section_reads_and_writes_back_unchanged(folder):
    meta = _config(folder)
    for record, key in ((TaskInfo, "task"), (TrainingInfo, "training")):
        written = record.from_json(meta[key]).to_json()
        assert list(written.items()) == list(meta[key].items())


def test_an_old_config_with_an_unknown_task_key_still_loads_and_keeps_it(tmp_path):
    folder = save_checkpoint(small_checkpoint(), tmp_path / "model")
    meta = _config(folder)
    meta["task"] = {"name": "reverse", "seed": 0, "level": "hard", "description": 5}  # unknown; not a text
    del meta["training"]
    (folder / CONFIG_FILE).write_text(json.dumps(meta), encoding="utf-8")
    loaded = load_checkpoint(folder)
    assert loaded.task.name == "reverse" and loaded.task.seed == 0 and loaded.task.description is None
    assert loaded.task.extra == {"level": "hard", "description": 5}
    assert loaded.training == TrainingInfo() and loaded.training.steps_so_far == 0
    again = _config(save_checkpoint(loaded, tmp_path / "again"))
    assert again["task"] == meta["task"] and again["training"] == {}


def test_steps_so_far_falls_back_to_the_one_run_an_older_checkpoint_records():
    assert TrainingInfo.from_json({"steps_done": 12}).steps_so_far == 12
    assert TrainingInfo.from_json({"steps_done": 12, "steps_total": 30}).steps_so_far == 30
    assert TrainingInfo.from_json({"steps_done": None}).steps_so_far == 0
