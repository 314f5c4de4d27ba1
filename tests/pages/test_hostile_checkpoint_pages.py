"""A checkpoint with bad metadata on disk, seen from the pages: the picker leaves it out, a link naming it
gets a message, and nothing reaches the page as a traceback."""

from __future__ import annotations

import pytest

from seqviz.checkpoints.store import save_checkpoint
from tests.support.apptest import open_page
from tests.support.checkpoints import edit_config, set_field, small_checkpoint


@pytest.mark.parametrize("page", ["pages/1_Gates.py", "pages/6_Train.py"])
def test_a_checkpoint_with_bad_metadata_on_disk_breaks_no_page(tmp_path, monkeypatch, page):
    """Installed by hand (or by an older seqviz): the picker leaves it out, and a link naming it gets a
    message, not a traceback."""
    user = tmp_path / "user"
    folder = save_checkpoint(small_checkpoint(), user / "shared" / "bad-meta")  # a folder every session lists
    edit_config(folder, set_field("task", "seed", "not-a-number"))
    monkeypatch.setenv("SEQVIZ_USER_CHECKPOINTS", str(user))
    at = open_page(page, lang="en", ckpt="bad-meta")  # asserts that no exception reached the page
    assert not at.exception
