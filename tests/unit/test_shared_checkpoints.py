"""Several app replicas share one user checkpoint folder (issue 20): saves racing from separate processes.

Two writer processes save under the same name at the same moment, round after round (a student with two
tabs served by two replicas, or two clicks), while a third process lists and loads in a loop. The promise of
``seqviz.checkpoints.store``: both saves succeed, the last one wins, whole; a lister or loader never sees a
half-written checkpoint or a mix of two saves' files, nor loses one it has seen; nothing is left behind.
The processes are in tests/support/concurrent_saves.py.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from seqviz.checkpoints import classroom
from seqviz.checkpoints.store import load_checkpoint
from tests.support.concurrent_saves import marks, round_name

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 24  # 12 names, each created by two racing writers and then replaced by both again
WAIT_S = 120.0  # per line from a child: generous, a busy 2-core machine imports torch slowly


class Child:
    """A ``tests.support.concurrent_saves`` process whose printed lines arrive in a queue."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.support.concurrent_saves", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put("<exit>")

    def next_line(self) -> str:
        try:
            return self.lines.get(timeout=WAIT_S)
        except queue.Empty:
            raise AssertionError(f"no line from {self.process.args} in {WAIT_S:.0f} s") from None

    def rest(self) -> list[str]:
        """Every line until the process exits."""
        lines = []
        while (line := self.next_line()) != "<exit>":
            lines.append(line)
        return lines

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(30)


@pytest.mark.timeout(600)
def test_two_processes_saving_one_name_at_once_never_lose_or_mix_a_checkpoint(tmp_path, monkeypatch):
    user_root, barrier = tmp_path / "user", tmp_path / "barrier"
    barrier.mkdir()
    monkeypatch.setenv("SEQVIZ_USER_CHECKPOINTS", str(user_root))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SEQVIZ_USER_CHECKPOINTS": str(user_root)}
    owner, name = classroom.new_owner_key(), "model"
    folder = classroom.owner_root(owner)
    common = [str(barrier), owner, name]
    writers = [Child(["writer", *common, str(number), str(ROUNDS)], env) for number in (1, 2)]
    reader = Child(["reader", *common], env)
    children = [*writers, reader]
    try:
        for child in children:
            assert child.next_line() == "ready"
        for round_ in range(ROUNDS):
            (barrier / f"go-{round_}").touch()
            target = round_name(name, round_)
            results = sorted(writer.next_line() for writer in writers)
            assert results == [f"saved {round_} {target}"] * 2, results  # both saves succeed: replace
            kept = load_checkpoint(folder / target)
            from_config, from_validation = marks(kept)
            assert from_config == from_validation, "the checkpoint mixes two saves' files"
            assert from_config in ((1, round_), (2, round_)), "the checkpoint is none of this round's saves"
            # nothing else in the folder: no staging folder, no backup, no second copy under another name
            expected = {round_name(name, done) for done in range(round_ + 1)}
            assert {entry.name for entry in folder.iterdir()} == expected
        (barrier / "stop").touch()
        reader_lines = reader.rest()
        assert reader_lines[-1].startswith("reads "), reader_lines
        assert int(reader_lines[-1].split()[1]) > 0
        assert reader_lines[:-1] == [], "the reader saw errors:\n" + "\n".join(reader_lines[:20])
        assert [writer.rest() for writer in writers] == [[], []]
    finally:
        (barrier / "stop").touch()
        for child in children:
            child.stop()
    leftovers = sorted(
        str(path.relative_to(user_root)) for path in user_root.rglob("*") if path.name.startswith(".")
    )
    assert leftovers == [], leftovers
