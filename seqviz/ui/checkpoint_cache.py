"""Checkpoints as pages use them: loaded once per server and version, what pages derive from them cached
the same way, and installed from uploads.

``load_cached_checkpoint`` keys the cache on the folder *and* the weights file's modification time, so a
checkpoint saved again under the same name is reloaded, not served stale. Pages must treat the returned
model as read-only (it is shared by every session); training copies it first. ``per_checkpoint`` caches a
page's derived data (an attention map, a beam search) under the same key.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

import streamlit as st

P = ParamSpec("P")
R = TypeVar("R")


@st.cache_resource(show_spinner=False, max_entries=32)
def _load(path: str, version: float) -> Any:
    from seqviz.checkpoints.store import load_checkpoint

    return load_checkpoint(path)


def load_cached_checkpoint(path: str | Path) -> Any:
    """The checkpoint in ``path`` (a ``Checkpoint``), shared across sessions until its files change."""
    return _load(str(Path(path)), checkpoint_version(path))


def per_checkpoint(
    *, max_entries: int
) -> Callable[[Callable[Concatenate[Any, P], R]], Callable[Concatenate[str | Path, P], R]]:
    """``@per_checkpoint(max_entries=256)`` on ``compute(checkpoint, *args)`` makes ``compute(path, *args)``:
    the checkpoint is loaded from ``path`` (``load_cached_checkpoint``) and the result kept by
    ``st.cache_data`` per folder, weights version and arguments, so a checkpoint saved again is recomputed.

    Streamlit tells cached functions apart by module, qualified name and source code; every wrapper made
    here has the same source, so each is named after the function it computes, or they would all share one
    cache and return each other's results."""

    def decorate(compute: Callable[Concatenate[Any, P], R]) -> Callable[Concatenate[str | Path, P], R]:
        def cached(path: str, version: float, *args: Any, **kwargs: Any) -> R:
            return compute(load_cached_checkpoint(path), *args, **kwargs)

        cached.__module__ = compute.__module__
        cached.__qualname__ = f"{compute.__qualname__}.<per_checkpoint>"
        stored = st.cache_data(show_spinner=False, max_entries=max_entries)(cached)

        @functools.wraps(compute)
        def for_path(path: str | Path, *args: P.args, **kwargs: P.kwargs) -> R:
            return stored(str(Path(path)), checkpoint_version(path), *args, **kwargs)

        return for_path

    return decorate


def install_uploaded_checkpoint(uploads: Sequence[Any]) -> str | None:
    """Install uploaded checkpoint files (one .zip, or config.json + model.safetensors [+ validation.tsv])
    among the session's own checkpoints (``seqviz.checkpoints.classroom``: no one else lists them, and an
    upload never
    replaces anything); returns the installed name. The same upload is installed only once."""
    from seqviz.checkpoints.archive import import_checkpoint_files, import_checkpoint_zip
    from seqviz.checkpoints.classroom import owner_root, private_name_checker
    from seqviz.ui.classroom import current_owner

    key = tuple(sorted(upload.file_id for upload in uploads))
    done: dict[tuple[str, ...], str] = st.session_state.setdefault("model.installed_uploads", {})
    if key in done:
        return done[key]
    zips = [upload for upload in uploads if upload.name.lower().endswith(".zip")]
    owner = current_owner()
    where = {"root": owner_root(owner), "check_name": private_name_checker(owner)}
    if zips:
        path = import_checkpoint_zip(zips[0].getvalue(), name=None, overwrite=False, **where)
    else:
        path = import_checkpoint_files({upload.name: upload.getvalue() for upload in uploads}, **where)
    done[key] = path.name
    return path.name


def checkpoint_version(path: str | Path) -> float:
    """A number that changes when the checkpoint's weights are saved again: a cache key for derived data."""
    from seqviz.checkpoints.store import WEIGHTS_FILE

    weights = Path(path) / WEIGHTS_FILE
    return weights.stat().st_mtime_ns if weights.exists() else 0.0
