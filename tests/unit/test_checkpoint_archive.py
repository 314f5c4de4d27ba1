"""Checkpoint zips and uploads: round trips, user checkpoints beside shipped ones, and refusal of hostile
archives (zip slip, symlinks, pickles, lying sizes) with clear messages and nothing left behind."""

from __future__ import annotations

import io
import json
import os
import pickle
import stat
import struct
import warnings
import zipfile
from pathlib import Path

import pytest
import torch

from seqviz.checkpoints import archive
from seqviz.checkpoints import store as ckpt
from seqviz.checkpoints.archive import checkpoint_zip_bytes, import_checkpoint_files, import_checkpoint_zip
from seqviz.checkpoints.store import (
    CONFIG_FILE,
    VALIDATION_FILE,
    WEIGHTS_FILE,
    check_checkpoint_name,
    find_checkpoint,
    list_all_checkpoints,
    list_checkpoints,
    load_checkpoint,
    save_checkpoint,
)
from seqviz.errors import CheckpointError, InputError
from tests.support.checkpoints import CreatesFile, outputs, small_checkpoint

SHIPPED_NAME = "reverse-shipped"


@pytest.fixture
def roots(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A shipped root holding one checkpoint, and an empty (not yet created) user root."""
    shipped, user = tmp_path / "shipped", tmp_path / "user"
    monkeypatch.setenv("SEQVIZ_CHECKPOINTS", str(shipped))
    monkeypatch.setenv("SEQVIZ_USER_CHECKPOINTS", str(user))
    save_checkpoint(small_checkpoint(seed=9), shipped / SHIPPED_NAME)
    return shipped, user


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """A saved checkpoint outside both roots, with held-out pairs, as a user would download it."""
    checkpoint = small_checkpoint(seed=1)
    checkpoint.validation_tsv = "abc\tcba\n"
    return save_checkpoint(checkpoint, tmp_path / "src" / "my-model")


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def make_zip(members: list[tuple[str | zipfile.ZipInfo, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        warnings.simplefilter("ignore")  # duplicate names are built on purpose
        for name, data in members:
            zf.writestr(name, data)
    return buffer.getvalue()


def good_members(folder: Path, prefix: str = "m/") -> list[tuple[str | zipfile.ZipInfo, bytes]]:
    return [(prefix + name, data) for name, data in files_of(folder).items()]


def assert_no_leftovers(root: Path, expected: tuple[str, ...] = ()) -> None:
    """A refused upload leaves no staging folder (nor anything else) in the root."""
    names = sorted(p.name for p in root.iterdir()) if root.exists() else []
    assert names == sorted(expected)


# ------------------------------------------------------------------------------------------ round trips


def test_round_trip_under_a_new_name(roots, source):
    shipped, user = roots
    data = checkpoint_zip_bytes(source)
    assert sorted(zipfile.ZipFile(io.BytesIO(data)).namelist()) == [
        f"my-model/{CONFIG_FILE}",
        f"my-model/{WEIGHTS_FILE}",
        f"my-model/{VALIDATION_FILE}",
    ]
    path = import_checkpoint_zip(data, name="copy")
    assert path == user / "copy" == find_checkpoint("copy")
    loaded, original = load_checkpoint(path), load_checkpoint(source)
    torch.testing.assert_close(outputs(loaded.model), outputs(original.model), atol=0, rtol=0)
    assert loaded.validation_tsv == "abc\tcba\n"
    infos = list_all_checkpoints()
    assert [(i.name, i.origin) for i in infos] == [(SHIPPED_NAME, "shipped"), ("copy", "user")]
    assert find_checkpoint(SHIPPED_NAME) == shipped / SHIPPED_NAME
    assert_no_leftovers(user, ("copy",))


def test_zip_bytes_are_deterministic(source):
    first = checkpoint_zip_bytes(source)
    for file in source.iterdir():
        os.utime(file, (1_000_000_000, 1_000_000_000))
    assert checkpoint_zip_bytes(source) == first
    without_validation = save_checkpoint(small_checkpoint(seed=1), source.parent / "plain")
    names = zipfile.ZipFile(io.BytesIO(checkpoint_zip_bytes(without_validation))).namelist()
    assert sorted(names) == [f"plain/{CONFIG_FILE}", f"plain/{WEIGHTS_FILE}"]


def test_folder_name_is_used_and_flat_zip_takes_the_task_name(roots, source):
    _, user = roots
    assert import_checkpoint_zip(checkpoint_zip_bytes(source)) == user / "my-model"
    flat = make_zip(list(files_of(source).items()))
    assert import_checkpoint_zip(flat) == user / "reverse"  # the task name in config.json
    assert import_checkpoint_zip(flat, name="flat") == user / "flat"


def test_loose_files_accepted(roots, source):
    _, user = roots
    path = import_checkpoint_files(files_of(source), name="loose")
    assert path == user / "loose"
    torch.testing.assert_close(
        outputs(load_checkpoint(path).model), outputs(load_checkpoint(source).model), atol=0, rtol=0
    )
    without_validation = {k: v for k, v in files_of(source).items() if k != VALIDATION_FILE}
    assert import_checkpoint_files(without_validation, root=user / "other", name="x") == user / "other" / "x"


def test_macos_litter_is_skipped(roots, source):
    members = [*good_members(source), ("__MACOSX/m/._config.json", b"junk"), ("m/.DS_Store", b"junk")]
    path = import_checkpoint_zip(make_zip(members))
    assert sorted(p.name for p in path.iterdir()) == sorted(files_of(source))


def test_existing_name_needs_overwrite(roots, source):
    _, user = roots
    import_checkpoint_zip(checkpoint_zip_bytes(source), name="mine")
    newer = save_checkpoint(small_checkpoint(seed=5), source.parent / "newer")
    data = checkpoint_zip_bytes(newer)
    with pytest.raises(CheckpointError, match="already exists"):
        import_checkpoint_zip(data, name="mine")
    with pytest.raises(CheckpointError, match="already exists"):
        import_checkpoint_files(files_of(newer), name="mine")
    assert_no_leftovers(user, ("mine",))
    import_checkpoint_zip(data, name="mine", overwrite=True)
    torch.testing.assert_close(
        outputs(load_checkpoint(user / "mine").model), outputs(load_checkpoint(newer).model), atol=0, rtol=0
    )
    assert_no_leftovers(user, ("mine",))


def test_shipped_names_cannot_be_taken(roots, source):
    shipped, user = roots
    with pytest.raises(InputError, match="shipped checkpoint"):
        import_checkpoint_zip(checkpoint_zip_bytes(source), name=SHIPPED_NAME)
    with pytest.raises(InputError, match="shipped checkpoint"):  # the archive's folder is a shipped name
        import_checkpoint_zip(checkpoint_zip_bytes(shipped / SHIPPED_NAME))
    with pytest.raises(InputError, match="shipped checkpoint"):
        import_checkpoint_files(files_of(source), name=SHIPPED_NAME.upper())
    assert_no_leftovers(user)


# -------------------------------------------------------------------------------------------- refusals


def _symlink(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


def _fifo(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFIFO | 0o644) << 16
    return info


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("../x", b"x"), "outside its folder"),
        (("m/../../config.json", b"{}"), "outside its folder"),
        (("/etc/config.json", b"{}"), "absolute path"),
        (("C:/config.json", b"{}"), "absolute path"),
        (("m\\..\\config.json", b"{}"), "backslash"),
        ((_symlink("m/link"), b"/etc/passwd"), "symbolic link"),
        ((_fifo("m/fifo"), b""), "not a regular file"),
        (("m/readme.txt", b"hi"), r"'m/readme.txt' is not part of a seqviz checkpoint"),
        (("m/sub/config.json", b"{}"), "nested folder"),
        (("other/validation.tsv", b"a\tb\n"), "exactly one folder"),
        (("validation.tsv", b"a\tb\n"), "exactly one folder"),
        (("m/config.json", b"{}"), "more than once"),
    ],
)
def test_hostile_members_refused(roots, source, extra, message):
    _, user = roots
    data = make_zip([*good_members(source), extra])
    with pytest.raises(CheckpointError, match=message):
        import_checkpoint_zip(data, name="evil")
    assert_no_leftovers(user)


def test_pickle_in_zip_refused_and_never_unpickled(roots, source, tmp_path):
    _, user = roots
    marker = tmp_path / "pwned.txt"
    payload = pickle.dumps(CreatesFile(marker))
    for data in (
        make_zip([*good_members(source), ("m/model.pt", payload)]),
        make_zip([("model.pkl", payload)]),
    ):
        with pytest.raises(CheckpointError, match="pickles can run code"):
            import_checkpoint_zip(data, name="evil")
    with pytest.raises(CheckpointError, match="pickles can run code"):
        import_checkpoint_files({**files_of(source), "model.pth": payload}, name="evil")
    buffer = io.BytesIO()
    torch.save({"w": torch.zeros(2)}, buffer)  # a real .pt file is itself a zip holding data.pkl
    with pytest.raises(CheckpointError, match="pickles can run code"):
        import_checkpoint_zip(buffer.getvalue(), name="evil")
    assert not marker.exists()
    assert_no_leftovers(user)


def _set_flag_bits(data: bytes, bits: int) -> bytes:
    """Mark every member as encrypted, in the local headers and in the central directory."""
    raw = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = raw.find(signature)
        while start != -1:
            (flags,) = struct.unpack_from("<H", raw, start + offset)
            struct.pack_into("<H", raw, start + offset, flags | bits)
            start = raw.find(signature, start + 4)
    return bytes(raw)


def _set_declared_size(data: bytes, size: int) -> bytes:
    """Make the central directory lie about every member's uncompressed size."""
    raw = bytearray(data)
    start = raw.find(b"PK\x01\x02")
    while start != -1:
        struct.pack_into("<I", raw, start + 24, size)
        start = raw.find(b"PK\x01\x02", start + 4)
    return bytes(raw)


def test_broken_archives_refused(roots, source, monkeypatch):
    _, user = roots
    good = make_zip(good_members(source))
    cases = [
        (b"definitely not a zip", "not a zip archive"),
        (good[: len(good) // 2], "not a zip archive"),
        (make_zip([("m/" + WEIGHTS_FILE, (source / WEIGHTS_FILE).read_bytes())]), "has no config.json"),
        (make_zip([("m/" + CONFIG_FILE, (source / CONFIG_FILE).read_bytes())]), "has no model.safetensors"),
        (make_zip([]), "has no config.json"),
        (_set_flag_bits(good, 0x1), "encrypted"),
        (_set_declared_size(good, 10), "damaged"),  # the reader stops at the declared size; the CRC fails
    ]
    for data, message in cases:
        with pytest.raises(CheckpointError, match=message):
            import_checkpoint_zip(data, name="broken")
    assert_no_leftovers(user)


def test_size_caps(roots, source, monkeypatch):
    _, user = roots
    data = checkpoint_zip_bytes(source)
    monkeypatch.setattr(archive, "MAX_ARCHIVE_BYTES", 1000)
    with pytest.raises(CheckpointError, match="over the 1000 bytes limit"):
        import_checkpoint_zip(data, name="big")
    monkeypatch.undo()
    monkeypatch.setattr(ckpt, "MAX_CONFIG_BYTES", 100)
    with pytest.raises(CheckpointError, match=r"config\.json is larger than the 100 bytes limit"):
        import_checkpoint_zip(data, name="big")
    with pytest.raises(CheckpointError, match=r"config\.json is larger than the 100 bytes limit"):
        import_checkpoint_files(files_of(source), name="big")
    assert_no_leftovers(user)


def test_bounded_copy_stops_past_the_cap():
    """Whatever a header declares, no more than cap + 1 bytes are ever read, and the cap never written."""
    source, sink = io.BytesIO(b"x" * 10_000), io.BytesIO()
    with pytest.raises(CheckpointError, match="larger than the 100 bytes limit"):
        archive._copy_bounded(source, sink, 100, CONFIG_FILE)
    assert source.tell() == 101 and len(sink.getvalue()) <= 100


def _without_sha(folder: Path) -> bytes:
    meta = json.loads((folder / CONFIG_FILE).read_text())
    meta.pop("weights_sha256")
    return json.dumps(meta).encode()


def test_damaged_checkpoints_refused_after_extraction(roots, source):
    _, user = roots
    files = files_of(source)
    weights = bytearray(files[WEIGHTS_FILE])
    weights[-1] ^= 0xFF
    cases = [
        ({**files, WEIGHTS_FILE: bytes(weights)}, "checksum differs"),
        ({CONFIG_FILE: _without_sha(source), WEIGHTS_FILE: b"\x00" * 64}, "not a valid safetensors"),
        ({**files, CONFIG_FILE: b"{not json"}, "not valid JSON"),
    ]
    for members, message in cases:
        data = make_zip([("m/" + name, content) for name, content in members.items()])
        with pytest.raises(CheckpointError, match=message) as caught:
            import_checkpoint_zip(data)
        assert ".upload-" not in str(caught.value)  # the staging path means nothing to the user
        with pytest.raises(CheckpointError, match=message):
            import_checkpoint_files(members, name="loose")
        assert_no_leftovers(user)


def test_loose_file_names_must_be_plain(roots, source):
    with pytest.raises(CheckpointError, match="not a plain file name"):
        import_checkpoint_files({**files_of(source), "../config.json": b"{}"}, name="x")
    with pytest.raises(CheckpointError, match=r"'notes\.txt' is not part"):
        import_checkpoint_files({**files_of(source), "notes.txt": b"hi"}, name="x")


# ------------------------------------------------------------------------------------- names and lookup


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("中文模型", "中文模型"),
        ("  my-model_v2.1 ", "my-model_v2.1"),
        ("a" * 64, "a" * 64),
        ("हिन्दी", "हिन्दी"),
    ],
)
def test_good_names(roots, raw, cleaned):
    assert check_checkpoint_name(raw) == cleaned


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("../x", "contains"),
        ("a/b", "contains"),
        ("with space", "contains"),
        (".hidden", r"starts with '\.'"),
        ("a" * 65, "at most 64"),
        (SHIPPED_NAME, "shipped checkpoint"),
        (SHIPPED_NAME.upper(), "shipped checkpoint"),
    ],
)
def test_bad_names(roots, raw, message):
    with pytest.raises(InputError, match=message):
        check_checkpoint_name(raw)


def test_find_and_list(roots, source):
    shipped, user = roots
    with pytest.raises(CheckpointError, match="no checkpoint named 'nope'"):
        find_checkpoint("nope")
    with pytest.raises(CheckpointError, match="not a checkpoint name"):
        find_checkpoint("../shipped")
    save_checkpoint(small_checkpoint(), user / SHIPPED_NAME)  # made by hand: shadows nothing, is hidden
    save_checkpoint(small_checkpoint(), user / "b-user")
    assert [(i.name, i.origin) for i in list_all_checkpoints()] == [
        (SHIPPED_NAME, "shipped"),
        ("b-user", "user"),
    ]
    assert find_checkpoint(SHIPPED_NAME) == shipped / SHIPPED_NAME
    assert [i.origin for i in list_checkpoints(user, origin="user")] == ["user", "user"]
    assert [i.origin for i in list_checkpoints()] == ["shipped"]
