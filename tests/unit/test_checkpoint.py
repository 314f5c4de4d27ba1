"""Checkpoints: round trips, atomic saves, and refusal of corrupt or hostile files with clear messages."""

from __future__ import annotations

import json
import os
import pickle
import struct

import pytest
import torch

from seqviz.checkpoints.store import (
    CONFIG_FILE,
    WEIGHTS_FILE,
    list_checkpoints,
    load_checkpoint,
    save_checkpoint,
)
from seqviz.errors import CheckpointError
from tests.support.checkpoints import CreatesFile, edit_config, outputs, small_checkpoint


def test_round_trip_and_listing(tmp_path):
    original = small_checkpoint()
    path = save_checkpoint(original, tmp_path / "reverse-lstm")
    assert sorted(p.name for p in path.iterdir()) == [CONFIG_FILE, WEIGHTS_FILE]
    loaded = load_checkpoint(path)
    assert loaded.config == original.config
    assert loaded.target_vocab.to_json() == original.target_vocab.to_json()
    assert loaded.history == original.history and loaded.task.name == "reverse"
    torch.testing.assert_close(outputs(loaded.model), outputs(original.model), atol=0, rtol=0)
    (tmp_path / "not-a-checkpoint").mkdir()
    infos = list_checkpoints(tmp_path)
    assert [i.name for i in infos] == ["reverse-lstm"]
    assert (
        infos[0].kind == "seq2seq" and infos[0].task == "reverse" and infos[0].metrics == {"exact_match": 0.5}
    )
    assert "LSTM" in infos[0].summary


def test_crash_between_renames_keeps_previous_checkpoint(tmp_path, monkeypatch):
    target = tmp_path / "model"
    first = small_checkpoint(seed=1)
    save_checkpoint(first, target)
    expected = outputs(first.model)
    real_replace = os.replace
    calls = []

    def crash_on_second(src, dst):
        calls.append((src, dst))
        if len(calls) == 2:
            raise KeyboardInterrupt("killed mid-save")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", crash_on_second)
    with pytest.raises(KeyboardInterrupt):
        save_checkpoint(small_checkpoint(seed=2), target)
    monkeypatch.setattr(os, "replace", real_replace)
    assert not target.exists()  # the crash hit between the two renames
    recovered = load_checkpoint(target)  # found under the backup name, whole
    torch.testing.assert_close(outputs(recovered.model), expected, atol=0, rtol=0)
    save_checkpoint(small_checkpoint(seed=3), target)  # the next save recovers, then replaces
    assert not any(p.name.startswith(".") for p in tmp_path.iterdir())


def test_crash_while_writing_leaves_previous_intact(tmp_path, monkeypatch):
    target = tmp_path / "model"
    first = small_checkpoint(seed=1)
    save_checkpoint(first, target)

    def broken_save(*args, **kwargs):
        raise OSError("disk full")

    import safetensors.torch

    monkeypatch.setattr(safetensors.torch, "save_file", broken_save)
    with pytest.raises(OSError):
        save_checkpoint(small_checkpoint(seed=2), target)
    torch.testing.assert_close(outputs(load_checkpoint(target).model), outputs(first.model), atol=0, rtol=0)
    assert [p.name for p in tmp_path.iterdir()] == ["model"]  # no staging folder left behind


def test_pickle_payload_is_refused_and_never_executed(tmp_path):
    marker = tmp_path / "pwned.txt"
    folder = tmp_path / "evil"
    folder.mkdir()
    (folder / "model.pt").write_bytes(pickle.dumps(CreatesFile(marker)))
    with pytest.raises(CheckpointError, match="pickle"):
        load_checkpoint(folder)
    with pytest.raises(CheckpointError, match="pickle"):
        load_checkpoint(folder / "model.pt")
    # the payload disguised as safetensors is not valid safetensors, and still never unpickled
    good = save_checkpoint(small_checkpoint(), tmp_path / "good")
    (good / WEIGHTS_FILE).write_bytes(pickle.dumps(CreatesFile(marker)))
    meta = json.loads((good / CONFIG_FILE).read_text())
    meta.pop("weights_sha256")
    (good / CONFIG_FILE).write_text(json.dumps(meta))
    with pytest.raises(CheckpointError, match="not a valid safetensors"):
        load_checkpoint(good)
    assert not marker.exists()


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda p: (p / CONFIG_FILE).write_text("{not json"), "not valid JSON"),
        (lambda p: (p / CONFIG_FILE).write_bytes(b"\xff\xfe\x00"), "not UTF-8|not valid JSON"),
        (lambda p: (p / CONFIG_FILE).unlink(), "no config.json"),
        (lambda p: (p / WEIGHTS_FILE).unlink(), "no model.safetensors"),
        (lambda p: (p / WEIGHTS_FILE).write_bytes(b"\x00" * 7), "checksum differs"),
        (lambda p: edit_config(p, lambda m: m["model"].update(hidden_size=16)), "do not fit"),
        (lambda p: edit_config(p, lambda m: m["model"].update(cell="transformer")), "cell must be one of"),
        (lambda p: edit_config(p, lambda m: m.update(format="other")), "not a seqviz checkpoint"),
        (lambda p: edit_config(p, lambda m: m.update(format_version=99)), "newer seqviz"),
        (lambda p: edit_config(p, lambda m: m["vocab"].update(target=["a", "b"])), "vocabulary"),
        (lambda p: edit_config(p, lambda m: m.update(history="x")), "'history' must be"),
    ],
)
def test_damaged_checkpoints_get_clear_errors(tmp_path, damage, message):
    path = save_checkpoint(small_checkpoint(), tmp_path / "model")
    damage(path)
    with pytest.raises(CheckpointError, match=message):
        load_checkpoint(path)


def test_hostile_safetensors_headers(tmp_path):
    path = save_checkpoint(small_checkpoint(), tmp_path / "model")
    meta = json.loads((path / CONFIG_FILE).read_text())
    meta.pop("weights_sha256")
    (path / CONFIG_FILE).write_text(json.dumps(meta))
    for payload in (struct.pack("<Q", 2**62) + b"{}", struct.pack("<Q", 10) + b"[1,2,3,4,5]", os.urandom(64)):
        (path / WEIGHTS_FILE).write_bytes(payload)
        with pytest.raises(CheckpointError, match="not a valid safetensors"):
            load_checkpoint(path)


def test_missing_folder_and_file_paths(tmp_path):
    with pytest.raises(CheckpointError, match="does not exist"):
        load_checkpoint(tmp_path / "nothing")
    (tmp_path / "x.txt").write_text("hi")
    with pytest.raises(CheckpointError, match="is a file"):
        load_checkpoint(tmp_path / "x.txt")


def test_non_finite_weights_refused(tmp_path):
    checkpoint = small_checkpoint()
    with torch.no_grad():
        next(checkpoint.model.parameters()).fill_(float("nan"))
    path = save_checkpoint(checkpoint, tmp_path / "nan")
    with pytest.raises(CheckpointError, match="NaN"):
        load_checkpoint(path)
