"""``per_checkpoint``: one decorator for every page's derived data, cached per checkpoint version."""

from __future__ import annotations

import os
import shutil

import streamlit as st

from seqviz import PROJECT_ROOT
from seqviz.checkpoints.store import WEIGHTS_FILE
from seqviz.ui.checkpoint_cache import per_checkpoint

SHIPPED = PROJECT_ROOT / "checkpoints" / "reverse-lstm-bahdanau"


def test_two_decorated_functions_never_share_a_cache():
    """Every wrapper has the same source; Streamlit keys caches on name and source, so a wrapper not named
    after its function would hand one function's result to the other."""

    @per_checkpoint(max_entries=4)
    def first(checkpoint, value):
        return ("first", checkpoint.name, value)

    @per_checkpoint(max_entries=4)
    def second(checkpoint, value):
        return ("second", checkpoint.name, value)

    assert first(SHIPPED, 1) == ("first", SHIPPED.name, 1)
    assert second(SHIPPED, 1) == ("second", SHIPPED.name, 1)
    assert first(str(SHIPPED), 2) == ("first", SHIPPED.name, 2)


def test_a_checkpoint_saved_again_is_recomputed(tmp_path):
    folder = tmp_path / "mine"
    shutil.copytree(SHIPPED, folder)
    calls = []

    @per_checkpoint(max_entries=4)
    def count(checkpoint, value):
        calls.append(value)
        return len(calls)

    st.cache_data.clear()
    assert count(folder, "x") == 1
    assert count(folder, "x") == 1  # cached
    assert count(folder, "y") == 2  # another argument
    weights = folder / WEIGHTS_FILE
    stat = weights.stat()
    os.utime(weights, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))  # saved again, a second later
    assert count(folder, "x") == 3
    assert calls == ["x", "y", "x"]
