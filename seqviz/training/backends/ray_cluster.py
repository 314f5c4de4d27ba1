"""Train on a Ray cluster (``SEQVIZ_RAY_ADDRESS``): the web server's side.

A run's back end here looks to the page exactly like the child-process one (it is one: the same commands,
the same relayed reports, the same safetensors weights at the end); only the transport differs. Instead of a
child per run, the server keeps one gateway process (``ray_gateway``: the only process of the server that
imports Ray) and multiplexes its runs over it. While Ray has no free CPU for a run, its position says so,
with how many of this server's runs wait ahead of it; once it trains, it says on which node.

Nothing here imports Ray, and nothing here runs in a page's script: the gateway is started, and waited for,
in the job's thread, so a cluster that is slow or gone never holds up a page.
"""

from __future__ import annotations

import contextlib
import itertools
import queue
import socket
import subprocess
import tempfile
import threading
import time
from concurrent.futures import Future
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from seqviz import settings
from seqviz.training.backends.base import Position, ProgressSink, RunCancelled, RunSpec
from seqviz.training.backends.child import (
    STOP_GRACE_S,
    ChildProcessBackend,
    TrainingProcessError,
    _decode_weights,
    spawn_module,
)
from seqviz.training.backends.ray_gateway import put, take
from seqviz.training.trainer import TrainResult

if TYPE_CHECKING:
    from seqviz.training.workflows import Seq2SeqTraining

CONNECT_TIMEOUT_S = 60.0  # the gateway joining the cluster (Ray's own start-up takes a few seconds)
MAX_INITIAL_BYTES = 64 * 1024 * 1024  # a continued run's checkpoint folder, sent to whichever node trains it


class ClusterUnavailable(TrainingProcessError):
    """The cluster cannot be reached (or was lost): the message says which address and why."""


class ClusterGateway:
    """The server's link to its gateway process: runs in, their news out to each run's inbox.

    One reader thread sorts the gateway's messages into the runs' inboxes; if the gateway ends, every run it
    carried hears so (a failure), and ``alive`` turns false so that the next run starts a new gateway."""

    def __init__(self, address: str) -> None:
        self.address = address
        self.description = ""
        self._lock = threading.Lock()
        self._send_lock = threading.Lock()
        self._inboxes: dict[int, queue.Queue[tuple[Any, ...]]] = {}
        self._waiting: list[int] = []  # this server's runs that wait for the cluster, in submission order
        self._ids = itertools.count(1)
        self.alive = False
        # Ray's chatter, read when the gateway fails to start; it lives (and is deleted) with this object
        self._log = tempfile.TemporaryFile(prefix="seqviz-ray-gateway-")  # noqa: SIM115
        self.connection, self.process = spawn_module("seqviz.training.backends.ray_gateway", stderr=self._log)
        self._connect()

    def _connect(self) -> None:
        try:
            put(self.connection, ("connect", self.address))
            if not self.connection.poll(CONNECT_TIMEOUT_S):
                raise ClusterUnavailable(
                    f"the Ray cluster at {self.address} did not answer within {CONNECT_TIMEOUT_S:g} s"
                )
            kind, message = take(self.connection)
        except (EOFError, OSError):
            kind, message = "unavailable", f"the process joining the Ray cluster ended ({self._log_tail()})"
        except ClusterUnavailable:
            self.close()
            raise
        if kind != "ready":
            self.close()
            raise ClusterUnavailable(message)
        self.description = message
        self.alive = True
        threading.Thread(target=self._read, name="seqviz-ray-gateway", daemon=True).start()

    def submit(self, recipe: Any, initial_files: dict[str, bytes] | None) -> tuple[int, queue.Queue]:
        """Hand a run to the cluster; returns its id here and the inbox its news arrives in."""
        return self._hand_over("submit", recipe, initial_files)

    def submit_call(self, path: str, args: tuple[Any, ...], threads: int) -> tuple[int, queue.Queue]:
        """Hand one of seqviz's trainings (``module:function`` with ``args``) to the cluster as a task."""
        return self._hand_over("call", path, args, threads)

    def _hand_over(self, command: str, *arguments: Any) -> tuple[int, queue.Queue]:
        inbox: queue.Queue[tuple[Any, ...]] = queue.Queue()
        with self._lock:
            run = next(self._ids)
            self._inboxes[run] = inbox
            self._waiting.append(run)
        self.send(command, run, *arguments)
        return run, inbox

    def send(self, *command: Any) -> None:
        with self._send_lock, contextlib.suppress(OSError, ValueError):
            put(self.connection, command)

    def waiting_ahead(self, run: int) -> int | None:
        """How many of this server's runs wait for the cluster ahead of ``run`` (None: it is not waiting)."""
        with self._lock:
            return self._waiting.index(run) if run in self._waiting else None

    def forget(self, run: int) -> None:
        with self._lock:
            self._inboxes.pop(run, None)
            if run in self._waiting:
                self._waiting.remove(run)

    def _read(self) -> None:
        while True:
            try:
                run, *message = take(self.connection)
            except (EOFError, OSError):
                break
            with self._lock:
                if message[0] != "waiting" and run in self._waiting:
                    self._waiting.remove(run)
                inbox = self._inboxes.get(run)
            if inbox is not None:
                inbox.put(tuple(message))
        self.alive = False
        with self._lock:
            inboxes, self._waiting = list(self._inboxes.values()), []
        for inbox in inboxes:  # a run that already heard its end ignores this
            inbox.put(("failed", f"the link to the Ray cluster at {self.address} was lost"))
        self.close()

    def close(self) -> None:
        self.alive = False
        with contextlib.suppress(OSError, ValueError):
            # Shut the socket down first: a close() alone neither wakes the reader thread blocked in recv
            # nor lets the gateway see the end (the blocked call keeps the socket open), so it never left.
            link = socket.fromfd(self.connection.fileno(), socket.AF_UNIX, socket.SOCK_STREAM)
            link.shutdown(socket.SHUT_RDWR)
            link.close()
        with contextlib.suppress(OSError):
            self.connection.close()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)

    def _log_tail(self) -> str:
        self._log.seek(0)
        lines = [line for line in self._log.read().decode("utf-8", "replace").splitlines() if line.strip()]
        return lines[-1][-300:] if lines else f"exit code {self.process.poll()}"


_gateway_lock = threading.Lock()
_gateway: ClusterGateway | None = None


def cluster_gateway(address: str) -> ClusterGateway:
    """This server's gateway to ``address``, started on first use and again after one was lost. Called from
    job threads only: joining a cluster can take seconds."""
    global _gateway
    with _gateway_lock:
        if _gateway is None or not _gateway.alive or _gateway.address != address:
            if _gateway is not None:  # a lost one ends in the background: a new run need not wait for it
                threading.Thread(target=_gateway.close, daemon=True).start()
            _gateway = None
            _gateway = ClusterGateway(address)
        return _gateway


def shutdown_gateway() -> None:
    """End the gateway (tests; a server's exit ends it anyway, as its socket closes)."""
    global _gateway
    with _gateway_lock:
        if _gateway is not None:
            _gateway.close()
        _gateway = None


class ClusterCall(Future):
    """One of seqviz's trainings running as a task on the cluster (the LM page's BPTT study): a future the
    page polls without blocking; ``where`` says the node once it has run, ``waiting`` while Ray queues it."""

    def __init__(self) -> None:
        super().__init__()
        self.where: str | None = None
        self.waiting = True


def cluster_call(path: str, *args: Any, threads: int = 1, address: str | None = None) -> ClusterCall:
    """Start ``module:function(*args)`` on the cluster and return at once; the result (or the failure, as a
    ``TrainingProcessError``) arrives in the returned future. Joining the cluster happens in a thread of its
    own, so a page that calls this never waits on Ray."""
    call = ClusterCall()
    target = address or settings.ray_address() or "auto"

    def follow() -> None:
        try:
            gateway = cluster_gateway(target)
            run, inbox = gateway.submit_call(path, args, threads)
            try:
                while True:
                    kind, *rest = inbox.get()
                    if kind == "started":
                        call.where, call.waiting = _where(rest[0]), False
                    elif kind == "done":
                        call.set_result(rest[0])
                        return
                    elif kind in ("failed", "cancelled"):
                        raise TrainingProcessError(rest[0] if rest else "the run was cancelled")
            finally:
                gateway.forget(run)
        except BaseException as exc:
            call.waiting = False
            call.set_exception(exc)

    threading.Thread(target=follow, name="seqviz-cluster-call", daemon=True).start()
    return call


def _where(where: dict[str, Any]) -> str:
    """The page's name for a node: its host, and the start of its Ray node id."""
    return f"{where['node']} on {where['host']}" if where["node"] else where["host"]


class GatewayLink:
    """What ``ChildProcessBackend`` sends commands through, here addressed to one run on the gateway."""

    def __init__(self, gateway: ClusterGateway, run: int) -> None:
        self.gateway = gateway
        self.run = run
        self.stop_sent_at: float | None = None

    def send(self, command: str, *args: Any) -> None:
        self.gateway.send(command, self.run, *args)
        if command == "stop" and self.stop_sent_at is None:
            self.stop_sent_at = time.monotonic()


class RayBackend(ChildProcessBackend):
    """Trains the run as an actor on the Ray cluster at ``SEQVIZ_RAY_ADDRESS`` (or ``address``)."""

    def __init__(self, spec: RunSpec, training: Seq2SeqTraining, address: str | None = None) -> None:
        super().__init__(spec, training)
        self.address = address or settings.ray_address() or "auto"
        self._run: tuple[ClusterGateway, int] | None = None
        self._where: str | None = None
        self.worker_pid: int | None = None  # the actor's process on its node, once it trains
        self._joining = False

    def start(self, sink: ProgressSink) -> TrainResult:
        recipe, initial_files = _travelling(self.recipe)
        self._joining = True  # waiting for the cluster already, while the gateway joins it
        try:
            gateway = cluster_gateway(self.address)
        finally:
            self._joining = False
        run, inbox = gateway.submit(recipe, initial_files)
        link = GatewayLink(gateway, run)
        self._run = (gateway, run)
        self.attach(link)
        try:
            result, weights = self._follow(inbox, sink, link)
        finally:
            self.attach(None)
            self._run = None
            gateway.forget(run)
        self._weights = _decode_weights(weights)
        return result

    def _follow(self, inbox: queue.Queue, sink: ProgressSink, link: GatewayLink) -> tuple[TrainResult, bytes]:
        while True:
            try:
                kind, *rest = inbox.get(timeout=1.0)
            except queue.Empty:
                if link.stop_sent_at is not None and time.monotonic() - link.stop_sent_at > STOP_GRACE_S:
                    raise TrainingProcessError(
                        f"the run did not stop within {STOP_GRACE_S:g} s and was abandoned"
                    ) from None
                continue
            if kind == "report":
                self.relay(sink, rest[0])
            elif kind == "position":
                with self._lock:
                    self._position = rest[0]
            elif kind == "started":
                self._where = _where(rest[0])
                self.worker_pid = rest[0]["pid"]
            elif kind == "done":
                return rest[0], rest[1]
            elif kind == "failed":
                raise TrainingProcessError(rest[0])
            elif kind == "cancelled":
                raise RunCancelled()

    def poll(self) -> Position:
        with self._lock:
            position = self._position
        current = self._run
        ahead = current[0].waiting_ahead(current[1]) if current is not None else None
        if self._joining:
            ahead = 0
        return replace(position, where=self._where, waiting_ahead=ahead)


def _travelling(recipe: Any) -> tuple[Any, dict[str, bytes] | None]:
    """The recipe as it can travel to another machine: a continued run's checkpoint folder goes as its
    files' bytes (the node training it cannot read this server's disk)."""
    initial = recipe.initial
    if not isinstance(initial, (str, Path)):
        return recipe, None
    folder = Path(initial)
    files = {path.name: path for path in folder.iterdir() if path.is_file()}
    if sum(path.stat().st_size for path in files.values()) > MAX_INITIAL_BYTES:
        raise TrainingProcessError(f"the checkpoint {folder.name} is too large to send to the cluster")
    return replace(recipe, initial=None), {name: path.read_bytes() for name, path in files.items()}
