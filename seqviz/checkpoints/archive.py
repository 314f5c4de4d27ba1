"""A checkpoint as one zip to download, and safe installation of an uploaded checkpoint (zip or loose files).

Why so careful: an upload is hostile until proven otherwise. A zip can try to write outside its folder
(``../x``, absolute paths, symlinks), lie about its sizes to exhaust memory or disk, or smuggle a pickle that
runs code when loaded. So nothing from the upload ever names a path on disk: only the three known
checkpoint files are accepted, each written under its fixed name into a hidden staging folder by a bounded
copy, the staging folder is loaded in full by ``load_checkpoint`` (checksum, shapes, NaN, no pickle), and only
then is it moved into place by a rename. Any failure removes the staging folder, so a refused upload
leaves nothing.

Torch is imported lazily (by ``load_checkpoint``), like in ``seqviz.checkpoints.store``.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import stat
import struct
import tempfile
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import IO

from seqviz.checkpoints import store as ckpt
from seqviz.checkpoints.folder_lock import folder_lock
from seqviz.checkpoints.provenance import TaskInfo
from seqviz.checkpoints.store import CONFIG_FILE, PICKLE_SUFFIXES, VALIDATION_FILE, WEIGHTS_FILE
from seqviz.errors import CheckpointError

CHECKPOINT_FILES = (CONFIG_FILE, WEIGHTS_FILE, VALIDATION_FILE)
REQUIRED_FILES = (CONFIG_FILE, WEIGHTS_FILE)
ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can say: fixed, so equal checkpoints zip equal
ZIP_FILE_MODE = stat.S_IFREG | 0o644
ZIP_UNIX = 3  # ZipInfo.create_system; fixed too, since it defaults to the running platform
# headroom for zip headers and incompressible data above the sum of the three files' caps
ARCHIVE_SLACK_BYTES = 1024 * 1024
MAX_ARCHIVE_BYTES = (
    ckpt.MAX_WEIGHTS_BYTES + ckpt.MAX_CONFIG_BYTES + ckpt.MAX_VALIDATION_BYTES + ARCHIVE_SLACK_BYTES
)
COPY_CHUNK = 1 << 20
NameCheck = Callable[[str], str]  # a name as typed -> the cleaned name, or an InputError saying why not
OS_LITTER_FOLDERS = ("__MACOSX",)  # what macOS Finder adds to every zip: never extracted
OS_LITTER_FILES = (".DS_Store", "Thumbs.db", "desktop.ini")
ENCRYPTED_FLAG = 0x1
# A checkpoint zip holds three files, a folder and perhaps some OS litter (__MACOSX/, ._ files, .DS_Store).
# Python's zipfile reads the whole central directory when it opens an archive: 300,000 junk entries cost
# seconds and hundreds of MB before any member is looked at. So the end record is read first and an archive
# announcing more entries, or a bigger central directory, than a checkpoint can need is refused unopened.
MAX_ARCHIVE_ENTRIES = 32
MAX_CENTRAL_DIRECTORY_BYTES = 64 * 1024  # 32 entries of 46 header bytes and names up to ~2,000 bytes each
END_RECORD = struct.Struct("<4s4H2LH")  # signature, disks, entries (this disk, total), size, offset, comment
END_SIGNATURE = b"PK\x05\x06"
ZIP64_LOCATOR_SIGNATURE = b"PK\x06\x07"
ZIP64_LOCATOR_BYTES = 20
ZIP64_END_RECORD = struct.Struct("<4sQ2H2L4Q")  # ..., entries (this disk, total), directory size, offset
ZIP64_END_SIGNATURE = b"PK\x06\x06"
MAX_ZIP_COMMENT = 0xFFFF


# --------------------------------------------------------------------------------------------- download


def checkpoint_zip_bytes(path: str | Path) -> bytes:
    """A zip of the checkpoint folder ``path``: ``<name>/config.json``, ``<name>/model.safetensors`` and
    ``<name>/validation.tsv`` when present.

    Timestamps, permissions and the platform field are fixed, so the same checkpoint always gives the same
    bytes (a download can be compared or cached by its hash).
    """
    folder = Path(path)
    buffer = io.BytesIO()
    with folder_lock(folder.parent, shared=True):  # all files from one save, as in load_checkpoint
        source = Path(ckpt._read_config(folder)["__folder__"])  # refuses non-checkpoints
        if not (source / WEIGHTS_FILE).is_file():
            raise CheckpointError(f"{folder} has no {WEIGHTS_FILE}")
        with zipfile.ZipFile(buffer, "w") as archive:
            for filename in CHECKPOINT_FILES:
                if (source / filename).is_file():
                    _add_file(archive, source / filename, f"{folder.name}/{filename}")
    return buffer.getvalue()


def _add_file(archive: zipfile.ZipFile, file: Path, arcname: str) -> None:
    """Stream ``file`` into the archive with fixed metadata (a 256 MB weights file is never held twice)."""
    info = zipfile.ZipInfo(arcname, date_time=ZIP_DATE_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = ZIP_UNIX
    info.external_attr = ZIP_FILE_MODE << 16
    with open(file, "rb") as source, archive.open(info, "w") as sink:
        shutil.copyfileobj(source, sink, COPY_CHUNK)


# ----------------------------------------------------------------------------------------------- upload


@dataclass(frozen=True)
class _Upload:
    """One accepted file of an upload, zip member or loose: where it goes, its declared size, a reader.

    Both upload paths reduce to a list of these, so there is one installer and one set of checks.
    """

    filename: str  # one of CHECKPOINT_FILES: the only name ever written to disk
    size: int  # as declared; the copy is bounded by the cap anyway, a lying header cannot get past it
    open: Callable[[], IO[bytes]]


def import_checkpoint_zip(
    data: bytes,
    root: Path | None = None,
    name: str | None = None,
    overwrite: bool = False,
    check_name: NameCheck | None = None,
) -> Path:
    """Install the checkpoint in the zip ``data`` under ``root`` (default: the user checkpoints folder).

    The files may lie at the top of the archive or inside exactly one folder. The name is ``name``, else that
    folder's name, else the task name in ``config.json``; it must pass ``check_name`` (default
    ``check_checkpoint_name``; the app passes a student's own rules, ``seqviz.checkpoints.classroom``). An
    existing checkpoint of that name is replaced only with ``overwrite``. Returns the installed folder.
    """
    if len(data) > MAX_ARCHIVE_BYTES:
        raise CheckpointError(
            f"The archive is {_size(len(data))}, over the {_size(MAX_ARCHIVE_BYTES)} limit for a checkpoint."
        )
    _check_end_record(data)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
        raise CheckpointError("The upload is not a zip archive (or the zip is damaged).") from None
    with archive:
        if len(archive.infolist()) > MAX_ARCHIVE_ENTRIES:
            raise _too_many_entries(len(archive.infolist()))
        uploads, folder = _zip_uploads(archive)
        return _install(uploads, root, name if name is not None else folder, overwrite, check_name)


def import_checkpoint_files(
    files: Mapping[str, bytes],
    root: Path | None = None,
    name: str | None = None,
    overwrite: bool = False,
    check_name: NameCheck | None = None,
) -> Path:
    """Install a checkpoint uploaded as loose files (``{"config.json": ..., "model.safetensors": ...}``).

    Same checks and same installer as ``import_checkpoint_zip``; the name is ``name``, else the task name.
    """
    for filename in files:
        if not _is_plain_file_name(filename):
            raise CheckpointError(f"The uploaded file name {filename!r} is not a plain file name; refused.")
    _check_file_names(files)
    uploads = [_Upload(filename, len(data), partial(io.BytesIO, data)) for filename, data in files.items()]
    return _install(uploads, root, name, overwrite, check_name)


# -------------------------------------------------------------------------------------- zip member checks


def _check_end_record(data: bytes) -> None:
    """Refuse, before ``zipfile`` parses anything, an archive whose end record announces more entries or a
    larger central directory than a checkpoint needs. Found the way ``zipfile`` finds it: the last end
    signature in the final 64 KB, and the zip64 end record when a zip64 locator precedes it."""
    tail_start = max(0, len(data) - END_RECORD.size - MAX_ZIP_COMMENT)
    position = data.rfind(END_SIGNATURE, tail_start)
    if position < 0 or position + END_RECORD.size > len(data):
        return  # not a zip: zipfile says so in its own words
    _, _, _, _, entries, directory_bytes, _, _ = END_RECORD.unpack_from(data, position)
    locator = position - ZIP64_LOCATOR_BYTES
    if locator >= 0 and data[locator : locator + 4] == ZIP64_LOCATOR_SIGNATURE:
        # zip64 (torch.save writes it, for one): zipfile then reads the zip64 end record just before
        start = locator - ZIP64_END_RECORD.size
        if start < 0 or data[start : start + 4] != ZIP64_END_SIGNATURE:
            raise CheckpointError("The upload is not a zip archive (or the zip is damaged).")
        fields = ZIP64_END_RECORD.unpack_from(data, start)
        entries, directory_bytes = fields[7], fields[8]
    if entries > MAX_ARCHIVE_ENTRIES or directory_bytes > MAX_CENTRAL_DIRECTORY_BYTES:
        raise _too_many_entries(entries)


def _too_many_entries(count: int) -> CheckpointError:
    return CheckpointError(
        f"The archive lists {count:,} entries; a checkpoint zip holds its three files and at most "
        f"{MAX_ARCHIVE_ENTRIES} entries in all. Refused."
    )


def _zip_uploads(archive: zipfile.ZipFile) -> tuple[list[_Upload], str | None]:
    """The archive's checkpoint files and the folder holding them (None when flat), or a refusal."""
    members = archive.infolist()
    for info in members:
        _check_member(info)
    members = [info for info in members if not _is_os_litter(info.filename)]
    _check_duplicates(info.filename for info in members)
    files = [info for info in members if not info.is_dir()]
    _check_file_names(info.filename for info in files)
    folder = _layout(members)
    uploads = [
        _Upload(PurePosixPath(info.filename).name, info.file_size, partial(archive.open, info))
        for info in files
    ]
    return uploads, folder


def _check_member(info: zipfile.ZipInfo) -> None:
    """Refuse a member whose path could land outside its folder, or that is not a plain readable file."""
    name = info.filename
    if "\\" in name:
        raise CheckpointError(f"The archive member {name!r} has a backslash in its path; refused.")
    if name.startswith("/") or PureWindowsPath(name).drive:
        raise CheckpointError(f"The archive member {name!r} has an absolute path; refused.")
    parts = name.rstrip("/").split("/")
    if ".." in parts:
        raise CheckpointError(f"The archive member {name!r} points outside its folder ('..'); refused.")
    if any(part in ("", ".") for part in parts):
        raise CheckpointError(f"The archive member {name!r} has an unusual path; refused.")
    if info.flag_bits & ENCRYPTED_FLAG:
        raise CheckpointError(f"The archive member {name!r} is encrypted; upload an unencrypted zip.")
    mode = info.external_attr >> 16
    kind = stat.S_IFMT(mode)
    if stat.S_ISLNK(mode):
        raise CheckpointError(f"The archive member {name!r} is a symbolic link; refused.")
    allowed = stat.S_IFDIR if info.is_dir() else stat.S_IFREG
    if kind not in (0, allowed):  # 0: made on a system that records no file type
        raise CheckpointError(f"The archive member {name!r} is not a regular file; refused.")


def _is_os_litter(name: str) -> bool:
    """Metadata that operating systems slip into zips; skipped (never extracted) rather than refused."""
    path = PurePosixPath(name)
    return path.parts[0] in OS_LITTER_FOLDERS or path.name in OS_LITTER_FILES


def _check_duplicates(names: Iterable[str]) -> None:
    """Two members of one name: which one would win is up to the unpacker, so neither is trusted."""
    repeated = [name for name, count in Counter(names).items() if count > 1]
    if repeated:
        raise CheckpointError(f"The archive holds {repeated[0]!r} more than once; refused.")


def _layout(members: list[zipfile.ZipInfo]) -> str | None:
    """The one folder holding the files, or None when they lie at the top; anything else is refused."""
    folders: set[str] = set()
    flat = False
    for info in members:
        parts = PurePosixPath(info.filename).parts
        if info.is_dir():
            if len(parts) > 1:
                raise CheckpointError(f"The archive holds the nested folder {info.filename!r}; refused.")
            folders.add(parts[0])
        elif len(parts) > 2:
            raise CheckpointError(
                f"The archive holds {info.filename!r} in a nested folder; put the checkpoint files at the "
                "top of the archive or inside one folder."
            )
        elif len(parts) == 2:
            folders.add(parts[0])
        else:
            flat = True
    if len(folders) > 1 or (flat and folders):
        raise CheckpointError(
            "The archive's files must lie either at its top or inside exactly one folder, not in several."
        )
    return next(iter(folders), None)


# ------------------------------------------------------------------------------------------ shared checks


def _check_file_names(names: Iterable[str]) -> None:
    """Every file must be a checkpoint file; a pickle gets its own message, since it is the likely mistake."""
    names = list(names)
    for name in names:
        if PurePosixPath(name).suffix.lower() in PICKLE_SUFFIXES:
            raise CheckpointError(
                f"{name!r} is a pickle-based file; pickles can run code when loaded, so seqviz refuses them "
                f"(a seqviz checkpoint is {CONFIG_FILE} and {WEIGHTS_FILE})."
            )
    for name in names:
        if PurePosixPath(name).name not in CHECKPOINT_FILES:
            raise CheckpointError(
                f"{name!r} is not part of a seqviz checkpoint; only "
                f"{', '.join(CHECKPOINT_FILES)} are accepted."
            )


def _is_plain_file_name(name: str) -> bool:
    return bool(name) and name not in (".", "..") and not any(ch in name for ch in "/\\\0")


def _caps() -> dict[str, int]:
    """Read from ``seqviz.checkpoints.store`` at call time, so one limit governs saved and uploaded files
    alike."""
    return {
        CONFIG_FILE: ckpt.MAX_CONFIG_BYTES,
        WEIGHTS_FILE: ckpt.MAX_WEIGHTS_BYTES,
        VALIDATION_FILE: ckpt.MAX_VALIDATION_BYTES,
    }


def _check_complete(uploads: list[_Upload]) -> None:
    """Both required files are present, and no declared size is over its cap (refused before any copy)."""
    present = {upload.filename for upload in uploads}
    for required in REQUIRED_FILES:
        if required not in present:
            raise CheckpointError(
                f"The upload has no {required}; a seqviz checkpoint needs {CONFIG_FILE} and {WEIGHTS_FILE}."
            )
    caps = _caps()
    for upload in uploads:
        if upload.size > caps[upload.filename]:
            raise _too_big(upload.filename, caps[upload.filename])


def _too_big(filename: str, cap: int) -> CheckpointError:
    return CheckpointError(f"{filename} is larger than the {_size(cap)} limit; refused.")


def _size(count: int) -> str:
    return f"{count / 2**20:.0f} MB" if count >= 2**20 else f"{count} bytes"


# --------------------------------------------------------------------------------------------- installing


def _install(
    uploads: list[_Upload], root: Path | None, name: str | None, overwrite: bool, check_name: NameCheck | None
) -> Path:
    """Extract into a hidden staging folder in ``root``, load it in full, then rename it into place."""
    _check_complete(uploads)
    root = Path(root) if root is not None else ckpt.user_checkpoint_root()
    check_name = check_name or ckpt.check_checkpoint_name
    chosen = check_name(name) if name is not None else None
    if chosen is not None:
        _check_free(root / chosen, overwrite)  # refuse early, before copying hundreds of megabytes
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".upload-", suffix=".tmp", dir=root))
    try:
        for upload in uploads:
            _extract(upload, staging / upload.filename)
        task = _validate(staging)
        if chosen is None:
            chosen = check_name(_name_from_task(task))
        target = root / chosen
        # checked again under the save lock, at the rename: another upload or save may have taken the name
        ckpt._swap_in(staging, target, check=partial(_check_free, overwrite=overwrite))
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def _check_free(target: Path, overwrite: bool) -> None:
    if not overwrite and (target.exists() or ckpt._backup_path(target).exists()):
        raise CheckpointError(
            f"A checkpoint named {target.name!r} already exists; choose another name or allow overwriting it."
        )
    if target.exists():
        ckpt.check_replaceable(target)  # overwriting replaces a seqviz checkpoint, never a user's folder


def _extract(upload: _Upload, dest: Path) -> None:
    """Copy one file to ``dest``, stopping as soon as more than its cap has come out of the reader."""
    cap = _caps()[upload.filename]
    try:
        with upload.open() as source, open(dest, "xb") as sink:
            _copy_bounded(source, sink, cap, upload.filename)
            sink.flush()
            os.fsync(sink.fileno())
    except NotImplementedError:
        raise CheckpointError(
            f"{upload.filename} in the archive uses a compression method seqviz cannot read; use plain zip."
        ) from None
    except (zipfile.BadZipFile, EOFError, zlib.error, RuntimeError, ValueError) as error:
        raise CheckpointError(f"{upload.filename} in the archive is damaged ({error}).") from None


def _copy_bounded(source: IO[bytes], sink: IO[bytes], cap: int, filename: str) -> None:
    copied = 0
    while True:
        block = source.read(min(COPY_CHUNK, cap + 1 - copied))  # never more than one byte past the cap
        if not block:
            return
        copied += len(block)
        if copied > cap:
            raise _too_big(filename, cap)
        sink.write(block)


def _validate(staging: Path) -> TaskInfo:
    """Load the staged checkpoint in full (checksum, shapes, NaN, vocabularies); returns its task record.

    The temporary folder's path is replaced by "the upload" in messages: it means nothing to the user.
    """
    try:
        loaded = ckpt.load_checkpoint(staging)
    except CheckpointError as error:
        message = str(error).replace(str(staging), "the upload")
        raise CheckpointError(message) from None
    return loaded.task


def _name_from_task(task: TaskInfo) -> str:
    """A folder name made from the task name, when the upload gives none (characters outside the allowed
    set become ``-``, so a corpus name with spaces still yields a usable name)."""
    raw = (task.name or "").strip()
    if not raw:
        raise CheckpointError("The upload's config.json names no task; give the checkpoint a name.")
    cleaned = "".join(ch if ckpt._name_char_ok(ch) else "-" for ch in raw)
    cleaned = re.sub(r"-{2,}", "-", cleaned).lstrip(".-") or "checkpoint"
    return cleaned[: ckpt.MAX_NAME_CHARS]
