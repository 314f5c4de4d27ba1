"""Trainings a page starts on the Ray cluster (``SEQVIZ_RAY_ADDRESS``) and reads without waiting on Ray.

A page's script must never block on a cluster: one that is busy queues the work for minutes, one that is gone
answers nothing. So a page asks ``cluster_result``: the first session to ask starts the training on the
cluster (``seqviz.training.backends.ray_cluster.cluster_call``); while it runs, every session that asks for
the same thing shares it and sees a note that redraws itself once a second, and the page reruns when the
result is in. A failure is said on the page and forgotten, so pressing again tries again.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable
from typing import Any

import streamlit as st

from seqviz import settings
from seqviz.ui.common import plain
from seqviz.ui.i18n import t

MAX_KEPT = 16  # finished results kept for other sessions (each holds two small trained models)


@st.cache_resource(show_spinner=False)
def _calls() -> tuple[threading.Lock, dict[Hashable, Any]]:
    """The server's trainings on the cluster, by what they compute (shared by every session)."""
    return threading.Lock(), {}


def on_cluster() -> bool:
    """Does this server train on a Ray cluster (``SEQVIZ_RAY_ADDRESS``)?"""
    return settings.ray_address() is not None


def cluster_result(key: Hashable, path: str, *args: Any) -> Any | None:
    """What ``module:function(*args)`` returned on the cluster, or None while it runs or after it failed
    (the page then shows why)."""
    from seqviz.training.backends.ray_cluster import cluster_call

    lock, calls = _calls()
    with lock:
        call = calls.get(key)
        if call is None:
            call = calls[key] = cluster_call(path, *args, threads=settings.job_threads())
            finished = [other for other, entry in calls.items() if entry.done()]
            for other in finished[: max(0, len(calls) - MAX_KEPT)]:
                del calls[other]
    if not call.done():
        _wait_for(call)
        return None
    failure = call.exception()
    if failure is not None:
        with lock:
            calls.pop(key, None)
        st.error(t("cluster.failed", message=plain(str(failure))), icon=":material/error:")
        return None
    if call.where:
        st.caption(t("cluster.node", where=plain(call.where)))
    return call.result()


def _wait_for(call: Any) -> None:
    @st.fragment(run_every=1.0)
    def waiting() -> None:
        if call.done():
            st.rerun()  # the whole page: it draws the result now
        st.info(t("cluster.waiting" if call.waiting else "cluster.running"), icon=":material/hourglass_top:")

    waiting()
