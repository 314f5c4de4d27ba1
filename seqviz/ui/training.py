"""The Train page's session plumbing: the server's job manager, this session's runs, their owner check.

Training runs in a background thread owned by the browser session (``seqviz.training.jobs``). One
``JobManager`` per server process (``st.cache_resource``) bounds how many train at once; each session keeps
its runs in ``st.session_state["train.runs"]`` so they can be compared, and at most one of them is active at a
time. Closing the tab ends the session's websocket; the manager's watchdog sees the session gone and stops its
job after a short grace period (a page reload reconnects within it).
"""

from __future__ import annotations

import atexit
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import streamlit as st

from seqviz import settings
from seqviz.errors import InputError
from seqviz.training.jobs import Job, JobManager
from seqviz.training.live_run import TrainingRun
from seqviz.training.states import RunState
from seqviz.ui.cluster_calls import on_cluster
from seqviz.ui.i18n import t

RUNS_STATE = "train.runs"
MAX_RUNS_KEPT = 8  # finished runs kept for comparison; the oldest finished one goes first


@dataclass(eq=False)
class SessionRun:
    """A run of this session: its number (#1, #2, ... in this session), the run and its job."""

    number: int
    run: TrainingRun
    job: Job

    @property
    def active(self) -> bool:
        return self.job.active

    @property
    def title(self) -> str:
        return f"#{self.number} {self.run.label}"


@st.cache_resource(show_spinner=False)
def job_manager() -> JobManager:
    """The one job manager of this server process (default limit: one less than the CPU cores).

    Its jobs are stopped and joined when the server exits: a thread still inside a torch operation while
    the interpreter tears down aborts the process ("terminate called without an active exception")."""
    manager = JobManager(max_running=_cluster_submissions() if on_cluster() else None)
    atexit.register(manager.shutdown)
    return manager


MAX_CLUSTER_SUBMISSIONS = 200  # a server hands at most this many runs to a cluster at once (Ray queues them)


def _cluster_submissions() -> int:
    """With a cluster, the queue is Ray's: this server submits every run at once (up to ``SEQVIZ_MAX_JOBS``,
    else ``MAX_CLUSTER_SUBMISSIONS``), and each waits there for a free CPU."""
    return settings.max_jobs() or MAX_CLUSTER_SUBMISSIONS


def server_caption() -> str:
    """One line on where this server's runs train and how busy that is (under the Train page)."""
    manager = job_manager()
    running, queued = manager.counts()
    if not on_cluster():
        return t("train.slots", running=running, slots=manager.max_running, queued=queued)
    runs = [job.work for job in manager.jobs() if isinstance(job.work, TrainingRun)]
    waiting = sum(1 for run in runs if run.state == RunState.WAITING) + queued
    training = len(runs) - waiting + queued
    return t("train.cluster_slots", address=settings.ray_address(), training=training, waiting=waiting)


def session_id() -> str:
    """This browser session's id (``"bare"`` outside a Streamlit server, e.g. in plain AppTest)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else "bare"


def owner_alive_check(session: str) -> Callable[[], bool]:
    """A check the watchdog calls: is this session's browser still connected?

    Without a server runtime (AppTest, scripts) nobody can close a tab, so the answer is always yes.
    """

    def alive() -> bool:
        from streamlit.runtime import Runtime

        if not Runtime.exists():
            return True
        return Runtime.instance().is_active_session(session)

    return alive


def session_runs() -> list[SessionRun]:
    return st.session_state.setdefault(RUNS_STATE, [])


def active_run() -> SessionRun | None:
    return next((r for r in reversed(session_runs()) if r.job.active), None)


def start_run(run: TrainingRun) -> SessionRun:
    """Queue ``run`` on the server's job manager as this session's; refuses a second active run."""
    if active_run() is not None:
        raise InputError("this session already has a run going: stop it or let it finish first")
    session = session_id()
    job = job_manager().submit(run, owner=session, label=run.label, is_owner_alive=owner_alive_check(session))
    runs = session_runs()
    number = (runs[-1].number + 1) if runs else 1
    entry = SessionRun(number, run, job)
    runs.append(entry)
    while len(runs) > MAX_RUNS_KEPT:
        oldest_finished = next((r for r in runs if not r.job.active), None)
        if oldest_finished is None:
            break
        runs.remove(oldest_finished)
    return entry


def stop_run(entry: SessionRun) -> None:
    job_manager().stop(entry.job)


def start_runs(runs: Sequence[TrainingRun]) -> list[SessionRun]:
    """Queue several runs at once as this session's (the RNN vs Transformer page's pair, one intent):
    with one slot free they train one after the other, each on the same threads, and a queued one shows
    its place. Refused, like ``start_run``, while this session already has a run going."""
    if active_run() is not None:
        raise InputError("this session already has a run going: stop it or let it finish first")
    session = session_id()
    kept = session_runs()
    entries = []
    for run in runs:
        job = job_manager().submit(
            run, owner=session, label=run.label, is_owner_alive=owner_alive_check(session)
        )
        entries.append(SessionRun((kept[-1].number + 1) if kept else 1, run, job))
        kept.append(entries[-1])
    return entries
