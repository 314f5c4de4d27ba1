"""One lock per checkpoint folder, across processes: how app replicas share the user checkpoint folder.

Why: several server processes may share the user checkpoint folder (replicas behind a proxy, issue 20), and
a student's two tabs may save one name on two of them at once. A save writes a hidden staging folder, then
swaps it in with two renames (``seqviz.checkpoints.store._swap_in``). Unlocked, two swaps interleave: the
second save's ``os.replace(target, backup)`` meets the first's backup (a folder cannot be renamed onto a
non-empty one, so the save fails), or one save "recovers" the other's backup while that save is between its
two renames. And a reader, which opens ``config.json``, ``model.safetensors`` and ``validation.tsv`` one
after the other by path, can get one save's config and the next save's files, or lose the backup it fell
back to while the save removes it. A ``threading.Lock`` would not help across processes.

``flock`` does: exclusive for a swap, shared for reading. On the parent folder itself rather than on a lock
file, it leaves nothing behind; the kernel drops it when its holder dies, so a save killed mid-swap never
blocks the next one (which restores the backup). Files are written before the lock is taken and a swap is
a few renames, so readers wait milliseconds at most and a slow save holds no one up.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def folder_lock(folder: str | Path, shared: bool = False) -> Iterator[None]:
    """Hold a ``flock`` on ``folder``: exclusive (a swap of one of its checkpoints) or ``shared`` (reading).

    Locks nothing where there is no ``flock`` (Windows), where the folder cannot be opened (it does not exist
    yet: nothing in it to protect) or where the file system refuses the lock (some network mounts): as
    before, which is safe for a single server process. Not reentrant: each call opens the folder anew, and
    two open descriptions of one folder exclude each other unless both are shared, so code holding the lock
    must not take it again on the same folder (the store's public functions lock, its ``_`` helpers don't).
    """
    try:
        import fcntl
    except ImportError:
        yield
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        yield
        return
    try:
        with contextlib.suppress(OSError):  # refused by the file system: unlocked, see above
            fcntl.flock(fd, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
