"""The server's one Ray driver: a separate process that submits this server's runs to the cluster.

Why a process of its own and not ``ray.init`` inside the web server: a Ray driver connecting to an address
with nobody there waits a minute or more; a driver whose cluster goes away is Ray's to end; and Ray's
threads, signal handlers and logs have no business in the process that draws every student's pages. So the
web server never imports Ray. It starts this gateway (``python -m seqviz.training.backends.ray_gateway FD``)
on the first cluster run and talks to it over a socket pair, exactly as it talks to a training child; if the
gateway dies, the server fails the runs it carried, says why, and starts a new gateway for the next run.

Protocol (pickled tuples). Server to gateway: ``("connect", address)`` once, then ``("submit", run, recipe,
initial_files)``, ``("call", run, "module:function", args, threads)``, ``("pause", run)``, ``("resume",
run)``, ``("stop", run, cause)``. Gateway to server: ``("ready", description)`` or ``("unavailable",
message)`` once, then per run ``(run, "waiting")``, ``(run, "started", where)``, ``(run, "report",
report)``, ``(run, "position", position)``, ``(run, "done", result, weights)``, ``(run, "failed",
message)``, ``(run, "cancelled")``.

Each run is one actor (``seqviz.training.backends.ray_actor.TrainingActor``) holding ``num_cpus`` = the
run's threads, so Ray queues a run until a node has that many CPUs free: the queue is Ray's, not ours. A
thread here per run waits for its actor to start, then drains its reports every ``DRAIN_S``, and kills the
actor when the run ends (freeing its CPUs at once).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import socket
import sys
import threading
import time
from multiprocessing.connection import Connection
from typing import Any

from seqviz.training.states import StopCause

DRAIN_S = 0.25  # how often a running run's reports are fetched from its actor
PROBE_S = 1.0  # how often the cluster's head is checked for life
PROBES_TO_GIVE_UP = 3  # the head refusing this many probes in a row means the cluster has gone away
CALL_TIMEOUT_S = 30.0  # a small call to an actor that takes longer than this means the actor is lost
ACTOR_CONCURRENCY = 4  # train, and meanwhile drain and the controls


def put(connection: Connection, message: Any) -> None:
    """Send with the plain pickle, not ``Connection.send``'s: that one lets torch pass tensors as shared
    memory handles, which only a ``multiprocessing`` relative can open (a trained model would not arrive)."""
    connection.send_bytes(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))


def take(connection: Connection) -> Any:
    return pickle.loads(connection.recv_bytes())


def head_address(address: str) -> tuple[str, int] | None:
    """``host:port`` split; None for ``auto`` (Ray finds the cluster itself)."""
    if address == "auto":
        return None
    host, _, port = address.rpartition(":")
    return host.strip("[]"), int(port)


def head_answers(host: str, port: int, timeout: float = 2.0) -> bool:
    """Does anything accept a connection at the head's port? Asked before ``ray.init`` (which would wait a
    minute or more for an address with nobody there) and then every second to notice the cluster going."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


class Unreachable(Exception):
    """The cluster cannot be joined; the message says why (not an ``OSError``: those mean the server left)."""


class Gateway:
    """The gateway's state: the link to the server and the runs it carries."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self._send_lock = threading.Lock()
        self._lock = threading.Lock()
        self.actors: dict[int, Any] = {}  # run -> its actor handle, once created
        self.commands: dict[int, list[tuple[Any, ...]]] = {}  # run -> controls not yet passed on
        self.stopped: dict[int, StopCause] = {}
        self.finished: set[int] = set()
        self.actor_class: Any = None

    def send(self, *message: Any) -> None:
        with self._send_lock, contextlib.suppress(OSError, ValueError):
            put(self.connection, message)

    # -- connecting ------------------------------------------------------------------------------------
    def connect(self, address: str) -> str:
        """Join the cluster; returns a description of it, or raises ``Unreachable`` saying why not."""
        head = head_address(address)
        if head is not None and not head_answers(*head):
            raise Unreachable(f"no Ray cluster answers at {address} (is `ray start --head` running there?)")
        import ray

        from seqviz.training.backends.ray_actor import TrainingActor

        try:
            ray.init(address=address, logging_level="ERROR", log_to_driver=False, configure_logging=False)
        except Exception as exc:  # Ray's own message says what it tried
            raise Unreachable(f"could not join the Ray cluster at {address}: {exc}") from None
        self.actor_class = ray.remote(TrainingActor)
        cpus = ray.cluster_resources().get("CPU", 0)
        nodes = sum(1 for node in ray.nodes() if node.get("Alive"))
        return f"{nodes} node{'s' if nodes != 1 else ''}, {cpus:g} CPUs"

    def watch_head(self, address: str) -> None:
        """End the gateway when the cluster's head stops answering: its runs fail with a message instead of
        waiting forever for a cluster that is gone (the server then starts a new gateway for the next run)."""
        import ray

        head = head_address(address) or _split(ray.get_runtime_context().gcs_address)
        refused = 0
        while True:
            time.sleep(PROBE_S)
            refused = 0 if head_answers(*head) else refused + 1
            if refused >= PROBES_TO_GIVE_UP:
                with self._lock:
                    runs = [run for run in self.commands if run not in self.finished]
                for run in runs:
                    self.send(run, "failed", f"the Ray cluster at {address} stopped answering")
                self.connection.close()
                os._exit(3)

    # -- one run ---------------------------------------------------------------------------------------
    def submit(self, run: int, recipe: Any, initial_files: dict[str, bytes] | None) -> None:
        with self._lock:
            self.commands[run] = []
        threading.Thread(target=self._carry, args=(run, recipe, initial_files), daemon=True).start()

    def call(self, run: int, path: str, args: tuple[Any, ...], threads: int) -> None:
        """Run one of seqviz's trainings (``module:function``) as a Ray task holding ``threads`` CPUs."""
        with self._lock:
            self.commands[run] = []
        threading.Thread(target=self._call, args=(run, path, args, threads), daemon=True).start()

    def _call(self, run: int, path: str, args: tuple[Any, ...], threads: int) -> None:
        import ray

        from seqviz.training.backends.ray_actor import call_named

        try:
            self.send(run, "waiting")
            task = ray.remote(call_named).options(num_cpus=max(1, threads), max_retries=0)
            pending = task.remote(path, args, threads)
            if not self._placed(run, pending):
                ray.cancel(pending, force=True)
                return
            where, value = ray.get(pending)
            self.send(run, "started", where)
            self.send(run, "done", value, None)
        except Exception as exc:
            self.send(run, "failed", _failure(exc))
        finally:
            self._finish(run)

    def control(self, run: int, command: str, *args: Any) -> None:
        """Pass a control on to the run's actor (kept until the actor exists)."""
        with self._lock:
            if command == "stop":
                self.stopped.setdefault(run, args[0])
            actor = self.actors.get(run)
            if actor is None:
                self.commands.setdefault(run, []).append((command, *args))
                return
        getattr(actor, command).remote(*args)

    def _carry(self, run: int, recipe: Any, initial_files: dict[str, bytes] | None) -> None:
        import ray

        actor = None
        try:
            self.send(run, "waiting")
            threads = max(1, recipe.threads or 1)
            actor = self.actor_class.options(num_cpus=threads, max_concurrency=ACTOR_CONCURRENCY).remote()
            placed = actor.where.remote()
            if not self._placed(run, placed):
                return
            where = ray.get(placed, timeout=CALL_TIMEOUT_S)
            with self._lock:
                self.actors[run] = actor
                waiting, self.commands[run] = self.commands.get(run, []), []
            for command, *args in waiting:
                getattr(actor, command).remote(*args)
            self.send(run, "started", where)
            trained = actor.train.remote(recipe, initial_files)
            while True:
                ended = bool(ray.wait([trained], timeout=DRAIN_S)[0])
                self._relay(run, actor)
                if ended:
                    break
            result, weights = ray.get(trained)
            self.send(run, "done", result, weights)
        except Exception as exc:
            self.send(run, "failed", _failure(exc))
        finally:
            self._finish(run)
            if actor is not None:
                with contextlib.suppress(Exception):
                    ray.kill(actor)  # frees its CPUs now, not when Ray notices it idle

    def _placed(self, run: int, started: Any) -> bool:
        """Wait until ``started`` (a run's first call) is under way: Ray holds it until a node has the CPUs.
        False, having told the server, when the run is stopped while it waits."""
        import ray

        while not ray.wait([started], timeout=DRAIN_S)[0]:
            if run in self.stopped:
                self.send(run, "cancelled")
                return False
        return True

    def _finish(self, run: int) -> None:
        """Forget a run that has ended (its controls, its actor); the head's watcher skips it from now on."""
        with self._lock:
            self.finished.add(run)
            self.actors.pop(run, None)
            self.commands.pop(run, None)

    def _relay(self, run: int, actor: Any) -> None:
        import ray

        reports, position = ray.get(actor.drain.remote(), timeout=CALL_TIMEOUT_S)
        for report in reports:
            self.send(run, "report", report)
        self.send(run, "position", position)


def _split(address: str) -> tuple[str, int]:
    host, _, port = address.rpartition(":")
    return host, int(port)


def _failure(exc: BaseException) -> str:
    """What ended a run, in one sentence a page can show (a worker's death is said plainly)."""
    name = type(exc).__name__
    if name in ("RayActorError", "ActorDiedError", "ActorUnavailableError", "WorkerCrashedError"):
        return "the cluster lost this run: the worker training it died (its node may have gone down)"
    if name == "RayTaskError":  # an error raised inside the actor: its cause is what the user needs
        cause = getattr(exc, "cause", None)
        if cause is not None:
            return f"{type(cause).__name__}: {cause}"
    if name == "GetTimeoutError":
        return "the cluster stopped answering about this run"
    first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{name}: {first_line}"


def main() -> None:
    """``python -m seqviz.training.backends.ray_gateway FD``."""
    connection = Connection(int(sys.argv[1]))
    gateway = Gateway(connection)
    try:
        command, address = take(connection)
        description = gateway.connect(address)
    except Unreachable as exc:
        gateway.send("unavailable", str(exc))
        return
    except (EOFError, OSError):  # the server went away while this process started
        return
    gateway.send("ready", description)
    threading.Thread(target=gateway.watch_head, args=(address,), daemon=True).start()
    while True:
        try:
            command, run, *args = take(connection)
        except (EOFError, OSError):  # the server is gone: its runs stop with it
            for run in list(gateway.commands):
                gateway.control(run, "stop", StopCause.SERVER_GONE)
            time.sleep(1.0)  # let the stops reach the actors before this driver (and its actors) ends
            os._exit(0)  # Ray's own shutdown takes seconds; the cluster ends a gone driver's actors anyway
        if command == "submit":
            gateway.submit(run, *args)
        elif command == "call":
            gateway.call(run, *args)
        else:
            gateway.control(run, command, *args)


if __name__ == "__main__":
    main()
