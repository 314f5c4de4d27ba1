"""Checkpoints: a folder holding ``model.safetensors`` and ``config.json``, and nothing that can run code.

Why this shape: safetensors stores raw tensors only, so loading a checkpoint someone uploads cannot execute
anything (a pickle-based ``.pt`` file can, and is refused). ``config.json`` carries everything needed to
rebuild the model and read its inputs: the model config, the vocabularies, the tokenizers, the task, the
training history and the final metrics. ``weights_sha256`` ties the two files together.

Saving is atomic: the new checkpoint is written to a temporary sibling folder, then swapped in by renames.
Whatever moment a crash hits, a whole checkpoint survives: the previous one (possibly under the backup name
``.<name>.previous``, which ``load_checkpoint`` and the next save recover) or the new one. Across processes
too (app replicas sharing the user folder): the swap holds the folder's exclusive lock and readers its
shared lock (``seqviz.checkpoints.folder_lock``), so two saves of one name take turns and a reader never
gets files of two saves.

Two roots hold checkpoints: the shipped ones (``checkpoint_root()``, read-only in spirit: a user can never
save over them) and the users' own (``user_checkpoint_root()``: named saves from the Train page and uploads,
each browser session's in its own folder, and the class's shared ones: ``seqviz.checkpoints.classroom``).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from seqviz import PROJECT_ROOT, __version__, settings
from seqviz.checkpoints.folder_lock import folder_lock
from seqviz.checkpoints.history import StepReport, history_from_json, history_to_json
from seqviz.checkpoints.meta import check_metadata, parse_config_text
from seqviz.checkpoints.names import (
    MAX_NAME_CHARS as MAX_NAME_CHARS,  # re-exported: callers read them from here
)
from seqviz.checkpoints.names import NAME_PUNCTUATION as NAME_PUNCTUATION
from seqviz.checkpoints.names import check_plain_name, find_look_alike, name_char_ok
from seqviz.checkpoints.provenance import TaskInfo, TrainingInfo
from seqviz.checkpoints.weights_header import check_against_config, read_header
from seqviz.data.vocab import Vocab
from seqviz.errors import CheckpointError, InputError, SeqvizError
from seqviz.models.config import (
    LanguageModelConfig,
    ModelConfig,
    Seq2SeqConfig,
    TransformerConfig,
    config_from_dict,
)
from seqviz.models.shapes import parameter_shapes

if TYPE_CHECKING:
    import torch

FORMAT = "seqviz-checkpoint"
FORMAT_VERSION = 1
WEIGHTS_FILE = "model.safetensors"
CONFIG_FILE = "config.json"
VALIDATION_FILE = "validation.tsv"
MAX_WEIGHTS_BYTES = 256 * 1024 * 1024
MAX_CONFIG_BYTES = 16 * 1024 * 1024
MAX_VALIDATION_BYTES = 16 * 1024 * 1024
PICKLE_SUFFIXES = (".pt", ".pth", ".bin", ".ckpt", ".pkl", ".pickle", ".tar")
DEFAULT_ROOT = PROJECT_ROOT / "checkpoints"
USER_DEFAULT_ROOT = PROJECT_ROOT / "user_checkpoints"


def checkpoint_root() -> Path:
    """Where shipped checkpoints live; ``SEQVIZ_CHECKPOINTS`` points elsewhere (tests, deployments)."""
    return settings.checkpoints_folder(DEFAULT_ROOT)


def user_checkpoint_root() -> Path:
    """Where the user's own checkpoints go (Train page saves, uploads); ``SEQVIZ_USER_CHECKPOINTS`` moves it.

    Kept apart from the shipped folder so that user files never mix with what the repository ships.
    """
    return settings.user_checkpoints_folder(USER_DEFAULT_ROOT)


@dataclass
class Checkpoint:
    """A model with everything needed to feed it text and to say how it was made."""

    model: Any  # Seq2Seq | LanguageModel
    config: ModelConfig
    target_vocab: Vocab  # the language model's only vocabulary
    source_vocab: Vocab | None = None
    source_tokenizer: str = "char"
    target_tokenizer: str = "char"
    lowercase: bool = False
    task: TaskInfo = field(default_factory=TaskInfo)
    training: TrainingInfo = field(default_factory=TrainingInfo)
    history: list[StepReport] = field(default_factory=list)  # config.json: a list of objects (history.py)
    metrics: dict[str, float] = field(default_factory=dict)
    validation_tsv: str | None = None  # held-out pairs of a user corpus, so eval can run later
    path: Path | None = None
    created: str = ""

    @property
    def kind(self) -> str:
        return self.config.kind

    @property
    def name(self) -> str:
        return self.path.name if self.path else "(unsaved)"


@dataclass(frozen=True)
class CheckpointInfo:
    """What the model picker shows, read from ``config.json`` alone (no torch import, no weights)."""

    name: str
    path: Path
    kind: str
    task: str
    summary: str
    metrics: dict[str, float]
    # "shipped" (checkpoint_root), "user" (the user's own: user_checkpoint_root, or in the app the browser
    # session's own folder) or "shared" (shared with the class: seqviz.checkpoints.classroom)
    origin: str = "shipped"
    # The validated config: pages describe the model from its fields in their own language (``summary`` is
    # the English line for the CLI and the README).
    config: ModelConfig | None = field(default=None, compare=False, repr=False)


# ----------------------------------------------------------------------------------------------- saving


def save_checkpoint(checkpoint: Checkpoint, path: str | Path) -> Path:
    """Write ``checkpoint`` to the folder ``path`` atomically; returns the folder.

    ``path`` must be new, empty or a seqviz checkpoint (``check_checkpoint_destination``): whatever else it
    holds is the user's, and a save never deletes it.
    """
    from safetensors.torch import save_file

    target = check_checkpoint_destination(path, probe=False)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CheckpointError(f"cannot create {target.parent} ({error.strerror or error})") from None
    _recover_interrupted_save(target)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        tensors = {
            name: tensor.detach().to("cpu").contiguous()
            for name, tensor in checkpoint.model.state_dict().items()
        }
        weights_path = staging / WEIGHTS_FILE
        save_file(tensors, str(weights_path), metadata={"format": FORMAT})
        meta = _config_json(checkpoint, _sha256(weights_path))
        _write_text(staging / CONFIG_FILE, json.dumps(meta, ensure_ascii=False, indent=1))
        if checkpoint.validation_tsv is not None:
            _write_text(staging / VALIDATION_FILE, checkpoint.validation_tsv)
        _fsync(weights_path)
        _swap_in(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    checkpoint.path = target
    return target


def _config_json(checkpoint: Checkpoint, weights_sha256: str) -> dict[str, Any]:
    vocab = {"target": checkpoint.target_vocab.to_json()}
    if checkpoint.source_vocab is not None:
        vocab["source"] = checkpoint.source_vocab.to_json()
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "seqviz_version": __version__,
        "created": checkpoint.created or datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "model": checkpoint.config.to_dict(),
        "vocab": vocab,
        "tokenizers": {
            "source": checkpoint.source_tokenizer,
            "target": checkpoint.target_tokenizer,
            "lowercase": checkpoint.lowercase,
        },
        "task": checkpoint.task.to_json(),
        "training": checkpoint.training.to_json(),
        "history": history_to_json(checkpoint.history),
        "metrics": checkpoint.metrics,
        "weights_sha256": weights_sha256,
    }


def check_checkpoint_destination(path: str | Path, probe: bool = True) -> Path:
    """Refuse, before any work is done, a place where saving a checkpoint could lose something or fail.

    A checkpoint may go to a new folder, an empty one, or replace a seqviz checkpoint (as a whole, by
    renames). Anything else is the user's: a file, a folder holding other files, the current folder or one
    containing it, a filesystem root. With ``probe`` a temporary folder is made and removed next to the
    destination, so an unwritable place is found now, not after an hour of training.
    """
    target = Path(path)
    if target.name in ("", ".", ".."):
        raise CheckpointError(f"{str(path)!r} cannot be a checkpoint folder; name a new folder inside it")
    try:
        resolved = target.resolve()
        cwd = Path.cwd().resolve()
    except (OSError, RuntimeError) as error:
        raise CheckpointError(f"cannot use {target} as a checkpoint folder ({error})") from None
    if resolved == cwd or resolved in cwd.parents:
        raise CheckpointError(f"{target} is the current folder or contains it; name a new folder instead")
    if target.is_symlink():
        raise CheckpointError(f"{target} is a symbolic link; seqviz does not replace it: choose a new folder")
    problem = _stat_problem(target)
    if problem:
        raise CheckpointError(f"cannot use {target} as a checkpoint folder ({problem})")
    if target.exists():
        check_replaceable(target)
    if probe:
        _probe_writable(target.parent)
    return target


def _stat_problem(target: Path) -> str | None:
    """Why ``target`` cannot even be examined (a parent is a file, a permission is missing), or None."""
    try:
        target.stat()
    except FileNotFoundError:
        return None
    except OSError as error:
        return error.strerror or str(error)
    return None


def check_replaceable(target: Path) -> None:
    """``target`` may be replaced by a new checkpoint: an empty folder, or one holding only a seqviz
    checkpoint's files with a seqviz ``config.json``. Otherwise one ``CheckpointError`` saying why."""
    if not target.is_dir():
        kind = "a file" if target.is_file() else "not a folder"
        raise CheckpointError(
            f"{target} is {kind}, not a checkpoint folder; seqviz does not overwrite it, choose another name"
        )
    names = sorted(entry.name for entry in _entries(target))
    if not names:
        return
    others = [name for name in names if name not in (CONFIG_FILE, WEIGHTS_FILE, VALIDATION_FILE)]
    if others:
        shown = ", ".join(repr(name) for name in others[:3]) + (" …" if len(others) > 3 else "")
        raise CheckpointError(
            f"{target} already holds files that are not part of a seqviz checkpoint ({shown}); seqviz "
            "never deletes them: choose a new or empty folder"
        )
    if not _has_seqviz_config(target):
        raise CheckpointError(
            f"{target} is not a seqviz checkpoint (its {CONFIG_FILE} is not one seqviz wrote); seqviz does "
            "not replace it: choose a new or empty folder"
        )


def _has_seqviz_config(folder: Path) -> bool:
    try:
        meta = parse_config_text(_read_bounded(folder / CONFIG_FILE, MAX_CONFIG_BYTES).decode(), "")
    except (SeqvizError, UnicodeDecodeError):
        return False
    return isinstance(meta, dict) and meta.get("format") == FORMAT


def _probe_writable(folder: Path) -> None:
    """Make and remove a hidden folder in the nearest existing ancestor of ``folder``."""
    existing = folder
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent
    if not existing.is_dir():
        raise CheckpointError(f"cannot create a folder inside {existing}: it is a file")
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".seqviz-probe-", dir=existing))
    except OSError as error:
        raise CheckpointError(f"cannot write in {existing} ({error.strerror or error})") from None


def _backup_path(target: Path) -> Path:
    return target.parent / f".{target.name}.previous"


def _swap_in(staging: Path, target: Path, check: Callable[[Path], None] | None = None) -> None:
    """Replace ``target`` by ``staging`` so that a whole checkpoint exists at every instant.

    The renames run under ``folder_lock`` of the folder, so saves of one name from several processes (app
    replicas sharing the user folder) take turns: the last one wins, whole, and none fails. ``check(target)``
    runs under the lock too, right before the renames: a condition such as "no checkpoint of that name yet"
    holds at the moment it matters, not only when it was first looked at.
    """
    backup = _backup_path(target)
    with folder_lock(target.parent):
        _restore_backup(target)
        if check is not None:
            check(target)
        if target.exists():
            check_replaceable(target)  # again: the folder may have changed while the new one was written
            os.replace(target, backup)  # the previous checkpoint, whole, under the backup name
        os.replace(staging, target)  # the new checkpoint, whole
        _fsync_dir(target.parent)
        shutil.rmtree(backup, ignore_errors=True)


ABANDONED_STAGING_S = 600.0  # a staging folder this old belongs to a save that was killed, not a slow one


def _recover_interrupted_save(target: Path) -> None:
    """A crash between the two renames leaves only the backup: put it back. A process killed while writing
    leaves its staging folder (hidden, never listed): remove those old enough to be abandoned."""
    now = time.time()
    for staging in target.parent.glob(f".{target.name}.tmp-*"):
        try:
            if staging.is_dir() and now - staging.stat().st_mtime > ABANDONED_STAGING_S:
                shutil.rmtree(staging, ignore_errors=True)
        except OSError:
            pass  # another save removed it meanwhile
    if _backup_path(target).is_dir():
        with folder_lock(target.parent):  # not while another process is between its two renames
            _restore_backup(target)


def _restore_backup(target: Path) -> None:
    """Put a crashed save's backup back, or remove it when the new checkpoint made it (under the lock)."""
    backup = _backup_path(target)
    if backup.is_dir():
        if target.exists():
            shutil.rmtree(backup, ignore_errors=True)
        else:
            os.replace(backup, target)


def _write_text(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # not every platform lets a folder be opened
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# ---------------------------------------------------------------------------------------------- loading


def _resolve_folder(path: str | Path) -> Path:
    folder = Path(path)
    if not folder.exists():
        backup = _backup_path(folder)
        if backup.is_dir():  # an interrupted save: the previous checkpoint is whole under the backup name
            return backup
        raise CheckpointError(f"no checkpoint at {folder}: the folder does not exist")
    if not folder.is_dir():
        if not folder.is_file():
            raise CheckpointError(
                f"{folder} is not a folder; a seqviz checkpoint is a folder with {WEIGHTS_FILE} and "
                f"{CONFIG_FILE}"
            )
        if folder.suffix.lower() in PICKLE_SUFFIXES:
            raise CheckpointError(
                f"{folder.name} looks like a pickle-based PyTorch file; seqviz refuses those because loading "
                "them can run code. A seqviz checkpoint is a folder with model.safetensors and config.json"
            )
        raise CheckpointError(
            f"{folder} is a file; a seqviz checkpoint is a folder with {WEIGHTS_FILE} and {CONFIG_FILE}"
        )
    return folder


def read_checkpoint_config(path: str | Path) -> dict[str, Any]:
    """Read and check ``config.json`` of a checkpoint folder, without touching the weights."""
    with folder_lock(Path(path).parent, shared=True):  # not between a save's two renames
        return _read_config(path)


def _read_config(path: str | Path) -> dict[str, Any]:
    folder = _resolve_folder(path)
    config_path = folder / CONFIG_FILE
    if not config_path.is_file():
        pickles = sorted(p.name for p in _entries(folder) if p.suffix.lower() in PICKLE_SUFFIXES)
        if pickles:
            raise CheckpointError(
                f"{folder} holds {', '.join(pickles[:3])} but no {CONFIG_FILE}: pickle-based files are "
                "refused because loading them can run code; save the model as a seqviz checkpoint"
            )
        raise CheckpointError(f"{folder} is not a seqviz checkpoint: it has no {CONFIG_FILE}")
    raw = _read_bounded(config_path, MAX_CONFIG_BYTES)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise CheckpointError(f"{CONFIG_FILE} in {folder} is not UTF-8 text") from None
    meta = parse_config_text(text, f"{CONFIG_FILE} in {folder}")
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise CheckpointError(f"{CONFIG_FILE} in {folder} is not a seqviz checkpoint config")
    version = meta.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise CheckpointError(f"{CONFIG_FILE} in {folder}: 'format_version' must be a whole number from 1")
    if version > FORMAT_VERSION:
        raise CheckpointError(f"{folder} was written by a newer seqviz (format {version}); upgrade seqviz")
    for key, kind in (("model", dict), ("vocab", dict)):
        if not isinstance(meta.get(key), kind):
            raise CheckpointError(f"{CONFIG_FILE} in {folder} lacks its {key!r} section")
    for key, kind in (
        ("task", dict),
        ("training", dict),
        ("history", list),
        ("metrics", dict),
        ("tokenizers", dict),
    ):
        if key in meta and not isinstance(meta[key], kind):
            raise CheckpointError(f"{CONFIG_FILE} in {folder}: {key!r} must be a JSON {kind.__name__}")
    check_metadata(meta, f"{CONFIG_FILE} in {folder}")
    meta["__folder__"] = str(folder)
    return meta


def _read_bounded(path: Path, cap: int) -> bytes:
    """The bytes of ``path``, refusing more than ``cap`` (read, not stat: a device or a growing file lies
    about its size) and turning every read failure into one sentence."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(cap + 1)
    except OSError as error:
        raise CheckpointError(f"cannot read {path} ({error.strerror or error})") from None
    if len(data) > cap:
        raise CheckpointError(f"{path.name} is larger than {_megabytes(cap)}; refused")
    return data


def _megabytes(count: int) -> str:
    return f"{count // (1024 * 1024)} MB" if count >= 1024 * 1024 else f"{count} bytes"


def _entries(folder: Path) -> list[Path]:
    try:
        return list(folder.iterdir())
    except OSError as error:
        raise CheckpointError(f"cannot read the folder {folder} ({error.strerror or error})") from None


def load_checkpoint(path: str | Path, device: str | torch.device = "cpu") -> Checkpoint:
    """Load a checkpoint folder; every way it can be wrong is a ``CheckpointError`` saying what is wrong.

    Its files are read under the folder's shared lock (``folder_lock``): a save swapping this checkpoint
    waits until they are read, so they all come from one save.
    """
    with folder_lock(Path(path).parent, shared=True):
        return _load_checkpoint(path, device)


def _load_checkpoint(path: str | Path, device: str | torch.device) -> Checkpoint:
    import torch
    from safetensors import SafetensorError
    from safetensors.torch import load

    from seqviz.models import build_model

    meta = _read_config(path)
    folder = Path(meta["__folder__"])
    config = config_from_dict(meta["model"])
    target_vocab, source_vocab = _vocabs(meta["vocab"], config)
    tokenizers = meta.get("tokenizers", {})  # names and types checked by read_checkpoint_config
    source_tokenizer = tokenizers.get("source", "char")
    target_tokenizer = tokenizers.get("target", "char")

    # Everything about the weights is checked from the file's header against shapes computed from the
    # config, before the weights are read into memory or the model is built: a config asking for a huge
    # model was refused by config_from_dict (MAX_PARAMETERS), and weights that do not fit are refused here.
    weights_path = folder / WEIGHTS_FILE
    if not weights_path.is_file():
        raise CheckpointError(f"{folder} has no {WEIGHTS_FILE}")
    try:
        size = weights_path.stat().st_size
        if size > MAX_WEIGHTS_BYTES:
            raise CheckpointError(
                f"{WEIGHTS_FILE} is {size / 2**20:.0f} MB, over the {MAX_WEIGHTS_BYTES // 2**20} MB limit"
            )
        expected_sha = meta.get("weights_sha256")
        if expected_sha is not None and _sha256(weights_path) != expected_sha:
            raise CheckpointError(
                f"{WEIGHTS_FILE} does not match {CONFIG_FILE} (checksum differs): the files "
                "come from different saves or one is damaged"
            )
        check_against_config(read_header(weights_path), parameter_shapes(config))
    except OSError as error:
        raise CheckpointError(f"cannot read {weights_path} ({error.strerror or error})") from None
    raw = _read_bounded(weights_path, MAX_WEIGHTS_BYTES)
    try:
        tensors = load(raw)
    except (SafetensorError, ValueError, RuntimeError, OSError, OverflowError) as error:
        raise CheckpointError(f"{WEIGHTS_FILE} is not a valid safetensors file ({error})") from None
    del raw
    for name, tensor in tensors.items():
        if not bool(torch.isfinite(tensor).all()):
            raise CheckpointError(f"the weights hold NaN or infinite values in {name}")

    model = build_model(config)
    expected = model.state_dict()
    model.load_state_dict({name: t.to(expected[name].dtype) for name, t in tensors.items()})
    model.to(device).eval()

    validation_tsv = None
    validation_path = folder / VALIDATION_FILE
    if validation_path.is_file():
        validation_bytes = _read_bounded(validation_path, MAX_VALIDATION_BYTES)
        validation_tsv = validation_bytes.decode("utf-8", errors="replace")
    return Checkpoint(
        model=model,
        config=config,
        target_vocab=target_vocab,
        source_vocab=source_vocab,
        source_tokenizer=source_tokenizer,
        target_tokenizer=target_tokenizer,
        lowercase=bool(tokenizers.get("lowercase", False)),
        task=TaskInfo.from_json(meta.get("task", {})),
        training=TrainingInfo.from_json(meta.get("training", {})),
        history=history_from_json(meta.get("history", [])),
        metrics=meta.get("metrics", {}),
        validation_tsv=validation_tsv,
        path=folder,
        created=str(meta.get("created", "")),
    )


def _vocabs(section: dict[str, Any], config: ModelConfig) -> tuple[Vocab, Vocab | None]:
    try:
        target = Vocab.from_json(section.get("target"))
        source = Vocab.from_json(section["source"]) if "source" in section else None
    except SeqvizError as error:
        raise CheckpointError(f"the vocabulary in {CONFIG_FILE} is invalid: {error}") from None
    if isinstance(config, (Seq2SeqConfig, TransformerConfig)):
        if source is None:
            raise CheckpointError(f"{CONFIG_FILE} lacks the source vocabulary")
        if len(source) != config.source_vocab_size or len(target) != config.target_vocab_size:
            raise CheckpointError("the vocabularies' sizes do not match the model config")
    elif isinstance(config, LanguageModelConfig) and len(target) != config.vocab_size:
        raise CheckpointError("the vocabulary's size does not match the model config")
    return target, source


def list_checkpoints(root: str | Path | None = None, origin: str = "shipped") -> list[CheckpointInfo]:
    """Every valid checkpoint folder under ``root`` (sorted by name); invalid folders are skipped.

    Hidden folders are skipped too: they are staging folders and backups of saves in progress. The folder
    is read under its shared lock (``folder_lock``), so a save is never caught between its two renames:
    a checkpoint listed once stays listed while it is saved again.
    """
    folder = Path(root) if root is not None else checkpoint_root()
    if not folder.is_dir():
        return []
    with folder_lock(folder, shared=True):
        return _list_checkpoints(folder, origin)


def _list_checkpoints(folder: Path, origin: str) -> list[CheckpointInfo]:
    infos = []
    for child in sorted(folder.iterdir()):
        if not child.is_dir() or child.name.startswith("."):
            continue
        info = _checkpoint_info(child, origin)
        if info is not None:
            infos.append(info)
    return infos


# Every page run lists the checkpoints (the picker, the Train page's "continue" list), and a listing parsed
# every config.json again: a few ms each, tens of them per run. The parsed summary is kept per folder while
# its config.json is the same file (a save swaps the folder, so a saved-again checkpoint has a new inode
# and mtime): what the listing shows is still read from the disk as it is now, only not parsed twice.
_INFO_CACHE: dict[tuple[Path, str], tuple[tuple[int, int, int], CheckpointInfo | None]] = {}
_INFO_CACHE_LOCK = threading.Lock()
_INFO_CACHE_LIMIT = 4096  # folders; past it the cache starts again (a bound, not an expected size)


def _checkpoint_info(child: Path, origin: str) -> CheckpointInfo | None:
    """The listing's summary of one folder (None: not a valid checkpoint), parsed once per config.json."""
    try:
        stat = (child / CONFIG_FILE).stat()
        stamp = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
    except OSError:
        stamp = None
    key = (child, origin)
    with _INFO_CACHE_LOCK:
        cached = _INFO_CACHE.get(key)
    if stamp is not None and cached is not None and cached[0] == stamp:
        return cached[1]
    info = _parse_checkpoint_info(child, origin)
    if stamp is not None:
        with _INFO_CACHE_LOCK:
            if len(_INFO_CACHE) >= _INFO_CACHE_LIMIT:
                _INFO_CACHE.clear()
            _INFO_CACHE[key] = (stamp, info)
    return info


def _parse_checkpoint_info(child: Path, origin: str) -> CheckpointInfo | None:
    try:
        meta = _read_config(child)
        config = config_from_dict(meta["model"])
    except SeqvizError:
        return None
    metrics = {
        k: float(v)
        for k, v in meta.get("metrics", {}).items()
        if isinstance(v, (int, float)) and not isinstance(v, bool)
    }
    named = TaskInfo.from_json(meta.get("task", {})).name
    task = "?" if named is None else named  # "?": the file names no task
    return CheckpointInfo(child.name, child, config.kind, task, config.describe(), metrics, origin, config)


def list_all_checkpoints() -> list[CheckpointInfo]:
    """The shipped checkpoints first, then the user's; a user folder named like a shipped one is hidden.

    For one user of the library (CLI, notebooks): the app lists per browser session instead, with
    ``seqviz.checkpoints.classroom.visible_checkpoints`` (shipped, the session's own, the class's shared
    ones).

    Hidden because ``find_checkpoint`` resolves a name to the shipped one first: listing both would offer a
    choice that can never be reached.
    """
    shipped = list_checkpoints(checkpoint_root(), origin="shipped")
    if _same_folder(checkpoint_root(), user_checkpoint_root()):
        return shipped
    taken = {info.name.casefold() for info in shipped}
    user = list_checkpoints(user_checkpoint_root(), origin="user")
    return shipped + [info for info in user if info.name.casefold() not in taken]


def find_checkpoint(name: str) -> Path:
    """The folder of the checkpoint called ``name``: shipped first, then the user's."""
    if not _is_plain_name(name):
        raise CheckpointError(f"{name!r} is not a checkpoint name", code="checkpoint.bad_name", name=name)
    for root in (checkpoint_root(), user_checkpoint_root()):
        folder = root / name
        if folder.is_dir() or _backup_path(folder).is_dir():  # a backup: load_checkpoint recovers it
            return folder
    raise CheckpointError(f"there is no checkpoint named {name!r}", code="checkpoint.unknown", name=name)


def check_checkpoint_name(name: str) -> str:
    """Clean and check a name typed by a user to save a checkpoint under; returns the cleaned name.

    The name becomes a folder name, so it must be one harmless path component on every platform: letters
    of any script, digits, ``-``, ``_`` and ``.``, not hidden (a leading ``.`` marks staging folders and
    backups), in Unicode NFKC form (``seqviz.checkpoints.names``).
    Shipped names and their look-alikes (``seqviz.checkpoints.names.name_skeleton``: full-width, Cyrillic or
    Greek letters, 0/O, 1/l/I) are refused so that a shipped checkpoint can never be shadowed, overwritten or
    imitated.
    """
    cleaned = check_plain_name(name)
    shipped = find_look_alike(cleaned, _shipped_names())
    if shipped is not None:
        if shipped.casefold() == cleaned.casefold():
            reason = f"{cleaned!r} is the name of a shipped checkpoint, which cannot be overwritten"
        else:
            reason = f"{cleaned!r} looks like the name of the shipped checkpoint {shipped!r}"
        raise InputError(f"{reason}; choose another name.")
    return cleaned


def _name_char_ok(ch: str) -> bool:
    """Letters (with their combining marks, so Hindi or Korean names work), decimal digits, ``-_.``."""
    return name_char_ok(ch)


def shipped_names() -> list[str]:
    """The names of the shipped checkpoint folders (hidden folders aside), sorted."""
    root = checkpoint_root()
    if not root.is_dir():
        return []
    return sorted(child.name for child in root.iterdir() if child.is_dir() and not child.name.startswith("."))


def _shipped_names() -> set[str]:
    """Casefolded, so that a case-insensitive file system cannot let a user name land on a shipped one."""
    return {name.casefold() for name in shipped_names()}


def _is_plain_name(name: str) -> bool:
    """One path component that stays inside its root: no separators, not ``.`` or ``..``, not empty."""
    return (
        isinstance(name, str)
        and name not in ("", ".", "..")
        and "/" not in name
        and "\\" not in name
        and "\0" not in name
    )


def _same_folder(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False
