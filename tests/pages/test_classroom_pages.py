"""The classroom model in the app (AppTest): two students are two sessions with different ``?me=`` keys.

A's own models never reach B's lists; B's "Replace my checkpoint" cannot touch A's; sharing puts a model in
everyone's list marked as shared; a look-alike name cannot be shared; the key survives page switches and a
forged one is never used.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from seqviz.checkpoints import classroom
from seqviz.checkpoints.store import WEIGHTS_FILE, save_checkpoint
from seqviz.ui.i18n import t
from seqviz.ui.plain import plain
from tests.support.apptest import click, open_page, texts
from tests.support.checkpoints import small_checkpoint

TRAIN_PAGE = "pages/6_Train.py"
PICKER = "_model.checkpoint_widget"


@pytest.fixture(autouse=True)
def user_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "user_checkpoints"
    monkeypatch.setenv("SEQVIZ_USER_CHECKPOINTS", str(root))
    return root


@pytest.fixture
def alice() -> str:
    return classroom.new_owner_key()


@pytest.fixture
def bob() -> str:
    return classroom.new_owner_key()


def save_own(owner: str, name: str, seed: int = 0) -> Path:
    """A checkpoint as the Train page saves it for ``owner`` (no training: the folder is what counts)."""
    return save_checkpoint(small_checkpoint(seed=seed), classroom.private_path(owner, name))


def options(at: AppTest) -> list[str]:
    return list(at.selectbox(key=PICKER).options)


def digest(folder: Path) -> str:
    return hashlib.sha256((folder / WEIGHTS_FILE).read_bytes()).hexdigest()


def test_my_saved_model_is_in_my_list_only(alice, bob):
    save_own(alice, "alice-model")
    mine = open_page("app.py", lang="en", me=alice)
    assert "alice-model · reverse · yours" in options(mine)
    theirs = open_page("app.py", lang="en", me=bob, ckpt="alice-model")  # even with a link naming it
    assert not any(option.startswith("alice-model") for option in options(theirs))
    assert theirs.session_state["model.checkpoint"] != "alice-model"
    assert any("alice" in w.value and "is not here" in w.value for w in theirs.warning)
    for page in ("pages/2_Attention.py", TRAIN_PAGE):  # the other pickers, too
        at = open_page(page, lang="en", me=bob)
        assert "alice-model" not in texts(at)
        if page == TRAIN_PAGE:
            at.radio(key="train.start_from").set_value("checkpoint").run()
            assert not any(n.startswith("alice-model") for n in at.selectbox(key="train.checkpoint").options)


def test_replace_on_the_train_page_reaches_only_my_own_checkpoint(alice, bob):
    original = digest(save_own(alice, "same-name", seed=1))
    at = open_page(TRAIN_PAGE, lang="en", me=bob)
    at.select_slider(key="train.embedding").set_value(16)
    at.select_slider(key="train.hidden").set_value(32)
    at.number_input(key="train.steps").set_value(10)
    at.number_input(key="train.eval_every").set_value(5)
    click(at, "FormSubmitter:train.form-Start training")
    at.session_state["train.runs"][0].job.thread.join(120)
    at.run()
    # a look-alike of a shipped name is refused (full-width ｒ)
    at.text_input(key="train.save_name.1").set_value("ｒeverse-lstm-bahdanau")
    click(at, "train.save.1")
    assert any("shipped checkpoint" in e.value for e in at.error)
    # Bob saves under Alice's name with "Replace my checkpoint" ticked: his own folder only
    at.text_input(key="train.save_name.1").set_value("same-name")
    at.checkbox(key="train.overwrite.1").check()
    click(at, "train.save.1")
    assert not at.error, [e.value for e in at.error]
    assert (classroom.owner_root(bob) / "same-name" / WEIGHTS_FILE).is_file()
    assert digest(classroom.owner_root(alice) / "same-name") == original
    assert classroom.find_visible(alice, "same-name").path == classroom.owner_root(alice) / "same-name"


def test_sharing_puts_a_model_in_everyones_list(alice, bob):
    save_own(alice, "class-model")
    at = open_page("app.py", lang="en", me=alice, ckpt="class-model")
    assert t("model.origin.user", lang="en") in texts(at)
    click(at, "_model.share")
    assert f"Shared “{plain('class-model')}” with the class" in texts(at)
    assert "class-model · reverse · shared" in options(at)
    assert t("model.origin.shared", lang="en") in texts(at)
    assert "_model.share" not in [b.key for b in at.button]  # shared: no longer hers to share
    other = open_page("app.py", lang="en", me=bob, ckpt="class-model")
    assert other.selectbox(key=PICKER).value == "class-model"
    assert "class-model · reverse · shared" in options(other)
    assert "_model.share" not in [b.key for b in other.button]  # nobody can share (or replace) it again


def test_a_look_alike_of_a_shared_name_cannot_be_shared(alice, bob):
    save_own(bob, "rаce")  # Cyrillic а, saved while nothing was shared
    save_own(alice, "race")
    classroom.share_checkpoint(alice, "race")
    at = open_page("app.py", lang="en", me=bob, ckpt="rаce")
    assert "rаce · reverse · yours" in options(at)
    assert "race · reverse · shared" not in options(at)  # one list never holds look-alikes: his own wins
    click(at, "_model.share")
    assert any("looks like" in e.value and "shared with the class" in e.value for e in at.error)
    assert (classroom.owner_root(bob) / "rаce").is_dir()  # refused: nothing moved
    assert "rаce · reverse · yours" in options(at)


def test_the_key_survives_page_switches_and_a_forged_key_is_never_used(alice):
    at = open_page("app.py", lang="en", me=alice)
    assert at.query_params["me"] == alice
    at.switch_page("pages/1_Gates.py").run()
    assert not at.exception
    assert at.query_params["me"] == alice and at.session_state["ui.owner"] == alice
    fresh = open_page("app.py", lang="en")  # no key: a new one, written into the URL
    assert classroom.is_owner_key(fresh.query_params["me"]) and fresh.query_params["me"] != alice
    for forged in ("../../etc", "short", "a b c d e f g h i j k l"):
        at = open_page("app.py", lang="en", me=forged)
        assert at.query_params["me"] != forged and classroom.is_owner_key(at.query_params["me"])
        assert any("personal key" in w.value for w in at.warning)
    assert not (classroom.users_root() / "etc").exists()
