"""Live runs: probe snapshots are the model's own numbers, runs stop, save, and continue where they ended."""

from __future__ import annotations

import threading

import pytest
import torch

from seqviz.checkpoints.store import load_checkpoint, save_checkpoint
from seqviz.data.tasks import get_task
from seqviz.errors import InputError
from seqviz.training.backends.registry import CHILD
from seqviz.training.live_run import FINISHED, WAITING, TrainingRun
from seqviz.training.states import StopCause, StopReason
from seqviz.training.trainer import TrainConfig
from seqviz.training.workflows import ModelChoice

SMALL = ModelChoice(cell="gru", attention="bahdanau", embedding_size=16, hidden_size=32)


def small_config(**overrides) -> TrainConfig:
    settings = {
        "steps": 30,
        "batch_size": 16,
        "eval_every": 15,
        "eval_size": 20,
        "log_every": 5,
        "probe_every": 10,
    }
    return TrainConfig(**{**settings, **overrides})


def test_probe_snapshots_are_the_models_own_trace():
    run = TrainingRun(get_task("reverse"), SMALL, small_config(), probe_text="abcab")
    run.run()
    view = run.view()
    assert [s.step for s in view.snapshots] == [0, 10, 20, 30]
    assert view.source_tokens == ["a", "b", "c", "a", "b", "<eos>"]
    last = view.snapshots[-1]
    model = run.training.trainer.model
    trace = model.trace(last.source_ids, max_len=2 * len(last.source_ids) + 10)
    assert last.output_ids == trace.output_ids
    assert torch.allclose(torch.tensor(last.attention), trace.attention, atol=1e-6)
    for rows in last.attention:
        assert sum(rows) == pytest.approx(1.0, abs=1e-5)
    layer = trace.encoder.layer(0, 0)
    assert torch.allclose(torch.tensor(last.encoder_gates["update"]), layer.gates["update"][0], atol=1e-6)
    assert torch.allclose(torch.tensor(last.encoder_hidden), layer.hidden[0], atol=1e-6)
    first = view.snapshots[0]
    assert first.attention != last.attention  # training changed what the model attends to


def test_probe_defaults_to_the_first_validation_source_and_refuses_empty_text_quietly():
    run = TrainingRun(get_task("reverse"), SMALL, small_config(steps=5, probe_every=5), probe_text="   ")
    first_source = run.training.data.validation_pairs[0][0]
    assert run.training.trainer.probe_source == list(first_source)


def test_teacher_forcing_decays_over_a_time_budget():
    run = TrainingRun(
        get_task("reverse"),
        SMALL,
        small_config(steps=None, max_seconds=10.0, teacher_forcing=1.0, teacher_forcing_final=0.5),
    )
    trainer = run.training.trainer
    assert trainer.teacher_forcing_at(0) == 1.0
    trainer.elapsed = 5.0
    assert trainer.teacher_forcing_at(trainer.step) == pytest.approx(0.75)
    trainer.elapsed = 10.0
    assert trainer.teacher_forcing_at(trainer.step) == pytest.approx(0.5)


def test_stop_from_another_thread_then_save_and_reload(tmp_path):
    run = TrainingRun(get_task("reverse"), SMALL, small_config(steps=100_000, eval_every=0))
    thread = threading.Thread(target=run.run)
    thread.start()
    while run.view().step < 10:
        threading.Event().wait(0.01)
    run.stop(StopCause.OWNER_GONE)  # the watchdog's stop for a closed tab
    thread.join(30)
    view = run.view()
    assert view.state == FINISHED and view.stop_reason is StopReason.STOPPED
    assert view.stop_cause is StopCause.OWNER_GONE  # the page reads who stopped it, never the message
    assert view.message.startswith("stopped because its browser tab was closed at step")  # the CLI's words
    assert view.step >= 10
    checkpoint = run.checkpoint()
    assert checkpoint.training.steps_total == view.step
    saved = load_checkpoint(save_checkpoint(checkpoint, tmp_path / "mine"))
    source = torch.tensor([[5, 6, 7, 2]])
    lengths = torch.tensor([4])
    expected = run.training.trainer.model.eval().greedy(source, lengths, 8).tokens
    assert torch.equal(saved.model.greedy(source, lengths, 8).tokens, expected)


def test_continuing_a_checkpoint_starts_from_its_weights_and_extends_its_history():
    first = TrainingRun(get_task("reverse"), SMALL, small_config(steps=20))
    first.run()
    checkpoint = first.checkpoint()
    weights_before = {k: v.clone() for k, v in checkpoint.model.state_dict().items()}
    second = TrainingRun(get_task("reverse"), None, small_config(steps=10), initial=checkpoint)
    start_weights = second.training.trainer.model.state_dict()
    assert all(torch.equal(start_weights[k], v) for k, v in weights_before.items())
    second.run()
    # the loaded checkpoint (which pages share) is untouched; the continued run has its own copy
    assert all(torch.equal(checkpoint.model.state_dict()[k], v) for k, v in weights_before.items())
    view = second.view()
    assert view.step == 30 and view.total_steps == 30
    steps = [entry.step for entry in view.history]
    assert steps == sorted(steps) and steps[-1] == 30 and steps[0] == 5
    continued = second.checkpoint()
    assert continued.training.steps_total == 30
    assert [h.step for h in continued.history] == steps


def test_a_run_cancelled_before_it_started_says_so():
    run = TrainingRun(get_task("reverse"), SMALL, small_config())
    assert run.state == WAITING
    run.stop()
    assert run.state == FINISHED
    assert run.run() is None
    view = run.view()
    assert view.stop_reason is None and view.stop_cause is StopCause.USER
    assert view.message == "stopped by the user before it started"
    with pytest.raises(InputError, match="not finished"):
        run.checkpoint()


def test_bad_settings_fail_at_the_click():
    with pytest.raises(InputError):
        TrainingRun(get_task("reverse"), ModelChoice(cell="transformer"), small_config())
    with pytest.raises(InputError):
        TrainingRun(get_task("reverse"), SMALL, small_config(learning_rate=-1))


def assert_same_run(ours, theirs) -> None:
    """Two runs are the same run: same steps, and losses, evaluations, attention and weights equal up to float
    reassociation. Not bit-identical: a float sum may be split differently between processes, which moves
    the last bits; a different seed or batch order moves the first loss by far more than 1e-4."""
    assert ours.state == FINISHED and ours.step == theirs.step
    assert [h.step for h in ours.history] == [h.step for h in theirs.history]
    assert [h.loss for h in ours.history] == pytest.approx([h.loss for h in theirs.history], rel=1e-4)
    assert [e["step"] for e in ours.evaluations] == [e["step"] for e in theirs.evaluations]
    for mine, other in zip(ours.snapshots, theirs.snapshots, strict=True):
        assert mine.step == other.step
        assert torch.allclose(torch.tensor(mine.attention), torch.tensor(other.attention), atol=1e-4)


def assert_same_weights(child: TrainingRun, thread: TrainingRun) -> None:
    mine = child.checkpoint().model.state_dict()
    for name, value in thread.checkpoint().model.state_dict().items():
        assert torch.allclose(mine[name], value, atol=1e-4), name


def test_a_run_in_a_child_process_is_the_same_run_as_in_a_thread():
    """The Train page trains in a child process: same reports, snapshots and weights as in a thread.

    Both run with one torch thread, set explicitly (and put back afterwards by the thread run), so they do
    the same arithmetic whatever thread count earlier tests left behind."""
    config = small_config(steps=20, eval_every=10, probe_every=10)
    child = TrainingRun(get_task("reverse"), SMALL, config, probe_text="abcab", backend=CHILD, threads=1)
    thread = TrainingRun(get_task("reverse"), SMALL, config, probe_text="abcab", threads=1)
    threads_before = torch.get_num_threads()
    child.run()
    thread.run()
    assert torch.get_num_threads() == threads_before  # the run put the process's thread count back
    assert child.view().step == 20
    assert_same_run(child.view(), thread.view())
    assert_same_weights(child, thread)
    # the comparison can fail: the same recipe with another seed is another run
    other_seed = TrainingRun(
        get_task("reverse"), SMALL, small_config(steps=20, eval_every=10, probe_every=10, seed=1), threads=1
    )
    other_seed.run()
    with pytest.raises(AssertionError):
        assert_same_run(other_seed.view(), thread.view())


def test_a_child_process_that_dies_is_reported_not_waited_for():
    import os
    import signal

    from seqviz.training.backends.child import TrainingProcessError

    run = TrainingRun(get_task("reverse"), SMALL, small_config(steps=100_000, eval_every=0), backend=CHILD)
    errors: list[BaseException] = []

    def train() -> None:
        try:
            run.run()
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=train)
    thread.start()
    while run.view().step < 5:
        threading.Event().wait(0.02)
    os.kill(run.backend.pid, signal.SIGKILL)  # the operating system ends it (out of memory, say)
    thread.join(30)
    assert not thread.is_alive()
    assert len(errors) == 1 and isinstance(errors[0], TrainingProcessError)
    assert "ended unexpectedly" in str(errors[0])
    assert run.view().state == "failed" and "ended unexpectedly" in run.view().error
