"""The classroom model: whose checkpoints a browser session sees, where its saves go, and sharing.

Why: one seqviz server serves a whole class. Before this module every save and upload landed in one
folder that every student listed, so a student saw everyone's models (look-alike and markdown names
included) and could replace a classmate's model by saving under its name. The rules now:

- **Yours by default.** Each browser session has an *owner key*, a random token (``new_owner_key``) that the
  app keeps in the URL (``?me=…``), so a reload or a bookmark finds the same models. A student's saves and
  uploads go to their own folder, which no one else lists, and "replace" can only reach that folder.
- **Shared on purpose.** ``share_checkpoint`` moves one of your checkpoints into the class's shared folder,
  where everyone sees it, marked as shared. The name is checked first: plain
  (``seqviz.checkpoints.names``), not a look-alike of a shipped or an already shared name. A shared
  checkpoint is never replaced from the app, by anyone; the lecturer manages that folder on disk and may put
  models there directly.
- **The disk is the source of truth.** Nothing is remembered in a server process: every list is read from
  the folders. Several server processes (replicas behind a proxy) that share the user checkpoint folder
  therefore show a student the same models for the same key, and a checkpoint shared on one shows on all.

Layout inside ``seqviz.checkpoints.store.user_checkpoint_root()``::

    users/<folder of an owner key>/<name>/   a student's own checkpoints
    shared/<name>/                           shared with the class (by students, or put there by the lecturer)
    <name>/                                  saved by library calls without an owner, or before classrooms:
                                             their owner is unknown, so the app lists none of them

An owner's folder name is a hash of the key, never the key itself: the key is a secret (whoever has a link
holding it sees that student's models), the folder name is a plain hex string, and a key cannot name a path.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from seqviz.checkpoints import store as ckpt
from seqviz.checkpoints.folder_lock import folder_lock
from seqviz.checkpoints.names import find_look_alike, name_skeleton
from seqviz.checkpoints.store import CheckpointInfo
from seqviz.errors import CheckpointError, InputError

USERS_FOLDER = "users"
SHARED_FOLDER = "shared"
ORIGIN_SHIPPED = "shipped"
ORIGIN_MINE = "user"  # CheckpointInfo.origin of the session's own checkpoints (the name it always had)
ORIGIN_SHARED = "shared"
OWNER_KEY_BYTES = 16  # 128 random bits: 22 characters of URL-safe base64
# A key is only ever compared and hashed, but it arrives in a URL: accept exactly URL-safe base64 text, long
# enough not to be guessed, short enough to stay a key.
OWNER_KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")
OWNER_FOLDER_CHARS = 32  # hex characters of the key's SHA-256: 128 bits, collisions out of reach
_LOCK_FILE = ".share.lock"


# -------------------------------------------------------------------------------------------- owners


def new_owner_key() -> str:
    """A fresh owner key for a browser session that has none."""
    return secrets.token_urlsafe(OWNER_KEY_BYTES)


def is_owner_key(value: object) -> bool:
    """Whether ``value`` has the format of an owner key (see ``OWNER_KEY_PATTERN``)."""
    return isinstance(value, str) and OWNER_KEY_PATTERN.fullmatch(value) is not None


def check_owner_key(value: object) -> str:
    """``value`` when it is an owner key; otherwise an ``InputError`` (never a path built from it)."""
    if not is_owner_key(value):
        raise InputError("The personal key (me=) is not one seqviz made; a new one is used.")
    return str(value)


def users_root() -> Path:
    return ckpt.user_checkpoint_root() / USERS_FOLDER


def shared_root() -> Path:
    """The class's shared checkpoints: shared from the app, or put there by the lecturer."""
    return ckpt.user_checkpoint_root() / SHARED_FOLDER


def owner_root(owner: str) -> Path:
    """The folder of ``owner``'s own checkpoints (it may not exist yet)."""
    key = check_owner_key(owner)
    return users_root() / hashlib.sha256(key.encode("ascii")).hexdigest()[:OWNER_FOLDER_CHARS]


# ------------------------------------------------------------------------------------------- listing


def visible_checkpoints(owner: str) -> list[CheckpointInfo]:
    """What ``owner`` may choose from: the shipped checkpoints, then their own, then the shared ones.

    Names in the list never look alike (``seqviz.checkpoints.names.name_skeleton``): the first of two
    look-alikes wins, in that order. So a shipped model is never shadowed, and a classmate sharing a name
    like one of yours never hides yours from you.
    """
    shipped = ckpt.list_checkpoints(ckpt.checkpoint_root(), origin=ORIGIN_SHIPPED)
    mine = ckpt.list_checkpoints(owner_root(owner), origin=ORIGIN_MINE)
    shared = ckpt.list_checkpoints(shared_root(), origin=ORIGIN_SHARED)
    kept: list[CheckpointInfo] = []
    seen: set[str] = set()  # skeletons of the names kept: one set look-up per name, for a class of hundreds
    for info in shipped + mine + shared:
        skeleton = name_skeleton(info.name)
        if skeleton not in seen:
            seen.add(skeleton)
            kept.append(info)
    return kept


def find_visible(owner: str, name: str) -> CheckpointInfo:
    """The checkpoint called exactly ``name`` among those ``owner`` sees, or a ``CheckpointError``."""
    for info in visible_checkpoints(owner):
        if info.name == name:
            return info
    raise CheckpointError(f"there is no checkpoint named {name!r}")


# -------------------------------------------------------------------------------------------- saving


def check_private_name(owner: str, name: str) -> str:
    """Check a name for one of ``owner``'s own checkpoints; returns the cleaned (NFKC) name.

    Refused: a name that is not plain, looks like a shipped or a shared name, or looks like another of the
    owner's own names. The same name as one of the owner's own is allowed: replacing it is the caller's
    decision ("Replace my checkpoint of the same name").
    """
    cleaned = ckpt.check_checkpoint_name(name)
    own_names = _names(owner_root(owner))
    shared = None if cleaned in own_names else find_look_alike(cleaned, _names(shared_root()))
    if shared is not None:  # (one's own existing name stays one's own, whatever a classmate shared since)
        raise InputError(
            f"{cleaned!r} looks like {shared!r}, a checkpoint shared with the class; choose another name."
        )
    own = find_look_alike(cleaned, (other for other in own_names if other != cleaned))
    if own is not None:
        raise InputError(f"{cleaned!r} looks like your checkpoint {own!r}; choose another name.")
    return cleaned


def private_path(owner: str, name: str) -> Path:
    """Where ``owner``'s checkpoint ``name`` is saved (name checked by ``check_private_name``)."""
    return owner_root(owner) / check_private_name(owner, name)


def free_private_path(owner: str, name: str, tries: int = 20) -> Path:
    """``private_path`` of ``name``, or of ``name-2``, ``name-3``, … when a shared or own look-alike takes it:
    for names the app makes up (the Language models page names a model after its settings and text, so
    classmates training on the same text make the same name, and one of them may have shared it)."""
    candidates = [name] + [f"{name[: ckpt.MAX_NAME_CHARS - 4]}-{n}" for n in range(2, tries + 1)]
    for candidate in candidates[:-1]:
        try:
            return private_path(owner, candidate)
        except InputError:
            continue
    return private_path(owner, candidates[-1])  # the last try: its refusal is the message


def private_name_checker(owner: str) -> Callable[[str], str]:
    """``check_private_name`` for one owner: what an upload's installer checks its name with."""
    return lambda name: check_private_name(owner, name)


# ------------------------------------------------------------------------------------------- sharing


def check_shared_name(name: str) -> str:
    """A name under which a checkpoint may be shared: plain, and like no shipped or shared name."""
    cleaned = ckpt.check_checkpoint_name(name)
    taken = find_look_alike(cleaned, _names(shared_root()))
    if taken is not None:
        if taken == cleaned:
            raise InputError(f"A checkpoint named {cleaned!r} is already shared with the class.")
        raise InputError(
            f"{cleaned!r} looks like {taken!r}, already shared with the class; choose another name."
        )
    return cleaned


def share_checkpoint(owner: str, name: str, shared_name: str | None = None) -> Path:
    """Move ``owner``'s checkpoint ``name`` into the shared folder (as ``shared_name``, default the same).

    A move, not a copy: the model now belongs to the class; the owner sees it as shared, and no one can
    replace it from the app. The name check and the move happen under one lock, so two students sharing
    look-alike names at the same moment cannot both succeed. Returns the shared folder.
    """
    source = owner_root(owner) / ckpt.check_checkpoint_name(name)
    ckpt._recover_interrupted_save(source)
    if not source.is_dir():
        raise CheckpointError(f"You have no checkpoint named {source.name!r} to share.")
    ckpt.read_checkpoint_config(source)  # a whole seqviz checkpoint, or a CheckpointError
    ckpt.check_replaceable(source)  # holds a checkpoint's files only: all of it may move
    root = shared_root()
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CheckpointError(f"cannot create the shared folder ({error.strerror or error})") from None
    with _locked(root):
        chosen = check_shared_name(shared_name if shared_name is not None else source.name)
        target = root / chosen
        if target.exists() or ckpt._backup_path(target).exists():
            raise InputError(f"A checkpoint named {chosen!r} is already shared with the class.")
        with folder_lock(source.parent):  # not while a save of the same name swaps it (another replica)
            _move(source, target)
    return target


def _move(source: Path, target: Path) -> None:
    """Rename ``source`` to ``target`` (never onto an existing folder); across file systems, copy into a
    hidden staging folder, rename that into place, then remove the source."""
    try:
        os.rename(source, target)
        return
    except OSError as error:
        if error.errno != errno.EXDEV:
            raise CheckpointError(f"cannot share {source.name!r} ({error.strerror or error})") from None
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        for entry in source.iterdir():
            shutil.copy2(entry, staging / entry.name)
        os.rename(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    shutil.rmtree(source, ignore_errors=True)


@contextlib.contextmanager
def _locked(root: Path) -> Iterator[None]:
    """An exclusive lock on the shared folder, across processes (``flock``; none where it does not exist)."""
    try:
        import fcntl
    except ImportError:  # Windows: a single-process server there; the final rename still never overwrites
        yield
        return
    with open(root / _LOCK_FILE, "a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _names(root: Path) -> list[str]:
    """The names of the folders in ``root`` (hidden ones aside), valid checkpoints or not: a folder that
    exists takes its name even while a save into it is under way."""
    if not root.is_dir():
        return []
    try:
        children = list(root.iterdir())
    except OSError as error:
        raise CheckpointError(f"cannot read the folder {root} ({error.strerror or error})") from None
    return sorted(child.name for child in children if child.is_dir() and not child.name.startswith("."))
