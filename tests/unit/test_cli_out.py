"""``train --out`` and every other writer never delete what the user keeps, and say so before any training."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import seqviz.training.workflows
from seqviz.checkpoints.archive import import_checkpoint_files
from seqviz.checkpoints.store import CONFIG_FILE, WEIGHTS_FILE, load_checkpoint, save_checkpoint
from seqviz.cli import main
from seqviz.errors import CheckpointError
from tests.support.checkpoints import small_checkpoint

TINY = ["--task", "reverse", "--steps", "2", "--hidden", "8", "--emb", "4", "--eval-every", "1000"]


def users_folder(root: Path) -> Path:
    """A folder of the user's: a thesis and a data file in a sub-folder."""
    folder = root / "that-folder"
    (folder / "sub").mkdir(parents=True)
    (folder / "thesis.txt").write_text("four years of work", encoding="utf-8")
    (folder / "sub" / "data.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    return folder


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def no_training(monkeypatch):
    """Training must not start when --out is refused: a refusal after training would lose the model."""

    def refuse(*args, **kwargs):
        raise AssertionError("training started although --out was unusable")

    monkeypatch.setattr(seqviz.training.workflows, "train_task", refuse)


def train(capsys, out: str | Path) -> tuple[int, str]:
    code = main(["train", *TINY, "--out", str(out)])
    return code, capsys.readouterr().err


def assert_refused(code: int, err: str, *words: str) -> None:
    assert code == 2, err
    assert err.count("\n") == 1 and err.startswith("seqviz: error: --out"), err
    assert "internal error" not in err and "Traceback" not in err
    for word in words:
        assert word in err, err


def test_train_out_leaves_a_users_folder_untouched_and_says_why(tmp_path, capsys, no_training):
    folder = users_folder(tmp_path)
    before = snapshot(folder)
    code, err = train(capsys, folder)
    assert_refused(code, err, "not part of a seqviz checkpoint", "thesis.txt")
    assert snapshot(folder) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["that-folder"]  # no staging folder either


@pytest.mark.parametrize("out", ["/", ".", ".."])
def test_train_out_refuses_roots_and_the_current_folder(tmp_path, capsys, no_training, monkeypatch, out):
    monkeypatch.chdir(users_folder(tmp_path) / "sub")
    code, err = train(capsys, out)
    assert_refused(code, err)


def test_train_out_refuses_the_current_folder_by_its_full_name(tmp_path, capsys, no_training, monkeypatch):
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.chdir(empty)
    code, err = train(capsys, empty)
    assert_refused(code, err, "current folder")
    code, err = train(capsys, tmp_path)
    assert_refused(code, err, "current folder")


def test_train_out_refuses_a_file_and_a_path_below_a_file(tmp_path, capsys, no_training):
    notes = tmp_path / "notes.txt"
    notes.write_text("mine", encoding="utf-8")
    code, err = train(capsys, notes)
    assert_refused(code, err, "is a file")
    code, err = train(capsys, notes / "model")
    assert_refused(code, err)
    assert notes.read_text(encoding="utf-8") == "mine"


def test_train_out_refuses_a_checkpoint_folder_holding_a_users_file(tmp_path, capsys, no_training):
    folder = save_checkpoint(small_checkpoint(), tmp_path / "model")
    (folder / "my-notes.md").write_text("notes", encoding="utf-8")
    before = snapshot(folder)
    code, err = train(capsys, folder)
    assert_refused(code, err, "my-notes.md")
    assert snapshot(folder) == before


def test_train_out_refuses_a_folder_with_a_foreign_config(tmp_path, capsys, no_training):
    folder = tmp_path / "other-tool"
    folder.mkdir()
    (folder / CONFIG_FILE).write_text('{"format": "someone-else"}', encoding="utf-8")
    code, err = train(capsys, folder)
    assert_refused(code, err, "not a seqviz checkpoint")
    assert (folder / CONFIG_FILE).read_text(encoding="utf-8") == '{"format": "someone-else"}'


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_train_out_refuses_a_read_only_folder_before_training(tmp_path, capsys, no_training):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        code, err = train(capsys, locked / "model")
    finally:
        locked.chmod(0o755)
    assert_refused(code, err, "cannot write")


def test_train_out_refuses_an_unwritable_place_before_training(tmp_path, capsys, no_training):
    """Works as root too: /proc accepts no new folders from anyone."""
    code, err = train(capsys, "/proc/seqviz-model")
    assert_refused(code, err, "cannot write")


def test_train_out_replaces_a_seqviz_checkpoint_and_fills_an_empty_folder(tmp_path, capsys):
    old = save_checkpoint(small_checkpoint(hidden=6), tmp_path / "model")
    assert load_checkpoint(old).config.hidden_size == 6
    code, err = train(capsys, old)
    assert code == 0, err
    assert load_checkpoint(old).config.hidden_size == 8
    assert sorted(p.name for p in old.iterdir()) == [CONFIG_FILE, WEIGHTS_FILE]
    empty = tmp_path / "empty"
    empty.mkdir()
    code, err = train(capsys, empty)
    assert code == 0, err
    assert load_checkpoint(empty).config.hidden_size == 8
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty", "model"]  # no staging or backup left


# ------------------------------------------------------------------- the same rule for every other writer


def test_save_checkpoint_never_replaces_a_users_folder(tmp_path):
    """The Train page's save, the language-model page's save and ``make checkpoints`` all go through
    ``save_checkpoint``, so this is their rule too."""
    folder = users_folder(tmp_path)
    before = snapshot(folder)
    with pytest.raises(CheckpointError, match="not part of a seqviz checkpoint"):
        save_checkpoint(small_checkpoint(), folder)
    assert snapshot(folder) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["that-folder"]
    notes = tmp_path / "notes.txt"
    notes.write_text("mine", encoding="utf-8")
    with pytest.raises(CheckpointError, match="is a file"):
        save_checkpoint(small_checkpoint(), notes)
    assert notes.read_text(encoding="utf-8") == "mine"


def test_an_upload_with_overwrite_never_replaces_a_users_folder(tmp_path):
    source = save_checkpoint(small_checkpoint(), tmp_path / "source")
    root = tmp_path / "user"
    folder = users_folder(root)
    before = snapshot(folder)
    files = {p.name: p.read_bytes() for p in source.iterdir()}
    with pytest.raises(CheckpointError, match="not part of a seqviz checkpoint"):
        import_checkpoint_files(files, root=root, name=folder.name, overwrite=True)
    assert snapshot(folder) == before
    assert sorted(p.name for p in root.iterdir()) == ["that-folder"]  # the staging folder is gone


def test_make_checkpoints_checks_every_output_before_training(tmp_path, capsys, monkeypatch):
    import seqviz.build_checkpoints as build

    def refuse(*args, **kwargs):
        raise AssertionError("training started although an output was unusable")

    monkeypatch.setattr(build, "train_task", refuse)
    assert build.save_checkpoint is save_checkpoint  # the guarded save
    root = tmp_path / "root"
    folder = users_folder(root)
    before = snapshot(folder)
    name = build.RECIPES[0].name
    folder.rename(root / name)
    assert build.main(["--root", str(root), "--only", name]) == 2
    assert "not part of a seqviz checkpoint" in capsys.readouterr().err
    assert snapshot(root / name) == before
    (root / name).rename(folder)
    (root / "README.md").write_text("# My notes\n", encoding="utf-8")
    assert build.main(["--root", str(root), "--only", name]) == 2
    assert "README.md was not written by seqviz" in capsys.readouterr().err
    assert (root / "README.md").read_text(encoding="utf-8") == "# My notes\n"


def test_bench_out_never_overwrites_a_users_file(tmp_path):
    from seqviz.bench.report import TITLE, check_writable
    from seqviz.errors import InputError

    mine = tmp_path / "results.md"
    mine.write_text("# My results\n", encoding="utf-8")
    with pytest.raises(InputError, match="not a seqviz benchmark report"):
        check_writable(mine)
    assert mine.read_text(encoding="utf-8") == "# My results\n"
    mine.write_text(f"{TITLE}\n\nold figures\n", encoding="utf-8")
    assert check_writable(mine) == mine  # an earlier report is replaced
