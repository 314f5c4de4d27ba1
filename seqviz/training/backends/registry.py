"""Back ends by name: the one place that knows which exist.

The run asks for one by name (``make_backend``); a new back end registers its factory here with one
``register_backend`` line (or from its own module, or a test), and no code that runs training changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from seqviz import settings
from seqviz.errors import InputError
from seqviz.training.backends.base import BackendFactory, RunSpec, TrainingBackend
from seqviz.training.backends.child import ChildProcessBackend
from seqviz.training.backends.ray_cluster import RayBackend
from seqviz.training.backends.thread import ThreadBackend

if TYPE_CHECKING:
    from seqviz.training.workflows import Seq2SeqTraining

THREAD = "thread"  # in the job's own thread: the CLI, tests, notebooks
CHILD = "child"  # in a child process: the Train page on a server (why: ``seqviz.training.backends.child``)
RAY = "ray"  # as an actor on a Ray cluster (``SEQVIZ_RAY_ADDRESS``; ``seqviz.training.backends.ray_cluster``)

_FACTORIES: dict[str, BackendFactory] = {}


def register_backend(name: str, factory: BackendFactory) -> None:
    """Make ``factory`` the back end called ``name`` (a later registration of the same name replaces it)."""
    _FACTORIES[name] = factory


def unregister_backend(name: str) -> None:
    """Forget a back end (tests that registered one clean up after themselves)."""
    _FACTORIES.pop(name, None)


def backend_names() -> list[str]:
    return sorted(_FACTORIES)


def make_backend(name: str, spec: RunSpec, training: Seq2SeqTraining) -> TrainingBackend:
    """A new back end ``name`` for one run; an unknown name is refused with the known ones."""
    factory = _FACTORIES.get(name)
    if factory is None:
        raise InputError(f"no training back end called {name!r}; known: {', '.join(backend_names())}")
    return factory(spec, training)


def server_backend() -> str:
    """Where a server's live runs train: on the Ray cluster when ``SEQVIZ_RAY_ADDRESS`` names one, else in
    child processes of this server (the embedded default)."""
    return RAY if settings.ray_address() else CHILD


register_backend(THREAD, ThreadBackend)
register_backend(CHILD, ChildProcessBackend)
register_backend(RAY, RayBackend)
