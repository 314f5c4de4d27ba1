"""The checkpoint listing parses each config.json once, and still shows the disk as it is now: a checkpoint
saved again, edited by hand, broken, or removed is listed as it now is, never as it was."""

from __future__ import annotations

import shutil
from dataclasses import replace

from seqviz.checkpoints import store
from seqviz.checkpoints.store import list_checkpoints, save_checkpoint
from tests.support.checkpoints import edit_config, set_field, small_checkpoint


def test_listing_is_parsed_once_per_config_file(tmp_path, monkeypatch):
    save_checkpoint(small_checkpoint(), tmp_path / "a")
    save_checkpoint(small_checkpoint(seed=1), tmp_path / "b")
    parsed = []
    original = store._parse_checkpoint_info
    monkeypatch.setattr(
        store,
        "_parse_checkpoint_info",
        lambda child, origin: parsed.append(child.name) or original(child, origin),
    )
    first = list_checkpoints(tmp_path)
    assert [info.name for info in first] == ["a", "b"] and parsed == ["a", "b"]
    assert list_checkpoints(tmp_path) == first and parsed == ["a", "b"]  # the second listing parses nothing


def test_listing_follows_every_change_on_disk(tmp_path):
    save_checkpoint(small_checkpoint(), tmp_path / "model")
    assert list_checkpoints(tmp_path)[0].metrics == {"exact_match": 0.5}
    # saved again under the same name (a new folder swapped in)
    save_checkpoint(replace(small_checkpoint(), metrics={"exact_match": 0.75}), tmp_path / "model")
    assert list_checkpoints(tmp_path)[0].metrics == {"exact_match": 0.75}
    # edited in place by hand: a longer file, a new modification time
    edit_config(tmp_path / "model", set_field("metrics", "exact_match", 0.875))
    assert list_checkpoints(tmp_path)[0].metrics == {"exact_match": 0.875}
    # broken by hand: no longer listed
    (tmp_path / "model" / store.CONFIG_FILE).write_text("{", encoding="utf-8")
    assert list_checkpoints(tmp_path) == []
    # removed, then saved anew: listed again
    shutil.rmtree(tmp_path / "model")
    assert list_checkpoints(tmp_path) == []
    save_checkpoint(small_checkpoint(), tmp_path / "model")
    assert [info.metrics for info in list_checkpoints(tmp_path)] == [{"exact_match": 0.5}]


def test_the_same_folder_listed_with_another_origin_says_so(tmp_path):
    save_checkpoint(small_checkpoint(), tmp_path / "model")
    assert list_checkpoints(tmp_path, origin="user")[0].origin == "user"
    assert list_checkpoints(tmp_path, origin="shared")[0].origin == "shared"
