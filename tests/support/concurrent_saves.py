"""The processes of tests/unit/test_shared_checkpoints.py: app replicas saving and reading one user folder.

Run as ``python -m tests.support.concurrent_saves ROLE FOLDER OWNER NAME ...`` with
``SEQVIZ_USER_CHECKPOINTS`` set. Each role is a separate process on purpose: a lock that works between
threads (``threading.Lock``) but not between processes would pass a threaded test and fail behind a load
balancer.

- ``writer WRITER ROUNDS``: for each round, waits for the file ``go-<round>`` in FOLDER (the barrier: every
  writer starts that save at the same moment), then saves a small checkpoint among OWNER's own checkpoints,
  the way the app does (``free_private_path`` + ``save_checkpoint``), under ``round_name(NAME, round)``: a
  new name in even rounds (the writers race to create it), the same name again in odd rounds (they race to
  replace it). Prints ``saved ROUND NAME`` or ``error ROUND message``.
- ``reader``: until the file ``stop`` appears in FOLDER, lists what OWNER sees and loads each of OWNER's own
  checkpoints, also by its path. Prints ``error ...`` for anything that goes wrong (a checkpoint that had
  been listed and is then missing counts too), then ``reads COUNT``.

Every save marks itself in two files written separately: the writer and round in ``config.json``'s metrics
and again in ``validation.tsv``. A loaded checkpoint whose two marks differ is a mix of two saves.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

from seqviz.checkpoints.classroom import ORIGIN_MINE, free_private_path, owner_root, visible_checkpoints
from seqviz.checkpoints.store import Checkpoint, load_checkpoint, save_checkpoint
from seqviz.errors import SeqvizError
from tests.support.checkpoints import small_checkpoint

POLL_S = 0.0005
RENAME_DELAY_S = 0.003  # see slow_renames


def marked(writer: int, round_: int) -> Checkpoint:
    """A small checkpoint whose metrics and validation file both say who saved it in which round."""
    checkpoint = small_checkpoint(seed=writer, hidden=16)
    checkpoint.metrics = {"writer": float(writer), "round": float(round_)}
    checkpoint.validation_tsv = f"{writer}\t{round_}\n"
    return checkpoint


def marks(checkpoint: Checkpoint) -> tuple[tuple[int, int], tuple[int, int]]:
    """The (writer, round) of ``config.json`` and of ``validation.tsv``: equal unless two saves mixed."""
    metrics = checkpoint.metrics
    from_config = (int(metrics["writer"]), int(metrics["round"]))
    writer, round_ = (checkpoint.validation_tsv or "-1\t-1").split()
    return from_config, (int(writer), int(round_))


def round_name(name: str, round_: int) -> str:
    """Rounds 0 and 1 save ``name-0``, rounds 2 and 3 ``name-1``, …: created, then replaced."""
    return f"{name}-{round_ // 2}"


def wait_for(path: Path) -> None:
    while not path.exists():
        time.sleep(POLL_S)


def slow_renames() -> None:
    """Make every ``os.replace`` of this process wait a few milliseconds first, like a busy disk.

    Why: a save spends milliseconds writing and microseconds renaming, and the disk's journal staggers the
    two writers' fsyncs, so their renames rarely overlap: without a lock, 0 to 2 saves in 80 failed.
    Slowed, 7 to 33 in 80 failed: a test of the locking, not of luck. (The renames stay the real ones.)
    """
    replace = os.replace

    def slow_replace(source: Any, destination: Any) -> None:
        time.sleep(RENAME_DELAY_S)
        replace(source, destination)

    os.replace = slow_replace


def writer(folder: Path, owner: str, name: str, number: int, rounds: int) -> None:
    slow_renames()
    print("ready", flush=True)
    for round_ in range(rounds):
        checkpoint = marked(number, round_)  # built before the barrier: the saves start together
        wait_for(folder / f"go-{round_}")
        try:
            saved = save_checkpoint(checkpoint, free_private_path(owner, round_name(name, round_)))
            print(f"saved {round_} {saved.name}", flush=True)
        except Exception as error:  # reported, not raised: the test shows every failure of every round
            print(f"error {round_} {type(error).__name__}: {error}", flush=True)


def reader(folder: Path, owner: str, name: str) -> None:
    print("ready", flush=True)
    reads = 0
    seen: set[str] = set()  # names listed once: from then on they must always be there
    stop = folder / "stop"
    while not stop.exists():
        try:
            mine = [info for info in visible_checkpoints(owner) if info.origin == ORIGIN_MINE]
            missing = seen - {info.name for info in mine}
            if missing:
                print(f"error listing: {sorted(missing)} had been listed and are missing", flush=True)
            for info in mine:
                seen.add(info.name)
                check(load_checkpoint(info.path))
            for listed in sorted(seen):
                check(load_checkpoint(owner_root(owner) / listed))
        except (SeqvizError, OSError) as error:
            print(f"error {type(error).__name__}: {error}", flush=True)
        reads += 1
    print(f"reads {reads}", flush=True)


def check(checkpoint: Checkpoint) -> None:
    from_config, from_validation = marks(checkpoint)
    if from_config != from_validation:
        print(f"error mixed: config.json of {from_config}, validation.tsv of {from_validation}", flush=True)


def main(argv: list[str]) -> None:
    role, folder, owner, name, *rest = argv
    if role == "writer":
        writer(Path(folder), owner, name, int(rest[0]), int(rest[1]))
    else:
        reader(Path(folder), owner, name)


if __name__ == "__main__":
    main(sys.argv[1:])
