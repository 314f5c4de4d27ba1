"""The states of a training job and of a run, and why a run ended: enums, never text to parse.

They are ``StrEnum``s whose values are the codes the JSON outputs and the page already use (``"steps"``,
``"running"``), so a member equals its code, prints as it, and goes into JSON as it. Sentences about them are
made at the edges: the CLI's English from ``STOP_PHRASES``, the page's from its label table.
"""

from __future__ import annotations

from enum import StrEnum


class JobState(StrEnum):
    """A job on the server's queue (``seqviz.training.jobs``)."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"  # stopped before it got a slot


class RunState(StrEnum):
    """A live run as the Train page shows it (``seqviz.training.live_run``)."""

    WAITING = "waiting"  # built, not started (queued for a slot)
    RUNNING = "running"
    PAUSED = "paused"
    FINISHED = "finished"  # ended: see its StopReason (none when cancelled while waiting)
    FAILED = "failed"  # an error ended it


class StopReason(StrEnum):
    """Why the trainer's loop ended."""

    STEPS = "steps"  # all the updates asked for
    TIME = "time"  # the time budget
    TARGET = "target"  # the early-stop target was reached
    STOPPED = "stopped"  # someone or something asked it to stop: see its StopCause
    DIVERGED = "diverged"  # the loss blew up


class StopCause(StrEnum):
    """Who or what asked a run to stop."""

    USER = "user"
    OWNER_GONE = "owner_gone"  # the browser tab that started it was closed
    SHUTDOWN = "shutdown"  # the server is shutting down
    SERVER_GONE = "server_gone"  # a training child process lost its server


# English, completing "stopped ...": the CLI's and the logs' words (the page has its own labels).
STOP_PHRASES: dict[StopCause, str] = {
    StopCause.USER: "by the user",
    StopCause.OWNER_GONE: "because its browser tab was closed",
    StopCause.SHUTDOWN: "because the server is shutting down",
    StopCause.SERVER_GONE: "because the server went away",
}
