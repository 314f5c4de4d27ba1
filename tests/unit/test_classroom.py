"""The classroom model's rules, in the core: plain names, look-alikes, owners' folders, sharing.

Two owner keys stand for two students on one server; every promise of ``seqviz.checkpoints.classroom`` is
checked from both sides (what A can do, and that B cannot see or touch it).
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from seqviz.checkpoints import classroom
from seqviz.checkpoints.archive import checkpoint_zip_bytes, import_checkpoint_zip
from seqviz.checkpoints.names import check_plain_name, find_look_alike, name_skeleton
from seqviz.checkpoints.store import (
    check_checkpoint_name,
    list_all_checkpoints,
    load_checkpoint,
    save_checkpoint,
)
from seqviz.errors import CheckpointError, InputError
from tests.support.checkpoints import outputs, small_checkpoint

SHIPPED = "reverse-lstm-bahdanau"


@pytest.fixture
def roots(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    shipped, user = tmp_path / "shipped", tmp_path / "user"
    monkeypatch.setenv("SEQVIZ_CHECKPOINTS", str(shipped))
    monkeypatch.setenv("SEQVIZ_USER_CHECKPOINTS", str(user))
    save_checkpoint(small_checkpoint(seed=9), shipped / SHIPPED)
    return shipped, user


@pytest.fixture
def alice() -> str:
    return classroom.new_owner_key()


@pytest.fixture
def bob() -> str:
    return classroom.new_owner_key()


def names(owner: str) -> list[tuple[str, str]]:
    return [(info.name, info.origin) for info in classroom.visible_checkpoints(owner)]


def save_private(owner: str, name: str, seed: int = 0) -> Path:
    return save_checkpoint(small_checkpoint(seed=seed), classroom.private_path(owner, name))


# ------------------------------------------------------------------------------------------------ names


def test_names_are_stored_in_nfkc():
    assert check_plain_name("ｍｙ－model") == "my-model"  # full-width letters and hyphen
    assert check_plain_name("  ﬁne ") == "fine"
    assert check_plain_name("翻译模型") == "翻译模型"


@pytest.mark.parametrize(
    "name",
    [
        "**bold**",
        "[click](http://x)",
        "![img](x.png)",
        "<b>x</b>",
        "a b",
        "`code`",
        "$x$",
        "a/b",
        ".hidden",
        "x" * 65,
        "",
        "rev\u034ferse",  # an invisible combining grapheme joiner
        "\u3164",  # a Hangul filler: a "letter" that draws nothing
        "a\u200bb",  # a zero-width space
    ],
)
def test_names_that_are_not_plain_are_refused(name):
    with pytest.raises(InputError):
        check_plain_name(name)


@pytest.mark.parametrize(
    "look_alike",
    [
        "ｒeverse-lstm-bahdanau",  # full-width r
        "rеverse-lstm-bahdanau",  # Cyrillic е
        "reverse-lstm-bаhdаnаu",  # Cyrillic а
        "reverse-lstm-bahdanаu",  # one Cyrillic а
        "reverse-Istm-bahdanau",  # capital I for l
        "reverse-1stm-bahdanau",  # digit 1 for l
        "reverse-lstm-bahdαnαu",  # Greek α
        "REVERSE-LSTM-BAHDANAU",
        "rеvеrsе-lstm-bаhdаnаu",  # all e and a Cyrillic
    ],
)
def test_look_alikes_share_a_skeleton(look_alike):
    assert look_alike != SHIPPED
    assert name_skeleton(look_alike) == name_skeleton(SHIPPED)
    assert find_look_alike(look_alike, ["other", SHIPPED]) == SHIPPED


def test_different_names_keep_different_skeletons():
    for a, b in [("reverse-lstm", "reverse-gru"), ("model-2", "model-3"), ("翻译", "翻訳"), ("ab", "abc")]:
        assert name_skeleton(a) != name_skeleton(b)
    assert name_skeleton("p0o") == name_skeleton("pOo") == name_skeleton("pοo")  # Greek ο, digit 0


def test_a_look_alike_of_a_shipped_name_is_refused(roots):
    with pytest.raises(InputError, match="shipped checkpoint"):
        check_checkpoint_name("ｒeverse-lstm-bahdanau")  # NFKC makes it the shipped name itself
    with pytest.raises(InputError, match="looks like the name of the shipped checkpoint"):
        check_checkpoint_name("rеverse-lstm-bahdanau")  # Cyrillic е
    assert check_checkpoint_name("reverse-lstm-bahdanau-2") == "reverse-lstm-bahdanau-2"


# ----------------------------------------------------------------------------------------------- owners


def test_owner_keys_are_random_and_checked_strictly():
    keys = {classroom.new_owner_key() for _ in range(50)}
    assert len(keys) == 50 and all(classroom.is_owner_key(key) for key in keys)
    for bad in [
        "",
        "short",
        "../../etc/passwd-xxxxxxxx",
        "a" * 65,
        "abc def ghi jkl mno",
        "ключ" * 5,
        None,
        7,
    ]:
        assert not classroom.is_owner_key(bad)
        with pytest.raises(InputError):
            classroom.owner_root(bad)  # type: ignore[arg-type]


def test_owner_folders_are_hashes_inside_the_user_root(roots, alice, bob):
    _, user = roots
    a, b = classroom.owner_root(alice), classroom.owner_root(bob)
    assert a != b and a.parent == b.parent == user / "users"
    assert alice not in str(a)  # the secret key never names a folder
    assert a == classroom.owner_root(alice)  # the same key finds the same folder (reload, other replica)


# -------------------------------------------------------------------------------------------- ownership


def test_a_private_model_is_listed_for_its_owner_only(roots, alice, bob):
    save_private(alice, "alice-model")
    assert ("alice-model", "user") in names(alice)
    assert "alice-model" not in [name for name, _ in names(bob)]
    with pytest.raises(CheckpointError):
        classroom.find_visible(bob, "alice-model")
    assert classroom.find_visible(alice, "alice-model").origin == "user"
    assert names(alice)[0] == (SHIPPED, "shipped")  # shipped models first, for everyone


def test_replacing_reaches_only_ones_own_checkpoint(roots, alice, bob):
    save_private(alice, "same-name", seed=1)
    before = outputs(load_checkpoint(classroom.owner_root(alice) / "same-name").model)
    path = save_private(bob, "same-name", seed=2)  # Bob's "replace my checkpoint of the same name"
    assert path.parent == classroom.owner_root(bob)
    after = outputs(load_checkpoint(classroom.owner_root(alice) / "same-name").model)
    assert after.equal(before)  # Alice's weights untouched
    assert not outputs(load_checkpoint(path).model).equal(before)  # Bob saved his own, different model
    assert classroom.find_visible(alice, "same-name").path != classroom.find_visible(bob, "same-name").path


def test_uploads_go_to_the_owners_folder(roots, alice, bob, tmp_path):
    data = checkpoint_zip_bytes(save_checkpoint(small_checkpoint(seed=3), tmp_path / "dl" / "uploaded"))
    path = import_checkpoint_zip(
        data, root=classroom.owner_root(alice), check_name=classroom.private_name_checker(alice)
    )
    assert path == classroom.owner_root(alice) / "uploaded"
    assert ("uploaded", "user") in names(alice) and "uploaded" not in [n for n, _ in names(bob)]


def test_ownerless_listing_is_unchanged_and_the_app_never_lists_it(roots, alice):
    _, user = roots
    save_checkpoint(small_checkpoint(), user / "old-top-level")
    assert ("old-top-level", "user") in [(i.name, i.origin) for i in list_all_checkpoints()]
    assert "old-top-level" not in [name for name, _ in names(alice)]


# ---------------------------------------------------------------------------------------------- sharing


def test_sharing_makes_a_model_visible_to_everyone(roots, alice, bob):
    save_private(alice, "good-model", seed=4)
    expected = outputs(load_checkpoint(classroom.owner_root(alice) / "good-model").model)
    path = classroom.share_checkpoint(alice, "good-model")
    assert path == classroom.shared_root() / "good-model"
    assert ("good-model", "shared") in names(alice) and ("good-model", "shared") in names(bob)
    assert not (classroom.owner_root(alice) / "good-model").exists()  # moved: it is the class's now
    assert outputs(load_checkpoint(classroom.find_visible(bob, "good-model").path).model).equal(expected)


def test_a_shared_name_cannot_be_taken_by_a_look_alike(roots, alice, bob):
    save_private(alice, "class-model")
    classroom.share_checkpoint(alice, "class-model")
    save_private(bob, "bob-model")
    for look_alike in ["сlass-model", "CLASS-MODEL", "class-m0del", "ｃlass-model"]:
        with pytest.raises(InputError, match="shared with the class"):
            classroom.share_checkpoint(bob, "bob-model", look_alike)
        with pytest.raises(InputError, match="shared with the class"):
            classroom.private_path(bob, look_alike)  # nor saved privately under it
    with pytest.raises(InputError, match="already shared"):
        classroom.share_checkpoint(bob, "bob-model", "class-model")
    assert (classroom.owner_root(bob) / "bob-model").is_dir()  # a refused share moves nothing


def test_sharing_refuses_shipped_look_alikes_and_markdown(roots, alice):
    save_private(alice, "mine")
    for bad in ["ｒeverse-lstm-bahdanau", "rеverse-lstm-bahdanau", "**mine**", "[x](http://e)"]:
        with pytest.raises(InputError):
            classroom.share_checkpoint(alice, "mine", bad)
    assert classroom.shared_root().exists() is False or not any(
        p for p in classroom.shared_root().iterdir() if not p.name.startswith(".")
    )


def test_one_cannot_share_another_students_model(roots, alice, bob):
    save_private(alice, "alice-only")
    with pytest.raises(CheckpointError, match="no checkpoint named"):
        classroom.share_checkpoint(bob, "alice-only")
    assert (classroom.owner_root(alice) / "alice-only").is_dir()


def test_lists_never_hold_look_alikes(roots, alice, bob):
    _, user = roots
    save_private(alice, "fοo")  # Greek ο, saved before anyone shared "foo"
    save_checkpoint(small_checkpoint(), user / "shared" / "foo")  # the lecturer's folder
    save_checkpoint(small_checkpoint(), user / "shared" / "ｒeverse-lstm-bahdanau")  # put there by hand
    assert [n for n, _ in names(alice)].count("foo") == 0  # her own look-alike wins, for her
    assert ("fοo", "user") in names(alice)
    assert ("foo", "shared") in names(bob)
    assert [n for n, _ in names(bob)] == [SHIPPED, "foo"]  # the look-alike of a shipped name is hidden


def test_a_classmates_share_never_blocks_replacing_ones_own(roots, alice, bob):
    save_private(alice, "foo", seed=1)
    save_private(bob, "foo", seed=2)
    classroom.share_checkpoint(bob, "foo")
    assert classroom.private_path(alice, "foo") == classroom.owner_root(alice) / "foo"  # still hers
    with pytest.raises(InputError, match="shared with the class"):
        classroom.private_path(bob, "foo")  # Bob's went to the class: he cannot take the name back


def test_a_made_up_name_taken_by_the_class_gets_a_number(roots, alice, bob):
    save_private(bob, "charlm-full-abc")
    classroom.share_checkpoint(bob, "charlm-full-abc")
    assert classroom.free_private_path(alice, "charlm-full-abc").name == "charlm-full-abc-2"
    save_private(alice, "x" * 64)
    assert classroom.free_private_path(alice, "x" * 64).name == "x" * 64  # her own: replaced in place


def test_own_names_cannot_look_alike(roots, alice):
    save_private(alice, "model-a")
    assert classroom.private_path(alice, "model-a").name == "model-a"  # the same name: replacing is allowed
    with pytest.raises(InputError, match="looks like your checkpoint"):
        classroom.private_path(alice, "MODEL-A")


def test_two_students_sharing_look_alikes_at_once_only_one_wins(roots, alice, bob):
    save_private(alice, "race")
    save_private(bob, "rаce")  # Cyrillic а: allowed privately, nobody shared "race" yet
    results: dict[str, object] = {}

    def share(owner: str, name: str) -> None:
        try:
            results[name] = classroom.share_checkpoint(owner, name)
        except InputError as error:
            results[name] = error

    threads = [threading.Thread(target=share, args=args) for args in ((alice, "race"), (bob, "rаce"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    outcomes = sorted(
        "shared" if isinstance(value, Path) else type(value).__name__ for value in results.values()
    )
    assert outcomes == ["InputError", "shared"], results
    shared = [p.name for p in classroom.shared_root().iterdir() if not p.name.startswith(".")]
    assert len(shared) == 1


def test_sharing_never_moves_or_overwrites_what_seqviz_did_not_write(roots, alice):
    _, user = roots
    folder = save_private(alice, "with-notes")
    (folder / "notes.txt").write_text("mine")  # a file the student put there by hand
    with pytest.raises(CheckpointError, match="not part of a seqviz checkpoint"):
        classroom.share_checkpoint(alice, "with-notes")
    assert (folder / "notes.txt").read_text() == "mine" and (folder / "model.safetensors").is_file()
    save_private(alice, "lecture")
    (user / "shared" / "lecture").mkdir(parents=True)
    (user / "shared" / "lecture" / "slides.pdf").write_bytes(b"%PDF")  # the lecturer's folder, not a model
    with pytest.raises(InputError, match="already shared"):
        classroom.share_checkpoint(alice, "lecture")
    assert (user / "shared" / "lecture" / "slides.pdf").read_bytes() == b"%PDF"
    assert (classroom.owner_root(alice) / "lecture" / "model.safetensors").is_file()
