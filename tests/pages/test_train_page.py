"""The Train page under AppTest: start a run, watch it advance, stop, save, and find the model elsewhere.

``run_every`` never fires in AppTest, so the tests wait on the run itself and call ``at.run()`` by hand,
as the page's fragment would twice a second.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from seqviz.checkpoints.classroom import owner_root
from seqviz.ui.plain import plain
from tests.support.vega_read import page_heatmaps

ROOT = Path(__file__).resolve().parents[2]
TRAIN_PAGE = "pages/6_Train.py"


@pytest.fixture
def user_root(tmp_path, monkeypatch):
    root = tmp_path / "user_checkpoints"
    monkeypatch.setenv("SEQVIZ_USER_CHECKPOINTS", str(root))
    return root


@pytest.fixture
def train_page(user_root):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page(TRAIN_PAGE).run()
    assert not at.exception
    yield at
    for entry in at.session_state["train.runs"] if "train.runs" in at.session_state else []:  # noqa: SIM401 (no .get on AppTest state)
        entry.run.stop()
        entry.job.thread.join(30)


def own_folder(at: AppTest) -> Path:
    """This session's own checkpoint folder (by its ``?me=`` key, ``seqviz.checkpoints.classroom``)."""
    return owner_root(at.session_state["ui.owner"])


def texts(at: AppTest) -> str:
    parts = [
        e.value
        for kind in ("markdown", "caption", "success", "info", "error", "warning")
        for e in at.get(kind)
    ]
    return "\n".join(str(p) for p in parts)


def set_small_model(at: AppTest, steps: int) -> None:
    at.select_slider(key="train.embedding").set_value(16)
    at.select_slider(key="train.hidden").set_value(32)
    at.number_input(key="train.steps").set_value(steps)
    at.number_input(key="train.eval_every").set_value(20)


def start(at: AppTest) -> None:
    at.button(key="FormSubmitter:train.form-Start training").click().run()
    assert not at.exception, at.exception


def wait_until(condition, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_start_progress_stop_save_then_the_model_is_everywhere(train_page, user_root):
    at = train_page
    set_small_model(at, 100_000)
    start(at)
    entry = at.session_state["train.runs"][0]
    wait_until(lambda: entry.run.view().step >= 10)
    at.run()
    first = at.get("progress")[0].proto.text
    assert first.startswith("step ")
    wait_until(lambda: entry.run.view().step >= 30)
    at.run()
    second = at.get("progress")[0].proto.text
    assert int(second.split()[1].replace(",", "")) > int(first.split()[1].replace(",", ""))  # it advances
    assert at.metric[0].label == "Loss" and at.metric[0].value != "–"
    # loss curve, validation or its caption, perplexity, grad norm; the probe's attention and gates heatmaps
    assert len(at.get("vega_lite_chart")) >= 4
    drawn = page_heatmaps(at)
    assert any(title.startswith("Attention: which input positions") for title in drawn), list(drawn)
    at.button(key="train.stop").click().run()
    entry.job.thread.join(60)
    at.run()
    assert not at.exception
    assert "Stopped at update" in texts(at)
    assert "· Stopped" in texts(at) and "· Finished" not in texts(at)  # a stopped run is not "finished"
    at.text_input(key="train.save_name.1").set_value("my-reverse")
    at.button(key="train.save.1").click().run()
    assert not at.exception, at.exception
    assert (own_folder(at) / "my-reverse" / "model.safetensors").is_file()
    assert f"Saved as “{plain('my-reverse')}”" in texts(at)  # a name is shown markdown-escaped
    assert at.session_state["model.checkpoint"] == "my-reverse"
    # the home page's model picker offers it and has it chosen
    at.switch_page("app.py").run()
    assert not at.exception
    picker = at.selectbox(key="_model.checkpoint_widget")
    assert picker.value == "my-reverse"
    assert "my-reverse · reverse · yours" in picker.options
    # and the model pages open on it: its attention, its embeddings
    for page in ("pages/2_Attention.py", "pages/8_Embeddings.py"):
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        assert not at.error, (page, [e.value for e in at.error])
        assert at.selectbox(key="_model.checkpoint_widget").value == "my-reverse"
        assert at.get("plotly_chart") or at.get("vega_lite_chart"), page


def test_the_saved_checkpoint_reproduces_the_trained_model(train_page, user_root):
    import torch

    from seqviz.checkpoints.store import load_checkpoint

    at = train_page
    set_small_model(at, 25)
    start(at)
    entry = at.session_state["train.runs"][0]
    entry.job.thread.join(120)
    at.run()
    assert "Done: all 25 updates finished." in texts(at)
    at.text_input(key="train.save_name.1").set_value("tiny")
    at.button(key="train.save.1").click().run()
    loaded = load_checkpoint(own_folder(at) / "tiny")
    source, lengths = torch.tensor([[5, 6, 7, 8, 2]]), torch.tensor([5])
    trained = entry.run.training.trainer.model.eval()
    assert torch.equal(
        loaded.model.greedy(source, lengths, 9).tokens, trained.greedy(source, lengths, 9).tokens
    )
    assert loaded.training.steps_total == 25
    # saving again under the same name without "replace" is refused with a message
    at.text_input(key="train.save_name.1").set_value("reverse-lstm-bahdanau")
    at.button(key="train.save.1").click().run()
    assert not at.exception
    assert any("shipped" in e.value for e in at.error)


def test_compare_runs_overlays_two_runs(train_page):
    at = train_page
    set_small_model(at, 15)
    start(at)
    at.session_state["train.runs"][0].job.thread.join(120)
    at.run()
    at.radio(key="train.cell").set_value("rnn")
    start(at)
    runs = at.session_state["train.runs"]
    assert len(runs) == 2
    runs[1].job.thread.join(120)
    at.run()
    assert not at.exception
    assert runs[1].run.label.split(" · ")[1] == "RNN"
    chart = at.get("vega_lite_chart")[-1]
    assert "#1" in str(chart.proto.spec) or "#1" in str(chart.proto.datasets)
    table = at.dataframe[0].value
    assert len(table) == 2 and "None" not in table.to_string()
    assert at.multiselect(key="train.compare_chosen").value == [1, 2]
    at.radio(key="train.cell").set_value("gru")
    start(at)  # a third run: the comparison shows it without the user adding it
    runs = at.session_state["train.runs"]
    assert len(runs) == 3
    runs[2].job.thread.join(120)
    at.run()
    assert not at.exception
    assert at.multiselect(key="train.compare_chosen").value == [1, 2, 3]


def test_a_too_high_learning_rate_diverges_with_a_message(train_page):
    at = train_page
    at.number_input(key="train.steps").set_value(200)
    at.select_slider(key="train.lr").set_value(1.0)
    start(at)
    entry = at.session_state["train.runs"][0]
    entry.job.thread.join(120)
    at.run()
    assert not at.exception
    assert entry.run.view().stop_reason == "diverged"  # Adam at rate 1.0 blows up LSTM + attention here
    assert "· Stopped: the loss diverged" in texts(at)
    assert any("learning rate" in e.value and "diverged" in e.value for e in at.error)


def test_on_a_projector_start_leads_the_settings_and_still_starts_a_run(user_root):
    """Presentation mode puts "Start training" first in the form (on the first screen with the live view,
    ``tests/browser/test_browser_projector.py``); the settings below it still reach the run."""

    def order(at: AppTest) -> list[str]:
        return [getattr(node, "key", None) or "" for node in at.main]

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page(TRAIN_PAGE).run()
    button = "FormSubmitter:train.form-Start training"
    assert order(at).index(button) > order(at).index("train.hidden")  # on a screen: the button at the foot
    at.toggle(key="_ui.present_widget").set_value(True).run()
    assert at.session_state["ui.present"] and not at.exception
    assert order(at).index(button) < order(at).index("train.hidden")
    set_small_model(at, 100_000)
    start(at)
    entry = at.session_state["train.runs"][0]
    try:
        assert entry.run.train_config.steps == 100_000  # the settings below the button were read
    finally:
        entry.run.stop()
        entry.job.thread.join(60)


def test_starting_twice_is_refused_and_chinese_labels_show(user_root):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["lang"] = "zh"  # a bookmarked Chinese URL
    at.run()
    at.switch_page(TRAIN_PAGE).run()
    assert not at.exception
    assert at.title[0].value == "训练"
    set_small_model(at, 100_000)
    at.button(key="FormSubmitter:train.form-开始训练").click().run()
    entry = at.session_state["train.runs"][0]
    try:
        at.button(key="FormSubmitter:train.form-开始训练").click().run()
        assert not at.exception
        assert any("已有一个训练在进行" in e.value for e in at.error)
        assert len(at.session_state["train.runs"]) == 1
        assert at.metric[0].label == "损失"
    finally:
        entry.run.stop()
        entry.job.thread.join(60)


def test_corpus_mode_asks_for_a_file(train_page):
    at = train_page
    at.radio(key="train.data").set_value("corpus").run()
    assert not at.exception
    assert "Upload a corpus file" in texts(at)
    assert not at.get("form")  # nothing to train on yet: no start button


class Blocker:
    """A job that holds a training slot until released."""

    def __init__(self) -> None:
        import threading

        self.release = threading.Event()

    def run(self) -> None:
        self.release.wait(60)

    def stop(self, reason: str) -> None:
        self.release.set()


def test_a_full_server_queues_the_run_and_shows_its_place(train_page):
    from seqviz.ui.training import job_manager

    at = train_page
    manager = job_manager()
    blockers = [Blocker() for _ in range(manager.max_running)]
    jobs = [manager.submit(b, owner="someone-else") for b in blockers]
    try:
        wait_until(lambda: manager.counts()[0] == manager.max_running)
        set_small_model(at, 20)
        start(at)
        entry = at.session_state["train.runs"][0]
        assert manager.queue_position(entry.job) == 1
        assert f"Queued: number 1 in line. {manager.max_running} of {manager.max_running}" in texts(at)
        assert "Waiting for a free slot" in texts(at)
    finally:
        for blocker in blockers:
            blocker.release.set()
        for job in jobs:
            manager.wait(job, 30)
    entry.job.thread.join(120)  # the slot freed: the queued run trains to the end
    at.run()
    assert entry.run.view().stop_reason == "steps"
    assert "Done: all 20 updates finished." in texts(at)


def test_continue_training_a_shipped_checkpoint(train_page):
    at = train_page
    at.radio(key="train.start_from").set_value("checkpoint").run()
    assert not at.exception
    at.selectbox(key="train.checkpoint").set_value("reverse-lstm-bahdanau").run()
    at.number_input(key="train.steps").set_value(10)
    start(at)
    entry = at.session_state["train.runs"][0]
    entry.job.thread.join(120)
    at.run()
    assert not at.exception
    view = entry.run.view()
    assert view.label.startswith("reverse-lstm-bahdanau +10")
    assert view.step == view.total_steps and view.step > 10  # counts on from the checkpoint's own steps
    assert view.latest_eval["exact_match"] > 0.9  # it starts trained, not from scratch


def test_how_a_run_ended_is_read_from_its_cause_not_its_message():
    from types import SimpleNamespace

    from seqviz.training.states import RunState, StopCause, StopReason
    from seqviz.ui.i18n import t
    from seqviz.ui.widgets.train import _end_message, state_label

    def view(reason, cause, message="the message does not matter"):
        return SimpleNamespace(
            stop_reason=reason, stop_cause=cause, message=message, step=12, state=RunState.FINISHED
        )

    closed = view(StopReason.STOPPED, StopCause.OWNER_GONE, message="stopped by the user (no tab in it)")
    assert _end_message(closed) == t("train.end.closed", step=12)
    by_hand = view(StopReason.STOPPED, StopCause.USER, message="a tab word here misleads nobody")
    assert _end_message(by_hand) == t("train.end.stopped", step=12)
    assert _end_message(view(None, StopCause.USER)) == t("train.end.cancelled")
    assert state_label(view(None, StopCause.USER)) == t("train.state.stopped")  # cancelled while waiting
    assert state_label(view(StopReason.STEPS, None)) == t("train.state.finished")


def test_the_page_and_the_cli_start_from_the_same_defaults(train_page):
    """One source for every default: the CLI's flags are ``DEFAULT_MODEL`` / ``DEFAULT_TRAINING``; the page's
    widgets are ``DEFAULT_MODEL`` and ``LIVE_TRAINING``, which differs from the CLI only where it says why."""
    from dataclasses import fields

    from seqviz.cli import build_parser
    from seqviz.training.config import DEFAULT_MODEL, DEFAULT_TRAINING, LIVE_TRAINING, training_defaults

    args = build_parser().parse_args(["train", "--task", "reverse", "--out", "somewhere"])
    cli = {
        "cell": args.cell,
        "attention": args.attention,
        "num_layers": args.layers,
        "embedding_size": args.emb,
        "hidden_size": args.hidden,
        "batch_size": args.batch_size,
        "learning_rate": args.lr if args.lr is not None else training_defaults(args.arch).learning_rate,
        "teacher_forcing": args.teacher_forcing,
        "eval_every": args.eval_every,
        "target_exact_match": args.target_exact_match,
        "seed": args.seed,
    }
    defaults = {**DEFAULT_MODEL.__dict__, **DEFAULT_TRAINING.__dict__}
    assert cli == {name: defaults[name] for name in cli}

    at = train_page
    page = {
        "cell": at.radio(key="train.cell").value,
        "attention": at.selectbox(key="train.attention").value,
        "num_layers": at.slider(key="train.layers").value,
        "embedding_size": at.select_slider(key="train.embedding").value,
        "hidden_size": at.select_slider(key="train.hidden").value,
        "dropout": at.slider(key="train.dropout").value,
        "learning_rate": at.select_slider(key="train.lr").value,
        "teacher_forcing": at.slider(key="train.tf").value,
        "steps": at.number_input(key="train.steps").value,
        "batch_size": at.select_slider(key="train.batch").value,
        "seed": at.number_input(key="train.seed").value,
        "clip_norm": at.number_input(key="train.clip").value,
        "eval_every": at.number_input(key="train.eval_every").value,
        "probe_every": at.number_input(key="train.probe_every").value,
    }
    live = {**DEFAULT_MODEL.__dict__, **LIVE_TRAINING.__dict__}
    assert page == {name: live[name] for name in page}
    differs = {f.name for f in fields(LIVE_TRAINING) if getattr(LIVE_TRAINING, f.name) != defaults[f.name]}
    assert differs == {"steps", "eval_every", "eval_size", "log_every", "probe_every"}  # the named preset
