"""Hostile checkpoints: bad metadata, lying configs and weights, junk archives. Each is refused with one clear
message (exit 2 in the CLI), nothing is installed, and nothing the config claims is allocated first."""

from __future__ import annotations

import io
import json
import os
import struct
import time
import zipfile
from pathlib import Path

import pytest

import seqviz.models
from seqviz.checkpoints import archive
from seqviz.checkpoints.archive import import_checkpoint_files, import_checkpoint_zip
from seqviz.checkpoints.meta import MAX_DEPTH, MAX_INT_DIGITS, parse_config_text
from seqviz.checkpoints.store import CONFIG_FILE, WEIGHTS_FILE, load_checkpoint, save_checkpoint
from seqviz.cli import main
from seqviz.errors import CheckpointError
from tests.support.checkpoints import edit_config, set_field, small_checkpoint


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    return save_checkpoint(small_checkpoint(), tmp_path / "model")


def _raw_config(folder: Path) -> str:
    return (folder / CONFIG_FILE).read_text(encoding="utf-8")


HOSTILE_METADATA = [
    (set_field("task", "seed", "not-a-number"), "task.seed must be a whole number"),
    (set_field("task", "seed", -1), "task.seed must be a whole number"),
    (set_field("task", "seed", 2**40), "task.seed must be a whole number"),
    (set_field("task", "name", ["reverse"]), "task.name must be a text"),
    (set_field("task", "description", {"a": 1}), "task.description must be a text, a number or null"),
    (set_field("training", "steps_total", "many"), "training.steps_total must be a whole number"),
    (set_field("training", "steps_done", 1.5), "training.steps_done must be a whole number"),
    (set_field("training", "seed", True), "training.seed must be a whole number"),
    (lambda m: m.update(history=[1, 2, 3]), r"history\[0\] must be a JSON object"),
    (lambda m: m.update(history=[{"loss": 1.0}]), r"history\[0\].step must be a whole number"),
    (lambda m: m.update(history=[{"step": "1", "loss": 1.0}]), r"history\[0\].step must be a whole number"),
    (lambda m: m.update(history=[{"step": 1, "loss": "low"}]), r"history\[0\].loss must be a number"),
    (lambda m: m.update(history=[{"step": 1}]), r"history\[0\] has no loss"),
    (lambda m: m.update(history={"step": 1}), "'history' must be a JSON list"),
    (set_field("metrics", "bleu", "great"), "metrics.bleu must be a number"),
    (lambda m: m.update(tokenizers={"source": ["char"], "target": "char"}), "tokenizers.source must be one"),
    (lambda m: m.update(tokenizers={"source": "bpe"}), "tokenizers.source must be one"),
    (lambda m: m.update(tokenizers={"lowercase": "yes"}), "tokenizers.lowercase must be true or false"),
    (lambda m: m.update(tokenizers=["char", "char"]), "'tokenizers' must be a JSON dict"),
    (lambda m: m.update(created={"when": "now"}), "'created' must be a text"),
    (lambda m: m.update(created="x" * 10_000), "'created' has 10,000 characters"),
    (lambda m: m.update(weights_sha256=12), "'weights_sha256' must be 64 lowercase hex digits"),
    (lambda m: m.update(format_version="1"), "'format_version' must be a whole number"),
    (lambda m: m["model"].update(bidirectional="yes"), "bidirectional must be true or false"),
    (lambda m: m["vocab"].update(target=[["<pad>"]]), "vocabulary"),
]


@pytest.mark.parametrize(("edit", "message"), HOSTILE_METADATA)
def test_bad_metadata_is_refused_on_load_with_the_field_named(saved, edit, message):
    edit_config(saved, edit)
    with pytest.raises(CheckpointError, match=message):
        load_checkpoint(saved)


@pytest.mark.parametrize(("edit", "message"), HOSTILE_METADATA[:6] + HOSTILE_METADATA[8:10])
def test_bad_metadata_upload_installs_nothing(tmp_path, saved, edit, message):
    edit_config(saved, edit)
    meta = json.loads(_raw_config(saved))
    meta.pop("weights_sha256")
    files = {p.name: p.read_bytes() for p in saved.iterdir()}
    files[CONFIG_FILE] = json.dumps(meta).encode()
    root = tmp_path / "user"
    with pytest.raises(CheckpointError, match=message):
        import_checkpoint_files(files, root=root, name="bad")
    assert list(root.iterdir()) == []  # no staging folder, no checkpoint


def test_bad_metadata_is_exit_2_in_the_cli(saved, capsys):
    edit_config(saved, set_field("task", "seed", "not-a-number"))
    code = main(["eval", "--checkpoint", str(saved)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "task.seed" in err and "internal error" not in err


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested more than"),
        ("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), "nested more than"),
        ('{"a": ' + "9" * 5000 + "}", "5,000 digits"),
        ('{"a": -' + "9" * (MAX_INT_DIGITS + 1) + "}", "digits"),
    ],
)
def test_config_parsing_is_bounded(text, message):
    with pytest.raises(CheckpointError, match=message):
        parse_config_text(text, "config.json")


def test_deep_nesting_and_huge_integers_in_a_checkpoint(saved):
    raw = _raw_config(saved)
    for bad in (
        raw.replace('"task": {', '"task": {"x": ' + "[" * 50_000 + "]" * 50_000 + ", ", 1),
        raw.replace('"seed": 0', '"seed": ' + "1" * 5000, 1),
    ):
        (saved / CONFIG_FILE).write_text(bad, encoding="utf-8")
        with pytest.raises(CheckpointError, match=r"nested more than|digits"):
            load_checkpoint(saved)


# ------------------------------------------------------------------------- configs that lie about size


def _forbid_building(monkeypatch):
    def refuse(config):
        raise AssertionError("the model was built before the weights were checked against the config")

    monkeypatch.setattr(seqviz.models, "build_model", refuse)


def test_a_config_asking_for_a_huge_model_is_refused_before_any_allocation(saved, monkeypatch):
    """The issue's case: a 56-byte weights file beside a config whose model would need many GB."""
    _forbid_building(monkeypatch)
    header = b'{"__metadata__":{"format":"seqviz"}}'.ljust(48)
    (saved / WEIGHTS_FILE).write_bytes(struct.pack("<Q", 48) + header)
    assert (saved / WEIGHTS_FILE).stat().st_size == 56

    def huge(meta):
        meta.pop("weights_sha256")
        meta["model"].update(
            source_vocab_size=1_000_000, target_vocab_size=1_000_000, embedding_size=4096, hidden_size=4096
        )
        meta["model"].update(num_layers=3, bidirectional=True)  # about 50 GB of float32

    edit_config(saved, huge)
    started = time.perf_counter()
    with pytest.raises(CheckpointError, match="parameters, over the limit"):
        load_checkpoint(saved)
    assert time.perf_counter() - started < 60  # generous: only proves nothing huge was built


def test_a_config_within_limits_but_not_fitting_the_weights_is_refused_from_the_header(saved, monkeypatch):
    """A config of about 57 M parameters (227 MB) beside the small weights: refused from the header alone."""
    _forbid_building(monkeypatch)

    def big(meta):
        meta.pop("weights_sha256")
        meta["model"].update(hidden_size=1024, embedding_size=1024, num_layers=3)

    edit_config(saved, big)
    with pytest.raises(CheckpointError, match="do not fit the model config"):
        load_checkpoint(saved)


def _weights_with_header(header: dict, data: bytes) -> bytes:
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + data


def test_weights_header_lies_are_refused(saved, monkeypatch):
    from safetensors import safe_open

    with safe_open(str(saved / WEIGHTS_FILE), "np") as handle:
        names = list(handle.keys())
    edit_config(saved, lambda m: m.pop("weights_sha256"))
    _forbid_building(monkeypatch)
    real = (saved / WEIGHTS_FILE).read_bytes()
    length = int.from_bytes(real[:8], "little")
    header = json.loads(real[8 : 8 + length])
    data = real[8 + length :]
    first = names[0]
    cases = [
        ({**header, first: {**header[first], "dtype": "I32"}}, data, "not a float type"),
        ({**header, first: {**header[first], "shape": [10**6, 10**6]}}, data, "bytes for shape"),
        ({**header, first: {**header[first], "data_offsets": [0, 10**12]}}, data, "outside the file"),
        (header, data + b"\0" * 64, "data bytes"),
        ({k: v for k, v in header.items() if k != first}, data, "not a valid safetensors|missing"),
    ]
    for bad_header, bad_data, message in cases:
        (saved / WEIGHTS_FILE).write_bytes(_weights_with_header(bad_header, bad_data))
        with pytest.raises(CheckpointError, match=message):
            load_checkpoint(saved)
    (saved / WEIGHTS_FILE).write_bytes(struct.pack("<Q", 2**40) + b"{}")
    with pytest.raises(CheckpointError, match="not a valid safetensors"):
        load_checkpoint(saved)


# ------------------------------------------------------------------------------ files that are not files


def test_dev_null_and_unreadable_checkpoints_are_one_line(tmp_path, capsys):
    for path in ("/dev/null", str(tmp_path / "missing")):
        code = main(["eval", "--checkpoint", path])
        err = capsys.readouterr().err
        assert code == 2 and err.count("\n") == 1 and "internal error" not in err, err
    folder = tmp_path / "weird"
    (folder / CONFIG_FILE).mkdir(parents=True)  # a folder where the config should be
    code = main(["eval", "--checkpoint", str(folder)])
    assert code == 2 and "internal error" not in capsys.readouterr().err


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_an_unreadable_config_is_one_line(saved, capsys):
    (saved / CONFIG_FILE).chmod(0)
    try:
        code = main(["eval", "--checkpoint", str(saved)])
    finally:
        (saved / CONFIG_FILE).chmod(0o644)
    err = capsys.readouterr().err
    assert code == 2 and "cannot read" in err


# ---------------------------------------------------------------------------------------- junk archives


def test_an_archive_with_many_entries_is_refused_before_it_is_parsed(tmp_path, monkeypatch):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for number in range(archive.MAX_ARCHIVE_ENTRIES + 1):
            zf.writestr(f"junk/{number}", b"")
    opened = []
    real_zipfile = zipfile.ZipFile

    def spy(*args, **kwargs):
        opened.append(args)
        return real_zipfile(*args, **kwargs)

    monkeypatch.setattr(archive.zipfile, "ZipFile", spy)
    root = tmp_path / "user"
    with pytest.raises(CheckpointError, match="entries"):
        import_checkpoint_zip(buffer.getvalue(), root=root, name="junk")
    assert opened == []  # refused from the end record, before zipfile read the central directory
    assert not root.exists() or list(root.iterdir()) == []


def test_an_archive_whose_end_record_understates_its_entries_is_still_refused(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for number in range(200):
            zf.writestr(f"j/{number}", b"")
    data = bytearray(buffer.getvalue())
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, 3, 3)  # claims three entries; the directory holds 200
    with pytest.raises(CheckpointError, match="entries"):
        import_checkpoint_zip(bytes(data), root=tmp_path / "user", name="junk")
