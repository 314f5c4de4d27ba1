"""Faults a lecture will meet, each one a test: the process killed mid-save, a run stopped mid-training
through the server's job manager, and a loss that turns NaN.

The others live beside the code they test: closing the tab mid-training in
tests/browser/test_browser_train.py (``test_closing_the_tab_stops_its_training``) and
tests/browser/test_load.py; exceptions at each point of a save in tests/unit/test_checkpoint.py; divergence
inside the trainer in tests/unit/test_train.py and on the Train page in tests/pages/test_train_page.py.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from seqviz.checkpoints.store import list_checkpoints, load_checkpoint, save_checkpoint
from seqviz.data.tasks import get_task
from seqviz.training.jobs import BY_USER, DONE, JobManager
from seqviz.training.live_run import FINISHED, TrainingRun
from seqviz.training.trainer import TrainCallback, TrainConfig
from seqviz.training.workflows import ModelChoice
from tests.support.checkpoints import outputs, small_checkpoint

ROOT = Path(__file__).resolve().parents[2]

# A child that saves checkpoints of seed 1, 2, 3, ... into one folder, forever, saying each one it finished.
SAVER = """
import sys
from seqviz.checkpoints.store import save_checkpoint
from tests.support.checkpoints import small_checkpoint
checkpoints = [small_checkpoint(seed=seed, hidden=64) for seed in range(1, 4)]
print("ready", flush=True)
seed = 0
while True:
    save_checkpoint(checkpoints[seed % 3], sys.argv[1])
    print(seed % 3 + 1, flush=True)
    seed += 1
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_killing_the_process_mid_save_never_loses_the_checkpoint(tmp_path):
    """SIGKILL at arbitrary moments of back-to-back saves: what is on disk is always one whole checkpoint,
    the one last reported saved or the one being written, and the next save carries on."""
    target = tmp_path / "model"
    expected = {seed: outputs(small_checkpoint(seed=seed, hidden=64).model) for seed in (1, 2, 3)}
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for kill_after in (0.05, 0.13, 0.21, 0.34, 0.55):
        child = subprocess.Popen(
            [sys.executable, "-c", SAVER, str(target)], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
        )
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        assert child.stdout.readline().strip() in {"1", "2", "3"}  # at least one whole save happened
        time.sleep(kill_after)
        child.send_signal(signal.SIGKILL)
        child.wait(10)
        reported = [int(line) for line in child.stdout.read().split()]
        child.stdout.close()

        # Killed between the two renames, the previous checkpoint waits under its backup name; loading
        # finds it there.
        got = outputs(load_checkpoint(target).model)
        matches = [seed for seed, value in expected.items() if torch.equal(got, value)]
        assert len(matches) == 1, "the checkpoint on disk is none of the saved ones"
        if reported:
            last = reported[-1]
            assert matches[0] in (last, last % 3 + 1), (matches, reported[-3:])
        assert [info.name for info in list_checkpoints(tmp_path)] == ["model"]  # litter stays hidden

    abandoned = list(tmp_path.glob(".model.tmp-*"))  # the staging folders of killed saves
    old = time.time() - 3600
    for folder in abandoned:
        os.utime(folder, (old, old))
    last = save_checkpoint(small_checkpoint(seed=9), target)  # the next save recovers and replaces
    assert not any(folder.exists() for folder in abandoned)
    torch.testing.assert_close(outputs(load_checkpoint(last).model), outputs(small_checkpoint(seed=9).model))


def small_run(steps: int) -> TrainingRun:
    choice = ModelChoice(cell="lstm", attention="luong-general", hidden_size=32, embedding_size=16)
    config = TrainConfig(steps=steps, batch_size=16, log_every=5, eval_every=0)
    return TrainingRun(get_task("reverse"), choice, config, threads=1)


def test_stop_mid_training_through_the_job_manager_keeps_a_saveable_model(tmp_path):
    manager = JobManager(max_running=1)
    try:
        run = small_run(steps=100_000)
        job = manager.submit(run, owner="lecturer")
        deadline = time.monotonic() + 60
        while run.view().step < 10:
            assert time.monotonic() < deadline, "the run did not get going"
            time.sleep(0.05)
        manager.stop(job, BY_USER)
        assert manager.wait(job, 30)
        assert job.state == DONE and job.stop_reason == BY_USER
        view = run.view()
        assert view.state == FINISHED and view.stop_reason == "stopped" and 10 <= view.step < 100_000
        path = save_checkpoint(run.checkpoint(), tmp_path / "stopped")
        reloaded = load_checkpoint(path)
        assert reloaded.training.steps_done == view.step
        for name, value in run.checkpoint().model.state_dict().items():
            torch.testing.assert_close(reloaded.model.state_dict()[name], value.cpu(), atol=0, rtol=0)
        assert manager.counts() == (0, 0)
    finally:
        manager.shutdown()
    assert not job.thread.is_alive()


class NaNLoss(TrainCallback):
    """From update 6 on, the data the model sees is NaN: its loss is NaN (a corrupt batch, an overflow)."""

    def __init__(self) -> None:
        self.good: dict[str, torch.Tensor] = {}

    def on_step(self, trainer, report) -> None:
        if report.step == 5:
            self.good = {k: v.detach().clone() for k, v in trainer.model.state_dict().items()}
            embedding = trainer.model.encoder.embedding.weight
            with torch.no_grad():
                embedding.fill_(float("nan"))


def test_a_nan_loss_stops_the_run_with_a_message_and_keeps_the_last_good_weights():
    run = small_run(steps=200)
    poison = NaNLoss()
    run.training.trainer.callbacks.append(poison)
    run.run()
    view = run.view()
    assert view.state == FINISHED and view.stop_reason == "diverged"
    assert "step" in view.message and ("nan" in view.message.lower() or "not a number" in view.message)
    assert view.step < 200
    for name, value in run.checkpoint().model.state_dict().items():
        assert torch.equal(value, poison.good[name]), name
        assert torch.isfinite(value).all(), name
